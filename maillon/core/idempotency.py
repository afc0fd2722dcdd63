"""Side effects done once per key, even when the task that does them runs again.

A task whose worker died is taken again (see worker.py), so what it had already done would be
done twice: two e-mails to the same person. ``run_once(key, effect)`` records the key as
« started » (committed) before the effect and « done » after it; a run that finds « done »
skips the effect.

The one window left: a worker that dies after the mail server accepted the message and before
« done » is committed. The retry finds « started », logs a warning and sends again (one
duplicate, at-least-once), because skipping there could lose an e-mail that was never handed
over (at-most-once) and a lost invitation is worse than a duplicate one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import IdempotencyKey

logger = logging.getLogger(__name__)

T = TypeVar("T")


def run_once(key: str, effect: Callable[[], T]) -> tuple[bool, T | None]:
    """Run ``effect`` unless it is already done for ``key``. Returns (ran, its result).

    The first attempt costs one insert and one update: the unique key is what serialises two
    runs, so no lock is read first (the common case is a task that runs once)."""
    key = key[:200]
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(key=key, attempts=1)
    except IntegrityError:
        if IdempotencyKey.objects.filter(key=key, state=IdempotencyKey.State.DONE).exists():
            logger.info("%s already done: skipped", key)
            return False, None
        logger.warning("%s was started by an earlier attempt that did not finish: doing it again", key)
        IdempotencyKey.objects.filter(key=key).update(attempts=F("attempts") + 1)
    result = effect()
    IdempotencyKey.objects.filter(key=key).update(state=IdempotencyKey.State.DONE, done_at=timezone.now())
    return True, result


def prune(days: int = 14) -> int:
    """Keys outlive every retry of their task by far; older ones are removed."""
    deleted, _ = IdempotencyKey.objects.filter(started_at__lt=timezone.now() - timezone.timedelta(days=days)).delete()
    return deleted
