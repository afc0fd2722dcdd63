"""Rows drawn in Python: the meeting page's participants, the tasks table (meeting, minutes and
task list pages), the meetings list and its « My tasks »; the same HTML as the template loops they
replace, without a template node per cell (issue 14). Dates as the ``date`` filter writes them
(``ui.dates``, in local time)."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from maillon.core.reversing import row_url
from maillon.ui.dates import format_date

register = template.Library()

_STATUS = {"accepted": " status-ok", "declined": " status-off"}


def _answer_cells(person_label: str, answer_label: str, name_html: str, row) -> str:
    return (f'<tr>\n    <td data-label="{person_label}">{name_html}</td>\n'
            f'    <td data-label="{answer_label}"><span class="status{_STATUS.get(row.answer, "")}">'
            f'{escape(row.get_answer_display())}</span></td>\n  </tr>')


@register.simple_tag
def participant_rows(meeting) -> str:
    """The participants' rows, then the guests' (``<tbody>`` of the meeting page's table)."""
    person, answer = escape(gettext("Person")), escape(gettext("Answer"))
    organiser = f' <span class="muted">({escape(gettext("organiser"))})</span>'
    external = escape(gettext("external"))
    rows = []
    for p in meeting.participants.all():
        user = p.membership.user
        name = escape(user.get_full_name() or user.username)
        rows.append(_answer_cells(person, answer, name + organiser if p.membership.user_id == meeting.organiser_id else name, p))
    guests = []
    for g in meeting.guests.all():
        where = f"{escape(g.organisation_name)}, " if g.organisation_name else ""
        guests.append(_answer_cells(person, answer, f'{escape(g.name)} <span class="muted">({where}{external})</span>', g))
    return mark_safe("".join(rows) + "\n  " + "".join(guests))  # noqa: S308 - every value in it is escaped


@lru_cache(maxsize=256)
def _task_done_url(slug: str):
    """``pk -> URL`` of « mark as done » in this organisation, reversed once per process."""
    return row_url("meetings:task_done", org=slug)


@register.simple_tag(takes_context=True)
def task_rows(context, tasks, meeting) -> str:
    """The tasks' rows (``<tbody>`` of meetings/partials/tasks.html)."""
    if not tasks:
        return ""
    request = context["request"]
    membership_pk = getattr(context.get("membership"), "pk", None)
    labels = {"Task": gettext("Task"), "Assignee": gettext("Assignee"), "Due date": gettext("Due date"), "Status": gettext("Status")}
    labels = {k: escape(v) for k, v in labels.items()}
    done, to_do = escape(gettext("Done")), escape(gettext("To do"))
    done_url = _task_done_url(context["organisation"].slug)
    form_end = (f'<input type="hidden" name="next" value="{escape(request.path)}"><button type="submit" class="btn secondary">'
                f'{escape(gettext("Mark as done"))}</button></form>')
    csrf = None
    rows = []
    for t in tasks:
        description = escape(t.description)
        if t.meeting_id != meeting.pk:
            day = format_date(timezone.localtime(t.meeting.start), "j N Y")
            carried = gettext("carried over from %(title)s, %(day)s") % {"title": escape(t.meeting.title), "day": escape(day)}
            description += f' <span class="muted">({carried})</span>'
        user = t.assignee.user
        due = escape(format_date(t.due, "j N Y")) if t.due else "—"
        status = f'<span class="status status-ok">{done}</span>' if t.done else f'<span class="status">{to_do}</span>'
        form = ""
        if not t.done and (t.assignee_id == membership_pk or t.meeting.organiser_id == request.user.pk):
            if csrf is None:
                csrf = CsrfTokenNode().render(context)
            form = f'<form method="post" action="{done_url(t.pk)}" class="inline-form">{csrf}{form_end}'
        rows.append(f'<tr>\n    <td data-label="{labels["Task"]}">{description}</td>\n'
                    f'    <td data-label="{labels["Assignee"]}">{escape(user.get_full_name() or user.username)}</td>\n'
                    f'    <td data-label="{labels["Due date"]}">{due}</td>\n'
                    f'    <td data-label="{labels["Status"]}">{status}\n      {form}</td>\n  </tr>')
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped


def _day_label(value) -> str:
    """``value|date:"D j N Y"|capfirst`` (local time)."""
    text = f"{WEEKDAYS_ABBR[value.weekday()]} {format_date(value, 'j N Y')}"
    return text[0].upper() + text[1:]


@register.simple_tag
def meeting_list_rows(meetings) -> str:
    """The rows of the meetings list (each meeting with its ``url``), as meetings/index.html drew them."""
    cancelled = f'<span class="status status-off">{escape(gettext("Cancelled"))}</span>'
    rows = []
    for m in meetings:
        start, end = timezone.localtime(m.start), timezone.localtime(m.end)
        place = f" · {escape(m.event.place)}" if m.event.place else ""
        status = cancelled if m.cancelled_at else f'<span class="status">{escape(m.meeting_type.name)}</span>'
        series = f'<span class="row-meta">{escape(m.series.title)}</span>' if m.series else ""
        rows.append(f'\n  <li class="row row-link">\n    <div class="row-main">\n'
                    f'      <p class="row-primary"><a href="{escape(m.url)}">{escape(m.title)}</a></p>\n'
                    f'      <p class="row-secondary">{escape(_day_label(start))}, {format_date(start, "H:i")}–{format_date(end, "H:i")}{place}</p>\n'
                    f'    </div>\n    <div class="row-end">{status}{series}</div>\n  </li>')
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped


@register.simple_tag
def my_task_rows(tasks) -> str:
    """The rows of « My tasks » on the meetings list (each task with its ``meeting_url``)."""
    rows = []
    for t in tasks:
        due = ""
        if t.due:
            text = gettext("due %(due)s") % {"due": escape(format_date(t.due, "j N"))}
            due = f'<div class="row-end"><span class="status">{text}</span></div>'
        rows.append(f'\n  <li class="row row-link">\n    <div class="row-main">\n'
                    f'      <p class="row-primary"><a href="{escape(t.meeting_url)}">{escape(t.description)}</a></p>\n'
                    f'      <p class="row-secondary">{escape(t.meeting.title)}</p>\n    </div>\n    {due}\n  </li>')
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped
