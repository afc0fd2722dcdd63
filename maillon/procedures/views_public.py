"""Public pages of a commune's online procedures (``/<commune>/demarches-en-ligne/…``, no intranet
account) and the staff's messages to a citizen on a request (``/<org>/demarches/dossiers/<pk>/…``).

Every public view is under ``public_commune("citizen_procedures")`` (a French 404 where the
service is off) and, except the list, ``citizen_required`` (the commune's sign-in page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.citizens.antiabuse import rate_limited
from maillon.citizens.identity import citizen_required, current_citizen
from maillon.citizens.public import public_commune
from maillon.core.text import fold

from . import services_public
from .forms_public import MessageForm, PublicSubmissionForm, StaffMessageForm
from .models import Submission, SubmissionFile, SubmissionMessage

SERVICE = "citizen_procedures"
SEARCH_FROM = 6  # the list gets a search box from this many forms


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@public_commune(SERVICE)
def index(request, commune):
    procedures = list(services_public.public_procedures(commune).only("title", "slug", "description", "organisation_id"))
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        wanted = fold(query)
        procedures = [p for p in procedures if wanted in fold(f"{p.title} {p.description}")]
    return render(request, "procedures/public/index.html", {
        "procedures": procedures, "query": query, "searchable": query or len(procedures) >= SEARCH_FROM,
    })


def _render_form(request, procedure, version, form, *, submission=None, comment=""):
    return render(request, "procedures/public/fill.html", {
        "procedure": procedure, "version": version, "form": form, "submission": submission, "comment": comment,
    })


@public_commune(SERVICE)
@citizen_required
def fill(request, commune, slug):
    procedure = get_object_or_404(services_public.public_procedures(commune).select_related("current_version"), slug=slug)
    version = procedure.current_version
    if request.method != "POST":
        return _render_form(request, procedure, version, PublicSubmissionForm(version.schema))
    adding = "add_row" in request.POST
    form = PublicSubmissionForm(version.schema, request.POST, request.FILES, draft=adding)
    if form.is_valid() and not adding:
        citizen = current_citizen(request)
        limited = rate_limited(request, "procedures", citizen.email)
        if limited:
            form.add_error(None, limited)
        else:
            submission = services_public.send_request(request, procedure, citizen, form.answers_out)
            return redirect("procedures:public_receipt", commune=commune.slug, ref=submission.reference)
    return _render_form(request, procedure, version, form)


def _own(request, commune, ref) -> Submission:
    submission = services_public.citizens_submission(commune, current_citizen(request), ref)
    if submission is None:
        raise Http404
    return submission


@public_commune(SERVICE)
@citizen_required
def receipt(request, commune, ref):
    submission = _own(request, commune, ref)
    return render(request, "procedures/public/receipt.html", {"submission": submission, "citizen": current_citizen(request)})


@public_commune(SERVICE)
@citizen_required
def follow(request, commune, ref):
    submission = _own(request, commune, ref)
    citizen = current_citizen(request)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        limited = rate_limited(request, "procedures-message", citizen.email)
        if limited:
            form.add_error(None, limited)
        else:
            try:
                services_public.post_message(submission, body=form.cleaned_data["body"], upload=form.cleaned_data.get("attachment"),
                                             citizen=citizen, request=request)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your message is sent to the town hall."))
                return redirect("procedures:public_follow", commune=commune.slug, ref=submission.reference)
    thread = list(SubmissionMessage.objects.filter(submission=submission).select_related("author"))
    return render(request, "procedures/public/follow.html", {
        "submission": submission, "timeline": services_public.public_timeline(submission), "thread": thread, "form": form,
        "comment": services_public.last_staff_comment(submission) if submission.status == Submission.Status.CHANGES else "",
        "files": SubmissionFile.objects.filter(submission=submission).only("name", "size", "submission_id"),
    })


@public_commune(SERVICE)
@citizen_required
def complete(request, commune, ref):
    """The form re-opened, prefilled, after the commune asked for changes or missing documents."""
    submission = _own(request, commune, ref)
    if submission.status != Submission.Status.CHANGES:
        return redirect("procedures:public_follow", commune=commune.slug, ref=submission.reference)
    version, procedure = submission.version, submission.procedure
    comment = services_public.last_staff_comment(submission)
    if request.method != "POST":
        return _render_form(request, procedure, version, PublicSubmissionForm(version.schema, answers=submission.data),
                            submission=submission, comment=comment)
    adding = "add_row" in request.POST
    form = PublicSubmissionForm(version.schema, request.POST, request.FILES, answers=submission.data, draft=adding)
    if form.is_valid() and not adding:
        citizen = current_citizen(request)
        limited = rate_limited(request, "procedures", citizen.email)
        if limited:
            form.add_error(None, limited)
        else:
            try:
                services_public.resend(request, commune, citizen, ref, form.answers_out)
            except PermissionDenied as error:
                raise Http404 from error
            messages.success(request, _("Your completed request is sent to the town hall."))
            return redirect("procedures:public_follow", commune=commune.slug, ref=submission.reference)
    return _render_form(request, procedure, version, form, submission=submission, comment=comment)


@public_commune(SERVICE)
@citizen_required
def withdraw(request, commune, ref):
    submission = _own(request, commune, ref)
    if submission.status not in (Submission.Status.PENDING, Submission.Status.CHANGES):
        return redirect("procedures:public_follow", commune=commune.slug, ref=submission.reference)
    if request.method == "POST":
        services_public.withdraw(request, commune, current_citizen(request), ref)
        messages.success(request, _("Your request is withdrawn."))
        return redirect("procedures:public_follow", commune=commune.slug, ref=submission.reference)
    return render(request, "procedures/public/withdraw.html", {"submission": submission})


@public_commune(SERVICE)
@citizen_required
def attachment(request, commune, ref, kind, pk):
    """A document of the request: one the citizen attached to the form, or a message's attachment."""
    submission = _own(request, commune, ref)
    if kind not in ("fichier", "message"):
        raise Http404
    if kind == "fichier":
        row = get_object_or_404(SubmissionFile.objects.filter(submission=submission), pk=pk)
        return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)
    row = get_object_or_404(SubmissionMessage.objects.filter(submission=submission).exclude(attachment=""), pk=pk)
    return FileResponse(row.attachment.open("rb"), as_attachment=True, filename=row.attachment_name)


# ---------------------------------------------------------------- staff side (org_urlpatterns)


def _staff_submission(request, pk) -> Submission:
    from .views import _visible_submission

    submission = _visible_submission(request, pk)
    if submission.citizen_id is None:
        raise Http404
    return submission


@require_POST
def staff_message(request, pk):
    submission = _staff_submission(request, pk)
    form = StaffMessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_public.post_message(submission, body=form.cleaned_data["body"], upload=form.cleaned_data.get("attachment"),
                                         user=request.user, request=request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Message sent to the citizen by e-mail."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(submission.get_absolute_url() + "#messages")


def staff_attachment(request, pk, message_id):
    submission = _staff_submission(request, pk)
    row = get_object_or_404(SubmissionMessage.objects.for_organisation(request.organisation).exclude(attachment=""),
                            pk=message_id, submission=submission)
    return FileResponse(row.attachment.open("rb"), as_attachment=True, filename=row.attachment_name)


def staff_thread(submission) -> dict:
    """The detail page's messages block of a citizen's request (context for the template)."""
    return {"thread": list(SubmissionMessage.objects.filter(submission=submission).select_related("author")),
            "message_form": StaffMessageForm()}


