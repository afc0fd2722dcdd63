"""The date finder on phrases written as people write minutes (issue 13, item 7).

Each phrase is read relative to the meeting's date (the reference, Thursday 10 December 2026
unless the row says otherwise) and gives one date (with its time and what to check about it)
or none. Ranges, weeks and vague periods stay unlinked; no phrase may link a wrong date.
"""

from datetime import date, time, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from maillon.meetings.datefinder import find_dates, warnings
from maillon.meetings.rendering import linkify
from maillon.meetings.tests.helpers import at, meeting

REF = date(2026, 12, 10)  # a Thursday; 14 December 2026 is a Monday
MONDAY_14 = "le 14 décembre 2026 est un lundi"
FAR = "date lointaine : vérifiez l’année"

# (text, matched text, day, start time, warning); a reference other than REF as a sixth item.
FOUND = [
    # A day of the month without the month: the next such day on or after the meeting.
    ("on se revoit mardi 14 à 10h", "mardi 14 à 10h", date(2026, 12, 14), time(10), MONDAY_14),
    ("on se revoit le 15 à 10h", "15 à 10h", date(2026, 12, 15), time(10), None),
    ("On se revoit le 17 à 9h30 en salle 2.", "17 à 9h30", date(2026, 12, 17), time(9, 30), None),
    ("Le 11 à 18h : AG.", "11 à 18h", date(2026, 12, 11), time(18), None),
    ("Le 14 à 10h avec la CAF.", "14 à 10h", date(2026, 12, 14), time(10), None),
    ("Réunion le 14 à 14:30", "14 à 14:30", date(2026, 12, 14), time(14, 30), None),
    ("on se revoit le 15 à 10 h", "15 à 10 h", date(2026, 12, 15), time(10), None),
    ("le 15 à midi", "15 à midi", date(2026, 12, 15), time(12), None),
    ("le 31 à 10h", "31 à 10h", date(2026, 12, 31), time(10), None),
    ("le 1er à 9h", "1er à 9h", date(2027, 1, 1), time(9), None),
    ("le 5 à 10h", "5 à 10h", date(2027, 1, 5), time(10), None),  # the 5th has passed: next month
    ("le 10 à 16h", "10 à 16h", date(2026, 12, 10), time(16), None),  # the meeting's own day
    ("rdv jeudi 17 à 14h30", "jeudi 17 à 14h30", date(2026, 12, 17), time(14, 30), None),
    ("Prochain COPIL : lundi 14, 9h", "lundi 14, 9h", date(2026, 12, 14), time(9), None),
    ("le lundi 14", "lundi 14", date(2026, 12, 14), None, None),
    ("Réunion des bénévoles le vendredi 18 de 18h à 20h.", "vendredi 18 de 18h à 20h", date(2026, 12, 18), time(18), None),
    ("mercredi 16 et jeudi 17", "mercredi 16", date(2026, 12, 16), None, None),  # the first of two
    ("jeudi 3 à 14h30", "jeudi 3 à 14h30", date(2026, 12, 3), time(14, 30), None, date(2026, 11, 26)),
    ("le lundi 7", "lundi 7", date(2026, 12, 7), None, None, date(2026, 12, 1)),
    ("lundi 1er", "lundi 1er", date(2027, 1, 1), None, "le 1er janvier 2027 est un vendredi"),
    ("vendredi 1er à 9h", "vendredi 1er à 9h", date(2027, 1, 1), time(9), None),
    ("le 31 à 10h", "31 à 10h", date(2027, 3, 31), time(10), None, date(2027, 2, 1)),  # February has none
    # Weekday, day and month: the nearest date, and a word when the weekday does not fit.
    ("mardi 14 décembre", "mardi 14 décembre", date(2026, 12, 14), None, MONDAY_14),
    ("lundi 14 et mardi 15 décembre", "lundi 14", date(2026, 12, 14), None, None, date(2026, 11, 10)),  # the month shared
    ("on se revoit mardi 14 décembre à 10h", "mardi 14 décembre à 10h", date(2026, 12, 14), time(10), MONDAY_14),
    ("lundi 14 décembre", "lundi 14 décembre", date(2026, 12, 14), None, None),
    ("Prochaine réunion mardi 15 décembre à 14h.", "mardi 15 décembre à 14h", date(2026, 12, 15), time(14), None),
    ("mer. 16 déc. à 9h", "mer. 16 déc. à 9h", date(2026, 12, 16), time(9), None),
    ("ven. 18 déc. à 14h", "ven. 18 déc. à 14h", date(2026, 12, 18), time(14), None),
    ("samedi 19 déc. 10h-12h", "samedi 19 déc. 10h-12h", date(2026, 12, 19), time(10), None),
    ("jeudi 7 janvier à 9 heures", "jeudi 7 janvier à 9 heures", date(2027, 1, 7), time(9), None),
    ("Bilan vendredi 8 janvier 2027 à 10h.", "vendredi 8 janvier 2027 à 10h", date(2027, 1, 8), time(10), None),
    ("Bilan lundi 8 janvier 2027", "lundi 8 janvier 2027", date(2027, 1, 8), None, "le 8 janvier 2027 est un vendredi"),
    ("Fête de quartier le samedi 13 juin", "samedi 13 juin", date(2027, 6, 13), None, "le 13 juin 2027 est un dimanche"),
    # Day and month in figures.
    ("RDV lun. 14/12 à 10h", "lun. 14/12 à 10h", date(2026, 12, 14), time(10), None),
    ("mar. 14/12", "mar. 14/12", date(2026, 12, 14), None, MONDAY_14),
    ("mar. 15/12", "mar. 15/12", date(2026, 12, 15), None, None),
    ("dim. 20/12", "dim. 20/12", date(2026, 12, 20), None, None),
    ("Le 14/12 à 9h30 en visio.", "14/12 à 9h30", date(2026, 12, 14), time(9, 30), None),
    ("14/12 à 9h30", "14/12 à 9h30", date(2026, 12, 14), time(9, 30), None),
    ("Point d'étape le 15/12.", "15/12", date(2026, 12, 15), None, None),
    ("Le 12/01/2027 à 14h.", "12/01/2027 à 14h", date(2027, 1, 12), time(14), None),
    ("Le 12.01.2027", "12.01.2027", date(2027, 1, 12), None, None),
    ("2027-01-12", "2027-01-12", date(2027, 1, 12), None, None),
    ("le 20/12/26", "20/12/26", date(2026, 12, 20), None, None),
    ("mar. 12/01/2027 à 9h", "mar. 12/01/2027 à 9h", date(2027, 1, 12), time(9), None),
    # Written months.
    ("AG le 20 mars 2027 à 9h30.", "20 mars 2027 à 9h30", date(2027, 3, 20), time(9, 30), None),
    ("le 3 janv. à 10h", "3 janv. à 10h", date(2027, 1, 3), time(10), None),
    ("3 janv.", "3 janv.", date(2027, 1, 3), None, None),
    ("le 1er février", "1er février", date(2027, 2, 1), None, None),
    ("le 10 décembre à 16h", "10 décembre à 16h", date(2026, 12, 10), time(16), None),
    ("CA du 4 décembre 2026", "4 décembre 2026", date(2026, 12, 4), None, None),
    ("avant le 15 janvier", "15 janvier", date(2027, 1, 15), None, None),
    ("dossier à rendre jusqu'au 18 décembre", "18 décembre", date(2026, 12, 18), None, None),
    ("le compte rendu du 15 mars à 14h", "15 mars à 14h", date(2027, 3, 15), time(14), None),
    # Relative words.
    ("Réunion lundi prochain à 9h.", "lundi prochain à 9h", date(2026, 12, 14), time(9), None),
    ("Rappel : demain à 14h, atelier cuisine.", "demain à 14h", date(2026, 12, 11), time(14), None),
    ("après-demain", "après-demain", date(2026, 12, 12), None, None),
    ("aujourd'hui à 17h", "aujourd'hui à 17h", date(2026, 12, 10), time(17), None),
    ("jeudi à 14h", "jeudi à 14h", date(2026, 12, 10), time(14), None),
    ("vendredi à 10h", "vendredi à 10h", date(2026, 12, 11), time(10), None),
    ("Point dans 15 jours.", "dans 15 jours", date(2026, 12, 25), None, None),
    ("À revoir dans un mois.", "dans un mois", date(2027, 1, 10), None, None),
    ("Revoir dans 2 semaines.", "dans 2 semaines", date(2026, 12, 24), None, None),
    # Far dates: linked (they are the dates written) and flagged.
    ("Le 3 décembre 2025, nous avions voté", "3 décembre 2025", date(2025, 12, 3), None, FAR),
    ("Reporté au 14 décembre 2027", "14 décembre 2027", date(2027, 12, 14), None, FAR),
    ("le 12 mars 2029", "12 mars 2029", date(2029, 3, 12), None, FAR),
    ("le 10/12/2016 à 10h", "10/12/2016 à 10h", date(2016, 12, 10), time(10), FAR),
]

