from django import template
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

from maillon.core.reversing import row_url

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:key }}``: a dict value in a template."""
    return (mapping or {}).get(key, key)


@register.simple_tag
def submission_items(submissions, organisation_slug) -> str:
    """« Mes démarches » on the dashboard: each submission's title linked, and its status. Drawn
    here rather than by a template loop (a reverse() and a choice label per line: issue 14)."""
    url = row_url("procedures:submission", org=organisation_slug)
    rows = [
        f'<li><a href="{url(sub.pk)}">{escape(sub.version.title)}</a> <span class="status {sub.status_class()}">{escape(sub.get_status_display())}</span></li>'
        for sub in submissions
    ]
    return mark_safe(f'<ul class="list">{"".join(rows)}</ul>')  # noqa: S308 - every value in it is escaped
