"""API of the mailings (``/api/v1/mailings/…``): the mailings one may see, one with its recipients'
count and statuses, a draft written, a draft queued for sending. Same scope, policies, form and
services as the pages: someone who may not send mailings gets 403 as on the pages, a mailing of
another organisation (or, for a space host, of another sender) 404."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import policies, segments, services
from .forms import CRITERION_PREFIX, MailingForm
from .models import Mailing

router = Router(tags=["mailings"])
PAGE_SIZE = 50
Values = list[str]


class MailingOut(Schema):
    id: int
    subject: str
    kind: str = Field(description="mailing or newsletter")
    status: str = Field(description="draft, sending or sent")
    category: str
    created_at: datetime
    queued_at: datetime | None
    finished_at: datetime | None
    recipients: int = Field(description="rows written when it was queued (0 for a draft)")


class MailingPage(Schema):
    count: int
    page: int
    pages: int
    items: list[MailingOut]


class MailingDetailOut(MailingOut):
    body_html: str = Field(description="the message as recipients read it (sanitised)")
    criteria: dict[str, Values] = Field(description="criterion key → chosen values (ids or codes)")
    audience: int | None = Field(description="a draft: how many people it would reach now; else null")
    statuses: dict[str, int] = Field(description="sent mailing: recipients per status (queued, sending, sent, failed, "
                                                 "bounced, unsubscribed)")


class MailingIn(Schema):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=200_000, description="HTML: bold, italics, lists and links are kept")
    article: int | None = Field(default=None, description="id of a news item of the organisation, used when the body is empty")
    category: int | None = Field(default=None, description="id of a mailing category of the organisation")
    new_category: str = Field(default="", max_length=120, description="or the name of a new category")
    criteria: dict[str, list[str | int]] = Field(default={}, description="criterion key (organisations, kinds, roles, spaces, skills) → "
                                                               "values; AND between criteria, OR between values")


class QueuedOut(Schema):
    id: int
    status: str
    recipients: int


class PageFilter(Schema):
    page: int = Field(default=1, ge=1)


def _scope(request) -> segments.Scope:
    scope = segments.scope_for(current_membership(request))
    if not policies.can_use(scope):
        raise PermissionDenied(_("Only directors, communication officers and space hosts send mailings."))
    return scope


def _mailing(scope, pk: int) -> Mailing:
    queryset = policies.visible_mailings(scope, Mailing.objects.select_related("category", "article", "organisation"))
    return get_object_or_404(queryset.annotate(n_recipients=Count("recipients")), pk=pk)


def _out(mailing: Mailing) -> dict:
    return {"id": mailing.pk, "subject": mailing.subject, "kind": mailing.kind, "status": mailing.status,
            "category": mailing.category.name, "created_at": mailing.created_at, "queued_at": mailing.queued_at,
            "finished_at": mailing.finished_at, "recipients": mailing.n_recipients}


def _detail(scope, mailing: Mailing) -> dict:
    draft = mailing.is_draft
    return {**_out(mailing), "body_html": services.body_html(mailing), "criteria": segments.clean_criteria(scope, mailing.criteria),
            "audience": services.audience(scope, mailing).count() if draft else None,
            "statuses": {} if draft else services.status_counts(mailing)}


def _form(scope, payload: MailingIn) -> MailingForm:
    """The composer's own form checks the input: the same French messages, the same choices."""
    known = {c.key for c in segments.criteria_for(scope)}
    unknown = sorted(set(payload.criteria) - known)
    if unknown:
        raise ValidationError({f"criteria.{key[:40]}": _("This choice is not available to you.") for key in unknown[:5]})
    data = {"subject": payload.subject, "body": payload.body, "new_category": payload.new_category,
            "article": payload.article or "", "category": payload.category or ""}
    data.update({CRITERION_PREFIX + key: [str(value) for value in values] for key, values in payload.criteria.items()})
    form = MailingForm(data, scope=scope)
    if not form.is_valid():
        raise ValidationError({(f"criteria.{name.removeprefix(CRITERION_PREFIX)}" if name.startswith(CRITERION_PREFIX) else name): messages
                               for name, messages in form.errors.items()})
    return form


@router.get("/mailings", response=MailingPage, summary="The mailings one may see, newest first")
def list_mailings(request, filters: Query[PageFilter]):
    scope = _scope(request)
    rows = (policies.visible_mailings(scope, Mailing.objects.select_related("category"))
            .annotate(n_recipients=Count("recipients")).order_by("-created_at", "-pk"))
    page = Paginator(rows, PAGE_SIZE).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "items": [_out(m) for m in page]}


@router.get("/mailings/{int:pk}", response=MailingDetailOut, summary="A mailing, its recipients' count and statuses")
def get_mailing(request, pk: int):
    scope = _scope(request)
    return _detail(scope, _mailing(scope, pk))


@router.post("/mailings", response={201: MailingDetailOut}, summary="Write a draft (sent later by « queue »)")
def create_mailing(request, payload: MailingIn):
    scope = _scope(request)
    mailing = services.save_draft(scope, request=request, **_form(scope, payload).values())
    return Status(201, _detail(scope, _mailing(scope, mailing.pk)))


@router.post("/mailings/{int:pk}/queue", response=QueuedOut, summary="Send a draft: one row per recipient, then the worker")
def queue_mailing(request, pk: int):
    scope = _scope(request)
    mailing = _mailing(scope, pk)
    count = services.queue(scope, mailing, request=request)
    return {"id": mailing.pk, "status": mailing.status, "recipients": count}


register_api_router("mailings", router)
