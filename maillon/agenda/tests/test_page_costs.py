"""The planning's list pages cost the same whatever the history (issue 14): the queries of the
agenda's list and week and of the plannings list do not grow with the events and plannings, and
the plannings list counts the pending changes exactly as the planning page lists them."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.accounts.roles import Role
from maillon.agenda import pending, plannings, services
from maillon.testing import QueryCounter

from .helpers import at, membership, room, sector_planning

MOMENTS = [datetime(2030, 2, 18, h, tzinfo=UTC).isoformat() for h in (7, 9, 12)]
ROW = st.fixed_dictionaries({
    "title": st.sampled_from(["Matin", "Soir"]), "start": st.sampled_from(MOMENTS[:2]), "end": st.just(MOMENTS[2]),
    "people": st.lists(st.integers(1, 4), unique=True, max_size=3), "occurrence": st.sampled_from([None, 7]),
    "supervisors_needed": st.integers(1, 2), "qualification": st.sampled_from(["", "bafa"]),
    "children_under_6": st.integers(0, 1), "children_from_6": st.integers(0, 1),
})
STATE = st.dictionaries(st.sampled_from(["1", "2", "3", "4", "5"]), ROW, max_size=5)


@settings(max_examples=200, deadline=None)
@given(before=STATE, after=STATE, shuffle=st.randoms())
def test_the_count_of_changes_is_the_number_of_changes_listed(before, after, shuffle):
    # The people of the working copy come in the database's order, not sorted.
    after = {key: {**row, "people": shuffle.sample(row["people"], len(row["people"]))} for key, row in after.items()}
    assert pending.count_changes(before, after) == len(pending.diff(before, after, {}))


def _agenda_queries(client, path) -> int:
    client.get(path)
    with QueryCounter() as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_agenda_list_and_week_do_not_query_more_with_more_events(people, login):
    me = membership(people.owner, people.org)
    salle = room(people.org)
    monday = date(2030, 3, 4)
    services.create_event(me, title="Atelier 0", start=at(2030, 3, 4, 9), end=at(2030, 3, 4, 10), resources=[salle])
    client = login(people.owner)
    paths = [f"/{people.org.slug}/agenda/?vue={view}&date={monday.isoformat()}" for view in ("liste", "semaine", "jour", "mois")]
    few = [_agenda_queries(client, path) for path in paths]
    for i in range(1, 30):
        day = monday + timedelta(days=i % 6)
        services.create_event(me, title=f"Atelier {i}", start=at(day.year, day.month, day.day, 11 + i // 6), end=at(day.year, day.month, day.day, 12 + i // 6),
                              resources=[salle] if i % 2 else [])
    many = [_agenda_queries(client, path) for path in paths]
    assert many == few and max(many) <= 12
    page = client.get(paths[1]).content.decode()
    assert "Atelier 29" in page and "Salle Le Chêne" in page


def test_the_plannings_list_does_not_query_more_with_more_plannings(people, login):
    first = sector_planning(people, "Planning 0", date(2030, 7, 8), date(2030, 7, 12))
    me = membership(first.coordo, people.org)
    plannings.add_shift(me, first, title="Accueil", start=at(2030, 7, 8, 9), end=at(2030, 7, 8, 12), people=[me])
    coordinator = login(first.coordo)
    listing = f"/{people.org.slug}/agenda/plannings/"
    few = _agenda_queries(coordinator, listing)
    for i in range(1, 23):
        other = sector_planning(people, f"Planning {i}", date(2030, 7, 8) - timedelta(days=7 * i), date(2030, 7, 12) - timedelta(days=7 * i))
        for day in range(3):
            start = datetime.combine(other.start_date + timedelta(days=day), datetime.min.time()).replace(hour=9)
            plannings.add_shift(me, other, title="Accueil", start=at(start.year, start.month, start.day, 9), end=at(start.year, start.month, start.day, 12), people=[me])
    assert _agenda_queries(coordinator, listing) == few <= 12
    page = coordinator.get(listing).content.decode()
    assert "Planning 0" in page and "1 créneau" in page and "3 créneaux" in page and "Page 1 sur 2" in page
    staff = login(people.with_role(Role.STAFF))
    assert _agenda_queries(staff, listing) <= 12
