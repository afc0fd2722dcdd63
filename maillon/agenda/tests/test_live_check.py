"""The conflicts panel of the event / booking form, refreshed before saving (htmx): the
partial endpoint and the form's wiring."""

import re

from maillon.agenda import services
from maillon.agenda.models import Event
from maillon.testing import QueryCounter

from .helpers import at, membership, room
from .test_views import form

CHECK = "/essais/agenda/verifier/"


def test_the_form_asks_for_a_check_on_load_and_whenever_a_person_room_item_or_time_changes(people, login):
    salle = room(people.org)
    page = login(people.owner).get(f"/essais/agenda/nouveau/?ressource={salle.pk}").content.decode()
    tag = re.search(r"<form[^>]*hx-post[^>]*>", page).group(0)
    assert f'hx-post="{CHECK}"' in tag and 'hx-target="#live-conflicts"' in tag
    assert "novalidate" in tag  # else htmx waits for every required field (the title) before checking
    trigger = re.search(r'hx-trigger="([^"]*)"', tag).group(1)
    # « change » bubbles from the rooms, items and people; typing a date or time fires « input ».
    assert "load" in trigger and "change" in trigger and "input" in trigger and "from:.live-check" in trigger
    for name in ("day", "start_time", "end_time"):
        assert re.search(rf'<input[^>]*class="live-check"[^>]*id="id_{name}"', page), name
    assert 'id="live-conflicts"' in page and "<script>" not in page  # no inline script (CSP)


def test_the_panel_shows_a_room_conflict_before_the_title_is_typed_and_saves_nothing(people, login):
    salle = room(people.org)
    services.create_event(membership(people.colleague, people.org), title="Permanence", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), resources=[salle])
    client = login(people.owner)
    busy = client.post(CHECK, form(salle, title="")).content.decode()
    assert "« Salle Le Chêne » indisponible (réservation existante « Permanence »" in busy
    assert "Aucun conflit" in client.post(CHECK, form(salle, title="", start_time="11:00", end_time="12:00")).content.decode()
    assert Event.objects.count() == 1


def test_the_panel_shows_a_busy_person_and_tells_a_coordinator_can_overbook_a_shift_only(people, login):
    colleague = membership(people.colleague, people.org)
    services.create_event(colleague, title="Accueil", kind="shift", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), people=[colleague])
    client = login(people.owner)
    page = client.post(CHECK, form(room(people.org), resources=[], people=[colleague.pk])).content.decode()
    assert "est déjà sur « Accueil »" in page
    assert "peut quand même réserver ces personnes" in page
    services.create_event(colleague, title="Réunion équipe", kind="meeting", start=at(2030, 3, 5, 11), end=at(2030, 3, 5, 12), people=[colleague])
    page = client.post(CHECK, form(room(people.org, "Salle 2"), resources=[], people=[colleague.pk], start_time="11:00",
                                   end_time="11:30")).content.decode()
    assert "est déjà sur « Réunion équipe »" in page
    assert "peut quand même" not in page and "Un congé ou une autre réunion ne se contournent pas" in page


def test_the_panel_says_nothing_without_a_room_or_person_and_explains_bad_times_in_french(people, login):
    client = login(people.owner)
    assert client.post(CHECK, form(room(people.org), resources=[])).content.decode().strip() == ""
    page = client.post(CHECK, form(room(people.org, "Salle 2"), end_time="09:00")).content.decode()
    assert "Heure de fin : La fin doit être après le début." in page
    assert client.post(CHECK, form(room(people.org, "Salle 3"), day="pas une date")).status_code == 200


def test_the_check_runs_in_a_fixed_number_of_queries(people, login):
    salle = room(people.org)
    client = login(people.owner)
    client.post(CHECK, form(salle))
    with QueryCounter() as few:
        client.post(CHECK, form(salle))
    booker = membership(people.colleague, people.org)
    for hour in range(7, 19):
        services.create_event(booker, title=f"Créneau {hour}", start=at(2030, 3, 5, hour), end=at(2030, 3, 5, hour, 50), resources=[salle])
    with QueryCounter() as many:
        page = client.post(CHECK, form(salle, start_time="07:00", end_time="19:00")).content.decode()
    assert page.count("réservation existante") == 12
    # A window holding many bookings reads it in full: two more queries, whatever the count.
    assert len(many) <= len(few) + 2


def test_an_outsider_cannot_probe_another_organisations_rooms(people, login):
    salle = room(people.org)
    services.create_event(membership(people.colleague, people.org), title="Permanence secrète", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), resources=[salle])
    assert login(people.outsider).post(CHECK, form(salle)).status_code == 404
    # Checking in their own organisation: the room is not a choice there.
    page = login(people.outsider).post("/autre/agenda/verifier/", form(salle)).content.decode()
    assert "Permanence secrète" not in page


def test_changing_a_date_is_checked_live_for_each_scope_and_nothing_is_saved(people, login):
    salle = room(people.org)
    author = membership(people.owner, people.org)
    services.create_event(membership(people.colleague, people.org), title="Permanence", start=at(2030, 3, 19, 14), end=at(2030, 3, 19, 15), resources=[salle])
    event = services.create_event(author, title="Atelier", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), resources=[salle],
                                  rrule="FREQ=WEEKLY;COUNT=3").event
    first = event.occurrences.order_by("start").first()
    client = login(people.owner)
    page = client.get(f"/essais/agenda/dates/{first.pk}/modifier/").content.decode()
    assert f'hx-post="/essais/agenda/dates/{first.pk}/verifier/"' in page and "novalidate" in page
    check = f"/essais/agenda/dates/{first.pk}/verifier/"
    data = {"day": "2030-03-05", "start_time": "14:00", "end_time": "15:00"}
    assert "Aucun conflit" in client.post(check, {**data, "scope": "this"}).content.decode()
    assert "« Salle Le Chêne » indisponible (réservation existante « Permanence »" in client.post(check, {**data, "scope": "all"}).content.decode()
    assert "Heure de fin : La fin doit être après le début." in client.post(check, {**data, "end_time": "13:00", "scope": "this"}).content.decode()
    assert sorted(o.start.hour for o in event.occurrences.all()) == [9, 9, 9]  # 10:00 Paris, unchanged
    assert login(people.colleague).post(check, {**data, "scope": "this"}).status_code == 403
    assert login(people.outsider).post(check, {**data, "scope": "this"}).status_code == 404
