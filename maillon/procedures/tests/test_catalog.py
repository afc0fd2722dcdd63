"""The ready-made procedures (issue 13, items 4 and 6): seed 001 §1 has every procedure validated
by the sector's coordinator, then HR, then the director; an organisation's own change to a chain
survives re-enabling the templates. The order of mission is what a centre's vehicle opens."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.http import QueryDict

from maillon.procedures import schema as s
from maillon.procedures import services
from maillon.procedures.catalog import DRIVING_LICENCE, TEMPLATES
from maillon.procedures.models import Procedure


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_ships_the_seed_chain_coordinator_hr_director(key):
    steps = TEMPLATES[key]["chain"]["steps"]
    assert [step["role"] for step in steps] == ["coordinator", "hr", "director"]
    # No threshold and no shortcut in what ships: three people validate (the builder adds them).
    assert not any(step.get("min_amount") or step.get("skip_roles") for step in steps)


def test_an_enabled_template_carries_that_chain_into_its_published_version(enable):
    procedure = enable("fax")
    assert [step["role"] for step in procedure.current_version.chain["steps"]] == ["coordinator", "hr", "director"]


def test_an_organisation_keeps_its_own_chain_when_the_templates_are_enabled_again(people, enable, chain):
    procedure = enable("frais-kilometriques")
    own = {"steps": [{"role": "hr"}], "reminder_days": 2}
    Procedure.objects.filter(pk=procedure.pk).update(chain=own)
    version = procedure.current_version
    version.chain = own
    version.save(update_fields=["chain"])
    call_command("procedure_templates", people.org.slug, "--all", stdout=StringIO())
    procedure.refresh_from_db()
    assert procedure.chain == own and procedure.current_version.chain == own
    assert Procedure.objects.for_organisation(people.org).filter(template_key="frais-kilometriques").count() == 1
    assert Procedure.objects.for_organisation(people.org).count() == len(TEMPLATES)
    assert services.enable_template(type("R", (), {"user": chain.hr, "organisation": people.org, "META": {}})(), "frais-kilometriques").pk == procedure.pk


def order_form(**changes):
    data = {"vehicule": "Minibus 9 places", "destination": "Bellecombe", "objet": "Sortie", "date_depart": "2030-03-05",
            "heure_depart": "09:00", "date_retour": "2030-03-05", "heure_retour": "17:00", "nombre_passagers": "8",
            "permis": [DRIVING_LICENCE], **changes}
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return s.SubmissionForm(TEMPLATES["ordre-mission"]["fields"], query, {})


def test_the_order_of_mission_asks_the_applicant_to_certify_the_driving_licence():
    assert order_form().is_valid()
    assert not order_form(permis=[]).is_valid()
    refused = order_form(permis=["Autre chose"])
    assert not refused.is_valid() and "permis" in refused.errors
    assert order_form(passagers="Léa\nNoé").is_valid()  # names are optional


def test_the_mileage_claim_stays_for_ones_own_car():
    mileage = TEMPLATES["frais-kilometriques"]
    assert "son véhicule" in mileage["description"] and any(f["kind"] == "iban" for f in mileage["fields"])
    assert "propre voiture" in TEMPLATES["ordre-mission"]["description"]
