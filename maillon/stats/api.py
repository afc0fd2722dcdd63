"""API of the statistics (``/api/v1/stats/…``): the same aggregates as the page, for the director
and the technical administrator of the organisation (X-Organisation), counts only."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import policies, reports, services
from .labels import page_label

router = Router(tags=["stats"])


class PeriodIn(Schema):
    days: int = Field(default=30, description="30, 90 or 365: the period ending today (anything else: 422)")

    @field_validator("days")
    @classmethod
    def offered(cls, value: int) -> int:
        if value not in reports.PERIODS:
            raise ValueError("days: 30, 90 or 365")
        return value


class DayOut(Schema):
    date: date
    views: int
    visits: int


class GroupOut(Schema):
    key: str = Field(description="role, device class or route name")
    label: str = Field(description="its French name")
    views: int
    visits: int


class SummaryOut(Schema):
    first: date
    last: date
    views: int
    visits: int
    days: list[DayOut]
    roles: list[GroupOut]
    devices: list[GroupOut]
    pages: list[GroupOut] = Field(description="the most visited pages, 20 at most")
    heat: list[list[int]] = Field(description="views by weekday (0 = Monday) then hour (0 to 23)")


class PageOut(Schema):
    route: str
    label: str
    first: date
    last: date
    views: int
    days: list[DayOut]
    roles: list[GroupOut]


class OrganisationTotalOut(Schema):
    organisation: str
    slug: str
    views: int
    visits: int


def _reader(request):
    me = current_membership(request)
    if not policies.can_read(me):
        raise PermissionDenied
    return me


def _period(filters: PeriodIn) -> reports.Period:
    return reports.Period.ending(services.today(), filters.days)


def _groups(rows, key) -> list[dict]:
    return [{"key": row[key], "label": row["label"], "views": row["views"], "visits": row["visits"]} for row in rows]


@router.get("/summary", response=SummaryOut, summary="The organisation's statistics over a period (director, admin)")
def summary(request, filters: Query[PeriodIn]):
    org = _reader(request).organisation
    period = _period(filters)
    days = reports.per_day(org, period)
    return {"first": period.first, "last": period.last, "views": sum(d["views"] for d in days), "visits": sum(d["visits"] for d in days),
            "days": days, "roles": _groups(reports.by_role(org, period), "role"), "devices": _groups(reports.by_device(org, period), "device"),
            "pages": _groups(reports.top_pages(org, period), "route"), "heat": reports.heat(org, period)}


@router.get("/pages/{route}", response=PageOut, summary="One page's views per day and by role profile (director, admin)")
def page(request, route: str, filters: Query[PeriodIn]):
    org = _reader(request).organisation
    if not reports.known_route(org, route):
        raise Http404
    period = _period(filters)
    days = reports.per_day(org, period, route)
    return {"route": route, "label": page_label(route), "first": period.first, "last": period.last,
            "views": sum(d["views"] for d in days), "days": days, "roles": _groups(reports.by_role(org, period, route), "role")}


@router.get("/federation", response=list[OrganisationTotalOut], summary="A federation office: its organisations' totals side by side")
def federation(request, filters: Query[PeriodIn]):
    me = _reader(request)
    if not policies.federation_view(me):
        raise PermissionDenied
    return reports.federation_totals(me.organisation, _period(filters))


register_api_router("stats", router)