# Phrases that must stay unlinked (reference REF): no single day, a day gone by, or no date at all.
UNLINKED = [
    # Ranges, weeks, periods: no single day (linking one end would link the wrong one).
    "du 15 au 19 mars",
    "Vacances du 19 décembre au 4 janvier.",
    "Fermeture du 24 au 31 décembre.",
    "Accueil de loisirs du lundi 21 au mercredi 23 décembre.",
    "du 15 mars au 2 avril",
    "du 15/03 au 19/03",
    "entre le 15 et le 19 mars",
    "la semaine du 8",
    "la semaine du 14 décembre",
    "Semaine du 4 janvier : inscriptions.",
    "fin mars",
    "début avril",
    "mi-mars",
    "courant janvier",
    # A weekday that fits a day just gone: a past event told, not a date to plan.
    "lundi 7 : réunion d'équipe",
    "le compte rendu du mardi 8 décembre",
    "jeudi 3 à 14h30",
    "l'atelier de mercredi 9 s'est bien passé",
    # Numbers that are not days.
    "14 participants dont 3 bénévoles",
    "mardi 14 participants",
    "lundi 14 personnes présentes",
    "budget de 15 € par enfant",
    "le 15 € de participation",
    "de 10h à 12h",
    "10h-12h",
    "Tél. 03 20 12 34 56",
    "appeler le 06 12 34 56 78",
    "au 1er étage",
    "le 2e trimestre",
    "2 à 3 réunions par mois",
    "l'article 12 du règlement",
    "le score était de 3/4",
    "Sortie le 12",  # a day alone without a weekday nor a time: too vague
    # A weekday alone, or with an hour that is not a day.
    "rendez-vous mardi",
    "15 jeunes le mardi",
    "mercredi 16h",
    "mardi 14h",
    "vendredi, 10h",
]


