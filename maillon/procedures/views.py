"""Staff side: the procedures catalogue, filling and signing, a submission's page, decisions,
withdrawal, the approval queue, delegations, HR follow-up with CSV export, the printable recap."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from maillon.core.csvexport import csv_response
from maillon.core.reversing import row_url
from maillon.ui.dates import format_date

from . import effects, pdf, policies, queries, services, views_public
from . import schema as s
from .forms import CancelForm, DecisionForm, DelegationForm, FilterForm
from .forms import ProcedureSignatureForm as SignatureForm
from .models import Delegation, Procedure, Step, Submission, SubmissionFile

PAGE_SIZE = 30


def index(request):
    procedures = list(queries.published(request.organisation).select_related("current_version").only(
        "title", "slug", "description", "category", "current_version__number"))
    by_category: dict[str, list] = {}
    labels = dict(Procedure.Category.choices)
    start_url = row_url("procedures:start", pk="slug", org=request.organisation.slug)
    for procedure in procedures:
        procedure.start_url = start_url(procedure.slug)
        by_category.setdefault(labels.get(procedure.category, procedure.category), []).append(procedure)
    # What a row prints, not the answers nor the version's form (JSON parsed per row: 30 a page).
    mine = (queries.submissions(request.organisation).of(request.user).select_related(None).select_related("version")
            .only("status", "updated_at", "organisation", "version__title").order_by("-updated_at"))
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    submission_url = row_url("procedures:submission", org=request.organisation.slug)  # Submission.get_absolute_url
    for submission in page.object_list:
        submission.url = submission_url(submission.pk)
        when = format_date(timezone.localtime(submission.updated_at), "j N Y, H:i")
        submission.secondary = _("%(ref)s · updated %(when)s") % {"ref": submission.reference, "when": when}
    return render(request, "procedures/index.html", {
        "categories": sorted(by_category.items()), "page_obj": page, "query": "",
        # What the « Start a procedure » cards show: they are drawn once per process for it ({% memo %}).
        "catalogue_key": tuple((p.slug, p.title, p.description, p.category) for p in procedures),
        "can_manage": policies.can_manage_procedures(request.membership), "can_oversee": policies.can_oversee(request.membership),
    })


def _fill(request, procedure: Procedure, submission: Submission | None):
    version = submission.version if submission else procedure.current_version
    answers = submission.data if submission else {}
    action = request.POST.get("action", "save") if request.method == "POST" else None
    signature_form = SignatureForm(request.POST if action == "submit" else None, request=request)
    if request.method == "POST" and "add_row" in request.POST:
        form = s.SubmissionForm(version.schema, request.POST, request.FILES, answers=answers, draft=True)
        form.is_valid()
    elif request.method == "POST":
        form = s.SubmissionForm(version.schema, request.POST, request.FILES, answers=answers, draft=action != "submit")
        if form.is_valid():
            submission = services.save_draft(request, procedure, form.answers_out, submission)
            problems = effects.check(request.membership, submission.data) if action == "submit" and version.effect == "leave" else {}
            if action != "submit":
                messages.success(request, _("Draft saved. You can come back to it from « My procedures »."))
                return redirect("procedures:edit", org=request.organisation.slug, pk=submission.pk)
            if not problems and signature_form.is_valid():
                try:
                    services.submit(request, submission, password=signature_form.cleaned_data.get("password") or None)
                except ValidationError as error:
                    signature_form.add_error("password", error)
                else:
                    messages.success(request, _("Your request is signed and sent. You will be notified of each decision."))
                    return redirect(submission.get_absolute_url())
            # Keep what was typed: the answers are now in the draft, the file inputs point to stored files.
            answers = submission.data
            form = s.SubmissionForm(version.schema, request.POST, answers=answers, draft=False)
            form.is_valid()
            for name, message in problems.items():
                form.add_error(name if name in form.fields else None, message)
    else:
        form = s.SubmissionForm(version.schema, answers=answers)
    estimate = _leave_estimate(request, getattr(form, "answers_out", None) or answers) if version.effect == "leave" else None
    return render(request, "procedures/fill.html", {
        "procedure": procedure, "version": version, "form": form, "signature_form": signature_form, "submission": submission,
        "leave": estimate,
    })


def _leave_request(organisation, answers):
    """(leave type, start, start half, end, end half) of a leave request's answers, or None (not a
    type the leave app counts, or dates the form did not check yet)."""
    try:
        found = effects._request_of(organisation, answers)
    except (TypeError, ValueError):
        return None
    return found[1:] if found else None


def _leave_estimate(request, answers) -> dict:
    """The leave form's count (first render; then the leave app's live estimate): the context of
    leave/_estimate.html, for the person asking."""
    from maillon.leave import insight
    from maillon.leave import services as leave_services

    context = {"mode": leave_services.settings_for(request.organisation).counting_mode, "hint": True}
    found = _leave_request(request.organisation, answers)
    if found is None:
        return context
    leave_type, start, start_half, end, end_half = found
    if not (2000 <= start.year <= 2100 and 2000 <= end.year <= 2100) or (end - start).days > 366 or end < start:
        return context
    context["estimate"] = insight.estimate(request.membership, leave_type, start, start_half, end, end_half)
    return context


def _leave_review(request, submission, *, is_applicant: bool) -> dict | None:
    """A leave request as its readers see it before deciding: the days and how they are counted,
    the applicant's balances before and after it (while it awaits a decision) and, for the
    approvers, who else of the applicant's sector is away on those days. A bounded number of
    queries whatever the length of the leave or the size of the sector."""
    if submission.version.effect != "leave" or not submission.applicant_id:
        return None
    from maillon.accounts.models import Membership
    from maillon.leave import insight

    found = _leave_request(request.organisation, submission.data)
    if found is None:
        return None
    leave_type, start, start_half, end, end_half = found
    applicant = (Membership.objects.for_organisation(request.organisation).select_related("user", "sector", "work_cycle")
                 .filter(user_id=submission.applicant_id).first())
    if applicant is None:
        return None
    applicant.organisation = request.organisation
    waiting = submission.status in (Submission.Status.PENDING, Submission.Status.CHANGES)
    estimate = insight.estimate(applicant, leave_type, start, start_half, end, end_half,
                                reference=effects.reference_of(submission), check=False)
    sector_id = submission.sector_id or applicant.sector_id
    sector = (submission.sector.name if submission.sector_id and submission.sector else applicant.sector.name if applicant.sector else "")
    absences = None
    if not is_applicant:
        absences = insight.team_absences(request.organisation, sector_id, start, end, exclude_user_id=submission.applicant_id,
                                         holidays=set(estimate.count.holidays))
    return {
        "estimate": estimate, "show_balances": waiting, "is_applicant": is_applicant, "applicant": applicant.user.get_full_name() or applicant.user.username,
        "absences": absences, "sector": sector,
    }


def start(request, slug):
    procedure = get_object_or_404(queries.published(request.organisation).select_related("current_version"), slug=slug)
    return _fill(request, procedure, None)


def _own_submission(request, pk):
    return get_object_or_404(queries.submissions(request.organisation).select_related("procedure"), pk=pk, applicant=request.user)


def edit(request, pk):
    submission = _own_submission(request, pk)
    if not policies.can_edit(request.user.pk, submission.applicant_id, submission.status):
        return redirect(submission.get_absolute_url())
    return _fill(request, submission.procedure, submission)


def _visible_submission(request, pk, *, light: bool = False) -> Submission:
    """The submission if this person may see it. ``light``: only what deciding needs (the approve
    path), the rest is read lazily if the page has to be shown again. The delegations are read
    only when the person's own roles do not give access."""
    steps = Step.objects.all() if light else Step.objects.select_related("sector", "decided_by", "on_behalf_of", "signature")
    qs = queries.submissions(request.organisation)
    submission = get_object_or_404(
        (qs if light else qs.select_related("signature", "procedure")).prefetch_related(Prefetch("steps", queryset=steps)),
        pk=pk,
    )
    if not queries.can_view(request.membership, submission):
        raise Http404
    return submission


