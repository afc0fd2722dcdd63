"""Every write of a competency framework, its snapshot and editions, their differences, and
import/export (CSV and JSON).

The snapshot (``snapshot(framework)``) is the JSON an edition freezes and the JSON export writes:

    {"format": "maillon-referentiel/1", "name", "description",
     "levels": [{"name", "description"}],            # lowest first
     "profiles": [{"name", "description"}],
     "domains": [{"code", "name", "description",
                  "competencies": [{"code", "name", "description", "profiles": [names], "indicators": [texts]}]}]}

It holds the competencies « in the framework » only (not the proposed nor the withdrawn ones).
``differences(old, new)`` compares two snapshots without the database. The views check the rights
(policies.py); these functions check the data and raise ``ValidationError`` with French messages.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Max, Prefetch, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.core.csvexport import safe_cell

from .models import (
    Competency,
    Domain,
    Edition,
    Framework,
    Indicator,
    JobProfile,
    Level,
    Participant,
)

FORMAT = "maillon-referentiel/1"
TEMPLATE_PATH = Path(__file__).parent / "starting" / "modele_numerique.json"
CSV_HEADER = ["domaine", "code", "competence", "description", "profils", "indicateurs"]
JOINER = " | "
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000


def _length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def clean_text(value, *, field: str, label: str, model=None, required: bool = False, limit: int | None = None) -> str:
    """``value`` stripped, without NUL, within the field's length; a French ValidationError otherwise."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", "").strip()
    limit = limit or (_length(model, field) if model is not None else None)
    if required and not text:
        raise ValidationError({field: _("%(label)s: this field is required.") % {"label": label}})
    if limit and len(text) > limit:
        raise ValidationError({field: _("%(label)s: %(max)d characters at most.") % {"label": label, "max": limit}})
    return text


# --- Reading: the tree the pages show, the snapshot the editions keep ----------------------


@dataclass(frozen=True)
class Part:
    """A level, job profile or domain as the pages show it (read in one query with the others)."""

    pk: int
    kind: str
    code: str
    name: str
    description: str
    position: int


def parts(framework: Framework) -> dict[str, list[Part]]:
    """The framework's levels, job profiles and domains, in order, in one query (UNION ALL)."""
    columns = ("pk", "kind", "code", "name", "description", "position")
    no_code = Value("", output_field=CharField())
    queries = [model.objects.filter(framework=framework).order_by().annotate(kind=Value(kind), **extra).values_list(*columns)
               for model, kind, extra in ((Level, "level", {"code": no_code}), (JobProfile, "profile", {"code": no_code}),
                                          (Domain, "domain", {}))]
    found: dict[str, list[Part]] = {"level": [], "profile": [], "domain": []}
    for row in queries[0].union(*queries[1:], all=True).order_by("kind", "position", "name", "pk"):
        found[row[1]].append(Part(*row))
    return found


