"""Bookings through the service: conflicts re-checked when saving, recurrences, buffers,
people overbooking, leave, series edits, moderation, tenancy, concurrency."""

import threading
import types
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from maillon.accounts.roles import Role
from maillon.agenda import conflicts, services
from maillon.agenda.models import Allocation, Event, Occurrence
from maillon.agenda.recurrence import PARIS, build_rule
from maillon.audit.models import AuditEntry
from maillon.notifications.models import Notification

from .helpers import at, item, membership, room

FUTURE = 2030


def book(user, org, resource=None, start=None, hours=1, **kw):
    start = start or at(FUTURE, 3, 5)
    return services.create_event(membership(user, org), title=kw.pop("title", "Atelier cuisine"), start=start,
                                 end=start + timedelta(hours=hours), resources=[resource] if resource else [], **kw)


def test_it_books_a_free_room_and_audits_it(people):
    salle = room(people.org)
    result = book(people.owner, people.org, salle)
    alloc = Allocation.objects.get(occurrence__event=result.event)
    assert alloc.resource == salle and alloc.status == Allocation.Status.CONFIRMED
    assert AuditEntry.objects.filter(action="agenda.event.create").count() == 1


def test_it_refuses_an_overlapping_booking_of_the_same_room_in_french(people):
    salle = room(people.org)
    book(people.owner, people.org, salle, title="Atelier cuisine")
    with pytest.raises(services.ConflictError) as error:
        book(people.colleague, people.org, salle, start=at(FUTURE, 3, 5, 10, 30))
    assert "« Salle Le Chêne » indisponible (réservation existante « Atelier cuisine »" in error.value.messages[0]
    assert Event.objects.count() == 1


def test_it_allows_back_to_back_bookings_but_enforces_the_room_buffer(people):
    salle = room(people.org)
    book(people.owner, people.org, salle)
    book(people.owner, people.org, salle, start=at(FUTURE, 3, 5, 11))  # starts when the first ends
    cleaned = room(people.org, "Salle polyvalente", buffer_minutes=15)
    book(people.owner, people.org, cleaned)
    with pytest.raises(services.ConflictError):
        book(people.owner, people.org, cleaned, start=at(FUTURE, 3, 5, 11, 10))
    book(people.owner, people.org, cleaned, start=at(FUTURE, 3, 5, 11, 15))


def test_it_reports_each_conflicting_occurrence_of_a_recurring_booking_and_books_the_rest_when_asked(people):
    salle = room(people.org)
    book(people.colleague, people.org, salle, start=at(FUTURE, 3, 12), title="Permanence")
    book(people.colleague, people.org, salle, start=at(FUTURE, 3, 26), title="Permanence")
    rule = build_rule("weekly", count=5)
    with pytest.raises(services.ConflictError) as error:
        book(people.owner, people.org, salle, rrule=rule, title="Atelier")
    assert len(error.value.conflicts) == 2
    assert "12 mars" in error.value.messages[0] and "26 mars" in error.value.messages[1]
    result = book(people.owner, people.org, salle, rrule=rule, title="Atelier", skip_conflicting=True)
    assert len(result.skipped) == 2
    days = [o.start.astimezone(PARIS).day for o in result.event.occurrences.all()]
    assert days == [5, 19, 2]
    assert len(result.event.exdates) == 2
    # Never overwritten: the existing bookings are still there.
    assert Allocation.objects.filter(occurrence__event__title="Permanence", active=True).count() == 2


def test_it_refuses_when_every_occurrence_conflicts(people):
    salle = room(people.org)
    book(people.colleague, people.org, salle)
    with pytest.raises(services.ConflictError):
        book(people.owner, people.org, salle, skip_conflicting=True)


def test_it_lets_only_a_coordinator_overbook_a_person_with_a_reason_and_audits_it(people):
    coordo = people.with_role(Role.COORDINATOR)
    colleague = membership(people.colleague, people.org)
    start = at(FUTURE, 3, 5)
    services.create_event(membership(coordo, people.org), title="Sortie", start=start, end=start + timedelta(hours=3), people=[colleague], kind=Event.Kind.SHIFT)
    def second(user, reason=""):
        return services.create_event(membership(user, people.org), title="Accueil", start=start, end=start + timedelta(hours=1),
                                     people=[colleague], kind=Event.Kind.SHIFT, overbook_reason=reason)
    with pytest.raises(services.ConflictError) as error:
        second(coordo)
    assert "est déjà sur « Sortie »" in error.value.messages[0] and error.value.only_people
    with pytest.raises(services.ConflictError) as error:
        second(people.owner, reason="urgent")
    assert error.value.message == "Seul un coordinateur ou une coordinatrice peut réserver une personne déjà occupée."
    second(coordo, reason="Remplacement d'une collègue malade")
    entry = AuditEntry.objects.get(action="agenda.overbook")
    assert entry.data["reason"] == "Remplacement d'une collègue malade"


