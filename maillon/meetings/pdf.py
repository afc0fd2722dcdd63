"""The attendance sheet (feuille d'émargement) as PDF (fpdf2, the house way of
maillon.core.pdf): organisation, meeting, date, place, one row per participant with a
signature box, filled with « signé électroniquement le … » and the verification code when the
participant signed in the app."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillon.core.pdf import BESIDE, NEXT_LINE, HousePDF, french_datetime, text

DATETIME = "j F Y à H:i"
ROW_HEIGHT = 16


def signed_line(signature) -> str:
    return _("Signed electronically on %(date)s · code %(code)s") % {"date": french_datetime(signature.signed_at, DATETIME),
                                                                     "code": signature.display_code}


def attendance_pdf(meeting, rows, *, organisation_name: str) -> bytes:
    """``rows``: (name, detail, attendance label or "", signature or None) for each participant."""
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    printed = _("Printed on %(date)s") % {"date": french_datetime(timezone.now(), DATETIME)}
    pdf = HousePDF(title=_("Attendance sheet") + f" · {meeting.title}", author=organisation_name,
                   footer=f"{organisation_name} · {meeting.title} · {printed}")
    pdf.masthead(organisation_name, _("Attendance sheet"), name_size=10, title_height=9)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 6, text(meeting.title), **NEXT_LINE)
    day = formats.date_format(start, "l j F Y")
    pdf.facts(((_("Date"), f"{day}, {start:%H:%M}–{end:%H:%M}"), (_("Place"), meeting.event.place),
               (_("Type"), meeting.meeting_type.name)), label_width=30)
    pdf.ln(4)
    widths = (58, 36, 26, 60)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_fill_color(235)
    for width, title in zip(widths, (_("Name"), _("Function"), _("Attendance"), _("Signature")), strict=True):
        pdf.cell(width, 8, text(title), border=1, fill=True, **BESIDE)
    pdf.ln(8)
    pdf.set_font("Helvetica", size=10)
    for name, detail, attendance, signature in rows:
        if pdf.will_page_break(ROW_HEIGHT):
            pdf.add_page()
        x, y = pdf.get_x(), pdf.get_y()
        pdf.multi_cell(widths[0], ROW_HEIGHT / 2, text(name), border=0, **BESIDE, max_line_height=5)
        pdf.set_xy(x + widths[0], y)
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(widths[1], ROW_HEIGHT / 2, text(detail), border=0, **BESIDE, max_line_height=5)
        pdf.set_xy(x + widths[0] + widths[1], y)
        pdf.multi_cell(widths[2], ROW_HEIGHT / 2, text(attendance), border=0, **BESIDE, max_line_height=5)
        pdf.set_xy(x + sum(widths[:3]), y)
        if signature is not None:
            pdf.set_font("Helvetica", size=8)
            pdf.multi_cell(widths[3], 4, text(signed_line(signature)), border=0, **BESIDE)
        pdf.set_font("Helvetica", size=10)
        offset = 0
        for width in widths:
            pdf.rect(x + offset, y, width, ROW_HEIGHT)
            offset += width
        pdf.set_xy(x, y + ROW_HEIGHT)
    pdf.ln(4)
    pdf.note(_("Electronic signatures can be checked by a member of the organisation on the signature "
               "verification page with their code."), size=8, line_height=4)
    return bytes(pdf.output())
