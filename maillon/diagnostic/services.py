"""Every write of the needs diagnostic and the security self-check: validated, in a transaction,
audited. Also what the pages and the API read: the latest scores, the recommendation, the
history of a commune's self-checks."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record

from . import questionnaire, rules, selfcheck
from .models import Diagnostic, Rule, SelfCheck
from .policies import rules_owner


def latest(organisation) -> Diagnostic | None:
    """The commune's latest completed diagnostic."""
    return (Diagnostic.objects.for_organisation(organisation).filter(status=Diagnostic.Status.COMPLETED)
            .order_by("-completed_at", "-pk").first())


def draft_of(organisation) -> Diagnostic | None:
    return Diagnostic.objects.for_organisation(organisation).filter(status=Diagnostic.Status.DRAFT).first()


def start(membership) -> Diagnostic:
    """The commune's draft, or a new one prefilled with the latest answers (a diagnostic made
    again a year later starts from what was said then)."""
    organisation = membership.organisation
    found = draft_of(organisation)
    if found is not None:
        return found
    previous = latest(organisation)
    answers = {k: v for k, v in (previous.answers if previous else {}).items() if k in questionnaire.BY_KEY}
    try:
        with transaction.atomic():
            diagnostic = Diagnostic.objects.create(organisation=organisation, version=questionnaire.VERSION, answers=answers,
                                                   created_by=membership.user)
    except IntegrityError:  # another click started it at the same moment
        return draft_of(organisation)
    record("diagnostic.started", actor=membership.user, organisation=organisation, target=diagnostic)
    return diagnostic


def save(diagnostic: Diagnostic, answers: dict, *, actor, complete: bool = False) -> Diagnostic:
    """Keep the answers of a draft; ``complete``: every question must be answered, then the
    scores are computed and the diagnostic joins the history."""
    if not diagnostic.is_draft:
        raise ValidationError(_("This diagnostic is completed: start a new one to change the answers."))
    answers = {k: v for k, v in answers.items() if k in questionnaire.BY_KEY and v not in (None, "")}
    if complete:
        left = questionnaire.missing(answers)
        if left:
            raise ValidationError({q.key: _("Answer this question to complete the diagnostic.") for q in left})
    with transaction.atomic():
        diagnostic.answers = answers
        fields = ["answers", "updated_at"]
        if complete:
            diagnostic.status = Diagnostic.Status.COMPLETED
            diagnostic.completed_at = timezone.now()
            diagnostic.scores = questionnaire.score(answers)
            diagnostic.version = questionnaire.VERSION
            fields += ["status", "completed_at", "scores", "version"]
        diagnostic.save(update_fields=fields)
        if complete:
            record("diagnostic.completed", actor=actor, organisation=diagnostic.organisation, target=diagnostic,
                   data={"scores": diagnostic.scores})
    return diagnostic


# Rules -------------------------------------------------------------------------------------------

def _condition(rule: Rule) -> rules.Condition:
    return rules.Condition(rule.kind, rule.target, rule.area, rule.below, rule.question, rule.value)


def own_rules(organisation) -> list[Rule]:
    return list(Rule.objects.for_organisation(organisation))


def conditions_for(organisation) -> tuple[list[rules.Condition], bool]:
    """The rules that recommend to ``organisation`` and whether they are the shipped defaults."""
    owned = own_rules(rules_owner(organisation))
    if owned:
        return [_condition(r) for r in owned], False
    return list(rules.DEFAULTS), True


def recommendation(diagnostic: Diagnostic) -> tuple[list, list]:
    conditions, _defaults = conditions_for(diagnostic.organisation)
    return rules.recommend(diagnostic.answers, diagnostic.scores, conditions)


def _check_rule(kind, target, area, below, question, value) -> None:
    errors = {}
    if kind not in Rule.Kind.values:
        errors["kind"] = _("Choose a service or a training module.")
    elif target not in rules.valid_targets(kind):
        errors["target"] = _("Choose a service of the catalogue or a training module.")
    if area and area not in questionnaire.SCORED_AREAS:
        errors["area"] = _("Choose an area of the questionnaire.")
    if bool(area) != (below is not None):
        errors["below" if area else "area"] = _("Give both the area and the score below which the rule applies.")
    if below is not None and not 1 <= below <= 100:
        errors["below"] = _("Enter a score between 1 and 100.")
    if question:
        found = questionnaire.BY_KEY.get(question)
        if found is None or found.kind == questionnaire.NUMBER:
            errors["question"] = _("Choose a question of the questionnaire.")
        elif value not in {v for v, _label, _points in found.options}:
            errors["value"] = _("Choose one of this question's answers.")
    elif value:
        errors["question"] = _("Choose the question this answer belongs to.")
    if not area and not question and not errors:
        errors["area"] = _("Give a condition: an area's score, or a question's answer.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_rule(owner, *, actor, kind: str, target: str, area: str = "", below: int | None = None, question: str = "",
             value: str = "") -> Rule:
    """Add a rule. The first rule an organisation writes starts from a copy of the defaults, so
    adding one never silently drops the others."""
    _check_rule(kind, target, area, below, question, value)
    if not Rule.objects.for_organisation(owner).exists():
        _copy_defaults(owner)
    position = Rule.objects.for_organisation(owner).count()
    rule = Rule.objects.create(organisation=owner, kind=kind, target=target, area=area, below=below, question=question,
                               value=value, position=position)
    record("diagnostic.rule_added", actor=actor, organisation=owner, target=rule,
           data={"kind": kind, "target": target, "area": area, "below": below, "question": question, "value": value})
    return rule


