"""Visitor notices: who gets them (today's shifts of the sector, else its members), receipts,
bad input, tenancy."""

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.accounts.roles import Role
from maillon.agenda.models import Planning, Shift
from maillon.notifications.models import Notification
from maillon.organisations.models import Sector
from maillon.reception import services
from maillon.reception.models import NoticeRecipient, VisitorNotice
from maillon.testing import make_member

from .helpers import url

pytestmark = pytest.mark.django_db


def sector(org, name="Secteur Enfance"):
    return Sector.objects.get(organisation=org, name=name)


def shift_today(org, sector_, people, status=Planning.Status.PUBLISHED, day=None):
    day = day or timezone.localdate()
    zone = timezone.get_default_timezone()
    planning = Planning.objects.create(organisation=org, title="Accueil de loisirs", sector=sector_, start_date=day, end_date=day,
                                       status=status)
    shift = Shift.objects.create(organisation=org, planning=planning, title="Matin", start=datetime.combine(day, time(8), zone),
                                 end=datetime.combine(day, time(12), zone))
    shift.people.set(people)
    return shift


def test_it_goes_to_the_sectors_members_without_shifts_today(desk, login):
    response = login(desk.agent).post(url("new_notice"), {"sector": sector(desk.org).pk, "visitor_name": "Mme Clothilde",
                                                          "waiting": "on", "text": "Dépose un dossier."})
    assert response.status_code == 302
    notice = VisitorNotice.objects.get()
    told = set(NoticeRecipient.objects.filter(notice=notice).values_list("membership__user__username", flat=True))
    assert told == {"proprietaire", "collegue"}  # not « autresecteur », not the other organisation's
    assert Notification.objects.filter(kind="reception.notice", title="Mme Clothilde attend à l'accueil (Secteur Enfance)").count() == 2


def test_it_goes_to_the_people_on_shift_today_when_there_are_any(desk):
    org = desk.org
    helper = make_member(org, sector_name="Secteur Jeunes et Adolescents", username="renfort")
    enfance = sector(org)
    shift_today(org, enfance, [desk.membership(helper), desk.membership(desk.people.owner)])
    # A draft planning and yesterday's shift do not count.
    shift_today(org, enfance, [desk.membership(desk.people.colleague)], status=Planning.Status.DRAFT)
    shift_today(org, enfance, [desk.membership(desk.people.other_sector)], day=timezone.localdate() - timedelta(days=1))
    people = services.on_duty(org, enfance)
    assert {m.user.username for m in people} == {"renfort", "proprietaire"}


def test_it_says_when_nobody_is_in_the_sector(desk, login):
    empty = sector(desk.org, "Cyber Espace")
    response = login(desk.agent).post(url("new_notice"), {"sector": empty.pk})
    assert response.status_code == 400
    assert "Personne n&#x27;est de service ni rattaché à ce secteur" in response.content.decode()
    other = Sector.objects.get(organisation=desk.people.other_org, name="Secteur Enfance")
    response = login(desk.agent).post(url("new_notice"), {"sector": other.pk})
    assert "Choisissez un secteur de l&#x27;organisation." in response.content.decode()
    response = login(desk.agent).post(url("new_notice"), {"sector": sector(desk.org).pk, "text": "x" * 301})
    assert response.status_code == 400 and "au plus 300 caractères" in response.content.decode()
    assert not VisitorNotice.objects.exists()


def test_reading_a_notice_tells_the_agent_how_many_read_it(desk, login, django_capture_on_commit_callbacks):
    notice = services.send_notice(desk.membership(desk.agent), sector=sector(desk.org), visitor_name="Lisandro")
    assert login(desk.people.other_sector).get(url("notice", pk=notice.pk)).status_code == 404
    assert login(desk.people.with_role(Role.HR)).get(url("notice", pk=notice.pk)).status_code == 404
    assert login(desk.people.outsider).get(url("notice", pk=notice.pk)).status_code == 404
    with mock.patch("maillon.notifications.live.send_now") as live, django_capture_on_commit_callbacks(execute=True):
        assert login(desk.people.owner).post(url("notice_delivered", pk=notice.pk)).status_code == 204
        assert login(desk.people.owner).get(url("notice", pk=notice.pk)).status_code == 200
    labels = [c.args[1]["label"] for c in live.call_args_list]
    assert labels == ["Distribué à 1 sur 2", "Lu par 1 sur 2"]
    assert all(c.args[0] == desk.agent.pk for c in live.call_args_list)
    page = login(desk.agent).get(url("today")).content.decode()
    assert "Lu par 1 sur 2" in page and f'data-live-receipt="notice-{notice.pk}"' in page


def test_the_service_refuses_a_sector_of_another_organisation(desk):
    other = Sector.objects.get(organisation=desk.people.other_org, name="Secteur Enfance")
    with pytest.raises(ValidationError) as error:
        services.send_notice(desk.membership(desk.agent), sector=other)
    assert error.value.message_dict == {"sector": ["Choisissez un secteur de l'organisation."]}
