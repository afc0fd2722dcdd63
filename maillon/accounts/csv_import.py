"""Import staff from a CSV file: each valid line becomes an invitation, each invalid line is
reported with its number and a French reason. A line is imported whole or not at all, and
importing the same file again adds nobody twice.

Columns (header on the first line, in any order, accents and case ignored):
prenom, nom, email (required), identifiant, secteur, fonction, roles (optional).
``roles`` holds role keys or French labels separated by ``|``; empty means staff.
Sector roles (coordinator, supervisor) apply to the line's sector.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.core.text import fold
from maillon.organisations.models import Organisation, Sector

from .models import Membership, User
from .roles import SECTOR_ROLES, Role
from .services import invite_member

REQUIRED_COLUMNS = ["prenom", "nom", "email"]
OPTIONAL_COLUMNS = ["identifiant", "secteur", "fonction", "roles"]
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
COLUMN_ALIASES = {"e-mail": "email", "mail": "email", "courriel": "email", "role": "roles", "username": "identifiant"}

# Short names people type in a spreadsheet, besides role keys and full labels.
ROLE_ALIASES = {
    "salarie": Role.STAFF, "salariee": Role.STAFF, "animateur": Role.STAFF, "animatrice": Role.STAFF,
    "encadrant": Role.SUPERVISOR, "encadrante": Role.SUPERVISOR,
    "coordinateur": Role.COORDINATOR, "coordinatrice": Role.COORDINATOR, "coordination": Role.COORDINATOR,
    "rh": Role.HR, "ressources humaines": Role.HR,
    "direction": Role.DIRECTOR, "directeur": Role.DIRECTOR, "directrice": Role.DIRECTOR,
    "materiel": Role.EQUIPMENT_MANAGER, "gestionnaire du materiel": Role.EQUIPMENT_MANAGER,
    "accueil": Role.RECEPTION, "communication": Role.COMMUNICATION,
    "admin": Role.ADMIN, "administration": Role.ADMIN, "administrateur": Role.ADMIN, "administratrice": Role.ADMIN,
}

TEMPLATE_ROWS = [
    COLUMNS,
    ["Camille", "Exemple", "camille.exemple@exemple.org", "", "Secteur Enfance", "Animatrice", "salarie"],
    ["Dominique", "Modèle", "dominique.modele@exemple.org", "d.modele", "Secteur Jeunes et Adolescents", "Coordinateur", "staff|coordinator"],
]


class CsvFileError(Exception):
    """The whole file is unusable (encoding, header): nothing is imported."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # new people invited
    added: list[str] = field(default_factory=list)  # people of other organisations added here
    unchanged: list[str] = field(default_factory=list)  # already members: left as they are
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.added)


def template_csv() -> bytes:
    """The downloadable model: UTF-8 with BOM so spreadsheets open accents right."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(TEMPLATE_ROWS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; never a null character (a binary file,
    or a spreadsheet saved as UTF-16: the database would refuse the text)."""
    if b"\x00" in data:
        raise CsvFileError(_("The file holds null characters: it is not a CSV text file. Save it as CSV UTF-8."))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise CsvFileError(_("The file's encoding is not recognised: save it as CSV UTF-8.")) from None


def detect_delimiter(text: str) -> str:
    header = text.lstrip().split("\n", 1)[0]
    return ";" if header.count(";") >= header.count(",") else ","


def role_lookup() -> dict[str, str]:
    lookup = {fold(key): key for key in Role.values}
    for lang in ("fr", "en"):
        with translation.override(lang):
            lookup.update({fold(str(label)): key for key, label in Role.choices})
    lookup.update(ROLE_ALIASES)
    return lookup


