"""Forms of the public side: a public procedure's form (the intranet's ``SubmissionForm`` with the
honeypot and the public size limit) and a message on a request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from maillon.citizens.antiabuse import MAX_TEXT, HoneypotForm, check_upload

from . import schema as s


class PublicSubmissionForm(s.SubmissionForm, HoneypotForm):
    """The same fields, kinds, uploads and checks as the intranet (schema.SubmissionForm), plus the
    honeypot ``website`` field and the public upload limit (10 MB, whatever the field allows)."""

    def clean(self):
        cleaned = super().clean()
        answers = getattr(self, "answers_out", {})
        for spec in self.schema:
            value = answers.get(spec["key"])
            if spec["kind"] == s.FILE and isinstance(value, dict) and "upload" in value:
                try:
                    check_upload(value["upload"])
                except forms.ValidationError as error:
                    self.add_error(spec["key"], error)
                    answers.pop(spec["key"], None)
        return cleaned


class MessageForm(HoneypotForm):
    body = forms.CharField(label=gettext_lazy("Your message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=gettext_lazy("Attach a document (optional)"), required=False,
                                 help_text=gettext_lazy("PDF, JPG or PNG, 5 MB at most."),
                                 widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))


class StaffMessageForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Message to the citizen"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=gettext_lazy("The citizen receives it by e-mail with your first name only."))
    attachment = forms.FileField(label=gettext_lazy("Attach a document (optional)"), required=False,
                                 help_text=gettext_lazy("PDF, JPG or PNG, 5 MB at most."))
