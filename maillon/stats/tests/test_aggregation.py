"""The daily aggregation against a hand count, run twice; the retention of raw rows and aggregates."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.core import periodic
from maillon.stats import services, tasks
from maillon.stats.models import DailyStat, PageView

DAY = date(2026, 3, 4)

views_strategy = st.lists(st.tuples(
    st.integers(0, 1),  # which organisation
    st.sampled_from("abcde"),  # which session
    st.sampled_from(["leave:mine", "dashboard", "meetings:minutes"]),
    st.sampled_from(["staff", "director", "hr"]),
    st.integers(0, 23),
    st.sampled_from(["phone", "tablet", "desktop"]),
), max_size=40)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(views=views_strategy)
def test_the_aggregates_match_a_hand_count_and_running_twice_changes_nothing(people, views):
    PageView.objects.all().delete()
    DailyStat.objects.all().delete()
    orgs = [people.org, people.other_org]
    PageView.objects.bulk_create([PageView(organisation=orgs[o], date=DAY, hour=h, weekday=DAY.weekday(), route=r, role=role, device=d, visitor=v)
                                  for o, v, r, role, h, d in views])
    PageView.objects.create(organisation=people.org, date=DAY + timedelta(days=1), hour=1, weekday=0, route="x", role="staff", device="phone", visitor="z")

    # By hand: views per group; a visit per (organisation, session), where its earliest view was.
    expected_views = Counter((orgs[o].pk, r, role, h, d) for o, v, r, role, h, d in views)
    earliest = {}
    for index, (o, v, r, role, h, d) in enumerate(views):
        if (o, v) not in earliest or (h, index) < earliest[(o, v)][0]:
            earliest[(o, v)] = ((h, index), (orgs[o].pk, r, role, h, d))
    expected_visits = Counter(group for _order, group in earliest.values())

    for _run in range(2):
        services.aggregate_day(DAY)
        rows = DailyStat.objects.filter(date=DAY)
        assert {(s.organisation_id, s.route, s.role, s.hour, s.device): s.views for s in rows} == dict(expected_views)
        got_visits = Counter()
        for s in rows:
            if s.visits:
                got_visits[(s.organisation_id, s.route, s.role, s.hour, s.device)] = s.visits
        assert got_visits == expected_visits
        assert sum(s.visits for s in rows) == len({(o, v) for o, v, *_ in views})
        assert all(s.weekday == DAY.weekday() for s in rows)
    assert not DailyStat.objects.exclude(date=DAY).exists()  # the next day is left for its own run


@pytest.mark.django_db
def test_late_views_of_a_day_are_added_by_the_next_run(org):
    PageView.objects.create(organisation=org, date=DAY, hour=9, weekday=2, route="dashboard", role="staff", device="phone", visitor="a")
    services.aggregate_day(DAY)
    PageView.objects.create(organisation=org, date=DAY, hour=23, weekday=2, route="dashboard", role="staff", device="phone", visitor="a")
    services.aggregate_day(DAY)
    assert [(s.hour, s.views, s.visits) for s in DailyStat.objects.order_by("hour")] == [(9, 1, 1), (23, 1, 0)]


@pytest.mark.django_db
@override_settings(STATS_RAW_DAYS=7, STATS_KEEP_MONTHS=25)
def test_raw_views_go_after_seven_days_and_aggregates_after_25_months(org, stat):
    today = date(2026, 12, 6)
    for age in (0, 7, 8):
        PageView.objects.create(organisation=org, date=today - timedelta(days=age), hour=9, weekday=0, route="r", role="staff", device="phone", visitor="v")
    for day in (date(2024, 11, 6), date(2024, 11, 5), today):
        stat(day)
    services.purge(today)
    assert sorted((today - v).days for v in PageView.objects.values_list("date", flat=True)) == [0, 7]
    assert sorted(DailyStat.objects.values_list("date", flat=True)) == [date(2024, 11, 6), today]


def test_the_jobs_are_registered_once_a_day_and_every_hour():
    assert periodic.JOBS["stats.aggregate_daily"].period == "daily"
    assert periodic.JOBS["stats.aggregate_today"].period == "hourly"


@pytest.mark.django_db
def test_the_nightly_job_aggregates_the_last_days(org):
    today = services.today()
    for age in (0, 1, 2):
        PageView.objects.create(organisation=org, date=today - timedelta(days=age), hour=9, weekday=0, route="r", role="staff", device="phone", visitor="v")
    tasks.aggregate_daily.call()
    assert DailyStat.objects.count() == 3


@pytest.mark.django_db
def test_the_demo_gives_both_demo_organisations_weeks_of_figures_once(people):
    from types import SimpleNamespace

    from maillon.stats.demo import seed_stats

    context = SimpleNamespace(main=people.org, second=people.other_org)
    seed_stats(context)
    count = DailyStat.objects.count()
    assert DailyStat.objects.for_organisation(people.org).dates("date", "day").count() == 42
    assert DailyStat.objects.for_organisation(people.other_org).exists()
    seed_stats(context)
    assert DailyStat.objects.count() == count


@pytest.mark.django_db
def test_a_day_without_raw_views_keeps_its_figures(org, stat):
    stat(DAY, views=8)
    assert services.aggregate_day(DAY) == 0
    assert DailyStat.objects.get().views == 8
