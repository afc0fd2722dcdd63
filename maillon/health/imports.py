"""Records from a CSV file (the paper forms typed up) and the director's export, in the same
columns (an export can be imported elsewhere).

The file: UTF-8 (a spreadsheet's « CSV UTF-8 »), « ; » or « , » between columns, one child per
line after the header, 2 MB and 1,000 children at most. Dates as 04/03/2017 (or 2017-03-04),
yes/no columns as « oui »/« non », sectors by their names separated by « , », up to eight
contacts in columns contact1_… to contact8_….

All or nothing: every line is checked through the record form and the contact form (the same
rules and French messages as the pages), and the file is imported only when every line is
right; otherwise nothing is saved and the report says, line by line, what to correct. A file
imported twice would otherwise create each valid child twice, and a typist would have to find
which lines already went in; a child who already has a record of that school year (same name
and birth date) is refused for the same reason. The import and each record created are audited;
the export is audited and decrypted only into the response.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from maillon.audit.services import record as audit
from maillon.core.csvexport import FORMULA_START, safe_cell
from maillon.organisations.models import Sector

from . import policies, services
from .forms import ContactForm, RecordForm
from .models import HealthRecord, search_key

MAX_FILE_SIZE = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_CONTACTS = 8
TEMPLATE_CONTACTS = 3

# (column, record form field, kind); the order of the template and of the export.
RECORD_COLUMNS = [
    ("prenom", "first_name", "text"), ("nom", "last_name", "text"), ("date_naissance", "birth_date", "date"),
    ("sexe", "sex", "sex"), ("secteurs", "sectors", "sectors"), ("annee_scolaire", "school_year", "text"),
    ("signee_le", "signed_on", "date"), ("medecin", "doctor_name", "text"), ("telephone_medecin", "doctor_phone", "text"),
    ("allergies", "allergies", "text"), ("regime", "diet", "text"), ("traitements", "treatments", "text"),
    ("pai", "has_pai", "bool"), ("vaccin_dtp", "dtp_date", "date"), ("autres_vaccins", "other_vaccinations", "text"),
    ("notes_medicales", "medical_notes", "text"), ("autorise_photos", "allows_photos", "bool"),
    ("autorise_sorties", "allows_outings", "bool"), ("autorise_transport", "allows_transport", "bool"),
    ("autorise_soins_urgence", "allows_emergency_care", "bool"),
]
CONTACT_COLUMNS = [("nom", "name", "text"), ("telephone", "phone", "text"), ("lien", "relationship", "text"),
                   ("responsable_legal", "is_guardian", "bool"), ("peut_recuperer", "may_collect", "bool")]
REQUIRED = ("prenom", "nom", "date_naissance", "secteurs", "annee_scolaire")
YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true"}
NO = {"non", "n", "no", "0", "", "faux", "false"}
SEXES = {"f": "f", "fille": "f", "m": "m", "g": "m", "garcon": "m", "": ""}


def contact_columns(n: int) -> list[tuple[str, str, str]]:
    return [(f"contact{n}_{column}", name, kind) for column, name, kind in CONTACT_COLUMNS]


def header(contacts: int = TEMPLATE_CONTACTS) -> list[str]:
    return [c for c, _f, _k in RECORD_COLUMNS] + [c for n in range(1, contacts + 1) for c, _f, _k in contact_columns(n)]


KNOWN_COLUMNS = frozenset(header(MAX_CONTACTS))
COLUMN_ORDER = {column: index for index, column in enumerate(header(MAX_CONTACTS))}


@dataclass
class Line:
    number: int
    name: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, French message)
    values: dict = field(default_factory=dict)
    sectors: list = field(default_factory=list)
    contacts: list = field(default_factory=list)


@dataclass
class Report:
    lines: list[Line] = field(default_factory=list)
    error: str = ""  # the whole file refused (encoding, size, header)
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.lines) and not any(line.errors for line in self.lines)


# ------------------------------------------------------------------ reading the file


def _decode(upload) -> str:
    if upload is None:
        raise ValidationError(_("Choose a file."))
    if upload.size == 0:
        raise ValidationError(_("This file is empty."))
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError(_("This file is too large (%(size)s); the maximum is %(max)s.") % {
            "size": filesizeformat(upload.size), "max": filesizeformat(MAX_FILE_SIZE)})
    raw = upload.read(MAX_FILE_SIZE + 1)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("This file is not in UTF-8: in your spreadsheet, save it as « CSV UTF-8 » and send it again.")) from None
    if "\x00" in content:
        raise ValidationError(_("This file is not a CSV file: send the template filled in, saved as « CSV UTF-8 »."))
    return content


def _rows(content: str):
    first = content.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)


def _plain(value: str) -> str:
    """A cell as typed: outer spaces dropped, the « ' » an export puts before a formula-like value removed."""
    value = (value or "").strip()
    if value.startswith("'") and value[1:2] in FORMULA_START and value[1:2]:
        value = value[1:]
    return value


