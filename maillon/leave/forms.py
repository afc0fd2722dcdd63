from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.accounts.models import Membership

from .models import BalanceRule, Half, LeaveSettings, LeaveType, LedgerEntry, NegativeBalance


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SimulatorForm(forms.Form):
    leave_type = forms.TypedChoiceField(label=_("Leave type"), coerce=int)
    start_date = forms.DateField(label=_("First day"), widget=DateInput())
    start_half = forms.ChoiceField(label=_("Starting"), choices=[(Half.MORNING, _("in the morning")), (Half.AFTERNOON, _("in the afternoon"))])
    end_date = forms.DateField(label=_("Last day"), widget=DateInput())
    end_half = forms.ChoiceField(label=_("Ending"), choices=[(Half.AFTERNOON, _("in the evening")), (Half.MORNING, _("at noon"))])

    def __init__(self, *args, types, **kwargs):
        """``types``: the active leave types, already fetched by the page."""
        super().__init__(*args, **kwargs)
        self.types = {t.pk: t for t in types}
        self.fields["leave_type"].choices = [(t.pk, t.name) for t in types]

    def clean_leave_type(self):
        return self.types[self.cleaned_data["leave_type"]]


class EstimateForm(forms.Form):
    """The leave fields of the procedures' leave form, as its live estimate receives them (GET):
    ``leave_type`` (a type's name or code), ``period__start`` / ``period__end`` (dates) and their
    halves (``morning`` / ``afternoon``, or ``am`` / ``pm``)."""

    HALVES = {"morning": Half.MORNING, "afternoon": Half.AFTERNOON, Half.MORNING: Half.MORNING, Half.AFTERNOON: Half.AFTERNOON}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["leave_type"] = forms.CharField(label=_("Leave type"), max_length=100)
        self.fields["period__start"] = forms.DateField(label=_("First day"))
        self.fields["period__start_half"] = forms.CharField(required=False, max_length=10)
        self.fields["period__end"] = forms.DateField(label=_("Last day"))
        self.fields["period__end_half"] = forms.CharField(required=False, max_length=10)

    @property
    def incomplete(self) -> bool:
        """Nothing wrong yet: the type or a date is still empty."""
        return not all((self.data.get(name) or "").strip() for name in ("leave_type", "period__start", "period__end"))

    def clean(self):
        data = super().clean()
        for name, default in (("period__start_half", Half.MORNING), ("period__end_half", Half.AFTERNOON)):
            value = (data.get(name) or "").strip() or default
            if value not in self.HALVES:
                self.add_error(name, _("Choose morning or afternoon."))
            else:
                data[name] = self.HALVES[value]
        start, end = data.get("period__start"), data.get("period__end")
        for name, day in (("period__start", start), ("period__end", end)):
            if day and not 2000 <= day.year <= 2100:
                self.add_error(name, _("Choose a date between 2000 and 2100."))
        if start and end and not self.errors:
            if end < start:
                self.add_error("period__end", _("The end of the leave is before its start."))
            elif (end - start).days > 366:
                self.add_error("period__end", _("A leave request cannot cover more than a year."))
        if data.get("leave_type"):
            from .insight import find_type

            data["type"] = find_type(self.organisation, data["leave_type"])
        return data

    def problem(self) -> str:
        """The first error, as one French sentence with the field's label."""
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            return f"{label} : {errors[0]}" if label else errors[0]
        return ""


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.get_full_name() or obj.user.username} ({obj.user.username})"


class CorrectionForm(forms.Form):
    membership = MemberChoiceField(label=_("Person"), queryset=Membership.objects.none())
    leave_type = forms.ModelChoiceField(label=_("Leave type"), queryset=LeaveType.objects.none())
    amount = forms.DecimalField(
        label=_("Days"), max_digits=6, decimal_places=2, min_value=Decimal("-366"), max_value=Decimal("366"),
        help_text=_("Positive to credit, negative to debit, for example -1.5. Half days: .5"),
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=_("Shown in the person's history."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        from . import services

        self.fields["membership"].queryset = Membership.objects.for_organisation(organisation).active().select_related("user").order_by("user__last_name", "user__first_name")
        self.fields["leave_type"].queryset = services.leave_types(organisation)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount % Decimal("0.5"):
            raise forms.ValidationError(_("Enter whole or half days (for example 1 or 1.5)."))
        if amount == 0:
            raise forms.ValidationError(_("A correction of 0 days changes nothing."))
        return amount


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("One line per balance: login or e-mail; leave type code; days; optional comment."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (2 MB at most)."))
        data = upload.read()
        if b"\x00" in data:  # a binary file or UTF-16: the database refuses the null character
            raise forms.ValidationError(_("The file holds null characters: it is not a CSV text file. Save it as CSV UTF-8."))
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as CSV UTF-8 and try again.")) from None
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = LeaveSettings
        fields = ["counting_mode", "alsace_moselle", "period_start_month", "carryover_months"]
        widgets = {"counting_mode": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carryover_months"].required = False  # empty: the default, 12 months

    def clean_carryover_months(self):
        value = self.cleaned_data.get("carryover_months")
        return 12 if value is None else value


class LeaveTypeForm(forms.ModelForm):
    # One choice for two fields: counted against a balance or not, and if so what a negative balance does.
    balance_rule = forms.ChoiceField(
        label=_("Balance"), choices=BalanceRule.choices, initial=BalanceRule.REFUSE, widget=forms.RadioSelect,
        help_text=_("Refused: a request that would take the balance below zero (counting the requests awaiting a decision) "
                    "cannot be sent, and its final approval is refused if the balance changed meanwhile."),
    )

    class Meta:
        model = LeaveType
        fields = ["name", "code", "balance_rule", "accrues_monthly", "is_paid_leave", "notice_days", "order", "is_active"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if self.instance.pk:
            self.initial["balance_rule"] = self.instance.balance_rule

    def save(self, commit=True):
        rule = self.cleaned_data["balance_rule"]
        self.instance.counts_against_balance = rule != BalanceRule.NONE
        if rule != BalanceRule.NONE:
            self.instance.negative_balance = NegativeBalance.WARN if rule == BalanceRule.WARN else NegativeBalance.REFUSE
        return super().save(commit)

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        clash = LeaveType.objects.for_organisation(self.organisation).filter(code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another leave type already uses this code."))
        return code


WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class CycleForm(forms.Form):
    half_days = forms.TypedMultipleChoiceField(
        label=_("Worked half days"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(2 * w + h, f"{WEEKDAYS[w]} {_('morning') if h == 0 else _('afternoon')}") for w in range(6) for h in (0, 1)],
    )

    def mask(self) -> int:
        return sum(1 << bit for bit in self.cleaned_data["half_days"])


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("Person"), required=False)
    leave_type = forms.ModelChoiceField(label=_("Leave type"), queryset=LeaveType.objects.none(), required=False, empty_label=_("All"))
    kind = forms.ChoiceField(label=_("Movement"), required=False, choices=[("", _("All"))] + list(LedgerEntry.Kind.choices))
    since = forms.DateField(label=_("Recorded from"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Recorded until"), required=False, widget=DateInput())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leave_type"].queryset = LeaveType.objects.for_organisation(organisation)
