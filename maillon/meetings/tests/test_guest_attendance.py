"""Guests (external contacts, no account) in the attendance: they sign the printed sheet, and
whoever edits the minutes marks them present / excused / absent like the participants."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillon.audit.models import AuditEntry
from maillon.directory.models import Contact, Partner
from maillon.meetings import services
from maillon.meetings.models import Guest

from .helpers import meeting

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def with_guests(people):
    caf = Partner.objects.create(organisation=people.org, name="CAF du Val-Fleuri", kind=Partner.Kind.FUNDER)
    contacts = [Contact.objects.create(organisation=people.org, partner=caf, name=name, email=email)
                for name, email in (("Inès Caffort", "ines@caf.example"), ("Marc Vidal", "marc@caf.example"))]
    start = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=10)
    m = meeting(people.org, people.owner, people.colleague, start=start, allow_past=True, contacts=contacts, send_email=False)
    return m, {g.name: g for g in Guest.objects.filter(meeting=m)}


def test_guests_are_marked_in_the_minutes_and_shown_on_the_sheet(people, login):
    m, guests = with_guests(people)
    ines, marc = guests["Inès Caffort"], guests["Marc Vidal"]
    services.answer_guest(marc, "declined")
    client = login(people.owner)
    page = client.get(url(m, "compte-rendu/")).content.decode()
    assert f'name="guest-attendance-{ines.pk}"' in page and "Inès Caffort (CAF du Val-Fleuri) <span class=\"muted\">(invité·e)</span>" in page
    assert "Excusé·e (1)" in page  # Marc declined the invitation
    response = client.post(url(m, "compte-rendu/presences/"), {f"guest-attendance-{ines.pk}": "present",
                                                             f"guest-attendance-{marc.pk}": "absent"}, follow=True)
    page = response.content.decode()
    assert "Présences enregistrées." in page and "Absent·e (1)" in page and "Inès Caffort (CAF du Val-Fleuri)" in page
    assert Guest.objects.get(pk=ines.pk).attendance == "present" and Guest.objects.get(pk=marc.pk).attendance == "absent"
    entry = AuditEntry.objects.get(action="meetings.attendance.record")
    assert entry.data["guests"] == {"Inès Caffort": "present", "Marc Vidal": "absent"}
    sheet = client.get(url(m, "emargement/")).content.decode()
    assert "<td>Inès Caffort</td>\n    <td>CAF du Val-Fleuri</td>\n    <td class=\"attendance\">Présent·e</td>" in sheet


def test_a_bad_guest_mark_is_refused_on_its_line_and_nothing_is_saved(people, login):
    m, guests = with_guests(people)
    ines = guests["Inès Caffort"]
    response = login(people.owner).post(url(m, "compte-rendu/presences/"), {f"guest-attendance-{ines.pk}": "venu",
                                                                           f"guest-attendance-{guests['Marc Vidal'].pk}": "present"})
    page = response.content.decode()
    assert response.status_code == 400 and "Choisissez présent, excusé ou absent." in page
    assert f'id="id_guest-attendance-{ines.pk}_error"' in page
    assert not Guest.objects.exclude(attendance="").exists()


def test_another_meetings_guest_cannot_be_marked_through_this_meeting(people, login):
    m, _guests = with_guests(people)
    other = meeting(people.org, people.owner, start=m.start + timedelta(days=7), allow_past=True)
    stranger = Guest.objects.create(organisation=people.org, meeting=other, name="Paul Tiers", email="paul@example.org")
    response = login(people.owner).post(url(m, "compte-rendu/presences/"), {f"guest-attendance-{stranger.pk}": "present"})
    assert response.status_code == 302 and Guest.objects.get(pk=stranger.pk).attendance == ""
    assert login(people.outsider).post(url(m, "compte-rendu/presences/"), {f"guest-attendance-{stranger.pk}": "present"}).status_code == 404
