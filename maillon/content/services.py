"""Writes that matter: documents (upload, new version, access, delete), page indexing and
the notification of important news."""

from __future__ import annotations

import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.roles import Role
from maillon.audit.services import record

from . import policies, search
from .models import (
    Document,
    DocumentCategory,
    DocumentVersion,
    HomePage,
    MaillonPage,
    NewsPage,
    sanitise,
)

MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# extension -> (content type, accepted leading bytes; None: text checked separately)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "png": ("image/png", (b"\x89PNG",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
}


def check_upload(upload) -> str:
    """The file's content type, or a French ValidationError (size, extension, content)."""
    if upload is None:
        raise ValidationError(_("Choose a file."))
    if upload.size == 0:
        raise ValidationError(_("This file is empty."))
    if upload.size > MAX_UPLOAD_SIZE:
        raise ValidationError(_("This file is too large (%(size)s); the maximum is %(max)s.") % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_SIZE)})
    extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
    if extension not in ALLOWED_TYPES:
        raise ValidationError(_("This type of file is not accepted. Accepted: %(types)s.") % {"types": ", ".join(sorted(ALLOWED_TYPES))})
    content_type, signatures = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(_("The content of this file does not match its extension (.%(ext)s).") % {"ext": extension})
    elif not head.startswith(signatures):
        raise ValidationError(_("The content of this file does not match its extension (.%(ext)s).") % {"ext": extension})
    return content_type


def clean_roles(roles) -> str:
    valid = [r for r in roles or [] if r in Role.values]
    return f",{','.join(sorted(set(valid)))}," if valid else ""


def _index_document(document: Document) -> None:
    search.index(
        document.organisation, "document", document.pk, title=document.title, url=document.download_url(),
        text=f"{document.description} {document.category.name} {document.current.original_name if document.current else ''}",
        summary=document.category.name, roles=document.role_list,
    )


def _add_version(document: Document, upload, user) -> DocumentVersion:
    content_type = check_upload(upload)
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DocumentVersion(
        document=document, number=number, original_name=os.path.basename(upload.name)[:200], size=upload.size,
        content_type=content_type, uploaded_by=user,
    )
    version.file.save(upload.name, upload, save=False)
    version.save()
    document.current = version
    document.save(update_fields=["current", "updated_at"])
    return version


@transaction.atomic
def create_document(request, *, title: str, category: DocumentCategory, upload, description: str = "", roles=()) -> Document:
    if not policies.can_manage_documents(request.membership):
        raise PermissionDenied
    if category.organisation_id != request.organisation.pk:
        raise PermissionDenied
    check_upload(upload)
    document = Document.objects.create(organisation=request.organisation, title=title, category=category, description=description, roles=clean_roles(roles))
    _add_version(document, upload, request.user)
    record("content.document.create", actor=request.user, organisation=request.organisation, target=document, request=request, data={"roles": document.role_list})
    _index_document(document)
    return document


@transaction.atomic
def replace_file(request, document: Document, upload) -> DocumentVersion:
    """A new version: the document keeps its address, the old file stays in the history."""
    if not policies.can_manage_documents(request.membership) or document.organisation_id != request.organisation.pk:
        raise PermissionDenied
    version = _add_version(document, upload, request.user)
    record("content.document.new_version", actor=request.user, organisation=request.organisation, target=document, request=request, data={"version": version.number})
    _index_document(document)
    return version


@transaction.atomic
def update_document(request, document: Document, *, title: str, category: DocumentCategory, description: str, roles) -> Document:
    if not policies.can_manage_documents(request.membership) or document.organisation_id != request.organisation.pk:
        raise PermissionDenied
    if category.organisation_id != request.organisation.pk:
        raise PermissionDenied
    before = document.role_list
    document.title, document.category, document.description, document.roles = title, category, description, clean_roles(roles)
    document.save()
    record("content.document.update", actor=request.user, organisation=request.organisation, target=document, request=request, data={"roles_before": before, "roles": document.role_list})
    _index_document(document)
    return document


