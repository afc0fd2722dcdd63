"""External contacts of the directory as participants: invited by e-mail with the .ics,
answering from the e-mail link without an account; told about changes and cancellations."""

import pytest
from django.core import mail
from icalendar import Calendar

from maillon.directory.models import Contact, Partner
from maillon.meetings import services
from maillon.meetings.models import Guest, Meeting

from .helpers import coordo_type, membership

pytestmark = pytest.mark.django_db


def contact(org, name="Inès Caffort", email="ines.caffort@caf.example", partner="CAF du Val-Fleuri"):
    p, _created = Partner.objects.get_or_create(organisation=org, name=partner, defaults={"kind": Partner.Kind.FUNDER})
    return Contact.objects.create(organisation=org, partner=p, name=name, email=email)


def create(client, **extra):
    data = {"title": "Point CAF", "meeting_type": coordo_type(extra.pop("org")).pk, "day": "2030-04-03", "start_time": "10:00",
            "end_time": "11:00", **extra}
    return client.post("/essais/reunions/nouvelle/", data)


def test_an_external_contact_is_invited_and_answers_from_the_email(people, login, client, django_capture_on_commit_callbacks):
    ines = contact(people.org)
    organiser = login(people.owner)
    form = organiser.get("/essais/reunions/nouvelle/").content.decode()
    assert "Contacts extérieurs (annuaire)" in form and "Inès Caffort — CAF du Val-Fleuri" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = create(organiser, org=people.org, contacts=[ines.pk], people=[membership(people.colleague, people.org).pk])
    assert response.status_code == 302
    m = Meeting.objects.get()
    guest = Guest.objects.get(meeting=m)
    assert (guest.name, guest.email, guest.organisation_name) == ("Inès Caffort", "ines.caffort@caf.example", "CAF du Val-Fleuri")
    message = next(e for e in mail.outbox if e.to == ["ines.caffort@caf.example"])
    cal = Calendar.from_ical(message.attachments[0][1])
    event = next(iter(cal.walk("VEVENT")))
    assert "mailto:ines.caffort@caf.example" in [str(a) for a in event.get("attendee")]
    link = "/reunions/reponse/" + message.body.split("/reunions/reponse/")[1].split("/")[0] + "/"
    organiser.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Point CAF" in page.content.decode()
    client.post(link, {"answer": "accepted"})
    guest.refresh_from_db()
    assert guest.answer == "accepted" and guest.answered_at
    detail = login(people.owner).get(f"/essais/reunions/{m.pk}/").content.decode()
    assert "Inès Caffort" in detail and "extérieur" in detail
    sheet = login(people.owner).get(f"/essais/reunions/{m.pk}/emargement/").content.decode()
    assert "Inès Caffort" in sheet and sheet.count('class="sign-box"') == 3

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(membership(people.owner, people.org), m)
    cancel = next(e for e in mail.outbox if e.to == ["ines.caffort@caf.example"])
    assert str(Calendar.from_ical(cancel.attachments[0][1])["method"]) == "CANCEL"
    assert client.get(link).status_code == 404  # a cancelled meeting takes no more answers


def test_contacts_of_another_organisation_or_without_email_are_refused(people, login):
    foreign = contact(people.other_org, email="x@autre.example")
    silent = contact(people.org, name="Sans Adresse", email="")
    contact(people.org, name="Avec Adresse", email="avec@adresse.example")  # the directory has someone to invite
    client = login(people.owner)
    response = create(client, org=people.org, contacts=[foreign.pk])
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert "Sans Adresse" not in client.get("/essais/reunions/nouvelle/").content.decode()
    assert create(client, org=people.org, contacts=[silent.pk]).status_code == 200
    with pytest.raises(Exception, match="adresse e-mail"):
        services.create_meeting(membership(people.owner, people.org), title="X", meeting_type=coordo_type(people.org),
                                start=Meeting._meta.get_field("start").to_python("2030-04-03T10:00:00+02:00"),
                                end=Meeting._meta.get_field("end").to_python("2030-04-03T11:00:00+02:00"), contacts=[silent])
    assert not Meeting.objects.exists() and not Guest.objects.exists()
