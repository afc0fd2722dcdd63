"""Knowledge base of a space: pages in a small tree (parent, position), each save a new version.

Not Wagtail's page tree: a space's pages are a few dozen to a few thousand rows that only the
space's members read, with a history Wagtail's revisions keep as JSON blobs of the whole page;
a tree per space in Wagtail means a root page per space under the treebeard path tree (its
``path`` rewrites on every move, and its admin is organisation-scoped, not space-scoped). Here a
page is one row pointing at its current version; a version is a row (title, Markdown text,
author, date); the tree is at most ``MAX_DEPTH`` levels so that a page's ancestors come with it
in one query (``select_related`` on ``parent__parent__…``).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.spaces.models import Space

MAX_DEPTH = 4  # levels of pages: a page, its children, grandchildren, great-grandchildren
ANCESTORS = "__".join(["parent"] * (MAX_DEPTH - 1))  # select_related path to every ancestor


class PageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pages of the spaces ``user`` is a member of (archived spaces included)."""
        return self.filter(space__in=Space.objects.visible_to(user).values("pk"))

    def of_space(self, space):
        return self.filter(space=space)


class Page(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="kb_pages")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent page"))
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    current = models.ForeignKey("Version", on_delete=models.SET_NULL, null=True, related_name="+")
    version_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300, blank=True, editable=False)  # the text's start, plain
    # Search: accent-free title and text (both databases), and the French full-text vector (PostgreSQL).
    text = models.TextField(blank=True, editable=False)
    vector = SearchVectorField(null=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge base page")
        verbose_name_plural = _("knowledge base pages")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["space", "parent", "position"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kb:page", kwargs={"space": self.space.slug, "pk": self.pk})

    def ancestors(self) -> list[Page]:
        """Root first (no query when loaded with ``select_related(ANCESTORS)``)."""
        found, page = [], self.parent
        while page is not None:
            found.append(page)
            page = page.parent
        return found[::-1]


class Version(models.Model):
    """One save of a page: never changed, never deleted (a restore adds a new one)."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="kb_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Outside any served prefix: only views.attachment sends these files, to the space's members.
    ext = os.path.splitext(filename)[1].lower()
    return f"private/kb/{instance.page.space_id}/{instance.page_id}/{timezone.now():%Y%m%d%H%M%S%f}{ext}"


class Attachment(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["original_name", "pk"]

    def __str__(self) -> str:
        return self.original_name
