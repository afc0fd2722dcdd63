"""Filters of the shared form partials (ui/partials/form.html, field.html, error_summary.html)."""

from django import template

register = template.Library()


@register.filter
def has_required(form) -> bool:
    """Whether a visible field of ``form`` asks for an answer (then the « * » is explained once)."""
    return any(field.field.required and field.widget_type != "checkbox" for field in form.visible_fields())


@register.filter
def form_sections(form) -> list[tuple[str, list]]:
    """``(title, bound fields)`` of the visible fields, in titled sections when the form names
    them (``field_sections = [(title, [field names]), …]`` on the form class): a field no section
    names goes into the last one, a section left empty is dropped. Without ``field_sections``: one
    untitled section of every visible field."""
    visible = form.visible_fields()
    wanted = getattr(form, "field_sections", None)
    if not wanted:
        return [("", visible)]
    by_name = {field.name: field for field in visible}
    out = [(title, [by_name.pop(name) for name in names if name in by_name]) for title, names in wanted]
    out[-1][1].extend(by_name.values())
    return [(title, fields) for title, fields in out if fields]


@register.filter
def error_links(form) -> list[tuple[str, str, str]]:
    """``(anchor, label, message)`` for each error of ``form``, fields in their order; the form's own
    errors (and those of hidden fields) link to nothing and come first."""
    links = [("", "", str(error)) for error in form.non_field_errors()]
    for field in form.hidden_fields():
        links += [("", "", str(error)) for error in field.errors]
    for _title, fields in form_sections(form):  # in the page's order, sections included
        for field in fields:
            links += [(field.id_for_label or field.auto_id, str(field.label), str(error)) for error in field.errors]
    return links


@register.filter
def active_filters(form, search: str = "") -> int:
    """How many filters of a GET filter form are set, its free-text search apart (the count on the sheet)."""
    data = getattr(form, "data", {}) or {}
    return sum(1 for name in form.fields if name != search and any(v.strip() for v in (data.getlist(form.add_prefix(name)) if hasattr(data, "getlist") else [str(data.get(form.add_prefix(name), ""))])))


@register.filter
def unbound_key(form):
    """What an unbound filter form draws, as the key of its ``{% memo %}`` (issue 14: a filter bar's
    fields and options drawn by Django's widget templates were a fifth of the movements page): per
    field its name, label, help, requirement, widget, attributes, initial value and options. The
    options are read once here (a queryset's) and the widget draws from that list: no query more.
    None for a bound form: its values and errors are the request's, drawn every time."""
    if form.is_bound:
        return None
    fields = []
    for bound in form:
        field, widget = bound.field, bound.field.widget
        options = None
        if getattr(widget, "choices", None) is not None:
            widget.choices = [choice for choice in widget.choices]  # not list(): it would count a queryset's rows first  # noqa: C416
            options = tuple((str(value), str(label)) for value, label in widget.choices)
        value = bound.value()
        fields.append((bound.name, str(bound.label), str(bound.help_text), field.required, type(widget).__qualname__,
                       tuple(sorted((k, str(v)) for k, v in widget.attrs.items())), repr(getattr(value, "pk", value)), options))
    return (type(form).__module__, type(form).__qualname__, form.prefix, str(form.auto_id), tuple(fields))
