"""The diagnostic as a PDF report for the municipal council (the house fpdf2 base)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillon.core import feder
from maillon.core.pdf import NEXT_LINE, HousePDF, french_datetime, text

from . import questionnaire


def report_pdf(diagnostic, bundle, plan) -> bytes:
    organisation = diagnostic.organisation
    title = _("Digital needs diagnostic: %(name)s") % {"name": organisation.name}
    printed = _("Printed on %(date)s") % {"date": french_datetime(timezone.now())}
    document = HousePDF(title=title, author=organisation.name, footer=f"{organisation.name} · {printed}",
                        feder=feder.shown(organisation))
    document.masthead(organisation.name, title)
    document.set_font("Helvetica", size=11)
    completed = date_format(timezone.localtime(diagnostic.completed_at), "j F Y")
    document.multi_cell(0, 6, text(_("Report for the municipal council. Diagnostic completed on %(date)s.") % {"date": completed}),
                        **NEXT_LINE)
    answers = diagnostic.answers
    document.heading(_("The commune"))
    document.facts([(str(q.label), str(answers.get(q.key, ""))) for q in questionnaire.QUESTIONS if q.area == "size"], label_width=100)
    document.heading(_("Scores by area (out of 100)"))
    scores = diagnostic.scores
    document.facts([(str(questionnaire.AREA_LABELS[a]), str(scores.get(a, 0))) for a in questionnaire.SCORED_AREAS]
                   + [(_("Overall"), str(questionnaire.overall(scores)))], label_width=100)
    document.heading(_("Recommended services"))
    if not bundle:
        document.note(_("No service is recommended by the rules."))
    for service in bundle:
        document.set_font("Helvetica", "B", 10)
        document.multi_cell(0, 6, text(str(service.label)), **NEXT_LINE)
        document.set_font("Helvetica", size=10)
        document.multi_cell(0, 5, text(str(service.description)), **NEXT_LINE)
    document.heading(_("Training plan"))
    if not plan:
        document.note(_("No training module is recommended by the rules."))
    for module in plan:
        document.facts([(str(module.title), _("%(audience)s · %(hours)s h") % {"audience": module.audience, "hours": module.hours})],
                       label_width=110)
    if plan:
        document.facts([(_("Total"), _("%(hours)s h") % {"hours": sum(m.hours for m in plan)})], label_width=110)
    return bytes(document.output())
