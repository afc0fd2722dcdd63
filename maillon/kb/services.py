"""Writes of the knowledge base: pages, versions, restore, moves, attachments; the search index.

Every save of a page is a new ``Version`` (number n + 1, author, date); the page points at its
current one. Saving without any change adds nothing. A restore saves version k's title and
text again as a new version. A save made from an older version than the page's current one
is refused (someone saved meanwhile) rather than silently overwriting their text.
"""

from __future__ import annotations

import os
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.content.search import normalise
from maillon.content.services import check_upload

from . import policies
from .models import MAX_DEPTH, Attachment, Page, Version
from .rendering import plain

MAX_TITLE = 200
MAX_BODY = 200_000  # characters of Markdown in one version
MAX_TEXT = 20_000  # characters of a page kept for the search


def _check_write(space, role) -> None:
    if not policies.can_write(space, role):
        raise PermissionDenied


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL (refused by PostgreSQL) and other controls


def clean_title(title: str) -> str:
    title = " ".join(_CONTROL.sub(" ", title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the page a title.")})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": _("The title is too long (%(max)s characters at most).") % {"max": MAX_TITLE}})
    return title


def clean_body(body: str) -> str:
    body = _CONTROL.sub("", (body or "").replace("\r\n", "\n"))
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("The text is too long (%(max)s characters at most).") % {"max": f"{MAX_BODY:,}".replace(",", "\u202f")}})
    return body


def depth(page: Page | None) -> int:
    """Levels from the root to ``page`` included (0 for no page)."""
    n = 0
    while page is not None:
        n, page = n + 1, page.parent
    return n


