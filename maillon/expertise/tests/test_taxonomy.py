"""Who edits a federation's taxonomy (policies.py's decision) and the taxonomy pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillon.accounts.roles import Role as OrgRole
from maillon.audit.models import AuditEntry
from maillon.expertise import policies, services
from maillon.expertise.models import Declaration, Domain, Skill
from maillon.organisations.models import Federation, Organisation
from maillon.testing import OrganisationFactory, give_totp, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(directory):
    office = OrganisationFactory(name="Bureau fédéral", slug="bureau", kind=Organisation.Kind.FEDERATION)
    office.federations.add(directory.federation)
    return office


def test_hosts_of_the_federation_spaces_edit_its_taxonomy(directory):
    assert policies.can_edit_domain(directory.host, directory.domain)
    # A contributor of the same space, a colleague, a stranger: no.
    for user in (directory.people.owner, directory.people.colleague, directory.stranger):
        assert not policies.can_edit_domain(user, directory.domain)
    directory.space.archived_at = timezone.now()
    directory.space.save(update_fields=["archived_at"])
    assert not policies.can_edit_domain(directory.host, directory.domain)  # an archived space is read-only


def test_directors_and_admins_of_a_federation_office_edit_its_taxonomy(directory, office):
    director = make_member(office, OrgRole.DIRECTOR, sector_name=None)
    admin = make_member(office, OrgRole.ADMIN, sector_name=None)
    coordinator = make_member(office, OrgRole.COORDINATOR)
    centre_director = make_member(directory.people.org, OrgRole.DIRECTOR, sector_name=None)
    assert policies.can_edit_domain(director, directory.domain)
    assert policies.can_edit_domain(admin, directory.domain)
    assert not policies.can_edit_domain(coordinator, directory.domain)
    assert not policies.can_edit_domain(centre_director, directory.domain)  # a social centre's director


def test_the_instance_taxonomy_is_edited_by_superusers_only(directory, office):
    instance = Domain.objects.create(name="Commun")
    director = make_member(office, OrgRole.DIRECTOR, sector_name=None)
    assert not policies.can_edit_domain(director, instance)
    assert not policies.can_edit_domain(directory.host, instance)
    director.is_superuser = True
    assert policies.can_edit_domain(director, instance)
    with pytest.raises(PermissionDenied):
        services.create_domain(actor=directory.host, name="Commun 2")


def test_a_host_creates_a_domain_adds_renames_and_deletes_skills(directory, login):
    client = login(directory.host)
    response = client.post("/competences/referentiel/", {"name": "Familles", "federation": directory.federation.pk})
    domain = Domain.objects.get(name="Familles", federation=directory.federation)
    assert response.url == f"/competences/referentiel/domaines/{domain.pk}/"
    client.post(response.url, {"action": "add", "skill-name": "Ateliers parents-enfants"})
    skill = Skill.objects.get(domain=domain)
    response = client.post(response.url, {"action": "add", "skill-name": "ateliers PARENTS-enfants"})
    assert "Ce domaine a déjà une compétence de ce nom." in response.content.decode()
    client.post(f"/competences/referentiel/competences/{skill.pk}/", {f"s{skill.pk}-name": "Ateliers familles"})
    skill.refresh_from_db()
    assert skill.name == "Ateliers familles"
    client.post(f"/competences/referentiel/competences/{skill.pk}/supprimer/")
    assert not Skill.objects.filter(pk=skill.pk).exists()
    client.post(f"/competences/referentiel/domaines/{domain.pk}/", {"action": "rename", "domain-name": "Numérique"})
    assert Domain.objects.get(pk=domain.pk).name == "Familles"  # the federation already has « Numérique »
    client.post(f"/competences/referentiel/domaines/{domain.pk}/supprimer/")
    assert not Domain.objects.filter(pk=domain.pk).exists()
    actions = set(AuditEntry.objects.filter(action__startswith="expertise.").values_list("action", flat=True))
    assert actions == {"expertise.domain_create", "expertise.skill_create", "expertise.skill_rename", "expertise.skill_delete",
                       "expertise.domain_delete"}


def test_an_empty_name_is_a_french_message(directory, login):
    client = login(directory.host)
    response = client.post("/competences/referentiel/", {"name": "  ", "federation": directory.federation.pk})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(f"/competences/referentiel/competences/{directory.online.pk}/", {f"s{directory.online.pk}-name": ""},
                           follow=True)
    assert "Donnez un nom." in response.content.decode()


def test_non_editors_get_404_on_the_edit_pages_and_their_posts_change_nothing(directory, login):
    client = login(directory.people.owner)  # reads the taxonomy, does not edit it
    page = client.get("/competences/referentiel/").content.decode()
    assert "Démarches en ligne" in page and "Nouveau domaine" not in page
    domain, skill = directory.domain, directory.online
    assert client.get(f"/competences/referentiel/domaines/{domain.pk}/").status_code == 404
    assert client.post(f"/competences/referentiel/domaines/{domain.pk}/supprimer/").status_code == 404
    assert client.post(f"/competences/referentiel/competences/{skill.pk}/", {f"s{skill.pk}-name": "Piraté"}).status_code == 404
    assert client.post(f"/competences/referentiel/competences/{skill.pk}/supprimer/").status_code == 404
    assert client.post("/competences/referentiel/", {"name": "Intrus", "federation": directory.federation.pk}).status_code == 302
    assert not Domain.objects.filter(name="Intrus").exists()
    assert Skill.objects.get(pk=skill.pk).name == "Démarches en ligne"


def test_a_host_cannot_create_a_domain_in_another_federation(directory, login):
    other = Federation.objects.create(name="Autre", slug="autre-f")
    response = login(directory.host).post("/competences/referentiel/", {"name": "Intrus", "federation": other.pk})
    assert response.status_code == 200
    assert not Domain.objects.filter(name="Intrus").exists()


def test_the_stranger_does_not_see_the_federation_taxonomy(directory, login):
    page = login(directory.stranger).get("/competences/referentiel/").content.decode()
    assert "Démarches en ligne" not in page


def test_deleting_a_skill_removes_the_declarations(directory):
    services.delete_skill(directory.online, actor=directory.host)
    assert not Declaration.objects.filter(skill_id=directory.online.pk).exists()


def test_a_director_of_the_office_uses_the_pages_with_mfa(directory, office, login):
    director = make_member(office, OrgRole.DIRECTOR, sector_name=None)
    give_totp(director)
    page = login(director).get("/competences/referentiel/").content.decode()
    assert "Nouveau domaine" in page
