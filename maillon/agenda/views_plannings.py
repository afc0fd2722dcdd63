"""Pages of team plannings, work profiles and closures. Thin: scoped querysets, policies,
``plannings`` / ``services`` for every write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import TextField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.core.forms import apply_errors
from maillon.core.reversing import row_url
from maillon.organisations.models import Sector
from maillon.ui.dates import format_date

from . import plannings, policies, services
from .forms import (
    AssignForm,
    ClosureForm,
    PlanningForm,
    ShiftEditForm,
    ShiftForm,
    SwapForm,
    WorkProfileForm,
)
from .models import Closure, Planning, Resource, Shift, ShiftSwap, WorkProfile
from .views import RENAMED


def _sectors(request):
    sectors = Sector.objects.filter(organisation=request.organisation)
    if request.membership.has_role(Role.DIRECTOR):
        return sectors
    return sectors.filter(pk__in=[s.pk for s in request.membership.sectors_for(Role.COORDINATOR)])


def _plannings(request):
    qs = Planning.objects.for_organisation(request.organisation).select_related("sector")
    if not policies.can_plan(request.membership):
        qs = qs.filter(status=Planning.Status.PUBLISHED)
    return qs


def _pending_label(count: int) -> str:
    return ngettext("%(n)s unpublished change", "%(n)s unpublished changes", count) % {"n": count}


def planning_list(request):
    can_plan = policies.can_plan(request.membership)
    qs = _plannings(request).order_by("-start_date", "title")
    # The others see only the published version: no snapshot to read. The coordinators' page
    # reads each snapshot as stored, decoded once per process (plannings.list_figures).
    qs = qs.only("pk", "title", "start_date", "end_date", "status", "sector__name")  # what the rows show
    if can_plan:
        qs = qs.annotate(snapshot_text=Cast("published_snapshot", TextField()))
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    # The coordinators see what waits for publication; the shifts are counted for the page only
    # (a join of every shift of the organisation, counted and grouped, grew with its history).
    figures = plannings.list_figures(list(page.object_list), pending_changes=can_plan)
    url = row_url("agenda:planning", org=request.organisation.slug)
    for p in page.object_list:
        p.shift_count, pending_count = figures[p.pk]
        p.pending = _pending_label(pending_count) if pending_count else ""
        p.url = url(p.pk)
        p.shifts_label = ngettext("%(n)s shift", "%(n)s shifts", p.shift_count) % {"n": p.shift_count}
        p.period = f"{format_date(p.start_date, 'j F')} – {format_date(p.end_date, 'j F Y')}"
    return render(request, "agenda/plannings.html", {"page_obj": page, "can_plan": can_plan, "rows": _planning_rows(page.object_list)})


def _planning_rows(page: list[Planning]) -> str:
    """The table's rows, drawn here rather than by a template loop (20 rows of eight values: issue 14).
    Same markup as the loop had."""
    labels = {key: escape(_(text)) for key, text in (("planning", "Planning"), ("team", "Team"), ("period", "Period"), ("status", "Status"))}
    rows = []
    for p in page:
        pending = f' <span class="status">{escape(p.pending)}</span>' if p.pending else ""
        rows.append(
            f'<tr>\n    <td data-label="{labels["planning"]}"><a href="{escape(p.url)}"><strong>{escape(p.title)}</strong></a><br>'
            f'<span class="muted">{escape(p.shifts_label)}</span></td>\n'
            f'    <td data-label="{labels["team"]}">{escape(p.sector.name)}</td>\n'
            f'    <td data-label="{labels["period"]}">{escape(p.period)}</td>\n'
            f'    <td data-label="{labels["status"]}"><span class="status{" status-ok" if p.status == "published" else ""}">'
            f'{escape(p.get_status_display())}</span>{pending}</td>\n  </tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped


def planning_new(request):
    if not policies.can_plan(request.membership):
        raise PermissionDenied
    form = PlanningForm(request.POST or None, sectors=_sectors(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planning = plannings.create_planning(
                request.membership, title=data["title"], sector=data["sector"], start_date=data["start_date"],
                end_date=data["end_date"], children_per_adult_under_6=data["children_per_adult_under_6"],
                children_per_adult_from_6=data["children_per_adult_from_6"], request=request)
        except ValidationError as error:
            apply_errors(form, error, RENAMED)
        else:
            messages.success(request, _("Planning created: add its shifts."))
            return redirect("agenda:planning", org=request.organisation.slug, pk=planning.pk)
    return render(request, "agenda/planning_form.html", {"form": form})


def _saved(request, planning, text: str) -> None:
    """The confirmation of a change: on a published planning, it says the change waits."""
    if planning.status == Planning.Status.PUBLISHED:
        text = _("%(done)s It waits for publication: the team still sees the published version.") % {"done": text}
    messages.success(request, text)


def planning_detail(request, pk):
    planning = get_object_or_404(_plannings(request), pk=pk)
    can_manage = policies.can_manage_planning(request.membership, planning.sector)
    # Its coordinators work on the working copy; everyone else sees the published version.
    shifts, profiles = (None if can_manage else plannings.published_version(planning)) or plannings.load(planning)
    form = ShiftForm(request.POST or None, organisation=request.organisation, sector=planning.sector, initial={"day": planning.start_date})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                plannings.add_shift(request.membership, planning, title=data["title"], start=data["start"], end=data["end"],
                                    people=data["people"], supervisors_needed=data["supervisors_needed"],
                                    qualification=data["qualification"], children_under_6=data["children_under_6"],
                                    children_from_6=data["children_from_6"], request=request)
            except ValidationError as error:
                apply_errors(form, error, RENAMED)
            else:
                _saved(request, planning, _("Shift added."))
                return redirect("agenda:planning", org=request.organisation.slug, pk=planning.pk)
    problems = plannings.problems(planning, shifts, profiles) if can_manage else []
    changes = plannings.pending_changes(planning, shifts) if can_manage else []
    changed = {c.shift_id: c for c in changes}
    change_labels = {"added": _("New, not published"), "changed": _("Changed, not published")}
    by_shift = {}
    for p in problems:
        if p.shift_id:
            by_shift.setdefault(p.shift_id, []).append(p)
    me = request.membership.pk
    may_swap = planning.status == Planning.Status.PUBLISHED
    # Everything a row shows, computed once here: the row template stays plain output (a
    # {% url %}, a queryset or a translation per row and per cell cost most of the page).
    urls = {name: row_url(f"agenda:{name}", org=request.organisation.slug) for name in ("shift_edit", "shift_people", "shift_delete", "swap_new")}
    for s in shifts:
        start, end = timezone.localtime(s.start), timezone.localtime(s.end)
        s.day, s.hours = capfirst(date_format(start, "l j F")), f"{start:%H:%M}–{end:%H:%M}"
        s.names = ", ".join(str(m.user) for m in s.members)
        s.problems = by_shift.get(s.pk, [])
        s.needed = max(s.supervisors_needed, plannings.required_adults(s, planning))
        s.needs = ngettext("%(n)s adult needed", "%(n)s adults needed", s.needed) % {"n": s.needed}
        if s.children_under_6 or s.children_from_6:
            s.needs += " · " + _("%(a)s under 6, %(b)s aged 6+") % {"a": s.children_under_6, "b": s.children_from_6}
        s.problem_count = ngettext("%(n)s problem", "%(n)s problems", len(s.problems)) % {"n": len(s.problems)}
        s.mine = may_swap and any(m.pk == me for m in s.members)
        s.urls = {name: url(s.pk) for name, url in urls.items()}
        s.change = change_labels.get(changed[s.pk].kind, "") if s.pk in changed else ""
    team = {m.pk: m for s in shifts for m in s.members}
    team_rows = sorted(((m, profiles.get(m.pk)) for m in team.values()), key=lambda row: str(row[0].user))
    return render(request, "agenda/planning.html", {
        "planning": planning, "shifts": shifts, "problems": problems, "form": form, "can_manage": can_manage,
        "team": team_rows, "can_edit_profiles": policies.can_edit_work_profiles(request.membership),
        "changes": changes, "pending_label": _pending_label(len(changes)) if changes else "",
    })


def _shift(request, pk) -> Shift:
    shift = get_object_or_404(Shift.objects.for_organisation(request.organisation).select_related("planning__sector"), pk=pk)
    if not policies.can_manage_planning(request.membership, shift.planning.sector):
        raise PermissionDenied
    return shift


def shift_people(request, pk):
    shift = _shift(request, pk)
    people = list(shift.people.all())
    form = AssignForm(request.POST or None, organisation=request.organisation, sector=shift.planning.sector, on_shift=people,
                      initial={"people": people})
    if request.method == "POST" and form.is_valid():
        try:
            plannings.set_people(request.membership, shift, form.cleaned_data["people"], request=request)
        except ValidationError as error:
            apply_errors(form, error, RENAMED)
        else:
            _saved(request, shift.planning, _("Saved."))
            return redirect("agenda:planning", org=request.organisation.slug, pk=shift.planning_id)
    return render(request, "agenda/shift_people.html", {"shift": shift, "form": form})


@require_POST
def shift_delete(request, pk):
    shift = _shift(request, pk)
    plannings.delete_shift(request.membership, shift, request=request)
    _saved(request, shift.planning, _("Shift deleted."))
    return redirect("agenda:planning", org=request.organisation.slug, pk=shift.planning_id)


def _publication_page(request, pk, action, done, template):
    """The publish and discard pages: GET confirms (listing the pending changes), POST calls
    ``action`` (a service returning a count) and says ``done(count)`` on the planning page."""
    planning = get_object_or_404(_plannings(request), pk=pk)
    if not policies.can_manage_planning(request.membership, planning.sector):
        raise PermissionDenied
    back = redirect("agenda:planning", org=request.organisation.slug, pk=planning.pk)
    if request.method == "POST":
        try:
            count = action(request.membership, planning, request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, done(count) % {"n": count})
        return back
    shifts, _profiles = plannings.load(planning)
    changes = plannings.pending_changes(planning, shifts)
    if not changes and action is plannings.discard_changes:
        messages.info(request, _("No change waits for publication."))
        return back
    return render(request, template, {"planning": planning, "changes": changes,
                                      "pending_label": _pending_label(len(changes)) if changes else ""})


def planning_publish(request, pk):
    """Publish, or republish the pending changes: the confirmation lists them first."""
    return _publication_page(request, pk, plannings.publish, lambda n: ngettext(
        "Planning published: %(n)s person notified of their changes.", "Planning published: %(n)s people notified of their changes.", n),
        "agenda/planning_publish.html")


def planning_discard(request, pk):
    """Back to the published version, after a confirmation that lists what will be lost."""
    return _publication_page(request, pk, plannings.discard_changes, lambda n: ngettext(
        "%(n)s change discarded: the planning is back to its published version.",
        "%(n)s changes discarded: the planning is back to its published version.", n), "agenda/planning_discard.html")


def work_profile(request, pk):
    if not policies.can_edit_work_profiles(request.membership):
        raise PermissionDenied
    person = get_object_or_404(Membership.objects.for_organisation(request.organisation).select_related("user"), pk=pk)
    profile = WorkProfile.objects.filter(membership=person).first()
    initial = {"contract": profile.contract, "weekly_hours": profile.weekly_hours, "qualifications": profile.qualifications} if profile else {}
    form = WorkProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plannings.save_profile(request.membership, person, contract=data["contract"], weekly_hours=data["weekly_hours"],
                                   qualifications=data["qualifications"], request=request)
        except ValidationError as error:
            apply_errors(form, error, RENAMED)
        else:
            messages.success(request, _("Saved."))
            back = request.GET.get("planning", "")
            if back.isdigit():
                return redirect("agenda:planning", org=request.organisation.slug, pk=int(back))
            return redirect("agenda:plannings", org=request.organisation.slug)
    return render(request, "agenda/work_profile.html", {"person": person, "form": form})


def _closable(request):
    resources = Resource.objects.for_organisation(request.organisation).filter(is_active=True)
    return [r for r in resources if policies.can_manage_closures(request.membership, r)]


def closures(request):
    allowed = _closable(request)
    whole = policies.can_manage_closures(request.membership, None)
    if not allowed and not whole:
        raise PermissionDenied
    form = ClosureForm(request.POST or None, resources=Resource.objects.filter(pk__in=[r.pk for r in allowed]))
    if not whole:
        form.fields["resource"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_closure(request.membership, resource=data["resource"], start=data["start"], end=data["end"],
                                    reason=data["reason"], request=request)
        except ValidationError as error:
            apply_errors(form, error, RENAMED)
        except PermissionDenied:
            form.add_error("resource", _("Only the director may close the whole organisation."))
        else:
            messages.success(request, _("Closure saved: no booking is possible during it."))
            return redirect("agenda:closures", org=request.organisation.slug)
    qs = Closure.objects.for_organisation(request.organisation).select_related("resource").order_by("-start")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "agenda/closures.html", {"form": form, "page_obj": page})


@require_POST
def closure_delete(request, pk):
    closure = get_object_or_404(Closure.objects.for_organisation(request.organisation).select_related("resource"), pk=pk)
    services.delete_closure(request.membership, closure, request=request)
    messages.success(request, _("Closure removed."))
    return redirect("agenda:closures", org=request.organisation.slug)


def _shift_fields(data) -> dict:
    return {k: data[k] for k in ("title", "start", "end", "supervisors_needed", "qualification", "children_under_6", "children_from_6")}


def shift_edit(request, pk):
    """Change a shift: times, supervisors needed, qualification, children, people. The
    planning's problems for this shift are shown, and re-computed live (htmx) while editing."""
    shift = _shift(request, pk)
    form = ShiftEditForm(request.POST or None, organisation=request.organisation, shift=shift)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = plannings.update_shift(request.membership, shift, people=data["people"], request=request, **_shift_fields(data))
        except ValidationError as error:
            apply_errors(form, error, RENAMED)
        else:
            if found:
                messages.warning(request, _("Shift saved, with %(n)s problems to resolve before publishing.") % {"n": len(found)})
            else:
                _saved(request, shift.planning, _("Shift saved."))
            return redirect("agenda:planning", org=request.organisation.slug, pk=shift.planning_id)
    found = plannings.shift_problems(shift.planning, shift) if request.method == "GET" else None
    return render(request, "agenda/shift_edit.html", {"shift": shift, "form": form, "problems": found})


