"""Who reads and who edits a framework (policies.py), through the pages: a guessed id is a 404."""

import pytest

from maillon.competencies import policies
from maillon.competencies.models import Framework

from .test_framework_world import world_fixture  # noqa: F401


def test_it_lets_the_editors_edit_and_the_participant_read(world):
    assert policies.can_edit(world.director, world.framework)
    assert policies.can_edit(world.coordinator, world.framework)
    rights = policies.access(world.participant_user, world.framework)
    assert rights.can_read and not rights.can_edit and rights.can_propose
    assert rights.participant == world.participant
    assert policies.is_coordinator_of(world.coordinator, rights.participant)
    assert not policies.is_coordinator_of(world.director, rights.participant)


def test_it_hides_the_framework_from_non_participants_and_other_organisations(world):
    for person in (world.people.owner, world.people.outsider, world.space_member, world.host):
        assert not policies.can_view(person, world.framework), person
        assert not policies.frameworks_visible_to(person).filter(pk=world.framework.pk).exists()


def test_it_shares_the_framework_with_the_space_and_its_hosts_edit(world):
    world.share()
    assert policies.can_view(world.space_member, world.framework)
    assert not policies.can_edit(world.space_member, world.framework)
    assert policies.can_edit(world.host, world.framework)
    assert list(policies.frameworks_visible_to(world.space_member)) == [world.framework]
    assert list(policies.frameworks_edited_by(world.host)) == [world.framework]
    assert not policies.can_view(world.people.outsider, world.framework)


def test_a_person_who_left_the_organisation_no_longer_reads(world):
    world.participant_user.memberships.update(is_active=False)
    assert not policies.can_view(world.participant_user, world.framework)


@pytest.mark.parametrize("who, suffix, status", [
    ("director", "", 200), ("coordinator", "modifier/", 200), ("participant", "", 200),
    ("participant", "modifier/", 404), ("participant", "participants/", 404), ("participant", "importer/", 404),
    ("participant", "proposer/", 200), ("participant", "editions/", 200), ("participant", "export.csv", 200),
    ("owner", "", 404), ("owner", "proposer/", 404), ("owner", "export.json", 404),
])
def test_the_pages_follow_the_matrix(world, client, who, suffix, status):
    user = {"director": world.director, "coordinator": world.coordinator, "participant": world.participant_user,
            "owner": world.people.owner}[who]
    client.force_login(user)
    assert client.get(world.url(suffix)).status_code == status


def test_another_organisation_guessing_ids_gets_404(world, client):
    client.force_login(world.people.outsider)
    for suffix in ("", "modifier/", "editions/", "export.csv", "participants/", f"competences/{world.framework.competencies.first().pk}/"):
        assert client.get(world.url(suffix, org=world.people.other_org)).status_code == 404, suffix
    # Through the owner's address: the organisation itself is a 404 to a non-member.
    assert client.get(world.url("")).status_code == 404
    assert client.post(world.url("editions/", org=world.people.other_org), {"label": "x"}).status_code == 404
    assert world.framework.editions.count() == 0


def test_a_space_member_of_another_organisation_reads_the_shared_framework_from_their_own_address(world, client):
    world.share()
    client.force_login(world.space_member)
    page = client.get(world.url("", org=world.third))
    assert page.status_code == 200 and "Médiation et accompagnement" in page.content.decode()
    assert client.get(world.url("modifier/", org=world.third)).status_code == 404
    listing = client.get(f"/{world.third.slug}/parcours/referentiel/").content.decode()
    assert world.framework.name in listing


def test_a_participant_cannot_change_anything_by_posting(world, client):
    client.force_login(world.participant_user)
    competency = world.framework.competencies.first()
    before = Framework.objects.get(pk=world.framework.pk).name
    assert client.post(world.url("modifier/"), {"name": "Piraté"}).status_code == 404
    assert client.post(world.url(f"competences/{competency.pk}/retirer/")).status_code == 404
    assert client.post(world.url("editions/"), {"label": ""}).status_code == 404
    assert Framework.objects.get(pk=world.framework.pk).name == before
    assert world.framework.competencies.filter(pk=competency.pk).exists()


def test_creating_frameworks_is_for_editors(people, client):
    client.force_login(people.owner)
    assert client.get(f"/{people.org.slug}/parcours/referentiel/nouveau/").status_code == 403
    assert client.post(f"/{people.org.slug}/parcours/referentiel/modele/").status_code == 403
    assert not Framework.objects.exists()
