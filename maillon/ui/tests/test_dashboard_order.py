"""The dashboard reads « what needs me first »: what waits for me (approvals, tasks, minutes, unread
notifications, with counts), then my days ahead, my leave and requests, then the news. A panel with
nothing to do is not shown; the page does not read more for it."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.core.registry import SECTIONS, dashboard_panels, registry
from maillon.meetings.models import Task
from maillon.meetings.tests.helpers import meeting, membership
from maillon.notifications.models import Notification
from maillon.procedures import services
from maillon.testing import TEST_PASSWORD, QueryCounter

pytestmark = pytest.mark.django_db

DASHBOARD = "/essais/tableau-de-bord/"
MILEAGE = {"trajets": [{"date": "2026-03-02", "objet": "Sortie", "km": "40", "montant": "14.00"}], "iban": "FR7630006000011234567890189"}


def request_of(user, org):
    request = RequestFactory().post("/x/")
    request.user, request.session, request.organisation = user, SessionStore(), org
    request.membership = Membership.objects.with_roles().select_related("sector").get(user=user, organisation=org)
    return request


def submit_mileage_claim(people, hr):
    procedure = services.enable_template(request_of(hr, people.org), "frais-kilometriques")
    request = request_of(people.owner, people.org)
    return services.submit(request, services.save_draft(request, procedure, MILEAGE), password=TEST_PASSWORD)


def positions(html: str, *keys: str) -> list[int]:
    """Where each panel (or the « à traiter » summary) starts in the page; -1 when absent."""
    return [html.find(f'id="{key}"') for key in keys]


def tally(html: str) -> list[tuple[str, str]]:
    block = html.split('class="tally"')[1].split("</ul>")[0]
    return re.findall(r"<strong>(\d+)</strong> <span>([^<]+)</span>", block)


@pytest.fixture
def busy_coordinator(people, django_capture_on_commit_callbacks):
    """A coordinator of Secteur Enfance with a claim to approve, two open tasks and an unread notification."""
    coordinator = people.with_role(Role.COORDINATOR, sector_name="Secteur Enfance")
    hr = people.with_role(Role.HR, sector_name=None)
    with django_capture_on_commit_callbacks(execute=True):
        submit_mileage_claim(people, hr)  # notifies the coordinator (one unread notification)
    soon = meeting(people.org, coordinator, people.owner, title="Réunion de secteur", start=timezone.localtime() + timedelta(days=1))
    for text in ("Réserver le car", "Envoyer le bilan"):
        Task.objects.create(organisation=people.org, meeting=soon, assignee=membership(coordinator, people.org), description=text)
    return coordinator


def test_what_waits_comes_first_with_its_counts_then_the_day_then_my_requests_then_news(busy_coordinator, login):
    html = login(busy_coordinator).get(DASHBOARD).content.decode()
    assert tally(html) == [("1", "À valider"), ("2", "Mes tâches"), ("1", "Notifications")]
    summary, queue, tasks, notes, planning, meetings, leave, mine, news, about = positions(
        html, "section-waiting", "panel-procedures_queue", "panel-my_tasks", "panel-notifications", "panel-my_planning",
        "panel-my_meetings", "panel-leave", "panel-procedures_mine", "panel-news", "panel-organisation")
    assert -1 < summary < queue < tasks < notes < planning < meetings < leave < mine < news < about
    assert "Frais kilométriques" in html or "kilom" in html
    assert "Rien ne vous attend" not in html
    # Each number of the summary leads to its panel.
    assert 'href="#panel-procedures_queue"' in html and 'href="#panel-my_tasks"' in html


@pytest.mark.parametrize("role", [Role.STAFF, Role.COORDINATOR, Role.DIRECTOR])
def test_with_nothing_waiting_it_says_so_and_shows_no_empty_to_do_panels(people, login, role):
    person = people.with_role(role, sector_name=None) if role != Role.STAFF else people.owner
    html = login(person).get(DASHBOARD).content.decode()
    assert "Rien ne vous attend pour l&#x27;instant." in html or "Rien ne vous attend pour l'instant." in html
    assert 'class="tally"' not in html
    for key in ("panel-procedures_queue", "panel-my_tasks", "panel-pending_minutes"):
        assert f'id="{key}"' not in html  # no « Rien à valider » / « Aucune tâche » boxes
    leave, news, notes = positions(html, "panel-leave", "panel-news", "panel-notifications")
    assert -1 < leave < news < notes  # read notifications go to the end, after the news


def test_an_unread_notification_waits_for_me_and_a_read_one_does_not(people, login):
    note = Notification.objects.create(recipient=people.owner, organisation=people.org, title="Planning publié")
    client = login(people.owner)
    html = client.get(DASHBOARD).content.decode()
    assert tally(html) == [("1", "Notifications")]
    assert positions(html, "panel-notifications")[0] < positions(html, "panel-leave")[0]
    note.read_at = timezone.now()
    note.save()
    html = client.get(DASHBOARD).content.decode()
    assert positions(html, "panel-notifications")[0] > positions(html, "panel-news")[0]


def test_panels_headings_nest_under_their_section(busy_coordinator, login):
    html = login(busy_coordinator).get(DASHBOARD).content.decode()
    assert '<h3 class="panel-title" id="panel-procedures_queue">' in html  # under « À traiter » (h2)
    assert '<h3 class="panel-title" id="panel-leave">' in html  # under « Mes congés et demandes » (h2)
    assert '<h2 class="panel-title" id="panel-news">' in html  # the news title their own part of the page


def test_the_busy_dashboard_reads_no_more_than_the_quiet_one(people, busy_coordinator, login):
    quiet = login(people.with_role(Role.COORDINATOR, sector_name="Secteur Jeunes et Adolescents"))
    quiet.get(DASHBOARD)
    with QueryCounter() as few:
        quiet.get(DASHBOARD)
    busy = login(busy_coordinator)
    busy.get(DASHBOARD)
    with QueryCounter() as many:
        busy.get(DASHBOARD)
    # The busy one reads the first waiting steps (one query the quiet one skips); nothing per item.
    assert len(many) <= len(few) + 1 <= 13, [q["sql"] for q in many.captured_queries]


def test_every_registered_panel_has_a_known_section_and_they_come_in_section_order(people):
    member = Membership.objects.with_roles().get(user=people.owner, organisation=people.org)
    panels = dashboard_panels(member)
    ranks = [SECTIONS.index(p.section) for p in panels]
    assert ranks == sorted(ranks)
    assert {p.section for p in registry.panels.values()} <= set(SECTIONS)
    assert registry.panels["procedures_queue"].section == "waiting" and registry.panels["news"].section == "news"
