import contextlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.communes import services
from maillon.communes.models import Commune, validate_insee
from maillon.organisations.models import Organisation

from .conftest import row


@given(st.text(max_size=7))
def test_insee_codes(value):
    valid = len(value) == 5 and (value.isascii() and value.isdigit() or (value[:2] in ("2A", "2B") and value[2:].isascii() and value[2:].isdigit()))
    if valid:
        validate_insee(value)
    else:
        with pytest.raises(ValidationError):
            validate_insee(value)


def test_provision_creates_commune_invites_secretary_and_audits(world):
    commune = world.one
    organisation = commune.organisation
    assert organisation.kind == Organisation.Kind.COMMUNE and organisation.slug == "commune-des-essais-1"
    assert commune.groupement == world.main
    assert set(organisation.federations.all()) == set(world.main.federations.all()) != set()
    secretary = organisation.memberships.get()
    assert secretary.user.email == "mairie1@exemple.test" and {Role.ADMIN, Role.DIRECTOR} <= secretary.roles
    assert not secretary.user.has_usable_password()
    assert AuditEntry.objects.filter(action="commune.create", organisation=world.main).count() == 2


def test_invitation_email_is_sent(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.provision(world.membership(world.coordinator), row(9))
    assert any("mairie9@exemple.test" in m.to for m in mail.outbox)


@pytest.mark.parametrize(("changes", "field"), [
    ({"insee_code": "3201"}, "insee_code"), ({"insee_code": "2C001"}, "insee_code"), ({"siret": "12345678901234"}, "siret"),
    ({"siret": "123"}, "siret"), ({"population": "-3"}, "population"), ({"population": "beaucoup"}, "population"),
    ({"secretary_email": "pas-un-mail"}, "secretary_email"), ({"name": "a\x00b"}, "name"), ({"name": "x" * 5000}, "name"),
    ({"mayor_name": ""}, "mayor_name"), ({"insee_code": "32001"}, "insee_code"), ({"siret": "21329000100011"}, "siret"),
])
def test_bad_input_is_refused_with_a_french_message(world, changes, field):
    from .conftest import row as make

    data = make(20, **changes)
    if changes.get("siret") == "21329000100011":
        data["siret"] = world.one.siret
    with pytest.raises(ValidationError) as refused:
        services.provision(world.membership(world.coordinator), data)
    assert field in refused.value.message_dict
    assert Commune.objects.count() == 3


def test_corsican_code_and_slug_clash(world):
    commune = services.provision(world.membership(world.coordinator), row(30, insee_code="2a004", name="Commune des Essais 1"))
    assert commune.insee_code == "2A004" and commune.organisation.slug == "commune-des-essais-1-2"


def test_reserved_name_gets_another_slug(world):
    commune = services.provision(world.membership(world.coordinator), row(31, name="API"))
    assert commune.organisation.slug == "api-2"


def test_only_groupement_staff_provision(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.provision(world.membership(world.staff_only), row(40))


def csv_bytes(rows, header="nom;code INSEE;SIRET;population;maire;e-mail du secrétariat") -> bytes:
    lines = [header] + [";".join([r["name"], r["insee_code"], r["siret"], str(r["population"]), r["mayor_name"], r["secretary_email"]]) for r in rows]
    return "\n".join(lines).encode("utf-8")


def test_csv_all_or_nothing_with_report_per_line(world):
    rows = [row(50), row(51, insee_code="ABCDE"), row(52, siret="11111111111111"), row(53, insee_code="32050"), row(54)]
    with pytest.raises(services.ImportRefused) as refused:
        services.import_csv(world.membership(world.coordinator), csv_bytes(rows))
    lines = dict(refused.value.lines)
    assert set(lines) == {3, 4, 5}
    assert "code INSEE" in lines[3] and "SIRET" in lines[4] and "ligne 2" in lines[5]
    assert Commune.objects.count() == 3  # nothing created


def test_csv_creates_every_commune(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.import_csv(world.membership(world.coordinator), csv_bytes([row(60 + i) for i in range(5)]))
    assert len(created) == 5 and Commune.objects.of_groupement(world.main).count() == 7
    assert AuditEntry.objects.filter(action="commune.import").get().data == {"count": 5}


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02", b"nom;insee\nx;y", "é".encode("cp1252") * 10])
def test_csv_unreadable_files(world, content):
    with pytest.raises(services.ImportRefused):
        services.import_csv(world.membership(world.coordinator), content)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_csv_random_bytes_never_crash(world, content):
    with contextlib.suppress(services.ImportRefused):
        services.import_csv(world.membership(world.coordinator), content)


def test_screens(world, login):
    client = login(world.coordinator)
    url = reverse("communes:create", kwargs={"org": "syndicat-essais"})
    response = client.post(url, row(70, insee_code="9"))
    assert response.status_code == 200
    assert "Un code INSEE a 5 caractères" in response.content.decode()
    response = client.post(url, row(70))
    commune = Commune.objects.get(insee_code="32070")
    assert response.status_code == 302 and response["Location"].endswith(f"/communes/{commune.pk}/")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.csv", csv_bytes([row(71), row(72, siret="1")]), content_type="text/csv")
    response = client.post(reverse("communes:import", kwargs={"org": "syndicat-essais"}), {"file": upload})
    assert response.status_code == 200 and "Ligne 3" in response.content.decode()
