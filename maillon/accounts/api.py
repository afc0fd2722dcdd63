"""API of accounts: who am I (``GET /me``) and my personal access tokens (``/tokens``)."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from maillon.core.registry import register_api_router

from . import services_tokens
from .models import Membership
from .roles import Role

router = Router(tags=["accounts"])


class SectorOut(Schema):
    id: int
    name: str


class RoleOut(Schema):
    role: str
    label: str
    sector: SectorOut | None


class MembershipOut(Schema):
    organisation_slug: str
    organisation_name: str
    job_title: str
    sector: SectorOut | None
    roles: list[RoleOut]


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    display_name: str
    email: str
    memberships: list[MembershipOut]


def _sector(sector) -> dict | None:
    return {"id": sector.pk, "name": sector.name} if sector is not None else None


@router.get("/me", response=MeOut, summary="The caller, their organisations and roles")
def me(request):
    user = request.user
    memberships = (
        Membership.objects.active().with_roles().select_related("organisation", "sector")
        .filter(user=user, organisation__is_active=True).order_by("organisation__name")
    )
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "email": user.email,
        "memberships": [
            {
                "organisation_slug": m.organisation.slug,
                "organisation_name": m.organisation.name,
                "job_title": m.job_title,
                "sector": _sector(m.sector),
                "roles": [
                    {"role": a.role, "label": str(Role(a.role).label), "sector": _sector(a.sector)}
                    for a in sorted(m.role_assignments.all(), key=lambda a: (Role.values.index(a.role), a.sector_id or 0))
                ],
            }
            for m in memberships
        ],
    }


class TokenOut(Schema):
    id: int
    name: str
    hint: str = Field(description="The first characters of the token, to recognise it")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_usable: bool


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    expires_in_days: int | None = Field(default=None, ge=1, le=services_tokens.MAX_EXPIRY_DAYS)


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself: shown only in this answer, keep it safe")


@router.get("/tokens", response=list[TokenOut], summary="My personal access tokens")
def list_tokens(request):
    return list(services_tokens.tokens_of(request.user))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create a personal access token (returned once)")
def create_token(request, payload: TokenIn):
    if getattr(request, "api_token", None) is not None:
        # A token must not mint new tokens (a leaked token could otherwise outlive its expiry).
        raise HttpError(403, _("Create tokens from a browser session, not with another token."))
    created = services_tokens.create_token(request.user, payload.name, payload.expires_in_days, request=request)
    token = created.token
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": created.raw})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of my tokens")
def revoke_token(request, token_id: int):
    token = get_object_or_404(services_tokens.tokens_of(request.user), pk=token_id)
    services_tokens.revoke_token(request.user, token, request=request)
    return Status(204, None)


register_api_router("", router)
