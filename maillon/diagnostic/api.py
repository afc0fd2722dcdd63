"""API of the needs diagnostic (``/api/v1/diagnostic/…``): my commune's latest scores, recommended
bundle and training plan, and its latest security self-check with the actions left.

Same policies as the pages: the organisation (``X-Organisation``) must be a commune the caller
belongs to (else 404), and the caller its director or administrator (else 403)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import policies, questionnaire, selfcheck, services

router = Router(tags=["diagnostic"])


class AreaOut(Schema):
    key: str
    label: str
    score: int = Field(description="0 to 100")


class RecommendedServiceOut(Schema):
    key: str = Field(description="a key of the communes' service catalogue")
    label: str


class ModuleOut(Schema):
    key: str
    title: str
    audience: str
    hours: int


class DiagnosticOut(Schema):
    id: int
    completed_at: datetime
    version: str = Field(description="the questionnaire's version it was answered with")
    overall: int
    areas: list[AreaOut]
    services: list[RecommendedServiceOut] = Field(description="the recommended bundle")
    training: list[ModuleOut] = Field(description="the training plan")


class ActionOut(Schema):
    key: str
    practice: str
    action: str


class SelfCheckOut(Schema):
    created_at: datetime
    score: int = Field(description="0 to 100: the share of the checklist's practices in place")
    done: list[str]
    actions_left: list[ActionOut]


class LatestOut(Schema):
    diagnostic: DiagnosticOut | None = Field(description="the latest completed diagnostic; null: none yet")
    selfcheck: SelfCheckOut | None = Field(description="the latest security self-check; null: none yet")


def _member(request):
    membership = current_membership(request)
    if not policies.is_commune(membership.organisation):
        raise Http404(_("This organisation is not a commune: it has no diagnostic."))
    if not policies.can_fill_in(membership):
        raise HttpError(403, _("Only the commune's director and administrators see its diagnostic."))
    return membership


@router.get("/latest", response=LatestOut, summary="My commune's latest diagnostic scores, bundle and training plan, and self-check")
def latest(request):
    organisation = _member(request).organisation
    diagnostic = services.latest(organisation)
    result = {"diagnostic": None, "selfcheck": None}
    if diagnostic is not None:
        bundle, plan = services.recommendation(diagnostic)
        result["diagnostic"] = {
            "id": diagnostic.pk, "completed_at": diagnostic.completed_at, "version": diagnostic.version,
            "overall": questionnaire.overall(diagnostic.scores),
            "areas": [{"key": a, "label": str(questionnaire.AREA_LABELS[a]), "score": diagnostic.scores.get(a, 0)}
                      for a in questionnaire.SCORED_AREAS],
            "services": [{"key": s.key, "label": str(s.label)} for s in bundle],
            "training": [{"key": m.key, "title": str(m.title), "audience": str(m.audience), "hours": m.hours} for m in plan],
        }
    checks = services.selfchecks(organisation, limit=1)
    if checks:
        check = checks[-1]
        result["selfcheck"] = {"created_at": check.created_at, "score": check.score, "done": check.done,
                               "actions_left": [{"key": i.key, "practice": str(i.label), "action": str(i.action)}
                                                for i in selfcheck.actions_left(check.done)]}
    return result


register_api_router("diagnostic", router)
