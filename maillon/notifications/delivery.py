"""Sending an e-mail once, even when the task that sends it runs again after its worker died.

``send(message, key)`` goes through ``maillon.core.idempotency.run_once``: a retry finds the key
« done » and sends nothing (the one window left is documented there). A task that sends several
e-mails opens ``once_per_message(scope)`` with a scope decided at enqueue time (its task id):
each message is then keyed by the scope and its recipients and subject.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from maillon.core.idempotency import run_once

_scope: ContextVar[str | None] = ContextVar("maillon_email_scope", default=None)


@contextmanager
def once_per_message(scope: str) -> Iterator[None]:
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)


def message_key(scope: str, message) -> str:
    digest = hashlib.sha256(json.dumps([message.to, message.cc, message.bcc, message.subject]).encode()).hexdigest()
    return f"{scope}:{digest[:32]}"


def send(message, key: str | None = None) -> int:
    """Send ``message`` unless it was already sent under ``key`` (by default: the open scope's
    key for this message; no scope and no key: sent as is). Returns how many were sent."""
    scope = _scope.get()
    if key is None and scope is not None:
        key = message_key(scope, message)
    if key is None:
        return message.send()
    _ran, sent = run_once(f"email:{key}", message.send)
    return sent or 0


def task_scope(context, name: str) -> str:
    """The key of one run of a task, decided when it was enqueued and kept when a dead
    worker's task is taken again."""
    return f"{name}:{context.task_result.id}"
