"""Leave: types per organisation, settings, work cycles and the append-only ledger.

A balance is always the sum of the ledger's entries for (person, leave type): nothing is
ever updated or deleted, a correction is a new entry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Organisation, TenantModel, TenantQuerySet


class Half(models.TextChoices):
    """Which half of a day. For a start date: ``am`` = from the morning (whole first day),
    ``pm`` = from the afternoon. For an end date: ``am`` = until noon, ``pm`` = until the evening."""

    MORNING = "am", _("morning")
    AFTERNOON = "pm", _("afternoon")


class CountingMode(models.TextChoices):
    WORKING_DAYS = "ouvres", _("Working days, Monday to Friday (jours ouvrés, 25 a year)")
    BUSINESS_DAYS = "ouvrables", _("Business days, Monday to Saturday (jours ouvrables, 30 a year)")


# Paid leave acquired per reference year, by counting mode (Code du travail L3141-3).
YEARLY_ENTITLEMENT = {CountingMode.WORKING_DAYS: 25, CountingMode.BUSINESS_DAYS: 30}


class LeaveSettings(models.Model):
    """One row per organisation (created on first use with the defaults)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="leave_settings")
    counting_mode = models.CharField(_("counting mode"), max_length=10, choices=CountingMode.choices, default=CountingMode.BUSINESS_DAYS)
    alsace_moselle = models.BooleanField(
        _("Alsace-Moselle public holidays"), default=False,
        help_text=_("Adds Good Friday and St Stephen's Day (26 December)."),
    )
    period_start_month = models.PositiveSmallIntegerField(
        _("reference period starts in month"), default=6,
        help_text=_("1 to 12. The default reference period runs from 1 June to 31 May."),
    )
    carryover_months = models.PositiveSmallIntegerField(
        _("months to take the leftover paid leave (reliquat)"), default=12,
        help_text=_("Paid leave left at the end of the reference period becomes a « reliquat » usable this many months "
                    "more: 12 by default (until 31 May of the next period), 0 to lose it at the end of the period."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("leave settings")
        verbose_name_plural = _("leave settings")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        if not 1 <= (self.period_start_month or 0) <= 12:
            raise ValidationError({"period_start_month": _("Enter a month between 1 and 12.")})
        if not 0 <= (self.carryover_months or 0) <= 12:
            raise ValidationError({"carryover_months": _("Enter a number of months between 0 and 12.")})


class NegativeBalance(models.TextChoices):
    """What happens when a request of a type counted against a balance would take it below zero."""

    REFUSE = "refuse", _("Negative balance refused")
    WARN = "warn", _("Negative balance allowed, with a warning to HR")


class BalanceRule(models.TextChoices):
    """The leave type form's one choice: ``counts_against_balance`` and ``negative_balance`` together."""

    REFUSE = "refuse", _("Counted against a balance: a negative balance is refused")
    WARN = "warn", _("Counted against a balance: a negative balance is allowed, with a warning to HR")
    NONE = "none", _("No balance (for example unpaid leave): nothing is counted")


class LeaveTypeQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True)


class LeaveType(TenantModel):
    code = models.SlugField(_("code"), max_length=30, help_text=_("Short identifier used in CSV files, for example cp or rtt."))
    name = models.CharField(_("name"), max_length=120)
    counts_against_balance = models.BooleanField(_("counted against a balance"), default=True)
    negative_balance = models.CharField(
        _("negative balance"), max_length=10, choices=NegativeBalance.choices, default=NegativeBalance.REFUSE,
        help_text=_("Refused: a request (and its final approval) that would take the balance below zero is refused. "
                    "Allowed: it goes through and HR is told."),
    )
    accrues_monthly = models.BooleanField(
        _("acquired every month"), default=False,
        help_text=_("Paid leave: 2.5 business days or 25/12 working days are credited at the start of each month."),
    )
    is_paid_leave = models.BooleanField(
        _("main paid leave"), default=False,
        help_text=_("Fractionnement days are granted when this leave is taken outside 1 May – 31 October."),
    )
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = LeaveTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("leave type")
        verbose_name_plural = _("leave types")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="leavetype_unique_code_per_organisation")]

    def __str__(self) -> str:
        return self.name

    @property
    def balance_rule(self) -> str:
        if not self.counts_against_balance:
            return BalanceRule.NONE
        return BalanceRule.WARN if self.negative_balance == NegativeBalance.WARN else BalanceRule.REFUSE

    @property
    def refuses_negative(self) -> bool:
        """A request of this type may never take the balance below zero."""
        return self.counts_against_balance and self.negative_balance != NegativeBalance.WARN


# Bit (2 * weekday + half) of WorkCycle.half_days; weekday 0 = Monday, half 0 = morning.
FULL_TIME = 0b1111111111  # Monday to Friday, mornings and afternoons