def _copy_defaults(owner) -> None:
    Rule.objects.bulk_create([Rule(organisation=owner, kind=c.kind, target=c.target, area=c.area, below=c.below,
                                   question=c.question, value=c.value, position=i) for i, c in enumerate(rules.DEFAULTS)])


@transaction.atomic
def delete_rule(rule: Rule, *, actor) -> None:
    owner = rule.organisation
    if not Rule.objects.for_organisation(owner).exclude(pk=rule.pk).exists():
        raise ValidationError(_("Keep at least one rule, or go back to the default rules."))
    record("diagnostic.rule_deleted", actor=actor, organisation=owner, target=rule, data={"kind": rule.kind, "target": rule.target})
    rule.delete()


@transaction.atomic
def reset_rules(owner, *, actor) -> None:
    """Back to the shipped defaults (the organisation's own rules are removed)."""
    Rule.objects.for_organisation(owner).delete()
    record("diagnostic.rules_reset", actor=actor, organisation=owner)


# Security self-check ----------------------------------------------------------------------------

def record_selfcheck(membership, done) -> SelfCheck:
    unknown = [key for key in done if key not in selfcheck.BY_KEY]
    if unknown:
        raise ValidationError({"done": _("Tick only practices of the checklist.")})
    done = [item.key for item in selfcheck.ITEMS if item.key in set(done)]
    with transaction.atomic():
        check = SelfCheck.objects.create(organisation=membership.organisation, done=done, score=selfcheck.score(done),
                                         created_by=membership.user)
        record("diagnostic.selfcheck", actor=membership.user, organisation=membership.organisation, target=check,
               data={"score": check.score})
    return check


def selfchecks(organisation, limit: int = 24) -> list[SelfCheck]:
    """The commune's latest self-checks, oldest first (the chart's order)."""
    return list(reversed(SelfCheck.objects.for_organisation(organisation).order_by("-created_at", "-pk")[:limit]))


# The chart: a few points on a 0–100 scale, drawn as SVG by the page (no JavaScript, no library).
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 320, 120, 16


def chart(values: list[int]) -> dict:
    """Coordinates of a line through ``values`` (0–100) in a CHART_WIDTH × CHART_HEIGHT box."""
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0
    points = []
    for i, value in enumerate(values):
        x = CHART_PAD + (i * step if len(values) > 1 else inner_w / 2)
        y = CHART_PAD + inner_h * (1 - max(0, min(100, value)) / 100)
        points.append({"x": _svg(x), "y": _svg(y), "value": value})
    # Strings: the template would print a float the French way (« 60,0 »), which SVG refuses.
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "points": points,
            "line": " ".join(f"{p['x']},{p['y']}" for p in points),
            "top": _svg(CHART_PAD), "bottom": _svg(CHART_HEIGHT - CHART_PAD), "middle": _svg(CHART_HEIGHT / 2),
            "left": _svg(CHART_PAD), "right": _svg(CHART_WIDTH - CHART_PAD)}


def _svg(number: float) -> str:
    return f"{round(number, 1):g}"


# The groupement's overview ----------------------------------------------------------------------

def overview(groupement) -> list[dict]:
    """Each commune of ``groupement`` with its latest completed diagnostic's scores and its latest
    self-check: one query, whatever the number of communes and of diagnostics."""
    from django.db.models import JSONField, OuterRef, Subquery

    from maillon.communes.models import Commune

    diagnostics = (Diagnostic.objects.filter(organisation=OuterRef("organisation"), status=Diagnostic.Status.COMPLETED)
                   .order_by("-completed_at", "-pk"))
    checks = SelfCheck.objects.filter(organisation=OuterRef("organisation")).order_by("-created_at", "-pk")
    communes = (Commune.objects.of_groupement(groupement).select_related("organisation")
                .annotate(scores=Subquery(diagnostics.values("scores")[:1], output_field=JSONField()),
                          diagnosed_at=Subquery(diagnostics.values("completed_at")[:1]),
                          security=Subquery(checks.values("score")[:1]),
                          checked_at=Subquery(checks.values("created_at")[:1]))
                .order_by("organisation__name"))
    rows = []
    for commune in communes:
        scores = commune.scores
        if isinstance(scores, str):  # some backends hand a JSON subquery back as text
            scores = json.loads(scores)
        rows.append({"commune": commune.organisation, "population": commune.population, "scores": scores or {},
                     "cells": [(questionnaire.AREA_LABELS[a], (scores or {}).get(a)) for a in questionnaire.SCORED_AREAS],
                     "overall": questionnaire.overall(scores) if scores else None, "diagnosed_at": commune.diagnosed_at,
                     "security": commune.security, "checked_at": commune.checked_at})
    return rows
