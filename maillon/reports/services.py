"""A report: its figures computed once, then drawn as a page, a PDF, slides or a Word file."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import figures
from .periods import Period


@dataclass
class Report:
    scope: figures.Scope
    period: Period
    final: bool = False
    sections: list[dict] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)

    @property
    def values(self) -> dict[str, int]:
        return figures.flat(self.sections)


def build(scope: figures.Scope, period: Period, *, final: bool = False) -> Report:
    report = Report(scope, period, final, figures.compute(scope, period), figures.per_month(scope, period))
    if final:
        report.actions = figures.actions(scope, period)
    return report
