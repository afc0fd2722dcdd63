"""The monthly newsletter: the month's news and the posts of the spaces its readers may read; a
space's newsletter: that space's posts, to its members. Never a members-only space's posts in an
organisation's newsletter."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.accounts.roles import Role
from maillon.content.tests.helpers import news
from maillon.mailings import services
from maillon.mailings.models import Mailing
from maillon.organisations.models import Federation
from maillon.spaces import feed_services
from maillon.spaces import services as space_services
from maillon.spaces.models import Role as SpaceRole
from maillon.spaces.models import Space
from maillon.spaces.models_feed import Post

MONTH = date(2026, 11, 1)


def at(day, hour=10, month=11):
    return timezone.make_aware(datetime(2026, month, day, hour))


def post(space, author, text, when):
    created = feed_services.create_post(space, author, text=text)
    Post.objects.filter(pk=created.pk).update(created_at=when)
    return created


class Newsletter:
    """« Essais » (people.org) and « Autre centre » in a federation. Essais' director hosts three
    spaces: ``open`` (open to the federation), ``closed`` (members only, with a stranger of a third
    organisation in it) and ``elsewhere`` (open to another federation Essais is not in)."""

    def __init__(self, senders):
        people = senders.people
        self.senders, self.people = senders, people
        self.federation = Federation.objects.create(name="Fédération des essais", slug="fede-essais")
        people.org.federations.add(self.federation)
        people.other_org.federations.add(self.federation)
        other = Federation.objects.create(name="Autre fédération", slug="autre-fede")
        membership = senders.director.memberships.with_roles().get(organisation=people.org)
        self.open = space_services.create_space(membership=membership, name="Réseau parentalité",
                                                visibility=Space.Visibility.FEDERATION, federation=self.federation)
        self.closed = space_services.create_space(membership=membership, name="Cellule RH confidentielle")
        self.elsewhere = space_services.create_space(membership=membership, name="Réseau lointain",
                                                     visibility=Space.Visibility.FEDERATION, federation=other)
        space_services.add_member(self.closed, senders.world.stranger, role=SpaceRole.CONTRIBUTOR, actor=senders.director)
        director = senders.director
        self.second = post(self.open, director, "Deuxième rencontre des parents le 20 novembre", at(18))
        self.first = post(self.open, director, "Première rencontre : <b>ateliers</b><script>alert(1)</script>", at(3))
        self.secret = post(self.closed, director, "Réorganisation confidentielle du service", at(10))
        self.far = post(self.elsewhere, director, "Nouvelle du réseau lointain", at(11))
        self.old = post(self.open, director, "Message du mois d'octobre", at(28, month=10))
        self.theirs = post(senders.world.space, senders.world.host, "Message de l'autre centre", at(12))

    def scope(self, user=None):
        return self.senders.scope(user or self.senders.director)


@pytest.fixture
def letter(senders):
    return Newsletter(senders)


def test_the_organisations_newsletter_quotes_only_the_posts_its_readers_may_read(letter):
    news(letter.people.org, title="Fête de quartier réussie", intro="Merci aux bénévoles")
    mailing = services.compose_newsletter(letter.scope(), month=MONTH)
    body = mailing.body
    assert "Première rencontre" in body and "Deuxième rencontre" in body and "Dans nos espaces" in body
    assert body.index("Première rencontre") < body.index("Deuxième rencontre")  # oldest first
    assert reverse("spaces:post", kwargs={"space": letter.open.slug, "pk": letter.first.pk}) in body
    assert "<b>ateliers</b>" in body and "<script" not in body and "alert(1)" not in body
    assert "Réseau parentalité" in body
    for never in ("confidentielle", "réseau lointain", "octobre", "autre centre"):
        assert never not in body.lower(), never
    # To the organisation's members: not to the stranger of the members-only space its director hosts.
    audience = set(services.audience(letter.scope(), mailing).values_list("username", flat=True))
    assert letter.senders.world.stranger.username not in audience and letter.senders.director.username in audience
    assert letter.people.owner.username in audience


def test_a_federation_office_quotes_the_spaces_of_a_federation_holding_all_its_readers(senders):
    """The office of two federations reaches the organisations of both: a space open to one of them
    only would reach people of the other, so its posts stay out."""
    from maillon.testing import OrganisationFactory, make_member

    office = OrganisationFactory(name="Bureau fédéral", slug="bureau", kind="federation")
    first = Federation.objects.create(name="Fédération A", slug="fede-a")
    second = Federation.objects.create(name="Fédération B", slug="fede-b")
    office.federations.add(first, second)
    senders.people.org.federations.add(first)
    senders.people.other_org.federations.add(second)
    director = make_member(office, Role.DIRECTOR, username="directrice-fede")
    membership = director.memberships.with_roles().get(organisation=office)
    half = space_services.create_space(membership=membership, name="Réseau A", visibility=Space.Visibility.FEDERATION,
                                       federation=first)
    post(half, director, "Nouvelle réservée à la fédération A", at(5))
    scope = senders.scope(director, office)
    assert "fédération A" not in services.compose_newsletter(scope, month=MONTH).body
    senders.people.other_org.federations.add(first)  # now every organisation reached is in A
    office.federations.remove(second)
    scope = senders.scope(director, office)
    assert "fédération A" in services.compose_newsletter(scope, month=MONTH).body


def test_a_spaces_newsletter_quotes_that_space_to_its_members(letter):
    mailing = services.compose_newsletter(letter.scope(), month=MONTH, space=letter.closed)
    assert mailing.kind == Mailing.Kind.NEWSLETTER and mailing.criteria == {"spaces": [str(letter.closed.pk)]}
    assert "Réorganisation confidentielle" in mailing.body and "Première rencontre" not in mailing.body
    assert mailing.category.name == "Lettre d'information de Cellule RH confidentielle"
    audience = set(services.audience(letter.scope(), mailing).values_list("username", flat=True))
    assert letter.senders.world.stranger.username in audience and letter.people.owner.username not in audience
    empty = services.compose_newsletter(letter.scope(), month=date(2026, 9, 1), space=letter.closed)
    assert "Rien n’a été publié dans cet espace ce mois-ci" in empty.body.replace("'", "’")


def test_an_empty_month_says_so(letter):
    body = services.compose_newsletter(letter.scope(), month=date(2026, 9, 1)).body
    assert "Aucune actualité n’a été publiée ce mois-ci" in body.replace("'", "’") and "Dans nos espaces" not in body


def test_only_the_hosts_compose_a_spaces_newsletter(letter, login):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.compose_newsletter(letter.scope(letter.senders.communication), space=letter.closed)
    client = login(letter.senders.communication)
    newsletter = reverse("mailings:newsletter", kwargs={"org": "essais"})
    assert client.post(newsletter, {"espace": letter.closed.pk}).status_code == 404
    assert client.post(newsletter, {"espace": "x"}).status_code == 404
    assert not Mailing.objects.exists()
    client = login(letter.senders.director)
    page = client.get(reverse("mailings:new", kwargs={"org": "essais"}) + f"?espace={letter.closed.pk}").content.decode()
    assert "Lettre du mois de l’espace" in page.replace("'", "’")
    response = client.post(newsletter, {"espace": letter.closed.pk})
    mailing = Mailing.objects.get()
    assert response.status_code == 302 and mailing.criteria == {"spaces": [str(letter.closed.pk)]}
