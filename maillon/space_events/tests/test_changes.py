"""A space's meeting changed in the meetings app: everyone registered or waiting, whatever their
organisation, is told once what changed (French, Paris time), nobody who cancelled; a
cancellation closes the registrations. The reception list's ticks make the meeting's attendance
(the meetings app's sheet) show the person present, and unticking takes it back."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from maillon.agenda.recurrence import PARIS
from maillon.meetings import services as meetings
from maillon.meetings.models import Guest, Participant
from maillon.notifications.models import Notification
from maillon.space_events import notices, services
from maillon.space_events.models import Registration

pytestmark = pytest.mark.django_db
KIND = "space_events.change"


def full_event(world):
    event = world.event(capacity=1)
    first, second, gone = world.members(3)
    for user in (first, second, gone):
        services.register(event, user)
    services.cancel(Registration.objects.get(event=event, user=gone), gone)
    return event, first, second, gone


def told(kind=KIND):
    return sorted((n.recipient.username, n.title, n.body) for n in Notification.objects.filter(kind=kind).select_related("recipient"))


def test_a_new_date_is_told_once_to_registered_and_waiting_people(world, django_capture_on_commit_callbacks):
    event, first, second, gone = full_event(world)
    meeting = event.meeting
    start = datetime(meeting.start.year + 1, 3, 17, 9, 30, tzinfo=PARIS)
    before = notices.when(meeting.start, meeting.end)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.reschedule_meeting(world.host_membership, meeting, start=start, end=start + timedelta(hours=2))
    body = f"Date : {before} → mercredi 17 mars {start.year}, 09:30–11:30."
    assert told() == [("membre0", "Événement modifié : Réunion annuelle", body), ("membre1", "Événement modifié : Réunion annuelle", body)]
    assert Notification.objects.filter(kind=KIND).first().url == f"/espaces/{world.space.slug}/evenements/{event.pk}/"
    # Saved again without a change: nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        meetings.reschedule_meeting(world.host_membership, meeting, start=start, end=start + timedelta(hours=2))
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_a_new_place_and_a_new_room_say_before_and_after(world, django_capture_on_commit_callbacks):
    from maillon.meetings.tests.helpers import room

    event, *_people = full_event(world)
    meeting = event.meeting
    with django_capture_on_commit_callbacks(execute=True):
        meetings.reschedule_meeting(world.host_membership, meeting, start=meeting.start, end=meeting.end, place="Maison des associations")
    assert {n.body for n in Notification.objects.filter(kind=KIND)} == {"Lieu : non précisé → Maison des associations."}
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.reschedule_meeting(world.host_membership, meeting, start=meeting.start, end=meeting.end,
                                    room=room(world.people.other_org, "Salle Le Tilleul"))
    # The place follows the new room: said once.
    assert {n.body for n in Notification.objects.filter(kind=KIND)} == {"Lieu : Maison des associations → Salle Le Tilleul."}
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.reschedule_meeting(world.host_membership, meeting, start=meeting.start, end=meeting.end, place="Gymnase",
                                    room=room(world.people.other_org, "Salle Le Chêne"))
    assert {n.body for n in Notification.objects.filter(kind=KIND)} == {
        "Lieu : Salle Le Tilleul → Gymnase.\nSalle : Salle Le Tilleul → Salle Le Chêne."}


def test_a_cancellation_is_told_once_and_closes_the_registrations(world, django_capture_on_commit_callbacks):
    event, first, second, gone = full_event(world)
    when = notices.when(event.meeting.start, event.meeting.end)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.cancel_meeting(world.host_membership, event.meeting)
        meetings.cancel_meeting(world.host_membership, event.meeting)
    message = f"L'événement du {when} est annulé : les inscriptions sont closes."
    assert told() == [("membre0", "Événement annulé : Réunion annuelle", message), ("membre1", "Événement annulé : Réunion annuelle", message)]
    event.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.register(event, gone)
    assert error.value.messages == ["Cet événement est annulé."]


def test_a_meeting_that_is_no_space_s_event_tells_nobody(world, django_capture_on_commit_callbacks):
    from maillon.meetings.tests.helpers import meeting as make_meeting

    plain = make_meeting(world.people.other_org, world.host)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.cancel_meeting(world.host_membership, plain)
    assert not Notification.objects.filter(kind=KIND).exists()


def sheet(world, event) -> str:
    client = Client()
    client.force_login(world.host)
    response = client.get(f"/{world.people.other_org.slug}/reunions/{event.meeting.pk}/emargement/")
    assert response.status_code == 200
    return response.content.decode()


def test_ticks_on_the_reception_list_make_the_meeting_s_attendance(world):
    event = world.event(capacity=5)
    visitor = world.members(1)[0]  # a third organisation: a guest of the meeting
    services.register(event, visitor)
    services.register(event, world.host)  # the organiser: a participant of the meeting
    mine = {r.user_id: r for r in Registration.objects.filter(event=event).select_related("user", "organisation", "event__space")}
    services.mark_arrived(mine[visitor.pk], True, world.host)
    services.mark_arrived(mine[world.host.pk], True, world.host)
    guest = Guest.objects.get(meeting=event.meeting)
    assert (guest.name, guest.organisation_name, guest.attendance) == ("Camille Membre 0", "Troisième centre", "present")
    assert Participant.objects.get(meeting=event.meeting, membership__user=world.host).attendance == "present"
    page = sheet(world, event)
    assert "Camille Membre 0" in page and "Troisième centre" in page and page.count("Présent") >= 2
    # Unticked: back as before, through the meetings app.
    services.mark_arrived(mine[visitor.pk], False, world.host)
    services.mark_arrived(mine[world.host.pk], False, world.host)
    assert not Guest.objects.filter(meeting=event.meeting).exists()
    assert Participant.objects.get(meeting=event.meeting, membership__user=world.host).attendance == ""
    assert "Camille Membre 0" not in sheet(world, event)
    # Ticked, then the registration cancelled by a host: no longer present.
    services.mark_arrived(mine[visitor.pk], True, world.host)
    services.cancel(Registration.objects.get(pk=mine[visitor.pk].pk), world.host)
    assert not Guest.objects.filter(meeting=event.meeting).exists()


def test_a_new_title_is_told_but_not_a_new_agenda_nor_a_change_kept_quiet(world, django_capture_on_commit_callbacks):
    event, *_people = full_event(world)
    meeting = event.meeting
    people = [p.membership for p in meeting.participants.select_related("membership")]

    def edit(title, agenda_text="", inform=True):
        with django_capture_on_commit_callbacks(execute=True):
            meetings.edit_meeting(world.host_membership, meeting, title=title, objective=meeting.objective,
                                  agenda_text=agenda_text, people=people, inform=inform)

    edit("Réunion annuelle du réseau")
    assert told() == [("membre0", "Événement modifié : Réunion annuelle du réseau", "Titre : Réunion annuelle → Réunion annuelle du réseau."),
                      ("membre1", "Événement modifié : Réunion annuelle du réseau", "Titre : Réunion annuelle → Réunion annuelle du réseau.")]
    edit("Réunion annuelle du réseau", agenda_text="1. Bilan")  # the agenda only: nothing told
    edit("Réunion annuelle", inform=False)  # the organiser chose not to inform
    assert Notification.objects.filter(kind=KIND).count() == 2
