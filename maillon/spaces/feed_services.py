"""What changes a space's feed and files: posts, pins, comments, mentions, files, digest choice.

The views check policies first (feed_policy below for the rules that are the feed's own); these
functions check what depends on the data (a mention of a non-member is dropped, a file is checked
by the content app's rules) and raise French ValidationErrors for bad input.
"""

from __future__ import annotations

import os
import re

import nh3
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, urlize
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.content.services import check_upload
from maillon.notifications.services import notify

from . import policies
from .mentions import Resolved, mentioned_in
from .models import Comment, FeedDigest, Frequency, Post, Space, SpaceFile, SpaceMember, members_of

PAGE_SIZE = 10
COMMENTS_SHOWN = 3
MAX_FILES_PER_POST = 5
TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote", "h3", "h4"}
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


# ---------------------------------------------------------------- text


def with_mentions(html: str, users) -> str:
    """The post's html followed by who it mentions (drawn once, when the post is written, with
    no word that would keep the language of that moment)."""
    names = ", ".join(f"@{escape(str(user))}" for user in users)
    return html + (f'<p class="muted">{names}</p>' if names else "")


def render(text: str) -> str:
    """Safe HTML for a post or comment: typed HTML keeps a small set of tags (nh3); plain text
    keeps its paragraphs and line breaks, its addresses become links. Never a script, a style,
    an event attribute or a javascript: link."""
    text = normalize_newlines(text or "").strip()
    if _HTML.search(text):
        html = text
    else:
        paragraphs = [p for p in re.split(r"\n{2,}", text) if p.strip()]
        html = "".join(f"<p>{urlize(p, nofollow=True, autoescape=True).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return nh3.clean(html, tags=TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto", "tel"},
                     link_rel="noopener noreferrer nofollow")


def _clean_text(text: str, limit: int) -> str:
    text = normalize_newlines(text or "").strip()
    if not text:
        raise ValidationError(_("Write something first."))
    if len(text) > limit:
        raise ValidationError(_("This text is too long (%(n)s characters; at most %(max)s).") % {"n": len(text), "max": limit})
    if not nh3.clean(render(text), tags=set()).strip():
        raise ValidationError(_("Write something first."))
    return text


def clean_link(link: str) -> str:
    """An http(s) address or nothing (the API sends it unchecked by a form)."""
    try:
        return forms.URLField(required=False, max_length=500, assume_scheme="https").clean((link or "").strip())
    except ValidationError as error:
        raise ValidationError({"link": error.messages}) from None


# ---------------------------------------------------------------- reading


def feed_url(space: Space) -> str:
    return reverse("spaces:feed", kwargs={"space": space.slug})


def post_url(post: Post, space: Space | None = None) -> str:
    return reverse("spaces:post", kwargs={"space": (space or post.space).slug, "pk": post.pk})


def feed_posts(space: Space):
    """The feed of a space: pinned posts first (latest pinned first), then newest first; each
    post carries its comment count and its last comments (two queries for a page, whatever its
    size; its files and mentions are drawn into the post when they change)."""
    recent = Comment.objects.select_related("author").order_by("-created_at", "-pk")
    return (Post.objects.filter(space=space).select_related("author")
            .annotate(comment_count=Count("comments", distinct=True))
            .prefetch_related(Prefetch("comments", queryset=recent[:COMMENTS_SHOWN], to_attr="last_comments"))
            .order_by(F("pinned_at").desc(nulls_last=True), "-created_at", "-pk"))


def feed_page(space: Space, number) -> dict:
    """One page of the feed without counting the posts (one query less): the page's posts, and
    whether there is a next one."""
    number = int(number) if str(number or "").isdigit() and 0 < int(number) <= 10_000 else 1
    start = (number - 1) * PAGE_SIZE
    posts = list(feed_posts(space)[start:start + PAGE_SIZE + 1])
    return {"posts": posts[:PAGE_SIZE], "number": number, "has_next": len(posts) > PAGE_SIZE,
            "previous": number - 1 if number > 1 else None, "next": number + 1 if len(posts) > PAGE_SIZE else None}


def mentionable(space: Space):
    """The people a post may mention: those added to the space by name (the members list)."""
    return (SpaceMember.objects.filter(space=space, user__is_active=True).select_related("user")
            .order_by("user__first_name", "user__last_name", "pk"))


