from decimal import Decimal
from functools import lru_cache
from html import (
    escape,  # Django's escape() without the SafeString: every value escaped here is plain text
)

from django import template
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from maillon.leave.services import format_days
from maillon.ui.dates import _month_names, format_date

register = template.Library()


@lru_cache(maxsize=16)
def _day_units(language: str | None) -> tuple[str, str]:
    """« %(n)s jour » and « %(n)s jours » in ``language`` (the cache key): ``days`` asks for one of
    the two, ngettext's plural lookup each time cost more than the rest of the filter."""
    return ngettext("%(n)s day", "%(n)s days", 1), ngettext("%(n)s day", "%(n)s days", 2)


@register.filter
def days(value) -> str:
    """« 2,5 jours », « 1 jour », « 0 jour »."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    return _day_units(get_language())[abs(value) > 1] % {"n": format_days(value)}


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


def _day(value, months: dict[int, str]) -> str:
    """``format_date(value, "j F Y")`` (or "j N Y" with the short names), the month names given."""
    return f"{value.day} {months[value.month]} {value.year:04d}"


# The columns a ledger row shows (``ledger_rows``), read as plain values rather than as an entry,
# its membership, user and leave type instances (issue 14: building them was a third of the
# movements page). PERSON_COLUMNS follow when the rows name the person.
LEDGER_COLUMNS = ("kind", "amount", "start_date", "start_half", "end_date", "end_half", "reliquat", "expires_on", "reason", "created_at",
                  "leave_type__name")
PERSON_COLUMNS = ("membership__user__first_name", "membership__user__last_name", "membership__user__username")


@lru_cache(maxsize=16)
def _kinds(language: str | None) -> dict[str, str]:
    """The movements' kinds as ``get_kind_display()`` writes them in ``language`` (the cache key)."""
    from maillon.leave.models import LedgerEntry

    return {value: str(label) for value, label in LedgerEntry.Kind.choices}


def _entry_when(kind, start_date, start_half, end_date, end_half, reliquat, expires_on, reason, created_at, months) -> str:
    """The second line of a movement: its dates (or the reliquat's deadline, or when it was recorded) and its reason."""
    if kind == "carryover":
        text = gettext("%(days)s to take by %(date)s") % {"days": escape(days(reliquat)), "date": escape(_day(expires_on, months))}
    elif start_date:
        text = gettext("%(start)s to %(end)s") % {"start": escape(_day(start_date, months)), "end": escape(_day(end_date, months))}
        if start_half == "pm":
            text += f" ({gettext('from the afternoon')})"
        if end_half == "am":
            text += f" ({gettext('until noon')})"
    else:
        text = f'<time datetime="{escape(created_at.isoformat())}">{escape(_day(created_at, months))}</time>'
    return f"{text} · {escape(reason)}" if reason else text


@register.simple_tag
def ledger_rows(entries, show_person: bool = False) -> str:
    """The movements of a ledger page, one row each: what (and whose), when it counts, the signed
    days as the pill. ``entries``: rows of LEDGER_COLUMNS (then PERSON_COLUMNS with
    ``show_person``). Drawn here rather than by a template loop: 20 to 30 rows with dates, plurals
    and translations were a fifth of « Mes congés » and the movements page (issue 14)."""
    language = get_language()
    kinds, names, zone = _kinds(language), _month_names(language), timezone.get_current_timezone()
    months, short_months = names["F"], names["N"]
    rows = []
    for row in entries:
        kind, amount, start_date, start_half, end_date, end_half, reliquat, expires_on, reason, created_at, type_name = row[:11]
        created_at = created_at.astimezone(zone)  # timezone.localtime()
        if show_person:
            first_name, last_name, username = row[11:14]
            who = f"{escape(f'{first_name} {last_name}'.strip() or username)} · "  # User.get_full_name(), or the login
        else:
            who = ""
        pill = "status-ok" if amount > 0 else "status-off" if amount < 0 else ""
        meta = (f'<span class="row-meta"><time datetime="{escape(created_at.isoformat())}">{escape(_day(created_at, short_months))}</time></span>'
                if start_date or kind == "carryover" else "")
        when = _entry_when(kind, start_date, start_half, end_date, end_half, reliquat, expires_on, reason, created_at, months)
        rows.append(
            f'\n  <li class="row">\n    <div class="row-main">\n'
            f'      <p class="row-primary">{who}{escape(kinds.get(kind, kind))} · {escape(type_name)}</p>\n'
            f'      <p class="row-secondary">{when}</p>\n    </div>\n'
            f'    <div class="row-end amount"><span class="status amount-pill {pill}">{escape(signed(amount))}</span>{meta}</div>\n  </li>'
        )
    return mark_safe(f'\n\n<ul class="rows ledger">{"".join(rows)}\n</ul>\n')  # noqa: S308 - every value in it is escaped


@register.simple_tag
def balance_cards(balances) -> str:
    """« Mes congés »' balances, one card each (``balances``: services.balances(…, with_reliquat=True)),
    as the template loop drew them (with leave/_pending.html), drawn here: its plurals, translations
    and includes were a fifth of the page (issue 14)."""
    cards = []
    for row in balances:
        leave_type = row["type"]
        if leave_type.counts_against_balance:
            pending = ""
            if row["pending"]:
                pending = '<span class="muted">' + gettext("of which %(days)s pending (available: %(available)s)") % {
                    "days": escape(days(row["pending"])), "available": escape(days(row["available"]))} + "</span>"
            figure = f'<strong class="balance">{escape(days(row["balance"]))}</strong>{pending}\n'  # the include's last line break
        else:
            figure = f'<span>{gettext("Not counted against a balance")}</span>'
        reliquat = row.get("reliquat")
        if reliquat:
            reliquat = "<span>" + gettext("of which %(days)s of reliquat, to take by %(date)s") % {
                "days": escape(days(reliquat["days"])), "date": escape(format_date(reliquat["expires_on"], "j F Y"))} + "</span>"
        notice = leave_type.notice_days
        if notice:
            notice = '<span class="muted">' + ngettext("Ask %(n)s day in advance", "Ask %(n)s days in advance", notice) % {
                "n": escape(localize(notice))} + "</span>"
        cards.append(f'<li class="box">\n    <span class="muted">{escape(leave_type.name)}</span>\n    {figure}\n    {reliquat or ""}\n    {notice or ""}\n  </li>')
    return mark_safe("".join(cards))  # noqa: S308 - every value in it is escaped
