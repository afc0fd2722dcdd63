"""Pages of the needs diagnostic under /<commune>/diagnostic/: the overview, the questionnaire,
a diagnostic's result and its PDF report, the security self-check, the recommendation rules."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.communes.pages import commune_staff_page
from maillon.core.forms import apply_errors

from . import documents, policies, questionnaire, rules, selfcheck, services
from .forms import QuestionnaireForm, RuleForm, SelfCheckForm
from .models import Diagnostic, Rule

commune_page = commune_staff_page(policies.can_fill_in)  # 404 outside a commune, 403 for who is not its director or admin


def rules_page_guard(view):
    """The rules' pages: a commune's or a groupement's, for whoever edits them (403 otherwise)."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        organisation = getattr(request, "organisation", None)
        if not (policies.is_commune(organisation) or policies.is_groupement(organisation)):
            raise Http404
        if not policies.can_edit_rules(request.membership):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


MAX_ID = 2**63 - 1  # a longer id in the address is no row (and no database overflow)


def _diagnostic(request, pk) -> Diagnostic:
    """The one way to fetch a diagnostic: the commune's own, else 404."""
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(Diagnostic.objects.for_organisation(request.organisation), pk=pk)


def _areas(scores: dict) -> list[dict]:
    return [{"key": a.key, "label": a.label, "score": scores.get(a.key, 0)} for a in questionnaire.AREAS if a.scored]


def index(request):
    """A commune's diagnostic, or a groupement's overview of its communes."""
    if policies.is_groupement(getattr(request, "organisation", None)):
        return overview(request)
    return commune_index(request)


@commune_page
def commune_index(request):
    organisation = request.organisation
    last = services.latest(organisation)
    history = list(Diagnostic.objects.for_organisation(organisation).filter(status=Diagnostic.Status.COMPLETED)
                   .order_by("-completed_at", "-pk").only("pk", "completed_at", "scores")[:10])
    for d in history:
        d.overall = questionnaire.overall(d.scores)
    checks = services.selfchecks(organisation, limit=1)
    return render(request, "diagnostic/index.html", {
        "last": last, "areas": _areas(last.scores) if last else [], "overall": questionnaire.overall(last.scores) if last else None,
        "draft": services.draft_of(organisation), "history": history, "check": checks[-1] if checks else None,
        "can_edit_rules": policies.can_edit_rules(request.membership),
    })


@require_POST
@commune_page
def start(request):
    diagnostic = services.start(request.membership)
    return redirect("diagnostic:edit", org=request.organisation.slug, pk=diagnostic.pk)


@commune_page
def edit(request, pk):
    diagnostic = _diagnostic(request, pk)
    if not diagnostic.is_draft:
        return redirect("diagnostic:result", org=request.organisation.slug, pk=diagnostic.pk)
    form = QuestionnaireForm(request.POST or None, initial=diagnostic.answers)
    if request.method == "POST" and form.is_valid():
        complete = "complete" in request.POST
        try:
            services.save(diagnostic, form.cleaned_data, actor=request.user, complete=complete)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if complete:
                messages.success(request, _("Diagnostic completed."))
                return redirect("diagnostic:result", org=request.organisation.slug, pk=diagnostic.pk)
            messages.success(request, _("Draft saved."))
            return redirect("diagnostic:edit", org=request.organisation.slug, pk=diagnostic.pk)
    return render(request, "diagnostic/edit.html", {"form": form, "diagnostic": diagnostic})


def _result_context(request, diagnostic) -> dict:
    bundle, plan = services.recommendation(diagnostic)
    return {"diagnostic": diagnostic, "areas": _areas(diagnostic.scores), "overall": questionnaire.overall(diagnostic.scores),
            "bundle": bundle, "plan": plan, "plan_hours": sum(m.hours for m in plan)}


@commune_page
def result(request, pk):
    diagnostic = _diagnostic(request, pk)
    if diagnostic.is_draft:
        return redirect("diagnostic:edit", org=request.organisation.slug, pk=diagnostic.pk)
    return render(request, "diagnostic/result.html", _result_context(request, diagnostic))


@commune_page
def report(request, pk):
    diagnostic = _diagnostic(request, pk)
    if diagnostic.is_draft:
        raise Http404
    context = _result_context(request, diagnostic)
    content = documents.report_pdf(diagnostic, context["bundle"], context["plan"])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diagnostic-{request.organisation.slug}-{diagnostic.completed_at:%Y-%m-%d}.pdf"'
    return response


@commune_page
def security(request):
    organisation = request.organisation
    form = SelfCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_selfcheck(request.membership, form.cleaned_data["done"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Self-check saved."))
            return redirect("diagnostic:security", org=organisation.slug)
    history = services.selfchecks(organisation)
    last = history[-1] if history else None
    done = set(form.data.getlist("done")) if form.is_bound else set(last.done if last else [])
    items = [{"item": i, "done": i.key in done} for i in selfcheck.ITEMS]
    return render(request, "diagnostic/security.html", {
        "form": form, "items": items, "last": last, "history": list(reversed(history)),
        "chart": services.chart([c.score for c in history]) if history else None,
        "actions": selfcheck.actions_left(last.done) if last else [],
    })


@rules_page_guard
def rules_page(request):
    owner = request.organisation
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_rule(owner, actor=request.user, **form.rule_fields())
        except ValidationError as error:
            apply_errors(form, error, renamed={"kind": "target", "question": "answer", "value": "answer"})
        else:
            messages.success(request, _("Rule added."))
            return redirect("diagnostic:rules", org=owner.slug)
    owned = services.own_rules(owner)
    shown = owned or list(rules.DEFAULTS)
    rows = [{"rule": r, "pk": getattr(r, "pk", None), "target": _target_label(r), "condition": rules.describe(r)} for r in shown]
    return render(request, "diagnostic/rules.html", {"form": form, "rows": rows, "defaults": not owned})


def _target_label(rule) -> str:
    from maillon.communes import catalogue

    try:
        return str(catalogue.service(rule.target).label if rule.kind == Rule.Kind.SERVICE else rules.module(rule.target).title)
    except KeyError:
        return rule.target


@require_POST
@rules_page_guard
def rule_delete(request, pk):
    if pk > MAX_ID:
        raise Http404
    rule = get_object_or_404(Rule.objects.for_organisation(request.organisation), pk=pk)
    try:
        services.delete_rule(rule, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Rule removed."))
    return redirect("diagnostic:rules", org=request.organisation.slug)


@require_POST
@rules_page_guard
def rules_reset(request):
    services.reset_rules(request.organisation, actor=request.user)
    messages.success(request, _("The default rules apply again."))
    return redirect("diagnostic:rules", org=request.organisation.slug)


def overview(request):
    """The groupement's communes with their latest scores and self-check."""
    if not policies.can_see_overview(request.membership):
        raise PermissionDenied
    rows = services.overview(request.organisation)
    return render(request, "diagnostic/overview.html", {"rows": rows, "areas": [a for a in questionnaire.AREAS if a.scored],
                                                        "never": sum(1 for r in rows if r["overall"] is None)})