def subtree_height(page: Page) -> int:
    """Levels of ``page`` and its descendants (1: no children). One query per level."""
    height, level = 1, [page.pk]
    while level:
        level = list(Page.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        height += bool(level)
    return height


def check_parent(space, parent: Page | None, *, page: Page | None = None) -> None:
    """``parent`` may hold ``page`` (a new page when None): same space, not inside itself, and
    the tree stays at most ``MAX_DEPTH`` levels deep."""
    if parent is None:
        return
    if parent.space_id != space.pk:
        raise ValidationError({"parent": _("Choose a page of this space.")})
    if page is not None and page.pk is not None:
        node = parent
        while node is not None:
            if node.pk == page.pk:
                raise ValidationError({"parent": _("A page cannot be moved under itself or one of its sub-pages.")})
            node = node.parent
    height = subtree_height(page) if page is not None and page.pk else 1
    if depth(parent) + height > MAX_DEPTH:
        raise ValidationError({"parent": _("Pages go %(max)s levels deep at most: choose a higher parent page.") % {"max": MAX_DEPTH}})


def _next_position(space, parent) -> int:
    found = Page.objects.filter(space=space, parent=parent).aggregate(m=Max("position"))["m"]
    return 0 if found is None else found + 1


def reindex(page: Page, version: Version) -> None:
    """The page's search text (accent-free title and text) and, on PostgreSQL, its French vector."""
    text = plain(version.body)
    page.summary = text[:300]
    page.text = normalise(f"{version.title} {text}")[:MAX_TEXT]
    fields = ["summary", "text"]
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        page.vector = SearchVector(Value(normalise(version.title)), weight="A", config="french") + \
            SearchVector(Value(page.text), weight="B", config="french")
        fields.append("vector")
    Page.objects.filter(pk=page.pk).update(**{f: getattr(page, f) for f in fields})
    page.vector = None  # an expression until read again


def _add_version(page: Page, *, title: str, body: str, user, note: str = "", restored_from: int | None = None) -> Version:
    version = Version.objects.create(page=page, number=page.version_count + 1, title=title, body=body, author=user,
                                     note=(note or "").strip()[:200], restored_from=restored_from)
    page.current, page.title, page.version_count, page.updated_at = version, title, version.number, version.created_at
    page.save(update_fields=["current", "title", "version_count", "updated_at"])
    reindex(page, version)
    return version


@transaction.atomic
def create_page(space, role, user, *, title: str, body: str = "", parent: Page | None = None, note: str = "") -> Page:
    _check_write(space, role)
    title, body = clean_title(title), clean_body(body)
    check_parent(space, parent)
    page = Page.objects.create(space=space, parent=parent, title=title, position=_next_position(space, parent), created_by=user)
    _add_version(page, title=title, body=body, user=user, note=note)
    record("kb.page_create", actor=user, organisation=space.organisation, target=page, data={"space": space.slug})
    return page


@transaction.atomic
def save_page(page: Page, role, user, *, title: str, body: str, note: str = "", base: int | None = None,
              restored_from: int | None = None) -> Version | None:
    """A new version of ``page`` (None when nothing changed). ``base``: the version the person
    edited; refused when the page was saved since."""
    _check_write(page.space, role)
    title, body = clean_title(title), clean_body(body)
    locked = Page.objects.select_for_update().get(pk=page.pk)
    if base is not None and base != locked.version_count:
        raise ValidationError(_("Someone saved this page while you were editing it (version %(n)s). "
                                "Copy your text, open the page again and add your changes.") % {"n": locked.version_count})
    current = locked.current
    if current is not None and current.title == title and current.body == body:
        return None
    version = _add_version(locked, title=title, body=body, user=user, note=note, restored_from=restored_from)
    page.current, page.title, page.version_count, page.updated_at = locked.current, locked.title, locked.version_count, locked.updated_at
    record("kb.page_save", actor=user, organisation=page.space.organisation, target=page,
           data={"version": version.number, **({"restored_from": restored_from} if restored_from else {})})
    return version


def restore(page: Page, version: Version, role, user) -> Version | None:
    """Version ``version``'s title and text saved again, as a new version."""
    if version.page_id != page.pk:
        raise PermissionDenied
    return save_page(page, role, user, title=version.title, body=version.body, restored_from=version.number,
                     note=_("Restored version %(n)s") % {"n": version.number})


@transaction.atomic
def move(page: Page, role, user, *, parent: Page | None) -> None:
    """Put ``page`` (and its sub-pages) under ``parent`` (None: top level), last among them."""
    _check_write(page.space, role)
    if parent == page.parent:
        return
    check_parent(page.space, parent, page=page)
    page.parent, page.position = parent, _next_position(page.space, parent)
    page.save(update_fields=["parent", "position"])
    record("kb.page_move", actor=user, organisation=page.space.organisation, target=page,
           data={"parent": parent.pk if parent else None})


@transaction.atomic
def shift(page: Page, role, user, *, up: bool) -> bool:
    """Swap ``page`` with its previous (``up``) or next sibling; False at the end of the list."""
    _check_write(page.space, role)
    siblings = list(Page.objects.select_for_update().filter(space_id=page.space_id, parent_id=page.parent_id).order_by("position", "pk"))
    index = next(i for i, p in enumerate(siblings) if p.pk == page.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            Page.objects.filter(pk=sibling.pk).update(position=position)
    return True


@transaction.atomic
def delete_page(page: Page, role, user) -> None:
    """Delete ``page`` with its versions and attached files (the audit log keeps its title, its
    number of versions and who deleted it). A page with sub-pages is refused: move them or delete
    them first, so that nothing disappears that the person did not see."""
    if not policies.can_delete(page.space, role, page, user):
        raise PermissionDenied(_("Only the space's hosts and the page's author may delete it."))
    locked = Page.objects.select_for_update().get(pk=page.pk)
    if Page.objects.filter(parent=locked).exists():
        raise ValidationError(_("This page has sub-pages: move them or delete them first."))
    files = [(a.file.storage, a.file.name) for a in locked.attachments.all()]
    record("kb.page_delete", actor=user, organisation=page.space.organisation, target=page,
           data={"space": page.space.slug, "title": locked.title, "versions": locked.version_count, "files": len(files)})
    locked.delete()
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


@transaction.atomic
def add_attachment(page: Page, role, user, upload) -> Attachment:
    _check_write(page.space, role)
    content_type = check_upload(upload)  # the content app's checks: size, extension, content
    attachment = Attachment(page=page, original_name=os.path.basename(upload.name)[:200], size=upload.size,
                            content_type=content_type, uploaded_by=user, uploaded_at=timezone.now())
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    record("kb.attachment_add", actor=user, organisation=page.space.organisation, target=page,
           data={"file": attachment.original_name})
    return attachment


@transaction.atomic
def delete_attachment(attachment: Attachment, role, user) -> None:
    page = attachment.page
    _check_write(page.space, role)
    name, file = attachment.original_name, attachment.file
    attachment.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))
    record("kb.attachment_delete", actor=user, organisation=page.space.organisation, target=page, data={"file": name})


def flat_tree(space) -> list[tuple[dict, int]]:
    """The space's pages in reading order (each after its parent, siblings by position), with
    their level (0: top): one query of small rows."""
    rows = list(Page.objects.filter(space=space).order_by("position", "pk")
                .values("pk", "parent_id", "title", "updated_at", "version_count"))
    children: dict[int | None, list[dict]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)
    out: list[tuple[dict, int]] = []
    stack = [(row, 0) for row in reversed(children.get(None, []))]
    while stack:
        row, level = stack.pop()
        out.append((row, level))
        stack += [(child, level + 1) for child in reversed(children.get(row["pk"], []))]
    return out
