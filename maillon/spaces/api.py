"""API of spaces and their feeds (``/api/v1/spaces/…``): the spaces I am a member of, one space
with my role, its members, its feed (posts pinned first, comments), writing a post or a comment.

A space crosses organisations: these endpoints read no ``X-Organisation`` header. The rule is
the pages' one (``access.api_space``: the space and my role in one query): a non-member gets 404
as for a space that does not exist, a reader who writes or anyone writing in an archived space
403 with the reason in French. Writes go through the same services as the pages (text
sanitised, mentions of members only, audit)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillon.core.registry import register_api_router

from . import feed_services, policies
from .access import api_space
from .models import Comment, Post, Space, SpaceMember, SpaceOrganisation, role_of

router = Router(tags=["spaces"])
PAGE_SIZE = 20


class PageFilter(Schema):
    page: int = Field(default=1, ge=1)


class SpaceFilter(PageFilter):
    archived: bool = Field(default=False, description="the archived spaces instead of the open ones")


class SpaceOut(Schema):
    id: int
    slug: str
    name: str
    theme: str
    kind: str
    organisation: str = Field(description="the owner organisation's name")
    archived: bool
    role: str = Field(description="my role here: host, contributor or reader")


class SpaceDetail(SpaceOut):
    description: str
    visibility: str
    can_contribute: bool
    can_host: bool


class SpacePage(Schema):
    count: int
    page: int
    pages: int
    items: list[SpaceOut]


class MemberOut(Schema):
    name: str
    organisation: str | None
    role: str


class OrganisationOut(Schema):
    name: str
    role: str


class MembersOut(Schema):
    count: int
    page: int
    pages: int
    items: list[MemberOut] = Field(description="people added by name")
    organisations: list[OrganisationOut] = Field(description="organisations whose every member is in the space")
    open_to_federation: bool = Field(description="every member of the federation's organisations reads the space")


class AttachmentOut(Schema):
    id: int
    name: str
    size: int


class PostOut(Schema):
    id: int
    author: str | None
    text: str
    html: str = Field(description="the text sanitised, as the feed shows it")
    link: str
    pinned: bool
    created_at: datetime
    edited_at: datetime | None
    comment_count: int
    files: list[AttachmentOut]


class PostCreated(PostOut):
    mentioned: list[str] = Field(description="the members notified")
    warnings: list[str] = Field(description="mentions that reached nobody, in French")


class PostPage(Schema):
    count: int
    page: int
    pages: int
    items: list[PostOut]


class PostIn(Schema):
    text: str = Field(max_length=Post.text.field.max_length, description="plain text or simple HTML; « @Prénom Nom » mentions a member")
    link: str = Field(default="", max_length=500)
    pinned: bool = Field(default=False, description="hosts only")
    mentions: list[int] = Field(default=[], max_length=50, description="user ids of members to notify")


class CommentOut(Schema):
    id: int
    author: str | None
    text: str
    html: str
    created_at: datetime


class CommentCreated(CommentOut):
    warnings: list[str]


class CommentPage(Schema):
    count: int
    page: int
    pages: int
    items: list[CommentOut]


class CommentIn(Schema):
    text: str = Field(max_length=Comment.text.field.max_length)


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def _space(space: Space) -> dict:
    return {"id": space.pk, "slug": space.slug, "name": space.name, "theme": space.theme, "kind": space.kind,
            "organisation": space.organisation.name, "archived": space.is_archived, "role": space.role}


def _post(post: Post) -> dict:
    return {"id": post.pk, "author": _name(post.author), "text": post.text, "html": post.html, "link": post.link,
            "pinned": post.is_pinned, "created_at": post.created_at, "edited_at": post.edited_at,
            "comment_count": getattr(post, "comment_count", 0),
            "files": [{"id": f["pk"], "name": f["name"], "size": f["size"]} for f in post.attachments]}


def _comment(comment: Comment) -> dict:
    return {"id": comment.pk, "author": _name(comment.author), "text": comment.text, "html": comment.html, "created_at": comment.created_at}


def _page(rows, number: int, size: int = PAGE_SIZE):
    page = Paginator(rows, size).get_page(number)
    return page, {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages}


@router.get("/", response=SpacePage, summary="The spaces I am a member of, whatever their organisation")
def list_spaces(request, filters: Query[SpaceFilter]):
    spaces = (Space.objects.with_role(request.user).select_related("organisation")
              .filter(archived_at__isnull=not filters.archived).order_by("name", "pk"))
    page, meta = _page(spaces, filters.page)
    items = []
    for space in page:
        space.role = role_of(space)
        items.append(_space(space))
    return {**meta, "items": items}


@router.get("/{int:space_id}", response=SpaceDetail, summary="One space and my role in it")
def get_space(request, space_id: int):
    space = api_space(request.user, space_id)
    return {**_space(space), "description": space.description, "visibility": space.visibility,
            "can_contribute": policies.can_contribute(space, space.role), "can_host": policies.can_host(space, space.role)}


@router.get("/{int:space_id}/members", response=MembersOut, summary="The space's members: people, organisations, federation")
def list_members(request, space_id: int, filters: Query[PageFilter]):
    space = api_space(request.user, space_id)
    people = SpaceMember.objects.filter(space=space).select_related("user", "organisation").order_by("user__last_name", "user__first_name", "pk")
    page, meta = _page(people, filters.page, 50)
    organisations = SpaceOrganisation.objects.filter(space=space, accepted_at__isnull=False).select_related("organisation").order_by("organisation__name")
    return {**meta, "items": [{"name": _name(m.user), "organisation": m.organisation.name if m.organisation else None, "role": m.role}
                              for m in page],
            "organisations": [{"name": link.organisation.name, "role": link.role} for link in organisations],
            "open_to_federation": space.visibility == Space.Visibility.FEDERATION and space.federation_id is not None}


@router.get("/{int:space_id}/posts", response=PostPage, summary="The feed: pinned posts first, then newest first")
def list_posts(request, space_id: int, filters: Query[PageFilter]):
    space = api_space(request.user, space_id)
    page, meta = _page(feed_services.feed_posts(space).prefetch_related(None), filters.page)
    return {**meta, "items": [_post(p) for p in page]}


@router.post("/{int:space_id}/posts", response={201: PostCreated}, summary="Publish a post (contributors and hosts)")
def create_post(request, space_id: int, payload: PostIn):
    space = api_space(request.user, space_id, "contribute")
    if payload.pinned and not policies.can_host(space, space.role):
        raise PermissionDenied(_("Only the space's hosts pin messages."))
    # Ids of people to notify: the service keeps members only, and tells nothing of anyone else.
    post = feed_services.create_post(space, request.user, text=payload.text, link=payload.link, pinned=payload.pinned,
                                     mentions=payload.mentions)
    post.comment_count = 0
    return Status(201, {**_post(post), "mentioned": [_name(u) for u in post.mentions.order_by("first_name", "last_name", "pk")],
                        "warnings": post.unresolved})


def _post_of(space: Space, post_id: int) -> Post:
    return get_object_or_404(Post.objects.select_related("author", "space"), space=space, pk=post_id)


@router.get("/{int:space_id}/posts/{int:post_id}/comments", response=CommentPage, summary="A post's comments, oldest first")
def list_comments(request, space_id: int, post_id: int, filters: Query[PageFilter]):
    space = api_space(request.user, space_id)
    post = get_object_or_404(Post.objects.only("pk"), space=space, pk=post_id)
    page, meta = _page(Comment.objects.filter(post=post).select_related("author"), filters.page, 50)
    return {**meta, "items": [_comment(c) for c in page]}


@router.post("/{int:space_id}/posts/{int:post_id}/comments", response={201: CommentCreated}, summary="Comment on a post")
def create_comment(request, space_id: int, post_id: int, payload: CommentIn):
    space = api_space(request.user, space_id, "contribute")
    post = _post_of(space, post_id)
    post.space = space
    comment = feed_services.add_comment(post, request.user, text=payload.text)
    return Status(201, {**_comment(comment), "warnings": comment.unresolved})


register_api_router("spaces", router)
