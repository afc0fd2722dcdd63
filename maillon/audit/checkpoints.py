"""Signed checkpoints of the audit chain head: the log's anchor outside the database.

Every day (periodic job ``audit.checkpoint``, once per day whatever the number of workers) and on
demand (``maillon audit checkpoint``), the head's entry count and last hash are signed with an
HMAC-SHA256 key derived from ``SECRET_KEY`` and written twice outside the database:

* to the log output (logger ``maillon.audit``), which usually leaves the machine;
* as one JSON line appended to ``AUDIT_CHECKPOINT_FILE`` (default
  ``MAILLON_DATA_DIR/audit-checkpoints.jsonl``). That file is part of the data directory that
  ``maillon backup`` saves, so a backup carries the checkpoints of the log it contains.

``maillon audit verify`` then checks the entries against every checkpoint in the file: someone
who empties the log, cuts its end and rewinds the head, or rewrites it as a new chain, cannot
produce a checkpoint that matches without the secret key. With several machines, keep the data
directory shared (or collect the log output): verify reads the file of the machine it runs on.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import GENESIS_HASH, AuditHead

logger = logging.getLogger("maillon.audit")

KEY_SALT = "maillon.audit.checkpoint"
SIGNED_FIELDS = ("v", "count", "last_hash", "at")


def checkpoint_path() -> Path:
    configured = getattr(settings, "AUDIT_CHECKPOINT_FILE", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "audit-checkpoints.jsonl"


def _signed_bytes(checkpoint: dict) -> bytes:
    return json.dumps({k: checkpoint[k] for k in SIGNED_FIELDS}, sort_keys=True, separators=(",", ":")).encode()


def sign(checkpoint: dict, secret: str | None = None) -> str:
    return salted_hmac(KEY_SALT, _signed_bytes(checkpoint), secret=secret, algorithm="sha256").hexdigest()


def signature_is_valid(checkpoint: dict) -> bool:
    """Signed with SECRET_KEY, or with one of SECRET_KEY_FALLBACKS (a key being rotated)."""
    given = str(checkpoint.get("signature", ""))
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(sign(checkpoint, secret), given) for secret in secrets)


def write_checkpoint(path: Path | None = None) -> dict:
    """Sign the head as it is now (committed), log it and append it to the checkpoint file."""
    head = AuditHead.objects.filter(pk=1).first()
    checkpoint = {
        "v": 1,
        "count": head.count if head else 0,
        "last_hash": head.last_hash if head else GENESIS_HASH,
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    checkpoint["signature"] = sign(checkpoint)
    line = json.dumps(checkpoint, sort_keys=True)
    path = path or checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(line + "\n")
        file.flush()
        os.fsync(file.fileno())
    logger.info("audit checkpoint %s", line)
    return checkpoint


@dataclass(frozen=True)
class Checkpoint:
    line: int
    count: int
    last_hash: str
    at: str

    @property
    def when(self) -> str:
        return shown_date(self.at)


def shown_date(at: str) -> str:
    """A checkpoint's date as people read it (local time); as written when it is not a date."""
    try:
        return timezone.localtime(datetime.fromisoformat(at)).strftime("%d/%m/%Y %H:%M")
    except (ValueError, TypeError, OverflowError):
        return at


@dataclass
class CheckpointFile:
    path: Path
    exists: bool
    valid: list[Checkpoint]
    forged: list[tuple[int, str]]  # (line number, date written in it, as shown)
    unreadable: list[int]  # line numbers


def read_checkpoints(path: Path | None = None) -> CheckpointFile:
    path = path or checkpoint_path()
    result = CheckpointFile(path, path.exists(), [], [], [])
    if not result.exists:
        return result
    with path.open(encoding="utf-8", errors="replace") as file:
        for number, raw in enumerate(file, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                checkpoint = Checkpoint(number, int(data["count"]), str(data["last_hash"]), str(data["at"]))
                if not isinstance(data["v"], int) or checkpoint.count < 0:
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                result.unreadable.append(number)
                continue
            if signature_is_valid(data):
                result.valid.append(checkpoint)
            else:
                result.forged.append((number, checkpoint.when))
    return result
