"""Wagtail hooks of the content app."""

from django.http import Http404
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from wagtail import hooks

from .cms import UNSCOPED_VIEWS, scope_for
from .images import may_open_collection_file


@hooks.register("before_serve_document")
def check_document_access(document, request):
    """Wagtail's own documents (/documents/<id>/<name>) are not used by Maillon (documents are
    ``content.Document``, served by ``views.download``), but the route exists for the back
    office: a file there is served only to members of the organisation owning its collection."""
    if not may_open_collection_file(request.user, document.collection):
        raise Http404


# The admin's lists stay inside the editor's trees and collections (see cms.py). Wagtail's page
# chooser lists every page otherwise; the others are already scoped by permissions, filtered
# again in case a permission is ever granted more widely.


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    return scope_for(request).pages(pages)


@hooks.register("construct_explorer_page_queryset")
def scope_explorer(parent_page, pages, request):
    return scope_for(request).pages(pages)


@hooks.register("construct_image_chooser_queryset")
def scope_image_chooser(images, request):
    return scope_for(request).media(images)


@hooks.register("construct_document_chooser_queryset")
def scope_document_chooser(documents, request):
    return scope_for(request).media(documents)


@hooks.register("construct_reports_menu")
def hide_unscoped_reports(request, menu_items):
    """Reports the middleware refuses to editors are not offered to them."""
    if scope_for(request).unrestricted:
        return
    menu_items[:] = [item for item in menu_items if _view_name(item.url) not in UNSCOPED_VIEWS]


def _view_name(url: str) -> str:
    try:
        match = resolve(url)
    except Resolver404:
        return ""
    return f"{match.namespace}:{match.url_name}"


# The back office looks like part of Maillon: its colours and logo come from the templates of
# templates/wagtailadmin/ (admin_base.html, base.html), the rest from this style sheet.


@hooks.register("insert_global_admin_css")
def maillon_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("content/css/cms.css"))


@hooks.register("construct_page_action_menu")
def publish_first(menu_items, request, context):
    """« Publier » is the editor's main button (Wagtail puts « Enregistrer le brouillon » first):
    news and pages are written to be published; the draft stays one tap away in the menu."""
    for index, item in enumerate(menu_items):
        if item.name == "action-publish":
            menu_items.insert(0, menu_items.pop(index))
            break
