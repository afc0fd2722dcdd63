"""Pages of the publications (/<org>/parcours/publications/): the list (drafts for the editors,
published ones for the group), prepare a draft, a publication, edit its text, publish it (after a
confirmation), delete a draft, download it as PDF or Word."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillon.core.forms import apply_errors
from maillon.spaces.models import _active_organisations

from . import policies
from . import publications as services
from .forms_publications import PrepareForm, PublicationForm
from .models import Participant, Publication

DOWNLOADS = {
    "pdf": ("application/pdf", services.pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", services.docx),
}


def _participating(user):
    return Participant.objects.filter(user=user, is_active=True, organisation__in=_active_organisations(user)).values("framework")


def publications_visible_to(user):
    """Every draft of the frameworks ``user`` edits; the published ones of the frameworks whose group they belong to."""
    return Publication.objects.filter(
        Q(framework__in=policies.frameworks_edited_by(user))
        | Q(framework__in=_participating(user), status=Publication.Status.PUBLISHED))


def get_publication(request, pk, *, edit: bool = False) -> tuple[Publication, policies.Access]:
    """The publication ``pk`` if the person may read it (an editor of its framework, or, once
    published, a participant), or edit it with ``edit``; else 404, as for one that does not exist."""
    try:
        publication = Publication.objects.select_related("framework__organisation", "edition", "published_by").get(pk=int(pk))
    except (Publication.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    rights = policies.access(request.user, publication.framework, request.membership)
    published = publication.status == Publication.Status.PUBLISHED
    if not (rights.can_edit or (published and rights.participant is not None)) or (edit and not rights.can_edit):
        raise Http404
    return publication, rights


def index(request):
    rows = publications_visible_to(request.user).select_related("framework").order_by("-period_end", "-pk")
    can_prepare = policies.frameworks_edited_by(request.user).exists()
    return render(request, "competencies/publications/index.html", {
        "drafts": [p for p in rows if p.status == Publication.Status.DRAFT],
        "published": [p for p in rows if p.status == Publication.Status.PUBLISHED], "can_prepare": can_prepare})


@require_http_methods(["GET", "POST"])
def prepare(request):
    frameworks = policies.frameworks_edited_by(request.user).order_by("name", "pk")
    if not frameworks.exists():
        raise Http404
    form = PrepareForm(request.POST or None, frameworks=frameworks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            start, end = services.period_for(data["kind"], data["year"], data["number"])
            publication = services.prepare(data["framework"], data["kind"], start, end, user=request.user, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The draft is ready: read it, rework it, then publish it."))
            return redirect("competencies:publication_edit", org=request.organisation.slug, pk=publication.pk)
    return render(request, "competencies/publications/prepare.html", {"form": form})


def detail(request, pk):
    publication, rights = get_publication(request, pk)
    return render(request, "competencies/publications/detail.html", {
        "publication": publication, "rights": rights, "html": services.html(publication),
        "is_draft": publication.status == Publication.Status.DRAFT})


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    publication, _rights = get_publication(request, pk, edit=True)
    if publication.status != Publication.Status.DRAFT:
        messages.info(request, _("A published publication is not edited any more."))
        return redirect("competencies:publication_detail", org=request.organisation.slug, pk=publication.pk)
    form = PublicationForm(request.POST or None, instance=publication)
    if request.method == "POST" and form.is_valid():
        try:
            services.update(publication, title=form.cleaned_data["title"], body=form.cleaned_data["body"], user=request.user, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("competencies:publication_detail", org=request.organisation.slug, pk=publication.pk)
    return render(request, "competencies/publications/edit.html", {"publication": publication, "form": form})


@require_http_methods(["GET", "POST"])
def publish(request, pk):
    publication, _rights = get_publication(request, pk, edit=True)
    error = None
    if request.method == "POST":
        try:
            services.publish(publication, user=request.user, request=request)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Published: the group is told."))
            return redirect("competencies:publication_detail", org=request.organisation.slug, pk=publication.pk)
    elif publication.status != Publication.Status.DRAFT:
        return redirect("competencies:publication_detail", org=request.organisation.slug, pk=publication.pk)
    return render(request, "competencies/publications/confirm.html", {
        "publication": publication, "error": error, "action": "publish",
        "recipients": services.group_of(publication.framework).count()}, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def delete(request, pk):
    publication, _rights = get_publication(request, pk, edit=True)
    error = None
    if request.method == "POST":
        try:
            services.delete_draft(publication, user=request.user, request=request)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Draft deleted."))
            return redirect("competencies:publication_index", org=request.organisation.slug)
    return render(request, "competencies/publications/confirm.html", {"publication": publication, "error": error, "action": "delete"},
                  status=400 if error else 200)


def download(request, pk, fmt):
    publication, _rights = get_publication(request, pk)
    if fmt not in DOWNLOADS:
        raise Http404
    content_type, draw = DOWNLOADS[fmt]
    response = HttpResponse(draw(publication), content_type=content_type)
    name = f"{slugify(publication.title)[:80] or 'publication'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-cache"
    return response


# ---------------------------------------------------------------- monthly group sessions


def _session_or_404(request, pk):
    """A group session of the organisation that the person sees as a meeting (meetings' own rule)."""
    from maillon.meetings import policies as meeting_policies
    from maillon.meetings.models import Meeting

    try:
        meeting = (Meeting.objects.for_organisation(request.organisation).select_related("meeting_type")
                   .prefetch_related("participants").get(pk=int(pk), meeting_type__name=services.SESSION_TYPE))
    except (Meeting.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    participant_ids = {p.membership_id for p in meeting.participants.all()}
    if not meeting_policies.can_see_meeting(request.membership, meeting, participant_ids):
        raise Http404
    meeting.can_link = meeting_policies.can_write_minutes(request.membership, meeting, participant_ids)
    return meeting


def sessions(request):
    from maillon.meetings.models import Meeting

    if not policies.frameworks_visible_to(request.user).exists():
        raise Http404
    meeting_type = services.session_type(request.organisation)
    meetings = (Meeting.objects.for_organisation(request.organisation).visible_to(request.membership)
                .filter(meeting_type=meeting_type).order_by("-start"))
    return render(request, "competencies/publications/sessions.html", {"meetings": meetings[:50], "meeting_type": meeting_type})


@require_http_methods(["GET", "POST"])
def session(request, pk):
    from datetime import timedelta

    from django.utils import timezone

    from .forms_publications import SessionLinkForm
    from .models import Entry, SessionLink
    from .privacy import entries_visible_to

    meeting = _session_or_404(request, pk)
    frameworks = list(policies.frameworks_visible_to(request.user).order_by("name", "pk"))
    chosen = next((f for f in frameworks if str(f.pk) == (request.POST.get("referentiel") or request.GET.get("referentiel"))),
                  frameworks[0] if frameworks else None)
    links = list(SessionLink.objects.filter(meeting=meeting, framework__in=frameworks)
                 .select_related("entry__author", "competency", "framework"))
    readable = set()
    for framework in {link.framework for link in links if link.entry_id}:
        readable |= set(entries_visible_to(request.user, framework).filter(session_links__meeting=meeting).values_list("pk", flat=True))
    form = None
    if meeting.can_link and chosen is not None:
        day = timezone.localdate(meeting.start)
        entries = (entries_visible_to(request.user, chosen).filter(visibility=Entry.Visibility.GROUP, is_draft=False,
                                                                   occurred_on__gte=day - timedelta(days=services.SESSION_LOOKBACK_DAYS),
                                                                   occurred_on__lte=day)
                   .select_related("author").order_by("-occurred_on", "-pk"))
        competencies = chosen.competencies.exclude(status="retired").order_by("code", "name")
        form = SessionLinkForm(request.POST or None, entries=entries, competencies=competencies)
        if request.method == "POST" and form.is_valid():
            try:
                services.link_to_session(meeting, framework=chosen, user=request.user, entry=form.cleaned_data["entry"],
                                         competency=form.cleaned_data["competency"], request=request)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Linked to the session."))
                return redirect(f"{request.path}?referentiel={chosen.pk}")
    elif request.method == "POST":
        raise Http404
    return render(request, "competencies/publications/session.html", {
        "meeting": meeting, "frameworks": frameworks, "chosen": chosen, "form": form,
        "entry_links": [link for link in links if link.entry_id and link.entry_id in readable],
        "hidden_entries": sum(1 for link in links if link.entry_id and link.entry_id not in readable),
        "competency_links": [link for link in links if link.competency_id]}, status=400 if form is not None and form.errors else 200)


@require_http_methods(["POST"])
def session_unlink(request, pk, link_pk):
    from .models import SessionLink

    meeting = _session_or_404(request, pk)
    if not meeting.can_link:
        raise Http404
    link = SessionLink.objects.filter(meeting=meeting, pk=link_pk, framework__in=policies.frameworks_visible_to(request.user)).first()
    if link is None:
        raise Http404
    services.unlink_from_session(link, user=request.user, request=request)
    messages.success(request, _("Link removed."))
    return redirect("competencies:publication_session", org=request.organisation.slug, pk=meeting.pk)