def tree(framework: Framework, *, statuses=(Competency.Status.ACTIVE,), profile_id: int | None = None) -> dict:
    """Levels, profiles and domains > competencies > indicators, in order, with their ids: four
    queries whatever the size. ``profile_id`` keeps the competencies of that job profile."""
    found = parts(framework)
    competencies = (Competency.objects.filter(framework=framework, status__in=list(statuses))
                    .prefetch_related(Prefetch("profiles", queryset=JobProfile.objects.only("pk", "name")),
                                      Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")))
                    .order_by("domain_id", "position", "name", "pk"))
    if profile_id is not None:
        competencies = competencies.filter(profiles=profile_id)
    by_domain: dict[int, list] = {}
    for competency in competencies:
        by_domain.setdefault(competency.domain_id, []).append(competency)
    domains = [{"domain": domain, "competencies": by_domain.get(domain.pk, [])} for domain in found["domain"]]
    return {"levels": found["level"], "profiles": found["profile"], "domains": domains}


def snapshot(framework: Framework) -> dict:
    data = tree(framework)
    return {
        "format": FORMAT,
        "name": framework.name,
        "description": framework.description,
        "levels": [{"name": level.name, "description": level.description} for level in data["levels"]],
        "profiles": [{"name": profile.name, "description": profile.description} for profile in data["profiles"]],
        "domains": [{
            "code": group["domain"].code, "name": group["domain"].name, "description": group["domain"].description,
            "competencies": [{
                "code": competency.code, "name": competency.name, "description": competency.description,
                "profiles": [profile.name for profile in competency.profiles.all()],
                "indicators": [indicator.text for indicator in competency.indicators.all()],
            } for competency in group["competencies"]],
        } for group in data["domains"]],
    }


# --- Differences between two snapshots -----------------------------------------------------


@dataclass(frozen=True)
class Change:
    kind: str  # added, changed, removed
    what: str  # level, profile, domain, competency, indicator
    key: str
    label: str
    detail: str = ""


def _keyed(items, key) -> dict:
    """{key: item}; a repeated key gets « #2 », « #3 » so nothing is lost."""
    found: dict = {}
    for item in items:
        base = key(item)
        name, n = base, 1
        while name in found:
            n += 1
            name = f"{base} #{n}"
        found[name] = item
    return found


def _code_or_name(item) -> str:
    return (item.get("code") or "").strip() or (item.get("name") or "").strip()


def _compare(what, old: dict, new: dict, label, fields) -> list[Change]:
    changes = [Change("added", what, key, label(new[key])) for key in new if key not in old]
    changes += [Change("removed", what, key, label(old[key])) for key in old if key not in new]
    for key in new:
        if key in old:
            changed = [field for field in fields if old[key].get(field) != new[key].get(field)]
            if changed:
                changes.append(Change("changed", what, key, label(new[key]), ", ".join(changed)))
    return changes


def differences(old: dict, new: dict) -> list[Change]:
    """What changed from the snapshot ``old`` to ``new``: levels (by order), job profiles (by name),
    domains and competencies (by code, else name), indicators (by text, per competency)."""
    old, new = old or {}, new or {}
    changes = _compare("level", {str(i + 1): level for i, level in enumerate(old.get("levels", []))},
                       {str(i + 1): level for i, level in enumerate(new.get("levels", []))},
                       lambda level: level.get("name", ""), ("name", "description"))
    changes += _compare("profile", _keyed(old.get("profiles", []), lambda p: p.get("name", "")),
                        _keyed(new.get("profiles", []), lambda p: p.get("name", "")),
                        lambda profile: profile.get("name", ""), ("description",))
    old_domains = _keyed(old.get("domains", []), _code_or_name)
    new_domains = _keyed(new.get("domains", []), _code_or_name)
    changes += _compare("domain", old_domains, new_domains, lambda d: d.get("name", ""), ("name", "description"))

    def competencies(domains):
        flat = [dict(c, domain=key) for key, domain in domains.items() for c in domain.get("competencies", [])]
        return _keyed(flat, _code_or_name)

    old_competencies, new_competencies = competencies(old_domains), competencies(new_domains)
    changes += _compare("competency", old_competencies, new_competencies, lambda c: c.get("name", ""),
                        ("name", "description", "domain", "profiles"))
    for key in new_competencies.keys() & old_competencies.keys():
        before, after = old_competencies[key].get("indicators", []), new_competencies[key].get("indicators", [])
        label = f"{key} · " if key else ""
        changes += [Change("added", "indicator", key, label + text) for text in after if text not in before]
        changes += [Change("removed", "indicator", key, label + text) for text in before if text not in after]
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(changes, key=lambda c: order[c.kind])


# --- Frameworks ------------------------------------------------------------------------------


def _check_space(space, user) -> None:
    from maillon.spaces import policies as space_policies

    if space is not None and (space.is_archived or not space_policies.can_contribute(space, space_policies.role_in(space, user))):
        raise ValidationError({"space": _("Choose a space where you may contribute.")})


@transaction.atomic
def create_framework(*, organisation, actor, name: str, description: str = "", space=None, request=None) -> Framework:
    name = clean_text(name, field="name", label=_("Name"), model=Framework, required=True)
    description = clean_text(description, field="description", label=_("Description"), limit=5000)
    _check_space(space, actor)
    framework = Framework.objects.create(organisation=organisation, name=name, description=description, space=space)
    record("competencies.framework_created", actor=actor, organisation=organisation, target=framework, request=request)
    return framework


@transaction.atomic
def update_framework(framework: Framework, *, actor, name: str, description: str = "", space=None, request=None) -> Framework:
    framework.name = clean_text(name, field="name", label=_("Name"), model=Framework, required=True)
    framework.description = clean_text(description, field="description", label=_("Description"), limit=5000)
    if space is not None and space.pk != framework.space_id:
        _check_space(space, actor)
    framework.space = space
    framework.save()
    record("competencies.framework_changed", actor=actor, organisation=framework.organisation, target=framework, request=request)
    return framework


def template_data() -> dict:
    return json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))


