"""Every write of the communes app: provisioning (one or by CSV), services, support accesses.

Each commune's state (its groupement, enabled services, live support memberships) is read at each
request of its pages by ``access.check_request`` from the shared cache, forgotten on every change
here (``forget``), so a toggle or a revocation holds at once on every node.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.roles import Role
from maillon.accounts.services import invite_member
from maillon.audit.services import record
from maillon.organisations.models import RESERVED_SLUGS, Federation, Organisation, validate_siret

from . import catalogue, policies
from .models import Commune, CommuneService, SupportAccess, validate_insee

STATE_SECONDS = 300
COLUMNS = ("name", "insee_code", "siret", "population", "mayor_name", "secretary_email")
# French headers accepted in a CSV file, folded to the fields above.
HEADERS = {
    "nom": "name", "name": "name", "commune": "name",
    "insee": "insee_code", "code insee": "insee_code", "code_insee": "insee_code", "insee_code": "insee_code",
    "siret": "siret", "population": "population",
    "maire": "mayor_name", "nom du maire": "mayor_name", "mayor_name": "mayor_name",
    "e-mail du secretariat": "secretary_email", "email du secretariat": "secretary_email",
    "secretariat": "secretary_email", "secretary_email": "secretary_email", "e-mail": "secretary_email",
}
MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 2000
MAX_POPULATION = 3_000_000


# ----------------------------------------------------------------------------- per-request state

def _state_key(organisation_id: int) -> str:
    return f"communes:state:{organisation_id}"


def forget(organisation_id: int) -> None:
    cache.delete(_state_key(organisation_id))


def state(organisation: Organisation) -> dict:
    """{"managed": bool, "enabled": [keys], "support": {membership pk: (ends_at timestamp, access pk)}} of a
    commune, from the shared cache (two queries on a miss)."""
    key = _state_key(organisation.pk)
    found = cache.get(key)
    if found is not None:
        return found
    managed = Commune.objects.filter(organisation=organisation).exists()
    enabled = sorted(CommuneService.objects.for_organisation(organisation).values_list("key", flat=True)) if managed else []
    support = {membership_id: (ends_at.timestamp(), pk) for pk, membership_id, ends_at in SupportAccess.objects
               .for_organisation(organisation).filter(revoked_at__isnull=True, ended_at__isnull=True)
               .values_list("pk", "membership_id", "ends_at")}
    found = {"managed": managed, "enabled": enabled, "support": support}
    cache.set(key, found, STATE_SECONDS)
    return found


# ----------------------------------------------------------------------------- provisioning

@dataclass
class CommuneData:
    name: str
    insee_code: str
    siret: str
    population: int
    mayor_name: str
    secretary_email: str


def _clean_text(value, *, field: str, max_length: int, errors: dict) -> str:
    value = str(value or "").strip()
    if "\x00" in value:
        errors[field] = _("This text contains a forbidden character.")
    elif not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("At most %(count)d characters.") % {"count": max_length}
    return value


def clean_commune(raw: dict) -> CommuneData:
    """Check one commune's fields (the form, the CSV and the API alike): ValidationError by field."""
    errors: dict[str, str] = {}
    name = _clean_text(raw.get("name"), field="name", max_length=200, errors=errors)
    insee = _clean_text(raw.get("insee_code"), field="insee_code", max_length=5, errors=errors).upper()
    if "insee_code" not in errors:
        try:
            validate_insee(insee)
        except ValidationError as error:
            errors["insee_code"] = error.messages[0]
    siret = "".join(_clean_text(raw.get("siret"), field="siret", max_length=20, errors=errors).split())
    if "siret" not in errors:
        try:
            validate_siret(siret)
        except ValidationError as error:
            errors["siret"] = error.messages[0]
    population = str(raw.get("population") or "").strip().replace(" ", "").replace("\u202f", "")
    if not population.isdigit() or not population.isascii() or int(population) > MAX_POPULATION:
        errors["population"] = _("Enter the population as a whole number (at most %(max)s).") % {"max": f"{MAX_POPULATION:,}".replace(",", " ")}
    mayor = _clean_text(raw.get("mayor_name"), field="mayor_name", max_length=150, errors=errors)
    email = _clean_text(raw.get("secretary_email"), field="secretary_email", max_length=254, errors=errors)
    if "secretary_email" not in errors:
        try:
            validate_email(email)
        except ValidationError:
            errors["secretary_email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    return CommuneData(name, insee, siret, int(population), mayor, email.lower())


def _duplicates(data: CommuneData) -> dict:
    errors = {}
    if Commune.objects.filter(insee_code=data.insee_code).exists():
        errors["insee_code"] = _("A commune with this INSEE code already exists.")
    if Commune.objects.filter(siret=data.siret).exists():
        errors["siret"] = _("A commune with this SIRET number already exists.")
    return errors


def unique_slug(name: str, taken: set[str]) -> str:
    """« Saint-Jean-de-l'Isle » → ``saint-jean-de-lisle``, then ``-2``… never a reserved one."""
    base = (slugify(name)[:44] or "commune").strip("-") or "commune"
    slug, n = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def groupement_federation(groupement: Organisation) -> Federation:
    """The federation whose office is the groupement (created with it on first need)."""
    federation = groupement.federations.order_by("pk").first()
    if federation is None:
        taken = set(Federation.objects.values_list("slug", flat=True))
        federation = Federation.objects.create(name=groupement.name[:200], slug=unique_slug(groupement.name, taken))
        groupement.federations.add(federation)
    return federation


def _create(groupement: Organisation, data: CommuneData, *, actor, taken: set[str], federation: Federation, request=None) -> Commune:
    organisation = Organisation.objects.create(name=data.name, slug=unique_slug(data.name, taken), kind=Organisation.Kind.COMMUNE,
                                               siret=data.siret)
    organisation.federations.add(federation)
    commune = Commune.objects.create(organisation=organisation, groupement=groupement, insee_code=data.insee_code, siret=data.siret,
                                     population=data.population, mayor_name=data.mayor_name, secretary_email=data.secretary_email,
                                     created_by=actor)
    invite_member(organisation, actor=actor, first_name=_("Town hall secretariat"), last_name=data.name[:150],
                  email=data.secretary_email, roles={Role.ADMIN: [], Role.DIRECTOR: []}, job_title=_("Town hall secretary"),
                  request=request, audit=False)
    record("commune.create", actor=actor, organisation=groupement, target=commune,
           data={"commune": organisation.slug, "insee": data.insee_code, "secretary": data.secretary_email}, request=request)
    return commune


def _require_staff(membership) -> None:
    if not policies.is_groupement_staff(membership):
        raise PermissionDenied


@transaction.atomic
def provision(membership, raw: dict, *, request=None) -> Commune:
    """One commune from the screen or the API: checked, created, its secretary invited as admin."""
    _require_staff(membership)
    data = clean_commune(raw)
    if errors := _duplicates(data):
        raise ValidationError(errors)
    taken = set(Organisation.objects.values_list("slug", flat=True))
    try:
        with transaction.atomic():
            return _create(membership.organisation, data, actor=membership.user, taken=taken,
                           federation=groupement_federation(membership.organisation), request=request)
    except IntegrityError:  # the same INSEE code or SIRET created meanwhile
        raise ValidationError(_("A commune with this INSEE code or SIRET number already exists.")) from None


class ImportRefused(ValidationError):
    """The CSV file was refused as a whole: ``lines`` lists [(line number, message)]."""

    def __init__(self, lines: list[tuple[int, str]]):
        self.lines = lines
        super().__init__([f"{_('Line %(number)s') % {'number': n}} : {message}" if n else message for n, message in lines])


def read_csv(content: bytes) -> list[tuple[int, dict]]:
    """[(line number, {field: value})]; ImportRefused for an unreadable file."""
    if len(content) > MAX_CSV_BYTES:
        raise ImportRefused([(0, _("The file is too large (at most 1 MB)."))])
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused([(0, _("This file is not a CSV text file."))])
    if "\x00" in text:
        raise ImportRefused([(0, _("This file is not a CSV text file."))])
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise ImportRefused([(0, _("This file is not a CSV text file."))]) from None
    if not rows:
        raise ImportRefused([(0, _("The file is empty."))])
    from maillon.core.text import fold

    header = [HEADERS.get(fold(h).strip(), "") for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRefused([(1, _("Missing columns. Expected: %(columns)s.") % {
            "columns": "nom ; code INSEE ; SIRET ; population ; maire ; e-mail du secrétariat"})])
    if len(rows) - 1 > MAX_CSV_ROWS:
        raise ImportRefused([(0, _("At most %(count)d communes per file.") % {"count": MAX_CSV_ROWS})])
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        found.append((number, {field: (row[i] if i < len(row) else "") for i, field in enumerate(header) if field}))
    if not found:
        raise ImportRefused([(0, _("The file holds no commune."))])
    return found


_LABELS = {"name": "nom", "insee_code": "code INSEE", "siret": "SIRET", "population": "population",
           "mayor_name": "maire", "secretary_email": "e-mail du secrétariat"}


@transaction.atomic
def import_csv(membership, content: bytes, *, request=None) -> list[Commune]:
    """Every commune of the file, or none: ImportRefused lists each refused line."""
    _require_staff(membership)
    rows = read_csv(content)
    problems: list[tuple[int, str]] = []
    checked: list[tuple[int, CommuneData]] = []
    for number, raw in rows:
        try:
            checked.append((number, clean_commune(raw)))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems.extend((number, f"{_LABELS.get(field, field)} : {m}") for m in messages)
    known_insee = set(Commune.objects.filter(insee_code__in=[d.insee_code for _n, d in checked]).values_list("insee_code", flat=True))
    known_siret = set(Commune.objects.filter(siret__in=[d.siret for _n, d in checked]).values_list("siret", flat=True))
    seen_insee: dict[str, int] = {}
    seen_siret: dict[str, int] = {}
    for number, data in checked:
        if data.insee_code in known_insee:
            problems.append((number, _("A commune with this INSEE code already exists.")))
        elif data.insee_code in seen_insee:
            problems.append((number, _("Same INSEE code as line %(line)d.") % {"line": seen_insee[data.insee_code]}))
        if data.siret in known_siret:
            problems.append((number, _("A commune with this SIRET number already exists.")))
        elif data.siret in seen_siret:
            problems.append((number, _("Same SIRET number as line %(line)d.") % {"line": seen_siret[data.siret]}))
        seen_insee.setdefault(data.insee_code, number)
        seen_siret.setdefault(data.siret, number)
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p[0]))
    groupement = membership.organisation
    taken = set(Organisation.objects.values_list("slug", flat=True))
    federation = groupement_federation(groupement)
    created = [_create(groupement, data, actor=membership.user, taken=taken, federation=federation, request=request)
               for _n, data in checked]
    record("commune.import", actor=membership.user, organisation=groupement, data={"count": len(created)}, request=request)
    return created


