from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.accounts.roles import Role

from .models import DocumentCategory
from .services import check_upload


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[(r.value, r.label) for r in Role if r != Role.STAFF], required=False, widget=forms.CheckboxSelectMultiple,
            label=_("Restricted to"), help_text=_("Leave empty so that every staff member can open it."), **kwargs,
        )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(queryset=DocumentCategory.objects.none(), label=_("Category"), empty_label=None)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    roles = RolesField()
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, OpenDocument, image or text; 20 MB at most."))

    def __init__(self, *args, organisation, with_file=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = DocumentCategory.objects.for_organisation(organisation)
        if not with_file:
            del self.fields["file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class ReplaceForm(forms.Form):
    file = forms.FileField(label=_("New file"), help_text=_("The document keeps its address; the previous file stays in the history."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload
