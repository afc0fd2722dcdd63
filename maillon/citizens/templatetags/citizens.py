from django import template

from maillon.citizens.identity import current_citizen

register = template.Library()


@register.simple_tag(takes_context=True)
def citizen_of(context):
    """``{% citizen_of as citizen %}``: the proven citizen of this browser, or None."""
    request = context.get("request")
    return current_citizen(request) if request is not None else None