@transaction.atomic
def create_from_template(*, organisation, actor, request=None) -> Framework:
    data = template_data()
    framework = create_framework(organisation=organisation, actor=actor, name=data["name"], description=data["description"],
                                 request=request)
    import_json(framework, data, actor=actor)
    return framework


# --- Parts: levels, profiles, domains ------------------------------------------------------


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def save_level(framework: Framework, *, name: str, description: str = "", level: Level | None = None) -> Level:
    name = clean_text(name, field="name", label=_("Name"), model=Level, required=True)
    description = clean_text(description, field="description", label=_("Description"), limit=2000)
    if framework.levels.filter(name__iexact=name).exclude(pk=getattr(level, "pk", None)).exists():
        raise ValidationError({"name": _("This framework already has a level with this name.")})
    if level is None:
        return Level.objects.create(framework=framework, name=name, description=description,
                                    position=_next_position(framework.levels))
    level.name, level.description = name, description
    level.save(update_fields=["name", "description"])
    return level


@transaction.atomic
def delete_level(level: Level) -> None:
    from .models import Assessment

    if Assessment.objects.filter(Q(level=level) | Q(validated_level=level)).exists():
        raise ValidationError(_("People assessed themselves at this level: it cannot be removed. Rename it instead."))
    framework = level.framework
    level.delete()
    # Positions stay 1, 2, 3… (two passes: the unique constraint holds at each step).
    remaining = list(framework.levels.order_by("position"))
    for offset, item in enumerate(remaining):
        Level.objects.filter(pk=item.pk).update(position=1000 + offset)
    for offset, item in enumerate(remaining):
        Level.objects.filter(pk=item.pk).update(position=offset + 1)


@transaction.atomic
def move_level(level: Level, direction: int) -> None:
    """Swap with the neighbour above (direction -1) or below (+1)."""
    neighbours = level.framework.levels.order_by("position")
    other = (neighbours.filter(position__lt=level.position).last() if direction < 0
             else neighbours.filter(position__gt=level.position).first())
    if other is None:
        return
    mine, theirs = level.position, other.position
    Level.objects.filter(pk=level.pk).update(position=1000 + mine)
    Level.objects.filter(pk=other.pk).update(position=mine)
    Level.objects.filter(pk=level.pk).update(position=theirs)


@transaction.atomic
def save_profile(framework: Framework, *, name: str, description: str = "", profile: JobProfile | None = None) -> JobProfile:
    name = clean_text(name, field="name", label=_("Name"), model=JobProfile, required=True)
    description = clean_text(description, field="description", label=_("Description"), limit=5000)
    if framework.profiles.filter(name__iexact=name).exclude(pk=getattr(profile, "pk", None)).exists():
        raise ValidationError({"name": _("This framework already has a job profile with this name.")})
    if profile is None:
        return JobProfile.objects.create(framework=framework, name=name, description=description,
                                         position=_next_position(framework.profiles))
    profile.name, profile.description = name, description
    profile.save(update_fields=["name", "description"])
    return profile


def delete_profile(profile: JobProfile) -> None:
    """Its competencies stay (without this profile); its participants keep their place without a profile."""
    profile.delete()


