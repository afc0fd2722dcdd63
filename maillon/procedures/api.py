"""API of procedures (``/api/v1/procedures/…``): published procedures and their schema, the
caller's submissions, the approval queue, all submissions (HR, director), one submission with
its timeline, and signed decisions (the password is the signature)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import policies, queries, services
from .models import Step, Submission

router = Router(tags=["procedures"])
PAGE_SIZE = 50


class ProcedureOut(Schema):
    slug: str
    title: str
    description: str
    category: str
    version: int


class ProcedureDetail(ProcedureOut):
    fields: list[dict] = Field(description="the schema of the current version (see maillon/procedures/schema.py)")
    chain: dict


class SubmissionOut(Schema):
    id: int
    reference: str
    procedure: str
    version: int
    applicant: str
    status: str
    amount: Decimal | None
    submitted_at: datetime | None
    closed_at: datetime | None


class StepOut(Schema):
    position: int
    round: int
    role: str
    title: str
    status: str
    decided_by: str | None
    decided_at: datetime | None
    comment: str
    signature_code: str | None


class SubmissionDetail(SubmissionOut):
    answers: dict
    steps: list[StepOut]
    signature_code: str | None


class SubmissionPage(Schema):
    count: int
    page: int
    pages: int
    items: list[SubmissionOut]


class ListFilter(Schema):
    scope: Literal["mine", "queue", "all"] = Field(default="mine", description="mine | queue (waiting for my decision) | all (HR and director)")
    status: Submission.Status | None = None
    page: int = Field(default=1, ge=1)


class DecisionIn(Schema):
    decision: str = Field(description="approve | reject | changes")
    comment: str = ""
    password: str = Field(description="the caller's password: the decision is signed")


def _out(sub: Submission) -> dict:
    return {"id": sub.pk, "reference": sub.reference, "procedure": sub.version.title, "version": sub.version.number,
            "applicant": sub.applicant_label, "status": sub.status, "amount": sub.amount, "submitted_at": sub.submitted_at,
            "closed_at": sub.closed_at}


@router.get("/", response=list[ProcedureOut], summary="Published procedures")
def list_procedures(request):
    membership = current_membership(request)
    return [{"slug": p.slug, "title": p.title, "description": p.description, "category": p.category, "version": p.current_version.number}
            for p in queries.published(membership.organisation).select_related("current_version")]


@router.get("/submissions", response=SubmissionPage, summary="Submissions: mine, waiting for me, or all")
def list_submissions(request, filters: Query[ListFilter]):
    membership = current_membership(request)
    qs = queries.submissions(membership.organisation)
    if filters.scope == "queue":
        qs = qs.filter(pk__in=queries.queue(membership).values("submission_id"))
    elif filters.scope == "all":
        if not policies.can_oversee(membership):
            raise HttpError(403, _("Only human resources and the direction see every request."))
        qs = qs.exclude(status=Submission.Status.DRAFT)
    else:
        qs = qs.of(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    page = Paginator(qs.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "items": [_out(x) for x in page]}


@router.get("/submissions/{int:pk}", response=SubmissionDetail, summary="One submission with its steps")
def get_submission(request, pk: int):
    membership = current_membership(request)
    sub = get_object_or_404(queries.submissions(membership.organisation).select_related("signature").prefetch_related("steps__signature", "steps__decided_by", "steps__sector"), pk=pk)
    if not queries.can_view(membership, sub):
        raise HttpError(404, _("Not found."))
    steps = [{"position": st.position, "round": st.round, "role": st.role, "title": st.title, "status": st.status,
              "decided_by": str(st.decided_by) if st.decided_by else None, "decided_at": st.decided_at, "comment": st.comment,
              "signature_code": st.signature.display_code if st.signature else None} for st in sub.steps.all()]
    return {**_out(sub), "answers": sub.data, "steps": steps, "signature_code": sub.signature.display_code if sub.signature else None}


@router.get("/{slug}", response=ProcedureDetail, summary="A published procedure and its form schema")
def get_procedure(request, slug: str):
    membership = current_membership(request)
    p = get_object_or_404(queries.published(membership.organisation).select_related("current_version"), slug=slug)
    v = p.current_version
    return {"slug": p.slug, "title": v.title, "description": v.description, "category": p.category, "version": v.number,
            "fields": v.schema, "chain": v.chain}


@router.post("/submissions/{int:pk}/decisions", response=SubmissionDetail, summary="Approve, reject or ask for changes (signed)")
def decide(request, pk: int, payload: DecisionIn):
    membership = current_membership(request)
    sub = get_object_or_404(queries.submissions(membership.organisation), pk=pk)
    if not queries.can_view(membership, sub):
        raise HttpError(404, _("Not found."))
    step = sub.steps.filter(status=Step.Status.WAITING).first()
    if step is None or not services.user_can_decide(membership, step):
        raise HttpError(403, _("This request is not waiting for your decision."))
    if not hasattr(request, "session"):
        from django.contrib.sessions.backends.db import SessionStore

        request.session = SessionStore()
    try:
        services.decide(request, step, payload.decision, comment=payload.comment, password=payload.password)
    except PermissionDenied as error:
        raise HttpError(403, _("This request is not waiting for your decision.")) from error
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    return get_submission(request, pk)


register_api_router("procedures", router)
