"""Editing a shift (times, supervisors, qualification, people) with its problems shown live,
and swaps of shifts between two people: proposed, accepted, approved by the coordinator of
the planning with the conflicts re-checked, audited, both people notified."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillon.accounts.roles import Role
from maillon.agenda import plannings
from maillon.agenda.models import Allocation, Planning, Shift, ShiftSwap
from maillon.audit.models import AuditEntry
from maillon.notifications.models import Notification
from maillon.organisations.models import Sector
from maillon.testing import QueryCounter

from .helpers import at, membership


@pytest.fixture
def team(people):
    coordo = people.with_role(Role.COORDINATOR)
    me = membership(coordo, people.org)
    sector = Sector.objects.get(organisation=people.org, name="Secteur Enfance")
    planning = plannings.create_planning(me, title="Vacances d'hiver", sector=sector, start_date=date(2030, 2, 18), end_date=date(2030, 2, 22))
    ana, bruno = membership(people.owner, people.org), membership(people.colleague, people.org)
    return me, planning, ana, bruno


def url(org, path):
    return f"/{org.slug}/agenda/{path}"


def add(me, planning, day, start, end, people, title="Accueil"):
    return plannings.add_shift(me, planning, title=title, start=at(2030, 2, day, start), end=at(2030, 2, day, end), people=people)


def edit_data(day="2030-02-18", start="09:00", end="12:00", people=(), **extra):
    data = {"title": "Accueil matin", "day": day, "start_time": start, "end_time": end, "supervisors_needed": 1,
            "qualification": "", "children_under_6": 0, "children_from_6": 0, "people": [m.pk for m in people]}
    data.update(extra)
    return data


# ---- editing a shift ----------------------------------------------------------------------


def test_the_coordinator_changes_a_shift_sees_its_problems_and_it_is_audited(people, team, login):
    me, planning, ana, bruno = team
    shift = add(me, planning, 18, 9, 12, [ana])
    client = login(me.user)
    page = client.get(url(people.org, f"creneaux/{shift.pk}/modifier/")).content.decode()
    assert 'value="09:00"' in page and "Aucun conflit" in page
    response = client.post(url(people.org, f"creneaux/{shift.pk}/modifier/"),
                           edit_data(start="08:00", end="19:30", people=[ana], supervisors_needed=2, qualification="bafa"), follow=True)
    text = response.content.decode()
    assert "Créneau enregistré, avec 3 problèmes à résoudre avant de publier." in text
    shift.refresh_from_db()
    assert (shift.start, shift.end, shift.supervisors_needed, shift.qualification) == (at(2030, 2, 18, 8), at(2030, 2, 18, 19, 30), 2, "bafa")
    assert "travaille 11,5 h" in text  # 10 h a day at most
    assert "2 adultes nécessaires, 1 prévus" in text
    assert "ne détient pas le BAFA" in text
    entry = AuditEntry.objects.filter(action="agenda.planning.shift_edit").get()
    assert set(entry.data["changed"]) == {"title", "start", "end", "supervisors_needed", "qualification"}


def test_the_live_check_of_a_shift_shows_the_problems_of_the_changes_without_saving(people, team, login):
    me, planning, ana, bruno = team
    shift = add(me, planning, 18, 9, 12, [ana])
    add(me, planning, 18, 20, 23, [bruno], title="Veillée")
    client = login(me.user)
    page = client.post(url(people.org, f"creneaux/{shift.pk}/verifier/"), edit_data(start="07:00", end="12:00", people=[ana, bruno])).content.decode()
    assert "pas de repos de 11 h" in page  # Bruno: 23:00 then 07:00
    assert "Aucun conflit" in client.post(url(people.org, f"creneaux/{shift.pk}/verifier/"), edit_data(people=[ana])).content.decode()
    bad = client.post(url(people.org, f"creneaux/{shift.pk}/verifier/"), edit_data(day="2030-03-30", people=[ana])).content.decode()
    assert "Le créneau doit commencer dans la période du planning." in bad
    shift.refresh_from_db()
    assert shift.start == at(2030, 2, 18, 9) and list(shift.people.all()) == [ana]
    assert not AuditEntry.objects.filter(action="agenda.planning.shift_edit").exists()


def test_editing_a_published_shift_keeps_the_published_version_in_the_agenda_until_republished(people, team):
    me, planning, ana, bruno = team
    shift = add(me, planning, 18, 9, 12, [ana])
    plannings.publish(me, planning)
    shift.refresh_from_db()
    plannings.update_shift(me, shift, people=[bruno], start=at(2030, 2, 18, 10), end=at(2030, 2, 18, 12))
    alloc = Allocation.objects.get(occurrence__event__kind="shift")
    assert alloc.membership == ana and alloc.start == at(2030, 2, 18, 9)  # what Ana was told
    planning.refresh_from_db()
    assert planning.status == Planning.Status.PUBLISHED
    plannings.publish(me, planning)
    alloc = Allocation.objects.get(occurrence__event__kind="shift")
    assert alloc.membership == bruno and alloc.start == at(2030, 2, 18, 10)


def test_only_the_coordinator_of_the_team_edits_a_shift_and_bad_input_is_french(people, team, login):
    me, planning, ana, _bruno = team
    shift = add(me, planning, 18, 9, 12, [ana])
    target = url(people.org, f"creneaux/{shift.pk}/modifier/")
    assert login(people.owner).get(target).status_code == 403
    other = login(people.with_role(Role.COORDINATOR, sector_name="Secteur Jeunes et Adolescents"))
    assert other.post(target, edit_data(people=[ana])).status_code == 403
    assert login(people.outsider).get(target).status_code == 404
    page = login(me.user).post(target, edit_data(day="", people=[ana])).content.decode()
    assert "Ce champ est obligatoire." in page and 'value="Accueil matin"' in page
    with pytest.raises(PermissionDenied):
        plannings.update_shift(ana, shift, people=[ana], start=shift.start, end=shift.end)


# ---- swaps ---------------------------------------------------------------------------------


@pytest.fixture
def published(team):
    me, planning, ana, bruno = team
    morning = add(me, planning, 19, 9, 12, [ana], title="Matin")
    afternoon = add(me, planning, 19, 14, 17, [bruno], title="Après-midi")
    plannings.publish(me, planning)
    return me, planning, ana, bruno, morning, afternoon


def test_two_people_exchange_their_shifts_the_coordinator_approves_and_both_are_told(people, published, login, django_capture_on_commit_callbacks):
    me, planning, ana, bruno, morning, afternoon = published
    ana_client = login(ana.user)
    assert "Proposer un échange" in ana_client.get(url(people.org, f"plannings/{planning.pk}/")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = ana_client.post(url(people.org, f"creneaux/{morning.pk}/echanger/"),
                                   {"recipient": bruno.pk, "counter_shift": afternoon.pk, "message": "Rendez-vous médical"})
    assert response.status_code == 302
    swap = ShiftSwap.objects.get()
    assert Notification.objects.filter(recipient=bruno.user, title__startswith="Échange de créneau proposé").exists()
    bruno_client = login(bruno.user)
    assert "Rendez-vous médical" in bruno_client.get(url(people.org, "echanges/")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        bruno_client.post(url(people.org, "echanges/"), {"swap": swap.pk, "action": "accept"})
    assert Notification.objects.filter(recipient=me.user, title__startswith="Échange de créneau à valider").exists()
    coordo = login(me.user)
    assert "Matin" in coordo.get(url(people.org, "echanges/")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coordo.post(url(people.org, "echanges/"), {"swap": swap.pk, "action": "approve"})
    swap.refresh_from_db()
    assert swap.status == ShiftSwap.Status.APPROVED
    assert list(morning.people.all()) == [bruno] and list(afternoon.people.all()) == [ana]
    morning.refresh_from_db()
    assert Allocation.objects.get(occurrence_id=morning.occurrence_id).membership == bruno  # the agenda follows
    for person in (ana, bruno):
        assert Notification.objects.filter(recipient=person.user, title="Échange de créneau validé : Matin").exists()
    actions = list(AuditEntry.objects.filter(action__startswith="agenda.swap").values_list("action", flat=True))
    assert sorted(actions) == ["agenda.swap.accept", "agenda.swap.approve", "agenda.swap.propose"]


def test_a_shift_given_away_and_a_declined_or_withdrawn_swap(published):
    me, planning, ana, bruno, morning, afternoon = published
    swap = plannings.propose_swap(ana, morning, recipient=bruno)
    plannings.answer_swap(bruno, swap, accept=False)
    assert ShiftSwap.objects.get().status == ShiftSwap.Status.DECLINED
    with pytest.raises(ValidationError):
        plannings.decide_swap(me, swap, True)
    swap = plannings.propose_swap(ana, morning, recipient=bruno)
    plannings.withdraw_swap(ana, swap)
    swap = plannings.propose_swap(ana, morning, recipient=bruno)
    plannings.answer_swap(bruno, swap, accept=True)
    plannings.decide_swap(me, swap, True)
    assert list(morning.people.all()) == [bruno] and list(afternoon.people.all()) == [bruno]


def test_a_swap_that_creates_a_conflict_is_refused_and_changes_nothing(published):
    me, planning, ana, bruno, morning, afternoon = published
    # Bruno already works the afternoon; taking Ana's evening that overlaps it is a double booking.
    evening = Shift.objects.get(pk=add(me, planning, 19, 16, 20, [ana], title="Soirée").pk)
    planning.refresh_from_db()
    plannings.publish(me, planning)
    swap = plannings.propose_swap(ana, evening, recipient=bruno)
    plannings.answer_swap(bruno, swap, accept=True)
    with pytest.raises(plannings.SwapConflict) as error:
        plannings.decide_swap(me, swap, True)
    assert any("en même temps" in p.message for p in error.value.problems)
    assert list(evening.people.all()) == [ana]
    assert ShiftSwap.objects.get().status == ShiftSwap.Status.ACCEPTED


def test_only_the_coordinator_of_that_planning_approves_and_outsiders_get_404(people, published, login):
    me, planning, ana, bruno, morning, afternoon = published
    swap = plannings.propose_swap(ana, morning, recipient=bruno)
    plannings.answer_swap(bruno, swap, accept=True)
    other = membership(people.with_role(Role.COORDINATOR, sector_name="Secteur Jeunes et Adolescents"), people.org)
    with pytest.raises(PermissionDenied):
        plannings.decide_swap(other, swap, True)
    with pytest.raises(PermissionDenied):
        plannings.decide_swap(bruno, swap, True)  # the colleague cannot approve their own swap
    assert login(other.user).post(url(people.org, "echanges/"), {"swap": swap.pk, "action": "approve"}).status_code == 403
    assert "Matin" not in login(other.user).get(url(people.org, "echanges/")).content.decode()
    outsider = login(people.outsider)
    assert outsider.post(url(people.org, "echanges/"), {"swap": swap.pk, "action": "approve"}).status_code == 404
    assert outsider.get(url(people.org, f"creneaux/{morning.pk}/echanger/")).status_code == 404
    assert outsider.post("/autre/agenda/echanges/", {"swap": swap.pk, "action": "approve"}).status_code == 404
    assert ShiftSwap.objects.get().status == ShiftSwap.Status.ACCEPTED


def test_a_swap_is_refused_in_french_when_it_makes_no_sense(people, published, login):
    me, planning, ana, bruno, morning, afternoon = published
    with pytest.raises(ValidationError) as error:
        plannings.propose_swap(ana, morning, recipient=ana)
    assert "Choisissez un ou une collègue" in str(error.value)
    with pytest.raises(ValidationError) as error:
        plannings.propose_swap(ana, morning, recipient=bruno, counter_shift=morning)
    assert login(bruno.user).get(url(people.org, f"creneaux/{morning.pk}/echanger/")).status_code == 403  # not on it
    page = login(ana.user).post(url(people.org, f"creneaux/{morning.pk}/echanger/"), {"recipient": "", "message": "Merci !"}).content.decode()
    assert "Ce champ est obligatoire." in page and "Merci !" in page


def test_the_swaps_page_has_a_fixed_number_of_queries(people, published, login):
    me, planning, ana, bruno, morning, afternoon = published
    client = login(me.user)
    plannings.answer_swap(bruno, plannings.propose_swap(ana, morning, recipient=bruno), accept=True)
    client.get(url(people.org, "echanges/"))
    with QueryCounter() as few:
        client.get(url(people.org, "echanges/"))
    for day in (20, 21):
        extra = add(me, planning, day, 9, 12, [ana], title=f"Matin {day}")
        planning.status = Planning.Status.PUBLISHED
        planning.save()
        plannings.answer_swap(bruno, plannings.propose_swap(ana, extra, recipient=bruno), accept=True)
    with QueryCounter() as many:
        assert client.get(url(people.org, "echanges/")).status_code == 200
    assert len(many) == len(few) <= 14
