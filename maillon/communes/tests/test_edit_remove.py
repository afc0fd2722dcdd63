"""Editing a commune, removing it (deleted when empty, deactivated when it holds data), re-activating it."""

import pytest
from django.urls import reverse

from maillon.accounts.models import Membership, User
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.communes import services
from maillon.communes.models import Commune
from maillon.organisations.models import Organisation
from maillon.testing import give_totp, make_member

from .conftest import row
from .test_access import own_client


def url(name, pk, org="syndicat-essais"):
    return reverse(f"communes:{name}", kwargs={"org": org, "pk": pk})


@pytest.fixture
def coordinator(world):
    return own_client(world.coordinator)


def _form(commune, **changes):
    return {**services.current_values(commune), **changes}


def test_edit_checks_as_at_creation_saves_and_audits(world, coordinator, django_capture_on_commit_callbacks):
    commune = world.one
    page = coordinator.get(url("edit", commune.pk)).content.decode()
    assert "Commune des Essais 1" in page and "32001" in page
    response = coordinator.post(url("edit", commune.pk), _form(commune, siret="12345678901234", population="beaucoup"))
    assert response.status_code == 400
    assert "SIRET" in response.content.decode() and "nombre entier" in response.content.decode()
    response = coordinator.post(url("edit", commune.pk), _form(commune, siret=world.two.siret))
    assert response.status_code == 400 and "existe déjà" in response.content.decode()
    response = coordinator.post(url("edit", commune.pk), _form(commune, name="  ", mayor_name="x" * 151))
    assert response.status_code == 400 and not AuditEntry.objects.filter(action="commune.update").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(url("edit", commune.pk), _form(commune, name="Essais-sur-Gimone", population="1 204",
                                                                   mayor_name="Jeanne Nouvelle",
                                                                   secretary_email="Nouveau.Secretariat@exemple.test"))
    assert response.status_code == 302
    commune = Commune.objects.select_related("organisation").get(pk=commune.pk)
    assert (commune.organisation.name, commune.population, commune.mayor_name, commune.secretary_email) == (
        "Essais-sur-Gimone", 1204, "Jeanne Nouvelle", "nouveau.secretariat@exemple.test")
    assert commune.insee_code == "32001" and commune.organisation.slug == "commune-des-essais-1"
    assert Membership.objects.filter(organisation=commune.organisation, user__email="nouveau.secretariat@exemple.test").exists()
    entry = AuditEntry.objects.get(action="commune.update")
    assert entry.organisation == world.main and entry.data["invited"] is True
    assert entry.data["changes"]["population"] == [350, 1204]
    assert set(entry.data["changes"]) == {"name", "population", "mayor_name", "secretary_email"}
    coordinator.post(url("edit", commune.pk), _form(commune))  # nothing changed: nothing recorded
    assert AuditEntry.objects.filter(action="commune.update").count() == 1


def test_an_empty_commune_is_deleted_with_its_unused_invitation(world, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.provision(world.membership(world.coordinator), row(50))
    organisation_id, secretary = fresh.organisation_id, fresh.organisation.memberships.get().user
    page = coordinator.get(url("remove", fresh.pk)).content.decode()
    assert "sera supprimée" in page and "Supprimer la commune" in page
    assert Organisation.objects.filter(pk=organisation_id).exists()  # nothing happens on GET
    assert coordinator.post(url("remove", fresh.pk)).status_code == 302
    assert not Organisation.objects.filter(pk=organisation_id).exists() and not Commune.objects.filter(pk=fresh.pk).exists()
    assert not User.objects.filter(pk=secretary.pk).exists()
    entry = AuditEntry.objects.get(action="commune.delete")
    assert entry.organisation == world.main and entry.data["insee"] == "32050"
    assert coordinator.get(url("detail", fresh.pk)).status_code == 404


def test_a_commune_with_data_is_deactivated_then_reactivated(world, coordinator, django_capture_on_commit_callbacks):
    commune = world.one
    slug = commune.organisation.slug
    colleague = make_member(commune.organisation, Role.COORDINATOR, sector_name=None, username="agent-mairie")
    give_totp(world.secretary)
    secretary = own_client(world.secretary)
    assert secretary.get(reverse("dashboard", kwargs={"org": slug})).status_code == 200
    page = coordinator.get(url("remove", commune.pk)).content.decode()
    assert "sera désactivée" in page and "membres en plus du secrétariat : 1" in page.lower()
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(url("remove", commune.pk)).status_code == 302
    commune.organisation.refresh_from_db()
    assert not commune.organisation.is_active and Membership.objects.filter(user=colleague).exists()
    assert secretary.get(reverse("dashboard", kwargs={"org": slug})).status_code == 404
    assert secretary.get("/api/v1/notifications", headers={"X-Organisation": slug}).status_code == 404
    listing = coordinator.get(reverse("communes:index", kwargs={"org": "syndicat-essais"})).content.decode()
    assert "désactivée" in listing
    detail = coordinator.get(url("detail", commune.pk)).content.decode()
    assert "Réactiver la commune" in detail and url("remove", commune.pk) not in detail
    assert AuditEntry.objects.get(action="commune.deactivate").data["kept"]
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(url("reactivate", commune.pk)).status_code == 302
    commune.organisation.refresh_from_db()
    assert commune.organisation.is_active
    assert secretary.get(reverse("dashboard", kwargs={"org": slug})).status_code == 200
    assert AuditEntry.objects.filter(action="commune.reactivate", organisation=world.main).count() == 1


def test_a_commune_with_history_is_kept(world, coordinator, django_capture_on_commit_callbacks):
    """Enabling a service is recorded in the commune's audit log, which is append-only."""
    with django_capture_on_commit_callbacks(execute=True):
        services.set_services(world.membership(world.coordinator), world.two, ["leave"])
    plan = services.removal(Commune.objects.select_related("organisation").get(pk=world.two.pk))
    assert not plan.delete and any(n for _label, n in plan.kept)
    coordinator.post(url("remove", world.two.pk))
    assert Organisation.objects.get(pk=world.two.organisation_id).is_active is False


def test_only_the_groupements_staff_edit_and_remove(world, login):
    commune = world.one
    before = services.current_values(commune)
    for user, org in [(world.other_coordinator, "autre-syndicat"), (world.other_coordinator, "syndicat-essais"),
                      (world.staff_only, "syndicat-essais")]:
        client = login(user)
        for name in ("edit", "remove"):
            assert client.get(url(name, commune.pk, org)).status_code == 404
        for name in ("edit", "remove", "reactivate"):
            assert client.post(url(name, commune.pk, org), _form(commune, name="Piratée")).status_code == 404
    give_totp(world.secretary)
    secretary = own_client(world.secretary)
    assert secretary.post(url("remove", commune.pk, commune.organisation.slug)).status_code == 404
    commune = Commune.objects.select_related("organisation").get(pk=commune.pk)
    assert services.current_values(commune) == before and commune.organisation.is_active
    assert not AuditEntry.objects.filter(action__in=["commune.update", "commune.delete", "commune.deactivate"]).exists()
