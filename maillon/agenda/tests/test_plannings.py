"""Team plannings: live problems (engine, working time, ratio, qualification), publication
with one e-mail per affected person, permissions and tenancy, closures in the engine."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillon.accounts.roles import Role
from maillon.agenda import plannings, services
from maillon.agenda.models import Allocation, Closure, Event, Planning, Shift, WorkProfile
from maillon.audit.models import AuditEntry
from maillon.organisations.models import Sector

from .helpers import at, membership, room


@pytest.fixture
def team(people):
    coordo = people.with_role(Role.COORDINATOR)
    me = membership(coordo, people.org)
    sector = Sector.objects.get(organisation=people.org, name="Secteur Enfance")
    planning = plannings.create_planning(me, title="Centre de loisirs – été", sector=sector,
                                         start_date=date(2030, 7, 8), end_date=date(2030, 7, 19))
    return me, planning, membership(people.owner, people.org), membership(people.colleague, people.org)


def shift(me, planning, day, start, end, people=(), **fields):
    fields.setdefault("title", "Accueil matin")
    return plannings.add_shift(me, planning, start=at(2030, 7, day, start), end=at(2030, 7, day, end), people=people, **fields)


def kinds(planning):
    return sorted(p.kind for p in plannings.problems(planning))


def test_it_lets_only_the_coordinator_of_the_team_or_the_director_plan(people, team):
    me, planning, ana, _bruno = team
    jeunes = Sector.objects.get(organisation=people.org, name="Secteur Jeunes et Adolescents")
    with pytest.raises(PermissionDenied):
        plannings.create_planning(me, title="Jeunes", sector=jeunes, start_date=date(2030, 7, 1), end_date=date(2030, 7, 2))
    with pytest.raises(PermissionDenied):
        shift(ana, planning, 8, 9, 12)
    director = membership(people.with_role(Role.DIRECTOR), people.org)
    shift(director, planning, 8, 9, 12, [ana])
    outsider = membership(people.outsider, people.outsider.memberships.first().organisation)
    with pytest.raises(PermissionDenied):
        shift(outsider, planning, 8, 9, 12)


def test_it_refuses_bad_shifts_in_french(team):
    me, planning, ana, _bruno = team
    with pytest.raises(ValidationError) as error:
        shift(me, planning, 8, 12, 9)
    assert error.value.message_dict["end"] == ["La fin doit être après le début."]
    with pytest.raises(ValidationError) as error:
        shift(me, planning, 25, 9, 12)
    assert "période du planning" in error.value.message_dict["start"][0]


def test_it_refuses_a_person_of_another_organisation(people, team):
    me, planning, _ana, _bruno = team
    foreign = people.outsider.memberships.get()
    with pytest.raises(ValidationError):
        shift(me, planning, 8, 9, 12, [foreign])


def test_it_shows_a_person_on_two_shifts_at_once_and_on_another_event(people, team):
    me, planning, ana, _bruno = team
    shift(me, planning, 8, 9, 12, [ana], title="Accueil matin")
    shift(me, planning, 8, 11, 13, [ana], title="Piscine")
    services.create_event(ana, title="Réunion d'équipe", kind=Event.Kind.MEETING, start=at(2030, 7, 9, 10), end=at(2030, 7, 9, 11), people=[ana])
    shift(me, planning, 9, 9, 12, [ana], title="Accueil mardi")
    found = [p.message for p in plannings.problems(planning) if p.kind == "double"]
    assert any("« Accueil matin » et « Piscine » en même temps" in m for m in found)
    assert any("déjà sur « Réunion d'équipe » pendant « Accueil mardi »" in m for m in found)
    assert len(found) == 2


def test_it_checks_working_time_and_contract_hours(people, team):
    me, planning, ana, bruno = team
    plannings.save_profile(me, ana, contract=WorkProfile.Contract.PART_TIME, weekly_hours=10, qualifications=[])
    shift(me, planning, 8, 8, 19, [ana], title="Sortie mer")  # 11 h: over 10 h a day and the 10 h contract
    shift(me, planning, 9, 5, 9, [bruno], title="Départ camp")
    shift(me, planning, 8, 14, 23, [bruno], title="Veillée")  # then 05:00: only 6 h of rest
    messages = {p.kind: p.message for p in plannings.problems(planning)}
    assert set(messages) == {"day", "contract", "rest"}
    assert "11 h le lundi 8 juillet (10 h par jour au plus)" in messages["day"]
    assert "plus que les 10 h du contrat" in messages["contract"]
    assert "pas de repos de 11 h" in messages["rest"]


def test_it_checks_the_supervision_ratio_and_qualifications(people, team):
    me, planning, ana, bruno = team
    plannings.save_profile(me, ana, contract=WorkProfile.Contract.CEE, weekly_hours=None, qualifications=["bafa"])
    s = shift(me, planning, 10, 9, 12, [ana, bruno], title="Mini-camp", qualification="bafa", children_under_6=9, children_from_6=12)
    messages = sorted(p.message for p in plannings.problems(planning))
    assert "« Mini-camp » (mercredi 10 juillet 09:00–12:00) : 3 adultes nécessaires, 2 prévus." in messages
    assert any("ne détient pas le BAFA" in m and str(bruno.user) in m for m in messages)
    third = membership(people.with_role(Role.STAFF), people.org)
    plannings.save_profile(me, bruno, contract=WorkProfile.Contract.CDD, weekly_hours=35, qualifications=["bafd"])
    plannings.set_people(me, s, [ana, bruno, third])
    plannings.save_profile(me, third, contract=WorkProfile.Contract.CIVIC, weekly_hours=24, qualifications=["bafa"])
    assert plannings.problems(planning) == []
    planning.children_per_adult_from_6 = 6  # configurable
    assert kinds(planning) == ["ratio"]


def test_it_publishes_once_clean_and_notifies_each_person_once_with_their_changes(people, team, django_capture_on_commit_callbacks):
    me, planning, ana, bruno = team
    ana.user.email, bruno.user.email = "ana@example.org", "bruno@example.org"
    ana.user.save(), bruno.user.save()
    morning = shift(me, planning, 8, 9, 12, [ana, bruno])
    shift(me, planning, 9, 9, 12, [ana], title="Accueil mardi")
    shift(me, planning, 9, 10, 11, [ana], title="Conflit")
    with pytest.raises(ValidationError) as error:
        plannings.publish(me, planning)
    assert "Résolvez le problème signalé avant de publier." in error.value.messages[0]
    plannings.delete_shift(me, planning.shifts.get(title="Conflit"))
    with django_capture_on_commit_callbacks(execute=True):
        assert plannings.publish(me, planning) == 2
    planning.refresh_from_db()
    assert planning.status == Planning.Status.PUBLISHED
    assert Allocation.objects.filter(membership=ana, occurrence__event__kind=Event.Kind.SHIFT).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bruno@example.org"]
    ana_mail = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    assert "Nouveau : « Accueil matin »" in ana_mail.body and "Nouveau : « Accueil mardi »" in ana_mail.body

    # Second round: Bruno's shift moves, Ana is taken off it; nobody else is told.
    mail.outbox.clear()
    plannings.set_people(me, morning, [bruno])
    Shift.objects.filter(pk=morning.pk).update(start=at(2030, 7, 8, 13), end=at(2030, 7, 8, 16))
    with django_capture_on_commit_callbacks(execute=True):
        assert plannings.publish(me, planning) == 2
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Retiré : « Accueil matin »" in bodies["ana@example.org"] and "Accueil mardi" not in bodies["ana@example.org"]
    assert "Modifié : « Accueil matin », lundi 8 juillet 2030, 09:00–12:00 → lundi 8 juillet 2030, 13:00–16:00" in bodies["bruno@example.org"]
    # The engine now sees the published shifts: booking Bruno elsewhere then is a conflict.
    assert Allocation.objects.filter(membership=bruno, active=True).count() == 1
    with pytest.raises(services.ConflictError):
        services.create_event(ana, title="Réunion", kind=Event.Kind.MEETING, start=at(2030, 7, 8, 14), end=at(2030, 7, 8, 15), people=[bruno])
    assert AuditEntry.objects.filter(action="agenda.planning.publish").count() == 2


def test_it_blocks_rooms_and_people_during_closures(people, team):
    me, planning, ana, _bruno = team
    salle, autre = room(people.org), room(people.org, "Salle Le Tilleul")
    Closure.objects.create(organisation=people.org, resource=salle, start=at(2030, 7, 1, 0), end=at(2030, 7, 6, 0), reason="Travaux")
    with pytest.raises(services.ConflictError) as error:
        services.create_event(ana, title="Atelier", start=at(2030, 7, 2, 10), end=at(2030, 7, 2, 11), resources=[salle])
    assert "fermé (Travaux" in error.value.messages[0]
    services.create_event(ana, title="Atelier", start=at(2030, 7, 2, 10), end=at(2030, 7, 2, 11), resources=[autre])
    Closure.objects.create(organisation=people.org, start=at(2030, 7, 14, 0), end=at(2030, 7, 15, 0), reason="Fête nationale")
    with pytest.raises(services.ConflictError):
        services.create_event(ana, title="Atelier", start=at(2030, 7, 14, 10), end=at(2030, 7, 14, 11), resources=[autre])
    with pytest.raises(services.ConflictError):  # even a coordinator with a reason cannot book a person then
        services.create_event(me, title="Sortie", start=at(2030, 7, 14, 10), end=at(2030, 7, 14, 11), people=[ana], overbook_reason="urgent")
    shift(me, planning, 14, 9, 12, [ana], title="Accueil 14 juillet")
    assert "closure" in kinds(planning)
    # Another organisation's closure changes nothing here.
    other = people.outsider.memberships.get().organisation
    Closure.objects.create(organisation=other, start=at(2030, 7, 16, 0), end=at(2030, 7, 17, 0), reason="Ailleurs")
    services.create_event(ana, title="Atelier", start=at(2030, 7, 16, 10), end=at(2030, 7, 16, 11), resources=[autre])


def test_it_computes_problems_in_a_fixed_number_of_queries(people, team, django_assert_max_num_queries):
    me, planning, ana, bruno = team
    for day in range(8, 13):
        shift(me, planning, day, 9, 12, [ana, bruno])
    with django_assert_max_num_queries(8):
        plannings.problems(planning)
