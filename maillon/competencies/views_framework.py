"""Framework pages (/<org>/parcours/referentiel/): the list, one framework, its parts, participants,
editions and their differences, import and export. Rights come from policies.get_framework (404 for
whoever may not read, or edit with ``edit=True``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillon.core.forms import apply_errors
from maillon.core.text import fold
from maillon.spaces.models import Space

from . import framework as services
from . import policies
from .forms_framework import (
    CompetencyForm,
    DomainForm,
    EditionForm,
    FrameworkForm,
    ImportForm,
    LevelForm,
    ParticipantForm,
    ProfileForm,
    ProposeForm,
)
from .models import Competency, Domain, Edition, JobProfile, Level, Participant


def _url(request, name: str, **kwargs) -> str:
    return reverse(f"competencies:{name}", kwargs={"org": request.organisation.slug, **kwargs})


def _framework(request, pk, *, edit: bool = False):
    return policies.get_framework(request.user, pk, membership=request.membership, edit=edit)


def _spaces(request):
    return Space.objects.visible_to(request.user).active().order_by("name")


def _confirm(request, *, title: str, text: str, button: str, back: str):
    return render(request, "procedures/confirm.html", {"title": title, "text": text, "button": button, "back": back})


def _direction(request) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


# --- List and creation -----------------------------------------------------------------------


def framework_list(request):
    frameworks = (policies.frameworks_visible_to(request.user).select_related("organisation", "space")
                  .annotate(competency_count=Count("competencies", filter=Q(competencies__status=Competency.Status.ACTIVE), distinct=True),
                            participant_count=Count("participants", filter=Q(participants__is_active=True), distinct=True))
                  .order_by("name", "pk"))
    return render(request, "competencies/framework/list.html", {
        "frameworks": frameworks, "can_create": policies.can_create(request.membership),
    })


def framework_new(request):
    if not policies.can_create(request.membership):
        raise PermissionDenied
    form = FrameworkForm(request.POST or None, spaces=_spaces(request))
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.create_framework(organisation=request.organisation, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The framework is created. Add its levels, job profiles and domains."))
            return redirect(_url(request, "framework_detail", pk=framework.pk))
    return render(request, "competencies/framework/form.html", {"form": form, "title": _("New framework"),
                                                                "back": _url(request, "framework_list")})


@require_POST
def framework_from_template(request):
    if not policies.can_create(request.membership):
        raise PermissionDenied
    framework = services.create_from_template(organisation=request.organisation, actor=request.user, request=request)
    messages.success(request, _("The framework is created from the template: make it yours."))
    return redirect(_url(request, "framework_detail", pk=framework.pk))


# --- One framework ---------------------------------------------------------------------------


def _matches(competency, words: list[str]) -> bool:
    haystack = fold(" ".join([competency.code, competency.name, competency.description,
                              *(indicator.text for indicator in competency.indicators.all())]))
    return all(word in haystack for word in words)


def framework_detail(request, pk):
    framework, access = _framework(request, pk)
    profile_id = request.GET.get("profil", "")
    profile_id = int(profile_id) if profile_id.isdigit() and len(profile_id) < 10 else None
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    statuses = [Competency.Status.ACTIVE, Competency.Status.PROPOSED]
    if access.can_edit:
        statuses.append(Competency.Status.RETIRED)
    data = services.tree(framework, statuses=statuses, profile_id=profile_id)
    words = fold(query).split()
    proposed, retired, count = [], [], 0
    for group in data["domains"]:
        kept = []
        for competency in group["competencies"]:
            if words and not _matches(competency, words):
                continue
            if competency.status == Competency.Status.PROPOSED:
                proposed.append(competency)
            elif competency.status == Competency.Status.RETIRED:
                retired.append(competency)
            else:
                kept.append(competency)
        group["competencies"] = kept
        count += len(kept)
    if words or profile_id:
        data["domains"] = [group for group in data["domains"] if group["competencies"]]
    return render(request, "competencies/framework/detail.html", {
        "framework": framework, "access": access, "data": data, "proposed": proposed, "retired": retired, "count": count,
        "query": query, "profile_id": profile_id, "filtered": bool(words or profile_id),
        "profile_choices": [(profile.pk, profile.name) for profile in data["profiles"]],
    })


def framework_edit(request, pk):
    framework, _access = _framework(request, pk, edit=True)
    form = FrameworkForm(request.POST or None, spaces=_spaces(request) | Space.objects.filter(pk=framework.space_id),
                         initial={"name": framework.name, "description": framework.description, "space": framework.space_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_framework(framework, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The framework is saved."))
            return redirect(_url(request, "framework_detail", pk=framework.pk))
    return render(request, "competencies/framework/form.html", {"form": form, "framework": framework, "title": _("Edit the framework"),
                                                                "back": _url(request, "framework_detail", pk=framework.pk)})


# --- Levels, job profiles, domains: one generic view each way ------------------------------

PARTS = {
    "niveaux": {"model": Level, "form": LevelForm, "save": services.save_level, "save_arg": "level",
                "delete": services.delete_level, "move": services.move_level,
                "new": gettext_lazy("New level"), "edit": gettext_lazy("Edit the level"),
                "confirm": gettext_lazy("Remove the level « %(name)s »?"), "warning": gettext_lazy("The level is removed from the framework.")},
    "profils": {"model": JobProfile, "form": ProfileForm, "save": services.save_profile, "save_arg": "profile",
                "delete": services.delete_profile, "move": services.move_profile,
                "new": gettext_lazy("New job profile"), "edit": gettext_lazy("Edit the job profile"),
                "confirm": gettext_lazy("Remove the job profile « %(name)s »?"),
                "warning": gettext_lazy("Its competencies stay in the framework; its participants keep their place without a job profile.")},
    "domaines": {"model": Domain, "form": DomainForm, "save": services.save_domain, "save_arg": "domain",
                 "delete": services.delete_domain, "move": services.move_domain,
                 "new": gettext_lazy("New domain"), "edit": gettext_lazy("Edit the domain"),
                 "confirm": gettext_lazy("Remove the domain « %(name)s »?"), "warning": gettext_lazy("Only an empty domain can be removed.")},
}


def _part(part: str):
    if part not in PARTS:
        raise Http404
    return PARTS[part]


def _item(model, framework, item):
    return get_object_or_404(model, framework=framework, pk=item)


def framework_part(request, pk, part, item=None):
    framework, _access = _framework(request, pk, edit=True)
    spec = _part(part)
    instance = _item(spec["model"], framework, item) if item is not None else None
    initial = {name: getattr(instance, name) for name in spec["form"].base_fields} if instance else None
    form = spec["form"](request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            spec["save"](framework, **form.cleaned_data, **{spec["save_arg"]: instance})
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_url(request, "framework_detail", pk=framework.pk))
    return render(request, "competencies/framework/form.html", {
        "form": form, "framework": framework, "title": spec["edit"] if instance else spec["new"],
        "back": _url(request, "framework_detail", pk=framework.pk),
        "delete_url": _url(request, "framework_part_delete", pk=framework.pk, part=part, item=instance.pk) if instance else None,
    })


def framework_part_delete(request, pk, part, item):
    framework, _access = _framework(request, pk, edit=True)
    spec = _part(part)
    instance = _item(spec["model"], framework, item)
    back = _url(request, "framework_detail", pk=framework.pk)
    if request.method == "POST":
        try:
            spec["delete"](instance)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Removed."))
        return redirect(back)
    return _confirm(request, title=spec["confirm"] % {"name": instance.name}, text=spec["warning"], button=_("Yes, remove"), back=back)


@require_POST
def framework_part_move(request, pk, part, item):
    framework, _access = _framework(request, pk, edit=True)
    spec = _part(part)
    spec["move"](_item(spec["model"], framework, item), _direction(request))
    return redirect(_url(request, "framework_detail", pk=framework.pk) + f"#{part}")


# --- Competencies ----------------------------------------------------------------------------


def _competency_initial(competency: Competency) -> dict:
    return {"domain": competency.domain_id, "code": competency.code, "name": competency.name, "description": competency.description,
            "profiles": [profile.pk for profile in competency.profiles.all()],
            "indicators": "\n".join(indicator.text for indicator in competency.indicators.all())}


def framework_competency(request, pk, item=None):
    framework, _access = _framework(request, pk, edit=True)
    competency = _item(Competency.objects.prefetch_related("profiles", "indicators"), framework, item) if item is not None else None
    initial = _competency_initial(competency) if competency else {"domain": request.GET.get("domaine", "")[:12] or None}
    form = CompetencyForm(request.POST or None, framework=framework, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_competency(framework, competency=competency, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The competency is saved."))
            return redirect(_url(request, "framework_detail", pk=framework.pk) + f"#competence-{saved.pk}")
    return render(request, "competencies/framework/form.html", {
        "form": form, "framework": framework, "competency": competency,
        "title": _("Edit the competency") if competency else _("New competency"),
        "back": _url(request, "framework_detail", pk=framework.pk),
        "delete_url": _url(request, "framework_competency_withdraw", pk=framework.pk, item=competency.pk) if competency else None,
    })


def framework_competency_withdraw(request, pk, item):
    framework, _access = _framework(request, pk, edit=True)
    competency = _item(Competency, framework, item)
    back = _url(request, "framework_detail", pk=framework.pk)
    proposed = competency.status == Competency.Status.PROPOSED
    if request.method == "POST":
        outcome = services.withdraw(competency, actor=request.user, request=request)
        messages.success(request, _("The competency is withdrawn: it stays on the entries that use it.") if outcome == "retired"
                         else _("The competency is removed."))
        return redirect(back)
    if proposed:
        return _confirm(request, title=_("Turn down the proposal « %(name)s »?") % {"name": competency.name},
                        text=_("The proposed competency does not enter the framework."), button=_("Yes, turn it down"), back=back)
    return _confirm(request, title=_("Withdraw « %(name)s »?") % {"name": competency.name},
                    text=_("A competency used by logbook entries or self-assessments is kept as withdrawn (it can be put back); "
                           "one never used is removed. Published editions do not change."),
                    button=_("Yes, withdraw"), back=back)


@require_POST
def framework_competency_status(request, pk, item):
    """Accept a proposed competency, or put a withdrawn one back."""
    framework, _access = _framework(request, pk, edit=True)
    competency = _item(Competency, framework, item)
    if competency.status == Competency.Status.ACTIVE:
        raise Http404
    was_proposed = competency.status == Competency.Status.PROPOSED
    services.set_status(competency, Competency.Status.ACTIVE, actor=request.user, request=request)
    messages.success(request, _("The competency enters the framework.") if was_proposed else _("The competency is back in the framework."))
    return redirect(_url(request, "framework_detail", pk=framework.pk) + f"#competence-{competency.pk}")


@require_POST
def framework_competency_move(request, pk, item):
    framework, _access = _framework(request, pk, edit=True)
    competency = _item(Competency, framework, item)
    services.move_competency(competency, _direction(request))
    return redirect(_url(request, "framework_detail", pk=framework.pk) + f"#competence-{competency.pk}")


def framework_propose(request, pk):
    framework, access = _framework(request, pk)
    if not access.can_propose:
        raise PermissionDenied
    form = ProposeForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose(framework, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you: the competency is proposed to the framework's editors."))
            return redirect(_url(request, "framework_detail", pk=framework.pk))
    return render(request, "competencies/framework/form.html", {
        "form": form, "framework": framework, "title": _("Propose a competency"),
        "lead": _("A competency you saw grow in practice and the framework lacks: its editors will accept it or not."),
        "back": _url(request, "framework_detail", pk=framework.pk)})


# --- Participants ----------------------------------------------------------------------------


def framework_participants(request, pk):
    framework, access = _framework(request, pk)
    if not access.can_edit:
        raise Http404
    people = services.candidate_people(framework)
    form = ParticipantForm(request.POST or None, framework=framework, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_participant(framework, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The person takes part in the framework."))
            return redirect(_url(request, "framework_participants", pk=framework.pk))
    participants = (Participant.objects.filter(framework=framework, is_active=True)
                    .select_related("user", "organisation", "profile", "coordinator"))
    return render(request, "competencies/framework/participants.html", {
        "framework": framework, "access": access, "participants": participants, "form": form})


def framework_participant(request, pk, item):
    framework, _access = _framework(request, pk, edit=True)
    participant = get_object_or_404(Participant.objects.select_related("user"), framework=framework, pk=item, is_active=True)
    form = ParticipantForm(request.POST or None, framework=framework, people=services.candidate_people(framework), adding=False,
                           initial={"profile": participant.profile_id, "coordinator": participant.coordinator_id})
    back = _url(request, "framework_participants", pk=framework.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_participant(framework, user=participant.user, participant=participant, actor=request.user, request=request,
                                      **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(request, "competencies/framework/form.html", {
        "form": form, "framework": framework, "title": str(participant.user), "back": back,
        "delete_url": _url(request, "framework_participant_remove", pk=framework.pk, item=participant.pk)})


def framework_participant_remove(request, pk, item):
    framework, _access = _framework(request, pk, edit=True)
    participant = get_object_or_404(Participant.objects.select_related("user"), framework=framework, pk=item, is_active=True)
    back = _url(request, "framework_participants", pk=framework.pk)
    if request.method == "POST":
        services.remove_participant(participant, actor=request.user, request=request)
        messages.success(request, _("The person no longer takes part in the framework."))
        return redirect(back)
    return _confirm(request, title=_("Remove %(name)s from the group?") % {"name": participant.user},
                    text=_("Their logbook stays theirs; they no longer see the group's entries."), button=_("Yes, remove"), back=back)


# --- Editions --------------------------------------------------------------------------------


def framework_editions(request, pk):
    framework, access = _framework(request, pk)
    editions = list(framework.editions.select_related("published_by").defer("snapshot"))
    form = EditionForm(request.POST or None, default_label=services.default_label()) if access.can_edit else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                edition = services.publish_edition(framework, actor=request.user, label=form.cleaned_data["label"], request=request)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Edition %(number)d is published.") % {"number": edition.number})
                return redirect(_url(request, "framework_edition", pk=framework.pk, number=edition.number))
    return render(request, "competencies/framework/editions.html", {"framework": framework, "access": access, "editions": editions,
                                                                    "form": form})


def _edition(framework, number) -> Edition:
    return get_object_or_404(Edition.objects.select_related("published_by"), framework=framework, number=number)


def framework_edition(request, pk, number):
    framework, access = _framework(request, pk)
    edition = _edition(framework, number)
    return render(request, "competencies/framework/edition.html", {"framework": framework, "access": access, "edition": edition,
                                                                   "data": edition.snapshot})


def _version(framework, value):
    """« 0 » or nothing: the framework as it is now; a number: that edition."""
    value = (value or "").strip()
    if value in ("", "0"):
        return _("the current framework"), services.snapshot(framework)
    if not value.isdigit() or len(value) > 9:
        raise Http404
    edition = _edition(framework, int(value))
    return edition.label, edition.snapshot


def framework_diff(request, pk):
    framework, access = _framework(request, pk)
    editions = list(framework.editions.only("number", "label"))
    default_old = str(editions[0].number) if editions else "0"
    old_label, old = _version(framework, request.GET.get("de", default_old))
    new_label, new = _version(framework, request.GET.get("a", "0"))
    fields = {"name": _("name"), "description": _("description"), "domain": _("domain"), "profiles": _("job profiles")}
    changes = [{"kind": change.kind, "what": change.what, "label": change.label,
                "detail": ", ".join(str(fields.get(name, name)) for name in change.detail.split(", ") if name)}
               for change in services.differences(old, new)]
    return render(request, "competencies/framework/diff.html", {
        "framework": framework, "access": access, "editions": editions, "changes": changes,
        "old_label": old_label, "new_label": new_label,
        "old_value": request.GET.get("de", default_old), "new_value": request.GET.get("a", "0"),
    })


# --- Import and export -----------------------------------------------------------------------


def framework_export(request, pk, kind):
    framework, access = _framework(request, pk)
    number = request.GET.get("edition", "")
    if number:
        _label, data = _version(framework, number)
    else:
        data = services.snapshot(framework)
    name = slugify(framework.name)[:60] or "referentiel"
    if number:
        name += f"-edition-{int(number)}"
    if kind == "csv":
        response = HttpResponse(services.export_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(services.export_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def framework_import(request, pk):
    framework, _access = _framework(request, pk, edit=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = "json" if upload.name.lower().endswith(".json") else "csv"
        try:
            counts = services.import_file(framework, upload.read(), kind=kind, actor=request.user, request=request)
        except ValidationError as error:
            problems = error.messages
            form.add_error("file", _("Nothing was imported: correct the file and send it again."))
        else:
            messages.success(request, _("Imported: %(created)d competencies added, %(updated)d updated.") % counts)
            return redirect(_url(request, "framework_detail", pk=framework.pk))
    return render(request, "competencies/framework/import.html", {"framework": framework, "form": form, "problems": problems})
