"""``{% pwa_head %}`` in base.html: the page's web app manifest (the organisation's for its
members, Maillon's elsewhere) and the colour of the browser's bar (notifications/pwa.py)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from maillon.organisations.theme import palette

from ..pwa import DEFAULT_COLOUR

register = template.Library()


@register.simple_tag(takes_context=True)
def pwa_head(context) -> str:
    organisation = context.get("organisation")
    if organisation is not None and getattr(organisation, "slug", None):
        href = reverse("notifications:manifest", kwargs={"org": organisation.slug})
        colour = palette(organisation.primary_colour, organisation.accent_colour)["primary"]
    else:
        href, colour = reverse("notifications:default_manifest"), "#" + DEFAULT_COLOUR
    # use-credentials: an organisation's manifest is for its members (the session cookie goes with it).
    return format_html('<link rel="manifest" href="{}" crossorigin="use-credentials">\n<meta name="theme-color" content="{}">',
                       href, colour)
