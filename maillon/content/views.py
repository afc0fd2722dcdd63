"""Organisation pages (served here, never by Wagtail's catch-all), news, documents, search."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from maillon.core.downloads import private_file
from maillon.core.reversing import row_route, row_url

from . import policies, search, services
from .editors import ensure_home
from .forms import DocumentForm, ReplaceForm
from .images import IMAGE_SPECS, images_of, may_open_collection_file
from .models import Document, DocumentCategory, HomePage, NewsPage, pages_of


def _home(request) -> HomePage | None:
    return HomePage.objects.filter(organisation=request.organisation).first()


def render_page(request, page, home=None):
    """One of the organisation's pages, through its template and context (models.MaillonPage);
    a page of another organisation's tree is not found. ``home``: its home page when the caller
    has it (with its organisation)."""
    page = page.specific
    home = home or page.organisation_home(with_organisation=True)
    if home is None or home.organisation is None or home.organisation != request.organisation:
        raise Http404
    return render(request, page.get_template(request), page.get_context(request, home=home))


def home(request):
    page = _home(request) or ensure_home(request.organisation)
    page.organisation = request.organisation  # the organisation's own home page: not read again
    return render_page(request, page, home=page)


def page(request, path: str):
    home_page = _home(request)
    if home_page is None:
        raise Http404
    found = Page.objects.live().filter(url_path=home_page.url_path + path.strip("/") + "/").first()
    if found is None:
        raise Http404
    return render_page(request, found)


def news(request):
    queryset = pages_of(request.organisation, NewsPage).only("title", "url_path", "path", "depth", "date", "category", "intro").order_by("-date", "-pk")
    category = request.GET.get("categorie")
    if category in NewsPage.Category.values:
        queryset = queryset.filter(category=category)
    page_obj = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "content/news_list.html", {
        "page_obj": page_obj, "categories": NewsPage.Category.choices, "category": category, "query": f"categorie={category or ''}",
    })


def back_office(request):
    """The « Back office » entry: prepares the organisation's tree, opens it in Wagtail."""
    if not policies.can_edit_pages(request.membership):
        raise PermissionDenied
    home_page = ensure_home(request.organisation)
    return redirect("wagtailadmin_explore", home_page.pk)


def menu(request):
    """The comms officer orders the sections of the menu here, without Wagtail's explorer."""
    if not policies.can_edit_pages(request.membership):
        raise PermissionDenied
    home_page = _home(request) or ensure_home(request.organisation)
    if request.method == "POST":
        page_id = request.POST.get("page", "")
        found = next((p for p in services.menu_pages(home_page) if str(p.pk) == page_id), None)
        if found is None:
            raise Http404
        direction = request.POST.get("direction", "")
        try:
            moved = services.move_in_menu(request, found, direction)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if moved:
                text = _("« %(title)s » moved up in the menu.") if direction == "up" else _("« %(title)s » moved down in the menu.")
                messages.success(request, text % {"title": found.title})
        return redirect("content:menu", org=request.organisation.slug)
    return render(request, "content/menu.html", {"items": services.menu_pages(home_page), "home": home_page})


# ---------------------------------------------------------------- documents


def documents(request):
    visible = Document.objects.visible_to(request.membership).select_related("category", "current")
    categories = list(DocumentCategory.objects.for_organisation(request.organisation))
    category = request.GET.get("categorie", "")
    if category.isdigit():
        visible = visible.filter(category_id=int(category))
    q = request.GET.get("q", "").strip()
    if q:
        visible = visible.filter(title__icontains=q)
    page_obj = Paginator(visible.order_by("category__position", "category__name", "title"), 30).get_page(request.GET.get("page"))
    # Each row's two links, reversed once for the page (Document.download_url's address).
    slug = request.organisation.slug
    page_url, file_url = row_url("content:document", org=slug), row_route("content:download", ("pk", "slug"), org=slug)
    for document in page_obj.object_list:
        document.page_url, document.file_url = page_url(document.pk), file_url(document.pk, document.file_slug)
    return render(request, "content/documents.html", {
        "page_obj": page_obj, "categories": categories, "category": category, "search": q,
        "query": f"categorie={category}&q={q}", "can_manage": policies.can_manage_documents(request.membership),
    })


def _manageable(request, pk):
    if not policies.can_manage_documents(request.membership):
        raise PermissionDenied
    return get_object_or_404(Document.objects.for_organisation(request.organisation).select_related("category", "current"), pk=pk)


