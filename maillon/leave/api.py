"""API of leave: balances, ledger, the day counter and HR corrections (``/api/v1/leave/…``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from maillon.accounts.models import Membership
from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import policies, services
from .models import BalanceRule, Half, LeaveType, LedgerEntry

router = Router(tags=["leave"])
PAGE_SIZE = 50


class BalanceOut(Schema):
    leave_type: str = Field(description="the leave type's code")
    name: str
    counts_against_balance: bool
    balance_rule: BalanceRule = Field(description="refuse: a negative balance is refused; warn: allowed, HR is told; none: no balance")
    balance: Decimal = Field(description="the ledger's sum")
    pending: Decimal = Field(description="days held by requests sent and not yet decided")
    available: Decimal = Field(description="balance minus pending")


class EntryOut(Schema):
    id: int
    membership: int
    leave_type: str
    kind: str
    amount: Decimal
    start_date: date | None
    start_half: str
    end_date: date | None
    end_half: str
    reference: str
    reason: str
    created_at: datetime


class LedgerPage(Schema):
    count: int
    page: int
    pages: int
    balance: list[BalanceOut]
    items: list[EntryOut]


class PersonFilter(Schema):
    membership: int | None = Field(default=None, description="another person's membership id (HR and director only)")
    page: int = Field(default=1, ge=1)


class CountIn(Schema):
    leave_type: str
    start_date: date
    start_half: Half = Half.MORNING
    end_date: date
    end_half: Half = Half.AFTERNOON


class CountOut(Schema):
    days: Decimal
    balance: Decimal
    pending: Decimal = Field(description="days held by my requests awaiting a decision")
    balance_after: Decimal | None = Field(description="the available balance after this request (balance − pending − days)")


class CorrectionIn(Schema):
    membership: int
    leave_type: str
    amount: Decimal = Field(ge=-366, le=366, max_digits=6, decimal_places=2,
                            description="days, positive to credit, negative to debit; whole or half days")
    reason: str = Field(min_length=1, max_length=300)

    @field_validator("amount")
    @classmethod
    def _half_days(cls, amount: Decimal) -> Decimal:
        if amount == 0 or amount % Decimal("0.5"):
            raise ValueError(_("Enter whole or half days (for example 1 or 1.5)."))
        return amount


def _person(request, membership_id: int | None):
    me = current_membership(request)
    if membership_id is None or membership_id == me.pk:
        return me
    if not policies.can_view_all_ledgers(me):
        raise HttpError(403, _("Only HR and the director may see other people's leave."))
    return get_object_or_404(Membership.objects.for_organisation(me.organisation), pk=membership_id)


def _balances(membership) -> list[dict]:
    return [{"leave_type": r["type"].code, "name": r["type"].name, "counts_against_balance": r["type"].counts_against_balance,
             "balance_rule": r["type"].balance_rule, "balance": r["balance"], "pending": r["pending"], "available": r["available"]}
            for r in services.balances(membership)]


def _entry(e: LedgerEntry) -> dict:
    return {"id": e.pk, "membership": e.membership_id, "leave_type": e.leave_type.code, "kind": e.kind, "amount": e.amount,
            "start_date": e.start_date, "start_half": e.start_half, "end_date": e.end_date, "end_half": e.end_half,
            "reference": e.reference, "reason": e.reason, "created_at": e.created_at}


def _type(membership, code: str) -> LeaveType:
    found = services.leave_types(membership.organisation).filter(code=code).first()
    if found is None:
        raise HttpError(422, _("Unknown leave type « %(code)s ».") % {"code": code})
    return found


@router.get("/balances", response=list[BalanceOut], summary="Leave balances (mine, or a person's for HR)")
def balances(request, filters: Query[PersonFilter]):
    return _balances(_person(request, filters.membership))


@router.get("/ledger", response=LedgerPage, summary="Leave ledger, newest first (mine, or a person's for HR)")
def ledger(request, filters: Query[PersonFilter]):
    person = _person(request, filters.membership)
    qs = LedgerEntry.objects.for_organisation(person.organisation).filter(membership=person).select_related("leave_type")
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(filters.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "balance": _balances(person),
            "items": [_entry(e) for e in page]}


@router.post("/count", response=CountOut, summary="How many days a request would cost me, and my balance after it")
def count(request, payload: CountIn):
    me = current_membership(request)
    leave_type = _type(me, payload.leave_type)
    if (payload.end_date, payload.end_half) < (payload.start_date, payload.start_half):
        raise HttpError(422, _("The end of the leave is before its start."))
    days = services.count_request(me, leave_type, payload.start_date, payload.start_half, payload.end_date, payload.end_half)
    current, pending = services.balance(me, leave_type), services.pending_days(me, leave_type)
    return {"days": days, "balance": current, "pending": pending,
            "balance_after": current - pending - days if leave_type.counts_against_balance else None}


@router.post("/corrections", response={201: EntryOut}, summary="Add a correction to a person's ledger (HR)")
def correction(request, payload: CorrectionIn):
    me = current_membership(request)
    if not policies.can_correct(me):
        raise HttpError(403, _("Only HR may correct balances."))
    person = get_object_or_404(Membership.objects.for_organisation(me.organisation), pk=payload.membership)
    try:
        entry = services.add_correction(membership=person, leave_type=_type(me, payload.leave_type), amount=payload.amount,
                                        reason=payload.reason, actor=request.user, request=request)
    except ValidationError as error:
        raise HttpError(422, " ".join(" ".join(v) for v in error.message_dict.values())) from None
    return Status(201, _entry(entry))


register_api_router("leave", router)
