"""The needs diagnostic's questionnaire, defined in code and versioned, and its scoring by area.

A diagnostic stores the ``VERSION`` it was answered with; a later version may add or change
questions, and an old diagnostic is still read and scored with the questions it knows (unknown
keys are ignored, missing answers count as nothing done). The size questions (population, staff,
elected officials) describe the commune and feed the recommendation rules; they are not scored.
Every scored answer is worth 0 to 100 points; an area's score is the mean of its questions'
points, rounded: 0 to 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VERSION = "2026-1"

NUMBER, CHOICE, MULTI = "number", "choice", "multi"


@dataclass(frozen=True)
class Area:
    key: str
    label: object
    scored: bool = True


AREAS: tuple[Area, ...] = (
    Area("size", _("Size of the commune"), scored=False),
    Area("tools", _("Current tools")),
    Area("web", _("Website and online procedures")),
    Area("data", _("Data protection")),
    Area("security", _("Security practices")),
    Area("participation", _("Citizen participation")),
)
SCORED_AREAS = tuple(a.key for a in AREAS if a.scored)
AREA_LABELS = {a.key: a.label for a in AREAS}


@dataclass(frozen=True)
class Question:
    key: str
    area: str
    kind: str
    label: object
    help: object = ""
    # CHOICE: (value, label, points); MULTI: (value, label, points of one ticked option);
    # a MULTI's points are the sum of its ticked options', at most 100.
    options: tuple[tuple[str, object, int], ...] = ()
    maximum: int = 0  # NUMBER: the largest value accepted

    @property
    def scored(self) -> bool:
        return self.kind != NUMBER and any(points for _value, _label, points in self.options)

    def points(self, answer) -> int:
        """The answer's points, 0 to 100 (nothing answered: 0)."""
        worth = {value: points for value, _label, points in self.options}
        if self.kind == CHOICE:
            return worth.get(answer, 0) if isinstance(answer, str) else 0
        if self.kind == MULTI and isinstance(answer, list | tuple):
            return min(100, sum(worth.get(v, 0) for v in set(answer) if isinstance(v, str)))
        return 0


YES_NO = (("yes", _("Yes"), 100), ("no", _("No"), 0))


def yes_no(key: str, area: str, label, help="") -> Question:
    return Question(key, area, CHOICE, label, help, YES_NO)


QUESTIONS: tuple[Question, ...] = (
    Question("population", "size", NUMBER, _("Population (inhabitants)"), maximum=3_000_000),
    Question("staff", "size", NUMBER, _("Staff of the town hall (people)"), maximum=100_000),
    Question("elected", "size", NUMBER, _("Elected officials on the municipal council"), maximum=200),
    Question("tools_used", "tools", MULTI, _("Tools the town hall uses today"), _("Tick every one that applies."), (
        ("office", _("An office suite (word processing, spreadsheets)"), 20),
        ("business", _("Business software (accounts, payroll, civil registry, elections)"), 20),
        ("shared_files", _("Files shared on a server or an online drive, not on one computer"), 20),
        ("calendar", _("A shared calendar"), 20),
        ("video", _("Videoconferencing"), 20),
    )),
    yes_no("own_domain", "tools", _("Do the staff and elected officials use e-mail addresses on the commune's own domain?"),
           _("For example secretariat@my-commune.fr rather than a personal webmail address.")),
    Question("website", "web", CHOICE, _("The commune's website"), options=(
        ("none", _("No website"), 0),
        ("stale", _("A website rarely updated"), 40),
        ("current", _("A website kept up to date"), 100),
    )),
    Question("procedures", "web", CHOICE, _("Procedures citizens can do online"), options=(
        ("none", pgettext_lazy("procedures", "None"), 0),
        ("some", _("A few (forms to download, e-mail)"), 50),
        ("most", _("Most of them, with a receipt and a follow-up"), 100),
    )),
    yes_no("accessibility", "web", _("Is there an accessibility statement on the website?")),
    yes_no("dpo", "data", _("Has the commune named a data protection officer (DPO)?"),
           _("Named to the CNIL, possibly shared with other communes.")),
    yes_no("register", "data", _("Does the commune keep a register of its processing of personal data?")),
    yes_no("privacy_notice", "data", _("Are citizens told how their personal data is used (privacy notice on forms and site)?")),
    Question("backups", "security", CHOICE, _("Backups"), options=(
        ("none", _("No regular backup"), 0),
        ("occasional", _("From time to time, on a disk kept in the town hall"), 40),
        ("regular", _("Regular and automatic, one copy away from the town hall, restoring tested"), 100),
    )),
    Question("passwords", "security", CHOICE, _("Passwords"), options=(
        ("shared", _("Shared between several people, or written down"), 0),
        ("personal", _("One personal password for each person"), 50),
        ("manager", _("Personal, stored in a password manager, with a second factor for e-mail"), 100),
    )),
    Question("updates", "security", CHOICE, _("Updates of computers and software"), options=(
        ("rarely", _("Rarely, when someone thinks of it"), 0),
        ("regular", _("Regularly, by hand"), 60),
        ("automatic", _("Automatic"), 100),
    )),
    yes_no("antivirus", "security", _("Does every computer have an antivirus kept up to date?")),
    yes_no("admin_accounts", "security", _("Are administrator accounts kept apart from the accounts used every day?")),
    Question("participation_now", "participation", CHOICE, _("How citizens take part today"), options=(
        ("none", _("Only at public meetings"), 0),
        ("occasional", _("Occasional consultations (paper, meetings)"), 50),
        ("regular", _("Regular consultations, online as well"), 100),
    )),
    Question("participation_wishes", "participation", MULTI, _("What the commune would like to offer"),
             _("Tick every one that applies."), (
        ("consultations", _("Online consultations"), 0),
        ("ideas", _("An idea box"), 0),
        ("reports", _("Reporting a problem in the street"), 0),
        ("newsletter", _("A newsletter"), 0),
    )),
)
BY_KEY = {q.key: q for q in QUESTIONS}


@dataclass
class Cleaned:
    answers: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def score(answers: dict) -> dict[str, int]:
    """Each scored area's score, 0 to 100: the mean of its scored questions' points. A pure
    function of the answers (anything unknown or malformed counts as nothing done)."""
    answers = answers if isinstance(answers, dict) else {}
    result = {}
    for area in SCORED_AREAS:
        questions = [q for q in QUESTIONS if q.area == area and q.scored]
        total = sum(q.points(answers.get(q.key)) for q in questions)
        result[area] = round(total / len(questions)) if questions else 0
    return result


def overall(scores: dict[str, int]) -> int:
    """The mean of the areas' scores, rounded."""
    values = [scores.get(a, 0) for a in SCORED_AREAS]
    return round(sum(values) / len(values)) if values else 0


def missing(answers: dict) -> list[Question]:
    """Questions not answered yet (a MULTI left empty counts as answered: « none of these »)."""
    return [q for q in QUESTIONS if q.kind != MULTI and answers.get(q.key) in (None, "")]
