"""The feed (« Fil ») and files (« Fichiers ») of a space. Thin: access by @space_view and
feed_services.may_*, writes in feed_services, every refusal a French message or a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.core.downloads import private_file

from . import feed_services as services
from . import policies
from .access import space_context, space_view
from .feed_forms import CommentForm, DigestForm, FilesForm, PostForm
from .models import Comment, Post, SpaceFile

FILES_PAGE = 30


def _form_error(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _warn(request, written) -> None:
    """Mentions that reached nobody (a name several members share, or no member's)."""
    for message in getattr(written, "unresolved", ()):
        messages.warning(request, message)


def _post_form(request, space, data=None, files=None, **kwargs):
    return PostForm(data, files, space=space, can_host=policies.can_host(space, request.space_role), **kwargs)


@space_view()
def feed(request, space):
    """Twelve queries at most, whatever the number of posts and comments: the composer and the
    digest choice have their own pages (the members to mention, the person's choice)."""
    page = services.feed_page(space, request.GET.get("page"))
    can_contribute = policies.can_contribute(space, request.space_role)
    return render(request, "spaces/feed.html", space_context(
        request, "feed", page=page, comment_form=can_contribute, **_rights(request, space, page["posts"])))


def _rights(request, space, posts) -> dict:
    """Which posts and comments the person may edit or delete (no query). On the feed, a post
    shows its last comments, oldest first."""
    role, user = request.space_role, request.user
    editable, deletable, comments = set(), set(), set()
    for post in posts:
        if not hasattr(post, "shown_comments"):
            post.shown_comments = list(reversed(post.last_comments))
        if services.may_edit(post, user, space, role):
            editable.add(post.pk)
        if services.may_delete(post, user, space, role):
            deletable.add(post.pk)
        comments.update(c.pk for c in post.shown_comments if services.may_delete(c, user, space, role))
    return {"editable": editable, "deletable": deletable, "deletable_comments": comments}


@space_view("contribute")
def publish(request, space):
    form = _post_form(request, space, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_post(space, request.user, text=data["text"], link=data["link"], files=data.get("files") or [],
                                           mentions=data.get("mentions") or [], pinned=bool(data.get("pinned")))
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your message is published."))
            _warn(request, created)
            return redirect("spaces:feed", space=space.slug)
    return render(request, "spaces/feed_edit.html", space_context(request, "feed", form=form, new=True))


def _post(space, pk) -> Post:
    return get_object_or_404(Post.objects.select_related("author", "space"), space=space, pk=pk)


@space_view()
def post(request, space, pk, comment_form=None):
    found = get_object_or_404(services.feed_posts(space).prefetch_related(None), pk=pk)
    paginator = Paginator(Comment.objects.filter(post=found).select_related("author"), 50)
    paginator.count = found.comment_count  # already known: one query less
    comments = paginator.get_page(request.GET.get("page"))
    found.shown_comments = list(comments.object_list)
    can_contribute = policies.can_contribute(space, request.space_role)
    return render(request, "spaces/feed_post.html", space_context(
        request, "feed", post=found, comments=comments, full=True, comment_form=comment_form or (CommentForm() if can_contribute else None),
        **_rights(request, space, [found])))


@space_view("contribute")
def edit(request, space, pk):
    found = _post(space, pk)
    if not services.may_edit(found, request.user, space, request.space_role):
        raise PermissionDenied
    form = _post_form(request, space, request.POST or None, editing=True,
                      initial={"text": found.text, "link": found.link, "mentions": [u.pk for u in found.mentions.all()]})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(found, text=form.cleaned_data["text"], link=form.cleaned_data["link"],
                               mentions=form.cleaned_data.get("mentions") or [], actor=request.user)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            _warn(request, found)
            return redirect("spaces:post", space=space.slug, pk=found.pk)
    return render(request, "spaces/feed_edit.html", space_context(request, "feed", post=found, form=form))


@require_POST
@space_view("contribute")
def delete(request, space, pk):
    found = _post(space, pk)
    if not services.may_delete(found, request.user, space, request.space_role):
        raise PermissionDenied
    services.delete_post(found, actor=request.user)
    messages.success(request, _("The message was deleted."))
    return redirect("spaces:feed", space=space.slug)


@require_POST
@space_view("host")
def pin(request, space, pk):
    found = _post(space, pk)
    pinned = request.POST.get("pinned") == "1"
    services.set_pinned(found, pinned, actor=request.user)
    messages.success(request, _("The message is pinned on top of the feed.") if pinned else _("The message is no longer pinned."))
    return redirect("spaces:feed", space=space.slug)


@require_POST
@space_view("contribute")
def comment(request, space, pk):
    found = _post(space, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            created = services.add_comment(found, request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your comment is published."))
            _warn(request, created)
            return redirect(services.post_url(found, space) + "#commentaires")
    return post.__wrapped__(request, space, pk, comment_form=form)


@require_POST
@space_view("contribute")
def comment_delete(request, space, pk):
    found = get_object_or_404(Comment.objects.select_related("post__space"), post__space=space, pk=pk)
    if not services.may_delete(found, request.user, space, request.space_role):
        raise PermissionDenied
    services.delete_comment(found, actor=request.user)
    messages.success(request, _("The comment was deleted."))
    return redirect(services.post_url(found.post, space))


@space_view()
def digest(request, space):
    form = DigestForm(request.POST or None, initial={"frequency": services.digest_choice(space, request.user)})
    if request.method == "POST" and form.is_valid():
        services.set_digest(space, request.user, form.cleaned_data["frequency"])
        messages.success(request, _("Your choice is saved."))
        return redirect("spaces:feed", space=space.slug)
    return render(request, "spaces/feed_digest.html", space_context(request, "feed", form=form))


# ---------------------------------------------------------------- files


@space_view()
def files(request, space):
    form = None
    if policies.can_contribute(space, request.space_role):
        form = FilesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                created = services.upload_files(space, form.cleaned_data["files"], request.user)
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("%(n)s file(s) added.") % {"n": len(created)})
                return redirect("spaces:files", space=space.slug)
    elif request.method == "POST":
        raise PermissionDenied
    page = Paginator(SpaceFile.objects.filter(space=space).select_related("uploaded_by", "post"), FILES_PAGE).get_page(request.GET.get("page"))
    role, user = request.space_role, request.user
    deletable = {f.pk for f in page.object_list if services.may_delete(f, user, space, role)}
    return render(request, "spaces/feed_files.html", space_context(request, "files", page_obj=page, form=form, deletable=deletable))


@space_view()
def download(request, space, pk, name=None):
    """The only way to a space's file: a member of the space, now."""
    return private_file(get_object_or_404(SpaceFile, space=space, pk=pk))




@require_POST
@space_view("contribute")
def file_delete(request, space, pk):
    item = get_object_or_404(SpaceFile, space=space, pk=pk)
    if not services.may_delete(item, request.user, space, request.space_role):
        raise PermissionDenied
    services.delete_file(item, actor=request.user)
    messages.success(request, _("The file « %(name)s » was deleted.") % {"name": item.original_name})
    return redirect("spaces:files", space=space.slug)
