"""The cross-organisation rule: a space's content is visible to its members, whatever their
organisation, and to nobody else; a removed member loses access at once."""

import pytest
from django.utils import timezone

from maillon.accounts.roles import Role as OrgRole
from maillon.spaces import policies, services
from maillon.spaces.models import Role, Space, SpaceMember
from maillon.testing import give_totp, make_member

pytestmark = pytest.mark.django_db

PAGES = ["", "membres/"]


def visible(user):
    return set(Space.objects.visible_to(user).values_list("slug", flat=True))


def test_a_member_of_another_organisation_sees_the_space_and_colleagues_do_not(world, login, client):
    people, slug = world.people, world.space.slug
    assert visible(people.owner) == {slug}
    assert visible(people.colleague) == set()
    assert visible(world.stranger) == set()
    for page in PAGES:
        assert login(people.owner).get(f"/espaces/{slug}/{page}").status_code == 200
        # The member's colleague (same organisation, not in the space) and a third organisation: 404, like a space that does not exist.
        for user in (people.colleague, people.outsider, world.stranger):
            client.logout()
            assert login(user).get(f"/espaces/{slug}/{page}").status_code == 404
    client.logout()
    assert client.get(f"/espaces/{slug}/").status_code == 302  # anonymous: to the login page


def test_a_removed_member_loses_access_at_once(world, login):
    client = login(world.people.owner)
    assert client.get(f"/espaces/{world.space.slug}/").status_code == 200
    member = SpaceMember.objects.get(space=world.space, user=world.people.owner)
    services.remove_member(member, actor=world.host)
    assert client.get(f"/espaces/{world.space.slug}/").status_code == 404
    assert visible(world.people.owner) == set()


def test_an_invited_organisation_counts_only_once_accepted_and_only_while_active(world, login):
    people = world.people
    link = services.invite_organisation(world.space, people.org, role=Role.READER, actor=world.host)
    assert policies.role_in(world.space, people.colleague) is None
    services.answer_organisation(link, accept=True, actor=people.owner)
    assert policies.role_in(world.space, people.colleague) == Role.READER
    assert policies.role_in(world.space, people.owner) == Role.CONTRIBUTOR  # the higher of the two
    membership = people.colleague.memberships.get(organisation=people.org)
    membership.is_active = False
    membership.save()
    assert policies.role_in(world.space, people.colleague) is None
    assert visible(people.colleague) == set()


def test_federation_visibility_gives_readers_of_the_federation_only(world, federation):
    people = world.people
    Space.objects.filter(pk=world.space.pk).update(visibility=Space.Visibility.FEDERATION, federation=federation)
    world.space.refresh_from_db()
    assert policies.role_in(world.space, people.colleague) == Role.READER
    assert world.space.slug in visible(people.colleague)
    assert policies.role_in(world.space, world.stranger) is None  # the third centre is not in the federation
    assert not policies.can_contribute(world.space, policies.role_in(world.space, people.colleague))


def test_readers_cannot_write_and_nobody_writes_in_an_archived_space(world, login):
    people = world.people
    services.add_member(world.space, people.colleague, role=Role.READER, actor=world.host)
    reader = login(people.colleague)
    response = reader.post(f"/espaces/{world.space.slug}/membres/inviter/", {"email": "x@exemple.test", "role": "reader"})
    assert response.status_code == 403
    services.set_archived(world.space, True, actor=world.host)
    assert not policies.can_host(world.space, Role.HOST)
    assert policies.can_archive(Role.HOST)  # and back
    assert reader.get(f"/espaces/{world.space.slug}/").status_code == 200  # still readable
    assert world.space.slug in {s.slug for s in Space.objects.visible_to(people.colleague)}


def test_ids_of_another_space_are_refused(world, login, people):
    """A host of one space cannot act on the members or invitations of another by guessing ids."""
    other_membership = people.owner.memberships.with_roles().get(organisation=people.org)
    mine = services.create_space(membership=other_membership, name="Mon espace")  # owner is host of « mine »
    victim = SpaceMember.objects.get(space=world.space, user=world.host)
    client = login(people.owner)
    assert client.post(f"/espaces/{mine.slug}/membres/{victim.pk}/retirer/").status_code == 404
    assert client.post(f"/espaces/{mine.slug}/membres/{victim.pk}/role/", {"role": "reader"}).status_code == 404
    assert SpaceMember.objects.filter(pk=victim.pk, role=Role.HOST).exists()
    link = services.invite_organisation(world.space, world.third, role=Role.READER, actor=world.host)
    assert client.post(f"/espaces/{mine.slug}/membres/organisations/{link.pk}/retirer/").status_code == 404


def test_only_the_invited_organisations_director_answers(world, login, people):
    link = services.invite_organisation(world.space, people.org, role=Role.READER, actor=world.host)
    assert login(people.owner).post(f"/espaces/organisations/{link.pk}/reponse/", {"answer": "accept"}).status_code == 404
    director = make_member(people.org, OrgRole.DIRECTOR, sector_name=None, username="directrice")
    give_totp(director)
    client = login(director)
    assert "Groupe numérique" in client.get("/espaces/").content.decode()
    assert client.post(f"/espaces/organisations/{link.pk}/reponse/", {"answer": "accept"}).status_code == 302
    link.refresh_from_db()
    assert link.accepted_at is not None and link.accepted_at <= timezone.now()