@transaction.atomic
def save_domain(framework: Framework, *, name: str, code: str = "", description: str = "", domain: Domain | None = None) -> Domain:
    name = clean_text(name, field="name", label=_("Name"), model=Domain, required=True)
    code = clean_text(code, field="code", label=_("Code"), model=Domain)
    description = clean_text(description, field="description", label=_("Description"), limit=5000)
    if domain is None:
        return Domain.objects.create(framework=framework, name=name, code=code, description=description,
                                     position=_next_position(framework.domains))
    domain.name, domain.code, domain.description = name, code, description
    domain.save(update_fields=["name", "code", "description"])
    return domain


def delete_domain(domain: Domain) -> None:
    if domain.competencies.exists():
        raise ValidationError(_("This domain still holds competencies: move or withdraw them first."))
    domain.delete()


def _move(item, queryset, direction: int) -> None:
    """Swap ``item`` with its neighbour in ``queryset`` (ordered by position, pk), renumbering first
    so equal positions never make a swap a no-op."""
    items = list(queryset.order_by("position", "pk"))
    for index, other in enumerate(items):
        if other.position != index:
            type(other).objects.filter(pk=other.pk).update(position=index)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + (1 if direction > 0 else -1)
    if 0 <= target < len(items):
        type(item).objects.filter(pk=item.pk).update(position=target)
        type(item).objects.filter(pk=items[target].pk).update(position=index)


@transaction.atomic
def move_domain(domain: Domain, direction: int) -> None:
    _move(domain, domain.framework.domains.all(), direction)


@transaction.atomic
def move_profile(profile: JobProfile, direction: int) -> None:
    _move(profile, profile.framework.profiles.all(), direction)


# --- Competencies ----------------------------------------------------------------------------


def parse_indicators(text) -> list[str]:
    """One indicator a line (blank lines skipped)."""
    lines = [line.replace("\x00", "").strip() for line in str(text or "").splitlines()]
    indicators = [line for line in lines if line]
    limit = _length(Indicator, "text")
    for line in indicators:
        if len(line) > limit:
            raise ValidationError({"indicators": _("An indicator has %(max)d characters at most.") % {"max": limit}})
    if len(indicators) > 30:
        raise ValidationError({"indicators": _("30 indicators at most per competency.")})
    return indicators


def _set_indicators(competency: Competency, indicators: list[str]) -> None:
    competency.indicators.all().delete()
    Indicator.objects.bulk_create([Indicator(competency=competency, text=text, position=index)
                                   for index, text in enumerate(indicators)])


@transaction.atomic
def save_competency(framework: Framework, *, domain: Domain, name: str, code: str = "", description: str = "", profiles=(),
                    indicators: str | list = "", competency: Competency | None = None, actor=None,
                    status: str = Competency.Status.ACTIVE) -> Competency:
    if domain is None or domain.framework_id != framework.pk:
        raise ValidationError({"domain": _("Choose a domain of this framework.")})
    name = clean_text(name, field="name", label=_("Name"), model=Competency, required=True)
    code = clean_text(code, field="code", label=_("Code"), model=Competency)
    description = clean_text(description, field="description", label=_("Description"), limit=5000)
    profiles = list(profiles)
    if any(profile.framework_id != framework.pk for profile in profiles):
        raise ValidationError({"profiles": _("Choose job profiles of this framework.")})
    indicators = indicators if isinstance(indicators, list) else parse_indicators(indicators)
    if code and framework.competencies.filter(code__iexact=code).exclude(pk=getattr(competency, "pk", None)).exists():
        raise ValidationError({"code": _("Another competency of this framework has this code.")})
    if competency is None:
        competency = Competency.objects.create(
            framework=framework, domain=domain, name=name, code=code, description=description, status=status,
            proposed_by=actor if status == Competency.Status.PROPOSED else None,
            position=_next_position(Competency.objects.filter(domain=domain)))
    else:
        moved = competency.domain_id != domain.pk
        competency.domain, competency.name, competency.code, competency.description = domain, name, code, description
        if moved:
            competency.position = _next_position(Competency.objects.filter(domain=domain))
        competency.save()
    competency.profiles.set(profiles)
    _set_indicators(competency, indicators)
    return competency