# ----------------------------------------------------------------------------- edit and removal

EDITABLE = ("name", "siret", "population", "mayor_name", "secretary_email")
# What creating a commune makes: removing a commune that holds nothing else deletes it.
SETUP_MODELS = frozenset({"communes.Commune", "communes.CommuneService", "accounts.Membership", "accounts.RoleAssignment",
                          "organisations.Organisation_federations"})


def current_values(commune: Commune) -> dict:
    return {"name": commune.organisation.name, "siret": commune.siret, "population": commune.population,
            "mayor_name": commune.mayor_name, "secretary_email": commune.secretary_email}


def _manage(membership, commune: Commune) -> None:
    if not policies.can_manage_commune(membership, commune):
        raise PermissionDenied


@transaction.atomic
def update_commune(membership, commune: Commune, raw: dict, *, request=None) -> list[str]:
    """Change a commune's name, SIRET, population, mayor or secretary's e-mail, checked as at its
    creation (its INSEE code and address stay); a new secretary's address is invited as the
    commune's administrator. Returns the changed fields (audited in the groupement's log)."""
    _manage(membership, commune)
    data = clean_commune({**raw, "insee_code": commune.insee_code})
    before = current_values(commune)
    after = {field: getattr(data, field) for field in EDITABLE}
    changed = [field for field in EDITABLE if before[field] != after[field]]
    if not changed:
        return []
    taken = _("A commune with this SIRET number already exists.")
    if "siret" in changed and Commune.objects.filter(siret=data.siret).exclude(pk=commune.pk).exists():
        raise ValidationError({"siret": taken})
    organisation = commune.organisation
    try:
        with transaction.atomic():
            for field in ("siret", "population", "mayor_name", "secretary_email"):
                setattr(commune, field, after[field])
            commune.save(update_fields=["siret", "population", "mayor_name", "secretary_email"])
            organisation.name, organisation.siret = data.name, data.siret
            organisation.save(update_fields=["name", "siret"])
    except IntegrityError:  # the same SIRET saved meanwhile
        raise ValidationError({"siret": taken}) from None
    invited = "secretary_email" in changed and _invite_secretary(membership, commune, request=request)
    record("commune.update", actor=membership.user, organisation=membership.organisation, target=commune,
           data={"commune": organisation.slug, "changes": {f: [before[f], after[f]] for f in changed}, "invited": invited},
           request=request)
    return changed


