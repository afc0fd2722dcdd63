"""What the middleware counts, what it never keeps, and how the buffer reaches the database."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillon.accounts.roles import Role
from maillon.stats import services
from maillon.stats.models import DailyStat, OptOut, PageView
from maillon.stats.recording import (
    PROFILE_ORDER,
    buffer,
    device_class,
    make_view,
    role_profile,
    visitor_key,
)

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36"
IPAD = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36"


@pytest.mark.parametrize(("agent", "expected"), [(IPHONE, "phone"), (ANDROID_PHONE, "phone"), (ANDROID_TABLET, "tablet"), (IPAD, "tablet"),
                                                 (FIREFOX_LINUX, "desktop"), (WINDOWS_CHROME, "desktop"), ("", "desktop")])
def test_it_tells_phones_tablets_and_computers_apart(agent, expected):
    assert device_class(agent) == expected


@given(st.text(max_size=300))
def test_any_user_agent_gets_one_of_three_classes(agent):
    assert device_class(agent) in {"phone", "tablet", "desktop"}


@given(st.text(max_size=120), st.text(max_size=120))
def test_an_iphone_is_a_phone_and_an_ipad_a_tablet_whatever_surrounds_them(before, after):
    if "ipad" not in (before + after).lower() and "tablet" not in (before + after).lower():
        assert device_class(before + " (iPhone; CPU iPhone OS 17_5) Mobile " + after) in {"phone", "tablet"}
    assert device_class(before + "(iPad; CPU OS 16_6)" + after) == "tablet"


@given(st.sets(st.sampled_from([str(r) for r in Role])))
def test_the_role_profile_is_the_highest_role_held(roles):
    profile = role_profile(roles)
    if roles:
        assert profile in roles
        assert all(PROFILE_ORDER.index(profile) <= PROFILE_ORDER.index(role) for role in roles)
    else:
        assert profile == "staff"


def test_the_visit_key_is_the_same_all_day_and_changes_the_next_day():
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    assert visitor_key("abc", monday) == visitor_key("abc", monday)
    assert visitor_key("abc", monday) != visitor_key("abc", tuesday)
    assert visitor_key("abc", monday) != visitor_key("abd", monday)
    assert "abc" not in visitor_key("abc", monday) and len(visitor_key("abc", monday)) == 16


def test_the_hour_is_paris_time():
    view = make_view(user_id=1, organisation_id=1, route="leave:mine", roles={"staff"}, user_agent="", session_key="s",
                     now=datetime(2026, 7, 1, 22, 30, tzinfo=UTC))
    assert (view.date, view.hour, view.weekday) == (date(2026, 7, 2), 0, 3)  # 00:30 on Thursday in Paris (summer time)


@pytest.mark.django_db
def test_a_members_page_is_counted_with_route_role_and_device_only(people, login):
    client = login(people.with_role(Role.COORDINATOR))
    assert client.get(f"/{people.org.slug}/conges/", headers={"User-Agent": IPHONE}).status_code == 200
    assert buffer.flush() == 1
    view = PageView.objects.get()
    assert (view.organisation_id, view.route, view.role, view.device) == (people.org.pk, "leave:mine", "coordinator", "phone")
    assert view.visitor == visitor_key(client.session.session_key, view.date)


@pytest.mark.django_db
def test_what_is_not_a_page_read_is_not_counted(people, login):
    client = login(people.owner)
    slug = people.org.slug
    client.get(f"/{slug}/conges/", {"q": "x"}, headers={"HX-Request": "true"})  # an htmx fragment
    client.get(f"/{slug}/conges/", headers={"DNT": "1"})
    client.get(f"/{slug}/conges/", headers={"Sec-GPC": "1"})
    client.get(f"/{slug}/conges/", headers={"Sec-Purpose": "prefetch"})
    client.get(f"/{slug}/conges/", headers={"Sec-Fetch-Dest": "empty"})  # fetch() from a script
    client.get(f"/{slug}/page-qui-nexiste-pas/")  # 404
    client.get(f"/{slug}/statistiques/")  # 403 for a staff member
    client.get("/api/v1/stats/summary", headers={"X-Organisation": slug})
    client.get("/sw.js")
    client.get(f"/{slug}/manifest.webmanifest")
    client.post(f"/{slug}/notifications/tout-lu/")
    client.get("/comptes/securite/")  # no organisation: not an organisation's page
    client.logout()
    client.get(f"/{slug}/conges/")  # anonymous: the login page
    assert buffer.pending() == 0


@pytest.mark.django_db
def test_an_opted_out_person_is_not_counted_and_can_come_back(people, login):
    client = login(people.owner)
    response = client.get("/comptes/statistiques/")
    assert "Ne pas compter mes visites" in response.text and "checked" not in response.text
    response = client.post("/comptes/statistiques/", {"opt_out": "on"}, follow=True)
    assert "Vos visites ne sont plus comptées dans les statistiques." in response.text
    client.get(f"/{people.org.slug}/conges/")
    login(people.colleague).get(f"/{people.org.slug}/conges/")
    assert buffer.flush() == 1  # the colleague's view only
    client = login(people.owner)
    client.post("/comptes/statistiques/", {})
    assert not OptOut.objects.exists()
    client.get(f"/{people.org.slug}/conges/")
    assert buffer.flush() == 1


@pytest.mark.django_db
def test_views_come_back_to_the_buffer_when_the_database_refuses_them(people, monkeypatch):
    view = make_view(user_id=people.owner.pk, organisation_id=people.org.pk, route="leave:mine", roles={"staff"}, user_agent="",
                     session_key="k", now=datetime(2026, 3, 2, 9, tzinfo=UTC))
    buffer.add(view)

    def down(views):
        raise RuntimeError("database away")

    monkeypatch.setattr(services, "write_views", down)
    assert buffer.flush() == 0 and buffer.pending() == 1
    monkeypatch.undo()
    assert buffer.flush() == 1 and buffer.pending() == 0


PERSONAL = {"ip", "ip_address", "remote_addr", "user", "user_id", "person", "email", "session", "session_key", "url", "path",
            "query", "user_agent", "cookie"}


@pytest.mark.django_db
def test_no_stats_table_holds_an_ip_a_user_id_a_url_or_a_session_key(people, login):
    from django.db import connection

    for model in (PageView, DailyStat):
        columns = {column.name for column in connection.introspection.get_table_description(connection.cursor(), model._meta.db_table)}
        assert columns & PERSONAL == set(), model
        assert not any(field.is_relation and field.related_model is not type(people.org) for field in model._meta.fields), model
    client = login(people.with_role(Role.DIRECTOR))
    client.get(f"/{people.org.slug}/conges/?annee=2026", headers={"User-Agent": WINDOWS_CHROME}, REMOTE_ADDR="203.0.113.7")
    buffer.flush()
    services.aggregate_day(services.today())
    session_key = client.session.session_key
    for model in (PageView, DailyStat):
        for row in model.objects.values():
            text = " ".join(str(value) for value in row.values())
            for secret in ("203.0.113", session_key, "annee", "/conges/", "Chrome", people.org.slug):
                assert secret not in text, (model, secret)
    # The opt-out table is a preference: the person and the date, nothing of what they read.
    assert {f.name for f in OptOut._meta.fields} == {"id", "user", "created_at"}


@pytest.mark.django_db
def test_the_app_sets_no_cookie_and_loads_no_third_party_script(people, login):
    client = login(people.with_role(Role.DIRECTOR))
    before = set(client.cookies.keys())
    response = client.get(f"/{people.org.slug}/statistiques/")
    assert set(response.cookies.keys()) <= {"sessionid", "csrftoken"} and set(client.cookies.keys()) == before | set(response.cookies.keys())
    assert "<script src=\"http" not in response.text and "<script src=\"//" not in response.text
