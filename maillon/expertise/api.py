"""API of the skills directory (``/api/v1/skills/…``): the taxonomy I read, « who knows… ? »
(people I may find by skill, free text and minimum level, the most expert first), a person's
skills, and my own skills (list, add or change, remove; hide me).

Same policies and services as the pages: a person is found by their colleagues and by the
members of the spaces they share, never when they chose to be hidden; anyone else (a guessed id)
is a 404. The e-mail address is given only for people who accepted to be contacted.
``X-Organisation`` plays no part: the directory crosses organisations through the spaces."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillon.core.registry import register_api_router

from . import policies, services
from .models import Declaration, Level

router = Router(tags=["skills"])
PAGE_SIZE = 20


class SkillOut(Schema):
    id: int
    name: str


class DomainOut(Schema):
    id: int
    name: str
    federation: str | None = Field(description="the federation whose taxonomy it is; null: the whole instance's")
    skills: list[SkillOut]


class DeclarationOut(Schema):
    id: int
    skill_id: int
    skill: str
    domain: str
    level: int = Field(description="1 basic knowledge, 2 regular practice, 3 expert")
    level_label: str
    note: str
    contactable: bool


class PersonOut(Schema):
    id: int
    name: str
    organisations: list[str]
    email: str = Field(description="only when the person accepted to be contacted about one of these skills, else ''")
    skills: list[DeclarationOut]


class PersonPage(Schema):
    count: int
    page: int
    pages: int
    items: list[PersonOut]


class SearchFilters(Schema):
    skill: int | None = Field(default=None, description="a skill's id (GET /skills/taxonomy)")
    q: str = Field(default="", max_length=100, description="free text: a skill's or domain's name, or words of a note")
    min_level: int | None = Field(default=None, ge=1, le=3, description="at least this level")
    page: int = Field(default=1, ge=1)


class MineOut(Schema):
    hidden: bool = Field(description="hidden from the directory: nobody else finds me")
    items: list[DeclarationOut]


class DeclarationIn(Schema):
    skill: int = Field(description="a skill's id of a taxonomy I read")
    level: int = Field(default=Level.PRACTICE, ge=1, le=3, description="1 basic knowledge, 2 regular practice, 3 expert")
    note: str = Field(default="", max_length=services.NOTE_LENGTH)
    contactable: bool = Field(default=True, description="I accept to be contacted about it (my e-mail address is then shown)")


class VisibilityIn(Schema):
    hidden: bool


def _declaration(d: Declaration) -> dict:
    return {"id": d.pk, "skill_id": d.skill_id, "skill": d.skill.name, "domain": d.skill.domain.name, "level": d.level,
            "level_label": str(d.get_level_display()), "note": d.note, "contactable": d.contactable}


def _person(person, declarations: list[Declaration], organisations: list[str]) -> dict:
    contactable = any(d.contactable for d in declarations)
    return {"id": person.pk, "name": person.get_full_name() or person.username, "organisations": organisations,
            "email": person.email if contactable else "", "skills": [_declaration(d) for d in declarations]}


@router.get("/taxonomy", response=list[DomainOut], summary="The domains and skills of the taxonomies I read")
def taxonomy(request):
    domains: dict[int, dict] = {}
    for skill in services.taxonomy_skills(request.user):
        domain = skill.domain
        entry = domains.setdefault(domain.pk, {"id": domain.pk, "name": domain.name, "skills": [],
                                               "federation": domain.federation.name if domain.federation_id else None})
        entry["skills"].append({"id": skill.pk, "name": skill.name})
    return list(domains.values())


@router.get("/people", response=PersonPage, summary="Who knows…? People I may find, by skill or free text, the most expert first")
def search(request, filters: Query[SearchFilters]):
    skills = services.taxonomy_skills(request.user)
    by_id = {s.pk: s for s in skills}
    if filters.skill is not None and filters.skill not in by_id:
        raise ValidationError({"skill": _("Choose a skill of the list.")})
    people, declarations = services.search(request.user, skills=skills, skill=by_id.get(filters.skill), text=filters.q.strip(),
                                           min_level=filters.min_level)
    page = Paginator(people, PAGE_SIZE).get_page(filters.page)
    rows = services.found_rows(page.object_list, declarations, by_id)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
            "items": [_person(r["person"], r["declarations"], r["organisations"]) for r in rows]}


@router.get("/people/{int:person_id}", response=PersonOut, summary="A person's skills (someone I may find)")
def person(request, person_id: int):
    found = get_object_or_404(policies.findable_people(request.user), pk=person_id)
    declarations = list(Declaration.objects.filter(user=found).select_related("skill__domain").order_by("-level", "skill__name", "pk"))
    return _person(found, declarations, services.organisations_of([found.pk])[found.pk])


def _mine(user) -> dict:
    declarations = (Declaration.objects.filter(user=user).select_related("skill__domain")
                    .order_by("skill__domain__name", "skill__name", "pk"))
    return {"hidden": services.is_hidden(user), "items": [_declaration(d) for d in declarations]}


@router.get("/mine", response=MineOut, summary="My declared skills")
def mine(request):
    return _mine(request.user)


@router.post("/mine", response={201: DeclarationOut}, summary="Add one of my skills (or change its level, note and contact choice)")
def declare(request, payload: DeclarationIn):
    skill = {s.pk: s for s in services.taxonomy_skills(request.user)}.get(payload.skill)
    if skill is None:
        raise ValidationError({"skill": _("Choose a skill of the list.")})
    declaration = services.declare(request.user, skill, level=payload.level, note=payload.note, contactable=payload.contactable)
    declaration.skill = skill
    return Status(201, _declaration(declaration))


@router.delete("/mine/{int:declaration_id}", response={204: None}, summary="Remove one of my skills")
def withdraw(request, declaration_id: int):
    services.withdraw(get_object_or_404(Declaration.objects.filter(user=request.user), pk=declaration_id))
    return Status(204, None)


@router.post("/mine/visibility", response=MineOut, summary="Hide me from the directory (or show me again)")
def visibility(request, payload: VisibilityIn):
    services.set_hidden(request.user, payload.hidden)
    return _mine(request.user)


register_api_router("skills", router)
