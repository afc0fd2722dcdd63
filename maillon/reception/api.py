"""API of the reception desk (``/api/v1/reception/…``): send a phone message or a visitor notice,
list my messages, mark one delivered, read or handled. Same policies and services as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import services
from .models import NOTE_MAX, NOTICE_TEXT_MAX, TEXT_MAX, PhoneMessage, VisitorNotice

router = Router(tags=["reception"])
PAGE_SIZE = 50


class MessageIn(Schema):
    recipient: int = Field(description="the recipient's membership id")
    caller_name: str = Field(max_length=120)
    caller_number: str = Field(default="", max_length=30, description="French number, optional; stored as +33…")
    text: str = Field(max_length=TEXT_MAX)
    urgency: PhoneMessage.Urgency = PhoneMessage.Urgency.NORMAL
    action: PhoneMessage.Action = PhoneMessage.Action.CALL_BACK


class MessageOut(Schema):
    id: int
    recipient: int
    author: int | None
    caller_name: str
    caller_number: str
    text: str
    urgency: str
    action: str
    state: str = Field(description="sent, delivered, read or handled")
    created_at: datetime
    delivered_at: datetime | None
    read_at: datetime | None
    handled_at: datetime | None
    handled_note: str


class MessagePage(Schema):
    count: int
    page: int
    pages: int
    items: list[MessageOut]


class NoticeIn(Schema):
    sector: int = Field(description="the sector's id")
    visitor_name: str = Field(default="", max_length=120)
    waiting: bool = Field(default=False, description="waiting at reception")
    text: str = Field(default="", max_length=NOTICE_TEXT_MAX)


class NoticeOut(Schema):
    id: int
    sector: int | None
    sector_name: str
    visitor_name: str
    waiting: bool
    text: str
    created_at: datetime
    recipients: list[int] = Field(description="membership ids told")


class HandledIn(Schema):
    note: str = Field(default="", max_length=NOTE_MAX)


class MineFilter(Schema):
    page: int = Field(default=1, ge=1)
    unread: bool = Field(default=False, description="only the messages not read yet")


def _message(m: PhoneMessage) -> dict:
    return {"id": m.pk, "recipient": m.recipient_id, "author": m.author_id, "caller_name": m.caller_name,
            "caller_number": m.caller_number, "text": m.text, "urgency": m.urgency, "action": m.action, "state": str(m.state),
            "created_at": m.created_at, "delivered_at": m.delivered_at, "read_at": m.read_at, "handled_at": m.handled_at,
            "handled_note": m.handled_note}


def _mine(request, pk: int) -> PhoneMessage:
    """One of the caller's own messages (another person's or organisation's: 404)."""
    me = current_membership(request)
    message = get_object_or_404(PhoneMessage.objects.for_organisation(me.organisation).for_recipient(me), pk=pk)
    message.organisation = me.organisation
    return message


@router.post("/messages", response={201: MessageOut}, summary="Send a phone message (reception)")
def create_message(request, payload: MessageIn):
    me = current_membership(request)
    message = services.send_message(me, recipient=payload.recipient, caller_name=payload.caller_name,
                                    caller_number=payload.caller_number, text=payload.text, urgency=payload.urgency,
                                    action=payload.action, request=request)
    return Status(201, _message(message))


@router.get("/messages", response=MessagePage, summary="My phone messages, newest first")
def list_mine(request, filters: Query[MineFilter]):
    me = current_membership(request)
    rows = PhoneMessage.objects.for_organisation(me.organisation).for_recipient(me)
    if filters.unread:
        rows = rows.unread()
    page = Paginator(rows, PAGE_SIZE).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
            "items": [_message(m) for m in page]}


@router.post("/messages/{int:pk}/delivered", response=MessageOut, summary="Mark my message delivered (shown on a device)")
def delivered(request, pk: int):
    message = _mine(request, pk)
    services.mark_delivered(current_membership(request), message, request=request)
    return _message(message)


@router.post("/messages/{int:pk}/read", response=MessageOut, summary="Mark my message read (reception sees « Lu à … »)")
def read(request, pk: int):
    message = _mine(request, pk)
    services.mark_read(current_membership(request), message, request=request)
    return _message(message)


@router.post("/messages/{int:pk}/handled", response=MessageOut, summary="Mark my message handled, with a note")
def handled(request, pk: int, payload: HandledIn):
    message = _mine(request, pk)
    services.mark_handled(current_membership(request), message, note=payload.note, request=request)
    return _message(message)


@router.post("/notices", response={201: NoticeOut}, summary="Send a visitor notice to a sector's people on duty (reception)")
def create_notice(request, payload: NoticeIn):
    me = current_membership(request)
    notice = services.send_notice(me, sector=payload.sector, visitor_name=payload.visitor_name, waiting=payload.waiting,
                                  text=payload.text, request=request)
    return Status(201, {"id": notice.pk, "sector": notice.sector_id, "sector_name": notice.sector_name,
                        "visitor_name": notice.visitor_name, "waiting": notice.waiting, "text": notice.text,
                        "created_at": notice.created_at,
                        "recipients": list(notice.recipients.values_list("membership_id", flat=True))})


def _my_notice(request, pk: int) -> VisitorNotice:
    me = current_membership(request)
    notice = get_object_or_404(VisitorNotice.objects.for_organisation(me.organisation), pk=pk, recipients__membership=me)
    notice.organisation = me.organisation
    return notice


@router.post("/notices/{int:pk}/delivered", response={204: None}, summary="Mark a visitor notice for me delivered")
def notice_delivered(request, pk: int):
    services.mark_notice_delivered(current_membership(request), _my_notice(request, pk), request=request)
    return Status(204, None)


@router.post("/notices/{int:pk}/read", response={204: None}, summary="Mark a visitor notice for me read")
def notice_read(request, pk: int):
    services.mark_notice_read(current_membership(request), _my_notice(request, pk), request=request)
    return Status(204, None)


register_api_router("reception", router)
