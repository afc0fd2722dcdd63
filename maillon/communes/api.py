"""API of a groupement's communes (``/api/v1/communes/…``, token or session, ``X-Organisation``:
the groupement's slug): list my groupement's communes, create one (the secretary is invited),
enable or disable a service. The same services and policies as the pages; anybody but the
groupement's staff gets a 404, a commune of another groupement too."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import catalogue, policies, services

router = Router(tags=["communes"])
PAGE_SIZE = 50


class CommuneOut(Schema):
    id: int
    name: str
    slug: str
    insee_code: str
    population: int
    services: list[str]
    requests_this_month: int
    idle: bool = Field(description="no login and no request in 30 days")


class CommunePage(Schema):
    count: int
    page: int
    pages: int
    results: list[CommuneOut]


class CommuneIn(Schema):
    name: str = Field(max_length=200)
    insee_code: str = Field(max_length=5)
    siret: str = Field(max_length=20)
    population: int = Field(ge=0, le=services.MAX_POPULATION)
    mayor_name: str = Field(max_length=150)
    secretary_email: str = Field(max_length=254)


class ServiceIn(Schema):
    enabled: bool


class ServiceOut(Schema):
    key: str
    enabled: bool
    changed: bool


class Filters(Schema):
    q: str = Field("", max_length=100)
    page: int = Field(1, ge=1, le=100_000)


def _staff(request):
    membership = current_membership(request)
    if not policies.is_groupement_staff(membership):
        raise Http404
    return membership


def _out(row: dict) -> dict:
    commune = row["commune"]
    return {"id": commune.pk, "name": commune.organisation.name, "slug": commune.organisation.slug,
            "insee_code": commune.insee_code, "population": commune.population,
            "services": [s.key for s in row["services"]], "requests_this_month": row["requests"], "idle": row["idle"]}


@router.get("/", response=CommunePage, summary="The communes of my groupement, with their services and activity")
def list_communes(request, filters: Query[Filters]):
    rows = services.overview(_staff(request), search=filters.q)
    page = Paginator(rows, PAGE_SIZE).get_page(filters.page)
    return {"count": len(rows), "page": page.number, "pages": page.paginator.num_pages, "results": [_out(r) for r in page.object_list]}


@router.post("/", response={201: CommuneOut}, summary="Create a commune; its secretary is invited as administrator")
def create_commune(request, payload: CommuneIn):
    membership = _staff(request)
    commune = services.provision(membership, payload.dict(), request=request)
    return Status(201, _out({"commune": commune, "services": [], "requests": 0, "idle": True}))


@router.put("/{int:commune_id}/services/{key}", response=ServiceOut, summary="Enable or disable a service for a commune")
def set_service(request, commune_id: int, key: str, payload: ServiceIn):
    membership = _staff(request)
    commune = get_object_or_404(services.communes_of(membership), pk=commune_id)
    if key not in catalogue.KEYS:
        raise ValidationError({"key": services.unknown_service_message()})
    changed = services.set_service(membership, commune, key, payload.enabled, request=request)
    return {"key": key, "enabled": payload.enabled, "changed": changed}


register_api_router("communes", router)
