"""Writes and audited reads of children's health records.

Every read of a record (page or API) and of a document writes an audit entry (who, which child,
when, from which address) in the same transaction as nothing else: ``open_record``. Writes
validate the sectors against the writer's rights, replace the contacts, and audit the names
of the fields that changed (never their values).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record as audit
from maillon.core.images import ImageRefused, open_checked, reencode
from maillon.procedures.schema import normalise_phone, validate_phone

from . import crypto, policies
from .models import DocumentKind, HealthContact, HealthDocument, HealthRecord, HealthSettings

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
# Scans are re-encoded (metadata dropped, size bounded) at this size at most.
SCAN_IMAGE_SIZE = (2480, 3508)  # A4 at 300 dpi
CONTACT_FIELDS = ("name", "phone", "relationship", "is_guardian", "may_collect")


def settings_for(organisation) -> HealthSettings:
    found, _created = HealthSettings.objects.get_or_create(organisation=organisation)
    return found


def format_phone(value: str) -> str:
    """« 0612345678 » → « 06 12 34 56 78 » (French numbers); other numbers as typed, without spaces."""
    digits = normalise_phone(value)
    if digits.startswith("+33") and len(digits) == 12:
        digits = "0" + digits[3:]
    if len(digits) == 10 and digits.isdigit():
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return digits


def clean_phone(value: str, *, required: bool = False) -> str:
    """A French message on a bad number; the number formatted when good."""
    if not (value or "").strip():
        if required:
            raise ValidationError(_("Enter a phone number."), code="required")
        return ""
    validate_phone(value)
    return format_phone(value)


# ------------------------------------------------------------------ reading (always audited)


def open_record(request, record: HealthRecord, *, via: str = "page") -> HealthRecord:
    """Audits that ``request.user`` read ``record`` (one entry per read) and returns it."""
    audit("health.read", actor=request.user, organisation=record.organisation, target=record, request=request,
          data={"via": via})
    return record


def documents_of(record: HealthRecord) -> list[HealthDocument]:
    """The record's documents, without their content (only their encrypted description)."""
    return list(HealthDocument.objects.filter(record=record).defer("content"))


def read_document(request, document: HealthDocument) -> bytes:
    """The decrypted content; the read is audited."""
    content = crypto.decrypt_bytes(document.content, HealthDocument.CONTENT_CONTEXT)
    audit("health.document.read", actor=request.user, organisation=document.record.organisation, target=document.record,
          request=request, data={"document": document.pk, "kind": document.kind})
    return content


# ------------------------------------------------------------------ uploads


@dataclass
class CheckedFile:
    content: bytes
    content_type: str
    name: str


def check_document(upload) -> CheckedFile:
    """A PDF (checked by its header) or an image (decoded by Pillow, then re-encoded as JPEG
    without its metadata), at most 10 MB; otherwise a French ValidationError."""
    if upload is None:
        raise ValidationError(_("Choose a file."))
    if upload.size == 0:
        raise ValidationError(_("This file is empty."))
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(_("This file is too large (%(size)s); the maximum is %(max)s.") % {
            "size": filesizeformat(upload.size), "max": filesizeformat(MAX_DOCUMENT_SIZE)})
    extension = os.path.splitext(upload.name or "")[1].lower()
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if extension == ".pdf" or head.startswith(b"%PDF"):
        if extension != ".pdf" or not head.startswith(b"%PDF-"):
            raise ValidationError(_("The content of this file does not match its extension (.%(ext)s).") % {"ext": extension.lstrip(".") or "?"})
        return CheckedFile(upload.read(), "application/pdf", _safe_name(upload.name, ".pdf"))
    if extension not in {".jpg", ".jpeg", ".png", ".webp"}:
        raise ValidationError(_("Send the form as a PDF or a photo (JPEG, PNG or WebP)."))
    try:
        image = open_checked(upload)
    except ImageRefused as refused:
        if refused.reason == ImageRefused.TOO_LARGE:
            raise ValidationError(_("This image is too large: send a smaller photo or a PDF.")) from None
        raise ValidationError(_("This file is not a readable image: send a PDF or a photo (JPEG, PNG or WebP).")) from None
    return CheckedFile(reencode(image, SCAN_IMAGE_SIZE), "image/jpeg", _safe_name(upload.name, ".jpg"))


def _safe_name(name: str, extension: str) -> str:
    stem = os.path.splitext(os.path.basename(name or ""))[0]
    stem = "".join(c for c in stem if c.isalnum() or c in " -_").strip()[:80] or "document"
    return stem + extension


def attach_document(record: HealthRecord, checked: CheckedFile, kind: str, *, actor, request=None) -> HealthDocument:
    """Stores ``checked`` encrypted as the record's ``kind`` document, replacing the previous one."""
    if kind not in DocumentKind.values:
        raise ValidationError(_("Unknown kind of document."))
    for old in documents_of(record):
        if old.kind == kind:
            old.delete()
    document = HealthDocument.objects.create(
        record=record, uploaded_by=actor,
        meta={"kind": kind, "content_type": checked.content_type, "name": checked.name, "size": len(checked.content)},
        content=crypto.encrypt_bytes(checked.content, HealthDocument.CONTENT_CONTEXT),
    )
    audit("health.document.upload", actor=actor, organisation=record.organisation, target=record, request=request,
          data={"kind": kind})
    return document


# ------------------------------------------------------------------ writing


def _changed(before: dict, record: HealthRecord, fields) -> list[str]:
    return sorted(f for f in fields if before.get(f) != getattr(record, f))


