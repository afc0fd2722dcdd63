"""Pages of the agenda: booking from the form, conflicts shown in French, views, tenancy,
moderation queue, iCalendar feeds, the dashboard panel, query counts."""

from datetime import timedelta

import pytest

from maillon.accounts.roles import Role
from maillon.agenda import services
from maillon.agenda.models import Allocation, CalendarToken, Event
from maillon.agenda.recurrence import build_rule
from maillon.testing import QueryCounter

from .helpers import at, membership, room

DAY = "2030-03-05"


def form(resource, **extra):
    data = {"title": "Atelier théâtre", "kind": "booking", "day": DAY, "start_time": "10:00", "end_time": "11:00",
            "resources": [resource.pk], "repeat": "", "until": "", "place": "", "description": "", "overbook_reason": ""}
    data.update(extra)
    return data


def test_it_books_a_room_from_the_form_and_shows_the_event(people, login):
    salle = room(people.org)
    client = login(people.owner)
    assert "Salle Le Chêne" in client.get(f"/essais/agenda/nouveau/?ressource={salle.pk}").content.decode()
    response = client.post("/essais/agenda/nouveau/", form(salle))
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/essais/agenda/evenements/{event.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Atelier théâtre" in page and "Salle Le Chêne" in page and "Enregistré." in page


def test_it_shows_the_conflict_in_french_and_offers_to_book_the_other_dates(people, login):
    salle = room(people.org)
    services.create_event(membership(people.colleague, people.org), title="Permanence", start=at(2030, 3, 12), end=at(2030, 3, 12, 11), resources=[salle])
    client = login(people.owner)
    response = client.post("/essais/agenda/nouveau/", form(salle, repeat="weekly", until="2030-03-26"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "« Salle Le Chêne » indisponible (réservation existante « Permanence »" in page
    assert "Réserver seulement les autres dates" in page
    response = client.post("/essais/agenda/nouveau/", form(salle, repeat="weekly", until="2030-03-26", skip_conflicting="on"))
    assert response.status_code == 302
    assert Event.objects.get(title="Atelier théâtre").occurrences.count() == 3


def test_it_checks_conflicts_live_while_editing(people, login):
    salle = room(people.org)
    services.create_event(membership(people.colleague, people.org), title="Permanence", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), resources=[salle])
    client = login(people.owner)
    busy = client.post("/essais/agenda/verifier/", form(salle)).content.decode()
    assert "réservation existante « Permanence »" in busy
    free = client.post("/essais/agenda/verifier/", form(salle, start_time="14:00", end_time="15:00")).content.decode()
    assert "Aucun conflit" in free
    assert Event.objects.count() == 1


@pytest.mark.parametrize("extra, message", [
    ({"end_time": "09:00"}, "La fin doit être après le début."),
    ({"day": "2020-01-06"}, "Vous ne pouvez pas réserver un créneau passé."),
    ({"title": ""}, "Ce champ est obligatoire."),
    ({"repeat": "weekly", "until": "2030-01-01"}, "La dernière date doit être après la première."),
])
def test_it_answers_bad_input_in_french_on_the_field(people, login, extra, message):
    response = login(people.owner).post("/essais/agenda/nouveau/", form(room(people.org), **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Event.objects.count() == 0


def test_it_refuses_a_room_of_another_organisation_in_the_form(people, login):
    elsewhere = room(people.other_org, "Salle d'ailleurs")
    response = login(people.owner).post("/essais/agenda/nouveau/", form(elsewhere))
    assert response.status_code == 200 and Event.objects.count() == 0
    assert login(people.owner).get(f"/essais/ressources/{elsewhere.pk}/").status_code == 404


def test_it_keeps_the_outsider_out_of_pages_events_and_feeds(people, login):
    salle = room(people.org)
    event = services.create_event(membership(people.owner, people.org), title="Atelier", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), resources=[salle]).event
    client = login(people.outsider)
    for url in ("/essais/agenda/", f"/essais/agenda/evenements/{event.pk}/", f"/essais/ressources/{salle.pk}/", f"/essais/agenda/evenements/{event.pk}/ics/"):
        assert client.get(url).status_code == 404
    assert client.get(f"/autre/agenda/evenements/{event.pk}/").status_code == 404


def test_it_shows_the_week_month_day_and_list_views_with_filters(people, login):
    salle = room(people.org)
    services.create_event(membership(people.owner, people.org), title="Atelier couture", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), resources=[salle], rrule=build_rule("weekly", count=4))
    services.create_event(membership(people.colleague, people.org), title="Brouillon secret", start=at(2030, 3, 6), end=at(2030, 3, 6, 11), status=Event.Status.DRAFT)
    client = login(people.other_sector)
    for view in ("liste", "jour", "semaine", "mois"):
        page = client.get(f"/essais/agenda/?vue={view}&date={DAY}").content.decode()
        assert "Atelier couture" in page, view
        assert "Brouillon secret" not in page
    assert "Atelier couture" not in client.get(f"/essais/agenda/?vue=semaine&date={DAY}&q=piscine").content.decode()
    assert "Atelier couture" in client.get(f"/essais/agenda/?vue=semaine&date={DAY}&ressource={salle.pk}").content.decode()
    assert "Rien de prévu" in client.get("/essais/agenda/?vue=semaine&date=2031-01-06").content.decode()
    assert "Brouillon secret" in login(people.colleague).get(f"/essais/agenda/?vue=semaine&date={DAY}").content.decode()


def _many(people, count, start_day):
    rooms = [room(people.org, f"Salle {i}") for i in range(count)]
    for index, salle in enumerate(rooms):
        services.create_event(membership(people.owner, people.org), title=f"Atelier {index}", start=at(2030, 3, start_day, 8 + index % 10),
                              end=at(2030, 3, start_day, 9 + index % 10), resources=[salle], rrule=build_rule("weekly", count=3))


@pytest.mark.parametrize("view", ["semaine", "liste", "mois"])
def test_its_query_count_does_not_grow_with_events(people, login, view):
    client = login(people.owner)
    _many(people, 1, 4)
    url = f"/essais/agenda/?vue={view}&date={DAY}"
    client.get(url)
    with QueryCounter() as few:
        client.get(url)
    _many_more = [room(people.org, f"Autre {i}") for i in range(30)]
    for i, salle in enumerate(_many_more):
        services.create_event(membership(people.colleague, people.org), title=f"Réunion {i}", start=at(2030, 3, 4 + i % 5, 8), end=at(2030, 3, 4 + i % 5, 9), resources=[salle])
    with QueryCounter() as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few) <= 12


def test_it_lets_reception_approve_a_moderated_booking_and_refuses_others(people, login):
    salle = room(people.org, moderated=True)
    event = services.create_event(membership(people.owner, people.org), title="Atelier", start=at(2030, 3, 5), end=at(2030, 3, 5, 11), resources=[salle]).event
    alloc = Allocation.objects.get(occurrence__event=event)
    assert login(people.owner).get("/essais/agenda/a-valider/").status_code == 403
    accueil = people.with_role(Role.RECEPTION, sector_name=None)
    client = login(accueil)
    assert "Atelier" in client.get("/essais/agenda/a-valider/").content.decode()
    assert "1 réservation à valider" in client.get("/essais/tableau-de-bord/").content.decode()
    client.post("/essais/agenda/a-valider/", {"allocation": alloc.pk, "decision": "approve"})
    alloc.refresh_from_db()
    assert alloc.status == Allocation.Status.CONFIRMED
    assert "Aucune réservation n'attend" in client.get("/essais/agenda/a-valider/").content.decode()
    owner = login(people.owner)
    assert "validée par l'accueil" in owner.get(f"/essais/agenda/evenements/{event.pk}/").content.decode()
    assert owner.get(f"/essais/agenda/dates/{event.occurrences.get().pk}/annuler/").status_code == 403


def test_it_moves_and_cancels_a_date_with_confirmation(people, login):
    event = services.create_event(membership(people.owner, people.org), title="Atelier", start=at(2030, 3, 5), end=at(2030, 3, 5, 11),
                                  resources=[room(people.org)], rrule=build_rule("weekly", count=3)).event
    second = event.occurrences.all()[1]
    client = login(people.owner)
    response = client.post(f"/essais/agenda/dates/{second.pk}/modifier/", {"day": "2030-03-12", "start_time": "15:00", "end_time": "16:00", "scope": "following"})
    assert response.status_code == 302
    tail = Event.objects.get(series_parent=event)
    assert tail.occurrences.count() == 2
    occ = tail.occurrences.first()
    assert "Annuler « Atelier »" in client.get(f"/essais/agenda/dates/{occ.pk}/annuler/").content.decode()
    client.post(f"/essais/agenda/dates/{occ.pk}/annuler/", {"scope": "this"})
    occ.refresh_from_db()
    assert occ.cancelled
    assert login(people.other_sector).get(f"/essais/agenda/dates/{second.pk}/modifier/").status_code in (403, 404)


def test_it_serves_ics_for_one_event_and_personal_and_room_feeds_with_a_revocable_token(people, login):
    salle = room(people.org)
    colleague = membership(people.colleague, people.org)
    event = services.create_event(membership(people.with_role(Role.COORDINATOR), people.org), title="Sortie au musée", start=at(2030, 3, 5),
                                  end=at(2030, 3, 5, 11), resources=[salle], people=[colleague]).event
    client = login(people.colleague)
    ics = client.get(f"/essais/agenda/evenements/{event.pk}/ics/")
    assert ics["Content-Type"].startswith("text/calendar") and b"SUMMARY:Sortie au mus" in ics.content
    page = client.post("/essais/agenda/abonnement/", {"action": "create"}).content.decode()
    token = page.split("/agenda/flux/")[1].split(".ics")[0]
    client.logout()
    feed = client.get(f"/agenda/flux/{token}.ics")
    assert feed.status_code == 200 and b"Sortie au mus" in feed.content
    assert b"Sortie au mus" in client.get(f"/agenda/flux/{token}/ressources/{salle.pk}.ics").content
    assert client.get(f"/agenda/flux/{token}/ressources/{room(people.other_org, 'Ailleurs').pk}.ics").status_code == 404
    assert client.get("/agenda/flux/mauvais-jeton.ics").status_code == 404
    services.revoke_calendar_token(colleague)
    assert CalendarToken.objects.count() == 0
    assert client.get(f"/agenda/flux/{token}.ics").status_code == 404


def test_it_shows_my_planning_on_the_dashboard(people, login):
    from django.utils import timezone

    start = timezone.now() + timedelta(days=1)
    services.create_event(membership(people.owner, people.org), title="Atelier demain", start=start, end=start + timedelta(hours=1))
    page = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert "Mon planning" in page and "Atelier demain" in page
    assert "Atelier demain" not in login(people.other_sector).get("/essais/tableau-de-bord/").content.decode()


def test_a_room_week_opened_on_a_sunday_shows_the_coming_week_and_offers_a_date_picker(people, login, monkeypatch):
    from datetime import date

    from django.utils import timezone

    salle = room(people.org)
    services.create_event(membership(people.owner, people.org), title="Atelier du mardi", start=at(2030, 3, 12, 14),
                          end=at(2030, 3, 12, 16), resources=[salle])
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2030, 3, 10))  # a Sunday
    client = login(people.owner)
    page = client.get(f"/essais/ressources/{salle.pk}/").content.decode()
    assert "Lundi 11 mars" in page and "Dimanche 17 mars" in page and "Atelier du mardi" in page
    assert 'name="date" value="2030-03-11"' in page and "Aller à la semaine du" in page
    # A date asked for explicitly is obeyed, even a Sunday: its own week (Monday 4 to Sunday 10).
    asked = client.get(f"/essais/ressources/{salle.pk}/?date=2030-03-10").content.decode()
    assert "Lundi 4 mars" in asked and "Dimanche 10 mars" in asked and "Atelier du mardi" not in asked
    # A wrong date falls back to today's week: never a 500.
    assert client.get(f"/essais/ressources/{salle.pk}/?date=demain").status_code == 200


