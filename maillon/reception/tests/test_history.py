"""History and lists: who sees what, the search, 50 a page, query counts that do not grow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.accounts.roles import Role
from maillon.organisations.models import Sector
from maillon.reception import services
from maillon.reception.models import PhoneMessage

from .helpers import url

pytestmark = pytest.mark.django_db


def send_many(desk, n, recipient=None, caller="Mme Pivoine"):
    agent = desk.membership(desk.agent)
    to = desk.membership(recipient or desk.people.owner)
    for i in range(n):
        services.send_message(agent, recipient=to, caller_name=f"{caller} {i}", text="Rappeler.")


def test_a_person_sees_only_their_own_messages(desk, login):
    send_many(desk, 2)
    send_many(desk, 1, recipient=desk.people.colleague, caller="M. Quillon")
    page = login(desk.people.colleague).get(url("history")).content.decode()
    assert "M. Quillon 0" in page and "Mme Pivoine" not in page
    assert "Mes messages" in page
    everyone = login(desk.people.with_role(Role.DIRECTOR)).get(url("history")).content.decode()
    assert "M. Quillon 0" in everyone and "Mme Pivoine 1" in everyone
    assert login(desk.people.outsider).get(url("history")).status_code == 404


def test_the_history_searches_by_caller_person_sector_and_date(desk, login):
    send_many(desk, 2)
    send_many(desk, 1, recipient=desk.people.other_sector, caller="M. Quillon")
    old = PhoneMessage.objects.get(caller_name="Mme Pivoine 0")
    PhoneMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    client = login(desk.agent)

    def shown(**query):
        page = client.get(url("history"), query).content.decode()
        return {name for name in ("Mme Pivoine 0", "Mme Pivoine 1", "M. Quillon 0") if name in page}

    assert shown(q="quillon") == {"M. Quillon 0"}
    assert shown(person=desk.membership(desk.people.owner).pk) == {"Mme Pivoine 0", "Mme Pivoine 1"}
    jeunes = Sector.objects.get(organisation=desk.org, name="Secteur Jeunes et Adolescents")
    assert shown(sector=jeunes.pk) == {"M. Quillon 0"}
    assert shown(day=timezone.localdate().isoformat()) == {"Mme Pivoine 1", "M. Quillon 0"}
    other = Sector.objects.get(organisation=desk.people.other_org, name="Secteur Enfance")
    page = client.get(url("history"), {"sector": other.pk}).content.decode()
    assert "Choisissez un secteur de l&#x27;organisation." in page


def test_the_history_shows_fifty_a_page(desk, login):
    send_many(desk, 52)
    page = login(desk.agent).get(url("history")).content.decode()
    assert page.count('class="row row-link"') == 50
    assert "Page 1 sur 2" in page


@pytest.mark.parametrize("name", ["history", "today"])
def test_the_lists_do_not_query_more_with_more_rows(desk, login, name, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(desk.agent)
    services.send_notice(desk.membership(desk.agent), sector=desk.membership(desk.people.owner).sector)
    send_many(desk, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(name)).status_code == 200
    send_many(desk, 20, recipient=desk.people.colleague)
    for _ in range(5):
        services.send_notice(desk.membership(desk.agent), sector=desk.membership(desk.people.owner).sector)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(name)).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 12


def test_the_message_form_does_not_query_more_with_more_people(desk, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maillon.testing import make_member

    client = login(desk.agent)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("new_message")).status_code == 200
    for i in range(15):
        make_member(desk.org, username=f"renfort{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("new_message"))
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert "renfort14" in page.content.decode() or page.content.decode().count('type="radio" name="recipient"') >= 19


def test_the_tab_is_on_every_page_for_reception_only(desk, login):
    dashboard = reverse("dashboard", kwargs={"org": "essais"})
    assert 'class="reception-tab"' in login(desk.agent).get(dashboard).content.decode()
    assert 'class="reception-tab"' not in login(desk.people.owner).get(dashboard).content.decode()
    assert 'class="reception-tab"' not in login(desk.people.with_role(Role.DIRECTOR)).get(dashboard).content.decode()
