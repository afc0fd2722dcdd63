"""Forms of the feed and the Files tab. Bad input is a French message on the form; the services
check the same things again (feed_services)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from . import feed_services
from .models import Frequency


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in items]
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        feed_services.check_files(cleaned)
        return cleaned


FILES_HELP = _("PDF, Word, Excel, OpenDocument, image or text; 20 MB at most.")


class PostForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Plain text (addresses become links) or simple HTML. « @First name Last name » or "
                                     "« @identifier » mentions a member of the space."))
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    files = MultipleFileField(label=_("Files"), required=False, help_text=FILES_HELP)
    mentions = forms.ModelMultipleChoiceField(label=_("Mention"), queryset=get_user_model().objects.none(), required=False,
                                              help_text=_("They get a notification."))
    pinned = forms.BooleanField(label=_("Pin on top of the feed (« descendante » message)"), required=False)

    def __init__(self, *args, space, can_host: bool = False, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        members = list(feed_services.mentionable(space))
        self.fields["mentions"].queryset = get_user_model().objects.filter(pk__in=[m.user_id for m in members])
        self.fields["mentions"].choices = [(m.user_id, str(m.user)) for m in members]
        self.fields["mentions"].widget.attrs["size"] = min(6, max(2, len(members)))
        if not members:
            del self.fields["mentions"]
        if editing:
            del self.fields["files"]
        if editing or not can_host:
            del self.fields["pinned"]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FilesForm(forms.Form):
    files = MultipleFileField(label=_("Files"), help_text=FILES_HELP)


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(label=_("E-mail digest"), choices=Frequency.choices, widget=forms.RadioSelect)