@transaction.atomic
def save_record(membership, record: HealthRecord | None, values: dict, sectors, contacts: list[dict], *,
                documents: dict | None = None, request=None) -> HealthRecord:
    """Creates (``record`` None) or updates a record from cleaned ``values`` (model fields),
    ``sectors`` (the organisation's Sector rows), ``contacts`` (dicts of CONTACT_FIELDS, in
    order; they replace the record's) and ``documents`` ({kind: CheckedFile})."""
    health_settings = settings_for(membership.organisation)
    sectors = list(sectors)
    if not sectors:
        raise ValidationError({"sectors": _("Choose at least one sector.")})
    allowed = {s.pk for s in policies.sectors_to_write(membership, health_settings, sectors)}
    if any(s.organisation_id != membership.organisation_id for s in sectors) or not {s.pk for s in sectors} <= allowed:
        raise ValidationError({"sectors": _("You may not put a record in this sector.")})
    creating = record is None
    if creating:
        if not policies.can_write_any(membership, health_settings):
            raise PermissionDenied
        record = HealthRecord(organisation=membership.organisation, created_by=membership.user)
        before = {}
    else:
        if record.organisation_id != membership.organisation_id or not policies.can_write(membership, record, health_settings):
            raise PermissionDenied
        # What the database holds (a ModelForm may already have set the new values on ``record``).
        stored = HealthRecord.objects.select_for_update().get(pk=record.pk)
        before = {f.attname: getattr(stored, f.attname) for f in record._meta.concrete_fields}
    for name, value in values.items():
        setattr(record, name, value)
    try:
        record.doctor_phone = clean_phone(record.doctor_phone)
    except ValidationError as error:
        raise ValidationError({"doctor_phone": error.messages}) from None
    if record.birth_date and record.birth_date > timezone.localdate():
        raise ValidationError({"birth_date": _("The birth date is in the future.")})
    if record.signed_on and record.signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signature date is in the future.")})
    record.valid_until = health_settings.valid_until(record.school_year)
    if creating and not record.last_enrolled_on:
        record.last_enrolled_on = timezone.localdate()
    record.updated_by = membership.user
    record.full_clean(exclude=["sectors", "organisation", "search_name", "valid_until"])
    record.save()
    previous_sectors = set() if creating else set(record.sectors.values_list("pk", flat=True))
    record.sectors.set(sectors)
    changed = [] if creating else _changed(before, record, [f.attname for f in record._meta.concrete_fields
                                                             if f.attname not in {"updated_at", "updated_by_id", "search_name"}])
    if previous_sectors != {s.pk for s in sectors} and not creating:
        changed.append("sectors")
    if contacts is not None and _replace_contacts(record, contacts, keep_if_same=not creating):
        changed.append("contacts")
    for kind, checked in (documents or {}).items():
        if checked is not None:
            attach_document(record, checked, kind, actor=membership.user, request=request)
    audit("health.create" if creating else "health.update", actor=membership.user, organisation=record.organisation,
          target=record, request=request, data={} if creating else {"fields": changed})
    return record


def _replace_contacts(record: HealthRecord, contacts: list[dict], *, keep_if_same: bool) -> bool:
    """Replaces the record's contacts by ``contacts``; False when they were the same already."""
    wanted = [{f: c.get(f, "" if f in {"name", "phone", "relationship"} else False) for f in CONTACT_FIELDS} for c in contacts]
    for contact in wanted:
        try:
            contact["phone"] = clean_phone(contact["phone"], required=True)
        except ValidationError as error:
            raise ValidationError({"contacts": error.messages}) from None
    if keep_if_same:
        current = [{f: getattr(c, f) for f in CONTACT_FIELDS} for c in record.contacts.all()]
        if current == wanted:
            return False
    record.contacts.all().delete()
    HealthContact.objects.bulk_create([HealthContact(record=record, position=i, **c) for i, c in enumerate(wanted)])
    return True


# ------------------------------------------------------------------ key rotation


@dataclass
class RotationResult:
    records: int = 0
    contacts: int = 0
    documents: int = 0


def rotate_key(batch_size: int = 200) -> RotationResult:
    """Re-encrypts every encrypted value and document under the current key (HEALTH_KEY), reading
    them with any configured key (HEALTH_OLD_KEYS). Batches of ``batch_size`` rows, each in its
    own transaction: an interrupted rotation is simply run again."""
    result = RotationResult()
    for model, counter in ((HealthRecord, "records"), (HealthContact, "contacts")):
        last = 0
        while True:
            with transaction.atomic():
                rows = list(model.objects.select_for_update().filter(pk__gt=last).order_by("pk").only("pk", *model.ENCRYPTED)[:batch_size])
                if not rows:
                    break
                model.objects.bulk_update(rows, model.ENCRYPTED)
            last = rows[-1].pk
            setattr(result, counter, getattr(result, counter) + len(rows))
    last = 0
    while True:
        with transaction.atomic():
            rows = list(HealthDocument.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:max(1, batch_size // 20)])
            if not rows:
                break
            for document in rows:
                plain = crypto.decrypt_bytes(document.content, HealthDocument.CONTENT_CONTEXT)
                document.content = crypto.encrypt_bytes(plain, HealthDocument.CONTENT_CONTEXT)
            HealthDocument.objects.bulk_update(rows, ["meta", "content"])
        last = rows[-1].pk
        result.documents += len(rows)
    audit("health.rotate_key", data={"records": result.records, "contacts": result.contacts, "documents": result.documents})
    return result