def propose(framework: Framework, *, actor, domain: Domain, name: str, description: str = "", request=None) -> Competency:
    """A participant's competency « grown from observation », waiting for an editor."""
    competency = save_competency(framework, domain=domain, name=name, description=description, actor=actor,
                                 status=Competency.Status.PROPOSED)
    record("competencies.competency_proposed", actor=actor, organisation=framework.organisation, target=competency, request=request)
    return competency


def is_used(competency: Competency) -> bool:
    from .models import Assessment

    return competency.entries.exists() or Assessment.objects.filter(competency=competency).exists()


@transaction.atomic
def withdraw(competency: Competency, *, actor, request=None) -> str:
    """A competency used by entries or assessments is withdrawn (kept, status « retired »); one never
    used is deleted. Returns « retired » or « deleted »."""
    framework = competency.framework
    if is_used(competency):
        competency.status = Competency.Status.RETIRED
        competency.save(update_fields=["status", "updated_at"])
        outcome = "retired"
    else:
        competency.delete()
        outcome = "deleted"
    record("competencies.competency_withdrawn", actor=actor, organisation=framework.organisation,
           data={"competency": competency.name, "outcome": outcome}, request=request)
    return outcome


@transaction.atomic
def set_status(competency: Competency, status: str, *, actor, request=None) -> Competency:
    """Accept a proposed competency, or put a withdrawn one back in the framework."""
    competency.status = status
    competency.save(update_fields=["status", "updated_at"])
    record("competencies.competency_status", actor=actor, organisation=competency.framework.organisation, target=competency,
           data={"status": status}, request=request)
    return competency


@transaction.atomic
def move_competency(competency: Competency, direction: int) -> None:
    _move(competency, Competency.objects.filter(domain=competency.domain_id), direction)


# --- Participants ----------------------------------------------------------------------------


def candidate_people(framework: Framework):
    """People who may take part: active members of the owner organisation, and the members of the
    linked space (any of its three ways in)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from maillon.accounts.models import Membership
    from maillon.spaces.models import SpaceMember, SpaceOrganisation

    User = get_user_model()
    organisations = [framework.organisation_id]
    direct = Q(pk__in=[])
    if framework.space_id:
        organisations += list(SpaceOrganisation.objects.filter(space=framework.space_id, accepted_at__isnull=False)
                              .values_list("organisation", flat=True))
        direct = Q(pk__in=SpaceMember.objects.filter(space=framework.space_id, organisation__isnull=False).values("user"))
    member = Membership.objects.active().filter(user=OuterRef("pk"), organisation_id__in=organisations, organisation__is_active=True)
    return User.objects.filter(is_active=True).filter(Exists(member) | direct).order_by("last_name", "first_name", "pk")


def _organisation_for(framework: Framework, user):
    """The organisation ``user`` takes part for: the owner if they belong to it, else their space
    membership's organisation, else their first active organisation."""
    from maillon.accounts.models import Membership
    from maillon.spaces.models import SpaceMember

    organisations = list(Membership.objects.active().filter(user=user, organisation__is_active=True)
                         .order_by("pk").values_list("organisation", flat=True))
    if framework.organisation_id in organisations:
        return framework.organisation_id
    if framework.space_id:
        through_space = SpaceMember.objects.filter(space=framework.space_id, user=user).values_list("organisation", flat=True).first()
        if through_space:
            return through_space
    return organisations[0] if organisations else None


@transaction.atomic
def save_participant(framework: Framework, *, user, profile: JobProfile | None, coordinator=None, actor,
                     participant: Participant | None = None, request=None) -> Participant:
    candidates = candidate_people(framework)
    if participant is None and not candidates.filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Choose a person of the organisation or of the linked space.")})
    if profile is not None and profile.framework_id != framework.pk:
        raise ValidationError({"profile": _("Choose a job profile of this framework.")})
    if coordinator is not None and (coordinator.pk == getattr(participant, "user_id", user.pk)
                                    or not candidates.filter(pk=coordinator.pk).exists()):
        raise ValidationError({"coordinator": _("Choose a coordinator among the other people of the organisation or of the space.")})
    if participant is None:
        organisation = _organisation_for(framework, user)
        participant, _created = Participant.objects.update_or_create(
            framework=framework, user=user,
            defaults={"organisation_id": organisation, "profile": profile, "coordinator": coordinator, "is_active": True})
    else:
        participant.profile, participant.coordinator = profile, coordinator
        participant.save(update_fields=["profile", "coordinator"])
    record("competencies.participant_saved", actor=actor, organisation=framework.organisation, target=participant,
           data={"user": user.pk, "profile": getattr(profile, "name", ""), "coordinator": getattr(coordinator, "pk", None)},
           request=request)
    return participant


