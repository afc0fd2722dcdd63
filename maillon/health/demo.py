"""Demo health records (fictional children, invented names): 40 children of Les Tilleuls across
the childhood and youth sectors, some with allergies, a diet or a PAI, two records expired."""

from __future__ import annotations

import datetime

from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.organisations.models import Sector

from . import services
from .models import HealthRecord, Sex

FIRST_NAMES = [
    ("Anouk", Sex.GIRL), ("Basile", Sex.BOY), ("Capucine", Sex.GIRL), ("Dorian", Sex.BOY), ("Elouan", Sex.BOY),
    ("Féline", Sex.GIRL), ("Gaspard", Sex.BOY), ("Héloïse", Sex.GIRL), ("Ilan", Sex.BOY), ("Jade", Sex.GIRL),
    ("Kylian", Sex.BOY), ("Lilou", Sex.GIRL), ("Marius", Sex.BOY), ("Nina", Sex.GIRL), ("Octave", Sex.BOY),
    ("Paloma", Sex.GIRL), ("Quentin", Sex.BOY), ("Rose", Sex.GIRL), ("Sacha", Sex.BOY), ("Tiphaine", Sex.GIRL),
]
LAST_NAMES = [
    "Amandier", "Boisjoli", "Castelblanc", "Dunevert", "Escarbille", "Fontfroide", "Grisemare", "Hautval",
    "Ivrelune", "Jonquerolle", "Kerbrume", "Lavandin", "Mirecourt", "Noirétang", "Orgemont", "Pervenche",
    "Quinsac", "Roseval", "Sablonnière", "Tournesac", "Ursiac", "Valprune", "Wissembrac", "Yvrandière",
]
ALLERGIES = ["Arachides (choc anaphylactique possible)", "Pollens de graminées", "Lait de vache (protéines)",
             "Piqûres de guêpe", "Œuf", "Fruits à coque"]
DIETS = ["Sans porc", "Végétarien", "Sans gluten (maladie cœliaque)"]
TREATMENTS = ["Ventoline avant l'effort (dans le sac à dos)", "Antihistaminique le matin, donné par la famille"]
DOCTORS = [("Dr Camille Brunelle", "04 72 10 20 30"), ("Dr Idriss Malaterre", "04 78 55 66 77"), ("Dr Solène Vautrin", "04 72 88 12 45")]
RELATIONSHIPS = ["Mère", "Père"]
# The second contact's relationship agrees with the first name it is given (Odile, Marcel).
WOMEN_RELATIVES = ["Grand-mère", "Tante", "Voisine"]
MEN_RELATIVES = ["Grand-père", "Oncle"]


def _phone(index: int) -> str:
    digits = f"06{(index * 7919) % 100_000_000:08d}"
    return " ".join(digits[i:i + 2] for i in range(0, 10, 2))


def seed_health(context) -> None:
    org = context.main
    if HealthRecord.objects.for_organisation(org).exists():
        return
    sectors = {s.name: s for s in Sector.objects.for_organisation(org)}
    childhood, youth = sectors.get("Secteur Enfance"), sectors.get("Secteur Jeunes et Adolescents")
    writers = {name: Membership.objects.with_roles().get(organisation=org, user=context.people[username])
               for name, username in (("Secteur Enfance", "coordo.enfance"), ("Secteur Jeunes et Adolescents", "coordo.jeunes"))
               if username in context.people}
    if not childhood or not youth or len(writers) < 2:
        return
    today = timezone.localdate()
    school_year = today.year if today.month >= 9 else today.year - 1
    for index in range(40):
        first, sex = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        in_youth = index >= 24
        sector = youth if in_youth else childhood
        age = 11 + index % 7 if in_youth else 6 + index % 5
        birth = datetime.date(today.year - age - 1, 1 + (index * 5) % 12, 1 + (index * 11) % 28)
        doctor = DOCTORS[index % len(DOCTORS)]
        allergic = index % 4 == 1
        values = {
            "first_name": first, "last_name": last, "birth_date": birth, "sex": sex,
            "doctor_name": doctor[0], "doctor_phone": doctor[1],
            "allergies": ALLERGIES[index % len(ALLERGIES)] if allergic else "",
            "diet": DIETS[index % len(DIETS)] if index % 5 == 2 else "",
            "treatments": TREATMENTS[index % len(TREATMENTS)] if index % 9 == 4 else "",
            "has_pai": allergic and index % 8 == 1,
            "dtp_date": birth + datetime.timedelta(days=365 * 6 + 30),
            "other_vaccinations": "ROR (2 doses), méningocoque C" if index % 3 == 0 else "",
            "medical_notes": "Porte des lunettes, à garder pendant les jeux de ballon." if index % 11 == 3 else "",
            "allows_photos": index % 6 != 5, "allows_outings": True, "allows_transport": index % 10 != 7,
            "allows_emergency_care": True,
            # Two records of last school year: shown as expired.
            "school_year": school_year - 1 if index in (7, 30) else school_year,
            "signed_on": datetime.date(school_year - 1 if index in (7, 30) else school_year, 9, 2 + index % 20),
        }
        contacts = [
            {"name": f"{'Julien' if index % 2 else 'Claire'} {last}", "phone": _phone(index), "relationship": RELATIONSHIPS[index % 2],
             "is_guardian": True, "may_collect": True},
            {"name": f"{'Odile' if index % 3 else 'Marcel'} {LAST_NAMES[(index * 5 + 3) % len(LAST_NAMES)]}", "phone": _phone(index + 100),
             "relationship": WOMEN_RELATIVES[index % 5 % 3] if index % 3 else MEN_RELATIVES[index % 2],
             "is_guardian": False, "may_collect": index % 3 != 0},
        ]
        services.save_record(writers[sector.name], None, values, [sector], contacts)
