from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_DEPTH
from .services import MAX_BODY, MAX_TITLE


def parent_choices(tree: list[tuple[dict, int]], *, exclude: int | None = None) -> list[tuple[str, str]]:
    """« Top level », then the space's pages indented by level; ``exclude``: a page that cannot
    hold itself or its sub-pages (moving), pages at the last level cannot hold any."""
    choices, skip_below = [("", _("None (top level)"))], None
    for row, level in tree:
        if skip_below is not None and level > skip_below:
            continue
        skip_below = None
        if row["pk"] == exclude:
            skip_below = level
            continue
        if level < MAX_DEPTH - 1:
            choices.append((str(row["pk"]), f"{'— ' * level}{row['title']}"))
    return choices


class PageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(label=_("Text"), required=False, max_length=MAX_BODY,
                           widget=forms.Textarea(attrs={"rows": 18, "class": "kb-editor"}),
                           help_text=_("Markdown: **bold**, *italics*, « - » for a list, « ## » for a heading, [text](https://…) for a link."))
    note = forms.CharField(label=_("What changed (optional)"), required=False, max_length=200)
    parent = forms.TypedChoiceField(label=_("Parent page"), required=False, coerce=int, empty_value=None)
    base = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, tree=(), exclude=None, with_parent=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_parent:
            self.fields["parent"].choices = parent_choices(list(tree), exclude=exclude)
        else:
            del self.fields["parent"]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)
