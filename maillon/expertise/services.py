"""Every write of the skills directory, and its search.

``people_with_skills(skill_ids)`` is the entry point for other apps (mailing segments).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership
from maillon.audit.services import record

from . import policies
from .models import Declaration, Domain, Level, Profile, Skill

NOTE_LENGTH = Declaration._meta.get_field("note").max_length
NAME_LENGTH = Skill._meta.get_field("name").max_length


def fold(text: str) -> str:
    """Lower case without accents: « Numérique » and « numerique » are the same search."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


# --- People's own declarations -------------------------------------------------------------


def is_hidden(user) -> bool:
    return Profile.objects.filter(user=user, hidden=True).exists()


def set_hidden(user, hidden: bool) -> Profile:
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"hidden": bool(hidden), "updated_at": timezone.now()})
    return profile


def _check_declaration(user, skill: Skill, level, note: str) -> tuple[int, str]:
    if not policies.visible_domains(user).filter(pk=skill.domain_id).exists():
        raise ValidationError({"skill": _("Choose a skill of the list.")})
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = None
    if level not in Level.values:
        raise ValidationError({"level": _("Choose a level: basic knowledge, regular practice or expert.")})
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": _("The note is too long (%(max)d characters at most).") % {"max": NOTE_LENGTH}})
    return level, note


@transaction.atomic
def declare(user, skill: Skill, *, level, note: str = "", contactable: bool = False) -> Declaration:
    """Add the skill to the person's, or change its level, note and contact choice."""
    level, note = _check_declaration(user, skill, level, note)
    declaration, _created = Declaration.objects.update_or_create(
        user=user, skill=skill, defaults={"level": level, "note": note, "contactable": bool(contactable), "updated_at": timezone.now()})
    return declaration


@transaction.atomic
def update_declaration(declaration: Declaration, *, level, note: str = "", contactable: bool = False) -> Declaration:
    declaration.level, declaration.note = _check_declaration(declaration.user, declaration.skill, level, note)
    declaration.contactable, declaration.updated_at = bool(contactable), timezone.now()
    declaration.save(update_fields=["level", "note", "contactable", "updated_at"])
    return declaration


def withdraw(declaration: Declaration) -> None:
    declaration.delete()


# --- Taxonomy ------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give a name.")})
    if len(name) > NAME_LENGTH:
        raise ValidationError({"name": _("The name is too long (%(max)d characters at most).") % {"max": NAME_LENGTH}})
    return name


