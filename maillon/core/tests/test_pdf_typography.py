"""Every string printed in a PDF goes through core.pdf.text: French typography survives the
windows-1252 core fonts (apostrophes, guillemets, dashes, narrow no-break spaces), nothing
raises, and what cannot be drawn becomes « ? »."""

from hypothesis import given
from hypothesis import strategies as st

from maillon.core.pdf import ENCODING, HousePDF, text
from maillon.testing import pdf_text


def test_french_typography_is_kept_or_mapped_to_its_closest_character():
    assert text("l’organisation « Maillon » – 3 € … ‘a’ “b” —") == "l’organisation « Maillon » – 3 € … ‘a’ “b” —"
    assert text("12\u202f000\u00a0€ ; oui\u202f!") == "12\u00a0000\u00a0€ ; oui\u00a0!"
    assert text("lʼorganisation l′organisation") == "l’organisation l’organisation"
    assert text("e\u0301te\u0301 \u2212 5 anti\u2011gaspi") == "été - 5 anti-gaspi"
    assert text(None) == "" and text("漢") == "?"


def test_the_apostrophe_is_drawn_in_the_pdf():
    pdf = HousePDF(title="Note", author="Centre", footer="Centre")
    pdf.note("Validé par l’organisation le 3\u202fmars")
    assert "Validé par l’organisation le 3 mars" in pdf_text(bytes(pdf.output()))


@given(st.text())
def test_any_text_can_be_encoded_for_the_core_fonts(value):
    printed = text(value)
    printed.encode(ENCODING)  # never raises
    assert "\u202f" not in printed
