"""Forms of the back office (procedure, field, chain), of decisions, delegations and the HR filters."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from maillon.accounts.forms import SignatureForm
from maillon.accounts.models import Membership
from maillon.accounts.roles import Role

from . import schema as s
from .models import Procedure, Submission
from .policies import STEP_ROLES


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = ["title", "description", "category", "audience", "retention_years", "retention_action", "effect"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "retention_years": gettext_lazy("Submissions are kept this many years after they are closed (3 by default), then deleted or anonymised."),
            "effect": gettext_lazy("A leave request needs the fields « leave_type » (choice) and « period » (date range)."),
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retention_action"].required = False  # deleting is the default
        # A public form only for a commune offering online procedures to its citizens (issue 19).
        from maillon.citizens.public import enabled_services

        if organisation is None or "citizen_procedures" not in enabled_services(organisation):
            del self.fields["audience"]
        else:
            self.fields["audience"].label = _("Who fills it in")

    def clean(self):
        data = super().clean()
        if data.get("audience") == Procedure.Audience.PUBLIC and data.get("effect"):
            self.add_error("effect", _("A public form cannot have an effect on staff leave."))
        return data

    def clean_retention_action(self):
        return self.cleaned_data.get("retention_action") or Procedure.RetentionAction.DELETE

    def clean_retention_years(self):
        value = self.cleaned_data["retention_years"]
        if not 1 <= value <= 50:
            raise forms.ValidationError(_("Choose between 1 and 50 years."))
        return value


COLUMN_HELP = gettext_lazy("One column per line: « Label ; kind », kind among text, number, amount, date, time, yesno. E.g. « Montant ; amount ».")
COLUMN_KINDS = {"text": s.TEXT, "number": s.NUMBER, "amount": s.AMOUNT, "date": s.DATE, "time": s.TIME, "yesno": s.YESNO,
                "texte": s.TEXT, "nombre": s.NUMBER, "montant": s.AMOUNT, "heure": s.TIME, "ouinon": s.YESNO}


class FieldSpecForm(forms.Form):
    """One field of the schema, edited without JavaScript."""

    label = forms.CharField(label=gettext_lazy("Label"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=s.KINDS)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False, initial=True)
    help = forms.CharField(label=gettext_lazy("Help text"), max_length=300, required=False)
    choices = forms.CharField(label=gettext_lazy("Choices (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=gettext_lazy("For « Choice » and « Multiple choice »."))
    extensions = forms.CharField(label=gettext_lazy("Accepted file types"), required=False, initial="pdf, jpg, png",
                                 help_text=gettext_lazy("For « File »: extensions separated by commas."))
    max_size_mb = forms.IntegerField(label=gettext_lazy("Maximum file size (MB)"), required=False, min_value=1, max_value=20, initial=5)
    columns = forms.CharField(label=gettext_lazy("Columns of the group"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=COLUMN_HELP)
    total = forms.CharField(label=gettext_lazy("Column to add up (label)"), required=False, max_length=200,
                            help_text=gettext_lazy("For a group: the amount or number column whose total is computed."))
    show_if_field = forms.ChoiceField(label=gettext_lazy("Show only when the field"), required=False)
    show_if_value = forms.CharField(label=gettext_lazy("has the value"), required=False, max_length=200,
                                    help_text=gettext_lazy("For yes/no fields write « oui » or « non »."))

    def __init__(self, *args, earlier_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show_if_field"].choices = [("", _("(always shown)"))] + [(f["key"], f["label"]) for f in earlier_fields]

    @classmethod
    def initial_from(cls, spec: dict) -> dict:
        rule = spec.get("show_if") or {}
        columns = "\n".join(f"{c['label']} ; {c['kind']}" for c in spec.get("fields") or [])
        total = next((c["label"] for c in spec.get("fields") or [] if c["key"] == spec.get("total")), "")
        return {"label": spec.get("label"), "kind": spec.get("kind"), "required": spec.get("required", False), "help": spec.get("help", ""),
                "choices": "\n".join(spec.get("choices") or []), "extensions": ", ".join(spec.get("extensions") or s.DEFAULT_EXTENSIONS),
                "max_size_mb": spec.get("max_size_mb") or s.DEFAULT_MAX_SIZE_MB, "columns": columns, "total": total,
                "show_if_field": rule.get("field", ""), "show_if_value": rule.get("value", "")}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        self.spec = {"label": data.get("label", ""), "kind": kind, "required": bool(data.get("required")), "help": data.get("help", "")}
        if kind in (s.CHOICE, s.MULTICHOICE):
            choices = [line.strip() for line in (data.get("choices") or "").splitlines() if line.strip()]
            if not choices:
                self.add_error("choices", _("Give at least one choice."))
            self.spec["choices"] = choices
        if kind == s.FILE:
            extensions = [e.strip().lower().lstrip(".") for e in (data.get("extensions") or "").split(",") if e.strip()]
            self.spec["extensions"] = extensions or s.DEFAULT_EXTENSIONS
            self.spec["max_size_mb"] = data.get("max_size_mb") or s.DEFAULT_MAX_SIZE_MB
        if kind == s.GROUP:
            columns, taken = [], set()
            for number, line in enumerate((data.get("columns") or "").splitlines(), start=1):
                if not line.strip():
                    continue
                label, _sep, kind_name = line.partition(";")
                column_kind = COLUMN_KINDS.get(kind_name.strip().lower() or "text")
                if not label.strip() or column_kind is None:
                    self.add_error("columns", _("Line %(n)s: write « Label ; kind » with a kind among text, number, amount, date, time, yesno.") % {"n": number})
                    continue
                key = s.make_key(label.strip(), taken)
                taken.add(key)
                columns.append({"key": key, "label": label.strip(), "kind": column_kind, "required": False})
            if not columns:
                self.add_error("columns", _("Give at least one column."))
            self.spec["fields"] = columns
            total = (data.get("total") or "").strip().lower()
            if total:
                match = next((c for c in columns if c["label"].lower() == total and c["kind"] in (s.AMOUNT, s.NUMBER)), None)
                if match is None:
                    self.add_error("total", _("Give the label of an amount or number column."))
                else:
                    self.spec["total"] = match["key"]
        if data.get("show_if_field"):
            if not (data.get("show_if_value") or "").strip():
                self.add_error("show_if_value", _("Give the value that shows this field."))
            self.spec["show_if"] = {"field": data["show_if_field"], "value": (data.get("show_if_value") or "").strip()}
        return data


MAX_CHAIN_STEPS = 5


def amount_fields(schema) -> list[tuple[str, str]]:
    """Fields a threshold can compare: amounts, and repeatable groups with a computed total."""
    found = []
    for spec in schema or []:
        if spec.get("kind") == s.AMOUNT:
            found.append((spec["key"], spec.get("label") or spec["key"]))
        elif spec.get("kind") == s.GROUP and spec.get("total"):
            found.append((spec["key"], _("%(label)s (total)") % {"label": spec.get("label") or spec["key"]}))
    return found


class ChainForm(forms.Form):
    """The approval chain: up to five steps in order, each with a role, an optional label, an
    optional amount threshold (the step then exists only from that amount, read from the chosen
    amount field) and optional skip roles (the step is skipped when the applicant holds one)."""

    reminder_days = forms.IntegerField(label=gettext_lazy("Remind a waiting approver after (days)"), min_value=0, max_value=60, initial=3,
                                       help_text=gettext_lazy("0: no reminder."))
    amount_field = forms.ChoiceField(label=gettext_lazy("Amount compared with the thresholds"), required=False,
                                     help_text=gettext_lazy("The field whose value decides whether a step with a threshold is added."))

    def __init__(self, *args, chain=None, schema=None, **kwargs):
        chain = chain or {}
        initial = {"reminder_days": chain.get("reminder_days", 3), "amount_field": chain.get("amount_field", "")}
        for index, step in enumerate((chain.get("steps") or [])[:MAX_CHAIN_STEPS]):
            initial[f"role_{index}"] = step.get("role", "")
            initial[f"label_{index}"] = step.get("label", "")
            initial[f"min_amount_{index}"] = step.get("min_amount")
            initial[f"skip_roles_{index}"] = list(step.get("skip_roles") or [])
        super().__init__(*args, initial=initial, **kwargs)
        self.amount_choices = amount_fields(schema)
        self.fields["amount_field"].choices = [("", _("(the first amount or total of the form)"))] + self.amount_choices
        role_choices = [("", _("(no step)"))] + [(r.value, r.label) for r in STEP_ROLES]
        skip_choices = [(r.value, r.label) for r in Role if r != Role.ADMIN]
        for index in range(MAX_CHAIN_STEPS):
            self.fields[f"role_{index}"] = forms.ChoiceField(label=_("Step %(n)s: role") % {"n": index + 1}, choices=role_choices, required=False)
            self.fields[f"label_{index}"] = forms.CharField(label=_("Step %(n)s: name shown (optional)") % {"n": index + 1}, required=False, max_length=120)
            self.fields[f"min_amount_{index}"] = forms.DecimalField(
                label=_("Step %(n)s: only from this amount (€)") % {"n": index + 1}, required=False, min_value=Decimal("0"), max_digits=12,
                decimal_places=2, localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            self.fields[f"skip_roles_{index}"] = forms.MultipleChoiceField(
                label=_("Step %(n)s: skip it when the applicant is") % {"n": index + 1}, required=False, choices=skip_choices,
                widget=forms.CheckboxSelectMultiple, help_text=_("For example: skip the coordinator step for a request made by a supervisor."))

    def rows(self):
        return [(self[f"role_{i}"], self[f"label_{i}"], self[f"min_amount_{i}"], self[f"skip_roles_{i}"]) for i in range(MAX_CHAIN_STEPS)]

    def clean(self):
        data = super().clean()
        steps = []
        for index in range(MAX_CHAIN_STEPS):
            role = data.get(f"role_{index}")
            if not role:
                if data.get(f"min_amount_{index}") is not None or data.get(f"skip_roles_{index}"):
                    self.add_error(f"role_{index}", _("Choose the role of this step, or clear its threshold and skip rule."))
                continue
            step = {"role": role}
            if data.get(f"label_{index}"):
                step["label"] = data[f"label_{index}"]
            threshold = data.get(f"min_amount_{index}")
            if threshold is not None:
                step["min_amount"] = str(threshold)
                if not self.amount_choices:
                    self.add_error(f"min_amount_{index}", _("This procedure has no amount field: add one (or a group with a total) before setting a threshold."))
            skip = [r for r in data.get(f"skip_roles_{index}") or [] if r != role]
            if skip:
                step["skip_roles"] = skip
            steps.append(step)
        if not steps:
            raise forms.ValidationError(_("Choose at least one approval step."))
        self.chain = {"steps": steps, "reminder_days": data.get("reminder_days") or 0, "amount_field": data.get("amount_field") or ""}
        return data


class ProcedureSignatureForm(SignatureForm):
    """The foundation's signing field; the password may stay empty for five minutes after it was checked."""

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        from maillon.accounts.signing import password_checked_recently

        self.recently_checked = not self.passkey_ready and password_checked_recently(request)
        if self.recently_checked:
            self.fields["password"].required = False
            self.fields["password"].help_text = _("You typed your password less than 5 minutes ago: you may leave this empty to sign.")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", pgettext_lazy("decision", "Approve")), ("changes", gettext_lazy("Ask for changes")), ("reject", gettext_lazy("Reject"))])
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=gettext_lazy("Required to reject or ask for changes; the applicant reads it."))

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("reject", "changes") and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Explain your decision in a comment."))
        return data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(label=gettext_lazy("Delegate"), queryset=None,
                                      error_messages={"invalid_choice": gettext_lazy("Choose a member of the organisation.")})
    start = forms.DateField(label=pgettext_lazy("date range", "From"), widget=DateInput())
    end = forms.DateField(label=gettext_lazy("To (included)"), widget=DateInput())

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        from maillon.accounts.models import User

        self.fields["delegate"].queryset = User.objects.filter(
            pk__in=Membership.objects.for_organisation(organisation).active().exclude(user=user).values("user_id")
        ).order_by("last_name", "first_name")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end comes before the start: check the dates."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (optional)"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class FilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, help_text=None)
    procedure = forms.ModelChoiceField(label=gettext_lazy("Procedure"), queryset=None, required=False, empty_label=pgettext_lazy("feminine", "All"))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    sector = forms.ModelChoiceField(label=gettext_lazy("Sector"), queryset=None, required=False, empty_label=pgettext_lazy("feminine", "All"))
    since = forms.DateField(label=gettext_lazy("Submitted from"), required=False, widget=DateInput())
    until = forms.DateField(label=gettext_lazy("until"), required=False, widget=DateInput())
    expiring = forms.BooleanField(label=gettext_lazy("Expiring soon"), required=False,
                                  help_text=gettext_lazy("Closed requests the retention job will delete or anonymise within 60 days."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        from maillon.organisations.models import Sector

        self.fields["procedure"].queryset = Procedure.objects.for_organisation(organisation)
        self.fields["sector"].queryset = Sector.objects.for_organisation(organisation)
        self.fields["status"].choices = [("", pgettext("feminine", "All"))] + [c for c in Submission.Status.choices if c[0] != "draft"]


ROLE_LABELS = dict(Role.choices)