def detail(request, pk):
    submission = _visible_submission(request, pk)
    waiting = next((st for st in submission.steps.all() if st.status == Step.Status.WAITING), None)
    can_decide = waiting is not None and services.user_can_decide(request.membership, waiting)
    decided = sum(1 for st in submission.steps.all() if st.round == submission.round and st.status in (Step.Status.APPROVED, Step.Status.REJECTED))
    is_applicant = submission.applicant_id == request.user.pk
    return render(request, "procedures/detail.html", {
        "submission": submission, "rows": s.answer_rows(submission.version.schema, submission.data),
        "timeline": queries.timeline(submission), "waiting": waiting, "can_decide": can_decide,
        "decision_form": DecisionForm(), "signature_form": SignatureForm(request=request) if can_decide else None,
        "can_withdraw": policies.can_withdraw(request.user.pk, submission.applicant_id, submission.status, decided),
        "can_edit": policies.can_edit(request.user.pk, submission.applicant_id, submission.status),
        "can_print": True, "is_applicant": is_applicant,
        "can_cancel": services.can_cancel(request.membership, submission),
        "leave_review": _leave_review(request, submission, is_applicant=is_applicant),
        **(views_public.staff_thread(submission) if submission.citizen_id else {}),
    })


@require_POST
def decide(request, pk):
    submission = _visible_submission(request, pk, light=True)
    step = next((st for st in submission.steps.all() if st.status == Step.Status.WAITING), None)
    if step is None or not services.user_can_decide(request.membership, step):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    signature_form = SignatureForm(request.POST, request=request)
    if form.is_valid() and signature_form.is_valid():
        try:
            services.decide(request, step, form.cleaned_data["decision"], comment=form.cleaned_data["comment"],
                            password=signature_form.cleaned_data.get("password") or None)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                signature_form.add_error("password", error)
        else:
            messages.success(request, _("Your decision is signed and recorded."))
            return redirect("procedures:queue", org=request.organisation.slug)
    return render(request, "procedures/detail.html", {
        "submission": submission, "rows": s.answer_rows(submission.version.schema, submission.data),
        "timeline": queries.timeline(submission), "waiting": step, "can_decide": True,
        "decision_form": form, "signature_form": signature_form, "can_print": True,
        "leave_review": _leave_review(request, submission, is_applicant=False),
    }, status=200)