def _invite_secretary(membership, commune: Commune, *, request=None) -> bool:
    """The secretary's address becomes the commune's administrator, unless already a member."""
    organisation = commune.organisation
    if Membership.objects.for_organisation(organisation).filter(user__email__iexact=commune.secretary_email).exists():
        return False
    invite_member(organisation, actor=membership.user, first_name=_("Town hall secretariat"), last_name=organisation.name[:150],
                  email=commune.secretary_email, roles={Role.ADMIN: [], Role.DIRECTOR: []}, job_title=_("Town hall secretary"),
                  request=request, audit=False)
    return True


@dataclass
class Removal:
    """What « Retirer la commune » does: ``delete`` when the commune holds only what its creation
    made, else it is deactivated and ``kept`` says why ([(label, count)])."""

    delete: bool
    kept: list[tuple[str, int]]


def removal(commune: Commune) -> Removal:
    """Everything that deleting the commune's organisation would delete, protect or change, beyond
    its profile, services and its secretary's membership (Django's deletion collector, so that an
    app added later counts without being listed here). The audit log is append-only: a commune
    with entries in it is kept."""
    from django.db.models.deletion import Collector, ProtectedError, RestrictedError

    organisation = commune.organisation
    found: dict = {}

    def count(model, n: int) -> None:
        if n and model._meta.label not in SETUP_MODELS:
            found[model] = found.get(model, 0) + n

    collector = Collector(using=Organisation.objects.db)
    try:
        collector.collect([organisation])
    except (ProtectedError, RestrictedError) as error:
        objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
        for obj in objects:
            count(type(obj), 1)
    for model, objects in collector.data.items():
        count(model, len(objects) - (1 if model is Organisation else 0))  # the commune's organisation itself
    for query in collector.fast_deletes:
        if query.model._meta.label not in SETUP_MODELS:
            count(query.model, query.count())
    for (field, _value), batches in collector.field_updates.items():  # rows whose link would be emptied
        count(field.model, sum(len(batch) for batch in batches))
    others = Membership.objects.for_organisation(organisation).exclude(user__email__iexact=commune.secretary_email).count()
    kept = [(str(model._meta.verbose_name_plural), n) for model, n in found.items()]
    if others:
        kept.append((_("members besides the secretary"), others))
    kept.sort(key=lambda item: item[0])
    return Removal(delete=not kept, kept=kept)


