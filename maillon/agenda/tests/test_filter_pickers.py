"""The planning's person and room filters: a search box and the selection only, never the
whole list of members and rooms (issue 14). The page stays the same size and the same number
of queries with 5 or 200 members; the search box's endpoint answers only the organisation's
names, at most ten; without JavaScript a typed name is matched by the server."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.agenda import services
from maillon.agenda.forms import FILTER_MATCHES, _matching
from maillon.testing import QueryCounter, make_member

from .helpers import at, membership, room

WEEK = "/essais/agenda/?vue=semaine&date=2030-03-05"


def _planning(people):
    """Two events: « Atelier couture » in the Chêne room with Hélène Dupré, « Réunion budget »
    in the Tilleul room with Paul Martin."""
    helene = make_member(people.org, first_name="Hélène", last_name="Dupré")
    paul = make_member(people.org, first_name="Paul", last_name="Martin")
    chene, tilleul = room(people.org, "Salle Le Chêne"), room(people.org, "Salle du Tilleul")
    owner = membership(people.owner, people.org)
    services.create_event(owner, title="Atelier couture", start=at(2030, 3, 5), end=at(2030, 3, 5, 11),
                          resources=[chene], people=[membership(helene, people.org)])
    services.create_event(owner, title="Réunion budget", start=at(2030, 3, 6), end=at(2030, 3, 6, 11),
                          resources=[tilleul], people=[membership(paul, people.org)])
    return helene, paul, chene, tilleul


def test_the_week_page_does_not_grow_with_members_and_rooms(people, login):
    helene, _paul, chene, _tilleul = _planning(people)
    client = login(people.owner)
    urls = (WEEK, f"{WEEK}&personne={helene.pk}&ressource={chene.pk}")
    for url in urls:
        client.get(url)
    before = {}
    for url in urls:
        with QueryCounter() as queries:
            page = client.get(url).content
        before[url] = (len(page), len(queries))
    for i in range(200):
        make_member(people.org, first_name=f"Prénom{i}", last_name=f"Collègue{i}")
    for i in range(50):
        room(people.org, f"Salle numéro {i}")
    for url in urls:
        with QueryCounter() as queries:
            page = client.get(url).content
        size, count = before[url]
        assert abs(len(page) - size) < 100, url
        assert len(queries) == count <= 12, url
        assert "Collègue1".encode() not in page and "Salle numéro".encode() not in page
    filtered = client.get(urls[1]).content.decode()
    assert 'value="Hélène Dupré"' in filtered and 'value="Salle Le Chêne"' in filtered


def test_the_search_box_answers_the_organisations_names_only_and_at_most_ten(people, login):
    _planning(people)
    make_member(people.other_org, first_name="Hélène", last_name="Ailleurs")
    room(people.other_org, "Salle Le Chêne d’ailleurs")
    for i in range(15):
        make_member(people.org, first_name=f"Lucie{i}", last_name="Bernard")
    client = login(people.owner)
    url = "/essais/agenda/filtres/"
    found = client.get(url, {"type": "personne", "q": "helene"}).json()
    names = [r["name"] for r in found["results"]]  # the fixture's other people have random names: another Hélène may be there
    assert "Hélène Dupré" in names and "Hélène Ailleurs" not in names and found["message"] == ""
    rooms = client.get(url, {"type": "ressource", "q": "CHENE"}).json()
    assert [r["name"] for r in rooms["results"]] == ["Salle Le Chêne"]
    many = client.get(url, {"type": "personne", "q": "bernard"}).json()
    assert len(many["results"]) == FILTER_MATCHES and many["more"] is True
    none = client.get(url, {"type": "personne", "q": "zorro"}).json()
    assert none["results"] == [] and none["message"] == "Personne ne correspond à ce nom."
    assert client.get(url, {"type": "ressource", "q": "zorro"}).json()["message"] == "Aucune salle ni aucun matériel ne correspond à ce nom."
    assert client.get(url, {"type": "personne", "q": "  "}).json()["message"] == "Tapez une partie du nom."
    bad = client.get(url, {"type": "secteur", "q": "x"})
    assert bad.status_code == 400 and "une personne ou une salle" in bad.json()["detail"]
    with QueryCounter() as queries:
        client.get(url, {"type": "personne", "q": "lucie"})
    assert len(queries) <= 8
    assert login(people.outsider).get(url, {"type": "personne", "q": "helene"}).status_code == 404


def test_a_typed_name_filters_without_javascript(people, login):
    helene, paul, chene, _tilleul = _planning(people)
    client = login(people.owner)
    page = client.get(f"{WEEK}&personne=helene dupre").content.decode()
    assert "Atelier couture" in page and "Réunion budget" not in page
    assert f"personne={helene.pk}" in page  # the period's links keep the person found
    page = client.get(f"{WEEK}&ressource=tilleul").content.decode()
    assert "Réunion budget" in page and "Atelier couture" not in page
    # Old links by id still filter, and « Mon planning » still applies.
    assert "Atelier couture" not in client.get(f"{WEEK}&personne={paul.pk}").content.decode()
    assert "Atelier couture" in client.get(f"{WEEK}&ressource={chene.pk}&moi=1").content.decode()


def test_several_matches_are_a_short_list_of_links_and_none_a_french_message(people, login):
    _planning(people)
    other = make_member(people.org, first_name="Hélène", last_name="Martin")
    make_member(people.other_org, first_name="Hélène", last_name="Secrète")
    client = login(people.owner)
    page = client.get(f"{WEEK}&personne=Hélène&secteur=").content.decode()
    assert "Plusieurs personnes correspondent à « Hélène » :" in page
    links = re.findall(r'<a href="([^"]*personne=\d+)">([^<]+)</a>', page)
    assert {name for _href, name in links} == {"Hélène Dupré", "Hélène Martin"}
    assert "Secrète" not in page
    assert "Atelier couture" in page and "Réunion budget" in page  # nothing filtered yet
    chosen = client.get("/essais/agenda/" + dict((n, h) for h, n in links)["Hélène Martin"].replace("&amp;", "&"))
    assert chosen.status_code == 200 and 'value="Hélène Martin"' in chosen.content.decode()
    assert f"personne={other.pk}" in chosen.content.decode()
    page = client.get(f"{WEEK}&personne=Zorro").content.decode()
    assert "Personne ne correspond à « Zorro » : vérifiez l’orthographe" in page
    assert "Atelier couture" in page
    # A name typed in full wins over the names that only contain it.
    assert "Plusieurs" not in client.get(f"{WEEK}&personne=Paul Martin").content.decode()


names = st.text(alphabet="aeéèEÉçhlnrtu ", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(names, min_size=0, max_size=25), names)
def test_matching_is_bounded_and_every_match_holds_the_typed_words(rows, typed):
    from maillon.core.text import fold

    found, more, exact = _matching([(i, n, fold(n)) for i, n in enumerate(rows)], typed, 10)
    words = fold(typed).split()
    expected = [i for i, n in enumerate(rows) if words and all(w in fold(n) for w in words)]
    assert len(found) <= 10 and more == (len(expected) > 10)
    assert sorted(i for i, _n in found) == sorted(expected)[:10] or len(expected) > 10
    assert all(all(w in fold(n) for w in words) for _i, n in found)
    assert exact == sum(1 for n in rows if words and fold(n) == " ".join(words))
