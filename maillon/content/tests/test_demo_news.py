"""The demo's news « Fête de quartier » names the day of the agenda demo's party (this week's
Monday + 30 days) in French, published two days before the seeding day, whatever that day is;
seeding twice adds no second copy."""

from datetime import date, timedelta
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillon.content import demo
from maillon.content.models import NewsPage

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31)))
def test_the_party_is_a_month_ahead_and_written_the_french_way(today):
    day = demo.party_day(today)
    assert 24 <= (day - today).days <= 30 and day.weekday() == 2  # the agenda demo's Wednesday
    assert demo.news_title(demo.PARTY + " le {party}", today) == f"Fête de quartier le mercredi {day.day} {MONTHS[day.month - 1]}"


def test_a_december_demo_announces_a_january_party():
    assert demo.news_title(demo.PARTY + " le {party}", date(2026, 12, 6)) == "Fête de quartier le mercredi 30 décembre"
    assert demo.news_title(demo.PARTY + " le {party}", date(2026, 12, 7)) == "Fête de quartier le mercredi 6 janvier"


@pytest.mark.django_db
def test_the_seeded_news_is_published_before_the_party_it_announces(people):
    today = date(2026, 12, 7)
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        demo.seed_organisation(people.org, people.owner)
        demo.seed_organisation(people.org, people.owner)
    news = NewsPage.objects.filter(title__startswith="Fête de quartier")
    assert [(n.title, n.date) for n in news] == [("Fête de quartier le mercredi 6 janvier", today - timedelta(days=2))]
