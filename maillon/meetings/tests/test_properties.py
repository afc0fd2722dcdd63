"""Properties checked on many cases: the quorum rule, and minutes text rendering (whatever is
typed, nothing executable comes out and every date found becomes one link)."""

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.meetings.models import Minutes
from maillon.meetings.rendering import TAGS, linkify

REFERENCE = date(2026, 11, 23)
PIECES = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>', "<b>gras</b>",
    "<ul><li>un</li></ul>", "le 12 mars à 14h", "jeudi prochain", "12/03/2027", " & ", " < ", "\n", "texte", "<i", "\"'",
    '<a href="https://exemple.fr">lien</a>', "<style>p{}</style>", "<iframe src=x>",
])


@given(st.integers(min_value=1, max_value=500), st.data())
def test_the_quorum_is_more_than_half_of_the_members_with_voting_rights(members, data):
    present = data.draw(st.integers(min_value=0, max_value=members))
    minutes = Minutes(voting_members=members, voting_present=present)
    assert minutes.quorum_met == (2 * present > members)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=12))
def test_rendered_minutes_never_carry_script(parts):
    html = str(linkify("".join(parts), REFERENCE, "/essais/reunions/nouvelle/", 7)).lower()
    for tag in re.findall(r"<[^>]*>", html):  # every real tag is an allowed one, with harmless attributes
        name = re.match(r"</?([a-z]+)", tag).group(1)
        assert name in TAGS, tag
        attributes = re.findall(r'\s([a-z-]+)="([^"]*)"', tag)
        assert all(a in ("href", "rel", "class", "data-date", "title") for a, _v in attributes), tag
        assert all(v.startswith(("https:", "/essais/")) for a, v in attributes if a == "href"), tag
    dates = sum(p in ("le 12 mars à 14h", "jeudi prochain", "12/03/2027") for p in parts)
    assert html.count('class="date-link"') <= dates


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["texte", "<b>gras</b>", "&", "<ul><li>point</li></ul>", "\n"]), max_size=6))
def test_a_date_between_words_is_always_one_link(parts):
    text = " ".join([*parts, "rendez-vous le 12 mars à 14h", *parts])
    html = str(linkify(text, REFERENCE, "/essais/reunions/nouvelle/", 7))
    assert html.count('class="date-link"') == 1 and ">12 mars à 14h</a>" in html