def _case(row):
    text, matched, day, start, warning, *rest = row
    return text, matched, day, start, warning, rest[0] if rest else REF


@pytest.mark.parametrize(("text", "matched", "day", "start", "warning", "reference"), [_case(r) for r in FOUND],
                         ids=[f"{r[0]} ({_case(r)[5]})" for r in FOUND])
def test_minutes_phrase_gives_its_date(text, matched, day, start, warning, reference):
    found = find_dates(text, reference)
    assert found, "no date found"
    m = found[0]
    assert (m.text, m.day, m.time) == (matched, day, start)
    assert text[m.start:m.end] == matched
    with translation.override("fr"):
        assert warnings(m) == ([warning] if warning else [])


@pytest.mark.parametrize("text", UNLINKED, ids=UNLINKED)
def test_minutes_phrase_stays_unlinked(text):
    assert find_dates(text, REF) == []


def test_the_corpus_holds_at_least_eighty_phrases():
    assert len(FOUND) + len(UNLINKED) >= 80


def test_the_warning_is_shown_next_to_the_link():
    with translation.override("fr"):
        html = str(linkify("On se revoit mardi 14 décembre à 10h.", REF, "/essais/reunions/nouvelle/", 7))
    assert 'data-date="2026-12-14">mardi 14 décembre à 10h</a> <em class="date-warning">(le 14 décembre 2026 est un lundi)</em>' in html
    with translation.override("fr"):
        plain = str(linkify("le 15 à 10h", REF, "/essais/reunions/nouvelle/", 7))
    assert "date-warning" not in plain and 'data-date="2026-12-15"' in plain


