from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from maillon.leave.services import format_days
from maillon.ui.dates import format_date

register = template.Library()


@register.filter
def days(value) -> str:
    """« 2,5 jours », « 1 jour », « 0 jour »."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    return ngettext("%(n)s day", "%(n)s days", 2 if abs(value) > 1 else 1) % {"n": format_days(value)}


@register.filter
def signed(value) -> str:
    value = Decimal(value)
    return ("+" if value > 0 else "") + format_days(value)


@register.filter
def counted_days(value, mode) -> str:
    """« 6 jours ouvrables », « 0,5 jour ouvré »: days in the organisation's counting mode."""
    value = Decimal(value)
    n = 2 if abs(value) > 1 else 1
    if mode == "ouvres":
        return ngettext("%(n)s working day", "%(n)s working days", n) % {"n": format_days(value)}
    return ngettext("%(n)s business day", "%(n)s business days", n) % {"n": format_days(value)}


@register.filter
def day_number(value) -> str:
    """« 2,5 »: a number of days without the unit (in a table whose heading gives it)."""
    return "" if value is None or value == "" else format_days(Decimal(value))


def _day(value) -> str:
    return format_date(value, "j F Y")


def _recorded(moment, fmt: str) -> str:
    return format_date(timezone.localtime(moment), fmt)


def _entry_when(e) -> str:
    """The second line of a movement: its dates (or the reliquat's deadline, or when it was recorded) and its reason."""
    if e.kind == "carryover":
        text = gettext("%(days)s to take by %(date)s") % {"days": escape(days(e.reliquat)), "date": escape(_day(e.expires_on))}
    elif e.start_date:
        text = gettext("%(start)s to %(end)s") % {"start": escape(_day(e.start_date)), "end": escape(_day(e.end_date))}
        if e.start_half == "pm":
            text += f" ({gettext('from the afternoon')})"
        if e.end_half == "am":
            text += f" ({gettext('until noon')})"
    else:
        text = f'<time datetime="{escape(_recorded(e.created_at, "c"))}">{escape(_recorded(e.created_at, "j F Y"))}</time>'
    return f"{text} · {escape(e.reason)}" if e.reason else text


@register.simple_tag
def ledger_rows(entries, show_person: bool = False) -> str:
    """The movements of a ledger page, one row each: what (and whose), when it counts, the signed
    days as the pill. Drawn here rather than by a template loop: 20 to 30 rows with dates, plurals
    and translations were a fifth of « Mes congés » and the movements page (issue 14)."""
    rows = []
    for e in entries:
        user = e.membership.user if show_person else None
        who = f"{escape(user.get_full_name() or user.username)} · " if user else ""
        pill = "status-ok" if e.amount > 0 else "status-off" if e.amount < 0 else ""
        meta = (f'<span class="row-meta"><time datetime="{escape(_recorded(e.created_at, "c"))}">{escape(_recorded(e.created_at, "j N Y"))}</time></span>'
                if e.start_date or e.kind == "carryover" else "")
        rows.append(
            f'\n  <li class="row">\n    <div class="row-main">\n'
            f'      <p class="row-primary">{who}{escape(e.get_kind_display())} · {escape(e.leave_type.name)}</p>\n'
            f'      <p class="row-secondary">{_entry_when(e)}</p>\n    </div>\n'
            f'    <div class="row-end amount"><span class="status amount-pill {pill}">{escape(signed(e.amount))}</span>{meta}</div>\n  </li>'
        )
    return mark_safe(f'\n\n<ul class="rows ledger">{"".join(rows)}\n</ul>\n')  # noqa: S308 - every value in it is escaped
