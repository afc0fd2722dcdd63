"""API: resources, bookings with conflicts (409), checks, tenancy by X-Organisation."""

from maillon.agenda import services
from maillon.agenda.models import Event

from .helpers import at, membership, room


def body(resource, **extra):
    data = {"title": "Atelier", "start": "2030-03-05T10:00:00+01:00", "end": "2030-03-05T11:00:00+01:00", "resources": [resource.pk]}
    data.update(extra)
    return data


def test_it_books_through_the_api_and_answers_409_on_conflict(people, login):
    salle = room(people.org)
    client = login(people.owner)
    headers = {"X-Organisation": "essais"}
    assert client.get("/api/v1/agenda/resources", headers=headers).json()[0]["name"] == "Salle Le Chêne"
    created = client.post("/api/v1/agenda/bookings", body(salle), content_type="application/json", headers=headers)
    assert created.status_code == 201 and created.json()["occurrences"] == 1
    check = client.post("/api/v1/agenda/conflicts", body(salle), content_type="application/json", headers=headers).json()
    assert check["free"] is False and "réservation existante" in check["conflicts"][0]
    again = client.post("/api/v1/agenda/bookings", body(salle), content_type="application/json", headers=headers)
    assert again.status_code == 409
    listed = client.get("/api/v1/agenda/occurrences?start=2030-03-01T00:00:00%2B01:00&end=2030-03-10T00:00:00%2B01:00", headers=headers).json()
    assert [o["title"] for o in listed] == ["Atelier"]


def test_it_answers_bad_input_in_french(people, login):
    client = login(people.owner)
    response = client.post("/api/v1/agenda/bookings", body(room(people.org), end="2030-03-05T09:00:00+01:00"),
                           content_type="application/json", headers={"X-Organisation": "essais"})
    assert response.status_code == 422 and response.json()["detail"][0]["msg"] == "La fin doit être après le début."


def test_it_keeps_other_organisations_out(people, login):
    salle = room(people.org)
    event = services.create_event(membership(people.owner, people.org), title="Atelier", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), resources=[salle]).event
    outsider = login(people.outsider)
    assert outsider.get(f"/api/v1/agenda/events/{event.pk}", headers={"X-Organisation": "autre"}).status_code == 404
    assert outsider.get("/api/v1/agenda/resources", headers={"X-Organisation": "essais"}).status_code == 404
    response = outsider.post("/api/v1/agenda/bookings", body(salle), content_type="application/json", headers={"X-Organisation": "autre"})
    assert response.status_code in (400, 422) and Event.objects.count() == 1


def test_a_refused_booking_proposes_the_next_free_slots_and_free_rooms_like_the_meetings_api(people, login):
    salle, grande = room(people.org), room(people.org, "Grande salle")
    salle.capacity, grande.capacity = 12, 30
    salle.save(update_fields=["capacity"])
    grande.save(update_fields=["capacity"])
    services.create_event(membership(people.colleague, people.org), title="Permanence", start=at(2030, 3, 5, 10),
                          end=at(2030, 3, 5, 11), resources=[salle])
    refused = login(people.owner).post("/api/v1/agenda/bookings", body(salle), content_type="application/json",
                                       headers={"X-Organisation": "essais"})
    assert refused.status_code == 409
    data = refused.json()
    assert data["free"] is False and "réservation existante" in data["conflicts"][0] and data["overridable"] is False
    assert [r["name"] for r in data["free_rooms"]] == ["Grande salle"]
    # The next free hour of that room, on the same grid: 11:00 (its buffer is 0), then 11:30 and noon.
    assert [s["start"][11:16] for s in data["free_slots"]] == ["11:00", "11:30", "12:00"]
    assert all(s["start"][:10] == "2030-03-05" for s in data["free_slots"])