class WorkCycle(TenantModel):
    """Which half days a person works (part time). Without a row: Monday to Friday."""

    membership = models.OneToOneField("accounts.Membership", on_delete=models.CASCADE, related_name="work_cycle")
    half_days = models.PositiveIntegerField(_("worked half days"), default=FULL_TIME)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work cycle")
        verbose_name_plural = _("work cycles")

    def __str__(self) -> str:
        return f"{self.membership}: {self.half_days:014b}"


class PendingRequest(TenantModel):
    """The days a leave request holds while it is submitted and not yet decided.

    Written when the request is sent (under the person's lock, after checking the available balance)
    and removed when it is decided, withdrawn or sent back for changes: the available balance is the
    ledger's sum minus these. Not part of the ledger (nothing here moves the balance)."""

    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="pending_leave", verbose_name=_("person"))
    leave_type = models.ForeignKey(LeaveType, on_delete=models.PROTECT, related_name="pending", verbose_name=_("leave type"))
    days = models.DecimalField(_("days"), max_digits=6, decimal_places=2)
    start_date = models.DateField(_("from"))
    start_half = models.CharField(max_length=2, choices=Half.choices)
    end_date = models.DateField(_("to"))
    end_half = models.CharField(max_length=2, choices=Half.choices)
    reference = models.CharField(_("reference"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending leave request")
        verbose_name_plural = _("pending leave requests")
        indexes = [models.Index(fields=["membership", "leave_type"], name="leave_pending_person_type")]
        constraints = [models.UniqueConstraint(fields=["organisation", "reference"], name="leave_pending_one_per_reference")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.days} ({self.leave_type_id})"


class AppendOnlyError(Exception):
    pass


class LedgerQuerySet(TenantQuerySet):
    def update(self, **kwargs):  # noqa: ARG002 - refused whatever the arguments
        raise AppendOnlyError("The leave ledger is append-only: add a correction entry instead.")

    def delete(self):
        raise AppendOnlyError("The leave ledger is append-only: add a correction entry instead.")


class LedgerEntry(TenantModel):
    """One movement of a person's balance for one leave type. Append-only."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening balance")
        ACCRUAL = "accrual", _("Monthly accrual")
        DEBIT = "debit", _("Leave taken")
        CANCEL = "cancel", _("Cancelled leave credited back")
        CORRECTION = "correction", _("Correction")
        FRACTIONNEMENT = "fractionnement", _("Fractionnement days")
        CARRYOVER = "carryover", _("Leftover carried over (reliquat)")
        EXPIRY = "expiry", _("Reliquat expired")

    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="leave_entries", verbose_name=_("person"))
    leave_type = models.ForeignKey(LeaveType, on_delete=models.PROTECT, related_name="entries", verbose_name=_("leave type"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("days"), max_digits=6, decimal_places=2, help_text=_("Positive: credit; negative: debit."))
    start_date = models.DateField(_("from"), null=True, blank=True)
    start_half = models.CharField(max_length=2, choices=Half.choices, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    end_half = models.CharField(max_length=2, choices=Half.choices, blank=True)
    # Days of main paid leave of this debit taken outside 1 May – 31 October (fractionnement).
    days_outside_main_period = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    # Carry-over: the days of the ended period that stay usable (the balance does not move: amount
    # is 0) until ``expires_on``; ``start_date`` holds the last day of that period. An expiry entry
    # removes what was not taken by then.
    reliquat = models.DecimalField(_("reliquat (days)"), max_digits=6, decimal_places=2, default=0)
    expires_on = models.DateField(_("to be taken by"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True, db_index=True)
    period_key = models.CharField(max_length=20, blank=True, help_text="YYYY-MM for accruals, YYYY (start year of the period) for fractionnement, carry-over and expiry")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        # The person's ledger (balances); the organisation's latest movements (HR's movements page:
        # without it the created_at index was walked through every organisation's entries, issue 14).
        indexes = [models.Index(fields=["membership", "leave_type"], name="leave_entry_person_type"),
                   models.Index(fields=["organisation", "created_at"], name="leave_entry_org_created"),
                   # Who is away on a day (the staff directory, the agenda): the leave that ends from that day on.
                   models.Index(fields=["organisation", "end_date"], name="leave_entry_org_debit_end", condition=models.Q(kind="debit"))]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "leave_type", "period_key"], condition=models.Q(kind="accrual"),
                name="leave_entry_one_accrual_per_month",
            ),
            models.UniqueConstraint(
                fields=["organisation", "reference"], condition=models.Q(kind="debit"), name="leave_entry_one_debit_per_reference",
            ),
            models.UniqueConstraint(
                fields=["organisation", "reference"], condition=models.Q(kind="cancel"), name="leave_entry_one_cancel_per_reference",
            ),
            models.UniqueConstraint(
                fields=["membership", "leave_type", "period_key"], condition=models.Q(kind="carryover"), name="leave_entry_one_carryover_per_period",
            ),
            models.UniqueConstraint(
                fields=["membership", "leave_type", "period_key"], condition=models.Q(kind="expiry"), name="leave_entry_one_expiry_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.leave_type_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The leave ledger is append-only: add a correction entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The leave ledger is append-only: add a correction entry instead.")
