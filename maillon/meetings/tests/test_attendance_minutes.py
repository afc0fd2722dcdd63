"""Attendance in the minutes: each participant marked present / excused / absent, pre-filled from
what is known (signed « présent », declined invitation), shown in the minutes and on the
attendance sheet (HTML and PDF)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.audit.models import AuditEntry
from maillon.meetings import services, services_minutes
from maillon.meetings.models import Participant
from maillon.testing import TEST_PASSWORD

from .helpers import meeting, membership

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def now_meeting(people, *others, **kwargs):
    start = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=10)
    return meeting(people.org, people.owner, *others, start=start, allow_past=True, **kwargs)


def participant(m, user):
    return Participant.objects.get(meeting=m, membership__user=user)


def field(m, user):
    return f"attendance-{participant(m, user).pk}"


def test_it_is_prefilled_from_the_signature_and_the_answers_then_marked_by_the_organiser(people, login):
    m = now_meeting(people, people.colleague, people.other_sector)
    login(people.colleague).post(url(m, "emargement/signer/"), {"signature-password": TEST_PASSWORD})
    services.answer(participant(m, people.other_sector), "declined")
    client = login(people.owner)
    page = client.get(url(m, "compte-rendu/")).content.decode()
    assert "Présent·e (1)" in page and "Excusé·e (1)" in page and "Non renseigné (1)" in page
    assert "Indiquer qui était présent, excusé ou absent" in page and "(signé)" in page

    response = client.post(url(m, "compte-rendu/presences/"), {field(m, people.owner): "present",
                                                             field(m, people.colleague): "present",
                                                             field(m, people.other_sector): "absent"}, follow=True)
    page = response.content.decode()
    assert "Présences enregistrées." in page and "Présent·e (2)" in page and "Absent·e (1)" in page and "Excusé·e (" not in page
    assert participant(m, people.other_sector).attendance == "absent"
    assert participant(m, people.owner).attendance == "present"
    entry = AuditEntry.objects.get(action="meetings.attendance.record")
    assert entry.actor == people.owner and set(entry.data["attendance"].values()) == {"present", "absent"}

    # nothing changed: nothing audited again
    client.post(url(m, "compte-rendu/presences/"), {field(m, people.other_sector): "absent"})
    assert AuditEntry.objects.filter(action="meetings.attendance.record").count() == 1

    # shown in the published minutes, to a participant, and on the attendance sheet
    services_minutes.publish_minutes(membership(people.owner, people.org), m.minutes)
    reader = login(people.other_sector).get(url(m, "compte-rendu/")).content.decode()
    assert "Absent·e (1)" in reader and people.other_sector.get_full_name() in reader
    sheet = client.get(url(m, "emargement/")).content.decode()
    assert "<th scope=\"col\">Présence</th>" in sheet
    assert sheet.count('<td class="attendance">Présent·e</td>') == 2 and sheet.count('<td class="attendance">Absent·e</td>') == 1


def test_the_pdf_sheet_shows_the_attendance(people, login):
    from maillon.procedures.tests.test_recap_pdf import pdf_text

    m = now_meeting(people, people.colleague, people.other_sector)
    client = login(people.owner)
    client.post(url(m, "compte-rendu/presences/"), {field(m, people.colleague): "excused", field(m, people.other_sector): "absent"})
    text = pdf_text(client.get(url(m, "emargement.pdf")).content)
    assert "Présence" in text and "Excus" in text and "Absent" in text


def test_a_bad_value_is_a_french_message_on_its_line_keeping_what_was_chosen(people, login):
    m = now_meeting(people, people.colleague, people.other_sector)
    client = login(people.owner)
    response = client.post(url(m, "compte-rendu/presences/"), {field(m, people.colleague): "excused",
                                                             field(m, people.other_sector): "peut-être"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choisissez présent, excusé ou absent." in page and "Les présences ne sont pas enregistrées" in page
    assert '<option value="excused" selected>' in page  # what was chosen for the colleague is kept
    assert 'aria-invalid="true"' in page and "<details class=\"attendance-edit\" open>" in page
    assert participant(m, people.colleague).attendance == ""  # all or nothing
    assert not AuditEntry.objects.filter(action="meetings.attendance.record").exists()


def test_a_signed_attendance_stays_present(people, login):
    m = now_meeting(people, people.colleague)
    login(people.colleague).post(url(m, "emargement/signer/"), {"signature-password": TEST_PASSWORD})
    response = login(people.owner).post(url(m, "compte-rendu/presences/"), {field(m, people.colleague): "absent"})
    assert response.status_code == 400
    assert "Cette personne a signé la feuille d’émargement" in response.content.decode()
    assert participant(m, people.colleague).attendance == "present"


def test_participants_mark_while_draft_others_may_not(people, login):
    m = now_meeting(people, people.colleague, people.other_sector)
    target = field(m, people.other_sector)
    # a participant may edit the draft minutes, so may mark attendance
    assert login(people.colleague).post(url(m, "compte-rendu/presences/"), {target: "excused"}).status_code == 302
    assert participant(m, people.other_sector).attendance == "excused"
    # another organisation: the meeting does not exist
    assert login(people.outsider).post(url(m, "compte-rendu/presences/"), {target: "absent"}).status_code == 404
    # a coordinator sees every meeting but does not write these minutes
    coordinator = people.with_role("coordinator")
    assert login(coordinator).post(url(m, "compte-rendu/presences/"), {target: "absent"}).status_code == 403
    assert "Indiquer qui était présent" not in login(coordinator).get(url(m, "compte-rendu/")).content.decode()
    # once published, only the organiser (or the director) edits the minutes
    services_minutes.publish_minutes(membership(people.owner, people.org), m.minutes)
    assert login(people.colleague).post(url(m, "compte-rendu/presences/"), {target: "absent"}).status_code == 403
    assert "Indiquer qui était présent" not in login(people.colleague).get(url(m, "compte-rendu/")).content.decode()
    assert participant(m, people.other_sector).attendance == "excused"
    assert login(people.owner).post(url(m, "compte-rendu/presences/"), {target: "absent"}).status_code == 302
    assert participant(m, people.other_sector).attendance == "absent"
    assert login(people.owner).get(url(m, "compte-rendu/presences/")).status_code == 405


@settings(max_examples=60, deadline=None)
@given(attendance=st.sampled_from(Participant.Attendance.values), answer=st.sampled_from(Participant.Answer.values),
       signed=st.booleans())
def test_what_the_minutes_show_is_the_mark_else_the_signature_else_the_answer(attendance, answer, signed):
    p = Participant(attendance=attendance, answer=answer, attendance_signature_id=1 if signed else None)
    if attendance:
        assert p.known_attendance == attendance
    elif signed:
        assert p.known_attendance == "present"
    elif answer == "declined":
        assert p.known_attendance == "excused"
    else:
        assert p.known_attendance == ""
    assert p.get_known_attendance_display() == dict(Participant.Attendance.choices)[p.known_attendance]
