"""Live events to a person's open pages, over the WebSocket of consumers.py.

``send(user_id, event)`` after the current transaction commits: every page the person has open
(on any ``maillon serve`` process when Redis is set) receives ``{"event": event}``. ``event`` is
a JSON-able dict with a ``type`` (e.g. ``"reception.message"``) that the page's script knows how
to show. Best effort: a page that is closed or a layer that is down loses the event, never the
request (the data is in the database; the page shows it on its next load)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .services import user_group


def send(user_id: int, event: dict) -> None:
    """Deliver ``event`` to ``user_id``'s open pages once the transaction commits."""
    transaction.on_commit(lambda: send_now(user_id, event))


def send_now(user_id: int, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "live.event", "event": event})
    except Exception:  # noqa: BLE001 - live events are best effort
        return