@require_POST
def shift_check(request, pk):
    """Live check of the shift form (htmx): the problems the changes would give; nothing saved."""
    shift = _shift(request, pk)
    form = ShiftEditForm(request.POST, organisation=request.organisation, shift=shift)
    found, problem = None, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            found = plannings.preview_shift(request.membership, shift, people=data["people"], **_shift_fields(data))
        except ValidationError as error:
            problem = error.messages[0]
    elif form.errors:
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else ""
        problem = f"{label} : {errors[0]}" if label else errors[0]
    return render(request, "agenda/partials/shift_problems.html", {"problems": found, "problem": problem})


def _swaps(request):
    return ShiftSwap.objects.for_organisation(request.organisation).select_related(
        "planning__sector", "shift", "counter_shift", "requester__user", "recipient__user")


def swap_new(request, pk):
    """Offer one of my shifts (of a published planning) to a colleague, or exchange it."""
    shift = get_object_or_404(Shift.objects.for_organisation(request.organisation).select_related("planning__sector"), pk=pk,
                              planning__status=Planning.Status.PUBLISHED)
    if request.membership.pk not in plannings.published_people(shift.planning, shift):
        raise PermissionDenied
    form = SwapForm(request.POST or None, shift=shift, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plannings.propose_swap(request.membership, shift, recipient=data["recipient"], counter_shift=data["counter_shift"],
                                   message=data["message"], request=request)
        except ValidationError as error:
            apply_errors(form, error, RENAMED)
        else:
            messages.success(request, _("Swap proposed: your colleague has been notified."))
            return redirect("agenda:swaps", org=request.organisation.slug)
    return render(request, "agenda/swap_form.html", {"shift": shift, "form": form})


def swaps(request):
    """My swaps: proposals to answer, my requests, and (coordinators) swaps to approve."""
    me = request.membership
    if request.method == "POST":
        pk = request.POST.get("swap", "")
        swap = get_object_or_404(_swaps(request), pk=int(pk) if pk.isdigit() else 0)
        action = request.POST.get("action")
        try:
            if action in ("accept", "decline"):
                plannings.answer_swap(me, swap, action == "accept", request=request)
            elif action in ("approve", "refuse"):
                plannings.decide_swap(me, swap, action == "approve", request=request)
            elif action == "withdraw":
                plannings.withdraw_swap(me, swap, request=request)
            else:
                raise ValidationError(_("Choose an action."))
        except plannings.SwapConflict as error:
            messages.error(request, " ".join([error.messages[0], *[p.message for p in error.problems[:5]]]))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Done."))
        return redirect("agenda:swaps", org=request.organisation.slug)
    sectors = [s.pk for s in _sectors(request)] if policies.can_plan(me) else []
    recent = _swaps(request).order_by("-created_at")
    return render(request, "agenda/swaps.html", {
        "incoming": recent.filter(recipient=me, status=ShiftSwap.Status.PROPOSED)[:50],
        "to_approve": recent.filter(planning__sector_id__in=sectors, status=ShiftSwap.Status.ACCEPTED)[:50],
        "mine": recent.filter(requester=me)[:30],
    })
