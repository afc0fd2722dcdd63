"""issue 14: the row-drawing tags' dates (ui/dates.py) write what Django's ``date`` filter writes,
and the layout fragments drawn once per process ({% memo %}) are the ones a fresh drawing gives."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import dateformat, translation
from hypothesis import given
from hypothesis import strategies as st

from maillon.ui.dates import format_date

FORMATS = ["j F Y", "j N Y", "j N, H:i", "Y-m-d", "c", "d/m/Y H:i", "j M", "n", "l j F Y", "l j F", "l"]


@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31), timezones=st.just(UTC)),
       fmt=st.sampled_from(FORMATS), language=st.sampled_from(["fr", "en"]))
def test_format_date_writes_what_django_writes(moment, fmt, language):
    with translation.override(language):
        assert format_date(moment, fmt) == dateformat.format(moment, fmt)
        day = moment.date()
        if "H" not in fmt and "c" not in fmt:
            assert format_date(day, fmt) == dateformat.format(day, fmt)


def test_french_months_as_a_person_reads_them():
    with translation.override("fr"):
        assert format_date(date(2026, 2, 1), "j F Y") == "1 février 2026"
        assert format_date(datetime(2026, 8, 15, 9, 5, tzinfo=UTC), "j N, H:i") == "15 août, 09:05"


def test_memo_draws_once_per_language_and_key():
    from maillon.ui.templatetags import maillon_layout

    maillon_layout._fragments.clear()
    template = Template('{% load i18n maillon_layout %}{% memo "t" key %}{% translate "Menu" %} {{ key }} {{ other }}{% endmemo %}')
    with translation.override("fr"):
        assert template.render(Context({"key": 1, "other": "a"})) == "Menu 1 a"
        # Same key: the first drawing is given again (what the fragment shows must depend on its keys only).
        assert template.render(Context({"key": 1, "other": "b"})) == "Menu 1 a"
        assert template.render(Context({"key": 2, "other": "b"})) == "Menu 2 b"
    with translation.override("en"):
        assert template.render(Context({"key": 1, "other": "c"})) == "Menu 1 c"
    maillon_layout._fragments.clear()


def test_memo_needs_a_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load maillon_layout %}{% memo key %}x{% endmemo %}")
