"""The house way of printing a document with fpdf2 (pure Python, the PDF core fonts): A4 with
15 mm margins, the organisation's name over the title, a footer « … · page/pages ». Used by the
procedures' recap and the meetings' attendance sheet; each document writes its own content."""

from __future__ import annotations

from django.utils import formats, timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

ENCODING = "windows-1252"  # core fonts: French accents, « », € and ’ are in it
NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
BESIDE = {"new_x": XPos.RIGHT, "new_y": YPos.TOP}
DATETIME = "j F Y, H:i"


def text(value) -> str:
    """What the core fonts can draw: unknown characters become « ? » rather than an error."""
    return str(value if value is not None else "").encode(ENCODING, "replace").decode(ENCODING)


def french_datetime(value, format: str = DATETIME) -> str:
    """« 12 mars 2026, 14:30 » in the current time zone (Europe/Paris); "" for no date."""
    return formats.date_format(timezone.localtime(value), format) if value else ""


class HousePDF(FPDF):
    """An A4 document on its first page, ready for ``masthead``; ``footer`` is printed on every page."""

    def __init__(self, *, title: str, author: str, footer: str):
        super().__init__(format="A4")
        self.core_fonts_encoding = ENCODING
        self.footer_text = text(footer)
        self.set_title(text(title))
        self.set_author(text(author))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 6, text(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")

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
