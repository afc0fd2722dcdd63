"""The commune staff's pages of participation under /<commune>/participation/: consultations
(create, edit, close early, publish the results, results and CSV export) and the idea box
(status and public answer). Who: ``policies.can_manage``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.audit.services import record
from maillon.citizens.models import Moderation
from maillon.communes.pages import commune_staff_page
from maillon.core.csvexport import csv_response
from maillon.core.forms import apply_errors

from . import policies, services
from .forms import ConsultationForm, IdeaStatusForm
from .models import Answer, Consultation, Idea

MAX_ID = 2**63 - 1
PER_PAGE = 25


manager_page = commune_staff_page(policies.can_manage)  # 404 outside a commune, 403 for who does not manage participation


def _consultation(request, pk) -> Consultation:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(Consultation.objects.for_organisation(request.organisation), pk=pk)


def _idea(request, pk) -> Idea:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(Idea.objects.for_organisation(request.organisation).select_related("citizen"), pk=pk)


@manager_page
def index(request):
    return redirect("participation:staff_consultations", org=request.organisation.slug)


@manager_page
def consultations(request):
    rows = (Consultation.objects.for_organisation(request.organisation).annotate(answer_count=Count("answers"))
            .order_by("-opens_at", "-pk"))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "participation/staff/consultations.html", {"page_obj": page})


def _form_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["options"] = services.clean_options(data.get("options") or "")
    return data


@manager_page
def consultation_create(request):
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.save_consultation(request.organisation, _form_data(form), actor=request.user, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Consultation created."))
            return redirect("participation:staff_consultation", org=request.organisation.slug, pk=consultation.pk)
    return render(request, "participation/staff/consultation_form.html", {"form": form, "consultation": None},
                  status=400 if form.errors else 200)


@manager_page
def consultation_edit(request, pk):
    consultation = _consultation(request, pk)
    form = ConsultationForm.of(consultation, request.POST or None)
    answered = consultation.answers.exists()
    if request.method == "POST" and form.is_valid():
        try:
            services.save_consultation(request.organisation, _form_data(form), actor=request.user, consultation=consultation,
                                       request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Consultation saved."))
            return redirect("participation:staff_consultation", org=request.organisation.slug, pk=consultation.pk)
    return render(request, "participation/staff/consultation_form.html",
                  {"form": form, "consultation": consultation, "answered": answered}, status=400 if form.errors else 200)


@manager_page
def consultation_detail(request, pk):
    consultation = _consultation(request, pk)
    answers = None
    if consultation.kind == Consultation.Kind.FREE:
        answers = Paginator(Answer.objects.filter(consultation=consultation).order_by("-created_at", "-pk")
                            .only("pk", "text", "created_at", "moderation"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "participation/staff/consultation.html", {
        "consultation": consultation, "results": services.results(consultation), "answers": answers,
        "options": list(consultation.options.all()),
    })


@manager_page
def consultation_close(request, pk):
    """GET: the confirmation; POST: closed now."""
    consultation = _consultation(request, pk)
    if request.method == "POST":
        try:
            services.close_now(consultation, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Consultation closed."))
        return redirect("participation:staff_consultation", org=request.organisation.slug, pk=consultation.pk)
    if not consultation.is_open:
        return redirect("participation:staff_consultation", org=request.organisation.slug, pk=consultation.pk)
    return render(request, "participation/staff/consultation_close.html", {"consultation": consultation})


@require_POST
@manager_page
def consultation_publish(request, pk):
    consultation = _consultation(request, pk)
    try:
        services.publish_results(consultation, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Results published."))
    return redirect("participation:staff_consultation", org=request.organisation.slug, pk=consultation.pk)


@manager_page
def consultation_export(request, pk):
    consultation = _consultation(request, pk)
    record("participation.consultation_exported", actor=request.user, organisation=request.organisation, target=consultation,
           request=request)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    if consultation.kind == Consultation.Kind.OPTIONS:
        found = services.results(consultation)
        header = [_("Option"), _("Answers"), _("Percentage")]
        rows = [[r.label, r.count, f"{r.percent:.1f}".replace(".", ",")] for r in found["rows"]]
        rows.append([_("Total"), found["total"], "100,0" if found["total"] else "0,0"])
    else:
        header = [_("Answered at"), _("Answer"), _("Moderation")]
        labels = dict(Moderation.choices)
        rows = ((timezone.localtime(a.created_at).strftime("%d/%m/%Y %H:%M"), a.text, str(labels.get(a.moderation, a.moderation)))
                for a in Answer.objects.filter(consultation=consultation).order_by("created_at", "pk")
                .only("text", "created_at", "moderation").iterator())
    return csv_response(f"consultation-{consultation.pk}-{stamp}.csv", header, rows)


STATUS_FILTERS = dict(Idea.Status.choices)


@manager_page
def ideas(request):
    rows = services.with_supports(Idea.objects.for_organisation(request.organisation))
    status = request.GET.get("statut") if request.GET.get("statut") in STATUS_FILTERS else ""
    if status:
        rows = rows.filter(status=status)
    q = (request.GET.get("q") or "").strip()[:100]
    rows = services.search(rows, q).order_by("-created_at", "-pk").only("pk", "title", "status", "moderation", "created_at")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("statut", status), ("q", q)) if v})
    return render(request, "participation/staff/ideas.html", {
        "page_obj": page, "status": status, "q": q, "query": query, "choices": Idea.Status.choices})


@manager_page
def idea_detail(request, pk):
    idea = _idea(request, pk)
    form = IdeaStatusForm(request.POST or None, initial={"status": idea.status, "answer": idea.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_status(idea, status=form.cleaned_data["status"], answer=form.cleaned_data["answer"], actor=request.user,
                                request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Idea updated."))
            return redirect("participation:staff_idea", org=request.organisation.slug, pk=idea.pk)
    return render(request, "participation/staff/idea.html", {"idea": idea, "form": form, "count": idea.supports.count()},
                  status=400 if form.errors else 200)
