"""Filters of the shared form partials (ui/partials/form.html, field.html, error_summary.html)."""

from django import template

register = template.Library()


@register.filter
def has_required(form) -> bool:
    """Whether a visible field of ``form`` asks for an answer (then the « * » is explained once)."""
    return any(field.field.required and field.widget_type != "checkbox" for field in form.visible_fields())


@register.filter
def error_links(form) -> list[tuple[str, str, str]]:
    """``(anchor, label, message)`` for each error of ``form``, fields in their order; the form's own
    errors (and those of hidden fields) link to nothing and come first."""
    links = [("", "", str(error)) for error in form.non_field_errors()]
    for field in form.hidden_fields():
        links += [("", "", str(error)) for error in field.errors]
    for field in form.visible_fields():
        links += [(field.id_for_label or field.auto_id, str(field.label), str(error)) for error in field.errors]
    return links


@register.filter
def active_filters(form, search: str = "") -> int:
    """How many filters of a GET filter form are set, its free-text search apart (the count on the sheet)."""
    data = getattr(form, "data", {}) or {}
    return sum(1 for name in form.fields if name != search and any(v.strip() for v in (data.getlist(form.add_prefix(name)) if hasattr(data, "getlist") else [str(data.get(form.add_prefix(name), ""))])))