def _date(value: str) -> str:
    """« 04/03/2017 » → « 2017-03-04 » (what the form reads in every language); other text as is,
    so the form answers with its own message."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    return value


def _boolean(value: str, column: str, line: Line) -> bool:
    key = search_key(value)
    if key in YES:
        return True
    if key not in NO:
        line.errors.append((column, _("Write « oui » or « non » (here: « %(value)s »).") % {"value": value[:40]}))
    return False


def read(upload, membership) -> Report:
    """Every line checked; nothing written."""
    report = Report()
    try:
        content = _decode(upload)
        rows = _rows(content)
        columns = [search_key(c).replace(" ", "_") for c in next(rows, [])]
    except ValidationError as error:
        report.error = error.messages[0]
        return report
    except csv.Error:
        report.error = _("This file is not a readable CSV file (line %(n)s).") % {"n": 1}
        return report
    if not any(columns):
        report.error = _("The first line must name the columns, as in the template.")
        return report
    unknown = [c for c in columns if c and c not in KNOWN_COLUMNS]
    missing = [c for c in REQUIRED if c not in columns]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown[:10])})
        report.error = _("The first line does not match the template (%(problems)s).") % {"problems": " ; ".join(parts)}
        return report
    health_settings = services.settings_for(membership.organisation)
    sectors = policies.sectors_to_write(membership, health_settings, list(Sector.objects.for_organisation(membership.organisation)))
    every_sector = {search_key(s.name): s for s in Sector.objects.for_organisation(membership.organisation)}
    writable = {s.pk: s for s in sectors}
    seen: set[tuple[str, str]] = set()
    try:
        for cells in rows:
            if not any(c.strip() for c in cells):
                continue
            if len(report.lines) >= MAX_ROWS:
                report.error = _("This file holds more than %(max)s children: split it into several files.") % {"max": MAX_ROWS}
                return report
            line = Line(number=rows.line_num)
            values = dict(zip(columns, (_plain(c) for c in cells), strict=False))
            if len(cells) > len(columns):
                line.errors.append(("", _("This line has more columns than the first line.")))
            _check(line, values, writable, every_sector, seen)
            report.lines.append(line)
    except csv.Error:
        report.error = _("This file is not a readable CSV file (line %(n)s).") % {"n": rows.line_num}
        return report
    if not report.lines:
        report.error = _("This file holds no child: fill in one line per child under the first line.")
    _refuse_existing(report, membership.organisation)
    return report


def _check(line: Line, values: dict, writable: dict, every_sector: dict, seen: set) -> None:
    line.name = " ".join(v for v in (values.get("prenom", ""), values.get("nom", "").upper()) if v)
    data: dict = {}
    field_to_column = {}
    for column, name, kind in RECORD_COLUMNS:
        field_to_column[name] = column
        value = values.get(column, "")
        if kind == "bool":
            if _boolean(value, column, line):
                data[name] = "on"
        elif kind == "date":
            data[name] = _date(value)
        elif kind == "sex":
            sex = SEXES.get(search_key(value))
            if sex is None:
                line.errors.append((column, _("Write « F » or « M », or leave it empty.")))
            data[name] = sex or ""
        elif kind == "sectors":
            data[name] = []
            for sector_name in (n.strip() for n in value.split(",") if n.strip()):
                sector = every_sector.get(search_key(sector_name))
                if sector is None:
                    line.errors.append((column, _("Unknown sector: « %(name)s ».") % {"name": sector_name[:60]}))
                elif sector.pk not in writable:
                    line.errors.append((column, _("You may not put a record in this sector: « %(name)s ».") % {"name": sector.name}))
                else:
                    data[name].append(sector.pk)
        else:
            data[name] = value
    form = RecordForm(data, instance=HealthRecord(), sectors=Sector.objects.filter(pk__in=list(writable)))
    if form.is_valid():
        line.values = form.model_values()
        line.sectors = list(form.cleaned_data["sectors"])
    else:
        for name, messages in form.errors.items():
            if name == "sectors" and any(c == "secteurs" for c, _m in line.errors):
                continue  # the sector's own message says more
            line.errors.extend((field_to_column.get(name, ""), m) for m in messages)
    for n in range(1, MAX_CONTACTS + 1):
        columns = contact_columns(n)
        if not any(values.get(c) for c, _name, kind in columns if kind == "text"):  # yes/no alone: an empty contact
            continue
        contact = {}
        for column, name, kind in columns:
            if kind == "bool":
                if _boolean(values.get(column, ""), column, line):
                    contact[name] = "on"
            else:
                contact[name] = values.get(column, "")
        contact_form = ContactForm(contact)
        if contact_form.is_valid() and contact_form.is_filled():
            line.contacts.append({k: contact_form.cleaned_data.get(k) for k in services.CONTACT_FIELDS})
        else:
            names = {name: column for column, name, _k in columns}
            for name, messages in contact_form.errors.items():
                line.errors.extend((names.get(name, f"contact{n}"), m) for m in messages)
    if not line.contacts and not any(c.startswith("contact") for c, _m in line.errors):
        line.errors.append(("contact1_nom", _("Enter at least one legal guardian or emergency contact.")))
    line.errors.sort(key=lambda error: COLUMN_ORDER.get(error[0], -1))  # in the file's order of columns
    if line.values:
        key = (search_key(f"{line.values['last_name']} {line.values['first_name']}"), str(line.values["birth_date"]))
        if key in seen:
            line.errors.append(("nom", _("This child is already on an earlier line of the file.")))
        seen.add(key)


def _refuse_existing(report: Report, organisation) -> None:
    """A child who already has a record of the same school year (name and birth date): refused."""
    wanted = {(search_key(f"{v['last_name']} {v['first_name']}"), v["birth_date"], v["school_year"]): line
              for line in report.lines if (v := line.values)}
    if not wanted:
        return
    existing = HealthRecord.objects.for_organisation(organisation).filter(
        search_name__in={k[0] for k in wanted}).values_list("search_name", "birth_date", "school_year")
    for key in existing:
        if key in wanted:
            wanted[key].errors.append(("nom", _("This child already has a health record for this school year.")))


@transaction.atomic
def save(report: Report, membership, request=None) -> int:
    """Creates every line's record (the report must be ``ok``); one audit entry for the import."""
    if not report.ok:
        raise ValidationError(_("Nothing was saved: correct the lines in error and send the file again."))
    health_settings = services.settings_for(membership.organisation)
    if not policies.can_write_any(membership, health_settings):
        raise PermissionDenied
    for line in report.lines:
        services.save_record(membership, None, line.values, line.sectors, line.contacts, request=request)
    audit("health.import", actor=membership.user, organisation=membership.organisation, request=request,
          data={"records": len(report.lines)})
    report.saved = len(report.lines)
    return report.saved