@transaction.atomic
def remove_participant(participant: Participant, *, actor, request=None) -> None:
    """The person leaves the group; their logbook stays theirs."""
    participant.is_active = False
    participant.save(update_fields=["is_active"])
    record("competencies.participant_removed", actor=actor, organisation=participant.framework.organisation,
           target=participant, request=request)


# --- Editions --------------------------------------------------------------------------------


def default_label(day: date | None = None) -> str:
    day = day or timezone.localdate()
    return _("edition of semester %(half)d %(year)d") % {"half": 1 if day.month <= 6 else 2, "year": day.year}


@transaction.atomic
def publish_edition(framework: Framework, *, actor, label: str = "", request=None) -> Edition:
    """Freeze the framework as it is now into the next edition."""
    Framework.objects.select_for_update().filter(pk=framework.pk).first()
    label = clean_text(label, field="label", label=_("Label"), model=Edition) or default_label()
    number = (framework.editions.aggregate(top=Max("number"))["top"] or 0) + 1
    edition = Edition.objects.create(framework=framework, number=number, label=label, snapshot=snapshot(framework),
                                     published_by=actor)
    record("competencies.edition_published", actor=actor, organisation=framework.organisation, target=edition,
           data={"number": number}, request=request)
    return edition


# --- Export ---------------------------------------------------------------------------------


def csv_rows(data: dict):
    for domain in data.get("domains", []):
        for competency in domain.get("competencies", []):
            yield [domain.get("name", ""), competency.get("code", ""), competency.get("name", ""), competency.get("description", ""),
                   JOINER.join(competency.get("profiles", [])), JOINER.join(competency.get("indicators", []))]


def export_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    writer.writerows([safe_cell(cell) for cell in row] for row in csv_rows(data))
    return "\ufeff" + out.getvalue()


def export_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# --- Import ---------------------------------------------------------------------------------


class ImportProblems(ValidationError):
    """All the problems of a file, one French line each (« Ligne 4 : … »)."""


def _unformula(text: str) -> str:
    """The quote safe_cell puts before a formula-like cell comes off on the way back."""
    return text[1:] if text.startswith("'") and len(text) > 1 and text[1] in "=+-@\t\r" else text


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is too large (2 MB at most)."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file could not be read as text."))


def parse_csv(content: bytes | str, profiles: list[str] | None = None) -> dict:
    """A CSV export read back as a snapshot (levels and profiles descriptions apart); every bad line
    reported at once."""
    text = _decode(content).replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ValidationError(_("The file is not a valid CSV file (%(error)s).") % {"error": error}) from None
    if not rows:
        raise ValidationError(_("The file is empty."))
    header = [cell.strip().lower() for cell in rows[0]]
    if header[:len(CSV_HEADER)] != CSV_HEADER:
        raise ValidationError(_("The first line must be the columns: %(columns)s.") % {"columns": " ; ".join(CSV_HEADER)})
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError(_("%(max)d lines at most.") % {"max": MAX_ROWS})
    problems, domains, profile_names = [], {}, list(profiles or [])
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(CSV_HEADER):
            problems.append(_("Line %(line)d: %(count)d columns expected.") % {"line": number, "count": len(CSV_HEADER)})
            continue
        cells = [_unformula(cell.strip()) for cell in row[:len(CSV_HEADER)]]
        domain_name, code, name, description, profile_cell, indicator_cell = cells
        competency = {"code": code, "name": name, "description": description,
                      "profiles": [p.strip() for p in profile_cell.split("|") if p.strip()],
                      "indicators": [i.strip() for i in indicator_cell.split("|") if i.strip()]}
        line_problems = _competency_problems(competency, domain_name)
        problems += [_("Line %(line)d: %(problem)s") % {"line": number, "problem": problem} for problem in line_problems]
        if not line_problems:
            domains.setdefault(domain_name, {"code": "", "name": domain_name, "description": "", "competencies": []})
            domains[domain_name]["competencies"].append(competency)
            profile_names += [p for p in competency["profiles"] if p not in profile_names]
    if problems:
        raise ImportProblems(problems)
    return {"format": FORMAT, "profiles": [{"name": name, "description": ""} for name in profile_names],
            "domains": list(domains.values())}


