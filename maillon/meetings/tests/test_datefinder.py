"""The date finder: a table of French phrases relative to Wednesday 13 January 2027."""

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillon.meetings.datefinder import find_dates

REF = date(2027, 1, 13)  # a Wednesday

DATES = [
    # (text, matched text, day, start time, end time)
    ("Prochaine réunion le 12 mars à 14h.", "12 mars à 14h", date(2027, 3, 12), time(14), None),
    ("rendez-vous mardi 19 janvier", "mardi 19 janvier", date(2027, 1, 19), None, None),
    ("le 12/03/2027 à 14h30", "12/03/2027 à 14h30", date(2027, 3, 12), time(14, 30), None),
    ("on se revoit jeudi prochain", "jeudi prochain", date(2027, 1, 14), None, None),
    ("point d'étape dans 15 jours", "dans 15 jours", date(2027, 1, 28), None, None),
    ("bilan dans quinze jours", "dans quinze jours", date(2027, 1, 28), None, None),
    ("dans 3 semaines", "dans 3 semaines", date(2027, 2, 3), None, None),
    ("dans trois semaines", "dans trois semaines", date(2027, 2, 3), None, None),
    ("dans 2 mois", "dans 2 mois", date(2027, 3, 13), None, None),
    ("dans un mois", "dans un mois", date(2027, 2, 13), None, None),
    ("dans 1 jour", "dans 1 jour", date(2027, 1, 14), None, None),
    ("mercredi prochain", "mercredi prochain", date(2027, 1, 20), None, None),
    ("ce vendredi", "ce vendredi", date(2027, 1, 15), None, None),
    ("ce mercredi à 18h", "ce mercredi à 18h", date(2027, 1, 13), time(18), None),
    ("demain à 9h", "demain à 9h", date(2027, 1, 14), time(9), None),
    ("après-demain", "après-demain", date(2027, 1, 15), None, None),
    ("apres-demain à 10 h", "apres-demain à 10 h", date(2027, 1, 15), time(10), None),
    ("aujourd'hui à midi", "aujourd'hui à midi", date(2027, 1, 13), time(12), None),
    ("aujourd’hui", "aujourd’hui", date(2027, 1, 13), None, None),
    ("le 1er avril", "1er avril", date(2027, 4, 1), None, None),
    ("le premier mai 2027", "premier mai 2027", date(2027, 5, 1), None, None),
    ("le 5 janvier", "5 janvier", date(2028, 1, 5), None, None),  # passed: next year
    ("le 13 janvier", "13 janvier", date(2027, 1, 13), None, None),
    ("le 3 févr. 2027", "3 févr. 2027", date(2027, 2, 3), None, None),
    ("le 3 fevrier", "3 fevrier", date(2027, 2, 3), None, None),
    ("le 15 août", "15 août", date(2027, 8, 15), None, None),
    ("le 15 aout", "15 aout", date(2027, 8, 15), None, None),
    ("le 2 déc.", "2 déc.", date(2027, 12, 2), None, None),
    ("le 2 decembre 2026", "2 decembre 2026", date(2026, 12, 2), None, None),
    ("le 29 février", "29 février", date(2028, 2, 29), None, None),  # next leap year
    ("vendredi 5 novembre", "vendredi 5 novembre", date(2027, 11, 5), None, None),
    ("dimanche 5 novembre", "dimanche 5 novembre", date(2027, 11, 5), None, None),  # the nearest (a Friday: flagged)
    ("Mardi 19 Janvier 2027 à 9h15", "Mardi 19 Janvier 2027 à 9h15", date(2027, 1, 19), time(9, 15), None),
    ("le 12 mars de 14h à 16h30", "12 mars de 14h à 16h30", date(2027, 3, 12), time(14), time(16, 30)),
    ("le 12 mars, 14h-16h", "12 mars, 14h-16h", date(2027, 3, 12), time(14), time(16)),
    ("le 12 mars à 14 h 30", "12 mars à 14 h 30", date(2027, 3, 12), time(14, 30), None),
    ("le 12 mars à 9 heures", "12 mars à 9 heures", date(2027, 3, 12), time(9), None),
    ("le 12 mars à 14:30", "12 mars à 14:30", date(2027, 3, 12), time(14, 30), None),
    ("le 12 mars vers 17h", "12 mars vers 17h", date(2027, 3, 12), time(17), None),
    ("12.03.2027", "12.03.2027", date(2027, 3, 12), None, None),
    ("12/03/27", "12/03/27", date(2027, 3, 12), None, None),
    ("2027-03-12", "2027-03-12", date(2027, 3, 12), None, None),
    ("le 12/03", "12/03", date(2027, 3, 12), None, None),
    ("jeudi à 14h", "jeudi à 14h", date(2027, 1, 14), time(14), None),
    ("lundi à 9h30", "lundi à 9h30", date(2027, 1, 18), time(9, 30), None),
    ("le 12 mars à 25h", "12 mars", date(2027, 3, 12), None, None),  # no such hour
    ("le 12 mars à 16h à 14h", "12 mars à 16h", date(2027, 3, 12), time(16), None),  # end before start: ignored
]

NOT_DATES = [
    "la version 2.5 du logiciel",
    "un budget de 3,5 millions",
    "1 200 euros pour 12 ans",
    "le score était de 3/4",
    "le 31 février",
    "le 32 mars",
    "32/01/2027",
    "12/13/2027",
    "2027-13-01",
    "en mars nous verrons",
    "à 14h nous partirons",
    "le jeudi, l'accueil est fermé",
    "un mardi sur deux",
    "au 1er étage",
    "appeler le 06 12 34 56 78",
    "page 12, article 3",
    "le lendemain",
    "demainville",
    "dans les 15 jours",
    "12 mai2027x",
    "",
]


@pytest.mark.parametrize(("text", "matched", "day", "start", "end"), DATES, ids=[d[0] for d in DATES])
def test_it_finds_the_french_date(text, matched, day, start, end):
    found = find_dates(text, REF)
    assert len(found) == 1, found
    m = found[0]
    assert (m.text, m.day, m.time, m.end_time) == (matched, day, start, end)
    assert text[m.start:m.end] == matched


@pytest.mark.parametrize("text", NOT_DATES)
def test_it_does_not_take_this_for_a_date(text):
    assert find_dates(text, REF) == []


def test_it_finds_several_dates_in_order():
    text = "Bilan le 12 mars à 14h, puis jeudi prochain, et enfin dans 15 jours."
    found = find_dates(text, REF)
    assert [m.text for m in found] == ["12 mars à 14h", "jeudi prochain", "dans 15 jours"]
    assert found[0].start < found[1].start < found[2].start


def test_it_counts_from_the_reference_date():
    assert find_dates("jeudi prochain", date(2027, 1, 14))[0].day == date(2027, 1, 21)
    assert find_dates("ce jeudi", date(2027, 1, 14))[0].day == date(2027, 1, 14)
    assert find_dates("dans un mois", date(2027, 1, 31))[0].day == date(2027, 2, 28)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.text(max_size=40))
def test_it_reads_back_any_numeric_date_and_never_crashes(day, noise):
    assert find_dates(noise, REF) is not None
    found = find_dates(f"réunion le {day:%d/%m/%Y} à 10h", REF)
    assert [(m.day, m.time) for m in found] == [(day, time(10))]
