"""Leave pages: « Mes congés » for everyone, team ledgers and settings for HR."""

from __future__ import annotations

from decimal import Decimal
from html import escape  # plain text only (Django's escape() without the SafeString)
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership
from maillon.core.csvexport import csv_response
from maillon.core.forms import apply_errors
from maillon.core.prepared import prepared
from maillon.core.reversing import row_url

from . import insight, policies, services
from .forms import (
    CorrectionForm,
    CycleForm,
    EntryFilterForm,
    EstimateForm,
    ImportForm,
    LeaveTypeForm,
    SettingsForm,
    SimulatorForm,
)
from .models import LeaveType, LedgerEntry
from .templatetags.leave import LEDGER_COLUMNS, PERSON_COLUMNS, days


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def mine(request):
    membership = request.membership
    rows = services.balances(membership, with_reliquat=True)
    simulation = None
    types = [r["type"] for r in rows]
    form = SimulatorForm(request.GET, types=types) if "start_date" in request.GET else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        row = next(r for r in rows if r["type"].pk == data["leave_type"].pk)
        try:
            days = services.validate_request(membership, data["leave_type"], data["start_date"], data["start_half"], data["end_date"],
                                             data["end_half"], current=row["balance"], pending=row["pending"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            after = row["available"] - days if data["leave_type"].counts_against_balance else None
            simulation = {"days": days, "type": data["leave_type"], "balance": row["balance"], "pending": row["pending"], "after": after,
                          "negative_allowed": after is not None and after < 0}
    page = Paginator(_Ledger(organisation=membership.organisation_id, membership=membership.pk), 20).get_page(request.GET.get("page"))
    return render(request, "leave/mine.html", {
        "balances": rows, "form": form, "form_html": None if form is not None else _simulator_html(types), "simulation": simulation, "page_obj": page,
        "abilities": policies.abilities(membership), "mode": str(services.settings_for(request.organisation).get_counting_mode_display()).lower(),
    })


# The simulator's empty form is the same for everyone of an organisation in a language (its leave
# types are the only choices): drawn once per process and shape, not on each visit (its fields and
# widgets were a quarter of the page's CPU; issue 14). A filled-in form is drawn as usual.
_EMPTY_SIMULATORS: dict[tuple, str] = {}


def _simulator_html(types) -> str:
    """The empty simulator of these leave types, the form built only the first time."""
    return _EMPTY_SIMULATORS.get((get_language(), tuple((t.pk, t.name) for t in types))) or _empty_simulator(SimulatorForm(None, types=types))


def _empty_simulator(form) -> str:
    key = (get_language(), tuple(form.fields["leave_type"].choices))
    html = _EMPTY_SIMULATORS.get(key)
    if html is None:
        if len(_EMPTY_SIMULATORS) > 500:
            _EMPTY_SIMULATORS.clear()
        html = _EMPTY_SIMULATORS[key] = render_to_string("ui/partials/form.html", {"form": form})
    return html


def estimate(request):
    """The leave form's live count (htmx, GET, nothing saved): the days the request would cost
    the person asking, how they are counted and the balance after it. Always a fragment, with a
    French sentence when the dates are incomplete or wrong."""
    form = EstimateForm(request.GET, organisation=request.organisation)
    context = {"mode": services.settings_for(request.organisation).counting_mode}
    if form.incomplete:
        context["hint"] = True
    elif not form.is_valid():
        context["problem"] = form.problem()
    elif form.cleaned_data["type"] is not None:
        data = form.cleaned_data
        context["estimate"] = insight.estimate(request.membership, data["type"], data["period__start"], data["period__start_half"],
                                               data["period__end"], data["period__end_half"])
    return render(request, "leave/_estimate.html", context)


def _members(request):
    return Membership.objects.for_organisation(request.organisation).active().select_related("user", "sector")


def team(request):
    _require(policies.can_view_all_ledgers(request.membership))
    organisation = request.organisation
    types = [t for t in services.active_types(organisation) if t.counts_against_balance]
    search = request.GET.get("q", "").strip()
    # Plain values, not three model instances per person: a row prints only these.
    if search:
        members = (_members(request).order_by("user__last_name", "user__first_name", "pk")
                   .filter(Q(user__first_name__icontains=search) | Q(user__last_name__icontains=search) | Q(user__username__icontains=search))
                   .values_list("pk", "user__first_name", "user__last_name", "user__username", "sector__name"))
    else:  # the whole team, read at once (a page of an organisation's staff and their number from one list)
        members = list(_team_members(organisation=organisation.pk))
    page = Paginator(members, 30).get_page(request.GET.get("page"))
    ids = [row[0] for row in page.object_list]
    sums = {(m, t): total for m, t, total in _team_sums(len(ids))(organisation=organisation.pk, **{f"m{i}": pk for i, pk in enumerate(ids)})} if ids else {}
    abilities = policies.abilities(request.membership)
    return render(request, "leave/team.html", {
        "types": types, "rows": _team_rows(organisation, page.object_list, types, sums, abilities), "page_obj": page,
        "search": search, "query": urlencode({"q": search}), "abilities": abilities,
    })


@prepared(organisation=-746_001)
def _team_members(organisation):
    return (Membership.objects.filter(organisation_id=organisation).active().order_by("user__last_name", "user__first_name", "pk")
            .values_list("pk", "user__first_name", "user__last_name", "user__username", "sector__name"))


# The ledger's sums of a page's people per leave type, compiled once per process for each number of people.
_TEAM_SUMS: dict[int, object] = {}


def _team_sums(n: int):
    query = _TEAM_SUMS.get(n)
    if query is None:
        stand_ins = {f"m{i}": -746_100 - i for i in range(n)}

        @prepared(organisation=-746_001, **stand_ins)
        def query(organisation, **people):
            return (LedgerEntry.objects.filter(organisation_id=organisation, membership_id__in=list(people.values())).values("membership", "leave_type")
                    .annotate(total=Sum("amount")).values_list("membership", "leave_type", "total"))

        _TEAM_SUMS[n] = query
    return query


def _team_rows(organisation, members, types, sums, abilities) -> str:
    """The team page's rows (``members``: (pk, first name, last name, login, sector name)), drawn
    here: the URLs are reversed once per page, not three times per person, the balances are one
    string and the rows are not a template loop (issue 14: CPU per page)."""
    slug = {"org": organisation.slug}
    history, correction = reverse("leave:entries", kwargs=slug), reverse("leave:correction", kwargs=slug)
    cycle = row_url("leave:cycle", **slug)
    history_label, correct_label, cycle_label = _("History"), _("Correct"), _("Work cycle")  # as {% translate %} writes them
    texts: dict = {}  # days() of each distinct sum
    rows = []
    for pk, first_name, last_name, username, sector in members:
        text = " · ".join(f"{t.name} {texts.get(total) or texts.setdefault(total, days(total))}"
                          for t in types for total in (sums.get((pk, t.pk)) or Decimal(0),))
        detail = f"{sector} · {text}" if sector is not None else text
        link = f"{history}?q={quote(username, safe='/')}"
        tools = f'<a href="{escape(link)}">{history_label}</a>'
        if abilities["correct"]:
            tools += f'<a href="{escape(f"{correction}?personne={pk}")}">{correct_label}</a>'
        if abilities["configure"]:
            tools += f'<a href="{escape(cycle(pk))}">{cycle_label}</a>'
        rows.append(
            f'\n  <li class="row">\n    <div class="row-main">\n'
            f'      <p class="row-primary">{escape(f"{first_name} {last_name}".strip() or username)}</p>\n'  # User.get_full_name(), or the login
            f'      <p class="row-secondary">{escape(detail)}</p>\n      </div>\n'
            f'    <div class="row-tools">{tools}</div>\n  </li>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped


def entries(request):
    _require(policies.can_view_all_ledgers(request.membership))
    abilities = policies.abilities(request.membership)
    if not request.GET:  # the first visit: no filter, the organisation's latest movements
        return render(request, "leave/entries.html", {
            "filters_html": _empty_filters(request.organisation), "page_obj": Paginator(_Ledger(organisation=request.organisation.pk), 30).get_page(None),
            "query": "", "abilities": abilities,
        })
    form = EntryFilterForm(request.GET, organisation=request.organisation)
    queryset = LedgerEntry.objects.for_organisation(request.organisation).select_related("membership__user", "leave_type", "created_by")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            queryset = queryset.filter(Q(membership__user__first_name__icontains=q) | Q(membership__user__last_name__icontains=q) | Q(membership__user__username__icontains=q))
        if data["leave_type"]:
            queryset = queryset.filter(leave_type=data["leave_type"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["since"]:
            queryset = queryset.filter(created_at__date__gte=data["since"])
        if data["until"]:
            queryset = queryset.filter(created_at__date__lte=data["until"])
    if request.GET.get("export") == "csv":
        return _csv(queryset)
    page = Paginator(queryset.values_list(*LEDGER_COLUMNS, *PERSON_COLUMNS), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(request, "leave/entries.html", {"form": form, "page_obj": page, "query": query.urlencode(), "abilities": abilities})


# The movements page's filter bar without a filter is the same for every visit of an organisation
# in a language (its leave types are the only variable options): drawn once per process for them,
# without building the form and its key at each visit (issue 14). A filtered page draws its form.
_EMPTY_FILTERS: dict[tuple, str] = {}


@prepared(organisation=-745_001)
def _type_choices(organisation):
    """The leave type options of EntryFilterForm (its queryset's rows and order)."""
    return LeaveType.objects.filter(organisation_id=organisation).values_list("pk", "name")


def _empty_filters(organisation) -> str:
    key = (get_language(), organisation.pk, tuple(_type_choices(organisation=organisation.pk)))
    html = _EMPTY_FILTERS.get(key)
    if html is None:
        if len(_EMPTY_FILTERS) > 500:
            _EMPTY_FILTERS.clear()
        html = _EMPTY_FILTERS[key] = render_to_string("ui/partials/filters.html", {"form": EntryFilterForm(None, organisation=organisation), "search": "q"})
    return html


class _Ledger:
    """A ledger's rows (LEDGER_COLUMNS, and PERSON_COLUMNS for a whole organisation's), newest first,
    as a Paginator reads them: their number and one page, through queries compiled once per
    process (issue 14: building them cost more than running them)."""

    def __init__(self, *, organisation: int, membership: int | None = None):
        self.values = {"organisation": organisation} if membership is None else {"organisation": organisation, "membership": membership}

    def __len__(self) -> int:
        count = _person_count if len(self.values) == 2 else _organisation_count
        return next(iter(count(**self.values)), 0)

    def __getitem__(self, page: slice) -> list[tuple]:
        rows = _person_rows if len(self.values) == 2 else _organisation_rows
        if page.stop <= page.start:  # an empty ledger's only page (an empty slice is no SQL at all)
            return []
        if page.start < 600:  # the first pages (a compiled query per page)
            return list(rows(**self.values, bottom=page.start, top=page.stop))
        return list(rows.__wrapped__(**self.values, bottom=page.start, top=page.stop))


@prepared(organisation=-745_001)
def _organisation_count(organisation):
    return LedgerEntry.objects.filter(organisation_id=organisation).order_by().values("organisation_id").annotate(n=Count("pk")).values_list("n", flat=True)


@prepared(organisation=-745_001, membership=-745_002)
def _person_count(organisation, membership):
    return (LedgerEntry.objects.filter(organisation_id=organisation, membership_id=membership).order_by().values("membership_id")
            .annotate(n=Count("pk")).values_list("n", flat=True))


@prepared(organisation=-745_001)
def _organisation_rows(organisation, bottom, top):
    return LedgerEntry.objects.filter(organisation_id=organisation).values_list(*LEDGER_COLUMNS, *PERSON_COLUMNS)[bottom:top]


@prepared(organisation=-745_001, membership=-745_002)
def _person_rows(organisation, membership, bottom, top):
    return LedgerEntry.objects.filter(organisation_id=organisation, membership_id=membership).values_list(*LEDGER_COLUMNS)[bottom:top]


def _csv(queryset) -> HttpResponse:
    header = [_("Recorded at"), _("Login"), _("Person"), _("Leave type"), _("Movement"), _("Days"), pgettext("date range", "From"), pgettext("date range", "To"), _("Reference"), _("Reason"), _("By")]
    rows = ([
        timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"), e.membership.user.username, e.membership.user.get_full_name(),
        e.leave_type.code, e.get_kind_display(), services.format_days(e.amount),
        f"{e.start_date} {e.start_half}" if e.start_date else "", f"{e.end_date} {e.end_half}" if e.end_date else "",
        e.reference, e.reason, e.created_by.username if e.created_by else "",
    ] for e in queryset.iterator(chunk_size=1000))
    return csv_response(f"conges-mouvements-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def correction(request):
    _require(policies.can_correct(request.membership))
    initial = {}
    if request.GET.get("personne", "").isdigit():
        initial["membership"] = request.GET["personne"]
    form = CorrectionForm(request.POST or None, initial=initial, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_correction(membership=data["membership"], leave_type=data["leave_type"], amount=data["amount"],
                                    reason=data["reason"], actor=request.user, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Correction recorded for %(person)s.") % {"person": data["membership"].user})
            return redirect("leave:entries", org=request.organisation.slug)
    return render(request, "leave/correction.html", {"form": form})


def import_balances(request):
    _require(policies.can_import(request.membership))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.import_opening_balances(request.organisation, form.cleaned_data["file"], actor=request.user, request=request)
    return render(request, "leave/import.html", {
        "form": form, "report": report, "ok": sum(1 for r in report or [] if r.ok), "failed": sum(1 for r in report or [] if not r.ok),
        "types": services.leave_types(request.organisation),
    })


def settings_page(request):
    _require(policies.can_configure(request.membership))
    conf = services.settings_for(request.organisation)
    form = SettingsForm(request.POST or None, instance=conf)
    if request.method == "POST" and form.is_valid():
        form.save()
        from maillon.audit.services import record

        record("leave.settings", actor=request.user, organisation=request.organisation, data=form.cleaned_data, request=request)
        messages.success(request, _("Leave settings saved."))
        return redirect("leave:settings", org=request.organisation.slug)
    services.ensure_default_types(request.organisation)
    types = LeaveType.objects.for_organisation(request.organisation)
    return render(request, "leave/settings.html", {"form": form, "types": types})


def leave_type(request, pk=None):
    _require(policies.can_configure(request.membership))
    instance = get_object_or_404(LeaveType.objects.for_organisation(request.organisation), pk=pk) if pk else LeaveType(organisation=request.organisation)
    form = LeaveTypeForm(request.POST or None, instance=instance, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        from maillon.audit.services import record

        record("leave.type", actor=request.user, organisation=request.organisation, target=saved, data=form.cleaned_data, request=request)
        messages.success(request, _("Leave type « %(name)s » saved.") % {"name": saved.name})
        return redirect("leave:settings", org=request.organisation.slug)
    return render(request, "leave/type_form.html", {"form": form, "instance": instance})


def cycle(request, pk):
    _require(policies.can_configure(request.membership))
    member = get_object_or_404(_members(request), pk=pk)
    current = services.cycle_of(member)
    form = CycleForm(request.POST or None, initial={"half_days": [bit for bit in range(14) if current >> bit & 1]})
    if request.method == "POST" and form.is_valid():
        services.set_cycle(member, form.mask(), actor=request.user, request=request)
        messages.success(request, _("Work cycle of %(person)s saved.") % {"person": member.user})
        return redirect("leave:team", org=request.organisation.slug)
    return render(request, "leave/cycle.html", {"form": form, "member": member})
