"""``{% dashboard_panel item %}``: a panel's template rendered inside the dashboard's own context.

Rendering each panel with ``render_to_string(..., request=request)`` ran every context processor
again for each panel (issue 14: a fifth of the dashboard's server time went to template set-up).
Here the panel's context is pushed on the page's context, which already holds what the context
processors give, and popped after."""

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

from maillon.ui.dates import format_date

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panel(context, item):
    panel_template = context.template.engine.get_template(item["template"])
    with context.push(item["context"]):
        return panel_template.render(context)


@register.simple_tag
def today_line() -> str:
    """``{% now "l j F Y" as today %}{{ today|capfirst }}`` (« Lundi 7 décembre 2026 »), written by
    ``ui.dates`` rather than a ``DateFormat``."""
    from datetime import datetime

    from django.utils.text import capfirst

    return capfirst(format_date(datetime.now(tz=timezone.get_current_timezone()), "l j F Y"))


@register.simple_tag
def notification_items(notifications) -> str:
    """The notifications panel's list, drawn here rather than by a template loop (two dates per
    line: issue 14). Same markup as the loop had."""
    rows = []
    for n in notifications:
        moment = timezone.localtime(n.created_at)
        rows.append(
            f'<li class="{"" if n.read_at else "unread"}"><a href="{escape(n.url or "#")}">{escape(n.title)}</a>'
            f'<time class="li-meta" datetime="{moment.isoformat()}">{escape(format_date(moment, "j N, H:i"))}</time></li>'
        )
    return mark_safe(f'<ul class="list">{"".join(rows)}</ul>')  # noqa: S308 - every value in it is escaped
