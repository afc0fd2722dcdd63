"""Editing a published planning (issue 13, item 2): it stays published as it was for the
staff and in the agenda; the edits are pending changes the coordinators see and publish
(each person concerned gets ONE e-mail with only their own changes, before → after) or
discard (back to the published version, after a confirmation)."""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.accounts.roles import Role
from maillon.agenda import pending, plannings
from maillon.agenda.models import Allocation, Planning, Shift
from maillon.notifications.models import Notification
from maillon.organisations.models import Sector
from maillon.testing import QueryCounter

from .helpers import at, membership


@pytest.fixture
def team(people):
    coordo = people.with_role(Role.COORDINATOR)
    me = membership(coordo, people.org)
    sector = Sector.objects.get(organisation=people.org, name="Secteur Enfance")
    planning = plannings.create_planning(me, title="Vacances d'hiver", sector=sector, start_date=date(2030, 2, 18),
                                         end_date=date(2030, 2, 22))
    ana, bruno = membership(people.owner, people.org), membership(people.colleague, people.org)
    claire, dora = (membership(people.with_role(Role.STAFF), people.org) for _ in range(2))
    for m, name in ((ana, "ana"), (bruno, "bruno"), (claire, "claire"), (dora, "dora")):
        m.user.email = f"{name}@example.org"
        m.user.save(update_fields=["email"])
    return me, planning, ana, bruno, claire, dora


def add(me, planning, day, start, end, people, title):
    return plannings.add_shift(me, planning, title=title, start=at(2030, 2, day, start), end=at(2030, 2, day, end), people=people)


