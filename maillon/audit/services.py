"""Append to and verify the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .checkpoints import CheckpointFile
from .models import GENESIS_HASH, AuditEntry, AuditHead


def _client_ip(request) -> str | None:
    """The client's address; behind a proxy, through ALLAUTH_TRUSTED_PROXY_COUNT."""
    if request is None:
        return None
    from maillon.accounts.services_sessions import client_ip

    return client_ip(request) or None


def record(action: str, *, actor=None, organisation=None, target: Model | None = None, data: dict | None = None, request=None) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction when there is one (without a
    savepoint of its own: an audit entry that fails fails the caller's whole write)."""
    with transaction.atomic(savepoint=False):
        # The head is locked until commit: take every other lock of the write before recording
        # (leave.services._lock_person). FOR NO KEY UPDATE, as the update below takes it.
        head, _created = AuditHead.objects.select_for_update(no_key=True).get_or_create(pk=1)
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
    """``first_bad_id``/``reason``: the first entry whose hash or link is wrong. ``problems``:
    what is wrong with the log as a whole (the head or a checkpoint does not match the entries).
    ``untrusted``: checkpoints that cannot be trusted (forged, unreadable)."""

    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    untrusted: list[str] = field(default_factory=list)
    checkpoints_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None and not self.problems and not self.untrusted


def verify_chain(batch_size: int = 2000, checkpoints: CheckpointFile | None = None) -> VerificationResult:
    """Walk the whole chain; report the first entry whose hash or link does not match, then
    compare the entries with the chain head (count and last hash) and with the signed
    ``checkpoints`` when given (``maillon audit verify`` reads them from their file)."""
    anchors = {c.count for c in checkpoints.valid} if checkpoints else set()
    hash_at = {0: GENESIS_HASH}  # position in the chain (1 = first entry) -> that entry's hash
    previous = GENESIS_HASH
    checked = 0
    last_id = 0
    result = None
    while result is None:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.previous_hash != previous:
                result = VerificationResult(checked, entry.id, _("chain broken: its previous hash does not match the entry before it (an entry was removed or altered)"))
                break
            if entry.compute_hash() != entry.hash:
                result = VerificationResult(checked, entry.id, _("content altered: its hash does not match its content"))
                break
            previous = entry.hash
            checked += 1
            last_id = entry.id
            if checked in anchors:
                hash_at[checked] = entry.hash
    if result is None:
        result = VerificationResult(checked)
        _compare_with_head(result, previous)
    if checkpoints:
        _compare_with_checkpoints(result, checkpoints, hash_at, complete=result.first_bad_id is None)
    return result


def _compare_with_head(result: VerificationResult, last_hash: str) -> None:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if result.checked:
            result.problems.append(_("the chain head is missing: nothing records how many entries the log should have"))
        return
    if head.count > result.checked:
        missing = head.count - result.checked
        result.problems.append(ngettext(
            "%(missing)s entry missing: the chain head records %(expected)s entries, the log has %(found)s",
            "%(missing)s entries missing: the chain head records %(expected)s entries, the log has %(found)s",
            missing,
        ) % {"missing": missing, "expected": head.count, "found": result.checked})
    elif head.count < result.checked:
        result.problems.append(_("the chain head records %(expected)s entries but the log has %(found)s: the head was altered") % {
            "expected": head.count, "found": result.checked})
    if head.last_hash != last_hash:
        result.problems.append(_("the chain head's last hash (%(head)s…) is not the last entry's (%(last)s…)") % {
            "head": head.last_hash[:12], "last": last_hash[:12]})


def _compare_with_checkpoints(result: VerificationResult, checkpoints: CheckpointFile, hash_at: dict[int, str], *, complete: bool) -> None:
    for line in checkpoints.unreadable:
        result.untrusted.append(_("checkpoint file, line %(line)s: not a checkpoint (unreadable)") % {"line": line})
    for line, at in checkpoints.forged:
        result.untrusted.append(_("checkpoint file, line %(line)s (%(date)s): the signature does not match: the checkpoint was forged, or SECRET_KEY changed since it was written") % {
            "line": line, "date": at})
    for checkpoint in checkpoints.valid:
        if checkpoint.count > result.checked:
            if complete:  # a broken chain is already reported; its end was not walked
                result.problems.append(_("the checkpoint of %(date)s records %(expected)s entries, the log has only %(found)s: entries were removed") % {
                    "date": checkpoint.when, "expected": checkpoint.count, "found": result.checked})
            continue
        result.checkpoints_checked += 1
        if hash_at.get(checkpoint.count) != checkpoint.last_hash:
            result.problems.append(_("entry n°%(count)s differs from the checkpoint of %(date)s: the log was rewritten") % {
                "count": checkpoint.count, "date": checkpoint.when})