def test_days_listed_before_their_month_take_that_month():
    found = find_dates("Permanences lundi 14, mardi 15 et mercredi 16 décembre 2026.", date(2026, 11, 10))
    assert [(m.text, m.day, m.weekday_mismatch) for m in found] == [
        ("lundi 14", date(2026, 12, 14), None), ("mardi 15", date(2026, 12, 15), None),
        ("mercredi 16 décembre 2026", date(2026, 12, 16), None)]


@pytest.mark.django_db
def test_the_minutes_page_says_the_weekday_does_not_fit(people, login):
    m = meeting(people.org, people.owner, people.colleague, start=at(2030, 12, 10, 14))  # 14 December 2030 is a Saturday
    client = login(people.colleague)
    response = client.post(f"/{people.org.slug}/reunions/{m.pk}/compte-rendu/", {"version": 1, "s2": "On se revoit mardi 14 à 10h."})
    assert response.status_code == 302
    page = client.get(f"/{people.org.slug}/reunions/{m.pk}/compte-rendu/").content.decode()
    assert ('data-date="2030-12-14">mardi 14 à 10h</a> <em class="date-warning">(le 14 décembre 2030 est un samedi)</em>'
            in page)


REFERENCES = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(REFERENCES, st.integers(min_value=1, max_value=31))
def test_a_day_alone_is_the_next_such_day(reference, n):
    found = find_dates(f"on se revoit le {n} à 10h", reference)
    assert len(found) == 1
    m = found[0]
    assert m.day >= reference and m.day.day == n and m.time == time(10)
    assert m.day - reference < timedelta(days=62)  # within two months (the 31st may skip one)
    assert m.weekday_mismatch is None and not m.far


@given(REFERENCES, st.integers(min_value=1, max_value=31), st.sampled_from(["lundi", "mardi", "mercredi", "jeudi", "vendredi"]))
def test_a_weekday_and_a_day_give_that_day_or_say_it_does_not_fit(reference, n, weekday):
    number = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"].index(weekday)
    for m in find_dates(f"réunion {weekday} {n} à 10h", reference):
        assert m.day >= reference and m.day.day == n and m.day - reference < timedelta(days=62)
        assert (m.weekday_mismatch == number) == (m.day.weekday() != number)
        assert m.weekday_mismatch in (None, number)


@given(REFERENCES, st.integers(min_value=1, max_value=28), st.integers(min_value=1, max_value=12),
       st.sampled_from(["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]))
def test_a_weekday_day_and_month_is_the_nearest_one_within_a_year(reference, n, month, weekday):
    name = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
            "décembre"][month - 1]
    for m in find_dates(f"{weekday} {n} {name}", reference):
        assert (m.day.day, m.day.month) == (n, month)
        assert reference <= m.day < reference + timedelta(days=366) and not m.far


@given(REFERENCES, st.integers(min_value=1, max_value=27), st.integers(min_value=1, max_value=3),
       st.sampled_from(["mars", "avril", "décembre"]))
def test_a_range_is_never_linked(reference, first, length, month):
    assert find_dates(f"fermé du {first} au {first + length} {month}", reference) == []
    assert find_dates(f"la semaine du {first} {month}", reference) == []