@pytest.fixture
def published(team, django_capture_on_commit_callbacks):
    """Published once: Ana on « Matin » (Monday) and « Sortie » (Thursday), Bruno on
    « Après-midi » (Monday), Claire on « Mardi » (Tuesday). The first e-mails are cleared."""
    me, planning, ana, bruno, claire, dora = team
    shifts = {
        "matin": add(me, planning, 18, 9, 12, [ana], "Matin"),
        "apres_midi": add(me, planning, 18, 14, 17, [bruno], "Après-midi"),
        "mardi": add(me, planning, 19, 9, 12, [claire], "Mardi"),
        "sortie": add(me, planning, 21, 9, 17, [ana], "Sortie"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert plannings.publish(me, planning) == 3
    mail.outbox.clear()
    Notification.objects.all().delete()
    for s in shifts.values():
        s.refresh_from_db()
    return team, shifts


def as_user(user) -> Client:
    """A client of its own per person (the ``login`` fixture reuses one)."""
    client = Client()
    client.force_login(user)
    return client


def url(org, path):
    return f"/{org.slug}/agenda/{path}"


def form(title, day, start, end, people):
    return {"title": title, "day": day, "start_time": start, "end_time": end, "supervisors_needed": 1, "qualification": "",
            "children_under_6": 0, "children_from_6": 0, "people": [m.pk for m in people]}


def edit_the_four_ways(client, org, planning, shifts, bruno, dora):
    """Through the pages, as a coordinator does: a time, people, an added and a deleted shift."""
    matin, apres_midi, sortie = shifts["matin"], shifts["apres_midi"], shifts["sortie"]
    ana = matin.people.get()
    r = client.post(url(org, f"creneaux/{matin.pk}/modifier/"), form("Matin", "2030-02-18", "10:00", "12:00", [ana]), follow=True)
    assert "La modification attend la publication" in r.content.decode()
    assert client.post(url(org, f"creneaux/{apres_midi.pk}/equipe/"), {"people": [dora.pk]}).status_code == 302
    assert client.post(url(org, f"plannings/{planning.pk}/"), form("Veillée", "2030-02-20", "18:00", "21:00", [bruno])).status_code == 302
    assert client.post(url(org, f"creneaux/{sortie.pk}/supprimer/")).status_code == 302


def test_a_published_planning_stays_published_for_the_staff_while_its_coordinator_edits_it(people, published):
    (me, planning, ana, bruno, claire, dora), shifts = published
    coordinator = as_user(me.user)
    edit_the_four_ways(coordinator, people.org, planning, shifts, bruno, dora)
    planning.refresh_from_db()
    assert planning.status == Planning.Status.PUBLISHED

    # Ana follows the link she was e-mailed: the planning as published, not the edits.
    staff = as_user(ana.user)
    response = staff.get(url(people.org, f"plannings/{planning.pk}/"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "09:00–12:00" in page and "10:00–12:00" not in page
    assert "Sortie" in page and "Veillée" not in page and "non publiée" not in page
    listing = staff.get(url(people.org, "plannings/")).content.decode()
    assert "Vacances d&#x27;hiver" in listing and "Aucun planning" not in listing and "non publiée" not in listing
    # The agenda (and the conflict engine) keep the published shifts too.
    assert sorted(Allocation.objects.filter(membership=ana).values_list("start", flat=True)) == [at(2030, 2, 18, 9), at(2030, 2, 21, 9)]

    # The coordinator sees the four pending changes, before → after.
    page = coordinator.get(url(people.org, f"plannings/{planning.pk}/")).content.decode()
    assert page.count("4 modifications non publiées") == 2  # header pill and section title
    assert "« Matin »</strong>, lundi 18 février 2030, 10:00–12:00" in page
    assert "Date et horaire : 09:00–12:00 → <strong>10:00–12:00</strong>" in page
    assert f"Personnes : {bruno.user} → <strong>{dora.user}</strong>" in page
    assert "Nouveau créneau" in page and "Créneau supprimé" in page and "Nouveau, non publié" in page
    assert "Publier les modifications" in page and "Annuler les modifications" in page
    assert "4 modifications non publiées" in coordinator.get(url(people.org, "plannings/")).content.decode()


def test_republishing_sends_each_person_concerned_one_email_with_only_their_changes(people, published,
                                                                                     django_capture_on_commit_callbacks):
    (me, planning, ana, bruno, claire, dora), shifts = published
    coordinator = as_user(me.user)
    edit_the_four_ways(coordinator, people.org, planning, shifts, bruno, dora)
    confirm = coordinator.get(url(people.org, f"plannings/{planning.pk}/publier/")).content.decode()
    assert "4 modifications non publiées" in confirm and "les autres ne reçoivent rien" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(url(people.org, f"plannings/{planning.pk}/publier/"), follow=True)
    assert "Planning publié : 3 personnes prévenues de leurs changements." in response.content.decode()

    bodies = {}
    for message in mail.outbox:
        assert message.to[0] not in bodies  # one e-mail each
        bodies[message.to[0]] = message.body
    assert set(bodies) == {"ana@example.org", "bruno@example.org", "dora@example.org"}  # Claire: nothing changed for her
    assert all(m.subject == "[Maillon] Planning « Vacances d'hiver » modifié" for m in mail.outbox)
    lines = {who: [line for line in body.splitlines() if line.startswith(("Nouveau", "Modifié", "Retiré"))] for who, body in bodies.items()}
    assert lines["ana@example.org"] == [
        "Modifié : « Matin », lundi 18 février 2030, 09:00–12:00 → lundi 18 février 2030, 10:00–12:00",
        "Retiré : « Sortie », jeudi 21 février 2030, 09:00–17:00"]
    assert lines["bruno@example.org"] == ["Retiré : « Après-midi », lundi 18 février 2030, 14:00–17:00",
                                          "Nouveau : « Veillée », mercredi 20 février 2030, 18:00–21:00"]
    assert lines["dora@example.org"] == ["Nouveau : « Après-midi », lundi 18 février 2030, 14:00–17:00"]
    assert "Vos créneaux dans « Vacances d'hiver » :" in bodies["ana@example.org"]
    assert sorted(Notification.objects.values_list("recipient__email", flat=True)) == sorted(bodies)
    assert not Notification.objects.filter(recipient=claire.user).exists()

    # Published: the staff and the agenda now follow; nothing waits any more.
    assert "10:00–12:00" in as_user(ana.user).get(url(people.org, f"plannings/{planning.pk}/")).content.decode()
    assert sorted(Allocation.objects.filter(membership=ana).values_list("start", flat=True)) == [at(2030, 2, 18, 10)]
    assert "non publiée" not in coordinator.get(url(people.org, f"plannings/{planning.pk}/")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert plannings.publish(me, planning) == 0  # republishing without changes tells nobody
    assert mail.outbox == []


def test_discarding_the_changes_asks_first_and_restores_the_published_version(people, published,
                                                                              django_capture_on_commit_callbacks):
    (me, planning, ana, bruno, claire, dora), shifts = published
    coordinator = as_user(me.user)
    edit_the_four_ways(coordinator, people.org, planning, shifts, bruno, dora)
    target = url(people.org, f"plannings/{planning.pk}/annuler-modifications/")
    assert as_user(ana.user).get(target).status_code == 403
    assert as_user(ana.user).post(target).status_code == 403
    assert as_user(people.outsider).get(target).status_code == 404
    confirm = coordinator.get(target).content.decode()
    assert "Revenir à la version publiée" in confirm and "4 modifications non publiées" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        page = coordinator.post(target, follow=True).content.decode()
    assert "4 modifications annulées : le planning est revenu à sa version publiée." in page
    assert mail.outbox == [] and not Notification.objects.exists()
    rows = {s.title: (s.start, s.end, sorted(m.pk for m in s.people.all()), s.occurrence_id) for s in planning.shifts.all()}
    assert rows == {s.title: (s.start, s.end, sorted(m.pk for m in s.people.all()), s.occurrence_id) for s in shifts.values()}
    assert planning.shifts.get(title="Sortie").pk == shifts["sortie"].pk  # the same shift, with its agenda event
    assert "non publiée" not in coordinator.get(url(people.org, f"plannings/{planning.pk}/")).content.decode()
    # Nothing left to discard: the confirmation page says so instead.
    assert "Aucune modification n’attend de publication." in coordinator.get(target, follow=True).content.decode()


def test_a_swap_is_between_published_shifts_and_approving_it_publishes_only_the_swap(people, published):
    (me, planning, ana, bruno, claire, dora), shifts = published
    matin = shifts["matin"]
    plannings.update_shift(me, matin, people=[dora], start=matin.start, end=matin.end)  # pending: Dora instead of Ana
    plannings.update_shift(me, shifts["mardi"], people=[claire], start=at(2030, 2, 19, 8), end=at(2030, 2, 19, 12))
    swap = plannings.propose_swap(ana, matin, recipient=bruno)  # Ana is on it as published
    plannings.answer_swap(bruno, swap, True)
    with pytest.raises(ValidationError, match="ont changé"):
        plannings.decide_swap(me, swap, True)  # the working copy no longer has Ana on it
    plannings.update_shift(me, matin, people=[ana], start=matin.start, end=matin.end)
    plannings.decide_swap(me, swap, True)
    planning.refresh_from_db()
    told = pending.published(planning)
    assert told[str(matin.pk)]["people"] == [bruno.pk]
    # Only the swap was published: Claire's new time still waits.
    shifts_now, _profiles = plannings.load(planning)
    assert [c.title for c in plannings.pending_changes(planning, shifts_now)] == ["Mardi"]


def test_the_planning_pages_do_not_query_more_with_more_pending_changes(people, published):
    (me, planning, ana, bruno, claire, dora), shifts = published
    coordinator, staff = as_user(me.user), as_user(ana.user)
    page, listing = url(people.org, f"plannings/{planning.pk}/"), url(people.org, "plannings/")
    plannings.update_shift(me, shifts["matin"], people=[ana], start=at(2030, 2, 18, 10), end=at(2030, 2, 18, 12))
    coordinator.get(page), staff.get(page)  # warm the per-process caches
    counts = []
    for client, path in ((coordinator, page), (staff, page), (coordinator, listing)):
        with QueryCounter() as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    # Twelve more: added shifts, people taken off (their names come from the published version), deletions.
    for day in range(18, 23):
        add(me, planning, day, 19, 21, [claire, dora], f"Soirée {day}")
    plannings.set_people(me, shifts["apres_midi"], [dora])
    plannings.delete_shift(me, shifts["sortie"])
    plannings.delete_shift(me, shifts["mardi"])
    for day in range(19, 23):
        add(me, planning, day, 7, 8, [bruno], f"Ouverture {day}")
    planning.refresh_from_db()
    shifts_now, _profiles = plannings.load(planning)
    assert len(plannings.pending_changes(planning, shifts_now)) == 13
    after = []
    for client, path in ((coordinator, page), (staff, page), (coordinator, listing)):
        with QueryCounter() as queries:
            assert client.get(path).status_code == 200
        after.append(len(queries))
    assert after == counts
    assert "13 modifications non publiées" in coordinator.get(page).content.decode()
    # The list counts them without writing them out (pending.count_changes): the same number.
    assert "13 modifications non publiées" in coordinator.get(listing).content.decode()


def test_the_migration_republishes_a_planning_an_edit_had_sent_back_to_draft(published):
    """Before this fix an edit sent the planning back to draft (staff: 404) and kept only
    what each person was told: the migration publishes it again, with the edits pending."""
    (me, planning, ana, bruno, claire, dora), shifts = published
    planning.refresh_from_db()
    told = pending.by_person(pending.published(planning))
    Planning.objects.filter(pk=planning.pk).update(status=Planning.Status.DRAFT, published_snapshot={str(k): v for k, v in told.items()})
    Shift.objects.filter(pk=shifts["matin"].pk).update(start=at(2030, 2, 18, 10))
    migration = importlib.import_module("maillon.agenda.migrations.0007_published_plannings_keep_whole_shifts")
    migration.forwards(apps, None)
    planning.refresh_from_db()
    assert planning.status == Planning.Status.PUBLISHED
    assert pending.published(planning)[str(shifts["matin"].pk)]["start"] == "2030-02-18T08:00:00+00:00"  # 09:00 in Paris, as told
    changes = plannings.pending_changes(planning, plannings.load(planning)[0])
    assert [(c.title, c.items) for c in changes] == [("Matin", [("Date et horaire", "09:00–12:00", "10:00–12:00")])]
    migration.forwards(apps, None)  # run twice: nothing changes
    planning.refresh_from_db()
    assert len(plannings.pending_changes(planning, plannings.load(planning)[0])) == 1


# ---- the diff itself, over random edits ----------------------------------------------------

PEOPLE = [1, 2, 3, 4]
row = st.fixed_dictionaries({
    "title": st.sampled_from(["Accueil", "Piscine", "Veillée"]),
    "day": st.integers(14, 18), "hour": st.integers(7, 20), "length": st.integers(1, 4),
    "people": st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3),
    "supervisors_needed": st.integers(1, 2),
})


def as_state(rows: dict[int, dict]) -> dict[str, dict]:
    out = {}
    for key, r in rows.items():
        start = datetime(2026, 12, r["day"], r["hour"], tzinfo=UTC)
        out[str(key)] = {"title": r["title"], "start": start.isoformat(), "end": (start + timedelta(hours=r["length"])).isoformat(),
                         "people": sorted(r["people"]), "occurrence": None, "supervisors_needed": r["supervisors_needed"],
                         "qualification": "", "children_under_6": 0, "children_from_6": 0}
    return out


@settings(max_examples=150, deadline=None)
@given(before=st.dictionaries(st.integers(1, 8), row, max_size=6), edits=st.dictionaries(st.integers(1, 12), st.none() | row, max_size=8))
def test_each_person_is_told_exactly_the_differences_of_their_own_shifts(before, edits):
    """Random edits (``None`` deletes a shift, a row adds or replaces one): each person's
    list is exactly their shifts added, removed, or moved or renamed; the coordinators' count
    is exactly the shifts that differ in anything."""
    after = {k: v for k, v in {**before, **edits}.items() if v is not None}
    old, new = as_state(before), as_state(after)
    told_before, told_after = pending.by_person(old), pending.by_person(new)
    for person in PEOPLE:
        mine_before = {int(k): r for k, r in old.items() if person in r["people"]}
        mine_after = {int(k): r for k, r in new.items() if person in r["people"]}
        expected = {(k, "new") for k in mine_after.keys() - mine_before.keys()}
        expected |= {(k, "removed") for k in mine_before.keys() - mine_after.keys()}
        expected |= {(k, "changed") for k in mine_before.keys() & mine_after.keys()
                     if [mine_before[k][f] for f in ("start", "end", "title")] != [mine_after[k][f] for f in ("start", "end", "title")]}
        found = pending.person_diff(told_before.get(person, []), told_after.get(person, []))
        assert {((new_row or old_row)[0], kind) for kind, old_row, new_row in found} == expected
        assert len(found) == len(expected)
        lines = pending.changes(told_before.get(person, []), told_after.get(person, []))
        assert len(lines) == len(expected)  # nobody gets an e-mail without a change of theirs
        assert all(" 2026, " in line for line in lines)
    changes = pending.diff(old, new, {pk: f"P{pk}" for pk in PEOPLE})
    assert sorted(c.shift_id for c in changes) == sorted(int(k) for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    assert all(c.items for c in changes)


def test_the_swap_form_offers_only_shifts_as_published(people, published):
    (me, planning, ana, bruno, claire, dora), shifts = published
    # Pending edits of the working copy: Bruno's afternoon an hour later, Ana added to Tuesday
    # and taken off Thursday, a new evening shift.
    plannings.update_shift(me, shifts["apres_midi"], people=[bruno], start=at(2030, 2, 18, 15), end=at(2030, 2, 18, 18))
    plannings.update_shift(me, shifts["mardi"], people=[claire, ana], start=shifts["mardi"].start, end=shifts["mardi"].end)
    plannings.update_shift(me, shifts["sortie"], people=[dora], start=shifts["sortie"].start, end=shifts["sortie"].end)
    veillee = add(me, planning, 20, 18, 21, [bruno], "Veillée")
    page = as_user(ana.user).get(url(people.org, f"creneaux/{shifts['matin'].pk}/echanger/")).content.decode()
    offered = page.split('name="counter_shift"', 1)[1].split("</select>", 1)[0]
    # What Ana was told: the afternoon at 14:00 and Tuesday, not her own Thursday, not the new shift.
    assert "Après-midi — 18/02 14:00–17:00" in offered and "Mardi — 19/02 09:00–12:00" in offered
    assert "15:00" not in offered and "Sortie" not in offered and "Veillée" not in offered
    response = as_user(ana.user).post(url(people.org, f"creneaux/{shifts['matin'].pk}/echanger/"),
                                      {"recipient": bruno.pk, "counter_shift": veillee.pk, "message": ""})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
