"""The organiser changes a meeting after sending it: the title, the objective, the agenda, the
participants and the external guests. People added are checked by the agenda and invited,
people removed are freed and told (METHOD:CANCEL), the others get the update."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from maillon.agenda import services as agenda
from maillon.agenda.models import Allocation
from maillon.directory.models import Contact, Partner
from maillon.meetings.models import Guest, Meeting, Participant
from maillon.testing import TEST_PASSWORD, make_member

from .helpers import at, meeting, membership

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def booked_people(m):
    return sorted(Allocation.objects.filter(occurrence__event=m.event, active=True, membership__isnull=False)
                  .values_list("membership__user__username", flat=True))


def cal_of(message):
    return Calendar.from_ical(message.attachments[0][1])


def data(m, people, **extra):
    return {"title": m.title, "objective": m.objective, "agenda": m.agenda, "people": [membership(p, m.organisation).pk for p in people],
            "inform": "on", **extra}


def test_it_adds_and_removes_participants_through_the_agenda_and_tells_each_one(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague)
    mail.outbox.clear()
    client = login(people.owner)
    page = client.get(url(m, "modifier/")).content.decode()
    assert 'name="title"' in page and 'name="people"' in page and 'name="day"' in page
    assert 'name="equipment"' not in page  # the organisation has no equipment: no empty field
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(m, "modifier/details/"), data(m, [people.other_sector]))
    assert response.status_code == 302
    assert sorted(p.membership.user.username for p in Participant.objects.filter(meeting=m)) == sorted(
        [people.owner.username, people.other_sector.username])
    assert booked_people(m) == sorted([people.owner.username, people.other_sector.username])
    by_address = {e.to[0]: e for e in mail.outbox}
    assert set(by_address) == {"collegue@exemple.test", "autresecteur@exemple.test"}
    removed, added = by_address["collegue@exemple.test"], by_address["autresecteur@exemple.test"]
    assert removed.subject == "Vous n’êtes plus invité·e : COORDO de mars" and "/reunions/reponse/" not in removed.body
    assert str(cal_of(removed)["method"]) == "CANCEL"
    assert added.subject == "Invitation : COORDO de mars" and "/reunions/reponse/" in added.body
    assert str(cal_of(added)["method"]) == "REQUEST"


def test_a_new_agenda_goes_to_the_participants_with_a_higher_sequence(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people.owner).post(url(m, "modifier/details/"), data(m, [people.colleague], title="COORDO d'avril",
                                                                               agenda="Budget\nFête de quartier"))
    assert response.status_code == 302
    m = Meeting.objects.get()
    assert (m.title, m.agenda_items, m.sequence, m.event.title) == ("COORDO d'avril", ["Budget", "Fête de quartier"], 1, "COORDO d'avril")
    assert [e.to for e in mail.outbox] == [["collegue@exemple.test"]]
    event = next(iter(cal_of(mail.outbox[0]).walk("VEVENT")))
    assert int(event["sequence"]) == 1 and str(event["summary"]) == "COORDO d'avril" and "Fête de quartier" in str(event["description"])


def test_a_typo_fixed_without_informing_sends_nothing(people, login, django_capture_on_commit_callbacks):
    m = meeting(people.org, people.owner, people.colleague)
    mail.outbox.clear()
    payload = data(m, [people.colleague], objective="Coordonner les secteurs")
    del payload["inform"]
    with django_capture_on_commit_callbacks(execute=True):
        assert login(people.owner).post(url(m, "modifier/details/"), payload).status_code == 302
    m = Meeting.objects.get()
    assert m.objective == "Coordonner les secteurs" and m.sequence == 0 and mail.outbox == []


def test_a_busy_person_is_not_added_and_nothing_changes(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    agenda.create_event(membership(people.other_sector, people.org), title="Atelier cuisine", start=at(2030, 3, 12, 13),
                        end=at(2030, 3, 12, 17), people=[membership(people.other_sector, people.org)])
    response = login(people.owner).post(url(m, "modifier/details/"), data(m, [people.colleague, people.other_sector], title="Nouveau titre"))
    assert response.status_code == 400
    assert "Atelier cuisine" in response.content.decode()
    assert Participant.objects.filter(meeting=m).count() == 2 and Meeting.objects.get().title == "COORDO de mars"
    assert booked_people(m) == sorted([people.owner.username, people.colleague.username])


def test_someone_who_signed_present_stays_on_the_list(people, login):
    start = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=10)
    m = meeting(people.org, people.owner, people.colleague, start=start, allow_past=True)
    assert login(people.colleague).post(url(m, "emargement/signer/"), {"signature-password": TEST_PASSWORD}).status_code == 302
    response = login(people.owner).post(url(m, "modifier/details/"), data(m, []))
    assert response.status_code == 400 and "a signé sa présence : cette personne reste sur la liste" in response.content.decode()
    assert Participant.objects.filter(meeting=m).count() == 2


def test_external_guests_are_invited_or_told_they_are_no_longer_expected(people, login, django_capture_on_commit_callbacks):
    partner = Partner.objects.create(organisation=people.org, name="CAF du Val-Fleuri")
    caf = Contact.objects.create(organisation=people.org, partner=partner, name="Claire Dupuis", email="claire@caf.test")
    ville = Contact.objects.create(organisation=people.org, partner=partner, name="Jean Martin", email="jean@ville.test")
    m = meeting(people.org, people.owner, people.colleague, contacts=[caf])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people.owner).post(url(m, "modifier/details/"), {**data(m, [people.colleague]), "contacts": [ville.pk]})
    assert response.status_code == 302
    assert list(Guest.objects.filter(meeting=m).values_list("email", flat=True)) == ["jean@ville.test"]
    subjects = {e.to[0]: e.subject for e in mail.outbox}
    assert subjects == {"claire@caf.test": "Vous n’êtes plus invité·e : COORDO de mars", "jean@ville.test": "Invitation : COORDO de mars"}


def test_only_the_organiser_or_the_director_changes_a_meeting_and_never_across_organisations(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    for person in (people.colleague, people.other_sector, people.outsider):
        client = login(person)
        assert client.get(url(m, "modifier/")).status_code == 404
        assert client.post(url(m, "modifier/details/"), data(m, [], title="Piraté")).status_code == 404
    assert Meeting.objects.get().title == "COORDO de mars"
    other = make_member(people.other_org, username="ailleurs")
    response = login(people.owner).post(url(m, "modifier/details/"), {**data(m, []), "people": [membership(other, people.other_org).pk]})
    assert response.status_code == 400 and Participant.objects.filter(meeting=m).count() == 2


def test_an_empty_title_is_a_clear_message(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    response = login(people.owner).post(url(m, "modifier/details/"), data(m, [people.colleague], title="  "))
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
    page = response.content.decode()  # nothing ticked is lost: the people chosen are still listed first, ticked
    invited = page.split("<legend>Invités</legend>")[1].split("</fieldset>")[0]
    assert people.colleague.get_full_name() in invited and " checked>" in invited


def test_someone_who_left_the_organisation_stays_on_the_list_and_blocks_no_change(people, login):
    from maillon.accounts.models import Membership

    m = meeting(people.org, people.owner, people.colleague, people.other_sector)
    Membership.objects.filter(user=people.other_sector, organisation=people.org).update(is_active=False)
    client = login(people.owner)
    assert people.other_sector.get_full_name() not in client.get(url(m, "modifier/")).content.decode()  # cannot be picked
    response = client.post(url(m, "modifier/details/"), data(m, [people.colleague], title="COORDO d'avril"))
    assert response.status_code == 302 and Meeting.objects.get().title == "COORDO d'avril"
    assert Participant.objects.filter(meeting=m).count() == 3  # they stay on the list, as they were


def test_a_room_approved_by_reception_is_moved_by_reception_or_the_director_only(people, login):
    from maillon.accounts.roles import Role
    from maillon.agenda.models import Resource

    chene = Resource.objects.create(organisation=people.org, name="Salle Le Chêne", kind=Resource.Kind.ROOM, moderated=True,
                                    category=Resource.Category.MEETING_ROOM)
    m = meeting(people.org, people.owner, people.colleague, room=chene)
    pending = Allocation.objects.get(occurrence__event=m.event, resource=chene)
    assert pending.status == Allocation.Status.PENDING
    agenda.decide(membership(people.with_role(Role.RECEPTION), people.org), pending, True)
    move = {"day": "2030-03-13", "start_time": "10:00", "end_time": "12:00", "place": "Salle Le Chêne", "room": chene.pk}
    refused = login(people.owner).post(url(m, "modifier/"), move)
    assert refused.status_code == 400
    assert "Cette réservation a été validée par l&#x27;accueil : demandez-lui de la modifier." in refused.content.decode()
    assert Meeting.objects.get().start == at(2030, 3, 12, 14)
    director = people.with_role(Role.DIRECTOR)
    assert login(director).post(url(m, "modifier/"), move).status_code == 302
    assert Meeting.objects.get().start == at(2030, 3, 13, 10)


def test_the_change_page_takes_the_same_queries_with_many_participants(people, login):
    from maillon.testing import QueryCounter

    few = meeting(people.org, people.owner, people.colleague)
    crowd = [make_member(people.org, username=f"animateur{i}") for i in range(25)]
    many = meeting(people.org, people.owner, *crowd, start=at(2030, 3, 19, 14))
    client = login(people.owner)
    client.get(url(few, "modifier/"))
    with QueryCounter() as small:
        client.get(url(few, "modifier/"))
    with QueryCounter() as big:
        page = client.get(url(many, "modifier/")).content.decode()
    assert page.count(' checked>') >= 25  # everyone ticked in the picker
    assert len(small) == len(big) <= 16, [q["sql"] for q in big.captured_queries]