@transaction.atomic
def remove_commune(membership, commune: Commune, *, request=None) -> Removal:
    """« Retirer la commune »: deleted when it holds nothing (its never-used secretary's account
    with it), else deactivated (kept with everything, its members shut out, re-activable)."""
    _manage(membership, commune)
    organisation = Organisation.objects.select_for_update().get(pk=commune.organisation_id)  # nothing written there meanwhile
    commune.organisation = organisation
    plan = removal(commune)
    data = {"commune": organisation.slug, "name": organisation.name, "insee": commune.insee_code}
    if plan.delete:
        accounts = [m.user for m in Membership.objects.for_organisation(organisation).select_related("user")]
        record("commune.delete", actor=membership.user, organisation=membership.organisation, target=commune, data=data,
               request=request)
        organisation.delete()
        for user in accounts:
            _delete_unused_account(user)
    elif organisation.is_active:
        organisation.is_active = False
        organisation.save(update_fields=["is_active"])
        record("commune.deactivate", actor=membership.user, organisation=membership.organisation, target=commune,
               data={**data, "kept": {label: n for label, n in plan.kept}}, request=request)
    transaction.on_commit(lambda: forget(organisation.pk))
    return plan


def _delete_unused_account(user) -> None:
    """An account the commune's invitation made and nobody ever used goes with the commune."""
    if user.last_login is not None or user.has_usable_password() or Membership.objects.filter(user=user).exists():
        return
    from django.db.models.deletion import ProtectedError, RestrictedError

    try:
        with transaction.atomic():
            user.delete()
    except (ProtectedError, RestrictedError):
        pass


@transaction.atomic
def reactivate_commune(membership, commune: Commune, *, request=None) -> bool:
    """A deactivated commune opens again to its members, as it was."""
    _manage(membership, commune)
    organisation = commune.organisation
    if organisation.is_active:
        return False
    organisation.is_active = True
    organisation.save(update_fields=["is_active"])
    record("commune.reactivate", actor=membership.user, organisation=membership.organisation, target=commune,
           data={"commune": organisation.slug}, request=request)
    transaction.on_commit(lambda: forget(organisation.pk))
    return True


