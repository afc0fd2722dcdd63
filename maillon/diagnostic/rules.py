"""From a diagnostic to a bundle of services and a training plan.

A rule recommends a service of the catalogue (``maillon.communes.catalogue``) or a training
module (``MODULES``) when an area scores below a threshold or a question got a given answer (for a
question with several ticks: when that option is ticked). ``recommend`` is a pure function of the
answers, the scores and the rules; the shipped ``DEFAULTS`` apply until an organisation writes its
own rules."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillon.communes import catalogue

from . import questionnaire


@dataclass(frozen=True)
class Module:
    key: str
    title: object
    audience: object
    hours: int


MODULES: tuple[Module, ...] = (
    Module("digital_basics", _("Digital basics at the town hall: files, e-mail, shared calendar"), _("Secretaries and staff"), 7),
    Module("online_procedures", _("Publishing and handling online procedures"), _("Secretaries"), 4),
    Module("website", _("Keeping the commune's website and news up to date"), _("Secretaries and an elected official"), 3),
    Module("gdpr", _("Personal data: the register, notices and citizens' rights"), _("Mayor, secretaries"), 3),
    Module("security", _("Cyber security hygiene: passwords, updates, backups, phishing"), _("All staff and elected officials"), 3),
    Module("incident", _("What to do in a cyber incident"), _("Mayor and secretaries"), 2),
    Module("participation", _("Running an online consultation and an idea box"), _("Elected officials and secretaries"), 3),
    Module("meetings", _("Preparing the municipal council: invitations, minutes, tasks"), _("Secretaries and deputy mayors"), 2),
)
MODULES_BY_KEY = {m.key: m for m in MODULES}


def module(key: str) -> Module:
    return MODULES_BY_KEY[key]


@dataclass(frozen=True)
class Condition:
    """One rule without its storage: the kind (``service`` or ``training``), its target and when it fires."""

    kind: str
    target: str
    area: str = ""
    below: int | None = None
    question: str = ""
    value: str = ""

    def fires(self, answers: dict, scores: dict) -> bool:
        if self.area and self.below is not None and scores.get(self.area, 0) < self.below:
            return True
        if self.question:
            answer = answers.get(self.question)
            if isinstance(answer, list | tuple):
                return self.value in answer
            return answer is not None and str(answer) == self.value
        return False


S, T = "service", "training"
DEFAULTS: tuple[Condition, ...] = (
    Condition(S, "procedures", area="web", below=60),
    Condition(S, "citizen_procedures", area="web", below=60),
    Condition(S, "content", question="website", value="none"),
    Condition(S, "content", question="website", value="stale"),
    Condition(S, "meetings", area="tools", below=60),
    Condition(S, "agenda", area="tools", below=60),
    Condition(S, "directory", area="tools", below=40),
    Condition(S, "participation", area="participation", below=50),
    Condition(S, "mailings", question="participation_wishes", value="newsletter"),
    Condition(S, "participation", question="participation_wishes", value="consultations"),
    Condition(S, "participation", question="participation_wishes", value="ideas"),
    Condition(S, "problem_reports", question="participation_wishes", value="reports"),
    Condition(T, "digital_basics", area="tools", below=60),
    Condition(T, "online_procedures", area="web", below=60),
    Condition(T, "website", question="website", value="stale"),
    Condition(T, "gdpr", area="data", below=100),
    Condition(T, "security", area="security", below=80),
    Condition(T, "incident", area="security", below=50),
    Condition(T, "participation", area="participation", below=50),
    Condition(T, "meetings", area="tools", below=40),
)


def valid_targets(kind: str) -> set[str]:
    return set(catalogue.KEYS) if kind == S else set(MODULES_BY_KEY)


def recommend(answers: dict, scores: dict, rules) -> tuple[list, list[Module]]:
    """The services of the catalogue (in the catalogue's order) and the training modules (in the
    modules' order) that at least one rule recommends; a rule naming a service or module that no
    longer exists is ignored."""
    services, modules = set(), set()
    for rule in rules:
        if rule.fires(answers, scores):
            (services if rule.kind == S else modules).add(rule.target)
    return ([s for s in catalogue.SERVICES if s.key in services], [m for m in MODULES if m.key in modules])


def describe(rule) -> str:
    """« Security practices below 80 » / « Backups: No regular backup », for lists of rules."""
    parts = []
    if rule.area and rule.below is not None:
        parts.append(gettext("%(area)s below %(below)s") % {"area": questionnaire.AREA_LABELS.get(rule.area, rule.area), "below": rule.below})
    if rule.question:
        question = questionnaire.BY_KEY.get(rule.question)
        labels = {value: label for value, label, _points in question.options} if question else {}
        parts.append(gettext("%(question)s: %(answer)s") % {"question": question.label if question else rule.question,
                                                      "answer": labels.get(rule.value, rule.value)})
    if len(parts) == 2:
        return gettext("%(first)s or %(second)s") % {"first": parts[0], "second": parts[1]}
    return str(parts[0]) if parts else ""
