"""The PowerPoint progress deck, read back with python-pptx: its slides, the kind of each chart,
and numbers equal to the report's figures and to a hand count."""

import io
from datetime import date

import pytest
from django.utils import timezone
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from maillon.accounts.roles import Role as OrgRole
from maillon.meetings.models import Meeting
from maillon.meetings.tests.helpers import at, meeting
from maillon.reports import documents, figures, periods, services
from maillon.reports.figures import Scope
from maillon.testing import make_member

from .test_reports import held

pytestmark = pytest.mark.django_db
PERIOD = periods.bimonthly(2026, 3)  # May–June 2026
NOW = timezone.make_aware(timezone.datetime(2026, 6, 20, 12, 0))


def charts(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def title(slide):
    return slide.shapes.title.text


@pytest.fixture
def report(world, monkeypatch):
    people = world.people
    coordo = make_member(people.org, OrgRole.COORDINATOR, username="coordo")
    first = held(people.org, coordo, date(2026, 5, 12), title="Atelier", decisions=2, present=[people.owner, people.colleague])
    second = held(people.other_org, world.host, date(2026, 6, 10), title="Bilan", present=[world.host])
    soon = meeting(people.other_org, world.host, title="Rencontre de fin juin", start=at(2026, 6, 25, 10))
    july = meeting(people.other_org, world.host, title="Rentrée du groupe", start=at(2026, 7, 2, 10))
    ids = [first.pk, second.pk, soon.pk, july.pk]
    monkeypatch.setattr(figures, "SPACE_MEETINGS", [lambda space: Meeting.objects.filter(pk__in=ids).values("pk")])
    return services.build(Scope.of_space(world.space), PERIOD, now=NOW)


def test_the_deck_has_a_chart_per_group_a_table_and_the_next_steps(report):
    deck = Presentation(io.BytesIO(documents.pptx(report)))
    slides = list(deck.slides)
    assert [title(s) for s in slides] == [
        "Rapport d’activité : Groupe numérique", "Chiffres clés", "Réunions tenues et prévues par mois",
        "Présence par organisation", "Décisions et tâches", "Membres", "Contributions", "Diffusion", "Tous les chiffres",
        "La suite"]
    # Meetings held and planned per month, by hand: May 1 held of 1; June 1 held (10th) of 2 (the 25th to come).
    months = charts(slides[2])[0]
    assert months.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(months.plots[0].categories) == ["Mai 2026", "Juin 2026"]
    assert {s.name: list(s.values) for s in months.plots[0].series} == {"Réunions tenues": [1, 1], "Réunions prévues": [1, 2]}
    # Attendance by organisation: two people of « Essais » at the workshop, the host of « Autre centre » at the review.
    present = charts(slides[3])[0]
    assert present.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert dict(zip(present.plots[0].categories, present.plots[0].series[0].values, strict=True)) == {
        "Centre social des Essais": 2, "Autre centre": 1}
    # One bar chart per other group of figures, with the report's own numbers.
    values = report.values
    for slide, key in zip(slides[4:8], ("work", "people", "contributions", "outreach"), strict=True):
        chart = charts(slide)[0]
        section = next(s for s in report.sections if s["section"] == key)
        assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        assert list(chart.plots[0].series[0].values) == [row["value"] for row in section["figures"]]
    assert (values["decisions"], values["meetings_held"], values["meetings_planned"], values["present_people"]) == (2, 2, 2, 3)
    # The table: one row per figure, the numbers as the page writes them.
    table = next(shape.table for shape in slides[8].shapes if shape.has_table)
    rows = {table.cell(r, 1).text: table.cell(r, 2).text for r in range(1, len(table.rows))}
    assert len(rows) == len(values) and rows["Décisions prises"] == "2" and rows["Réunions tenues"] == "2"
    assert rows["Membres"] == str(values["space_members"])
    # The next steps: the page's sentences, the next meetings by date.
    steps = [shape.text_frame.text for shape in slides[9].placeholders if shape.placeholder_format.idx == 1][0].split("\n")
    assert steps == report.next_steps
    assert steps[0] == "2 réunions prévues" and any("Rencontre de fin juin" in s and "25 juin 2026" in s for s in steps)
    assert any("Rentrée du groupe" in s for s in steps)


def test_a_period_without_attendance_says_so_instead_of_an_empty_chart(world):
    report = services.build(Scope.of_space(world.space), PERIOD, now=NOW)
    slide = Presentation(io.BytesIO(documents.pptx(report))).slides[3]
    assert not charts(slide) and any("Aucune présence" in s.text_frame.text for s in slide.shapes if s.has_text_frame)
