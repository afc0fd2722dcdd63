"""API of a space's knowledge base (``/api/v1/spaces/<id>/kb/…``) and of the search across the
knowledge bases of my spaces (``/api/v1/spaces/kb/search``).

Same rule as the pages and the spaces' API (``spaces.access.api_space``, no ``X-Organisation``):
members read, contributors and hosts write while the space is not archived, a non-member gets
404. A save is a new version (``base_version``: the version the client edited, refused with 422
when someone saved since); a page with sub-pages is not deleted (409)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from maillon.content.search import MAX_QUERY
from maillon.core.registry import register_api_router
from maillon.spaces.access import api_space

from . import search, services
from .models import ANCESTORS, Page
from .rendering import render as render_markdown

router = Router(tags=["knowledge base"])
TREE_PAGE_SIZE = 100
PAGE_SIZE = 20


class PageFilter(Schema):
    page: int = Field(default=1, ge=1)


class SearchFilter(PageFilter):
    q: str = Field(min_length=1, max_length=MAX_QUERY, description="words to find, in French")


class TreeRow(Schema):
    id: int
    parent_id: int | None
    title: str
    level: int = Field(description="0 for a top-level page")
    version: int
    updated_at: datetime


class TreePage(Schema):
    count: int
    page: int
    pages: int
    items: list[TreeRow] = Field(description="in reading order: each page after its parent")


class Link(Schema):
    id: int
    title: str


class KbPageOut(Schema):
    id: int
    space_id: int
    parent_id: int | None
    title: str
    version: int
    markdown: str
    html: str = Field(description="the Markdown rendered and sanitised, as the page shows it")
    author: str | None = Field(description="who saved the current version")
    updated_at: datetime
    ancestors: list[Link]
    children: list[Link]


class VersionOut(Schema):
    number: int
    title: str
    note: str
    author: str | None
    created_at: datetime
    restored_from: int | None


class VersionPage(Schema):
    count: int
    page: int
    pages: int
    items: list[VersionOut]


class PageIn(Schema):
    title: str = Field(max_length=services.MAX_TITLE)
    markdown: str = Field(default="", max_length=services.MAX_BODY, description="the text, in Markdown")
    parent_id: int | None = None
    note: str = Field(default="", max_length=200, description="what changed")


class PageUpdate(Schema):
    title: str = Field(max_length=services.MAX_TITLE)
    markdown: str = Field(default="", max_length=services.MAX_BODY)
    note: str = Field(default="", max_length=200)
    base_version: int | None = Field(default=None, description="the version edited; refused if the page was saved since")


class Hit(Schema):
    id: int
    title: str
    space: str
    summary: str
    url: str = Field(description="the page's address")
    updated_at: datetime


class HitPage(Schema):
    count: int
    page: int
    pages: int
    items: list[Hit]


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def _meta(page) -> dict:
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages}


def _page_of(space, page_id: int, *related) -> Page:
    return get_object_or_404(Page.objects.of_space(space).select_related(*related), pk=page_id)


def _out(page: Page) -> dict:
    current = page.current
    return {"id": page.pk, "space_id": page.space_id, "parent_id": page.parent_id, "title": page.title, "version": page.version_count,
            "markdown": current.body if current else "", "html": render_markdown(current.body if current else ""),
            "author": _name(current.author) if current else None, "updated_at": page.updated_at,
            "ancestors": [{"id": p.pk, "title": p.title} for p in page.ancestors()],
            "children": [{"id": c["pk"], "title": c["title"]} for c in page.children.order_by("position", "pk").values("pk", "title")]}


def _fresh(space, page_id: int) -> dict:
    return _out(_page_of(space, page_id, "current__author", ANCESTORS))


@router.get("/kb/search", response=HitPage, summary="Search the knowledge bases of all my spaces")
def search_pages(request, filters: Query[SearchFilter]):
    hits = search.search(request.user, filters.q)
    page = Paginator(hits, PAGE_SIZE).get_page(filters.page)
    return {**_meta(page), "items": [{"id": found.pk, "title": found.title, "space": found.space_name, "summary": hit.summary,
                                      "url": hit.url, "updated_at": found.updated_at} for hit, found in page]}


@router.get("/{int:space_id}/kb/pages", response=TreePage, summary="The space's pages as a tree")
def list_pages(request, space_id: int, filters: Query[PageFilter]):
    space = api_space(request.user, space_id)
    page = Paginator(services.flat_tree(space), TREE_PAGE_SIZE).get_page(filters.page)
    return {**_meta(page), "items": [{"id": row["pk"], "parent_id": row["parent_id"], "title": row["title"], "level": level,
                                      "version": row["version_count"], "updated_at": row["updated_at"]} for row, level in page]}


@router.get("/{int:space_id}/kb/pages/{int:page_id}", response=KbPageOut, summary="A page: Markdown, HTML and version number")
def get_page(request, space_id: int, page_id: int):
    return _fresh(api_space(request.user, space_id), page_id)


@router.get("/{int:space_id}/kb/pages/{int:page_id}/versions", response=VersionPage, summary="A page's versions, newest first")
def list_versions(request, space_id: int, page_id: int, filters: Query[PageFilter]):
    found = _page_of(api_space(request.user, space_id), page_id)
    versions = found.versions.select_related("author").defer("body").order_by("-number")
    page = Paginator(versions, PAGE_SIZE).get_page(filters.page)
    return {**_meta(page), "items": [{"number": v.number, "title": v.title, "note": v.note, "author": _name(v.author),
                                      "created_at": v.created_at, "restored_from": v.restored_from} for v in page]}


@router.post("/{int:space_id}/kb/pages", response={201: KbPageOut}, summary="Create a page (contributors and hosts)")
def create_page(request, space_id: int, payload: PageIn):
    space = api_space(request.user, space_id, "contribute")
    parent = None
    if payload.parent_id is not None:
        parent = Page.objects.of_space(space).filter(pk=payload.parent_id).first()
        if parent is None:
            raise ValidationError({"parent_id": _("Choose a page of this space.")})
    page = services.create_page(space, space.role, request.user, title=payload.title, body=payload.markdown, parent=parent, note=payload.note)
    return Status(201, _fresh(space, page.pk))


@router.put("/{int:space_id}/kb/pages/{int:page_id}", response=KbPageOut, summary="Save a new version of a page")
def update_page(request, space_id: int, page_id: int, payload: PageUpdate):
    space = api_space(request.user, space_id, "contribute")
    found = _page_of(space, page_id, "current")
    found.space = space
    services.save_page(found, space.role, request.user, title=payload.title, body=payload.markdown, note=payload.note,
                       base=payload.base_version)
    return _fresh(space, page_id)


@router.delete("/{int:space_id}/kb/pages/{int:page_id}", response={204: None}, summary="Delete a page (its host or author; no sub-pages)")
def delete_page(request, space_id: int, page_id: int):
    space = api_space(request.user, space_id, "contribute")
    found = _page_of(space, page_id)
    found.space = space
    try:
        services.delete_page(found, space.role, request.user)
    except ValidationError as error:
        raise HttpError(409, error.messages[0]) from None
    return Status(204, None)


register_api_router("spaces", router)