# ---------------------------------------------------------------- posts


def _audit(action: str, space: Space, actor, target, **data):
    record(f"spaces.{action}", actor=actor, organisation=space.organisation, target=target, data=data)


def _mentioned(space: Space, text: str, picked, author, already=()) -> tuple[list, Resolved]:
    """The members to notify: those picked in the list and those typed as « @Prénom Nom » or
    « @identifiant » (mentions.py), members of the space only, never the author nor anyone in
    ``already``; two queries whatever their number."""
    typed = mentioned_in(space, text)
    picked_ids = {getattr(u, "pk", u) for u in picked} - {u.pk for u in typed.users}  # users, or their ids (API)
    found = typed.users + (list(members_of(space).filter(pk__in=picked_ids).order_by("first_name", "last_name", "pk")) if picked_ids else [])
    skip = {author.pk, *already}
    return [u for u in found if u.pk not in skip], typed


def _notify_mentions(space: Space, post: Post, users, author) -> None:
    for user in users:
        notify(user, _("%(person)s mentioned you in « %(space)s »") % {"person": author.get_full_name() or author, "space": space.name},
               body=nh3.clean(post.html, tags=set())[:300], url=post_url(post, space), kind="spaces.mention")


def unresolved_messages(resolved: Resolved) -> list[str]:
    """What to tell the author about mentions that reached nobody."""
    found = [_("« @%(name)s » is the name of several members: nobody was notified. Choose the person in the list, "
               "or type their identifier.") % {"name": name} for name in resolved.ambiguous]
    found += [_("No member of the space is called « @%(name)s »: nobody was notified.") % {"name": name} for name in resolved.unknown]
    return found


def _add_files(space: Space, post: Post | None, uploads, user) -> list[SpaceFile]:
    created = []
    for upload in uploads or []:
        content_type = check_upload(upload)
        item = SpaceFile(space=space, post=post, original_name=os.path.basename(upload.name)[:200], size=upload.size,
                         content_type=content_type, uploaded_by=user)
        item.file.save(upload.name, upload, save=False)
        item.save()
        created.append(item)
    if post is not None and created:
        _draw_attachments(post)
    return created


def _draw_attachments(post: Post) -> None:
    post.attachments = [{"pk": f.pk, "name": f.original_name, "ext": f.extension, "size": f.size}
                        for f in SpaceFile.objects.filter(post=post).order_by("pk")]
    post.save(update_fields=["attachments"])


def check_files(uploads) -> None:
    if len(uploads or []) > MAX_FILES_PER_POST:
        raise ValidationError(_("At most %(n)s files at once.") % {"n": MAX_FILES_PER_POST})
    for upload in uploads or []:
        check_upload(upload)


@transaction.atomic
def create_post(space: Space, author, *, text: str, link: str = "", files=(), mentions=(), pinned: bool = False) -> Post:
    text = _clean_text(text, Post._meta.get_field("text").max_length)
    check_files(files)
    now = timezone.now()
    post = Post.objects.create(space=space, author=author, text=text, html=render(text), link=clean_link(link), created_at=now,
                               pinned_at=now if pinned else None, pinned_by=author if pinned else None)
    _add_files(space, post, files, author)
    kept, resolved = _mentioned(space, text, mentions, author)
    if kept:
        post.mentions.set(kept)
        post.html = with_mentions(post.html, kept)
        post.save(update_fields=["html"])
        _notify_mentions(space, post, kept, author)
    post.unresolved = unresolved_messages(resolved)
    _audit("post_created", space, author, post, pinned=pinned, files=len(files or []), mentions=len(kept))
    return post


@transaction.atomic
def edit_post(post: Post, *, text: str, link: str = "", mentions=(), actor) -> Post:
    post.text = _clean_text(text, Post._meta.get_field("text").max_length)
    post.link, post.edited_at = clean_link(link), timezone.now()
    already = set(post.mentions.values_list("pk", flat=True))
    kept, resolved = _mentioned(post.space, post.text, mentions, actor, already=already)
    if kept:
        post.mentions.add(*kept)
    post.html = with_mentions(render(post.text), post.mentions.order_by("first_name", "last_name", "pk"))
    post.save(update_fields=["text", "html", "link", "edited_at"])
    _notify_mentions(post.space, post, kept, actor)  # only the people not mentioned before
    post.unresolved = unresolved_messages(resolved)
    return post


