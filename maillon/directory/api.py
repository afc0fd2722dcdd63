"""API of the directory: partners and funders with contacts, facilitators, links."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import policies
from .models import Facilitator, Link, Partner

router = Router(tags=["directory"])


class ContactOut(Schema):
    id: int
    name: str
    function: str
    phone: str
    email: str
    address: str
    tags: str


class PartnerOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    address: str
    phone: str
    email: str
    website: str
    tags: list[str]


class PartnerDetailOut(PartnerOut):
    contacts: list[ContactOut]


class FacilitatorOut(Schema):
    id: int
    name: str
    skills: str
    rates: str
    phone: str
    email: str
    last_mission_on: date | None
    last_mission: str
    internal_comment: str | None = None


class LinkOut(Schema):
    id: int
    kind: str
    level: str
    title: str
    url: str
    notes: str


def _partner(p: Partner) -> dict:
    return {
        "id": p.pk, "kind": p.kind, "name": p.name, "description": p.description, "address": p.address,
        "phone": p.phone, "email": p.email, "website": p.website, "tags": p.tag_list(),
    }


@router.get("/partners", response=list[PartnerOut], summary="Partners and funders")
def list_partners(request):
    membership = current_membership(request)
    return [_partner(p) for p in Partner.objects.for_organisation(membership.organisation)]


@router.get("/partners/{partner_id}", response=PartnerDetailOut, summary="A partner or funder with its contacts")
def get_partner(request, partner_id: int):
    membership = current_membership(request)
    p = get_object_or_404(Partner.objects.for_organisation(membership.organisation), pk=partner_id)
    return {**_partner(p), "contacts": list(p.contacts.all())}


@router.get("/facilitators", response=list[FacilitatorOut], summary="Facilitators already solicited")
def list_facilitators(request):
    membership = current_membership(request)
    comments = policies.can_see_internal_comments(membership)
    return [
        {**{f: getattr(x, f) for f in ("id", "name", "skills", "rates", "phone", "email", "last_mission_on", "last_mission")}, "internal_comment": x.internal_comment if comments else None}
        for x in Facilitator.objects.for_organisation(membership.organisation)
    ]


@router.get("/links", response=list[LinkOut], summary="Funders' portals and useful links")
def list_links(request):
    membership = current_membership(request)
    return list(Link.objects.for_organisation(membership.organisation))


register_api_router("directory", router)
