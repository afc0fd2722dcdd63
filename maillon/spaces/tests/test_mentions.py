"""Mentions typed in posts and comments (« @Prénom Nom », « @identifiant »): members however they
are members are notified, a non-member never (nor revealed), a name several members share
notifies nobody and the author is told; two queries whatever the number of mentions."""

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.notifications.models import Notification
from maillon.spaces import feed_services, services
from maillon.spaces.mentions import MAX_MENTIONS, Mention, resolve, typed_mentions
from maillon.spaces.models import Role, Space
from maillon.testing import QueryCounter, make_member


@dataclass(frozen=True)
class Person:
    pk: int
    first_name: str
    last_name: str
    username: str


def notified(kind="spaces.mention"):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# ---------------------------------------------------------------- the rule, without a database


def test_what_counts_as_a_mention():
    assert [m.words for m in typed_mentions("Merci @Marie Dupont, et @jdupont.")] == [("Marie", "Dupont"), ("jdupont",)]
    assert typed_mentions("Écrire à marie@exemple.fr ou @ seul") == []
    assert [m.typed for m in typed_mentions("@Élodie  Hervé-Martin !")] == ["Élodie Hervé-Martin"]
    assert len(typed_mentions("@a " * 50)) == MAX_MENTIONS


def test_longest_name_first_then_identifier_ambiguous_and_unknown():
    anne = Person(1, "Anne Marie", "Durand", "amd")
    anne2 = Person(2, "Anne", "Marie", "anne.m")
    twins = [Person(3, "Paul", "Martin", "pm1"), Person(4, "Paul", "Martin", "pm2")]
    found = resolve(typed_mentions("@anne marie durand @Anne Marie @paul martin @pm2 @Zoé Personne"), [anne, anne2, *twins])
    assert [p.pk for p in found.users] == [1, 2, 4]
    assert found.ambiguous == ["paul martin"] and found.unknown == ["Zoé Personne"]


names = st.sampled_from(["Marie", "Léa", "Jean-Paul", "Zoé", "Hugo"])
surnames = st.sampled_from(["Dupont", "Hervé", "Martin", "N'Diaye"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(names, surnames), min_size=1, max_size=8), st.lists(st.tuples(names, surnames), max_size=4),
       st.lists(st.integers(0, 11), max_size=6))
def test_only_members_and_only_unambiguous_names_are_notified(member_names, other_names, picks):
    members = [Person(i, f, last, f"m{i}") for i, (f, last) in enumerate(member_names)]
    others = [Person(100 + i, f, last, f"o{i}") for i, (f, last) in enumerate(other_names)]
    everyone = members + others
    typed = [everyone[i % len(everyone)] for i in picks]
    text = " ".join(f"@{p.first_name} {p.last_name} bonjour" for p in typed)
    found = resolve(typed_mentions(text), members)  # the query only ever gives members
    member_ids = {p.pk for p in members}
    assert {p.pk for p in found.users} <= member_ids
    for person in typed:
        namesakes = [m for m in members if (m.first_name, m.last_name) == (person.first_name, person.last_name)]
        if len(namesakes) == 1:
            assert namesakes[0] in found.users
        elif namesakes:
            assert f"{person.first_name} {person.last_name}" in found.ambiguous
            assert not set(namesakes) & set(found.users)
        else:
            assert person not in found.users
    # Typing an identifier always reaches that member.
    for person in members:
        assert resolve([Mention(person.username, (person.username,))], members).users == [person]


# ---------------------------------------------------------------- in a space



@pytest.fixture
def named(world, federation):
    people = world.people
    for user, (first, last) in {people.owner: ("Claire", "Fontaine"), people.colleague: ("Élodie", "Hervé"),
                                world.stranger: ("Marc", "Lenoir"), people.outsider: ("Lucie", "Morel")}.items():
        user.first_name, user.last_name = first, last
        user.save()
    return world


@pytest.mark.django_db
def test_members_however_they_are_in_are_notified_a_non_member_never(named, federation, people):
    world = named
    # « Essais » joins as a whole organisation: Élodie is a member through it, not by name.
    link = services.invite_organisation(world.space, people.org, role=Role.READER, actor=world.host)
    services.answer_organisation(link, accept=True, actor=people.owner)
    post = feed_services.create_post(world.space, world.host, text="Merci @élodie hervé et @Claire Fontaine ; @Marc Lenoir aussi ; "
                                                                   "écrire à claire@exemple.fr")
    assert notified() == {"collegue", "proprietaire"}
    assert post.unresolved == ["Aucun membre de l'espace ne s'appelle « @Marc Lenoir » : personne n'a été prévenu."]
    assert "Marc" not in post.html.split("<p class=\"muted\">")[-1]
    # Lucie (of the owner organisation, not in the space) is not reachable; once the space opens to the
    # federation, she is a reader through it and her mention reaches her.
    feed_services.add_comment(post, world.host, text="@Lucie Morel, à lire")
    assert "exterieur" not in notified()
    Space.objects.filter(pk=world.space.pk).update(visibility=Space.Visibility.FEDERATION, federation=federation)
    world.space.refresh_from_db()
    comment = feed_services.add_comment(post, world.host, text="@Lucie Morel, à lire")
    assert "exterieur" in notified() and comment.unresolved == []


@pytest.mark.django_db
def test_a_name_two_members_share_notifies_nobody_and_the_author_is_told(named, people, login):
    world = named
    twin = make_member(world.third, sector_name="Secteur Enfance", username="jumelle", first_name="Claire", last_name="Fontaine")
    services.add_member(world.space, twin, role=Role.READER, actor=world.host)
    response = login(world.host).post(f"/espaces/{world.space.slug}/fil/publier/", {"text": "Bonjour @Claire Fontaine"}, follow=True)
    assert notified() == set()
    assert "« @Claire Fontaine » est le nom de plusieurs membres" in response.content.decode()
    feed_services.create_post(world.space, world.host, text="Bonjour @jumelle")
    assert notified() == {"jumelle"}


@pytest.mark.django_db
def test_an_edit_notifies_only_the_newly_mentioned_and_the_comment_mention_replaces_the_comment_notice(named):
    world = named
    post = feed_services.create_post(world.space, world.people.owner, text="Bonjour @hote")
    feed_services.edit_post(post, text="Bonjour @hote, relu", actor=world.people.owner)
    assert Notification.objects.filter(kind="spaces.mention", recipient=world.host).count() == 1
    feed_services.add_comment(post, world.host, text="Vu, @Claire Fontaine")
    assert Notification.objects.filter(recipient=world.people.owner, kind="spaces.mention").count() == 1
    assert not Notification.objects.filter(recipient=world.people.owner, kind="spaces.comment").exists()


@pytest.mark.django_db
def test_resolving_mentions_costs_the_same_queries_for_one_or_twenty(named):
    world = named
    for i in range(20):
        services.add_member(world.space, make_member(world.third, sector_name="Secteur Enfance", username=f"m{i}",
                                                     first_name=f"Prénom{i}", last_name="Nom"), role=Role.READER, actor=world.host)

    def cost(text):
        with QueryCounter() as queries:
            feed_services._mentioned(world.space, text, (), world.host)
        return len(queries)

    assert cost("@Prénom1 Nom") == cost(" ".join(f"@Prénom{i} Nom" for i in range(20))) == 1
