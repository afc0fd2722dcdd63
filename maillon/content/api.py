"""API of content: news, documents (metadata; files through the access-checked download
address) and the search. Same scoping and policies as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import search
from .models import Document, NewsPage, pages_of

router = Router(tags=["content"])
PAGE_SIZE = 20


class Paging(Schema):
    page: int = Field(default=1, ge=1)


class NewsOut(Schema):
    id: int
    title: str
    date: date
    category: str
    summary: str
    url: str


class NewsPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[NewsOut]


class DocumentOut(Schema):
    id: int
    title: str
    category: str
    description: str
    restricted_to: list[str] = Field(description="role keys; empty: every staff member")
    version: int | None
    file_name: str | None
    size: int | None
    content_type: str | None
    updated_at: datetime
    download_url: str


class DocumentPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[DocumentOut]


class SearchFilters(Schema):
    q: str = Field(min_length=1, max_length=200)


class SearchResultOut(Schema):
    kind: str
    title: str
    summary: str
    url: str


def _news(page: NewsPage, slug: str) -> dict:
    return {"id": page.pk, "title": page.title, "date": page.date, "category": page.category, "summary": page.intro, "url": page.maillon_url(slug)}


def _document(d: Document) -> dict:
    v = d.current
    return {
        "id": d.pk, "title": d.title, "category": d.category.name, "description": d.description, "restricted_to": d.role_list,
        "version": v.number if v else None, "file_name": v.original_name if v else None, "size": v.size if v else None,
        "content_type": v.content_type if v else None, "updated_at": d.updated_at, "download_url": d.download_url(),
    }


@router.get("/news", response=NewsPageOut, summary="Published news of the organisation, newest first")
def list_news(request, paging: Query[Paging]):
    membership = current_membership(request)
    qs = pages_of(membership.organisation, NewsPage).order_by("-date", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(paging.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "items": [_news(n, membership.organisation.slug) for n in page]}


@router.get("/news/{news_id}", response=NewsOut, summary="One news item")
def get_news(request, news_id: int):
    membership = current_membership(request)
    return _news(get_object_or_404(pages_of(membership.organisation, NewsPage), pk=news_id), membership.organisation.slug)


@router.get("/documents", response=DocumentPageOut, summary="Documents the caller may open")
def list_documents(request, paging: Query[Paging]):
    membership = current_membership(request)
    qs = Document.objects.visible_to(membership).select_related("category", "current", "organisation").order_by("title")
    page = Paginator(qs, PAGE_SIZE).get_page(paging.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "items": [_document(d) for d in page]}


@router.get("/documents/{document_id}", response=DocumentOut, summary="One document (download it at download_url)")
def get_document(request, document_id: int):
    membership = current_membership(request)
    return _document(get_object_or_404(Document.objects.visible_to(membership).select_related("category", "current", "organisation"), pk=document_id))


@router.get("/search", response=list[SearchResultOut], summary="Search pages, news, documents, the directory, procedures and upcoming events (what the caller may see)")
def search_all(request, filters: Query[SearchFilters]):
    membership = current_membership(request)
    return [{"kind": e.kind, "title": e.title, "summary": e.summary, "url": e.url} for e in search.search_everything(membership, filters.q, limit=50)]


register_api_router("content", router)