# ----------------------------------------------------------------------------- services

def unknown_service_message() -> str:
    return _("Unknown service. Known services: %(keys)s.") % {"keys": ", ".join(catalogue.KEYS)}


def communes_of(membership):
    """The Commune profiles the membership's groupement hosts (none for anybody else)."""
    if not policies.is_groupement_staff(membership):
        return Commune.objects.none()
    return Commune.objects.of_groupement(membership.organisation).select_related("organisation")


@transaction.atomic
def set_service(membership, commune: Commune, key: str, enabled: bool, *, request=None) -> bool:
    """Enable or disable one service; True when something changed."""
    if not policies.can_manage_commune(membership, commune):
        raise PermissionDenied
    if key not in catalogue.KEYS:
        raise ValidationError({"key": unknown_service_message()})
    rows = CommuneService.objects.for_organisation(commune.organisation).filter(key=key)
    if enabled:
        _row, changed = CommuneService.objects.get_or_create(organisation=commune.organisation, key=key,
                                                             defaults={"enabled_by": membership.user})
    else:
        changed = bool(rows.delete()[0])
    if changed:
        record("commune.service_enabled" if enabled else "commune.service_disabled", actor=membership.user,
               organisation=commune.organisation, target=commune, data={"service": key}, request=request)
        transaction.on_commit(lambda: forget(commune.organisation_id))
    return changed


def set_services(membership, commune: Commune, keys, *, request=None) -> None:
    """The enabled services become exactly ``keys``."""
    keys = set(keys)
    with transaction.atomic():
        current = set(CommuneService.objects.for_organisation(commune.organisation).values_list("key", flat=True))
        for key in sorted(keys ^ current):
            set_service(membership, commune, key, key in keys, request=request)


# ----------------------------------------------------------------------------- support access

@transaction.atomic
def grant_support(membership, commune: Commune, *, hours: int, reason: str, request=None) -> SupportAccess:
    """A real membership with the administrator role in the commune, until now + ``hours``."""
    if not policies.can_manage_commune(membership, commune):
        raise PermissionDenied
    errors = {}
    if not isinstance(hours, int) or not 1 <= hours <= policies.MAX_SUPPORT_HOURS:
        errors["hours"] = _("Between 1 and %(max)d hours.") % {"max": policies.MAX_SUPPORT_HOURS}
    reason = (reason or "").strip()
    if not reason or "\x00" in reason or len(reason) > 300:
        errors["reason"] = _("Say why in at most 300 characters.")
    if errors:
        raise ValidationError(errors)
    user, organisation = membership.user, commune.organisation
    existing = Membership.objects.for_organisation(organisation).select_for_update().filter(user=user).first()
    live = SupportAccess.objects.for_organisation(organisation).filter(user=user, revoked_at__isnull=True, ended_at__isnull=True)
    if existing is not None and existing.is_active and not live.exists():
        raise ValidationError(_("You already are a member of this commune."))
    now = timezone.now()
    for previous in live:  # a new request replaces the running one
        _end(previous, now=now, revoked_by=user, action=None)
    if existing is None:
        existing = Membership.objects.create(user=user, organisation=organisation, job_title=_("Groupement support"))
    else:
        existing.is_active, existing.deactivated_at, existing.job_title = True, None, _("Groupement support")
        existing.save(update_fields=["is_active", "deactivated_at", "job_title"])
        existing.role_assignments.all().delete()
    RoleAssignment.objects.create(membership=existing, role=Role.ADMIN)
    access = SupportAccess.objects.create(organisation=organisation, user=user, membership=existing, reason=reason,
                                          starts_at=now, ends_at=now + timedelta(hours=hours))
    record("commune.support_granted", actor=user, organisation=organisation, target=access,
           data={"until": access.ends_at.isoformat(), "hours": hours, "reason": reason}, request=request)
    record("commune.support_granted", actor=user, organisation=membership.organisation, target=access,
           data={"commune": organisation.slug, "until": access.ends_at.isoformat(), "hours": hours}, request=request)
    _notify_commune(access)
    transaction.on_commit(lambda: forget(organisation.pk))
    return access


def _notify_commune(access: SupportAccess) -> None:
    """The commune's admins and directors are told at once (never silent)."""
    from maillon.notifications.services import notify

    people = (Membership.objects.for_organisation(access.organisation).active().exclude(pk=access.membership_id)
              .filter(role_assignments__role__in=policies.COMMUNE_SUPPORT_ROLES).select_related("user").distinct())
    until = timezone.localtime(access.ends_at).strftime("%H:%M")
    for member in people:
        notify(member.user, _("Support access by %(person)s until %(time)s") % {"person": access.user, "time": until},
               body=access.reason, url="", organisation=access.organisation, kind="communes.support")


