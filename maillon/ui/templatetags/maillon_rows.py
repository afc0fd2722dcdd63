"""``{% row url=… primary=… secondary=… status=… status_class=… meta=… row_class=… %}``: one row of
a ``<ul class="rows">`` list, the markup of ui/partials/row.html (which stays the reference,
documented in docs/design.md) drawn in Python (issue 14). An ``{% include %}`` per row built a
context and walked the template's nodes thirty times a page: a tenth of the procedures list's CPU.
As with the include, a value not given is looked up in the page's context (absent there: empty)."""

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import mark_safe

register = template.Library()

FIELDS = ("url", "row_class", "primary", "secondary", "status", "status_class", "meta")


@register.simple_tag(takes_context=True)
def row(context, **given):
    v = {name: given[name] if name in given else context.get(name, "") for name in FIELDS}

    def text(name):
        return render_value_in_context(v[name], context)

    url = v["url"]
    primary = f'<a href="{text("url")}">{text("primary")}</a>' if url else text("primary")
    html = [f'\n<li class="row{" row-link" if url else ""}{" " + text("row_class") if v["row_class"] else ""}">\n',
            f'  <div class="row-main">\n    <p class="row-primary">{primary}</p>\n    ',
            f'<p class="row-secondary">{text("secondary")}</p>' if v["secondary"] else "", "\n  </div>\n  "]
    if v["status"] or v["meta"]:
        html += ['<div class="row-end">',
                 f'<span class="status {text("status_class")}">{text("status")}</span>' if v["status"] else "",
                 f'<span class="row-meta">{text("meta")}</span>' if v["meta"] else "", "</div>"]
    html.append("\n</li>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped by render_value_in_context