@transaction.atomic
def delete_post(post: Post, *, actor) -> None:
    files = list(post.files.all())
    _audit("post_deleted", post.space, actor, post, author=str(post.author or ""))
    for item in files:
        _delete_file_row(item)
    post.delete()


def set_pinned(post: Post, pinned: bool, *, actor) -> Post:
    post.pinned_at, post.pinned_by = (timezone.now(), actor) if pinned else (None, None)
    post.save(update_fields=["pinned_at", "pinned_by"])
    _audit("post_pinned" if pinned else "post_unpinned", post.space, actor, post)
    return post


# ---------------------------------------------------------------- comments


@transaction.atomic
def add_comment(post: Post, author, *, text: str) -> Comment:
    text = _clean_text(text, Comment._meta.get_field("text").max_length)
    comment = Comment.objects.create(post=post, author=author, text=text, html=render(text))
    space = post.space
    kept, resolved = _mentioned(space, text, (), author)
    for user in kept:
        notify(user, _("%(person)s mentioned you in a comment in « %(space)s »") % {
            "person": author.get_full_name() or author, "space": space.name},
            body=text[:300], url=post_url(post, space), kind="spaces.mention")
    author_of_post = post.author
    if author_of_post and author_of_post.pk != author.pk and author_of_post.is_active \
            and author_of_post.pk not in {u.pk for u in kept} and policies.role_in(space, author_of_post) is not None:
        notify(author_of_post, _("%(person)s commented on your post in « %(space)s »") % {
            "person": author.get_full_name() or author, "space": space.name},
            body=text[:300], url=post_url(post), kind="spaces.comment")
    comment.unresolved = unresolved_messages(resolved)
    return comment


def delete_comment(comment: Comment, *, actor) -> None:
    _audit("comment_deleted", comment.post.space, actor, comment.post, author=str(comment.author or ""))
    comment.delete()


# ---------------------------------------------------------------- files


def upload_files(space: Space, uploads, user) -> list[SpaceFile]:
    check_files(uploads)
    with transaction.atomic():
        created = _add_files(space, None, uploads, user)
        _audit("files_uploaded", space, user, space, files=[f.original_name for f in created])
    return created


def _delete_file_row(item: SpaceFile) -> None:
    name = item.file.name
    storage = item.file.storage
    item.delete()
    transaction.on_commit(lambda: storage.delete(name))


def delete_file(item: SpaceFile, *, actor) -> None:
    with transaction.atomic():
        _audit("file_deleted", item.space, actor, item.space, file=item.original_name)
        post = item.post
        _delete_file_row(item)
        if post is not None:
            _draw_attachments(post)


# ---------------------------------------------------------------- digest choice


def digest_choice(space: Space, user) -> str:
    return FeedDigest.objects.filter(space=space, user=user).values_list("frequency", flat=True).first() or Frequency.NONE


def set_digest(space: Space, user, frequency: str) -> FeedDigest:
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose how often to get the e-mail."))
    choice, created = FeedDigest.objects.get_or_create(space=space, user=user, defaults={"frequency": frequency})
    if not created and choice.frequency != frequency:
        # A new rhythm starts now: the first digest does not reach back to an old one.
        choice.frequency, choice.chosen_at, choice.last_sent_at = frequency, timezone.now(), None
        choice.save(update_fields=["frequency", "chosen_at", "last_sent_at"])
    return choice


# ---------------------------------------------------------------- who may do what (the feed's own rules)


def may_edit(post: Post, user, space: Space, role) -> bool:
    """Its author, while they may still write in the space."""
    return policies.can_contribute(space, role) and post.author_id == user.pk


def may_delete(item, user, space: Space, role) -> bool:
    """A post, comment or file: its author (who may still write) or a host."""
    author_id = getattr(item, "author_id", None) or getattr(item, "uploaded_by_id", None)
    return policies.can_host(space, role) or (policies.can_contribute(space, role) and author_id == user.pk)

