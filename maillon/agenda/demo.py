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
                # The centre's vehicles are confirmed once their order of mission is approved.
                defaults={"kind": Resource.Kind.EQUIPMENT, "category": category, "description": description,
                          "waits_for_procedure": category == Resource.Category.VEHICLE},
            )


def seed_agenda(context) -> None:
    """A realistic planning for Les Tilleuls: weekly activities, meetings, room and vehicle
    bookings, a booking waiting for reception, funding deadlines. Dates follow today."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from maillon.accounts.models import Membership
    from maillon.organisations.models import Sector

    from . import services
    from .models import Event
    from .recurrence import PARIS, build_rule

    org = context.main
    if Event.objects.for_organisation(org).exists():
        return
    Resource.objects.for_organisation(org).filter(name="Salle polyvalente Les Marronniers").update(buffer_minutes=15)
    Resource.objects.for_organisation(org).filter(name="Salle de réunion Le Chêne").update(moderated=True)
    rooms = {r.name: r for r in Resource.objects.for_organisation(org)}

    def member(username):
        return Membership.objects.with_roles().select_related("organisation", "user").get(organisation=org, user=context.people[username])

    def sector(name):
        return Sector.objects.for_organisation(org).get(name=name)

    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())

    def at(days, hour, minute=0):
        return datetime.combine(monday + timedelta(days=days), time(hour, minute), tzinfo=PARIS)

    coordo, anim, directrice = member("coordo.enfance"), member("animateur"), member("directrice")
    jeunes = member("coordo.jeunes")
    plan = [
        (coordo, "Accueil périscolaire du mercredi", at(2, 9), at(2, 12), Event.Kind.ACTIVITY, ["Salle d'activités Les Lucioles"], [anim], build_rule("weekly", count=30), "Secteur Enfance"),
        (coordo, "Atelier cuisine parents-enfants", at(4, 14), at(4, 16), Event.Kind.ACTIVITY, ["Salle polyvalente Les Marronniers"], [], build_rule("biweekly", count=12), "Secteur Adultes et Familles"),
        (jeunes, "Soirée jeux de société ados", at(4, 18), at(4, 21), Event.Kind.ACTIVITY, ["Salle polyvalente Les Marronniers"], [], build_rule("monthly", count=8), "Secteur Jeunes et Adolescents"),
        (directrice, "Réunion d'équipe", at(1, 9, 30), at(1, 11), Event.Kind.MEETING, ["Salle de réunion Le Chêne", "Vidéoprojecteur n° 1"], [coordo, jeunes], build_rule("weekly", count=40), ""),
        (coordo, "Sortie à la ferme pédagogique", at(8, 9), at(8, 17), Event.Kind.ACTIVITY, ["Minibus 9 places"], [anim], "", "Secteur Enfance"),
        (jeunes, "Permanence Point Information Jeunesse", at(3, 14), at(3, 17), Event.Kind.ACTIVITY, ["Cyber Espace"], [], build_rule("weekly", count=20), "Secteur Jeunes et Adolescents"),
        (anim, "Préparation du carnaval", at(10, 14), at(10, 16), Event.Kind.BOOKING, ["Salle de réunion Le Chêne"], [], "", "Secteur Enfance"),
        (directrice, "Dépôt du dossier CAF – prestation de service", at(24, 9), at(24, 10), Event.Kind.FUNDING, [], [], "", ""),
        (directrice, "Bilan FEDER annuel", at(45, 9), at(45, 10), Event.Kind.FUNDING, [], [], "", ""),
        (directrice, "Fête de quartier", at(30, 14), at(30, 19), Event.Kind.ACTIVITY, ["Sonorisation portable"], [], "", ""),
    ]
    for who, title, start, end, kind, resource_names, people, rule, sector_name in plan:
        services.create_event(
            who, title=title, start=start, end=end, kind=kind, resources=[rooms[n] for n in resource_names], people=people,
            rrule=rule, sector=sector(sector_name) if sector_name else None, allow_past=True, skip_conflicting=True,
            reminder_days=[30, 7] if kind == Event.Kind.FUNDING else [],
            place=resource_names[0] if resource_names and kind != Event.Kind.FUNDING else "",
        )


def seed_plannings(context) -> None:
    """Work profiles for the Enfance team, a published holiday-club planning for next week
    and a draft one the week after (with problems left to fix), and two closures."""
    import contextlib
    from datetime import datetime, time, timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from maillon.accounts.models import Membership
    from maillon.organisations.models import Sector

    from . import plannings, services
    from .models import Closure, Planning, WorkProfile
    from .recurrence import PARIS

    org = context.main
    if Planning.objects.for_organisation(org).exists():
        return
    members = Membership.objects.with_roles().select_related("organisation", "user").filter(organisation=org)
    by_name = {m.user.username: m for m in members}
    coordo, anim, encadrant, directrice = (by_name[n] for n in ("coordo.enfance", "animateur", "encadrant", "directrice"))
    enfance = Sector.objects.for_organisation(org).get(name="Secteur Enfance")
    others = list(members.filter(sector=enfance).exclude(pk__in=[coordo.pk, anim.pk, encadrant.pk]).order_by("user__last_name"))[:3]
    team = [encadrant, *others, anim]
    contracts = [(WorkProfile.Contract.CDI, 35, ["bafd", "bafa", "psc1"]), (WorkProfile.Contract.PART_TIME, 24, ["bafa"]),
                 (WorkProfile.Contract.CEE, None, ["bafa"]), (WorkProfile.Contract.CIVIC, 24, []),
                 (WorkProfile.Contract.CDI, 35, ["bafa", "psc1"])]
    for person, (contract, hours, quals) in zip(team, contracts, strict=False):
        plannings.save_profile(coordo, person, contract=contract, weekly_hours=hours, qualifications=quals)

    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday()) + timedelta(days=7)

    def at(day, hour, minute=0):
        return datetime.combine(monday + timedelta(days=day), time(hour, minute), tzinfo=PARIS)

    def build(title, first_day, publish):
        planning = plannings.create_planning(coordo, title=title, sector=enfance, start_date=monday + timedelta(days=first_day),
                                             end_date=monday + timedelta(days=first_day + 4))
        for day in range(first_day, first_day + 5):
            plannings.add_shift(coordo, planning, title="Accueil du matin", start=at(day, 8), end=at(day, 12, 30), people=team[:3],
                                supervisors_needed=2, qualification="bafa", children_under_6=8, children_from_6=14)
            plannings.add_shift(coordo, planning, title="Activités de l'après-midi", start=at(day, 13, 30), end=at(day, 17, 30),
                                people=team[2:4], supervisors_needed=2, children_under_6=6, children_from_6=12)
        if publish:
            # Should a colleague's booking collide, the demo shows the planning as a draft.
            with contextlib.suppress(ValidationError):
                plannings.publish(coordo, planning)
        return planning

    build("Accueil de loisirs – vacances, semaine 1", 0, True)
    draft = build("Accueil de loisirs – vacances, semaine 2", 7, False)
    # Problems to show: a long outing day, too few adults, the animator already busy.
    plannings.add_shift(coordo, draft, title="Sortie au lac (journée)", start=at(9, 7, 30), end=at(9, 19), people=[team[3], anim],
                        supervisors_needed=3, children_from_6=30)
    rooms = {r.name: r for r in Resource.objects.for_organisation(org)}
    services.create_closure(directrice, resource=None, start=at(18, 0), end=at(19, 0), reason="Journée pédagogique de l'équipe")
    Closure.objects.create(organisation=org, resource=rooms["Cyber Espace"], start=at(21, 0), end=at(26, 0),
                           reason="Remplacement des postes informatiques", created_by=directrice.user)