# ------------------------------------------------------------------ the template and the export


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: spreadsheets read the accents right


def template_csv() -> bytes:
    return _csv([header()])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return safe_cell(value)  # never a formula in a spreadsheet


def export_csv(membership, request=None) -> tuple[bytes, int]:
    """Every record the director reads, decrypted into the file only; audited (how many)."""
    if not policies.reads_every_record(membership):
        raise PermissionDenied
    records = list(HealthRecord.objects.visible_to(membership).prefetch_related("sectors", "contacts").order_by("search_name", "pk"))
    most = max([TEMPLATE_CONTACTS, *(len(r.contacts.all()) for r in records)])
    rows = [header(most)]
    for r in records:
        row = []
        for _column, name, kind in RECORD_COLUMNS:
            if kind == "sectors":
                row.append(_cell(", ".join(s.name for s in r.sectors.all())))
            elif kind == "sex":
                row.append(r.sex.upper())
            else:
                row.append(_cell(getattr(r, name)))
        for contact in r.contacts.all():
            row += [_cell(getattr(contact, name)) for _column, name, _kind in CONTACT_COLUMNS]
        rows.append(row)
    audit("health.export", actor=membership.user, organisation=membership.organisation, request=request,
          data={"records": len(records)})
    return _csv(rows), len(records)
