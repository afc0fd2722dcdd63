"""Demo rooms and equipment (fictional)."""

from .models import Resource

ROOMS = [
    ("Salle polyvalente Les Marronniers", Resource.Category.MULTIPURPOSE_ROOM, 80, True, "Rez-de-chaussée"),
    ("Salle d'activités Les Lucioles", Resource.Category.MULTIPURPOSE_ROOM, 25, True, "Rez-de-chaussée, aile enfance"),
    ("Salle de réunion Le Chêne", Resource.Category.MEETING_ROOM, 12, True, "1er étage"),
    ("Bureau partagé Le Tilleul", Resource.Category.MEETING_ROOM, 6, False, "1er étage"),
    ("Cyber Espace", Resource.Category.MULTIPURPOSE_ROOM, 10, True, "Rez-de-chaussée, 10 postes"),
]
EQUIPMENT = [
    ("Minibus 9 places", Resource.Category.VEHICLE, "Permis B, carnet de bord dans la boîte à gants"),
    ("Utilitaire Kangoo", Resource.Category.VEHICLE, "Pour les courses et le matériel des sorties"),
    ("Vidéoprojecteur n° 1", Resource.Category.PROJECTOR, "Avec câble HDMI et télécommande"),
    ("Vidéoprojecteur n° 2", Resource.Category.PROJECTOR, ""),
    ("Ordinateur portable A", Resource.Category.LAPTOP, ""),
    ("Ordinateur portable B", Resource.Category.LAPTOP, ""),
    ("Sonorisation portable", Resource.Category.OTHER, "Enceinte, deux micros sans fil"),
    ("Appareil photo", Resource.Category.OTHER, ""),
]


def seed_resources(context) -> None:
    for organisation, rooms, equipment in ((context.main, ROOMS, EQUIPMENT), (context.second, ROOMS[:2], EQUIPMENT[2:4])):
        for name, category, capacity, accessible, location in rooms:
            Resource.objects.get_or_create(
                organisation=organisation, name=name,
                defaults={"kind": Resource.Kind.ROOM, "category": category, "capacity": capacity, "wheelchair_accessible": accessible, "location": location},
            )
        for name, category, description in equipment:
            Resource.objects.get_or_create(
                organisation=organisation, name=name,
                defaults={"kind": Resource.Kind.EQUIPMENT, "category": category, "description": description},
            )