def withdraw(request, pk):
    submission = _own_submission(request, pk)
    if request.method == "POST":
        try:
            services.withdraw(request, submission)
        except PermissionDenied:
            messages.error(request, _("This request can no longer be withdrawn: a decision has been made."))
        else:
            messages.success(request, _("Your request is withdrawn."))
        return redirect(submission.get_absolute_url())
    return render(request, "procedures/confirm.html", {
        "title": _("Withdraw this request?"), "text": _("The approvers will no longer see it. This cannot be undone; you can make a new request."),
        "button": pgettext("procedure", "Withdraw"), "back": submission.get_absolute_url(),
    })


def cancel(request, pk):
    """Cancel an approved leave request (applicant before it starts, HR at any time), after confirmation."""
    submission = _visible_submission(request, pk)
    if not services.can_cancel(request.membership, submission):
        raise PermissionDenied
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.cancel_approved(request, submission, reason=form.cleaned_data["reason"])
        messages.success(request, _("The leave is cancelled and the days are credited back to the balance."))
        return redirect(submission.get_absolute_url())
    return render(request, "procedures/cancel.html", {
        "submission": submission, "form": form, "leave": effects.preview_of(submission),
    })


def delete_draft(request, pk):
    submission = _own_submission(request, pk)
    if submission.status != Submission.Status.DRAFT:
        raise Http404
    if request.method == "POST":
        services.delete_draft(request, submission)
        messages.success(request, _("Draft deleted."))
        return redirect("procedures:index", org=request.organisation.slug)
    return render(request, "procedures/confirm.html", {
        "title": _("Delete this draft?"), "text": _("What you typed will be lost."), "button": _("Delete"), "back": submission.get_absolute_url(),
    })


def download(request, pk, file_id):
    submission = _visible_submission(request, pk)
    row = get_object_or_404(SubmissionFile.objects.for_organisation(request.organisation), pk=file_id, submission=submission)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


def queue(request):
    assignments = queries.all_assignments(request.membership)
    steps = queries.queue(request.membership, assignments)
    page = Paginator(steps, PAGE_SIZE).get_page(request.GET.get("page"))
    held = {}
    if any(st.submission.version.effect == "leave" for st in page.object_list):
        from maillon.leave import insight

        held = insight.held_by_reference(request.organisation, [effects.reference_of(st.submission) for st in page.object_list])
    for st in page.object_list:
        st.secondary = _queue_line(st.submission, held.get(effects.reference_of(st.submission)))
    return render(request, "procedures/queue.html", {"page_obj": page, "query": ""})


def _queue_line(submission, leave: dict | None) -> str:
    """« Léa Martin (Secteur Enfance) · D-000012 · Congés payés : 6 jours, 12 juil. – 17 juil. 2027 »:
    who asks, and for a leave awaiting a decision what it costs, so the queue is not read blind."""
    from django.utils.dateformat import format as date_format

    from maillon.leave.templatetags.leave import days

    who = submission.applicant_label
    parts = [_("%(who)s (%(sector)s)") % {"who": who, "sector": submission.sector.name} if submission.sector_id else who, submission.reference]
    if leave:
        parts.append(_("%(type)s: %(days)s, %(start)s – %(end)s") % {
            "type": leave["type"], "days": days(leave["days"]), "start": date_format(leave["start"], "j N"),
            "end": date_format(leave["end"], "j N Y")})
    return " · ".join(parts)


