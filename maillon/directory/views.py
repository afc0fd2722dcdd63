"""Directory pages: thin views over scoped querysets, policies and services."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.roles import Role
from maillon.core.prepared import prepared
from maillon.core.reversing import row_url

from . import policies, presence, services
from .forms import ContactForm, FacilitatorForm, LinkForm, PartnerForm
from .models import Contact, Facilitator, Link, Partner
from .vcard import vcard

EDITABLE = {
    "partenaire": (Partner, PartnerForm, "directory:partners"),
    "animateur": (Facilitator, FacilitatorForm, "directory:facilitators"),
    "lien": (Link, LinkForm, "directory:links"),
}


def _abilities(request) -> dict:
    return {"can_edit": policies.can_edit_directory(request.membership), "can_see_comments": policies.can_see_internal_comments(request.membership)}


def partners(request):
    queryset = Partner.objects.for_organisation(request.organisation).annotate(contact_count=Count("contacts"))
    kind = request.GET.get("type")
    if kind in Partner.Kind.values:
        queryset = queryset.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(tags__icontains=q) | Q(contacts__name__icontains=q)).distinct()
    page_obj = Paginator(queryset.order_by("name"), 30).get_page(request.GET.get("page"))
    return render(request, "directory/partners.html", {
        "page_obj": page_obj, "kinds": Partner.Kind.choices, "kind": kind, "search": q, "query": f"type={kind or ''}&q={q}", **_abilities(request),
    })


def partner(request, pk):
    found = get_object_or_404(Partner.objects.for_organisation(request.organisation), pk=pk)
    return render(request, "directory/partner.html", {"partner": found, "contacts": list(found.contacts.all()), **_abilities(request)})


def facilitators(request):
    queryset = Facilitator.objects.for_organisation(request.organisation)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(skills__icontains=q))
    page_obj = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "directory/facilitators.html", {"page_obj": page_obj, "search": q, "query": f"q={q}", **_abilities(request)})


def links(request):
    all_links = list(Link.objects.for_organisation(request.organisation))
    return render(request, "directory/links.html", {
        "portals": [link for link in all_links if link.kind == Link.Kind.FUNDER_PORTAL],
        "useful": [link for link in all_links if link.kind == Link.Kind.USEFUL], **_abilities(request),
    })


# What a staff row prints of a person, read as values (model instances cost their building: issue 14).
STAFF_FIELDS = ("pk", "user_id", "sector_id", "job_title", "user__username", "user__first_name", "user__last_name",
                "user__phone", "user__email", "cycle_half_days")


class StaffPerson:
    """One active member as the staff list reads them: what a row prints, and what ``presence``
    reads (``pk``, ``user_id``, ``cycle_half_days``)."""

    __slots__ = ("pk", "user_id", "sector_id", "job_title", "username", "first_name", "last_name", "phone", "email",
                 "cycle_half_days", "presence")

    def __init__(self, row):
        (self.pk, self.user_id, self.sector_id, self.job_title, self.username, self.first_name, self.last_name,
         self.phone, self.email, self.cycle_half_days) = row

    @property
    def display_name(self) -> str:
        """``User.display_name``: the full name, else the username."""
        return f"{self.first_name} {self.last_name}".strip() or self.username


def staff(request):
    """Colleagues with sector, roles, contact and whether they are present today."""
    org = request.organisation
    sector = request.GET.get("secteur", "")
    q = request.GET.get("q", "").strip()
    if q:
        queryset = _staff_queryset(org.pk)
        if sector.isdigit():
            queryset = queryset.filter(sector_id=int(sector))
        queryset = queryset.filter(Q(user__first_name__icontains=q) | Q(user__last_name__icontains=q) | Q(job_title__icontains=q))
    elif sector.isdigit():
        queryset = _staff_of_sector(organisation=org.pk, sector=int(sector))
    else:
        queryset = _staff_of(organisation=org.pk)
    # Presence is computed for everyone matching (a fixed number of queries) so that the
    # « present / absent today » filter and the counts are right whatever the page.
    people = [StaffPerson(row) for row in queryset]
    presences = presence.presence_today(org, people, day=timezone.localdate(), cycles=presence.cycles_of(people))
    for m in people:
        m.presence = presences[m.pk]
    on_leave = sum(1 for m in people if m.presence.reason == presence.LEAVE and m.presence.status == presence.ABSENT)
    shown = request.GET.get("presence", "")
    if shown == "present":
        people = [m for m in people if m.presence.status in (presence.PRESENT, presence.PARTLY)]
    elif shown == "absent":
        people = [m for m in people if m.presence.status == presence.ABSENT]
    else:
        shown = ""
    page_obj = Paginator(people, 40).get_page(request.GET.get("page"))
    sectors = list(_sectors_of(organisation=org.pk))  # the filter's options, and the rows' sector names
    return render(request, "directory/staff.html", {
        "page_obj": page_obj, "rows": _staff_rows_html(_staff_rows(org, page_obj.object_list, sectors, _skills(request, page_obj.object_list))),
        "sectors": sectors,
        "sector": sector, "search": q, "shown": shown, "away_count": on_leave, "query": f"secteur={sector}&q={q}&presence={shown}",
    })


def _staff_queryset(organisation):
    """The active members of ``organisation`` (an id) as ``STAFF_FIELDS`` rows (work cycle included), by name."""
    return presence.with_work_cycles(
        Membership.objects.active().filter(organisation=organisation)
    ).order_by("user__last_name", "user__first_name").values_list(*STAFF_FIELDS)


# Without a search, the list's query is compiled once per process (core.prepared, issue 14).
@prepared(organisation=-130_021)
def _staff_of(organisation):
    return _staff_queryset(organisation)


@prepared(organisation=-130_021, sector=-130_022)
def _staff_of_sector(organisation, sector):
    return _staff_queryset(organisation).filter(sector_id=sector)


@prepared(organisation=-130_023)
def _sectors_of(organisation):
    from maillon.organisations.models import Sector

    return Sector.objects.for_organisation(organisation).only("name")


@prepared(organisation=-130_024)
def _roles_in(organisation):
    """(membership_id, role) of the organisation's active members (the rows' roles)."""
    return RoleAssignment.objects.filter(membership__organisation=organisation, membership__is_active=True).values_list("membership_id", "role")


def _skills(request, memberships) -> dict[int, str]:
    """« Compétences : … » of each person who declared some in the skills directory (one query),
    when that app is installed; nothing of someone who chose to be hidden."""
    if not apps.is_installed("maillon.expertise"):
        return {}
    from maillon.expertise.services import skills_summary

    return skills_summary(request.user, [m.user_id for m in memberships])


def _staff_rows(org, memberships, sectors, skills=None) -> list[dict]:
    """One staff row per ``StaffPerson``, as plain values the template prints: the roles' labels
    (one query for the organisation, in the roles' order) and the vCard link (one reverse for the page)."""
    held: dict[int, set[str]] = {}
    for membership_id, role in _roles_in(organisation=org.pk):
        held.setdefault(membership_id, set()).add(role)
    labels = [(role, str(label)) for role, label in Role.choices]
    vcard_url = row_url("directory:person_vcard", org=org.slug)
    sector_names = {s.pk: s.name for s in sectors}
    no_sector = _("No sector")
    rows = []
    for m in memberships:
        roles = held.get(m.pk, ())
        summary = [m.job_title, sector_names.get(m.sector_id) or no_sector, ", ".join(label for role, label in labels if role in roles)]
        rows.append({
            "name": m.display_name, "summary": " · ".join(part for part in summary if part),
            "lines": [*([m.presence.detail] if m.presence.detail else []), *m.presence.activities,
                      *([skills[m.user_id]] if skills and m.user_id in skills else [])],
            "phone": m.phone, "email": m.email, "vcard_url": vcard_url(m.pk),
            "status": m.presence.label, "status_css": m.presence.css,
        })
    return rows


def _staff_rows_html(rows: list[dict]) -> str:
    """The staff rows' list, drawn here rather than by a template loop (40 rows of ten values were
    a tenth of the page's CPU: issue 14). Same markup as the loop had; empty without rows."""
    if not rows:
        return ""
    vcard = escape(_("vCard"))
    items = []
    for r in rows:
        lines = "".join(f"<br>{escape(line)}" for line in r["lines"])
        phone = f'<a href="tel:{escape(r["phone"])}">{escape(r["phone"])}</a>' if r["phone"] else ""
        email = f'<a href="mailto:{escape(r["email"])}">{escape(r["email"])}</a>' if r["email"] else ""
        items.append(
            f'\n  <li class="row">\n    <div class="row-main">\n      <p class="row-primary">{escape(r["name"])}</p>\n'
            f'      <p class="row-secondary">{escape(r["summary"])}{lines}</p>\n      </div>\n'
            f'    <div class="row-tools">{phone}{email}<a href="{escape(r["vcard_url"])}">{vcard}</a></div>\n'
            f'    <div class="row-end"><span class="status {escape(r["status_css"])}">{escape(r["status"])}</span></div>\n  </li>'
        )
    return mark_safe(f'<ul class="rows staff-rows">{"".join(items)}\n</ul>')  # noqa: S308 - every value in it is escaped


def edit(request, kind, pk=None):
    if kind not in EDITABLE:
        raise PermissionDenied
    model, form_class, list_url = EDITABLE[kind]
    if not policies.can_edit_directory(request.membership):
        raise PermissionDenied
    instance = get_object_or_404(model.objects.for_organisation(request.organisation), pk=pk) if pk else model(organisation=request.organisation)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = services.save(request, form.save(commit=False), created=pk is None)
        messages.success(request, _("« %(name)s » was saved.") % {"name": saved})
        if isinstance(saved, Partner):
            return redirect(saved.get_absolute_url())
        return redirect(list_url, org=request.organisation.slug)
    title = _("Edit « %(name)s »") % {"name": instance} if pk else _("Add: %(what)s") % {"what": model._meta.verbose_name}
    return render(request, "directory/form.html", {"form": form, "title": title, "back_url": list_url})


def contact_edit(request, partner_pk, pk=None):
    if not policies.can_edit_directory(request.membership):
        raise PermissionDenied
    owner = get_object_or_404(Partner.objects.for_organisation(request.organisation), pk=partner_pk)
    instance = get_object_or_404(Contact.objects.for_organisation(request.organisation).filter(partner=owner), pk=pk) if pk else Contact(partner=owner, organisation=request.organisation)
    form = ContactForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = services.save(request, form.save(commit=False), created=pk is None)
        messages.success(request, _("« %(name)s » was saved.") % {"name": saved})
        return redirect(owner.get_absolute_url())
    title = _("Edit « %(name)s »") % {"name": instance} if pk else _("Add a contact at %(name)s") % {"name": owner}
    return render(request, "directory/form.html", {"form": form, "title": title, "back_url": "directory:partners"})


def delete(request, kind, pk):
    models = {**{k: v[0] for k, v in EDITABLE.items()}, "contact": Contact}
    if kind not in models or not policies.can_edit_directory(request.membership):
        raise PermissionDenied
    instance = get_object_or_404(models[kind].objects.for_organisation(request.organisation), pk=pk)
    if request.method == "POST":
        back = instance.partner.get_absolute_url() if isinstance(instance, Contact) else None
        services.delete(request, instance)
        messages.success(request, _("« %(name)s » was deleted.") % {"name": instance})
        return redirect(back) if back else redirect(EDITABLE[kind][2], org=request.organisation.slug)
    return render(request, "directory/delete.html", {"object": instance})


def _vcard_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "contact"}.vcf"'
    return response


def contact_vcard(request, pk):
    c = get_object_or_404(Contact.objects.for_organisation(request.organisation).select_related("partner"), pk=pk)
    return _vcard_response(vcard(name=c.name, organisation=c.partner.name, title=c.function, phone=c.phone, email=c.email, address=c.address), c.name)


def facilitator_vcard(request, pk):
    f = get_object_or_404(Facilitator.objects.for_organisation(request.organisation), pk=pk)
    return _vcard_response(vcard(name=f.name, title=f.skills, phone=f.phone, email=f.email, note=f.rates), f.name)


def person_vcard(request, pk):
    m = get_object_or_404(Membership.objects.active().for_organisation(request.organisation).select_related("user"), pk=pk)
    return _vcard_response(vcard(name=m.user.get_full_name() or m.user.username, organisation=request.organisation.name, title=m.job_title, phone=m.user.phone, email=m.user.email), str(m.user))
