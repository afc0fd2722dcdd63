"""« Mon planning »'s day titles (issue 14): drawn without humanize's ``naturalday`` filter, the same
words (« Aujourd'hui », « Demain », « Hier », else « Lundi 8 décembre ») in French and English."""

from datetime import date, datetime, timedelta

from django.contrib.humanize.templatetags.humanize import naturalday
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from maillon.agenda.templatetags.agenda import _natural_day


@given(offset=st.one_of(st.integers(-3, 16), st.integers(-40_000, 40_000)), language=st.sampled_from(["fr", "en"]))
def test_a_day_title_is_what_naturalday_writes(offset, language):
    today = datetime.now().date()
    day = today + timedelta(days=offset)
    with translation.override(language):
        assert _natural_day(day, today) == naturalday(day, "l j F")


def test_french_titles_as_a_person_reads_them():
    today = date(2026, 12, 7)
    with translation.override("fr"):
        assert [_natural_day(today + timedelta(days=d), today) for d in (-1, 0, 1, 2)] == [
            "hier", "aujourd'hui", "demain", "Mercredi 9 décembre"]
