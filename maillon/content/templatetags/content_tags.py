from django import template

register = template.Library()


@register.filter
def page_url(page, organisation_slug):
    """Maillon address of a content page (non-specific pages work: url_path only)."""
    from maillon.content.models import MaillonPage

    return MaillonPage.maillon_url(page, organisation_slug)


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key, [])
