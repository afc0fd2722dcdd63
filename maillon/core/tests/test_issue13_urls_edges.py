"""The URLs issue 13 and 14 added, tried as an outsider, anonymously and with bad input: never a
500, never another organisation's data."""

import pytest

URLS = [
    "/essais/agenda/filtres/?type=personne&q=a",
    "/essais/agenda/disponibilites/?day=2030-03-05&start=09:00&end=10:00",
    "/essais/conges/estimation/?start_date=2030-03-05&end_date=2030-03-06",
    "/essais/notifications/reglages/",
]
BAD = ["\x00", "x" * 5000, "2030-02-31", "-1", "9" * 30, "é%", "[]"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_people_are_sent_to_the_login_page(db, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


@pytest.mark.parametrize("url", URLS)
def test_a_member_of_another_organisation_gets_nothing(people, login, url):
    assert login(people.outsider).get(url).status_code in (403, 404)


@pytest.mark.parametrize("url", URLS)
def test_bad_input_is_a_clear_answer_never_a_server_error(people, login, url):
    client = login(people.owner)
    path, _, query = url.partition("?")
    keys = [pair.split("=")[0] for pair in query.split("&") if pair] or ["q"]
    for key in keys + ["exclude", "type"]:
        for value in BAD:
            response = client.get(path, {key: value})
            assert response.status_code < 500, (url, key, value, response.status_code)
    assert client.post("/essais/notifications/reglages/", {"meetings.task": "\x00"}).status_code < 500
    assert client.post("/essais/notifications/reglages/", {"meetings.task": "x" * 5000}).status_code in (200, 400)


def test_discarding_another_organisations_planning_changes_is_refused(people, login):
    from datetime import date

    from maillon.agenda.models import Planning
    from maillon.organisations.models import Sector

    sector = Sector.objects.for_organisation(people.other_org).first()
    other = Planning.objects.create(organisation=people.other_org, sector=sector, title="Autre", start_date=date(2030, 3, 4), end_date=date(2030, 3, 8))
    client = login(people.owner)
    assert client.get(f"/essais/agenda/plannings/{other.pk}/annuler-modifications/").status_code == 404
    assert client.post(f"/essais/agenda/plannings/{other.pk}/annuler-modifications/").status_code == 404
