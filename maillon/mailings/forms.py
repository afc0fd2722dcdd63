"""The composer: subject, message or news item, category, and one list of choices per criterion
the sender may use (segments.criteria_for)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import segments
from .models import Category

CRITERION_PREFIX = "critere_"


class MailingForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Bold, italics, lists and links are kept; anything else is removed."))
    article = forms.ModelChoiceField(label=_("Or a news item as the message"), queryset=Category.objects.none(), required=False,
                                     help_text=_("Used when the message is empty."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False,
                                      help_text=_("Recipients unsubscribe per category."))
    new_category = forms.CharField(label=_("Or a new category"), max_length=120, required=False)

    def __init__(self, *args, scope: segments.Scope, **kwargs):
        super().__init__(*args, **kwargs)
        from maillon.content.models import NewsPage, pages_of

        self.scope = scope
        self.fields["category"].queryset = Category.objects.for_organisation(scope.organisation)
        since = timezone.localdate() - timezone.timedelta(days=366)
        self.fields["article"].queryset = pages_of(scope.organisation, NewsPage).filter(date__gte=since).order_by("-date", "-pk")
        self.fields["article"].label_from_instance = lambda page: f"{page.title} ({page.date:%d/%m/%Y})"
        self.criteria = []
        for criterion in segments.criteria_for(scope):
            choices = criterion.choices(scope)
            if not choices:  # e.g. « Spaces » for someone who hosts none
                continue
            self.criteria.append(criterion)
            self.fields[CRITERION_PREFIX + criterion.key] = forms.MultipleChoiceField(
                label=criterion.label, required=False, choices=choices, help_text=criterion.help_text,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("This choice is not available to you.")})

    @classmethod
    def initial_for(cls, mailing) -> dict:
        initial = {"subject": mailing.subject, "body": mailing.body, "article": mailing.article_id, "category": mailing.category_id}
        initial.update({CRITERION_PREFIX + key: values for key, values in (mailing.criteria or {}).items()})
        return initial

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("article"):
            self.add_error("body", _("Write a message or choose a news item."))
        if not data.get("category") and not (data.get("new_category") or "").strip():
            self.add_error("category", _("Choose a category or name a new one."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {"subject": data["subject"], "body": data.get("body") or "", "article": data.get("article"),
                "category": data.get("category"), "new_category": data.get("new_category") or "",
                "criteria": {c.key: data.get(CRITERION_PREFIX + c.key) or [] for c in self.criteria}}