def test_a_new_meeting_from_the_agenda_is_made_by_the_meetings_form_not_as_a_plain_event(people, login):
    client = login(people.owner)
    assert '/essais/reunions/nouvelle/?date=' in client.get("/essais/agenda/").content.decode()
    redirected = client.get(f"/essais/agenda/nouveau/?type=meeting&date={DAY}")
    assert redirected.status_code == 302 and redirected["Location"] == f"/essais/reunions/nouvelle/?date={DAY}"
    # The agenda's own form keeps the other kinds but no longer offers « Réunion »…
    page = client.get("/essais/agenda/nouveau/").content.decode()
    assert 'value="booking"' in page and 'value="meeting"' not in page
    # …and refuses it when posted anyway, in French, saving nothing.
    refused = client.post("/essais/agenda/nouveau/", {**form(room(people.org)), "kind": "meeting"})
    assert refused.status_code == 200 and "Sélectionnez un choix valide" in refused.content.decode()
    assert Event.objects.count() == 0


def test_the_event_form_comes_in_titled_sections_with_the_action_bar_in_reach(people, login):
    import re

    page = login(people.owner).get("/essais/agenda/nouveau/").content.decode()
    assert re.findall(r'<section class="form-section"><h2>(.*?)</h2>', page) == ["Quoi", "Quand et où", "Qui"]
    who = page.split("<h2>Qui</h2>", 1)[1].split("</section>", 1)[0]
    assert 'name="people"' in who and 'name="overbook_reason"' in who and 'name="day"' not in who
    assert 'class="actions form-actions-sticky"' in page
