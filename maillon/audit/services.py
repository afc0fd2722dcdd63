"""Append to and verify the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import GENESIS_HASH, AuditEntry, AuditHead


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(action: str, *, actor=None, organisation=None, target: Model | None = None, data: dict | None = None, request=None) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction when there is one (without a
    savepoint of its own: an audit entry that fails fails the caller's whole write)."""
    with transaction.atomic(savepoint=False):
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            organisation=organisation,
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
            actor_label=str(actor) if actor is not None and getattr(actor, "pk", None) else "",
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=str(target)[:200] if target is not None else "",
            data=data or {},
            ip_address=_client_ip(request),
            created_at=timezone.now(),
            previous_hash=head.last_hash,
        )
        # Round-trip the JSON now so the hash covers exactly what the database returns.
        entry.data = _normalise(entry.data)
        entry.hash = entry.compute_hash()
        entry.save()
        AuditHead.objects.filter(pk=1).update(last_hash=entry.hash, count=head.count + 1)
    return entry


def _normalise(data):
    import json

    return json.loads(json.dumps(data, default=str))


@dataclass
class VerificationResult:
    checked: int
    first_bad_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(batch_size: int = 2000) -> VerificationResult:
    """Walk the whole chain; report the first entry whose hash or link does not match."""
    previous = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.previous_hash != previous:
                return VerificationResult(checked, entry.id, _("chain broken: its previous hash does not match the entry before it (an entry was removed or altered)"))
            if entry.compute_hash() != entry.hash:
                return VerificationResult(checked, entry.id, _("content altered: its hash does not match its content"))
            previous = entry.hash
            checked += 1
            last_id = entry.id
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        return VerificationResult(checked, last_id or None, _("entries missing at the end of the chain (the last recorded hash is not this entry's)"))
    return VerificationResult(checked)
