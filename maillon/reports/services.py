"""A report: its figures computed once, then drawn as a page, a PDF, slides or a Word file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import documents, figures
from .periods import Period

FORMATS = {
    "rapport.pdf": ("application/pdf", documents.pdf),
    "diaporama.pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", documents.pptx),
    "rapport.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", documents.docx),
}


@dataclass
class Report:
    scope: figures.Scope
    period: Period
    final: bool = False
    sections: list[dict] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    attendance: list[dict] = field(default_factory=list)
    upcoming: list[dict] = field(default_factory=list)

    @property
    def values(self) -> dict[str, int]:
        return figures.flat(self.sections)

    @property
    def next_steps(self) -> list[str]:
        """What comes next, in sentences: the page's last section and the deck's last slide."""
        values = self.values
        planned, late = values.get("meetings_planned", 0), values.get("tasks_late", 0)
        lines = [ngettext("%(n)s meeting planned", "%(n)s meetings planned", planned) % {"n": planned},
                 ngettext("%(n)s task late to follow up", "%(n)s tasks late to follow up", late) % {"n": late}]
        lines += [_("%(date)s: %(title)s") % {"date": date_format(m["date"], "l j F Y").capitalize(), "title": m["title"]}
                  for m in self.upcoming]
        return lines


def build(scope: figures.Scope, period: Period, *, final: bool = False, now: datetime | None = None) -> Report:
    now = now or timezone.now()
    report = Report(scope, period, final, figures.compute(scope, period, now), figures.per_month(scope, period, now),
                    attendance=figures.attendance(scope, period, now), upcoming=figures.upcoming(scope, period, now))
    if final:
        report.actions = figures.actions(scope, period, now)
    return report


def formats(report: Report) -> list[str]:
    """The files of a report: a PDF, and slides (two months) or a Word file (final report)."""
    return ["rapport.pdf", "rapport.docx" if report.final else "diaporama.pptx"]


def export(report: Report, fmt: str) -> tuple[str, bytes, str] | None:
    """(content type, bytes, file name) of one of the report's files, None for another name."""
    if fmt not in formats(report):
        return None
    content_type, draw = FORMATS[fmt]
    return content_type, draw(report), f"{slugify(report.scope.name)}-{report.period.slug}-{fmt}"
