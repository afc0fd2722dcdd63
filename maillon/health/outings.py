"""The outing sheet (fiche de sortie): for the children an animator takes out, what to know at
once (name, age, allergies and diet, treatments, PAI, emergency contacts and doctor) on one
printable page and in a PDF. Only records the person may read; every sheet printed or shown is
audited with the children's record ids."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.audit.services import record as audit
from maillon.core import feder
from maillon.core.pdf import NEXT_LINE, HousePDF, french_datetime, text

from .models import HealthRecord

MAX_CHILDREN = 200
TITLE_LENGTH = 120
LABEL_WIDTH = 40  # mm: « Traitements en cours » in bold at 9.5 pt


@dataclass
class Child:
    """One child's lines on the sheet (already decrypted: never cached, never logged)."""

    name: str
    age: int
    sectors: str
    allergies: str
    diet: str
    treatments: str
    has_pai: bool
    doctor_name: str
    doctor_phone: str
    expired: bool
    allows_outings: bool
    allows_transport: bool
    allows_emergency_care: bool
    contacts: list[tuple[str, str, str, bool]] = field(default_factory=list)  # name, relationship, phone, may collect


def parse_ids(values) -> list[int]:
    """The chosen record ids (« enfants »), without duplicates, in the order given; None on junk."""
    ids = []
    for value in values:
        if not str(value).isdigit():
            return None
        if int(value) not in ids:
            ids.append(int(value))
    return ids


def records_for(membership, ids: list[int]) -> list[HealthRecord] | None:
    """The records of ``ids`` that ``membership`` may read, by name; None when one of them is
    not readable (another sector, another organisation, deleted): the caller answers 404.
    Three queries whatever the number of children."""
    records = list(HealthRecord.objects.visible_to(membership).filter(pk__in=ids)
                   .prefetch_related("sectors", "contacts").order_by("search_name", "pk"))
    if len(records) != len(set(ids)):
        return None
    return records


def children(records, today=None) -> list[Child]:
    today = today or timezone.localdate()
    found = []
    for r in records:
        found.append(Child(
            name=f"{r.last_name.upper()} {r.first_name}", age=r.age(today), sectors=", ".join(s.name for s in r.sectors.all()),
            allergies=r.allergies, diet=r.diet, treatments=r.treatments, has_pai=bool(r.has_pai), doctor_name=r.doctor_name, doctor_phone=r.doctor_phone,
            expired=r.is_expired(today), allows_outings=bool(r.allows_outings), allows_transport=bool(r.allows_transport),
            allows_emergency_care=bool(r.allows_emergency_care),
            contacts=[(c.name, c.relationship, c.phone, bool(c.may_collect)) for c in r.contacts.all()],
        ))
    return found


def audit_sheet(request, records, *, title: str, output: str) -> None:
    """One entry per sheet shown or printed: who, when, from where, which records (ids)."""
    audit("health.outing_sheet", actor=request.user, organisation=request.organisation, request=request,
          data={"records": [r.pk for r in records], "format": output, "title": title[:TITLE_LENGTH]})


def warnings(child: Child) -> list[str]:
    """What the animator must not miss: a record out of date, a consent not given."""
    found = []
    if child.expired:
        found.append(_("Record expired"))
    if not child.allows_outings:
        found.append(_("Outings not allowed"))
    if not child.allows_transport:
        found.append(_("Transport not allowed"))
    if not child.allows_emergency_care:
        found.append(_("Emergency care not allowed"))
    return found


def contact_line(contact) -> str:
    name, relationship, phone, may_collect = contact
    line = f"{name} ({relationship})" if relationship else name
    line += f" : {phone}"
    if not may_collect:
        line += " · " + _("may not collect the child")
    return line


def outing_pdf(organisation, sheet_children: list[Child], *, title: str) -> bytes:
    """A4, one block per child: the name and age in bold, then what matters under it."""
    printed = _("Printed on %(date)s") % {"date": french_datetime(timezone.now())}
    heading = _("Outing sheet") + (f" · {title}" if title else "")
    pdf = HousePDF(title=heading, author=organisation.name, footer=f"{organisation.name} · {heading} · {printed}",
                   feder=feder.shown(organisation))
    pdf.masthead(organisation.name, heading)
    made = ngettext("%(counter)s child · made on %(date)s", "%(counter)s children · made on %(date)s", len(sheet_children)) % {
        "counter": len(sheet_children), "date": french_datetime(timezone.now(), "j F Y à H:i")}
    pdf.note(f"{made} · " + _("confidential: health data, keep it on you and destroy it after the outing."))
    pdf.set_text_color(0)
    for child in sheet_children:
        if pdf.will_page_break(40):
            pdf.add_page()
        pdf.ln(2)
        pdf.set_draw_color(150)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, text(f"{child.name}, " + ngettext("%(n)s year old", "%(n)s years old", child.age) % {"n": child.age} + f" · {child.sectors}"), **NEXT_LINE)
        alerts = warnings(child)
        if child.has_pai:
            alerts.insert(0, _("PAI: individual care plan"))
        if alerts:
            pdf.set_text_color(170, 0, 0)
            pdf.set_font("Helvetica", "B", 9.5)
            pdf.multi_cell(0, 5, text(" · ".join(alerts)), **NEXT_LINE)
            pdf.set_text_color(0)
        rows = [(_("Allergies"), child.allergies), *([(_("Diet"), child.diet)] if child.diet else []),
                (_("Ongoing treatments"), child.treatments),
                (_("Doctor"), " · ".join(v for v in (child.doctor_name, child.doctor_phone) if v))]
        rows += [(_("Contact"), contact_line(c)) for c in child.contacts]
        pdf.set_font("Helvetica", size=9.5)
        for label, value in rows:
            pdf.set_font("Helvetica", "B", 9.5)
            pdf.cell(LABEL_WIDTH, 5, text(label), new_x="RIGHT", new_y="TOP")
            pdf.set_font("Helvetica", size=9.5)
            pdf.multi_cell(0, 5, text(value or "—"), **NEXT_LINE)
    return bytes(pdf.output())
