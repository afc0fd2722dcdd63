"""The attendance sheet (feuille d'émargement) as PDF (fpdf2, the house way of
maillon.core.pdf): organisation, meeting, date, place, one row per participant with a
signature box, filled with « signé électroniquement le … » and the verification code when the
participant signed in the app."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillon.core import feder
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
                   footer=f"{organisation_name} · {meeting.title} · {printed}", feder=feder.shown(meeting.organisation))
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
    pdf.verification_note(_("Electronic signatures can be checked by a member of the organisation on the signature "
               "verification page with their code."), size=8, line_height=4)
    return bytes(pdf.output())


def _due(task) -> str:
    """« , pour le 12 mars 2030 » when the task has a due date."""
    return ", " + _("due %(due)s") % {"due": formats.date_format(task.due, "j N Y")} if task.due else ""


def minutes_pdf(meeting, minutes, *, items, other_outcomes, attendance_groups, tasks, tasks_total,
                organisation_name: str) -> bytes:
    """The minutes for the record (compte-rendu): the meeting, who was present, excused or
    absent, the quorum of a board, the objective, each section's text, the outcomes of each
    agenda item with their decision numbers, the open tasks. A draft says so on every page."""
    from .rendering import plain_text

    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    state = (_("Published on %(date)s") % {"date": french_datetime(minutes.published_at, DATETIME)}
             if minutes.status == minutes.Status.PUBLISHED else _("Draft: being written (version %(v)s)") % {"v": minutes.version})
    pdf = HousePDF(title=_("Minutes: %(title)s") % {"title": meeting.title}, author=organisation_name,
                   footer=f"{organisation_name} · {meeting.title} · {state}", feder=feder.shown(meeting.organisation))
    pdf.masthead(organisation_name, _("Minutes: %(title)s") % {"title": meeting.title})
    day = formats.date_format(start, "l j F Y")
    pdf.facts(((_("Date"), f"{day}, {start:%H:%M}–{end:%H:%M}"), (_("Place"), meeting.event.place),
               (_("Type"), meeting.meeting_type.name), (_("Status"), state)), label_width=30)
    pdf.heading(_("Participants"))
    pdf.facts([(f"{g['label'] if g['value'] else _('Not recorded')} ({len(g['names'])})", ", ".join(g["names"]))
               for g in attendance_groups], label_width=45)
    if meeting.meeting_type.is_board and minutes.quorum_met is not None:
        pdf.heading(_("Quorum"))
        pdf.multi_cell(0, 6, text(_("%(present)s members present or represented out of %(members)s with voting rights (quorum: %(required)s).")
                                  % {"present": minutes.voting_present, "members": minutes.voting_members,
                                     "required": minutes.quorum_required}), **NEXT_LINE)
        pdf.multi_cell(0, 6, text(_("Quorum met") if minutes.quorum_met else _("Quorum not met")), **NEXT_LINE)
    if meeting.objective:
        pdf.heading(_("Objective"))
        pdf.multi_cell(0, 5.5, text(plain_text(meeting.objective)), **NEXT_LINE)
    for section in minutes.sections:
        pdf.heading(section["title"])
        pdf.multi_cell(0, 5.5, text(plain_text(section["text"]) or "—"), **NEXT_LINE)
    outcome_items = [(f"{i['number']}. {i['title']}", i["outcomes"]) for i in items]
    if other_outcomes:
        outcome_items.append((_("Other business"), other_outcomes))
    if any(outcomes for _title, outcomes in outcome_items):
        pdf.heading(_("Agenda and outcomes"))
        for title, outcomes in outcome_items:
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 6, text(title), **NEXT_LINE)
            pdf.set_font("Helvetica", size=10)
            for o in outcomes or ():
                label = o.reference or o.get_kind_display()
                line = f"{label} : {o.text}"
                if o.task_id:
                    line += f" — {o.task.assignee.user}" + _due(o.task)
                pdf.set_x(pdf.l_margin + 5)
                pdf.multi_cell(0, 5.5, text(line), **NEXT_LINE)
    if tasks:
        pdf.heading(_("Tasks"))
        for task in tasks:
            status = _("Done") if task.done else _("To do")
            pdf.multi_cell(0, 5.5, text(f"• {task.description} — {task.assignee.user}{_due(task)} · {status}"), **NEXT_LINE)
        if tasks_total > len(tasks):
            pdf.note(_("%(shown)s of %(total)s tasks: the full list is in the application.") % {"shown": len(tasks), "total": tasks_total})
    return bytes(pdf.output())
