"""The house PDF draws the EU emblem and the co-funding mention on every page when asked, and
keeps the content clear of them (the page breaks before the band)."""

import re
import zlib

from django.utils import translation

from maillon.core.pdf import EU_BLUE, EU_GOLD, HousePDF
from maillon.testing import pdf_text

MENTION = "Ce projet est cofinancé par l'Union Européenne avec le FEDER"


def document(feder: bool, lines: int = 120) -> tuple[bytes, HousePDF]:
    """A document of ``lines`` lines (three pages); ``pdf.lowest_line``: where the lowest one ended."""
    with translation.override("fr"):
        pdf = HousePDF(title="Essai", author="Centre", footer="Centre · essai", feder=feder)
        pdf.masthead("Centre", "Essai")
        lines_at = []
        for number in range(lines):
            pdf.cell(0, 6, f"ligne {number}", new_x="LMARGIN", new_y="NEXT")
            lines_at.append(pdf.get_y())
        pdf.lowest_line = max(lines_at)
        return bytes(pdf.output()), pdf


def streams(content: bytes) -> list[bytes]:
    return [zlib.decompress(raw) for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)]


def test_every_page_carries_the_mention_and_the_emblem():
    content, pdf = document(feder=True)
    assert pdf.pages_count >= 3
    assert pdf_text(content).count(MENTION) == pdf.pages_count
    assert EU_BLUE == (0, 51, 153) and EU_GOLD == (255, 204, 0)
    blue, gold = b"0 0.2 0.6 rg", b"1 0.8 0 rg"  # the fill colours as fpdf2 writes them
    pages = [s for s in streams(content) if b"BT" in s]
    assert len(pages) == pdf.pages_count
    for page in pages:
        assert page.count(blue) == 1 and page.count(gold) == 1
        assert page.count(b" l\n") >= 12 * 9  # twelve five-pointed stars (ten corners each)


def test_the_content_stops_above_the_band():
    _content, pdf = document(feder=True)
    band_top = pdf.h - 12 - 11 + 1
    assert pdf.lowest_line <= band_top


def test_without_the_flag_there_is_no_mention_nor_emblem():
    content, pdf = document(feder=False)
    assert MENTION not in pdf_text(content)
    assert b"0 0.2 0.6 rg" not in b"".join(streams(content))
