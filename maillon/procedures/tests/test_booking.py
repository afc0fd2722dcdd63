"""A vehicle booking opens its procedure: the booker lands on a pre-filled draft; when the vehicle
waits for its procedure the booking holds the slot until the request is approved (confirmed) or
rejected / withdrawn (cancelled). Organisations without the procedure book as before."""

import pytest

from maillon.agenda.models import Allocation, Event, Resource
from maillon.audit.models import AuditEntry
from maillon.procedures import booking
from maillon.procedures.apps import register_booking_hooks
from maillon.procedures.models import BookingLink, Submission
from maillon.testing import TEST_PASSWORD

AGENDA = "/essais/agenda/nouveau/"
# The agenda runs the procedure hook after its commit, as in production: real transactions here.
e2e = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _hooks():
    register_booking_hooks()  # another app's test may have emptied the registry


def vehicle(org, name="Minibus 9 places", **fields):
    return Resource.objects.create(organisation=org, name=name, kind=Resource.Kind.EQUIPMENT, category=Resource.Category.VEHICLE, **fields)


def form(resource, title="Sortie au lac de Bellecombe", day="2030-03-05"):
    return {"title": title, "kind": "booking", "day": day, "start_time": "09:00", "end_time": "17:00", "resources": [resource.pk],
            "repeat": "", "until": "", "place": "", "description": "", "overbook_reason": ""}


def allocation(event):
    return Allocation.objects.get(occurrence__event=event, resource__isnull=False)


def book(client, resource, **kw):
    response = client.post(AGENDA, form(resource, **kw))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response, Event.objects.order_by("-pk").first()


# What the booker adds to the pre-filled order of mission.
MORE = {"destination": "Base de loisirs de Bellecombe", "nombre_passagers": "8", "passagers": "Groupe des 8-11 ans",
        "permis": "Je certifie être titulaire d'un permis B valide"}
PREFILLED = {"vehicule": "Minibus 9 places", "objet": "Sortie au lac de Bellecombe", "date_depart": "2030-03-05", "heure_depart": "09:00",
             "date_retour": "2030-03-05", "heure_retour": "17:00"}


