"""API of children's health records (``/api/v1/health/…``): the list (names only), the record
(audited, as the page), create and update. Same policies and services as the pages; opening,
creating or updating a record needs a second factor (TOTP or passkey) on the account."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from maillon.accounts.middleware import has_second_factor
from maillon.api import current_membership
from maillon.core.apierrors import MFA_REQUIRED, NOT_FOUND
from maillon.core.registry import register_api_router
from maillon.organisations.models import Sector

from . import policies, services
from .models import HealthRecord, search_words

router = Router(tags=["health"])
PAGE_SIZE = 100
TEXT = 5000


class RecordRow(Schema):
    id: int
    first_name: str
    last_name: str
    birth_date: date
    sectors: list[int]
    school_year: int
    valid_until: date
    expired: bool


class RecordPage(Schema):
    count: int
    page: int
    pages: int
    items: list[RecordRow]


class ListFilter(Schema):
    q: str = Field(default="", max_length=100, description="words of the child's name")
    sector: int | None = Field(default=None, description="a sector id")
    page: int = Field(default=1, ge=1)


class ContactIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=1, max_length=30, description="French format: 06 12 34 56 78 or +33 6 12 34 56 78")
    relationship: str = Field(default="", max_length=60)
    is_guardian: bool = False
    may_collect: bool = False


class HealthContactOut(Schema):
    name: str
    phone: str
    relationship: str
    is_guardian: bool
    may_collect: bool


class RecordIn(Schema):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: Literal["f", "m", ""] = ""
    sectors: list[int] = Field(min_length=1, max_length=20)
    doctor_name: str = Field(default="", max_length=200)
    doctor_phone: str = Field(default="", max_length=30)
    allergies: str = Field(default="", max_length=TEXT)
    diet: str = Field(default="", max_length=TEXT)
    treatments: str = Field(default="", max_length=TEXT)
    has_pai: bool = False
    dtp_date: date | None = None
    other_vaccinations: str = Field(default="", max_length=TEXT)
    medical_notes: str = Field(default="", max_length=TEXT)
    allows_photos: bool = False
    allows_outings: bool = False
    allows_transport: bool = False
    allows_emergency_care: bool = False
    school_year: int = Field(ge=2000, le=2100, description="the year the school year starts: 2026 for 2026-2027")
    signed_on: date | None = None
    contacts: list[ContactIn] = Field(min_length=1, max_length=8)


class RecordOut(RecordIn):
    id: int
    valid_until: date
    expired: bool
    contacts: list[HealthContactOut]
    documents: list[dict] = Field(description="kind (scan, pai), name, size; the content through the record's page")


def _row(record: HealthRecord, sector_ids: list[int], today: date) -> dict:
    return {"id": record.pk, "first_name": record.first_name, "last_name": record.last_name, "birth_date": record.birth_date,
            "sectors": sector_ids, "school_year": record.school_year, "valid_until": record.valid_until,
            "expired": record.valid_until < today}


def _require_mfa(request) -> None:
    if not has_second_factor(request.user):
        raise HttpError(403, str(MFA_REQUIRED))


def _record(membership, pk: int) -> HealthRecord:
    return get_object_or_404(HealthRecord.objects.visible_to(membership).select_related("organisation").prefetch_related("sectors"), pk=pk)


def _out(record: HealthRecord) -> dict:
    fields = {name: getattr(record, name) for name in RecordIn.model_fields if name not in {"sectors", "contacts"}}
    return {**fields, "id": record.pk, "sectors": sorted(s.pk for s in record.sectors.all()),
            "valid_until": record.valid_until, "expired": record.is_expired(),
            "contacts": [{f: getattr(c, f) for f in services.CONTACT_FIELDS} for c in record.contacts.all()],
            "documents": [{"kind": d.kind, "name": d.meta.get("name", ""), "size": d.meta.get("size", 0)} for d in services.documents_of(record)]}


@router.get("/records", response=RecordPage, summary="Health records I may read, by name (no medical field)")
def records(request, filters: Query[ListFilter]):
    membership = current_membership(request)
    if not policies.can_use(membership):
        raise HttpError(404, str(NOT_FOUND))
    queryset = HealthRecord.objects.visible_to(membership).with_identity_only()
    if filters.sector is not None:
        queryset = queryset.filter(sectors=filters.sector)
    for word in search_words(filters.q):
        queryset = queryset.filter(search_name__contains=word)
    paginator = Paginator(queryset.order_by("search_name", "pk"), PAGE_SIZE)
    page = paginator.get_page(filters.page)
    items = list(page)
    sectors: dict[int, list[int]] = {}
    for record_id, sector_id in HealthRecord.sectors.through.objects.filter(healthrecord_id__in=[r.pk for r in items]).values_list(
            "healthrecord_id", "sector_id"):
        sectors.setdefault(record_id, []).append(sector_id)
    today = timezone.localdate()
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages,
            "items": [_row(r, sorted(sectors.get(r.pk, [])), today) for r in items]}


@router.get("/records/{int:pk}", response=RecordOut, summary="A health record with its medical fields (the read is audited)")
def record(request, pk: int):
    membership = current_membership(request)
    _require_mfa(request)
    found = _record(membership, pk)
    services.open_record(request, found, via="api")
    return _out(found)


def _save(request, membership, found: HealthRecord | None, payload: RecordIn) -> HealthRecord:
    sectors = list(Sector.objects.for_organisation(membership.organisation).filter(pk__in=payload.sectors))
    if len(sectors) != len(set(payload.sectors)):
        raise ValidationError({"sectors": _("Unknown sector.")})
    values = payload.dict(exclude={"sectors", "contacts"})
    try:
        return services.save_record(membership, found, values, sectors, [c.dict() for c in payload.contacts], request=request)
    except PermissionDenied:
        raise HttpError(404, str(NOT_FOUND)) from None


@router.post("/records", response={201: RecordOut}, summary="Create a health record (the sector's coordinator, or a role the organisation allows)")
def create(request, payload: RecordIn):
    membership = current_membership(request)
    _require_mfa(request)
    if not policies.can_write_any(membership, services.settings_for(membership.organisation)):
        raise HttpError(404, str(NOT_FOUND))
    saved = _save(request, membership, None, payload)
    return Status(201, _out(_record(membership, saved.pk)))


@router.put("/records/{int:pk}", response=RecordOut, summary="Replace a health record's fields and contacts")
def update(request, pk: int, payload: RecordIn):
    membership = current_membership(request)
    _require_mfa(request)
    found = _record(membership, pk)
    if not policies.can_write(membership, found, services.settings_for(membership.organisation)):
        raise HttpError(404, str(NOT_FOUND))
    _save(request, membership, found, payload)
    return _out(_record(membership, pk))


register_api_router("health", router)
