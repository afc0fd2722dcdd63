"""Pages of the logbook under /<org>/parcours/: my entries, a new entry, the group's entries, my
self-assessment, validations by a coordinator, a person's page.

A page works on one framework: the one named by ``?referentiel=`` among those the person takes
part in or edits (``logbook.frameworks_for``), else the first of them. Entries are always fetched
through ``privacy.entries_visible_to``, people through their participation: a guessed id is a 404.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from maillon.accounts.forms import SignatureForm
from maillon.core.forms import apply_errors

from . import logbook, policies, privacy
from .forms_logbook import AssessmentForm, EntryFilterForm, EntryForm, ValidationForm
from .models import Assessment, Competency, Entry, Level, Participant, Theme

PAGE_SIZE = 20
SEARCH_RESULTS = 12


class Here:
    """The framework a page works on, the person's rights in it, and the other frameworks to switch to."""

    def __init__(self, request, frameworks, framework, rights):
        self.request, self.frameworks, self.framework, self.rights = request, frameworks, framework, rights

    @property
    def participant(self):
        return self.rights.participant

    @property
    def coordinates(self) -> bool:
        """Editors and named coordinators see the « Validations » tab (annotated by frameworks_for)."""
        return self.rights.can_edit or self.framework.coordinates

    def url(self, name: str, **kwargs) -> str:
        return f"{reverse(f'competencies:{name}', kwargs={'org': self.request.organisation.slug, **kwargs})}?referentiel={self.framework.pk}"


def _posted(request):
    """The form's data on a POST, even an empty one (then refused with its messages), else None."""
    return request.POST if request.method == "POST" else None


def _here(request, framework_id=None) -> Here | None:
    """None when the person takes part in no framework and edits none (the empty page)."""
    frameworks = logbook.frameworks_for(request.user, request.organisation)
    wanted = framework_id if framework_id is not None else request.GET.get("referentiel")
    if wanted not in (None, ""):
        framework = next((f for f in frameworks if str(f.pk) == str(wanted)), None)
        if framework is None:
            raise Http404
    elif frameworks:
        framework = frameworks[0]
    else:
        return None
    rights = policies.access(request.user, framework, request.membership)
    if not rights.can_read:
        raise Http404
    return Here(request, frameworks, framework, rights)


def _participating(request, framework_id=None) -> Here:
    here = _here(request, framework_id)
    if here is None or here.participant is None:
        raise Http404
    return here


def _filtered(entries, form):
    if not form.is_valid():
        return entries
    data = form.cleaned_data
    if data["competence"]:
        entries = entries.filter(competencies=data["competence"])
    if data["theme"]:
        entries = entries.filter(themes=data["theme"])
    for word in data["q"].split()[:5]:
        entries = entries.filter(Q(title__icontains=word) | Q(happened__icontains=word) | Q(tried__icontains=word)
                                 | Q(learned__icontains=word) | Q(blocked__icontains=word) | Q(place__icontains=word))
    return entries


def _attach_tags(entries: list[Entry], competencies: list[Competency], themes: list[Theme]) -> None:
    """Each entry's competencies and themes (``tag_competencies``, ``tag_themes``) from one query over
    both link tables, the objects taken from the lists the page loaded already."""
    by_competency, by_theme = {c.pk: c for c in competencies}, {t.pk: t for t in themes}
    ids = [e.pk for e in entries]
    links = Entry.competencies.through.objects.filter(entry_id__in=ids).annotate(kind=Value(1)).values_list("entry_id", "competency_id", "kind")
    links = links.union(Entry.themes.through.objects.filter(entry_id__in=ids).annotate(kind=Value(2))
                        .values_list("entry_id", "theme_id", "kind"), all=True)
    found = defaultdict(lambda: ([], []))
    for entry_id, target_id, kind in links:
        target = (by_competency if kind == 1 else by_theme).get(target_id)
        if target is not None:
            found[entry_id][kind - 1].append(target)
    for entry in entries:
        tagged, themed = found[entry.pk]
        entry.tag_competencies = sorted(tagged, key=lambda c: (c.code, c.name))
        entry.tag_themes = sorted(themed, key=lambda t: t.name)


