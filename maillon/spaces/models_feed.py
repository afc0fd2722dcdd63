"""A space's feed (diffusion montante et descendante), its files, and who gets its digest.

``Post``: what a member writes to the space; hosts pin « descendante » posts on top. ``Comment``:
an answer under a post. ``SpaceFile``: a file of the space, attached to a post or uploaded on the
Files tab, stored outside any served prefix and read only through the space's checked view.
``FeedDigest``: how often a person gets the e-mail of what is new in one space; ``DigestRun``: the
row a digest claims before it is sent, so one period never sends twice. Imported at the end of
models.py (Django finds its models there).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Post", "Comment", "SpaceFile", "FeedDigest", "DigestRun", "Frequency"]

TEXT_MAX = 5000


class Post(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    html = models.TextField(editable=False, default="")  # ``text`` sanitised, links made links (feed_services.render)
    link = models.URLField(_("link"), max_length=500, blank=True)
    pinned_at = models.DateTimeField(_("pinned on"), null=True, blank=True)
    pinned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Its files as the feed draws them ([{"pk", "name", "ext", "size"}]), kept by feed_services
    # whenever one is added or deleted: the feed needs no query for them.
    attachments = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited on"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["space", "-created_at"], name="space_post_feed_idx")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_pinned(self) -> bool:
        return self.pinned_at is not None


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("comment"), max_length=2000)
    html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["post", "created_at"], name="space_comment_post_idx")]

    def __str__(self) -> str:
        return self.text[:60]


def space_file_path(instance: SpaceFile, filename: str) -> str:
    # Outside any served prefix (like the content app's documents): only feed_views.download reads it.
    ext = os.path.splitext(filename)[1].lower()
    return f"private/spaces/{instance.space_id}/{timezone.now():%Y%m%d%H%M%S%f}{ext}"


class SpaceFile(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="files")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="files")
    file = models.FileField(_("file"), upload_to=space_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("file of a space")
        verbose_name_plural = _("files of a space")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["space", "-uploaded_at"], name="space_file_idx")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return os.path.splitext(self.original_name)[1].lstrip(".").upper()


class Frequency(models.TextChoices):
    NONE = "none", _("No e-mail")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


class FeedDigest(models.Model):
    """A person's choice for one space; no row: no digest. ``last_sent_at``: the end of the
    period the last digest covered (the next one lists what came after)."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(_("digest e-mail"), max_length=10, choices=Frequency.choices, default=Frequency.NONE)
    chosen_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="space_feed_digest_unique")]
        indexes = [models.Index(fields=["frequency", "user"], name="space_feed_digest_freq_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.space_id} · {self.frequency}"


class DigestRun(models.Model):
    """Claimed before a person's digest of a period is sent: a second run of the same period
    (another worker, a retry) fails to insert it and sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    period = models.CharField(max_length=20)
    claimed_at = models.DateTimeField(default=timezone.now)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "frequency", "period"], name="space_digest_run_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.frequency} · {self.period}"