def _end(access: SupportAccess, *, now, revoked_by=None, action: str | None, request=None) -> None:
    """Deactivate the support membership and close the access."""
    if access.ended_at is not None:
        return
    if revoked_by is not None and access.revoked_at is None and access.ends_at > now:
        access.revoked_at, access.revoked_by = now, revoked_by
    access.ended_at = now
    access.save(update_fields=["revoked_at", "revoked_by", "ended_at"])
    Membership.objects.filter(pk=access.membership_id).update(is_active=False, deactivated_at=now)
    RoleAssignment.objects.filter(membership_id=access.membership_id).delete()
    if action:
        record(action, actor=revoked_by, organisation=access.organisation, target=access,
               data={"person": str(access.user), "until": access.ends_at.isoformat()}, request=request)
    transaction.on_commit(lambda: forget(access.organisation_id))


@transaction.atomic
def revoke_support(membership, access: SupportAccess, *, request=None) -> None:
    """The commune's admin or director (or the supporter themself) ends an access now."""
    allowed = (access.organisation_id == membership.organisation_id and policies.can_see_support(membership)) or \
        (access.user_id == membership.user_id)
    if not allowed:
        raise PermissionDenied
    access = SupportAccess.objects.select_for_update().get(pk=access.pk)
    _end(access, now=timezone.now(), revoked_by=membership.user, action="commune.support_revoked", request=request)


def end_expired(now=None, *, organisation_id: int | None = None) -> int:
    """Close the accesses whose time is over (at request time by ``access.check_request``, and
    by the periodic job for the people who do not come back)."""
    now = now or timezone.now()
    expired = SupportAccess.objects.filter(ended_at__isnull=True, ends_at__lte=now).select_related("organisation", "user")
    if organisation_id is not None:
        expired = expired.filter(organisation_id=organisation_id)
    count = 0
    with transaction.atomic():
        for access in expired.select_for_update(of=("self",)):
            _end(access, now=now, action="commune.support_expired")
            count += 1
    return count


# ----------------------------------------------------------------------------- dashboard

IDLE_DAYS = 30


def overview(membership, *, search: str = "") -> list[dict]:
    """The groupement's communes with their services, requests this month and last activity:
    four queries whatever the number of communes."""
    from maillon.procedures.models import Submission

    communes = list(communes_of(membership).order_by("organisation__name"))
    if search:
        from maillon.core.text import fold

        wanted = fold(search)
        communes = [c for c in communes if wanted in fold(c.organisation.name) or wanted in c.insee_code.lower()]
    ids = [c.organisation_id for c in communes]
    now = timezone.localtime()
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    services: dict[int, list[str]] = {}
    for organisation_id, key in CommuneService.objects.filter(organisation_id__in=ids).values_list("organisation_id", "key"):
        services.setdefault(organisation_id, []).append(key)
    requests = dict(Submission.objects.filter(organisation_id__in=ids, submitted_at__gte=month)
                    .values("organisation_id").annotate(n=Count("pk")).values_list("organisation_id", "n"))
    since = now - timedelta(days=IDLE_DAYS)
    activity = {row["organisation_id"]: row for row in Membership.objects.filter(organisation_id__in=ids, is_active=True)
                .values("organisation_id").annotate(last_login=Max("user__last_login"))}
    recent = set(Submission.objects.filter(organisation_id__in=ids, submitted_at__gte=since)
                 .values_list("organisation_id", flat=True).distinct())
    order = {k: i for i, k in enumerate(catalogue.KEYS)}
    rows = []
    for commune in communes:
        last_login = (activity.get(commune.organisation_id) or {}).get("last_login")
        keys = sorted(services.get(commune.organisation_id, []), key=order.get)
        rows.append({
            "commune": commune, "services": [catalogue.service(k) for k in keys],
            "requests": requests.get(commune.organisation_id, 0), "last_login": last_login,
            "idle": commune.organisation.is_active and (last_login is None or last_login < since)
            and commune.organisation_id not in recent,
        })
    return rows


def support_accesses(organisation: Organisation, *, live_only: bool = False):
    rows = SupportAccess.objects.for_organisation(organisation).select_related("user", "revoked_by")
    return rows.filter(ended_at__isnull=True, ends_at__gt=timezone.now()) if live_only else rows

