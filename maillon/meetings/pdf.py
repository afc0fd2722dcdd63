"""The attendance sheet (feuille d'émargement) as PDF (fpdf2, the house way of
maillon.procedures.pdf): organisation, meeting, date, place, one row per participant with a
signature box, filled with « signé électroniquement le … » and the verification code when the
participant signed in the app."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

ENCODING = "windows-1252"  # core fonts: French accents, « », € and ’ are in it
NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
ROW_HEIGHT = 16


def _text(value) -> str:
    return str(value if value is not None else "").encode(ENCODING, "replace").decode(ENCODING)


def _datetime(value) -> str:
    return formats.date_format(timezone.localtime(value), "j F Y à H:i") if value else ""


def signed_line(signature) -> str:
    return _("Signed electronically on %(date)s · code %(code)s") % {"date": _datetime(signature.signed_at), "code": signature.display_code}


class SheetPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 6, _text(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")


def attendance_pdf(meeting, rows, *, organisation_name: str) -> bytes:
    """``rows``: (name, detail, attendance label or "", signature or None) for each participant."""
    pdf = SheetPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    pdf.footer_text = _text(f"{organisation_name} · {meeting.title} · " + _("Printed on %(date)s") % {"date": _datetime(timezone.now())})
    pdf.set_title(_text(_("Attendance sheet") + f" · {meeting.title}"))
    pdf.set_author(_text(organisation_name))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.set_text_color(90)
    pdf.cell(0, 5, _text(organisation_name), **NEXT_LINE)
    pdf.set_text_color(0)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _text(_("Attendance sheet")), **NEXT_LINE)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 6, _text(meeting.title), **NEXT_LINE)
    pdf.set_font("Helvetica", size=10)
    day = formats.date_format(start, "l j F Y")
    for label, value in ((_("Date"), f"{day}, {start:%H:%M}–{end:%H:%M}"), (_("Place"), meeting.event.place or "—"),
                         (_("Type"), meeting.meeting_type.name)):
        pdf.cell(30, 6, _text(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.multi_cell(0, 6, _text(value), **NEXT_LINE)
    pdf.ln(4)
    widths = (58, 36, 26, 60)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_fill_color(235)
    for width, title in zip(widths, (_("Name"), _("Function"), _("Attendance"), _("Signature")), strict=True):
        pdf.cell(width, 8, _text(title), border=1, fill=True, new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.ln(8)
    pdf.set_font("Helvetica", size=10)
    for name, detail, attendance, signature in rows:
        if pdf.will_page_break(ROW_HEIGHT):
            pdf.add_page()
        x, y = pdf.get_x(), pdf.get_y()
        pdf.multi_cell(widths[0], ROW_HEIGHT / 2, _text(name), border=0, new_x=XPos.RIGHT, new_y=YPos.TOP, max_line_height=5)
        pdf.set_xy(x + widths[0], y)
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(widths[1], ROW_HEIGHT / 2, _text(detail), border=0, new_x=XPos.RIGHT, new_y=YPos.TOP, max_line_height=5)
        pdf.set_xy(x + widths[0] + widths[1], y)
        pdf.multi_cell(widths[2], ROW_HEIGHT / 2, _text(attendance), border=0, new_x=XPos.RIGHT, new_y=YPos.TOP, max_line_height=5)
        pdf.set_xy(x + sum(widths[:3]), y)
        if signature is not None:
            pdf.set_font("Helvetica", size=8)
            pdf.multi_cell(widths[3], 4, _text(signed_line(signature)), border=0, new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.set_font("Helvetica", size=10)
        offset = 0
        for width in widths:
            pdf.rect(x + offset, y, width, ROW_HEIGHT)
            offset += width
        pdf.set_xy(x, y + ROW_HEIGHT)
    pdf.ln(4)
    pdf.set_font("Helvetica", size=8)
    pdf.set_text_color(90)
    pdf.multi_cell(0, 4, _text(_("Electronic signatures can be checked by a member of the organisation on the signature "
                                 "verification page with their code.")), **NEXT_LINE)
    return bytes(pdf.output())
