"""The team planning page stays fast and flat in queries whatever its size; the people
pickers of the shift forms list the shift's people first, then the sector's, then the others."""

import re
from datetime import date, timedelta

import pytest
from django.utils.html import escape

from maillon.agenda import conflicts, plannings, services
from maillon.agenda.models import Closure, Planning, WorkProfile
from maillon.testing import QueryCounter, make_member

from .helpers import at, membership, sector_planning


@pytest.fixture
def planning(people):
    return sector_planning(people, 'Été', date(2030, 7, 1), date(2030, 7, 14))


def page_url(planning):
    return f"/{planning.organisation.slug}/agenda/plannings/{planning.pk}/"


def test_the_planning_page_has_a_fixed_number_of_queries_whatever_its_shifts(people, planning, login):
    client = login(planning.coordo)
    me = membership(planning.coordo, people.org)
    team = [membership(u, people.org) for u in (people.owner, people.colleague, people.other_sector)]
    WorkProfile.objects.create(organisation=people.org, membership=team[0], contract="cdi", weekly_hours=10, qualifications=["bafa"])
    plannings.add_shift(me, planning, title="Accueil", start=at(2030, 7, 1, 9), end=at(2030, 7, 1, 12), people=[me])
    client.get(page_url(planning))  # warm the per-process caches
    with QueryCounter() as few:
        assert client.get(page_url(planning)).status_code == 200
    # 56 shifts of 3 people with every kind of problem: double bookings, working time,
    # ratios, qualifications, a closure.
    for day in range(14):
        for slot in range(4):
            start = at(2030, 7, 1 + day, 8 + 2 * slot)
            plannings.add_shift(me, planning, title=f"Créneau {slot}", start=start, end=start + timedelta(hours=3),
                                people=team, children_from_6=40, qualification="bafa" if slot == 0 else "")
    Closure.objects.create(organisation=people.org, start=at(2030, 7, 14, 0), end=at(2030, 7, 15, 0), reason="Fête nationale")
    with QueryCounter() as many:
        response = client.get(page_url(planning))
    page = response.content.decode()
    assert response.status_code == 200 and page.count('class="btn secondary danger"') == 57
    found = plannings.problems(planning)
    assert {p.kind for p in found} >= {"double", "ratio", "qualification", "closure", "week", "contract"}
    assert all(escape(p.message) in page for p in found)
    assert len(many) == len(few) <= 16


def test_the_planning_page_keeps_every_problem_and_row_text(people, planning, login):
    client = login(planning.coordo)
    me = membership(planning.coordo, people.org)
    ana = membership(people.owner, people.org)
    shift = plannings.add_shift(me, planning, title="Veillée", start=at(2030, 7, 2, 18), end=at(2030, 7, 2, 22), people=[ana],
                                children_under_6=9, children_from_6=13)
    page = client.get(page_url(planning)).content.decode()
    assert "3 adultes nécessaires · 9 moins de 6 ans, 13 de 6 ans et plus" in page
    assert "1 problème</span>" in page
    for path in ("modifier/", "equipe/", "supprimer/"):
        assert f'"/{people.org.slug}/agenda/creneaux/{shift.pk}/{path}"' in page
    assert str(people.owner) in page
    # Swap links once published, for my own shifts only.
    Planning.objects.filter(pk=planning.pk).update(status=Planning.Status.PUBLISHED)
    page = login(people.owner).get(page_url(planning)).content.decode()
    assert f'"/{people.org.slug}/agenda/creneaux/{shift.pk}/echanger/"' in page


def names_in_order(page):
    """(group legend or None, name, checked) of the people picker, in page order."""
    picker = page[page.index("data-people-picker"):page.index("data-people-none")]
    out, group = [], None
    for legend, checked, name in re.findall(r'<legend>([^<]*)</legend>|<input type="checkbox"[^>]*?( checked)?> <span>([^<]*)</span>', picker):
        if legend:
            group = legend
        else:
            out.append((group, name, bool(checked)))
    return out


@pytest.mark.parametrize("path", ["modifier/", "equipe/"])
def test_the_people_picker_lists_the_shift_then_the_sector_then_the_others(people, planning, login, path):
    me = membership(planning.coordo, people.org)
    zoe = membership(make_member(people.org, sector_name="Secteur Jeunes et Adolescents", first_name="Zoé", last_name="Aubert"), people.org)
    make_member(people.org, sector_name=None, first_name="Albert", last_name="Zola")
    shift = plannings.add_shift(me, planning, title="Accueil", start=at(2030, 7, 1, 9), end=at(2030, 7, 1, 12), people=[zoe])
    client = login(planning.coordo)
    page = client.get(f"/{people.org.slug}/agenda/creneaux/{shift.pk}/{path}").content.decode()
    rows = names_in_order(page)
    groups = [g for g, _n, _c in rows]
    assert groups == sorted(groups, key=["Sur ce créneau", "Secteur Enfance", "Reste de la structure"].index)
    assert rows[0] == ("Sur ce créneau", "Zoé Aubert", True)
    enfance = {n for g, n, _c in rows if g == "Secteur Enfance"}
    assert enfance == {str(u) for u in (people.owner, people.colleague, planning.coordo)}
    rest = [n for g, n, _c in rows if g == "Reste de la structure"]
    assert set(rest) == {str(people.other_sector), "Albert Zola"}
    assert not any(c for g, _n, c in rows if g != "Sur ce créneau")
    assert str(people.outsider) not in page  # never another organisation's people
    # The filter box: hidden until the script reveals it, no inline script.
    assert re.search(r'<div class="people-filter" data-people-filter hidden>', page)
    assert "/static/agenda/js/people" in page and "onclick" not in page and "<script>" not in page


def test_the_add_shift_form_lists_the_sector_first_and_saves_the_choice(people, planning, login):
    client = login(planning.coordo)
    page = client.get(page_url(planning)).content.decode()
    groups = [g for g, _n, _c in names_in_order(page)]
    assert groups[0] == "Secteur Enfance" and groups[-1] == "Reste de la structure"
    other = membership(people.other_sector, people.org)
    data = {"title": "Sortie", "day": "2030-07-03", "start_time": "09:00", "end_time": "12:00", "supervisors_needed": 1,
            "qualification": "", "children_under_6": 0, "children_from_6": 0, "people": [other.pk]}
    assert client.post(page_url(planning), data).status_code == 302
    assert list(planning.shifts.get().people.all()) == [other]


def test_a_person_s_work_in_another_organisation_never_counts_here(people, planning):
    """The people's allocations are read through their memberships of this organisation:
    someone who also belongs to another one is not double booked, nor overworked, by it."""
    me = membership(planning.coordo, people.org)
    ana = membership(people.owner, people.org)
    make_member(people.other_org, sector_name="Secteur Enfance", user=people.owner)
    elsewhere = membership(people.owner, people.other_org)
    for day in range(1, 8):  # 7 days of 10 hours over there
        services.create_event(elsewhere, title="Ailleurs", start=at(2030, 7, day, 8), end=at(2030, 7, day, 18), people=[elsewhere],
                              kind="meeting")
    plannings.add_shift(me, planning, title="Accueil", start=at(2030, 7, 1, 9), end=at(2030, 7, 1, 12), people=[ana])
    assert plannings.problems(planning) == []
    slot = [(at(2030, 7, 1, 9), at(2030, 7, 1, 12))]
    assert conflicts.check(people.org, slot, user_ids=[people.owner.pk]) == []
    assert len(conflicts.check(people.other_org, slot, user_ids=[people.owner.pk])) == 1
