"""Who reads a logbook entry (privacy.py): the whole matrix of readers × kinds of entry, the
queryset and the one-entry check agreeing, and the pages answering 404 to everyone else."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.competencies import privacy
from maillon.competencies.models import Entry, Framework, Participant
from maillon.spaces.models import Role as SpaceRole
from maillon.spaces.models import Space, SpaceMember
from maillon.testing import make_member

PRIVATE, COORDINATOR, GROUP = Entry.Visibility.PRIVATE, Entry.Visibility.COORDINATOR, Entry.Visibility.GROUP

# (reader) → which of the author's entries they read: private, coordinator-only, group, a draft shared with the group.
MATRIX = {
    "author": {"private": True, "coordinator": True, "group": True, "draft": True},
    "group_member": {"private": False, "coordinator": False, "group": True, "draft": False},
    "coordinator": {"private": False, "coordinator": True, "group": True, "draft": False},
    "editor": {"private": False, "coordinator": False, "group": True, "draft": False},
    "other_participant_other_org": {"private": False, "coordinator": False, "group": True, "draft": False},
    "space_member_not_participant": {"private": False, "coordinator": False, "group": False, "draft": False},
    "former_participant": {"private": False, "coordinator": False, "group": False, "draft": False},
    "colleague_not_participant": {"private": False, "coordinator": False, "group": False, "draft": False},
    "other_organisation": {"private": False, "coordinator": False, "group": False, "draft": False},
}


class Readers:
    """A framework of the test organisation shared in a space with the other organisation: its
    author, a group member, the author's coordinator (a staff member named, not an editor by role),
    an editor (director), a participant from the other organisation, a space member who does not
    take part, a former participant, a colleague outside the group, someone of the other
    organisation outside the space."""

    def __init__(self, people):
        org, other = people.org, people.other_org
        self.framework = Framework.objects.create(organisation=org, name="Référentiel partagé")
        space = Space.objects.create(organisation=org, name="Réseau des médiateurs", slug="reseau")
        self.framework.space = space
        self.framework.save()
        self.users = {
            "author": make_member(org, username="autrice"),
            "group_member": make_member(org, username="membre"),
            "coordinator": make_member(org, username="coordinatrice"),
            "editor": people.with_role("director"),
            "other_participant_other_org": make_member(other, username="partenaire"),
            "space_member_not_participant": make_member(other, username="observateur"),
            "former_participant": make_member(org, username="ancien"),
            "colleague_not_participant": people.colleague,
            "other_organisation": people.outsider,
        }
        u = self.users
        for key in ("author", "group_member", "other_participant_other_org", "former_participant"):
            organisation = other if key == "other_participant_other_org" else org
            Participant.objects.create(framework=self.framework, user=u[key], organisation=organisation,
                                       coordinator=u["coordinator"] if key == "author" else None,
                                       is_active=key != "former_participant")
        for key in ("author", "group_member", "coordinator", "other_participant_other_org", "space_member_not_participant"):
            SpaceMember.objects.create(space=space, user=u[key], role=SpaceRole.CONTRIBUTOR)
        self.entries = {
            "private": self.entry(PRIVATE), "coordinator": self.entry(COORDINATOR), "group": self.entry(GROUP),
            "draft": self.entry(GROUP, draft=True),
        }

    def entry(self, visibility, draft=False, author=None):
        author = author or self.users["author"]
        return Entry.objects.create(framework=self.framework, author=author, organisation=author.memberships.first().organisation,
                                    occurred_on=date(2026, 10, 5), title=f"{visibility} {draft}", visibility=visibility, is_draft=draft)


@pytest.fixture
def readers(people):
    return Readers(people)


def test_the_matrix(readers):
    """Every reader × every kind of entry, through the queryset and the one-entry check."""
    for reader, expected in MATRIX.items():
        user = readers.users[reader]
        visible = set(privacy.entries_visible_to(user, readers.framework).values_list("pk", flat=True))
        for kind, entry in readers.entries.items():
            assert (entry.pk in visible) is expected[kind], (reader, kind)
            assert privacy.can_read_entry(user, entry) is expected[kind], (reader, kind)


def test_a_new_coordinator_reads_and_the_former_no_longer(readers, people):
    entry = readers.entries["coordinator"]
    former, new = readers.users["coordinator"], people.with_role("coordinator")
    Participant.objects.filter(user=readers.users["author"]).update(coordinator=new)
    assert not privacy.can_read_entry(former, entry)
    assert privacy.can_read_entry(new, entry)
    assert entry in privacy.entries_visible_to(new, readers.framework)


def test_the_author_keeps_reading_after_leaving_the_group(readers):
    Participant.objects.filter(user=readers.users["author"]).update(is_active=False)
    assert set(privacy.entries_visible_to(readers.users["author"], readers.framework)) == set(readers.entries.values())


def test_nobody_anonymous_reads(readers):
    from django.contrib.auth.models import AnonymousUser

    assert not privacy.entries_visible_to(AnonymousUser(), readers.framework).exists()
    assert not privacy.can_read_entry(AnonymousUser(), readers.entries["group"])


@pytest.mark.parametrize("reader", sorted(MATRIX))
def test_the_entry_page_answers_as_the_matrix(readers, client, reader):
    user = readers.users[reader]
    client.force_login(user)
    org = user.memberships.first().organisation
    for kind, entry in readers.entries.items():
        response = client.get(reverse("competencies:entry", kwargs={"org": org.slug, "pk": entry.pk}))
        assert response.status_code == (200 if MATRIX[reader][kind] else 404), (reader, kind)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(visibility=st.sampled_from([PRIVATE, COORDINATOR, GROUP]), draft=st.booleans(),
       reader=st.sampled_from(sorted(MATRIX)), author=st.sampled_from(["author", "group_member"]))
def test_the_queryset_and_the_check_always_agree(readers, visibility, draft, reader, author):
    """Whatever the entry and the reader, the list and the single check give the same answer, and a
    draft or a private entry is read by its author alone."""
    entry = readers.entry(visibility, draft=draft, author=readers.users[author])
    user = readers.users[reader]
    listed = privacy.entries_visible_to(user, readers.framework).filter(pk=entry.pk).exists()
    assert listed is privacy.can_read_entry(user, entry)
    if draft or visibility == PRIVATE:
        assert listed is (user == entry.author)
    entry.delete()
