"""``{% dashboard_panel item %}``: a panel's template rendered inside the dashboard's own context.

Rendering each panel with ``render_to_string(..., request=request)`` ran every context processor
again for each panel (issue 14: a fifth of the dashboard's server time went to template set-up).
Here the panel's context is pushed on the page's context, which already holds what the context
processors give, and popped after."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panel(context, item):
    panel_template = context.template.engine.get_template(item["template"])
    with context.push(item["context"]):
        return panel_template.render(context)