def parse_roles(raw: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """(role keys, unknown names)."""
    roles, unknown = [], []
    for part in (raw or "").split("|"):
        name = fold(part)
        if not name:
            continue
        if name in lookup:
            if lookup[name] not in roles:
                roles.append(lookup[name])
        else:
            unknown.append(part.strip())
    return roles or [Role.STAFF], unknown


def read_rows(data: bytes) -> list[tuple[int, dict[str, str], int, int]]:
    """[(line number, {column: value}, cells on the line, columns in the header)], blank lines left out."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError(_("The file is empty.")) from None
    except csv.Error:
        raise CsvFileError(_("The file could not be read as CSV.")) from None
    columns = [COLUMN_ALIASES.get(fold(h), fold(h)) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvFileError(_("Missing column(s): %(columns)s. The first line must name the columns: %(expected)s.") % {
            "columns": ", ".join(missing), "expected": ";".join(COLUMNS)})
    rows = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            values = {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(columns) if col in COLUMNS}
            rows.append((reader.line_num, values, len(cells), len(columns)))
    except csv.Error as exc:
        raise CsvFileError(_("The file could not be read as CSV near line %(line)s.") % {"line": reader.line_num}) from exc
    return rows


def import_members(organisation: Organisation, data: bytes, *, actor: User, actor_membership: Membership | None = None, request=None) -> ImportReport:
    """Import the file's lines as invitations. Raises CsvFileError when the file is unusable."""
    rows = read_rows(data)
    report = ImportReport()
    sectors = {fold(s.name): s for s in Sector.objects.for_organisation(organisation)}
    members = {e.lower() for e in Membership.objects.for_organisation(organisation).values_list("user__email", flat=True) if e}
    lookup = role_lookup()
    seen_emails: dict[str, int] = {}
    seen_usernames: dict[str, int] = {}

    for line, values, n_cells, n_columns in rows:
        reason = _check_line(values, n_cells, n_columns, sectors, lookup, seen_emails, seen_usernames, line)
        email = values.get("email", "").lower()
        if email and email not in seen_emails:
            seen_emails[email] = line
        if values.get("identifiant") and values["identifiant"].lower() not in seen_usernames:
            seen_usernames[values["identifiant"].lower()] = line
        if reason:
            report.errors.append((line, reason))
            continue
        if email in members:
            report.unchanged.append(email)
            continue
        roles, _unknown = parse_roles(values.get("roles", ""), lookup)
        sector = sectors.get(fold(values.get("secteur", "")))
        spec = {role: ([sector] if role in SECTOR_ROLES else []) for role in roles}
        try:
            with transaction.atomic():
                result = invite_member(
                    organisation, actor=actor, actor_membership=actor_membership, first_name=values["prenom"],
                    last_name=values["nom"], email=values["email"], username=values.get("identifiant", ""),
                    sector=sector, job_title=values.get("fonction", ""), roles=spec, request=request, audit=False,
                )
        except ValidationError as error:
            report.errors.append((line, " ".join(_messages(error))))
            continue
        members.add(email)
        (report.created if result.user_created else report.added).append(email)

    record(
        "membership.import", actor=actor, organisation=organisation, request=request,
        data={"created": len(report.created), "added": len(report.added), "unchanged": len(report.unchanged),
              "errors": len(report.errors), "emails": report.created + report.added},
    )
    return report


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


def _check_line(values, n_cells, n_columns, sectors, lookup, seen_emails, seen_usernames, line) -> str:
    """The French reason why this line cannot be imported, or ''."""
    if n_cells < n_columns:
        return _("Incomplete line: %(expected)s columns expected, %(found)s found.") % {"expected": n_columns, "found": n_cells}
    if n_cells > n_columns:
        return _("Too many columns: %(expected)s expected, %(found)s found (a ';' or ',' inside a value?).") % {"expected": n_columns, "found": n_cells}
    if not values.get("prenom"):
        return _("The first name (prenom) is missing.")
    if not values.get("nom"):
        return _("The last name (nom) is missing.")
    email = values.get("email", "")
    if not email:
        return _("The e-mail address is missing.")
    try:
        validate_email(email)
    except ValidationError:
        return _("The e-mail address “%(email)s” is not valid.") % {"email": email}
    if email.lower() in seen_emails:
        return _("The e-mail address %(email)s appears twice in the file (already on line %(line)s).") % {
            "email": email, "line": seen_emails[email.lower()]}
    username = values.get("identifiant", "")
    if username and username.lower() in seen_usernames:
        return _("The username %(username)s appears twice in the file (already on line %(line)s).") % {
            "username": username, "line": seen_usernames[username.lower()]}
    sector_name = values.get("secteur", "")
    if sector_name and fold(sector_name) not in sectors:
        return _("Unknown sector: “%(sector)s”.") % {"sector": sector_name}
    roles, unknown = parse_roles(values.get("roles", ""), lookup)
    if unknown:
        return _("Unknown role(s): %(roles)s.") % {"roles": ", ".join(unknown)}
    needs_sector = [str(Role(r).label) for r in roles if r in SECTOR_ROLES]
    if needs_sector and not sector_name:
        return _("The role “%(role)s” needs a sector: fill the secteur column.") % {"role": needs_sector[0]}
    return ""
