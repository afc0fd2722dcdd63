"""Public pages of a commune's participation (no JavaScript needed): consultations and the idea box.

Every view sits under ``public_commune("participation")`` (a French 404 unless the commune offers
the service); every row is read through the commune (``for_organisation``), so another commune's
ids answer 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from maillon.citizens.antiabuse import rate_limited
from maillon.citizens.identity import citizen_required, current_citizen, login_url
from maillon.citizens.models import Moderation
from maillon.citizens.public import public_commune
from maillon.core.forms import apply_errors

from . import policies, services
from .forms import FreeAnswerForm, IdeaForm, OptionAnswerForm
from .models import Consultation, Idea

SERVICE = "participation"
MAX_ID = 2**63 - 1
PER_PAGE = 20


def _consultation(commune, pk) -> Consultation:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(Consultation.objects.for_organisation(commune), pk=pk)


def _idea(commune, pk) -> Idea:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(Idea.objects.for_organisation(commune).select_related("citizen"), pk=pk)


@public_commune(SERVICE)
def consultations(request, commune):
    now = timezone.now()
    rows = Consultation.objects.for_organisation(commune)
    current = list(rows.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "pk")[:50])
    upcoming = list(rows.filter(opens_at__gt=now).order_by("opens_at", "pk")[:20])
    closed = Paginator(rows.filter(closes_at__lte=now).order_by("-closes_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "participation/public/consultations.html",
                  {"current": current, "upcoming": upcoming, "closed": closed})


def _answer_form(consultation, data=None):
    form_class = OptionAnswerForm if consultation.kind == Consultation.Kind.OPTIONS else FreeAnswerForm
    return form_class(data, consultation=consultation)


@public_commune(SERVICE)
def consultation(request, commune, pk):
    consultation = _consultation(commune, pk)
    citizen = current_citizen(request)
    form = None
    if request.method == "POST":
        if citizen is None:
            return redirect(login_url(commune.slug, request.get_full_path()))
        form = _answer_form(consultation, request.POST)
        if form.is_valid():
            refused = rate_limited(request, "participation", citizen.email)
            if refused:
                form.add_error(None, refused)
            else:
                try:
                    services.answer(consultation, citizen, option_id=form.cleaned_data.get("option"),
                                    text=form.cleaned_data.get("text", ""))
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, _("Thank you, your answer is recorded.") if consultation.kind == Consultation.Kind.OPTIONS
                                     else _("Thank you, your answer is recorded. It will be published after moderation."))
                    return redirect("participation:consultation", commune=commune.slug, pk=consultation.pk)
    mine = services.answer_of(consultation, citizen)
    if form is None and consultation.is_open and citizen is not None and mine is None:
        form = _answer_form(consultation)
    context = {"consultation": consultation, "form": form, "mine": mine, "citizen": citizen,
               "login": login_url(commune.slug, reverse("participation:consultation", kwargs={"commune": commune.slug, "pk": consultation.pk}))}
    if policies.can_see_results(consultation):
        context["results"] = services.results(consultation)
        if consultation.kind == Consultation.Kind.FREE:
            context["published"] = Paginator(services.published_answers(consultation), PER_PAGE).get_page(request.GET.get("page"))
    if form is None and consultation.kind == Consultation.Kind.OPTIONS and not consultation.is_closed:
        context["options"] = list(consultation.options.all())
    return render(request, "participation/public/consultation.html", context, status=400 if form is not None and form.errors else 200)


SORTS = {"soutiens": ("-support_count", "-created_at", "-pk"), "recentes": ("-created_at", "-pk")}


@public_commune(SERVICE)
def ideas(request, commune):
    sort = request.GET.get("tri") if request.GET.get("tri") in SORTS else "soutiens"
    q = (request.GET.get("q") or "").strip()[:100]
    rows = services.with_supports(Idea.objects.for_organisation(commune).filter(moderation=Moderation.PUBLISHED))
    rows = services.search(rows, q).order_by(*SORTS[sort]).only("pk", "title", "status", "created_at")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    citizen = current_citizen(request)
    supported = services.supported_ids(citizen, [i.pk for i in page])
    for row in page:
        row.supported = row.pk in supported
    query = urlencode({k: v for k, v in (("tri", sort), ("q", q)) if v})
    return render(request, "participation/public/ideas.html",
                  {"page_obj": page, "sort": sort, "q": q, "query": query, "citizen": citizen})


@public_commune(SERVICE)
@citizen_required
def propose(request, commune):
    citizen = current_citizen(request)
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = rate_limited(request, "ideas", citizen.email)
        if refused:
            form.add_error(None, refused)
        else:
            try:
                idea = services.propose(commune, citizen, title=form.cleaned_data["title"], body=form.cleaned_data["body"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Thank you! Your idea will be published after the commune's moderation."))
                return redirect("participation:idea", commune=commune.slug, pk=idea.pk)
    return render(request, "participation/public/propose.html", {"form": form}, status=400 if form.errors else 200)


@public_commune(SERVICE)
def idea(request, commune, pk):
    idea = _idea(commune, pk)
    citizen = current_citizen(request)
    if not policies.can_see_idea(idea, citizen):
        raise Http404
    count = idea.supports.count()
    supported = bool(services.supported_ids(citizen, [idea.pk]))
    return render(request, "participation/public/idea.html", {
        "idea": idea, "count": count, "supported": supported, "citizen": citizen, "own": citizen is not None and idea.citizen_id == citizen.pk,
        "supportable": services.supportable(idea)})


def _support_view(action):
    @public_commune(SERVICE)
    @citizen_required
    def view(request, commune, pk):
        idea = _idea(commune, pk)
        citizen = current_citizen(request)
        if not policies.can_see_idea(idea, citizen):
            raise Http404
        if request.method == "POST":
            try:
                changed = action(idea, citizen)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if action is services.support:
                    messages.success(request, _("Your support is counted.") if changed else _("You already support this idea."))
                else:
                    messages.success(request, _("Your support is withdrawn."))
        # A GET (the sign-in page's « next ») lands on the idea: nothing changes without a POST.
        return redirect("participation:idea", commune=commune.slug, pk=idea.pk)

    return view


support = _support_view(services.support)
unsupport = _support_view(services.unsupport)