def _filtered(request):
    form = FilterForm(request.GET or None, organisation=request.organisation)
    qs = queries.submissions(request.organisation).exclude(status=Submission.Status.DRAFT).order_by("-submitted_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            term = data["q"].strip()
            match = (Q(applicant__last_name__icontains=term) | Q(applicant__first_name__icontains=term) | Q(version__title__icontains=term)
                     | Q(citizen__family_name__icontains=term) | Q(citizen__email__icontains=term))
            digits = term.upper().removeprefix("D-").lstrip("0")
            if digits.isdigit():
                match |= Q(pk=int(digits))
            qs = qs.filter(match)
        if data.get("procedure"):
            qs = qs.filter(procedure=data["procedure"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("sector"):
            qs = qs.filter(sector=data["sector"])
        if data.get("since"):
            qs = qs.filter(submitted_at__date__gte=data["since"])
        if data.get("until"):
            qs = qs.filter(submitted_at__date__lte=data["until"])
        if data.get("expiring"):
            qs = services.expiring_soon(qs, request.organisation)
    return form, qs


def oversee(request):
    if not policies.can_oversee(request.membership):
        raise PermissionDenied
    form, qs = _filtered(request)
    if request.GET.get("format") == "csv":
        return _csv(request, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = dict(queries.submissions(request.organisation).exclude(status="draft").values_list("status").annotate(n=Count("pk")).order_by())
    return render(request, "procedures/oversee.html", {
        "form": form, "page_obj": page, "query": query.urlencode(), "csv_query": (query.urlencode() + "&" if query else "") + "format=csv",
        "counts": [(label, counts.get(value, 0)) for value, label in Submission.Status.choices if value != "draft"],
    })


def _csv(request, qs):
    header = [_("Reference"), _("Procedure"), _("Version"), _("Applicant"), _("Sector"), _("Status"), _("Submitted at"),
              _("Closed at"), _("Amount"), _("Answers")]

    def rows():
        for sub in qs.iterator(chunk_size=500):
            answers = " | ".join(f"{r['label']} : {r['value'] or '; '.join(' / '.join(line) for line in r.get('lines', []))}"
                                 for r in s.answer_rows(sub.version.schema, sub.data))
            yield [sub.reference, sub.version.title, sub.version.number, sub.applicant_label, sub.sector.name if sub.sector else "",
                   sub.get_status_display(), timezone.localtime(sub.submitted_at).strftime("%d/%m/%Y %H:%M") if sub.submitted_at else "",
                   timezone.localtime(sub.closed_at).strftime("%d/%m/%Y %H:%M") if sub.closed_at else "",
                   str(sub.amount).replace(".", ",") if sub.amount is not None else "", answers]

    return csv_response(f"demarches-{timezone.localdate():%Y-%m-%d}.csv", header, rows())


def recap(request, pk):
    submission = _visible_submission(request, pk)
    if not (policies.can_oversee(request.membership) or submission.applicant_id == request.user.pk):
        raise PermissionDenied
    signed_steps = [st for st in submission.steps.all() if st.signature_id]
    return render(request, "procedures/recap.html", {
        "submission": submission, "rows": s.answer_rows(submission.version.schema, submission.data),
        "signed_steps": signed_steps, "printed_at": timezone.now(),
    })


def recap_pdf(request, pk):
    submission = _visible_submission(request, pk)
    if not (policies.can_oversee(request.membership) or submission.applicant_id == request.user.pk):
        raise PermissionDenied
    content = pdf.recap_pdf(submission, timeline=queries.timeline(submission), organisation_name=request.organisation.name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{submission.reference}.pdf"'
    return response


def delegations(request):
    form = DelegationForm(request.POST or None, organisation=request.organisation, user=request.user)
    if request.method == "POST":
        if "remove" in request.POST:
            delegation = get_object_or_404(Delegation.objects.for_organisation(request.organisation), pk=request.POST.get("remove"), delegator=request.user)
            services.remove_delegation(request, delegation)
            messages.success(request, _("Delegation removed."))
            return redirect("procedures:delegations", org=request.organisation.slug)
        if form.is_valid():
            try:
                services.add_delegation(request, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Delegation saved: your delegate is notified."))
                return redirect("procedures:delegations", org=request.organisation.slug)
    qs = Delegation.objects.for_organisation(request.organisation).select_related("delegator", "delegate")
    return render(request, "procedures/delegations.html", {
        "form": form, "given": qs.filter(delegator=request.user, end__gte=timezone.localdate()),
        "received": qs.filter(delegate=request.user, end__gte=timezone.localdate()),
    })