def _competency_problems(competency: dict, domain_name: str) -> list[str]:
    problems = []
    domain_limit, name_limit = _length(Domain, "name"), _length(Competency, "name")
    if not domain_name:
        problems.append(_("the domain is missing."))
    elif len(domain_name) > domain_limit:
        problems.append(_("the domain is too long (%(max)d characters at most).") % {"max": domain_limit})
    if not competency["name"]:
        problems.append(_("the competency is missing."))
    elif len(competency["name"]) > name_limit:
        problems.append(_("the competency is too long (%(max)d characters at most).") % {"max": name_limit})
    if len(competency["code"]) > _length(Competency, "code"):
        problems.append(_("the code is too long (%(max)d characters at most).") % {"max": _length(Competency, "code")})
    if len(competency["description"]) > 5000:
        problems.append(_("the description is too long (%(max)d characters at most).") % {"max": 5000})
    if any(len(text) > _length(Indicator, "text") for text in competency["indicators"]):
        problems.append(_("an indicator is too long (%(max)d characters at most).") % {"max": _length(Indicator, "text")})
    if any(len(name) > _length(JobProfile, "name") for name in competency["profiles"]):
        problems.append(_("a job profile's name is too long (%(max)d characters at most).") % {"max": _length(JobProfile, "name")})
    return problems


def parse_json(content: bytes | str) -> dict:
    """A JSON export (the snapshot format) checked item by item."""
    text = _decode(content).replace("\x00", "")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ValidationError(_("The file is not valid JSON (line %(line)s).") % {"line": getattr(error, "lineno", "?")}) from None
    if not isinstance(data, dict) or not isinstance(data.get("domains"), list):
        raise ValidationError(_("The file is not a framework export: a « domains » list is expected."))
    problems = []

    def text_of(value) -> str:
        return value.replace("\x00", "").strip() if isinstance(value, str) else ""

    def strings(value) -> list[str]:
        return [text_of(v) for v in value if text_of(v)] if isinstance(value, list) else []

    def items(value, label):
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            problems.append(_("%(part)s: a list of objects is expected.") % {"part": label})
            return []
        return value

    clean = {"format": FORMAT, "name": text_of(data.get("name"))[:200], "description": text_of(data.get("description"))[:5000],
             "levels": [], "profiles": [], "domains": []}
    for index, level in enumerate(items(data.get("levels"), _("levels")), start=1):
        name = text_of(level.get("name"))
        if not name or len(name) > _length(Level, "name"):
            problems.append(_("Level %(n)d: a name of %(max)d characters at most is required.") % {"n": index, "max": _length(Level, "name")})
        clean["levels"].append({"name": name, "description": text_of(level.get("description"))[:2000]})
    for index, profile in enumerate(items(data.get("profiles"), _("job profiles")), start=1):
        name = text_of(profile.get("name"))
        if not name or len(name) > _length(JobProfile, "name"):
            problems.append(_("Job profile %(n)d: a name of %(max)d characters at most is required.")
                            % {"n": index, "max": _length(JobProfile, "name")})
        clean["profiles"].append({"name": name, "description": text_of(profile.get("description"))[:5000]})
    for d_index, domain in enumerate(items(data.get("domains"), _("domains")), start=1):
        domain_name = text_of(domain.get("name"))
        entry = {"code": text_of(domain.get("code"))[:_length(Domain, "code")], "name": domain_name,
                 "description": text_of(domain.get("description"))[:5000], "competencies": []}
        if not domain_name:
            problems.append(_("Domain %(n)d: the name is missing.") % {"n": d_index})
        for c_index, competency in enumerate(items(domain.get("competencies"), _("competencies")), start=1):
            item = {"code": text_of(competency.get("code")), "name": text_of(competency.get("name")),
                    "description": text_of(competency.get("description")), "profiles": strings(competency.get("profiles")),
                    "indicators": strings(competency.get("indicators"))}
            problems += [_("Domain %(d)d, competency %(c)d: %(problem)s") % {"d": d_index, "c": c_index, "problem": problem}
                         for problem in _competency_problems(item, domain_name or "?")]
            entry["competencies"].append(item)
        clean["domains"].append(entry)
    if problems:
        raise ImportProblems(problems)
    return clean