def _unique_domain_name(name: str, federation_id, exclude=None) -> None:
    same = Domain.objects.filter(federation_id=federation_id, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ValidationError({"name": _("This taxonomy already has a domain with this name.")})


def _unique_skill_name(domain: Domain, name: str, exclude=None) -> None:
    same = Skill.objects.filter(domain=domain, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ValidationError({"name": _("This domain already has a skill with this name.")})


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def create_domain(*, actor, name: str, federation=None, request=None) -> Domain:
    if federation is None:
        _require(policies.can_edit_instance_taxonomy(actor))
    else:
        _require(policies.editable_federations(actor).filter(pk=federation.pk).exists())
    name = _clean_name(name)
    _unique_domain_name(name, getattr(federation, "pk", None))
    domain = Domain.objects.create(name=name, federation=federation)
    record("expertise.domain_create", actor=actor, target=domain, request=request,
           data={"federation": str(federation) if federation else ""})
    return domain


def _rename(thing, *, domain: Domain, actor, name: str, request, unique, action: str):
    """Rename a domain or a skill of ``domain``: the editor's right, a clean and unique name, audited."""
    _require(policies.can_edit_domain(actor, domain))
    name = _clean_name(name)
    unique(name)
    before, thing.name = thing.name, name
    thing.save(update_fields=["name"])
    record(action, actor=actor, target=thing, request=request, data={"before": before})
    return thing


@transaction.atomic
def rename_domain(domain: Domain, *, actor, name: str, request=None) -> Domain:
    return _rename(domain, domain=domain, actor=actor, name=name, request=request, action="expertise.domain_rename",
                   unique=lambda new: _unique_domain_name(new, domain.federation_id, exclude=domain))


@transaction.atomic
def delete_domain(domain: Domain, *, actor, request=None) -> None:
    _require(policies.can_edit_domain(actor, domain))
    declared = Declaration.objects.filter(skill__domain=domain).count()
    record("expertise.domain_delete", actor=actor, target=domain, request=request,
           data={"skills": domain.skills.count(), "declarations": declared})
    domain.delete()


@transaction.atomic
def add_skill(domain: Domain, *, actor, name: str, request=None) -> Skill:
    _require(policies.can_edit_domain(actor, domain))
    name = _clean_name(name)
    _unique_skill_name(domain, name)
    try:
        with transaction.atomic():
            skill = Skill.objects.create(domain=domain, name=name)
    except IntegrityError:  # the same name added at the same moment by someone else
        raise ValidationError({"name": _("This domain already has a skill with this name.")}) from None
    record("expertise.skill_create", actor=actor, target=skill, request=request, data={"domain": domain.name})
    return skill


@transaction.atomic
def rename_skill(skill: Skill, *, actor, name: str, request=None) -> Skill:
    return _rename(skill, domain=skill.domain, actor=actor, name=name, request=request, action="expertise.skill_rename",
                   unique=lambda new: _unique_skill_name(skill.domain, new, exclude=skill))


@transaction.atomic
def delete_skill(skill: Skill, *, actor, request=None) -> None:
    _require(policies.can_edit_domain(actor, skill.domain))
    record("expertise.skill_delete", actor=actor, target=skill, request=request,
           data={"domain": skill.domain.name, "declarations": skill.declarations.count()})
    skill.delete()


# --- Search --------------------------------------------------------------------------------


def matching_skill_ids(skills, text: str) -> list[int]:
    """Skills (with their ``domain`` loaded) whose name or domain's name holds every word of ``text``,
    accents and case aside (the taxonomy is small: read once, compared here, the same on both databases)."""
    words = fold(text).split()
    return [s.pk for s in skills if words and all(w in fold(f"{s.domain.name} {s.name}") for w in words)]


def search(viewer, *, skills, skill: Skill | None = None, text: str = "", min_level: int | None = None):
    """People ``viewer`` may find who declared ``skill`` (or a skill or a note matching ``text``)
    at ``min_level`` or more, the most expert first, then by name. ``skills``: the viewer's taxonomy
    (``visible_domains``' skills with their domain). Returns (people queryset, declaration filter)."""
    visible_ids = [s.pk for s in skills]
    condition = Q(skill_id__in=visible_ids)
    if skill is not None:
        condition &= Q(skill=skill)
    if text:
        matching = matching_skill_ids(skills, text)
        condition &= Q(skill_id__in=matching) | Q(note__icontains=text)
    if min_level:
        condition &= Q(level__gte=min_level)
    matching_declarations = Declaration.objects.filter(condition)
    best = matching_declarations.filter(user=OuterRef("pk")).order_by("-level").values("level")[:1]
    people = (policies.findable_people(viewer).annotate(best_level=Subquery(best)).filter(best_level__isnull=False)
              .order_by("-best_level", "last_name", "first_name", "pk"))
    return people, matching_declarations


def taxonomy_skills(user) -> list[Skill]:
    """The skills of the taxonomies ``user`` reads, by domain (one query)."""
    return list(Skill.objects.filter(domain__in=policies.visible_domains(user).values("pk"))
                .select_related("domain", "domain__federation").order_by("domain__name", "domain__pk", "name", "pk"))


def organisations_of(user_ids) -> dict[int, list[str]]:
    """The names of the people's active organisations (one query)."""
    names = defaultdict(list)
    for user_id, name in (Membership.objects.active().filter(user_id__in=list(user_ids), organisation__is_active=True)
                          .order_by("organisation__name").values_list("user_id", "organisation__name")):
        names[user_id].append(name)
    return names


def found_rows(people, declarations, skills_by_id: dict) -> list[dict]:
    """A page of ``search``'s people with their matching declarations (most expert first), their
    organisations and their e-mail address when they accepted to be contacted (two queries)."""
    people = list(people)
    ids = [p.pk for p in people]
    found = defaultdict(list)
    for declaration in declarations.filter(user_id__in=ids).order_by("-level", "skill__name", "pk"):
        declaration.skill = skills_by_id[declaration.skill_id]
        found[declaration.user_id].append(declaration)
    organisations = organisations_of(ids)
    return [{"person": p, "declarations": found[p.pk], "organisations": organisations[p.pk],
             "email": p.email if any(d.contactable for d in found[p.pk]) else ""} for p in people]


def skills_of(viewer, user_ids) -> dict[int, list[Declaration]]:
    """The declared skills of ``user_ids`` that ``viewer`` may see, most expert first, in one query:
    nothing of a person who chose to be hidden (but one's own). For lists drawn by other apps, such
    as the directory's staff page, whose people the viewer already may see."""
    hidden = Profile.objects.filter(user=OuterRef("user"), hidden=True)
    found: dict[int, list[Declaration]] = {}
    for declaration in (Declaration.objects.filter(user_id__in=list(user_ids)).filter(Q(user_id=viewer.pk) | ~Exists(hidden))
                        .select_related("skill").order_by("-level", "skill__name", "pk")):
        found.setdefault(declaration.user_id, []).append(declaration)
    return found


def skills_summary(viewer, user_ids) -> dict[int, str]:
    """« Compétences : Réseaux sociaux (Expert), Graphisme (Pratique) » per person who declared some
    (``skills_of``'s rule): one line for another app's list of people."""
    return {user_id: _("Skills: %(list)s") % {"list": ", ".join(f"{d.skill.name} ({d.get_level_display()})" for d in found)}
            for user_id, found in skills_of(viewer, user_ids).items()}


def people_with_skills(skill_ids, *, min_level: int | None = None, contactable_only: bool = True, visible_to=None):
    """The people who declared one of ``skill_ids`` (for a mailing segment): active, never those who
    chose to be hidden, by default only those who accepted to be contacted about that skill, and,
    with ``visible_to``, only people that person may find in the directory."""
    User = get_user_model()
    declarations = Declaration.objects.filter(user=OuterRef("pk"), skill_id__in=list(skill_ids))
    if min_level:
        declarations = declarations.filter(level__gte=min_level)
    if contactable_only:
        declarations = declarations.filter(contactable=True)
    people = User.objects.filter(is_active=True) if visible_to is None else policies.findable_people(visible_to)
    hidden = Profile.objects.filter(user=OuterRef("pk"), hidden=True)
    return people.filter(Exists(declarations)).exclude(Exists(hidden))