def document_add(request):
    if not policies.can_manage_documents(request.membership):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, request.FILES or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = services.create_document(request, title=data["title"], category=data["category"], upload=data["file"], description=data["description"], roles=data["roles"])
        messages.success(request, _("The document « %(title)s » was added.") % {"title": document.title})
        return redirect("content:document", org=request.organisation.slug, pk=document.pk)
    return render(request, "content/document_form.html", {"form": form, "title": _("Add a document")})


def document(request, pk):
    doc = get_object_or_404(Document.objects.visible_to(request.membership).select_related("category", "current"), pk=pk)
    can_manage = policies.can_manage_documents(request.membership)
    versions = list(doc.versions.select_related("uploaded_by")) if can_manage else []
    return render(request, "content/document.html", {"document": doc, "versions": versions, "can_manage": can_manage, "replace_form": ReplaceForm()})


def document_edit(request, pk):
    doc = _manageable(request, pk)
    initial = {"title": doc.title, "category": doc.category, "description": doc.description, "roles": doc.role_list}
    form = DocumentForm(request.POST or None, organisation=request.organisation, with_file=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_document(request, doc, title=data["title"], category=data["category"], description=data["description"], roles=data["roles"])
        messages.success(request, _("The document was saved."))
        return redirect("content:document", org=request.organisation.slug, pk=doc.pk)
    return render(request, "content/document_form.html", {"form": form, "title": _("Edit « %(title)s »") % {"title": doc.title}, "document": doc})


@require_POST
def document_replace(request, pk):
    doc = _manageable(request, pk)
    form = ReplaceForm(request.POST, request.FILES)
    if form.is_valid():
        version = services.replace_file(request, doc, form.cleaned_data["file"])
        messages.success(request, _("Version %(number)s is now the one downloaded, at the same address.") % {"number": version.number})
        return redirect("content:document", org=request.organisation.slug, pk=doc.pk)
    versions = list(doc.versions.select_related("uploaded_by"))
    return render(request, "content/document.html", {"document": doc, "versions": versions, "can_manage": True, "replace_form": form}, status=400)


def document_delete(request, pk):
    doc = _manageable(request, pk)
    if request.method == "POST":
        services.delete_document(request, doc)
        messages.success(request, _("The document « %(title)s » was deleted.") % {"title": doc.title})
        return redirect("content:documents", org=request.organisation.slug)
    return render(request, "content/document_delete.html", {"document": doc})


def download(request, pk, slug=None):
    """The only way to a document's file: member of its organisation, with an allowed role."""
    doc = get_object_or_404(Document.objects.visible_to(request.membership).select_related("current"), pk=pk)
    version = doc.current
    if version is None:
        raise Http404
    if request.GET.get("version") and policies.can_manage_documents(request.membership):
        version = get_object_or_404(doc.versions.all(), number=request.GET["version"]) if request.GET["version"].isdigit() else version
    return private_file(version)


def image(request, pk, spec):
    """An image of the organisation's collection, in one of the allowed sizes (members only)."""
    if spec not in IMAGE_SPECS:
        raise Http404
    found = get_object_or_404(images_of(request.organisation), pk=pk)
    rendition = found.get_rendition(spec)
    content_type = mimetypes.guess_type(rendition.file.name)[0] or "application/octet-stream"
    response = FileResponse(rendition.file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def media_file(request, path: str):
    """The only way to a file under /media/ other than logos (served by the organisations app):
    Wagtail image originals and renditions (the back office's thumbnails), to active members of
    the organisation whose collection holds the image. Anything else (documents, unknown files,
    another organisation's image, anonymous visitors) is a 404, in every mode, DEBUG included:
    documents have their own checked address (``download``)."""
    from wagtail.images import get_image_model

    model = get_image_model()
    image = file = None
    if path.startswith("original_images/"):
        image = model.objects.filter(file=path).select_related("collection").first()
        file = image.file if image else None
    elif path.startswith("images/"):
        rendition = model.get_rendition_model().objects.filter(file=path).select_related("image__collection").first()
        if rendition is not None:
            image, file = rendition.image, rendition.file
    if image is None or not may_open_collection_file(request.user, image.collection):
        raise Http404
    try:
        handle = file.open("rb")
    except OSError:  # the record exists, the file is gone (restored database, cleaned disk)
        raise Http404 from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- search


def search_view(request):
    """Grouped results (a few per kind), or one kind paginated (« Voir tout »): ``search.results_page``."""
    return render(request, "content/search.html", search.results_page(request.membership, request.GET))
