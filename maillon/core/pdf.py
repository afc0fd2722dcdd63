"""The house way of printing a document with fpdf2 (pure Python, the PDF core fonts): A4 with
15 mm margins, the organisation's name over the title, a footer « … · page/pages » and, for an
organisation co-financed by the ERDF (``Organisation.show_feder_block``), the EU emblem and the
co-funding mention above it on every page. Used by the procedures' recap and the meetings'
attendance sheet and minutes; each document writes its own content."""

from __future__ import annotations

import math
import unicodedata

from django.utils import formats, timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

ENCODING = "windows-1252"  # core fonts: French accents, « », € and ’ are in it
NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
BESIDE = {"new_x": XPos.RIGHT, "new_y": YPos.TOP}
DATETIME = "j F Y, H:i"


# Typography that French text carries (Django's number formatting, pasted Word text, macOS
# keyboards) but windows-1252 lacks: each becomes its closest windows-1252 character rather
# than a « ? » or a dropped letter (« l'organisation » read « lorganisation »).
TYPOGRAPHY = str.maketrans({
    "\u202f": "\u00a0",  # narrow no-break space (« 12 000 », before « : ; ! ? »)
    "\u2007": "\u00a0",  # figure space
    "\u2060": "",  # word joiner
    "\u200b": "",  # zero-width space
    "\u00ad": "",  # soft hyphen
    "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ",
    "\u2006": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u205f": " ", "\u3000": " ",
    "\u02bc": "\u2019", "\u2032": "\u2019", "\u00b4": "\u2019", "\u201b": "\u2018",  # apostrophes
    "\u2033": "\u201d", "\u201f": "\u201c", "\u2e42": "\u201e",
    "\u2010": "-", "\u2011": "-", "\u2012": "\u2013", "\u2015": "\u2014", "\u2212": "-",  # hyphens, dashes, minus
    "\u2043": "-", "\u2024": ".", "\u2027": "\u00b7", "\u2219": "\u00b7", "\u25e6": "\u2022", "\u2023": "\u2022",
    "\u2264": "<=", "\u2265": ">=", "\u2192": "->", "\u2190": "<-", "\u2713": "v", "\u2714": "v",
})


def text(value) -> str:
    """What the core fonts can draw, for every string printed: composed accents (NFC), French
    typography mapped to windows-1252 (TYPOGRAPHY); anything else left becomes « ? » rather
    than an error."""
    value = unicodedata.normalize("NFC", str(value if value is not None else "")).translate(TYPOGRAPHY)
    return value.encode(ENCODING, "replace").decode(ENCODING)


def french_datetime(value, format: str = DATETIME) -> str:
    """« 12 mars 2026, 14:30 » in the current time zone (Europe/Paris); "" for no date."""
    return formats.date_format(timezone.localtime(value), format) if value else ""


# The EU emblem: a blue rectangle (3:2) with a circle of twelve gold five-pointed stars, one
# point up; the circle's radius is a third of the height, each star's a eighteenth (the
# emblem's geometric description). Reflex blue and yellow of its colour specification.
EU_BLUE = (0, 51, 153)
EU_GOLD = (255, 204, 0)
EMBLEM_HEIGHT = 8.0  # mm
FEDER_BAND = 11.0  # mm taken at the bottom of each page by the emblem and the mention


def eu_emblem(pdf: FPDF, x: float, y: float, height: float = EMBLEM_HEIGHT) -> None:
    """Draw the EU emblem with its top-left corner at (x, y), ``height`` mm high."""
    width = height * 1.5
    pdf.set_fill_color(*EU_BLUE)
    pdf.rect(x, y, width, height, style="F")
    pdf.set_fill_color(*EU_GOLD)
    cx, cy, radius, star = x + width / 2, y + height / 2, height / 3, height / 18
    for hour in range(12):
        angle = math.radians(hour * 30)
        # fpdf2 draws a star's first point straight down: half a turn puts it up.
        pdf.star(cx + radius * math.sin(angle), cy - radius * math.cos(angle), star * 0.382, star, 5,
                 rotate_degrees=180, style="F")


class HousePDF(FPDF):
    """An A4 document on its first page, ready for ``masthead``; ``footer`` is printed on every
    page, under the EU emblem and co-funding mention when ``feder`` (maillon.core.feder)."""

    def __init__(self, *, title: str, author: str, footer: str, feder: bool = False):
        super().__init__(format="A4")
        self.core_fonts_encoding = ENCODING
        self.footer_text = text(footer)
        self.feder = feder
        self.set_title(text(title))
        self.set_author(text(author))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18 + (FEDER_BAND if feder else 0))
        self.add_page()

    def footer(self):
        if self.feder:
            self.feder_block(self.h - 12 - FEDER_BAND + 1)
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 6, text(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")

    def feder_block(self, y: float) -> None:
        """The emblem on the left margin, the mention beside it (« Ce projet est cofinancé par
        l'Union Européenne avec le FEDER », core.feder.MENTION)."""
        from .feder import MENTION

        eu_emblem(self, self.l_margin, y)
        self.set_xy(self.l_margin + EMBLEM_HEIGHT * 1.5 + 3, y)
        self.set_font("Helvetica", size=8)
        self.set_text_color(40)
        self.cell(0, EMBLEM_HEIGHT, text(MENTION), align="L")
        self.set_text_color(0)

    def masthead(self, organisation_name: str, title: str, *, name_size: int = 9, title_height: float = 8) -> None:
        """The organisation's name in grey, then the document's title in bold."""
        self.set_font("Helvetica", size=name_size)
        self.set_text_color(90)
        self.cell(0, 5, text(organisation_name), **NEXT_LINE)
        self.set_text_color(0)
        self.set_font("Helvetica", "B", 16)
        self.multi_cell(0, title_height, text(title), **NEXT_LINE)

    def heading(self, title: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", 12)
        self.cell(0, 8, text(title), **NEXT_LINE)
        self.set_font("Helvetica", size=10)

    def facts(self, rows, *, label_width: float) -> None:
        """(label, value) rows: the label on the left, the value (« — » when empty) wrapping beside it."""
        self.set_font("Helvetica", size=10)
        for label, value in rows:
            self.cell(label_width, 6, text(label), **BESIDE)
            self.multi_cell(0, 6, text(value or "—"), **NEXT_LINE)

    def note(self, message: str, *, size: int = 9, line_height: float = 5) -> None:
        """A closing remark in small grey type (how to check the signatures)."""
        self.set_font("Helvetica", size=size)
        self.set_text_color(90)
        self.multi_cell(0, line_height, text(message), **NEXT_LINE)

    def verification_note(self, message: str, *, size: int = 9, line_height: float = 5) -> None:
        """The closing remark on how to check the signatures, with the verification page's
        full address (MAILLON_BASE_URL: the PDF is read away from Maillon)."""
        from django.urls import reverse

        from maillon.core.links import absolute

        self.note(f"{message}\n{absolute(reverse('accounts:signature_verify'))}", size=size, line_height=line_height)