def _entry_list(request, here: Here, entries, template: str, tab: str):
    """My entries or the group's: filters, one page, each entry's tags (a fixed number of queries
    whatever the number of entries)."""
    competencies = list(Competency.objects.filter(framework=here.framework).select_related("domain")
                        .order_by("domain__position", "domain__pk", "position", "name"))
    themes = list(Theme.objects.filter(framework=here.framework))
    form = EntryFilterForm(request.GET or None, competencies=competencies, themes=themes)
    entries = _filtered(entries, form).select_related("author").distinct()
    page = Paginator(entries.order_by("-occurred_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _attach_tags(page.object_list, competencies, themes)
    query = {k: v for k, v in (form.cleaned_data.items() if form.is_valid() else ()) if v not in (None, "")}
    return render(request, template, {
        "here": here, "filter_form": form, "page_obj": page, "tab": tab,
        "hidden": [("referentiel", here.framework.pk)],
        "query": urlencode({"referentiel": here.framework.pk, **query}), "filtered": bool(query),
    })


def home(request):
    """My logbook: my entries, newest first."""
    logbook.remember_participation(request.user.pk, request.organisation.pk, only_if_unknown=True)
    here = _here(request)
    if here is None:
        return render(request, "competencies/logbook/none.html", {"tab": "home"})
    entries = Entry.objects.filter(framework=here.framework, author=request.user)
    return _entry_list(request, here, entries, "competencies/logbook/home.html", "home")


def group(request):
    """The entries I may read in the group, others' only."""
    here = _here(request)
    if here is None:
        raise Http404
    entries = privacy.entries_visible_to(request.user, here.framework, here.rights).exclude(author=request.user)
    return _entry_list(request, here, entries, "competencies/logbook/group.html", "group")


def _entry_form(request, here: Here, entry: Entry | None):
    competencies = list(logbook.taggable_competencies(here.framework).order_by("domain__position", "position", "name"))
    themes = list(Theme.objects.filter(framework=here.framework))
    initial = {}
    if entry is not None:
        initial = {name: getattr(entry, name) for name in ("occurred_on", "title", "happened", "tried", "learned", "blocked",
                                                           "place", "audience", "visibility", "quote_consent")}
        initial["competencies"] = [c.pk for c in entry.competencies.all()]
        initial["themes"] = [t.pk for t in entry.themes.all()]
    form = EntryForm(_posted(request), initial=initial, competencies=competencies, themes=themes)
    if request.method == "POST" and form.is_valid():
        chosen_competencies, chosen_themes = form.chosen()
        data = form.cleaned_data
        fields = {name: data[name] for name in ("occurred_on", "title", "happened", "tried", "learned", "blocked", "place",
                                                "audience", "visibility", "quote_consent", "new_themes")}
        try:
            saved = logbook.save_entry(request.user, here.framework, logbook.EntryData(
                **fields, competencies=chosen_competencies, themes=chosen_themes, is_draft=request.POST.get("action") == "draft"),
                entry=entry)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Draft saved: only you read it.") if saved.is_draft else _("Entry saved."))
            return redirect(here.url("entry", pk=saved.pk))
    chosen_ids = {int(v) for v in (form["competencies"].value() or []) if str(v).isdigit()}
    chosen = [c for c in competencies if c.pk in chosen_ids]
    return render(request, "competencies/logbook/entry_form.html", {
        "here": here, "form": form, "entry": entry, "chosen": chosen, "tab": "home",
    }, status=400 if request.method == "POST" else 200)


def entry_new(request):
    return _entry_form(request, _participating(request), None)


def _my_entry(request, pk) -> tuple[Here, Entry]:
    entry = get_object_or_404(Entry.objects.filter(author=request.user).prefetch_related("competencies", "themes"), pk=pk)
    here = _here(request, entry.framework_id)
    if here is None:
        raise Http404
    return here, entry


def entry_edit(request, pk):
    here, entry = _my_entry(request, pk)
    return _entry_form(request, here, entry)


def entry_delete(request, pk):
    here, entry = _my_entry(request, pk)
    if request.method == "POST":
        logbook.delete_entry(request.user, entry)
        messages.success(request, _("Entry deleted."))
        return redirect(here.url("home"))
    return render(request, "competencies/logbook/entry_delete.html", {"here": here, "entry": entry, "tab": "home"})


def entry(request, pk):
    """One entry, for whoever may read it (privacy.py); a 404 for anyone else."""
    try:
        framework_id = Entry.objects.filter(pk=int(pk)).values_list("framework_id", flat=True).first()
    except (TypeError, ValueError, OverflowError):
        framework_id = None
    if framework_id is None:
        raise Http404
    here = _here(request, framework_id)
    if here is None:
        raise Http404
    found = get_object_or_404(privacy.entries_visible_to(request.user, here.framework, here.rights)
                              .select_related("author").prefetch_related("competencies", "themes"), pk=pk)
    return render(request, "competencies/logbook/entry.html", {
        "here": here, "entry": found, "mine": found.author_id == request.user.pk, "tab": "home" if found.author_id == request.user.pk else "group",
    })


def competency_search(request):
    """The search box of the entry form: the chosen competencies (kept checked) and up to 12 others
    matching the text, as checkboxes (a server-rendered fragment, htmx)."""
    here = _participating(request)
    chosen_ids = [int(v) for v in request.GET.getlist("competencies") if v.isdigit() and len(v) < 12]
    text = request.GET.get("competency_q", "")[:100].replace("\x00", "")
    chosen = list(logbook.taggable_competencies(here.framework).filter(pk__in=chosen_ids))
    found = logbook.search_competencies(here.framework, text, exclude=chosen_ids, limit=SEARCH_RESULTS) if text.strip() else []
    return render(request, "competencies/logbook/_competency_options.html", {"chosen": chosen, "found": found, "text": text})


# ---------------------------------------------------------------- self-assessment

def _levels(framework) -> list[Level]:
    return list(Level.objects.filter(framework=framework).order_by("position"))


def assessments(request):
    """My self-assessment: each competency of my job profile (and any other I assessed), my current level."""
    here = _participating(request)
    participant = here.participant
    levels = _levels(here.framework)
    history = list(Assessment.objects.filter(participant=participant).select_related("level", "validated_level", "competency__domain")
                   .order_by("created_at", "pk"))
    latest = logbook.latest_by_competency(history)
    profile = list(logbook.taggable_competencies(here.framework).filter(profiles=participant.profile_id)
                   .order_by("domain__position", "position", "name")) if participant.profile_id else []
    listed = {c.pk for c in profile}
    others = [a.competency for a in latest.values() if a.competency_id not in listed]
    rows = [{"competency": c, "current": latest.get(c.pk)} for c in [*profile, *others]]
    return render(request, "competencies/logbook/assessments.html", {
        "here": here, "rows": rows, "levels": levels, "tab": "assess",
        "others": logbook.taggable_competencies(here.framework).exclude(pk__in=[r["competency"].pk for r in rows])
        .order_by("domain__position", "position", "name"),
    })


def assess(request, competency):
    here = _participating(request)
    competency = get_object_or_404(logbook.taggable_competencies(here.framework), pk=competency)
    levels = _levels(here.framework)
    mine = Entry.objects.filter(framework=here.framework, author=request.user)
    tagged = list(mine.filter(competencies=competency).order_by("-occurred_on", "-pk")[:30])
    entries = tagged or list(mine.order_by("-occurred_on", "-pk")[:20])
    history = list(Assessment.objects.filter(participant=here.participant, competency=competency)
                   .select_related("level", "validated_level", "validated_by").order_by("-created_at", "-pk"))
    initial = {"level": history[0].level_id} if history else {}
    form = AssessmentForm(_posted(request), initial=initial, levels=levels, entries=entries)
    if request.method == "POST" and form.is_valid():
        by_pk = {e.pk: e for e in entries}
        level = next(level for level in levels if level.pk == form.cleaned_data["level"])
        try:
            logbook.assess(here.participant, competency, level, evidence=[by_pk[pk] for pk in form.cleaned_data["evidence"]],
                           note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Self-assessment saved. Your coordinator may now validate it."))
            return redirect(here.url("person_assessments"))
    return render(request, "competencies/logbook/assess.html", {
        "here": here, "competency": competency, "form": form, "history": history, "tab": "assess",
    }, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- validation by the coordinator

def validations(request):
    """The latest self-assessments of the people I coordinate, not validated yet."""
    here = _here(request)
    if here is None:
        raise Http404
    pending = (Assessment.objects.filter(participant__framework=here.framework, participant__coordinator=request.user,
                                         participant__is_active=True)
               .exclude(participant__user=request.user)
               .select_related("participant__user", "competency", "level", "validated_level").order_by("-created_at", "-pk"))
    latest = {}
    for a in pending:
        latest.setdefault((a.participant_id, a.competency_id), a)
    rows = [a for a in latest.values() if a.validated_at is None]
    people = Participant.objects.filter(framework=here.framework, coordinator=request.user, is_active=True).select_related("user", "profile")
    return render(request, "competencies/logbook/validations.html", {"here": here, "rows": rows, "people": people, "tab": "validate"})


def validate(request, pk):
    assessment = get_object_or_404(Assessment.objects.select_related("participant__user", "participant__organisation", "competency__domain",
                                                                     "level", "validated_level", "validated_by", "signature")
                                   .prefetch_related("evidence"), pk=pk)
    here = _here(request, assessment.participant.framework_id)
    if here is None or not logbook.can_validate(request.user, assessment):
        raise Http404
    levels = _levels(here.framework)
    form = ValidationForm(_posted(request), initial={"level": assessment.level_id}, levels=levels)
    signature_form = SignatureForm(_posted(request), request=request)
    if request.method == "POST" and assessment.validated_at is None and form.is_valid() and signature_form.is_valid():
        level = next(level for level in levels if level.pk == form.cleaned_data["level"])
        try:
            logbook.validate(request, assessment, level, comment=form.cleaned_data["comment"],
                             password=signature_form.cleaned_data.get("password") or None)
        except ValidationError as error:
            if getattr(error, "code", None) in {"wrong_password", "rate_limited", "password_required"}:
                signature_form.add_error("password", error)
            else:
                apply_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Validation signed and recorded. The person is notified."))
            return redirect(here.url("person_validations"))
    evidence = privacy.entries_visible_to(request.user, here.framework, here.rights).filter(
        pk__in=[e.pk for e in assessment.evidence.all()]).order_by("-occurred_on")
    return render(request, "competencies/logbook/validate.html", {
        "here": here, "assessment": assessment, "form": form, "signature_form": signature_form, "evidence": evidence,
        "hidden_evidence": len(assessment.evidence.all()) - len(evidence), "tab": "validate",
    }, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- a person's page

def person(request, pk):
    """A person's competencies over time, their entries per competency, their gaps: for the person,
    their coordinator and the framework's editors."""
    try:
        participant = (Participant.objects.select_related("user", "profile", "framework__organisation", "framework__space", "coordinator")
                       .get(pk=int(pk)))
    except (Participant.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    here = _here(request, participant.framework_id)
    if here is None:
        raise Http404
    is_self = participant.user_id == request.user.pk
    if not (is_self or policies.is_coordinator_of(request.user, participant) or here.rights.can_edit):
        raise Http404
    framework = here.framework
    levels = _levels(framework)
    history = list(Assessment.objects.filter(participant=participant).select_related("competency__domain", "level", "validated_level")
                   .order_by("created_at", "pk"))
    latest = logbook.latest_by_competency(history)
    # Every competency of the framework at once, each saying whether the person's job profile holds it.
    in_profile = Competency.profiles.through.objects.filter(competency=OuterRef("pk"), jobprofile_id=participant.profile_id)
    competencies = {c.pk: c for c in Competency.objects.filter(framework=framework).select_related("domain")
                    .annotate(in_profile=Exists(in_profile)).order_by("domain__position", "domain__pk", "position", "name")}
    profile = [c for c in competencies.values() if c.in_profile and c.status != Competency.Status.RETIRED]
    months = logbook.levels_by_month(history, levels, timezone.localdate())
    # The entries I may read, one row per (entry, competency): one query for both.
    rows = (privacy.entries_visible_to(request.user, framework, here.rights).filter(author=participant.user)
            .order_by("-occurred_on", "-pk").values_list("pk", "title", "occurred_on", "competencies"))
    entries, per_competency = logbook.entries_per_competency(rows)
    by_competency = sorted(((competencies[pk], found) for pk, found in per_competency.items() if pk in competencies),
                           key=lambda cr: (-len(cr[1]), cr[0].name))
    return render(request, "competencies/logbook/person.html", {
        "here": here, "participant": participant, "is_self": is_self, "levels": levels, "months": months,
        "chart": logbook.chart(months, levels), "latest": sorted(latest.values(), key=lambda a: (a.competency.domain.position, a.competency.name)),
        "gaps": logbook.gaps(profile, latest, levels), "profile_size": len(profile), "by_competency": by_competency, "entry_count": len(entries),
        "untagged": sum(1 for e in entries if not e.tagged), "tab": "person" if is_self else "validate",
        "level_classes": [f"level-{i % 6}" for i in range(len(levels))],
    })


def my_page(request):
    here = _participating(request)
    return redirect(reverse("competencies:person", kwargs={"org": request.organisation.slug, "pk": here.participant.pk}))

