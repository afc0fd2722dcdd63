"""``signals.meeting_changed`` (what the events of a space listen to): sent once per real change
of time, place, room or cancellation, with the values before and after, and not for a save
that changes nothing; ``services_minutes.mark_arrival`` (a reception list's ticks): present and
back, for a participant and for someone who is only a guest."""

from datetime import timedelta

import pytest

from maillon.meetings import services, services_minutes
from maillon.meetings.models import Guest, Participant
from maillon.meetings.signals import meeting_changed

from .helpers import at, meeting, membership, room

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, meeting, changes, **kwargs):
        calls.append(changes)

    meeting_changed.connect(receiver)
    yield calls
    meeting_changed.disconnect(receiver)


def test_a_new_time_and_place_are_sent_once_with_before_and_after(people, heard):
    m = meeting(people.org, people.owner, people.colleague)
    me = membership(people.owner, people.org)
    start = at(2030, 3, 13, 9)
    services.reschedule_meeting(me, m, start=start, end=start + timedelta(hours=2), place="Salle des fêtes")
    assert heard == [{"start": (at(2030, 3, 12, 14), start), "end": (at(2030, 3, 12, 16), start + timedelta(hours=2)),
                      "place": ("", "Salle des fêtes")}]
    # Saved again as it is: nothing is sent.
    services.reschedule_meeting(me, m, start=start, end=start + timedelta(hours=2), place="Salle des fêtes")
    assert len(heard) == 1


def test_a_new_room_is_sent_with_its_name_and_the_place_that_follows_it(people, heard):
    m = meeting(people.org, people.owner)
    me = membership(people.owner, people.org)
    salle = room(people.org, "Salle Le Tilleul")
    services.reschedule_meeting(me, m, start=m.start, end=m.end, room=salle)
    assert heard == [{"place": ("", "Salle Le Tilleul"), "room": ("", "Salle Le Tilleul")}]


def test_a_cancellation_is_sent_once(people, heard):
    m = meeting(people.org, people.owner)
    me = membership(people.owner, people.org)
    services.cancel_meeting(me, m)
    services.cancel_meeting(me, m)
    assert heard == [{"cancelled": True}]


def test_an_arrival_marks_a_participant_present_and_unticking_clears_it(people):
    m = meeting(people.org, people.owner, people.colleague)
    row, created = services_minutes.mark_arrival(m, people.colleague, present=True, name="Collègue", actor=people.owner)
    participant = Participant.objects.get(meeting=m, membership__user=people.colleague)
    assert (row, created, participant.attendance, participant.known_attendance) == (participant, False, "present", "present")
    services_minutes.mark_arrival(m, people.colleague, present=False, name="Collègue", actor=people.owner)
    participant.refresh_from_db()
    assert participant.attendance == "" and not Guest.objects.filter(meeting=m).exists()


def test_an_arrival_of_someone_else_adds_a_present_guest_taken_away_when_unticked(people):
    m = meeting(people.org, people.owner)
    outsider = people.outsider
    guest, created = services_minutes.mark_arrival(m, outsider, present=True, name="Personne Autre", organisation_name="Autre centre",
                                                   actor=people.owner)
    assert created and (guest.name, guest.organisation_name, guest.attendance, guest.email) == (
        "Personne Autre", "Autre centre", "present", outsider.email)
    # Ticked again: the same row, nothing new.
    again, created_again = services_minutes.mark_arrival(m, outsider, present=True, name="Personne Autre", guest_id=guest.pk)
    assert (again.pk, created_again, Guest.objects.filter(meeting=m).count()) == (guest.pk, False, 1)
    services_minutes.mark_arrival(m, outsider, present=False, name="Personne Autre", guest_id=guest.pk)
    assert not Guest.objects.filter(meeting=m).exists()


def test_unticking_someone_invited_as_a_guest_keeps_the_guest_and_clears_the_mark(people):
    m = meeting(people.org, people.owner)
    invited = Guest.objects.create(organisation=people.org, meeting=m, name="Invitée", email=people.outsider.email, attendance="present")
    services_minutes.mark_arrival(m, people.outsider, present=False, name="Invitée")
    invited.refresh_from_db()
    assert invited.attendance == ""
