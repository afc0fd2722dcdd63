"""Meetings booked through the agenda, invitations (.ics), answers, minutes written by two
people at once, tasks carried over a series, tenancy."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from maillon.agenda.models import Allocation
from maillon.agenda.services import ConflictError
from maillon.meetings import invitations, services, services_minutes
from maillon.meetings.models import Meeting, MeetingType, Minutes, Participant, Task

from .helpers import at, coordo_type, meeting, membership, room

pytestmark = pytest.mark.django_db


def ids(m):
    return set(m.participants.values_list("membership_id", flat=True))


def test_it_ships_the_default_meeting_types_once_per_organisation(people):
    names = [t.name for t in services.meeting_types(people.org)]
    assert names == ["Conseil d'administration", "Réunion d'équipe", "COPIL", "COORDO", "Réunion financeur"]
    services.meeting_types(people.org)
    assert MeetingType.objects.for_organisation(people.org).count() == 5
    assert MeetingType.objects.for_organisation(people.other_org).count() == 0
    assert services.meeting_types(people.org)[0].is_board


def test_it_books_the_room_and_the_people_through_the_agenda(people):
    salle = room(people.org)
    m = meeting(people.org, people.owner, people.colleague, room=salle)
    allocs = Allocation.objects.filter(occurrence__event=m.event, active=True)
    assert {a.resource_id for a in allocs if a.resource_id} == {salle.pk}
    assert {a.membership.user_id for a in allocs if a.membership_id} == {people.owner.pk, people.colleague.pk}
    assert m.event.kind == "meeting" and m.event.place == "Salle Le Chêne"
    assert [s["title"] for s in m.minutes.sections][:2] == ["Tour des secteurs", "Projets transversaux"]
    assert Participant.objects.get(meeting=m, membership__user=people.owner).answer == "accepted"
    # The same room at the same time: the agenda's conflict engine refuses, nothing is left behind.
    with pytest.raises(ConflictError):
        meeting(people.org, people.other_sector, room=salle, title="Autre")
    assert Meeting.objects.count() == 1


def test_it_refuses_a_type_or_people_of_another_organisation(people):
    foreign_type = services.meeting_types(people.other_org)[0]
    with pytest.raises(ValidationError):
        meeting(people.org, people.owner, meeting_type=foreign_type)
    with pytest.raises(ValidationError):
        services.create_meeting(membership(people.owner, people.org), title="X", meeting_type=coordo_type(people.org),
                                start=at(2030, 1, 7, 9), end=at(2030, 1, 7, 10), people=[membership(people.outsider, people.other_org)])
    assert Meeting.objects.count() == 0


def test_it_sends_an_ics_request_that_parses_back(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = meeting(people.org, people.owner, people.colleague, people.other_sector, room=room(people.org))
    assert sorted(e.to[0] for e in mail.outbox) == ["autresecteur@exemple.test", "collegue@exemple.test"]
    message = mail.outbox[0]
    assert message.subject == "Invitation : COORDO de mars"
    assert "Vous êtes invité·e à « COORDO de mars »" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics" and mimetype.startswith("text/calendar; method=REQUEST")
    cal = Calendar.from_ical(content)
    assert str(cal["method"]) == "REQUEST"
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["summary"]) == "COORDO de mars"
    assert event.decoded("dtstart") == m.start and event.decoded("dtend") == m.end
    assert str(event["location"]) == "Salle Le Chêne"
    attendees = sorted(str(a) for a in event.get("attendee"))
    assert attendees == ["mailto:autresecteur@exemple.test", "mailto:collegue@exemple.test"]
    assert str(event["organizer"]) == "mailto:proprietaire@exemple.test"
    # The answer link in the e-mail is a signed token naming the participant.
    token = message.body.split("/reunions/reponse/")[1].split("/")[0]
    data = invitations.read_rsvp_token(token)
    assert Participant.objects.get(pk=data["p"]).membership.user.email == message.to[0]
    assert invitations.read_rsvp_token(token[:-2] + "xx") is None


def test_it_records_answers_and_refuses_a_bad_one(people):
    m = meeting(people.org, people.owner, people.colleague)
    p = m.participants.get(membership__user=people.colleague)
    services.answer(p, "declined")
    assert Participant.objects.get(pk=p.pk).answer == "declined"
    with pytest.raises(ValidationError):
        services.answer(p, "whatever")


def _edit(minutes_pk, who, org, texts, base, m):
    minutes = Minutes.objects.select_related("meeting").get(pk=minutes_pk)
    return services_minutes.save_minutes(membership(who, org), minutes, texts, base, ids(m))


def test_two_editors_of_different_sections_are_merged_with_no_lost_text(people):
    m = meeting(people.org, people.owner, people.colleague)
    pk = m.minutes.pk
    # Both open version 1, then each saves a different section.
    _edit(pk, people.owner, people.org, {"s1": "Enfance : RAS", "s2": ""}, 1, m)
    merged = _edit(pk, people.colleague, people.org, {"s1": "", "s2": "Projet jardin partagé"}, 1, m)
    assert merged.version == 3
    assert merged.texts()["s1"] == "Enfance : RAS"
    assert merged.texts()["s2"] == "Projet jardin partagé"


def test_two_editors_of_the_same_section_are_asked_not_overwritten(people):
    m = meeting(people.org, people.owner, people.colleague)
    pk = m.minutes.pk
    _edit(pk, people.owner, people.org, {"s1": "Version de Camille"}, 1, m)
    with pytest.raises(services_minutes.MinutesConflict) as caught:
        _edit(pk, people.colleague, people.org, {"s1": "Version de Lucas", "s2": "Autre chose"}, 1, m)
    conflict = caught.value
    assert conflict.version == 2
    assert conflict.sections == [{"key": "s1", "title": "Tour des secteurs", "theirs": "Version de Camille", "mine": "Version de Lucas"}]
    minutes = Minutes.objects.get(pk=pk)
    assert minutes.version == 2 and minutes.texts()["s1"] == "Version de Camille" and minutes.texts()["s2"] == ""
    # Having seen both, the person saves again from version 2: accepted.
    resolved = _edit(pk, people.colleague, people.org, {"s1": "Version de Camille\nVersion de Lucas", "s2": "Autre chose"}, 2, m)
    assert resolved.version == 3 and resolved.texts()["s2"] == "Autre chose"


def test_the_same_change_twice_is_not_a_conflict(people):
    m = meeting(people.org, people.owner, people.colleague)
    _edit(m.minutes.pk, people.owner, people.org, {"s1": "Décision : oui"}, 1, m)
    again = _edit(m.minutes.pk, people.colleague, people.org, {"s1": "Décision : oui"}, 1, m)
    assert again.version == 2


def test_only_the_organiser_and_participants_write_the_minutes(people):
    m = meeting(people.org, people.owner, people.colleague)
    with pytest.raises(PermissionDenied):
        _edit(m.minutes.pk, people.other_sector, people.org, {"s1": "intrus"}, 1, m)
    with pytest.raises(PermissionDenied):
        services_minutes.save_minutes(membership(people.outsider, people.other_org), m.minutes, {"s1": "x"}, 1, ids(m))


def test_open_tasks_are_carried_to_the_next_meetings_of_the_series_until_done(people):
    first = meeting(people.org, people.owner, people.colleague, new_series=True, start=at(2030, 1, 8, 14))
    second = meeting(people.org, people.owner, people.colleague, series=first.series, start=at(2030, 2, 12, 14))
    third = meeting(people.org, people.owner, people.colleague, series=first.series, start=at(2030, 3, 12, 14))
    other = meeting(people.org, people.owner, people.colleague, start=at(2030, 2, 13, 14), title="Hors série")
    colleague = membership(people.colleague, people.org)
    task = services_minutes.add_task(membership(people.owner, people.org), first, assignee=colleague,
                             description="Relancer la CAF", due=date(2030, 2, 1), participant_ids=ids(first))
    done_soon = services_minutes.add_task(membership(people.owner, people.org), first, assignee=colleague,
                                  description="Réserver le minibus", participant_ids=ids(first))
    assert set(Task.objects.carried_to(second)) == {task, done_soon}
    assert list(Task.objects.carried_to(other)) == []
    services_minutes.complete_task(colleague, done_soon)
    assert list(Task.objects.carried_to(third)) == [task]
    with pytest.raises(PermissionDenied):
        services_minutes.complete_task(membership(people.other_sector, people.org), task)


def test_a_task_needs_a_description_and_an_assignee_of_the_organisation(people):
    m = meeting(people.org, people.owner)
    me = membership(people.owner, people.org)
    with pytest.raises(ValidationError):
        services_minutes.add_task(me, m, assignee=me, description="  ", participant_ids=ids(m))
    with pytest.raises(ValidationError):
        services_minutes.add_task(me, m, assignee=membership(people.outsider, people.other_org), description="x", participant_ids=ids(m))


def test_publishing_twice_tells_the_participants_once(people, django_capture_on_commit_callbacks):
    from maillon.notifications.models import Notification

    m = meeting(people.org, people.owner, people.colleague)
    owner = membership(people.owner, people.org)
    with django_capture_on_commit_callbacks(execute=True):
        first = services_minutes.publish_minutes(owner, Minutes.objects.select_related("meeting").get(meeting=m))
    published_at = first.published_at
    with django_capture_on_commit_callbacks(execute=True):
        again = services_minutes.publish_minutes(owner, Minutes.objects.select_related("meeting").get(meeting=m))
    assert again.published_at == published_at
    assert Notification.objects.filter(recipient=people.colleague, title__startswith="Compte-rendu publié").count() == 1