@transaction.atomic
def import_json(framework: Framework, data: dict, *, actor, request=None) -> dict:
    """Merge a checked snapshot into ``framework``, all or nothing: levels (by name), job profiles
    (by name), domains (by code, else name) and competencies (by code, else name) are created or
    updated; a competency's indicators become the file's; nothing absent from the file is removed.
    Returns counts {created, updated}."""
    counts = {"created": 0, "updated": 0}
    levels = {level.name.casefold(): level for level in framework.levels.all()}
    for item in data.get("levels", []):
        if item["name"].casefold() not in levels:
            levels[item["name"].casefold()] = save_level(framework, name=item["name"], description=item["description"])
    profiles = {profile.name.casefold(): profile for profile in framework.profiles.all()}
    for item in data.get("profiles", []):
        existing = profiles.get(item["name"].casefold())
        if existing is None:
            profiles[item["name"].casefold()] = save_profile(framework, name=item["name"], description=item["description"])
        elif item["description"] and item["description"] != existing.description:
            save_profile(framework, name=existing.name, description=item["description"], profile=existing)
    domains_by_code = {d.code.casefold(): d for d in framework.domains.all() if d.code}
    domains_by_name = {d.name.casefold(): d for d in framework.domains.all()}
    competencies = list(framework.competencies.all())
    by_code = {c.code.casefold(): c for c in competencies if c.code}
    by_name = {c.name.casefold(): c for c in competencies}
    for item in data.get("domains", []):
        domain = (domains_by_code.get(item["code"].casefold()) if item["code"] else None) or domains_by_name.get(item["name"].casefold())
        if domain is None:
            domain = save_domain(framework, name=item["name"], code=item["code"], description=item["description"])
            domains_by_name[domain.name.casefold()] = domain
        for entry in item["competencies"]:
            for name in entry["profiles"]:
                if name.casefold() not in profiles:
                    profiles[name.casefold()] = save_profile(framework, name=name)
            existing = (by_code.get(entry["code"].casefold()) if entry["code"] else None) or by_name.get(entry["name"].casefold())
            competency = save_competency(
                framework, domain=domain, name=entry["name"], code=entry["code"], description=entry["description"],
                profiles=[profiles[name.casefold()] for name in entry["profiles"]], indicators=entry["indicators"],
                competency=existing, actor=actor)
            if existing is not None and existing.status != Competency.Status.ACTIVE:
                set_status(competency, Competency.Status.ACTIVE, actor=actor, request=request)
            counts["updated" if existing else "created"] += 1
            by_name[competency.name.casefold()] = competency
            if competency.code:
                by_code[competency.code.casefold()] = competency
    record("competencies.framework_imported", actor=actor, organisation=framework.organisation, target=framework,
           data=counts, request=request)
    return counts


def import_file(framework: Framework, content: bytes | str, *, kind: str, actor, request=None) -> dict:
    """Check then import a CSV or JSON file; any problem and nothing is changed (the ValidationError
    lists them all). A data error found while writing (a repeated code) rolls everything back too."""
    data = parse_json(content) if kind == "json" else parse_csv(content)
    return import_json(framework, data, actor=actor, request=request)
