"""The comms back office (Wagtail at /cms/) in the organisation's colours and logo.

``{% cms_organisation as organisation %}``: the organisation the editor works for, the one of the
page when the middleware resolved it, else the one last used (kept in the session), else the
first of the editor's organisations. ``{% cms_theme organisation %}``: Wagtail's colour variables
from its main colour (contrast-checked by organisations.theme)."""

import colorsys

from django import template
from django.utils.html import format_html

from maillon.accounts.models import Membership
from maillon.organisations.theme import palette

register = template.Library()


@register.simple_tag(takes_context=True)
def cms_organisation(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    organisation = getattr(request, "organisation", None)
    if organisation is not None:
        return organisation
    cached = getattr(request, "_cms_organisation", False)
    if cached is not False:
        return cached
    memberships = Membership.objects.active().filter(user=request.user, organisation__is_active=True).select_related("organisation")
    preferred = request.session.get("organisation") if hasattr(request, "session") else None
    chosen = None
    for membership in memberships.order_by("organisation__name"):
        if chosen is None or membership.organisation.slug == preferred:
            chosen = membership.organisation
    request._cms_organisation = chosen
    return chosen


def _hsl(colour: str) -> tuple[float, float, float]:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    return round(hue * 360, 1), round(saturation * 100, 1), round(lightness * 100, 1)


def wagtail_variables(primary: str, accent: str) -> str:
    """Wagtail's « primary » (side bar, headings) from our dark variant, its « secondary » (buttons,
    links) from our main colour: white text on both passes AA as it does in Maillon."""
    colours = palette(primary, accent)
    rules = []
    for name, colour in (("primary", colours["primary-dark"]), ("secondary", colours["primary"])):
        hue, saturation, lightness = _hsl(colour)
        rules.append(f"--w-color-{name}-hue:{hue};--w-color-{name}-saturation:{saturation}%;--w-color-{name}-lightness:{lightness}%")
    return ";".join(rules)


@register.simple_tag(takes_context=True)
def cms_theme(context, organisation=None):
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", "")
    primary = organisation.primary_colour if organisation else "#1d4f91"
    accent = organisation.accent_colour if organisation else "#b8336a"
    return format_html('<style nonce="{}">:root {{ {} }}</style>', nonce, wagtail_variables(primary, accent))
