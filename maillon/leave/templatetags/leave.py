from decimal import Decimal

from django import template
from django.utils.translation import ngettext

from maillon.leave.services import format_days

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
