"""Form rendering rules that hold for every form of the project, whoever wrote it.

``FormRenderer`` (settings.FORM_RENDERER) is Django's own template renderer with one change: the
empty choice Django adds to a select (« --------- », from ``ModelChoiceField.empty_label`` and
model fields' ``BLANK_CHOICE_DASH``) reads « Choisir… » when an answer is required and « Non
précisé » when it is not. Forms that name their own empty label (« Toutes », « Aucune salle »)
keep it. One place, so a new form cannot bring the dashes back.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext, pgettext

DJANGO_DASHES = "---------"


def empty_choice_label(required: bool) -> str:
    return gettext("Choose…") if required else pgettext("empty choice", "Not specified")


def relabel_empty_choice(widget: dict) -> None:
    """Replace Django's dashes in a select or radio list's options (the widget's template context)."""
    for _group, options, _index in widget.get("optgroups", ()):
        for option in options:
            if option.get("label") == DJANGO_DASHES and option.get("value") in ("", None):
                option["label"] = empty_choice_label(bool(widget.get("required")))


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict):
            relabel_empty_choice(widget)
        return super().render(template_name, context, request=request)
