"""The publications' demo seeder: two published narratives and the framework publication, once."""

from __future__ import annotations

from types import SimpleNamespace

from maillon.competencies import demo_framework, demo_publications
from maillon.competencies.models import Edition, Publication

from .test_publications import World


def test_the_demo_publishes_two_narratives_and_the_framework_publication_once(people, monkeypatch):
    w = World(people)
    Edition.objects.create(framework=w.framework, number=1, label="édition du semestre 1", snapshot={})
    monkeypatch.setattr(demo_framework, "demo_framework", lambda context: w.framework)
    context = SimpleNamespace(main=w.org, people={"directrice": w.editor})
    demo_publications.seed(context)
    demo_publications.seed(context)  # loaded again: nothing more
    kinds = sorted(Publication.objects.filter(framework=w.framework, status="published").values_list("kind", flat=True))
    assert kinds == ["framework", "narrative", "narrative"]
    narratives = Publication.objects.filter(kind="narrative").order_by("period_start")
    assert narratives[0].period_end.month % 2 == 0 and narratives[1].period_start > narratives[0].period_end
