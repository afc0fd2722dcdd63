"""The demo is a social centre of the Nord (59), Hauts-de-France, in the Métropole Européenne de
Lille: its funder portals are that territory's real public sites, its contacts' numbers are
in ARCEP's fiction ranges; « Actualité Administrative », « Culture » and « Santé Bien-être »
are visitor topics (seed 001 §3.5), not sectors, and nobody of the demo works in them, even in
a demo seeded before they left the sectors; the FEDER block is on in the demo."""

import re
from unittest import mock
from urllib.parse import urlsplit

import pytest

from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.roles import Role
from maillon.core import demo
from maillon.core.registry import registry
from maillon.directory import demo as directory_demo
from maillon.organisations.models import DEFAULT_SECTORS, VISITOR_TOPICS, Organisation, Sector
from maillon.organisations.services import create_organisation
from maillon.testing import make_member

ELSEWHERE = ("auvergnerhonealpes", "rhone.fr", "grandlyon", "69000", "04 72")
FICTION = re.compile(r"^(03 53 73|06 39 98) \d\d \d\d$")  # ARCEP's numbers kept for fiction


def test_the_funder_portals_are_those_of_the_nord_and_hauts_de_france():
    portals = {level: [] for level in ("etat", "region", "departement", "metropole", "ville", "caf")}
    for kind, level, title, url, _notes in directory_demo.LINKS:
        assert urlsplit(url).scheme == "https" and not any(word in url for word in ELSEWHERE), url
        if kind == "portal":
            portals[level].append((title, urlsplit(url).hostname))
    assert ("Région Hauts-de-France : aides", "www.hautsdefrance.fr") in portals["region"]
    assert ("Département du Nord : subventions", "lenord.fr") in portals["departement"]
    assert ("Métropole Européenne de Lille (MEL)", "www.lillemetropole.fr") in portals["metropole"]
    assert ("Préfecture du Nord (DDETS 59)", "www.nord.gouv.fr") in portals["etat"]
    assert any(host == "europe-en-hautsdefrance.eu" for _title, host in portals["region"])  # the FEDER's managing authority
    assert all(portals.values())


def test_the_partners_are_of_the_nord_with_fictional_numbers():
    names = {name for _kind, name, *_rest in directory_demo.PARTNERS}
    assert {"CAF du Nord", "Département du Nord", "Métropole Européenne de Lille"} <= names
    for _kind, name, _tags, address, phone, contacts in directory_demo.PARTNERS:
        assert not any(word in f"{name} {address}" for word in ELSEWHERE)
        for number in [phone] + [contact[2] for contact in contacts]:
            assert not number or FICTION.match(number), (name, number)
    for facilitator in directory_demo.FACILITATORS:
        assert not facilitator[3] or FICTION.match(facilitator[3])


def test_visitor_topics_are_not_sectors():
    assert VISITOR_TOPICS == ["Actualité Administrative", "Culture", "Santé Bien-être"]
    assert not set(VISITOR_TOPICS) & set(DEFAULT_SECTORS)
    assert "Secteur Enfance" in DEFAULT_SECTORS and DEFAULT_SECTORS[-1] == "Non renseigné"


@pytest.mark.django_db
def test_a_new_organisation_gets_no_visitor_topic_as_sector():
    org = create_organisation(name="Centre neuf", slug="centre-neuf")
    names = set(Sector.objects.for_organisation(org).values_list("name", flat=True))
    assert names == set(DEFAULT_SECTORS)


@pytest.mark.django_db
def test_an_older_demo_moves_its_people_out_of_the_visitor_topics(people):
    culture = Sector.objects.create(organisation=people.org, name="Culture", position=20)
    someone = make_member(people.org, Role.COORDINATOR, sector_name="Culture", username="ancienne")
    assert RoleAssignment.objects.filter(membership__user=someone, sector=culture).exists()
    demo._retire_visitor_topics(people.org)
    membership = Membership.objects.get(user=someone, organisation=people.org)
    assert membership.sector is not None and membership.sector.name in DEFAULT_SECTORS
    assert set(RoleAssignment.objects.filter(membership=membership).values_list("role", "sector__name")) == {
        (Role.STAFF, None), (Role.COORDINATOR, membership.sector.name)}
    assert not Sector.objects.filter(organisation=people.org, name__in=VISITOR_TOPICS).exists()


@pytest.mark.django_db
def test_the_seeded_demo_has_nobody_in_a_visitor_topic_and_shows_the_feder_block():
    with mock.patch.object(registry, "demo_seeders", []):  # the organisations and their people only
        context = demo.seed()
    for org in (context.main, context.second):
        assert not Sector.objects.for_organisation(org).filter(name__in=VISITOR_TOPICS).exists()
        assert not Membership.objects.filter(organisation=org, sector__name__in=VISITOR_TOPICS).exists()
    assert Membership.objects.filter(organisation=context.main).count() == 48
    assert Organisation.objects.get(pk=context.main.pk).show_feder_block
