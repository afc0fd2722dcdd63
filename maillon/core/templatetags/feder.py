"""``{% feder_mention organisation user %}`` for plain-text e-mails: a new line and the EU
co-funding mention when it applies (maillon.core.feder), else nothing. Put it right after the
signature (« Maillon »)."""

from django import template

from maillon.core import feder

register = template.Library()


@register.simple_tag
def feder_mention(organisation=None, user=None) -> str:
    text = feder.mention(organisation, user=user)
    return f"\n{text}" if text else ""