def complete_and_send(client, submission):
    """The booker opens the draft (pre-filled), adds what is missing and signs."""
    url = f"/essais/demarches/dossiers/{submission.pk}/modifier/"
    page = client.get(url).content.decode()
    assert 'value="Minibus 9 places"' in page and 'value="2030-03-05"' in page and "Sortie au lac de Bellecombe" in page
    response = client.post(url, {**PREFILLED, **MORE, "action": "submit", "signature-password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:3000]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING


@e2e
def test_booking_a_waiting_vehicle_opens_a_prefilled_draft_and_confirms_on_approval(people, chain, login, enable, flow):
    enable("ordre-mission")
    minibus = vehicle(people.org, waits_for_procedure=True)
    client = login(people.owner)
    response, event = book(client, minibus)
    submission = Submission.objects.get(applicant=people.owner)
    assert response["Location"] == f"/essais/demarches/dossiers/{submission.pk}/modifier/"
    assert submission.status == Submission.Status.DRAFT
    assert submission.procedure.template_key == "ordre-mission"
    assert submission.data == PREFILLED
    assert BookingLink.objects.get().event == event
    held = allocation(event)
    assert held.status == Allocation.Status.AWAITING_PROCEDURE and held.active  # the slot stays taken
    from django.test import Client

    colleague = Client()
    colleague.force_login(people.colleague)
    refused = colleague.post(AGENDA, form(minibus, title="Marché"))
    assert refused.status_code == 200 and "indisponible (réservation existante « Sortie au lac de Bellecombe »" in refused.content.decode()
    assert Event.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "est réservé pour vous" in page  # the French message says why the user is here

    complete_and_send(client, submission)
    assert allocation(event).status == Allocation.Status.AWAITING_PROCEDURE
    flow.approve(chain.coordinator, submission)
    assert allocation(event).status == Allocation.Status.AWAITING_PROCEDURE  # not before the last step
    flow.approve(chain.hr, submission)
    assert allocation(event).status == Allocation.Status.AWAITING_PROCEDURE
    flow.approve(chain.director, submission)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert submission.data["permis"] == ["Je certifie être titulaire d'un permis B valide"]
    confirmed = allocation(event)
    assert confirmed.status == Allocation.Status.CONFIRMED and confirmed.active
    assert AuditEntry.objects.filter(action="procedures.booking_confirmed").count() == 1


@e2e
def test_a_rejected_request_cancels_the_booking_and_frees_the_vehicle(people, chain, login, enable, flow):
    enable("ordre-mission")
    minibus = vehicle(people.org, waits_for_procedure=True)
    client = login(people.owner)
    _response, event = book(client, minibus)
    submission = Submission.objects.get()
    complete_and_send(client, submission)
    flow.approve(chain.coordinator, submission, decision="reject", comment="Le minibus part en révision ce jour-là.")
    cancelled = allocation(event)
    assert cancelled.status == Allocation.Status.CANCELLED and not cancelled.active
    # The slot is free again: a colleague books it.
    _response, again = book(login(people.colleague), minibus)
    assert allocation(again).status == Allocation.Status.AWAITING_PROCEDURE


@e2e
def test_withdrawing_or_deleting_the_draft_cancels_the_booking(people, chain, login, enable):
    enable("ordre-mission")
    minibus = vehicle(people.org, waits_for_procedure=True)
    client = login(people.owner)
    _response, first = book(client, minibus)
    submission = Submission.objects.get()
    complete_and_send(client, submission)
    assert client.post(f"/essais/demarches/dossiers/{submission.pk}/retirer/").status_code == 302
    assert allocation(first).status == Allocation.Status.CANCELLED

    _response, second = book(client, minibus, title="Marché de Noël", day="2030-03-06")
    draft = Submission.objects.get(status=Submission.Status.DRAFT)
    assert client.post(f"/essais/demarches/dossiers/{draft.pk}/supprimer/").status_code == 302
    assert allocation(second).status == Allocation.Status.CANCELLED


@e2e
def test_a_vehicle_that_does_not_wait_is_confirmed_at_once_but_still_opens_the_draft(people, login, enable):
    enable("ordre-mission")
    response, event = book(login(people.owner), vehicle(people.org))
    assert allocation(event).status == Allocation.Status.CONFIRMED
    assert response["Location"].endswith("/modifier/")
    assert Submission.objects.get().status == Submission.Status.DRAFT


@e2e
def test_an_organisation_without_the_procedure_books_normally(people, login):
    response, event = book(login(people.owner), vehicle(people.org, waits_for_procedure=True))
    assert response["Location"] == f"/essais/agenda/evenements/{event.pk}/" or response["Location"].endswith(f"/{event.pk}/")
    assert allocation(event).status == Allocation.Status.CONFIRMED
    assert not Submission.objects.exists() and not BookingLink.objects.exists()


@e2e
def test_the_mileage_claim_is_for_ones_own_car_a_centre_vehicle_never_opens_it(people, login, enable):
    enable("frais-kilometriques")
    response, event = book(login(people.owner), vehicle(people.org, waits_for_procedure=True))
    assert allocation(event).status == Allocation.Status.CONFIRMED
    assert not Submission.objects.exists() and not BookingLink.objects.exists()
    enable("ordre-mission")
    _response, second = book(login(people.owner), vehicle(people.org, name="Utilitaire Kangoo"), title="Courses", day="2030-03-06")
    assert Submission.objects.get().procedure.template_key == "ordre-mission"


@e2e
def test_a_room_opens_no_procedure(people, login, enable):
    enable("ordre-mission")
    salle = Resource.objects.create(organisation=people.org, name="Salle Le Chêne", kind=Resource.Kind.ROOM,
                                    category=Resource.Category.MEETING_ROOM, waits_for_procedure=True)
    _response, event = book(login(people.owner), salle)
    assert allocation(event).status == Allocation.Status.CONFIRMED and not Submission.objects.exists()


@e2e
def test_the_procedure_of_another_organisation_is_never_used(people, login, make_request):
    from maillon.accounts.roles import Role
    from maillon.procedures import services

    other_hr = people.with_role(Role.HR, sector_name=None, organisation=people.other_org)
    services.enable_template(make_request(other_hr, people.other_org), "ordre-mission")
    _response, event = book(login(people.owner), vehicle(people.org, waits_for_procedure=True))
    assert allocation(event).status == Allocation.Status.CONFIRMED and not Submission.objects.exists()


@e2e
def test_only_the_booker_is_sent_to_the_draft_and_an_outsider_cannot_open_it(people, login, enable):
    enable("ordre-mission")
    client = login(people.owner)
    _response, _event = book(client, vehicle(people.org, waits_for_procedure=True))
    submission = Submission.objects.get()
    assert login(people.colleague).get(f"/essais/demarches/dossiers/{submission.pk}/modifier/").status_code == 404
    assert login(people.outsider).get(f"/essais/demarches/dossiers/{submission.pk}/modifier/").status_code == 404


@pytest.mark.parametrize(("schema", "expected"), [
    ([{"key": "trajets", "kind": "group", "fields": [{"key": "date", "kind": "date"}, {"key": "objet", "kind": "text"},
                                                      {"key": "vehicule", "kind": "text"}]}],
     {"trajets": [{"date": "2030-03-05", "objet": "Sortie", "vehicule": "Minibus"}]}),
    ([{"key": "date_mission", "kind": "date"}, {"key": "mission", "kind": "textarea"}, {"key": "vehicule", "kind": "text"}],
     {"date_mission": "2030-03-05", "mission": "Sortie", "vehicule": "Minibus"}),
    ([{"key": "objet", "kind": "text"}], {"objet": "Sortie (Minibus)"}),
    ([{"key": "montant", "kind": "amount"}], {}),
])
def test_prefill_fills_the_fields_it_finds(schema, expected):
    assert booking.prefill(schema, day="2030-03-05", purpose="Sortie", vehicle="Minibus") == expected


def test_prefill_of_the_order_of_mission_gives_departure_and_return():
    from maillon.procedures.catalog import TEMPLATES

    answers = booking.prefill(TEMPLATES["ordre-mission"]["fields"], day="2030-03-05", purpose="Sortie", vehicle="Minibus",
                              start_time="09:00", end_day="2030-03-06", end_time="18:30")
    assert answers == {"vehicule": "Minibus", "objet": "Sortie", "date_depart": "2030-03-05", "heure_depart": "09:00",
                       "date_retour": "2030-03-06", "heure_retour": "18:30"}
