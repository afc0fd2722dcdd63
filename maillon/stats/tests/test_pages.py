"""The statistics page: who reads it, what it shows, its CSV exports, its query count."""

from datetime import timedelta

import pytest

from maillon.accounts.roles import Role
from maillon.organisations.models import Federation, Organisation
from maillon.stats import services
from maillon.stats.demo import build
from maillon.stats.models import DailyStat
from maillon.testing import QueryCounter, make_member

pytestmark = pytest.mark.django_db


def url(org, suffix=""):
    return f"/{org.slug}/statistiques/{suffix}"


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.ADMIN])
def test_it_opens_for_the_director_and_the_admin(people, login, role):
    response = login(people.with_role(role)).get(url(people.org))
    assert response.status_code == 200
    assert "Statistiques" in response.text and "Visites par jour" in response.text


@pytest.mark.parametrize("role", [Role.STAFF, Role.HR, Role.COORDINATOR, Role.SUPERVISOR, Role.RECEPTION,
                                  Role.COMMUNICATION, Role.EQUIPMENT_MANAGER])
def test_it_is_refused_to_every_other_role(people, login, stat, role):
    stat(services.today(), "leave:mine")
    client = login(people.with_role(role))
    for address in (url(people.org), url(people.org, "?export=pages"), url(people.org, "pages/leave:mine/")):
        assert client.get(address).status_code == 403
    assert client.get("/api/v1/stats/summary", headers={"X-Organisation": people.org.slug}).status_code == 403


def test_another_organisations_director_gets_404_and_sees_none_of_these_counts(people, login, stat):
    stat(services.today(), "meetings:minutes", views=7331)
    director_elsewhere = people.with_role(Role.DIRECTOR, organisation=people.other_org, sector_name=None)
    client = login(director_elsewhere)
    assert client.get(url(people.org)).status_code == 404
    assert client.get(url(people.org, "pages/meetings:minutes/")).status_code == 404
    assert client.get("/api/v1/stats/summary", headers={"X-Organisation": people.org.slug}).status_code == 404
    own = client.get(url(people.other_org))
    assert own.status_code == 200 and "7331" not in own.text and "Compte rendu de réunion" not in own.text
    assert client.get(url(people.other_org, "pages/meetings:minutes/")).status_code == 404


def test_it_shows_the_most_visited_pages_by_their_french_names(people, login, stat):
    today = services.today()
    stat(today, "leave:mine", views=12, visits=3)
    stat(today - timedelta(days=1), "meetings:minutes", role="coordinator", views=5, visits=2, device="desktop")
    stat(today, "reception:notice_delivered", views=1)
    response = login(people.with_role(Role.DIRECTOR)).get(url(people.org))
    text = response.text
    assert text.index("Mes congés") < text.index("Compte rendu de réunion")
    assert "Accueil · notice delivered" in text  # a route without a name reads plainly
    assert "Coordinateur·rice de secteur" in text or "Coordinat" in text
    assert "<svg" in text and "<table" in text


def test_a_page_detail_shows_views_per_day_and_by_role(people, login, stat):
    today = services.today()
    stat(today, "leave:mine", views=4, role="hr")
    stat(today - timedelta(days=2), "leave:mine", views=6, role="staff")
    response = login(people.with_role(Role.ADMIN)).get(url(people.org, "pages/leave:mine/"))
    assert response.status_code == 200
    assert "<h1>Mes congés</h1>" in response.text
    assert "10 vues" in response.text
    csv = login(people.with_role(Role.ADMIN)).get(url(people.org, "pages/leave:mine/?export=profils")).content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "Profil;Vues de pages;Visites"


def test_each_table_exports_as_a_french_csv(people, login, stat):
    stat(services.today(), "leave:mine", views=3, visits=1, device="tablet")
    client = login(people.with_role(Role.DIRECTOR))
    headers = {"visites": "Date;Visites;Vues de pages", "profils": "Profil;Vues de pages;Visites", "appareils": "Appareil;Vues de pages;Visites",
               "pages": "Page;Route;Vues de pages;Visites"}
    for export, header in headers.items():
        response = client.get(url(people.org, f"?jours=90&export={export}"))
        assert response["Content-Type"].startswith("text/csv")
        assert f"statistiques-{export}-" in response["Content-Disposition"]
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == header
    assert "Mes congés;leave:mine;3;1" in client.get(url(people.org, "?export=pages")).content.decode("utf-8-sig")
    assert "Tablette;3;1" in client.get(url(people.org, "?export=appareils")).content.decode("utf-8-sig")
    heures = client.get(url(people.org, "?export=heures")).content.decode("utf-8-sig").splitlines()
    assert len(heures) == 8 and heures[0].startswith("Jour;0 h;1 h")
    assert client.get(url(people.org, "?export=nimporte")).status_code == 404


