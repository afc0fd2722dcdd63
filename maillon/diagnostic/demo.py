"""Demo: needs diagnostics and security self-checks for the demo's communes (those of the
communes app's groupement, whichever organisations are of kind « commune »). Two communes in
three have a completed diagnostic (some made twice, a year apart), one has a draft in progress,
the others none yet (the groupement's overview shows them); self-checks improve over a few
months. Answers are drawn from a fixed seed: the same demo every time."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from . import questionnaire, selfcheck


def _answers(rng: random.Random, population: int | None) -> dict:
    answers = {}
    for q in questionnaire.QUESTIONS:
        if q.kind == questionnaire.NUMBER:
            continue
        values = [v for v, _label, _points in q.options]
        if q.kind == questionnaire.CHOICE:
            answers[q.key] = rng.choice(values)
        else:
            answers[q.key] = sorted(rng.sample(values, rng.randint(0, len(values))))
    population = population or rng.randint(150, 4000)
    answers.update(population=population, staff=max(1, population // 250), elected=11 if population < 500 else 15 if population < 1500 else 19)
    return answers


def seed_diagnostic(context) -> None:
    from maillon.organisations.models import Organisation

    from .models import Diagnostic, SelfCheck

    communes = list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE, is_active=True).order_by("pk"))
    if not communes or Diagnostic.objects.filter(organisation__in=communes).exists():
        return
    try:
        from maillon.communes.models import Commune

        populations = dict(Commune.objects.filter(organisation__in=communes).values_list("organisation", "population"))
    except ImportError:  # pragma: no cover - the communes app is installed with this one
        populations = {}
    rng = random.Random(19)
    now = timezone.now()
    diagnostics, checks = [], []
    for index, commune in enumerate(communes):
        if index % 3 == 2:
            continue  # nothing done yet
        answers = _answers(rng, populations.get(commune.pk))
        if index % 7 == 0:  # made a year ago already
            before = dict(answers, backups="none", passwords="shared", website="none")
            diagnostics.append(Diagnostic(organisation=commune, version=questionnaire.VERSION, status=Diagnostic.Status.COMPLETED,
                                          answers=before, scores=questionnaire.score(before), completed_at=now - timedelta(days=380)))
        if index == 4:
            diagnostics.append(Diagnostic(organisation=commune, version=questionnaire.VERSION, answers=answers))
            continue
        diagnostics.append(Diagnostic(organisation=commune, version=questionnaire.VERSION, status=Diagnostic.Status.COMPLETED,
                                      answers=answers, scores=questionnaire.score(answers),
                                      completed_at=now - timedelta(days=rng.randint(3, 60))))
        done: list[str] = []
        keys = [i.key for i in selfcheck.ITEMS]
        for months_ago in (5, 3, 1)[: 1 + index % 3]:
            done = sorted(set(done) | set(rng.sample(keys, rng.randint(2, 5))))
            checks.append(SelfCheck(organisation=commune, done=done, score=selfcheck.score(done)))
            checks[-1]._months_ago = months_ago
    Diagnostic.objects.bulk_create(diagnostics)
    created = SelfCheck.objects.bulk_create(checks)
    # auto_now_add dates: put each self-check back on its month.
    for check, source in zip(created, checks, strict=True):
        SelfCheck.objects.filter(pk=check.pk).update(created_at=now - timedelta(days=30 * source._months_ago))
    for diagnostic in Diagnostic.objects.filter(organisation__in=communes, completed_at__isnull=False):
        Diagnostic.objects.filter(pk=diagnostic.pk).update(created_at=diagnostic.completed_at)