def test_it_never_overbooks_a_room_even_for_the_director(people):
    salle = room(people.org)
    book(people.owner, people.org, salle)
    with pytest.raises(services.ConflictError):
        book(people.with_role(Role.DIRECTOR), people.org, salle, overbook_reason="Je suis la directrice")


def test_it_treats_people_on_approved_leave_as_unavailable(people, monkeypatch):
    colleague = membership(people.colleague, people.org)
    leave = [(people.colleague.pk, at(FUTURE, 3, 1, 0), at(FUTURE, 3, 8, 0))]
    monkeypatch.setattr(conflicts, "absences", lambda org, start, end: leave)
    coordo = people.with_role(Role.COORDINATOR)
    with pytest.raises(services.ConflictError) as error:
        services.create_event(membership(coordo, people.org), title="Sortie", start=at(FUTURE, 3, 5), end=at(FUTURE, 3, 5, 12),
                              people=[colleague], overbook_reason="tant pis")
    assert "cette personne est en congé" in error.value.messages[0]


def test_it_calls_the_leave_app_only_when_it_exposes_absences(people, monkeypatch):
    fake = types.SimpleNamespace(absences_between=lambda org, start, end: [(7, start, end)])
    monkeypatch.setattr(conflicts.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(conflicts.importlib, "import_module", lambda name: fake)
    assert conflicts.absences(people.org, at(FUTURE, 1, 1), at(FUTURE, 1, 2)) == [(7, at(FUTURE, 1, 1), at(FUTURE, 1, 2))]
    monkeypatch.setattr(conflicts.importlib.util, "find_spec", lambda name: None)
    assert conflicts.absences(people.org, at(FUTURE, 1, 1), at(FUTURE, 1, 2)) == []


@pytest.mark.parametrize("start, end, field, message", [
    (at(FUTURE, 3, 5, 12), at(FUTURE, 3, 5, 10), "end", "La fin doit être après le début."),
    (at(2020, 3, 5, 10), at(2020, 3, 5, 11), "start", "Vous ne pouvez pas réserver un créneau passé."),
])
def test_it_answers_bad_times_in_french_on_the_field(people, start, end, field, message):
    with pytest.raises(ValidationError) as error:
        services.create_event(membership(people.owner, people.org), title="Réunion", start=start, end=end, resources=[room(people.org)])
    assert error.value.message_dict[field] == [message]


def test_it_refuses_a_room_of_another_organisation(people):
    elsewhere = room(people.other_org, "Salle d'ailleurs")
    with pytest.raises(ValidationError) as error:
        book(people.owner, people.org, elsewhere)
    assert "n’existe pas" in error.value.message_dict["resources"][0]


def test_it_only_lets_the_director_create_funding_deadlines(people):
    with pytest.raises(PermissionDenied):
        book(people.owner, people.org, kind=Event.Kind.FUNDING, title="Dossier CAF")
    book(people.with_role(Role.DIRECTOR), people.org, kind=Event.Kind.FUNDING, title="Dossier CAF", reminder_days=[30, 7])


def test_it_moves_this_one_only(people):
    salle = room(people.org)
    event = book(people.owner, people.org, salle, rrule=build_rule("weekly", count=3)).event
    second = event.occurrences.all()[1]
    services.edit_occurrence(membership(people.owner, people.org), second, "this", start=at(FUTURE, 3, 13, 14), end=at(FUTURE, 3, 13, 15))
    starts = [o.start for o in Occurrence.objects.filter(event=event)]
    assert starts == [at(FUTURE, 3, 5), at(FUTURE, 3, 13, 14), at(FUTURE, 3, 19)]
    assert Allocation.objects.get(occurrence=second).start == at(FUTURE, 3, 13, 14)


def test_it_splits_a_series_for_this_and_following_across_daylight_saving(people):
    salle = room(people.org)
    event = book(people.owner, people.org, salle, start=at(FUTURE, 3, 13), rrule=build_rule("weekly", count=6)).event
    third = event.occurrences.all()[2]  # 27 March, before the change (31 March 2030)
    services.edit_occurrence(membership(people.owner, people.org), third, "following", start=at(FUTURE, 3, 27, 14), end=at(FUTURE, 3, 27, 15))
    event.refresh_from_db()
    assert [o.start.astimezone(PARIS).day for o in event.occurrences.all()] == [13, 20]
    tail = Event.objects.get(series_parent=event)
    local = [o.start.astimezone(PARIS) for o in tail.occurrences.all()]
    assert [(t.month, t.day, t.hour) for t in local] == [(3, 27, 14), (4, 3, 14), (4, 10, 14), (4, 17, 14)]
    assert Allocation.objects.filter(occurrence__event=tail, resource=salle, active=True).count() == 4


def test_it_moves_the_whole_series_and_rechecks_conflicts(people):
    salle = room(people.org)
    event = book(people.owner, people.org, salle, rrule=build_rule("weekly", count=3)).event
    book(people.colleague, people.org, salle, start=at(FUTURE, 3, 12, 15), title="Réunion")
    first = event.occurrences.first()
    with pytest.raises(services.ConflictError):
        services.edit_occurrence(membership(people.owner, people.org), first, "all", start=at(FUTURE, 3, 5, 15), end=at(FUTURE, 3, 5, 16))
    services.edit_occurrence(membership(people.owner, people.org), first, "all", start=at(FUTURE, 3, 5, 8), end=at(FUTURE, 3, 5, 9))
    assert [o.start.astimezone(PARIS).hour for o in Occurrence.objects.filter(event=event)] == [8, 8, 8]


def test_it_refuses_edits_by_someone_else_and_cancels_an_occurrence(people):
    event = book(people.owner, people.org, room(people.org), rrule=build_rule("weekly", count=3)).event
    second = event.occurrences.all()[1]
    with pytest.raises(PermissionDenied):
        services.cancel_occurrence(membership(people.other_sector, people.org), second)
    services.cancel_occurrence(membership(people.owner, people.org), second)
    assert Allocation.objects.filter(occurrence=second, active=True).count() == 0
    book(people.colleague, people.org, Allocation.objects.first().resource, start=second.start)  # the slot is free again


def test_it_makes_a_moderated_room_wait_for_reception_and_locks_it_once_approved(people, django_capture_on_commit_callbacks):
    salle = room(people.org, moderated=True)
    accueil = people.with_role(Role.RECEPTION, sector_name=None)
    with django_capture_on_commit_callbacks(execute=True):
        event = book(people.owner, people.org, salle).event
    alloc = Allocation.objects.get(occurrence__event=event)
    assert alloc.status == Allocation.Status.PENDING and alloc.active  # pending still holds the slot
    assert Notification.objects.filter(recipient=accueil, title="Réservation à valider : Salle Le Chêne").exists()
    with pytest.raises(PermissionDenied):
        services.decide(membership(people.owner, people.org), alloc, True)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(membership(accueil, people.org), alloc, True)
    assert Notification.objects.filter(recipient=people.owner, title="Réservation acceptée : Salle Le Chêne").exists()
    assert services.is_locked(event)
    with pytest.raises(PermissionDenied):
        services.cancel_occurrence(membership(people.owner, people.org), event.occurrences.get())
    services.cancel_occurrence(membership(accueil, people.org), event.occurrences.get())


def test_it_refusing_a_pending_booking_frees_the_slot(people):
    salle = room(people.org, moderated=True)
    alloc = Allocation.objects.get(occurrence__event=book(people.owner, people.org, salle).event)
    services.decide(membership(people.with_role(Role.RECEPTION, sector_name=None), people.org), alloc, False)
    book(people.colleague, people.org, salle)


def test_it_calls_the_procedure_hook_for_a_vehicle(people, django_capture_on_commit_callbacks):
    from maillon.agenda import hooks

    seen = []

    def hook(event, resource, m):
        seen.append(resource.name)

    hooks.register_booking_procedure_hook(hook)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            book(people.owner, people.org, item(people.org))
            book(people.owner, people.org, item(people.org, "Vidéoprojecteur", category="projector"))
    finally:
        hooks.booking_procedure_hooks.remove(hook)  # the procedures app's own hooks stay registered
    assert seen == ["Minibus 9 places"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_it_has_a_database_exclusion_constraint_on_postgresql(people):
    salle = room(people.org)
    occ = book(people.owner, people.org, salle).event.occurrences.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(organisation=people.org, occurrence=occ, resource=salle, start=occ.start, end=occ.end, block_end=occ.end)


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_simultaneous_bookings_of_a_slot_succeed():
    from maillon.testing import build_people

    people = build_people()
    salle = room(people.org)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(user):
        try:
            barrier.wait()
            book(user, people.org, salle)
            outcomes.append("ok")
        except services.ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (people.owner, people.colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Allocation.objects.filter(resource=salle, active=True).count() == 1


def test_it_finds_every_conflict_when_a_window_holds_many_bookings(people):
    salle = room(people.org)
    m = membership(people.owner, people.org)
    for i in range(40):
        start = at(FUTURE, 3, 5, 8) + timedelta(minutes=10 * i)
        services.create_event(m, title=f"Créneau {i}", start=start, end=start + timedelta(minutes=10), resources=[salle])
    whole_day = conflicts.check(people.org, [(at(FUTURE, 3, 5, 7), at(FUTURE, 3, 5, 18))], [salle])
    assert len(whole_day) == 40
    assert len(conflicts.check(people.org, [(at(FUTURE, 3, 5, 8, 5), at(FUTURE, 3, 5, 8, 6))], [salle])) == 1
    assert conflicts.check(people.org, [(at(FUTURE, 3, 5, 14, 40), at(FUTURE, 3, 5, 15))], [salle]) == []


def test_a_vehicle_page_says_booking_it_opens_its_procedure_and_a_room_page_does_not(people, login):
    minibus, salle = item(people.org), room(people.org)
    client = login(people.owner)
    notice = "Réserver ce véhicule ouvre aussi sa demande de véhicule / ordre de mission, déjà pré-remplie."
    assert notice in client.get(f"/essais/ressources/{minibus.pk}/").content.decode()
    assert notice not in client.get(f"/essais/ressources/{salle.pk}/").content.decode()


def test_a_buffer_conflict_states_the_real_times_of_both_bookings_and_fits_any_resource(people):
    """The buffer only blocks: the sentence shows 14:00–17:00 and 17:00–18:00, never 17:15 or
    18:15, and reads the same for an item as for a room (no feminine agreement)."""
    salle = room(people.org, buffer_minutes=15)
    projo = item(people.org, name="Vidéoprojecteur Epson", category="projector", buffer_minutes=15)
    services.create_event(membership(people.owner, people.org), title="Atelier théâtre", start=at(FUTURE, 3, 5, 14),
                          end=at(FUTURE, 3, 5, 17), resources=[salle, projo])
    with pytest.raises(services.ConflictError) as error:
        services.create_event(membership(people.colleague, people.org), title="Répétition", start=at(FUTURE, 3, 5, 17),
                              end=at(FUTURE, 3, 5, 18), resources=[salle, projo])
    first, second = error.value.messages
    assert first == ("Mardi 5 mars 2030 de 17:00 à 18:00 : « Salle Le Chêne » indisponible "
                     "(réservation existante « Atelier théâtre », Mardi 5 mars 2030 de 14:00 à 17:00).")
    assert second.startswith("Mardi 5 mars 2030 de 17:00 à 18:00 : « Vidéoprojecteur Epson » indisponible")
    assert "17:15" not in first + second and "18:15" not in first + second and "réservée" not in second


@pytest.mark.parametrize("kind", [Event.Kind.MEETING, Event.Kind.SHIFT])
def test_a_reason_books_someone_on_a_shift_but_never_someone_in_another_meeting(people, client, kind):
    coordo = people.with_role(Role.COORDINATOR)
    colleague = membership(people.colleague, people.org)
    start = at(FUTURE, 3, 5, 10)
    services.create_event(membership(coordo, people.org), title="Déjà pris", start=start, end=start + timedelta(hours=2),
                          people=[colleague], kind=kind)
    def book_again(reason):
        return services.create_event(membership(coordo, people.org), title="Sortie", start=start, end=start + timedelta(hours=1),
                                     people=[colleague], kind=Event.Kind.ACTIVITY, overbook_reason=reason)
    with pytest.raises(services.ConflictError) as error:
        book_again("")
    assert "est déjà sur « Déjà pris »" in error.value.messages[0]
    if kind == Event.Kind.SHIFT:
        assert error.value.overridable and not error.value.hard_people
        book_again("Remplacement d'une collègue malade")
        assert AuditEntry.objects.get(action="agenda.overbook").data["reason"] == "Remplacement d'une collègue malade"
        return
    assert error.value.hard_people and not error.value.overridable
    with pytest.raises(services.ConflictError) as error:
        book_again("Indispensable")
    assert "est déjà sur « Déjà pris »" in error.value.messages[0]
    assert not AuditEntry.objects.filter(action="agenda.overbook").exists()
    assert not Event.objects.filter(title="Sortie").exists()