@transaction.atomic
def delete_document(request, document: Document) -> None:
    if not policies.can_manage_documents(request.membership) or document.organisation_id != request.organisation.pk:
        raise PermissionDenied
    record("content.document.delete", actor=request.user, organisation=request.organisation, target=document, request=request)
    search.unindex(document.organisation_id, "document", document.pk)
    files = [v.file.name for v in document.versions.all()]
    document.delete()
    storage = DocumentVersion._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


# ---------------------------------------------------------------- menu


def menu_pages(home: HomePage) -> list:
    """The sections of the organisation's menu, in order (live children of its home page shown
    in menus)."""
    return list(home.get_children().live().in_menu().only("title", "url_path", "path", "depth", "slug"))


@transaction.atomic
def move_in_menu(request, page, direction: str) -> bool:
    """Move a section of the menu one place up or down (Wagtail's ``Page.move``, which checks
    the editor's page permissions and logs the reorder); audited. False when already at that end."""
    if not policies.can_edit_pages(request.membership):
        raise PermissionDenied
    home = HomePage.objects.get(organisation=request.organisation)
    items = menu_pages(home)
    index = next((i for i, item in enumerate(items) if item.pk == page.pk), None)
    if index is None or direction not in ("up", "down"):
        raise ValidationError(_("This section is not in the menu."))
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(items):
        return False
    target = items[neighbour]
    items[index].move(target, pos="left" if direction == "up" else "right", user=request.user)
    record("content.menu.move", actor=request.user, organisation=request.organisation, target=items[index], request=request,
           data={"direction": direction, "position": neighbour + 1, "around": target.pk})
    return True


# ---------------------------------------------------------------- pages


def page_text(page) -> str:
    parts = [getattr(page, "intro", "") or ""]
    body = getattr(page, "body", None)
    if body is not None:
        for block in body:
            if block.block_type == "text":
                parts.append(sanitise(block.value.source))
            elif block.block_type == "callout":
                parts.append(f"{block.value['title']} {block.value['text']}")
            elif block.block_type == "links":
                parts.extend(item["label"] for item in block.value)
    return " ".join(parts)


def index_page(page) -> None:
    page = page.specific
    if not isinstance(page, MaillonPage) or isinstance(page, HomePage):
        return
    home = page.organisation_home()
    if home is None or home.organisation_id is None:
        return
    kind = "news" if isinstance(page, NewsPage) else "page"
    summary = page.intro if hasattr(page, "intro") else ""
    search.index(home.organisation, kind, page.pk, title=page.title, url=page.maillon_url(home.organisation.slug), text=page_text(page), summary=summary)


def unindex_page(page) -> None:
    home = HomePage.objects.filter(path=page.path[: page.steplen * 2]).only("organisation_id").first()
    if home is not None and home.organisation_id:
        for kind in ("news", "page"):
            search.unindex(home.organisation_id, kind, page.pk)


def notify_important_news(page: NewsPage) -> int:
    """Tell every active member of the organisation about an important news item, once."""
    from maillon.accounts.models import Membership
    from maillon.notifications.services import notify

    if not page.important or page.notified_at is not None:
        return 0
    home = page.organisation_home()
    if home is None or home.organisation_id is None:
        return 0
    organisation = home.organisation
    updated = NewsPage.objects.filter(pk=page.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    if not updated:
        return 0
    url = page.maillon_url(organisation.slug)
    members = Membership.objects.active().for_organisation(organisation).select_related("user")
    count = 0
    for membership in members:
        notify(membership.user, _("Important news: %(title)s") % {"title": page.title}, body=page.intro, url=url, organisation=organisation,
               kind="content.news")
        count += 1
    record("content.news.notify", organisation=organisation, target=page, data={"recipients": count})
    return count
