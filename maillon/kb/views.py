"""Knowledge base pages of a space: index (tree, search), page, new, edit, history, a version,
diff, restore, moves, attachments. Access: ``@space_view`` (members read, contributors and
hosts write, archived spaces read-only); every page and version is fetched within the space."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.content.search import MAX_QUERY, clean_query, terms
from maillon.core.downloads import private_file
from maillon.spaces.access import space_context, space_view

from . import policies, search, services
from .forms import AttachmentForm, PageForm
from .models import ANCESTORS, Attachment, Page, Version
from .rendering import diff
from .rendering import render as render_markdown

TREE_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20
RESULTS_PAGE_SIZE = 20


def _page(space, pk, *related) -> Page:
    return get_object_or_404(Page.objects.of_space(space).select_related(*related), pk=pk)


def _version(page, number) -> Version:
    return get_object_or_404(page.versions.select_related("author"), number=number)


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _context(request, **extra) -> dict:
    return space_context(request, "kb", **extra)


@space_view()
def index(request, space):
    """The space's pages as a tree, or the results of a search (this space, or all of mine)."""
    query, cut = clean_query(request.GET.get("q", ""))
    everywhere = request.GET.get("partout") == "1"
    context = {"q": query, "cut": cut, "max_query": MAX_QUERY, "everywhere": everywhere}
    if query:
        hits = search.search(request.user, query, space=None if everywhere else space) if terms(query) else []
        context["page_obj"] = Paginator(hits, RESULTS_PAGE_SIZE).get_page(request.GET.get("page"))
        context["querystring"] = urlencode({"q": query, **({"partout": "1"} if everywhere else {})})
    else:
        context["page_obj"] = Paginator(services.flat_tree(space), TREE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kb/index.html", _context(request, **context))


@space_view()
def page(request, space, pk):
    found = _page(space, pk, "current__author", ANCESTORS)
    children = list(found.children.order_by("position", "pk").values("pk", "title"))
    attachments = list(found.attachments.all())
    return render(request, "kb/page.html", _context(
        request, page=found, html=render_markdown(found.current.body if found.current else ""), children=children,
        attachments=attachments, attachment_form=AttachmentForm(),
        can_delete=policies.can_delete(space, request.space_role, found, request.user)))


def _save_form(request, space, *, found: Page | None):
    tree = services.flat_tree(space)
    current = found.current if found else None
    initial = {"title": current.title, "body": current.body, "parent": found.parent_id, "base": found.version_count} if found else \
        {"parent": request.GET.get("parent") if (request.GET.get("parent") or "").isdigit() else None}
    form = PageForm(request.POST or None, initial=initial, tree=tree, exclude=found.pk if found else None)
    if request.method == "POST" and "preview" in request.POST:
        # « Prévisualiser »: the text as the page will show it, under the form; nothing is saved.
        form.is_valid()
        body = form.cleaned_data.get("body")
        preview = render_markdown(services.clean_body(body)) if body is not None else None
        return render(request, "kb/edit.html", _context(request, form=form, page=found, preview=preview, previewed=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = Page.objects.of_space(space).filter(pk=data["parent"]).first() if data.get("parent") else None
        try:
            if found is None:
                found = services.create_page(space, request.space_role, request.user, title=data["title"], body=data["body"],
                                             parent=parent, note=data["note"])
                messages.success(request, _("The page was created."))
            else:
                if parent != found.parent:
                    services.move(found, request.space_role, request.user, parent=parent)
                saved = services.save_page(found, request.space_role, request.user, title=data["title"], body=data["body"],
                                           note=data["note"], base=data["base"])
                messages.success(request, _("Version %(n)s was saved.") % {"n": saved.number} if saved else _("Nothing changed."))
            return redirect(found.get_absolute_url())
        except ValidationError as error:
            _errors(form, error)
    return render(request, "kb/edit.html", _context(request, form=form, page=found))


@space_view("contribute")
def new(request, space):
    return _save_form(request, space, found=None)


@space_view("contribute")
def edit(request, space, pk):
    return _save_form(request, space, found=_page(space, pk, "current", ANCESTORS))


@space_view("contribute")
def delete(request, space, pk):
    """A confirmation page, then the page goes with its versions and files (services.delete_page)."""
    found = _page(space, pk, ANCESTORS)
    if not policies.can_delete(space, request.space_role, found, request.user):
        raise PermissionDenied
    children = found.children.count()
    if request.method == "POST" and not children:
        try:
            services.delete_page(found, request.space_role, request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(found.get_absolute_url())
        messages.success(request, _("The page « %(title)s » was deleted.") % {"title": found.title})
        return redirect(found.parent.get_absolute_url() if found.parent else reverse("kb:index", kwargs={"space": space.slug}))
    return render(request, "kb/delete.html", _context(request, page=found, children=children))


@space_view()
def history(request, space, pk):
    found = _page(space, pk)
    versions = found.versions.select_related("author").defer("body").order_by("-number")
    page_obj = Paginator(versions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kb/history.html", _context(request, page=found, page_obj=page_obj))


@space_view()
def version(request, space, pk, number):
    found = _page(space, pk)
    shown = _version(found, number)
    return render(request, "kb/version.html", _context(request, page=found, version=shown, html=render_markdown(shown.body)))


def _number(value, default: int) -> int:
    return int(value) if str(value or "").isdigit() else default


@space_view()
def compare(request, space, pk):
    """The difference between two versions (``de``, ``a``; by default the last two)."""
    found = _page(space, pk)
    newest = found.version_count
    to = _number(request.GET.get("a"), newest)
    since = _number(request.GET.get("de"), max(to - 1, 1))
    old, new_version = _version(found, since), _version(found, to)
    return render(request, "kb/compare.html", _context(
        request, page=found, old=old, new=new_version, title_changed=old.title != new_version.title,
        hunks=diff(old.body, new_version.body), numbers=range(newest, 0, -1)))


@require_POST
@space_view("contribute")
def restore(request, space, pk, number):
    found = _page(space, pk, "current")
    old = _version(found, number)
    saved = services.restore(found, old, request.space_role, request.user)
    if saved:
        messages.success(request, _("Version %(old)s was restored as version %(n)s.") % {"old": old.number, "n": saved.number})
    else:
        messages.info(request, _("This version is already the current text."))
    return redirect(found.get_absolute_url())


@require_POST
@space_view("contribute")
def shift(request, space, pk):
    found = _page(space, pk)
    services.shift(found, request.space_role, request.user, up=request.POST.get("sens") != "bas")
    return redirect(f"{reverse('kb:index', kwargs={'space': space.slug})}#page-{found.pk}")


@require_POST
@space_view("contribute")
def upload(request, space, pk):
    found = _page(space, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(found, request.space_role, request.user, form.cleaned_data["file"])
            messages.success(request, _("The file was attached."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    return redirect(f"{found.get_absolute_url()}#fichiers")


@space_view()
def attachment(request, space, pk, file_pk):
    """A page's file, to the space's members only (an id of another page or space: 404)."""
    return private_file(get_object_or_404(Attachment.objects.filter(page__space=space, page_id=pk), pk=file_pk))


@require_POST
@space_view("contribute")
def delete_attachment(request, space, pk, file_pk):
    found = get_object_or_404(Attachment.objects.filter(page__space=space, page_id=pk).select_related("page__space"), pk=file_pk)
    services.delete_attachment(found, request.space_role, request.user)
    messages.success(request, _("The file « %(name)s » was removed.") % {"name": found.original_name})
    return redirect(f"{found.page.get_absolute_url()}#fichiers")