def test_it_renders_with_no_data_at_all(people, login):
    response = login(people.with_role(Role.DIRECTOR)).get(url(people.org, "?jours=365"))
    assert response.status_code == 200
    assert "Aucune vue de page comptée sur cette période" in response.text
    assert response.text.count("<svg class=\"chart") == 3  # visits per day, hours, devices: drawn empty
    assert "Aucune page pour l'instant." in response.text


def test_it_renders_a_year_of_data_with_as_many_queries_as_a_day(people, login, stat):
    client = login(people.with_role(Role.DIRECTOR))
    client.get(url(people.org))  # the session, the memberships: warm
    stat(services.today(), "leave:mine")
    with QueryCounter() as few:
        assert client.get(url(people.org, "?jours=365")).status_code == 200
    last = services.today()
    rows = []
    for offset in range(0, 365, 3):
        rows.extend(build(people.org.pk, last - timedelta(days=offset), size=4, seed=offset)[:40])
    unique = {(r.date, r.route, r.role, r.hour, r.device): r for r in rows}
    DailyStat.objects.bulk_create(unique.values(), ignore_conflicts=True)
    assert DailyStat.objects.count() > 1000
    with QueryCounter() as many:
        response = client.get(url(people.org, "?jours=365"))
    assert response.status_code == 200
    assert len(many) == len(few)
    assert response.text.count("<rect") > 365


def test_a_federation_office_sees_its_organisations_side_by_side(people, login, stat):
    federation = Federation.objects.create(name="Fédération du Val", slug="val")
    office = Organisation.objects.create(name="Fédération (bureau)", slug="bureau-federation", kind=Organisation.Kind.FEDERATION)
    for organisation in (office, people.org):
        organisation.federations.add(federation)
    stat(services.today(), "leave:mine", views=9, visits=4)
    stat(services.today(), "leave:mine", views=5, visits=5, organisation=people.other_org)  # not in the federation
    director = make_member(office, Role.DIRECTOR, sector_name=None)
    from maillon.testing import give_totp

    give_totp(director)
    client = login(director)
    response = client.get(url(office))
    assert "Organisations de la fédération" in response.text
    assert people.org.name in response.text and people.other_org.name not in response.text
    api = client.get("/api/v1/stats/federation", headers={"X-Organisation": office.slug}).json()
    assert {row["slug"]: (row["views"], row["visits"]) for row in api} == {people.org.slug: (9, 4), office.slug: (0, 0)}
    lines = client.get(url(office, "?export=federation")).content.decode("utf-8-sig").splitlines()
    assert lines == ["Organisation;Vues de pages;Visites", f"{people.org.name};9;4", "Fédération (bureau);0;0"]  # by name
    # An organisation's own director has no federation table, nor its export.
    own_client = login(people.with_role(Role.DIRECTOR))
    assert "Organisations de la fédération" not in own_client.get(url(people.org)).text
    assert own_client.get(url(people.org, "?export=federation")).status_code == 404


def test_the_navigation_shows_statistiques_to_the_director_only(people, login):
    director_page = login(people.with_role(Role.DIRECTOR)).get(f"/{people.org.slug}/tableau-de-bord/").text
    assert f'href="/{people.org.slug}/statistiques/"' in director_page
    staff_page = login(people.owner).get(f"/{people.org.slug}/tableau-de-bord/").text
    assert f'href="/{people.org.slug}/statistiques/"' not in staff_page


def test_the_exemptions_limits_hold_in_the_settings():
    """CNIL: aggregates kept 25 months at most (the setting is capped), raw rows a week."""
    from django.conf import settings

    assert settings.STATS_KEEP_MONTHS <= 25 and settings.STATS_RAW_DAYS <= 31
