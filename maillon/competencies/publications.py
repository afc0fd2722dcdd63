"""Publications made from the logbooks and the framework (issue 18): compile a draft, let an editor
rework its text, publish it to the group.

- Bimonthly collective narrative (``compile_narrative``): the period's entries **shared with the
  group** (never drafts, never private or coordinator-only ones), grouped by theme and by
  competency: what was observed, tried and learned, the obstacles met (« what blocked me ») and
  the levers found. An entry's words appear in the draft only as a quote, with its author's name,
  when the author allowed it (``quote_consent``); every other entry is counted, not quoted.
- Semiannual framework publication (``compile_framework``): the framework's latest edition with,
  per competency, how many people practise it (distinct authors of shared entries tagged with it
  in the half-year), the competencies that appeared in the period (proposed from practice or
  created), and those ready to validate (current self-assessment at « maîtrise » or above, not
  yet validated).
- Yearly note on the job profiles (``compile_yearly_note``): per profile, its participants, their
  entries, the most practised competencies and the profile's competencies nobody practised.

Every figure counts only entries shared with the group and not drafts: what a publication tells
the group never rests on what someone kept to themselves. Compiling reads a fixed number of
queries whatever the number of entries (values lists joined in Python).

The text is Markdown (rendered and sanitised as the knowledge base does, kb.rendering); the page,
the PDF and the Word file are drawn from it. A publication is a page of its own with its files
(not a document of the content library: that library is one organisation's and open by role,
while a framework's group crosses organisations through a space and is narrower than the staff).
"""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillon.audit.services import record
from maillon.notifications import kinds
from maillon.notifications.services import notify

from .models import (
    Assessment,
    Competency,
    Edition,
    Entry,
    Framework,
    JobProfile,
    Level,
    Participant,
    Publication,
    Theme,
)

NOTIFICATION_KIND = "competencies.publication"
kinds.register(NOTIFICATION_KIND, gettext_lazy("Publications of my group"),
               gettext_lazy("A collective narrative, a framework publication or a yearly note of my group is published."),
               kinds.Channel.DIGEST)

QUOTES_PER_GROUP = 6  # quotes under one theme in the draft (newest first); the editor adds or cuts
TOP_COMPETENCIES = 5
MAX_BODY = 200_000
MONTHS = {Publication.Kind.NARRATIVE: 2, Publication.Kind.FRAMEWORK: 6, Publication.Kind.YEARLY_NOTE: 12}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------- periods


def period_for(kind: str, year: int, number: int) -> tuple[date, date]:
    """The ``number``-th two-month period (1–6), half-year (1–2) or the year (1) of ``year``."""
    months = MONTHS.get(kind)
    if months is None:
        raise ValidationError({"kind": _("Choose a kind of publication.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    if not 1 <= number <= 12 // months:
        raise ValidationError({"number": _("This period does not exist.")})
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def period_label(kind: str, start: date, end: date) -> str:
    if kind == Publication.Kind.YEARLY_NOTE:
        return str(start.year)
    if kind == Publication.Kind.FRAMEWORK:
        return _("half-year %(n)s %(year)s") % {"n": 1 if start.month <= 6 else 2, "year": start.year}
    return _("%(first)s–%(second)s %(year)s") % {"first": date_format(start, "F"), "second": date_format(end, "F"), "year": start.year}


def default_title(kind: str, start: date, end: date) -> str:
    label = period_label(kind, start, end)
    if kind == Publication.Kind.NARRATIVE:
        return _("Collective narrative, %(period)s") % {"period": label}
    if kind == Publication.Kind.FRAMEWORK:
        return _("Framework publication, %(period)s") % {"period": label}
    return _("Yearly note on the job profiles, %(period)s") % {"period": label}


# ---------------------------------------------------------------- the data of a period


def shared_entries(framework: Framework, start: date, end: date):
    """The entries a publication may draw on: shared with the group, not drafts, in the period."""
    return Entry.objects.filter(framework=framework, visibility=Entry.Visibility.GROUP, is_draft=False,
                                occurred_on__gte=start, occurred_on__lte=end)


@dataclass
class PeriodData:
    """The period's shared entries as plain rows, with their tags: five queries in all."""

    entries: list[dict]
    themes_of: dict[int, list[int]]
    competencies_of: dict[int, list[int]]
    themes: dict[int, str]
    competencies: dict[int, Competency]

    def authors(self, entry_ids) -> int:
        by_id = self.by_id
        return len({by_id[pk]["author_id"] for pk in entry_ids})

    @property
    def by_id(self) -> dict[int, dict]:
        if not hasattr(self, "_by_id"):
            self._by_id = {row["id"]: row for row in self.entries}
        return self._by_id


def _author_name(row: dict) -> str:
    full = f"{row['author__first_name']} {row['author__last_name']}".strip()
    return full or row["author__username"]


def period_data(framework: Framework, start: date, end: date) -> PeriodData:
    entries = shared_entries(framework, start, end)
    rows = list(entries.order_by("-occurred_on", "-pk").values(
        "id", "author_id", "author__first_name", "author__last_name", "author__username", "occurred_on", "title",
        "happened", "tried", "learned", "blocked", "quote_consent"))
    themes_of, competencies_of = defaultdict(list), defaultdict(list)
    for entry_id, theme_id in Entry.themes.through.objects.filter(entry__in=entries).values_list("entry_id", "theme_id"):
        themes_of[entry_id].append(theme_id)
    for entry_id, competency_id in Entry.competencies.through.objects.filter(entry__in=entries).values_list("entry_id", "competency_id"):
        competencies_of[entry_id].append(competency_id)
    themes = dict(Theme.objects.filter(framework=framework).values_list("pk", "name"))
    competencies = {c.pk: c for c in Competency.objects.filter(framework=framework).only("pk", "code", "name", "status", "domain_id")}
    return PeriodData(rows, themes_of, competencies_of, themes, competencies)


# ---------------------------------------------------------------- Markdown helpers


def _one_line(text: str, limit: int = 400) -> str:
    """An entry's words on one line for a Markdown quote: no line breaks, no leading marks."""
    text = re.sub(r"\s+", " ", (text or "")).strip()
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text


def _quote(row: dict, field: str) -> str:
    return f"> « {_one_line(row[field])} »  \n> — {_author_name(row)}, {date_format(row['occurred_on'], 'j F Y')}"


def _competency_label(competency: Competency) -> str:
    return f"{competency.code} {competency.name}".strip()


# ---------------------------------------------------------------- the narrative


QUOTED_FIELDS = (
    ("happened", gettext_lazy("Observed")),
    ("tried", gettext_lazy("Tried and applied")),
    ("learned", gettext_lazy("Learned")),
)


def compile_narrative(framework: Framework, start: date, end: date) -> tuple[str, dict]:
    """The draft's Markdown and its figures."""
    data = period_data(framework, start, end)
    rows = data.entries
    people = len({row["author_id"] for row in rows})
    consenting = [row for row in rows if row["quote_consent"]]
    by_theme: dict[int | None, list[int]] = defaultdict(list)
    by_competency: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        for theme_id in data.themes_of.get(row["id"]) or [None]:
            by_theme[theme_id].append(row["id"])
        for competency_id in data.competencies_of.get(row["id"], ()):
            by_competency[competency_id].append(row["id"])
    theme_order = sorted(by_theme, key=lambda t: (-len(by_theme[t]), data.themes.get(t, "\uffff")))
    competency_order = sorted(by_competency, key=lambda c: (-len(by_competency[c]), _competency_label(data.competencies[c])))
    figures = {
        "entries": len(rows), "people": people, "quotable": len(consenting),
        "themes": [{"name": data.themes.get(t) or "", "entries": len(by_theme[t]), "people": data.authors(by_theme[t])} for t in theme_order],
        "competencies": [{"code": data.competencies[c].code, "name": data.competencies[c].name, "entries": len(by_competency[c]),
                          "people": data.authors(by_competency[c])} for c in competency_order],
        "obstacles": sum(1 for row in rows if row["blocked"].strip()),
    }
    out = ["## " + _("In short"), "",
           _("From %(start)s to %(end)s, %(people)s people shared %(entries)s entries of their logbooks with the group.") % {
               "start": date_format(start, "j F Y"), "end": date_format(end, "j F Y"), "people": people, "entries": len(rows)}, ""]
    if not rows:
        out += [_("Nothing was shared with the group in this period."), ""]
        return "\n".join(out), figures
    out += ["## " + _("By theme"), ""]
    for theme_id in theme_order:
        ids = by_theme[theme_id]
        name = data.themes.get(theme_id) or _("Without a theme")
        out += [f"### {name}", "", _("Entries: %(entries)s · people: %(people)s") % {"entries": len(ids), "people": data.authors(ids)}, ""]
        tagged = Counter(c for pk in ids for c in data.competencies_of.get(pk, ()))
        if tagged:
            used = ", ".join(f"{_competency_label(data.competencies[c])} ({n})" for c, n in sorted(tagged.items(), key=lambda x: (-x[1], x[0]))[:TOP_COMPETENCIES])
            out += [_("Competencies at work: %(list)s.") % {"list": used}, ""]
        quotes = [data.by_id[pk] for pk in ids if data.by_id[pk]["quote_consent"]][:QUOTES_PER_GROUP]
        for field, label in QUOTED_FIELDS:
            said = [row for row in quotes if row[field].strip()]
            if said:
                out += [f"**{label}**", ""]
                for row in said:
                    out += [_quote(row, field), ""]
    out += ["## " + _("By competency"), "", "| {} | {} | {} |".format(_("Competency"), _("Entries"), _("People")), "|---|---:|---:|"]
    for item in figures["competencies"]:
        out.append(f"| {(item['code'] + ' ' + item['name']).strip()} | {item['entries']} | {item['people']} |")
    out.append("")
    for field, heading in (("blocked", _("Obstacles met and removed")), ("tried", _("Levers found"))):
        out += [f"## {heading}", ""]
        said = [row for row in consenting if row[field].strip()][:QUOTES_PER_GROUP * 2]
        if field == "blocked":
            out += [ngettext("%(n)s entry tells of an obstacle.", "%(n)s entries tell of an obstacle.", figures["obstacles"])
                    % {"n": figures["obstacles"]}, ""]
        out += [line for row in said for line in (_quote(row, field), "")]
    out += ["## " + _("Small and large changes"), "", "_" + _("To be written by the editor from the quotes above.") + "_", ""]
    return "\n".join(out), figures


# ---------------------------------------------------------------- the framework publication


def mastery_position(framework: Framework) -> int | None:
    """The position of « maîtrise » (by name, else the third level): at or above it, ready to validate."""
    levels = list(Level.objects.filter(framework=framework).values_list("position", "name"))
    for position, name in levels:
        if name.strip().lower() in {"maîtrise", "maitrise", "mastery"}:
            return position
    return levels[2][0] if len(levels) >= 3 else (levels[-1][0] if levels else None)


def ready_to_validate(framework: Framework, end: date) -> Counter:
    """competency id → how many people's current self-assessment (latest by ``end``) is at
    « maîtrise » or above and not validated."""
    threshold = mastery_position(framework)
    ready: Counter = Counter()
    if threshold is None:
        return ready
    seen = set()
    rows = (Assessment.objects.filter(participant__framework=framework, created_at__date__lte=end)
            .order_by("participant_id", "competency_id", "-created_at", "-pk")
            .values_list("participant_id", "competency_id", "level__position", "validated_level_id"))
    for participant_id, competency_id, position, validated in rows:
        if (participant_id, competency_id) in seen:
            continue
        seen.add((participant_id, competency_id))
        if position >= threshold and validated is None:
            ready[competency_id] += 1
    return ready


def compile_framework(framework: Framework, start: date, end: date) -> tuple[str, dict, Edition]:
    edition = Edition.objects.filter(framework=framework).order_by("-number").first()
    if edition is None:
        raise ValidationError(_("Publish an edition of the framework first: this publication presents the current edition."))
    data = period_data(framework, start, end)
    practised: dict[int, set] = defaultdict(set)
    for row in data.entries:
        for competency_id in data.competencies_of.get(row["id"], ()):
            practised[competency_id].add(row["author_id"])
    ready = ready_to_validate(framework, end)
    competencies = list(Competency.objects.filter(framework=framework).exclude(status=Competency.Status.RETIRED)
                        .select_related("domain").order_by("domain__position", "domain__name", "position", "name"))
    new = [c for c in competencies if c.status == Competency.Status.PROPOSED or start <= timezone.localdate(c.created_at) <= end]
    figures = {
        "edition": {"number": edition.number, "label": edition.label},
        "people": len({row["author_id"] for row in data.entries}), "entries": len(data.entries),
        "competencies": [{"code": c.code, "name": c.name, "domain": c.domain.name, "people": len(practised.get(c.pk, ())),
                          "ready": ready.get(c.pk, 0)} for c in competencies],
        "new": [{"code": c.code, "name": c.name, "status": c.status} for c in new],
        "ready": [{"code": c.code, "name": c.name, "people": ready[c.pk]} for c in competencies if ready.get(c.pk)],
    }
    out = ["## " + _("The edition"), "",
           _("This publication presents edition %(number)s of the framework, « %(label)s », published on %(date)s.") % {
               "number": edition.number, "label": edition.label, "date": date_format(timezone.localtime(edition.published_at), "j F Y")}, "",
           _("From %(start)s to %(end)s, %(people)s people shared %(entries)s entries with the group.") % {
               "start": date_format(start, "j F Y"), "end": date_format(end, "j F Y"), "people": figures["people"],
               "entries": figures["entries"]}, "",
           "## " + _("Competencies practised"), ""]
    domain = None
    for c, item in zip(competencies, figures["competencies"], strict=True):
        if c.domain.name != domain:
            domain = c.domain.name
            out += ["", f"### {domain}", "", "| {} | {} |".format(_("Competency"), _("People who practise it")), "|---|---:|"]
        out.append(f"| {_competency_label(c)} | {item['people']} |")
    out += ["", "## " + _("New competencies"), ""]
    out += [f"- {(n['code'] + ' ' + n['name']).strip()}" + (" ({})".format(_("proposed from practice")) if n["status"] == Competency.Status.PROPOSED else "")
            for n in figures["new"]] or [_("No new competency in this period.")]
    out += ["", "## " + _("Ready to validate from experience"), ""]
    out += [_("- %(competency)s: %(n)s people at « maîtrise » or above, not yet validated") % {
        "competency": (r["code"] + " " + r["name"]).strip(), "n": r["people"]} for r in figures["ready"]] or [_("No competency waits for validation.")]
    out.append("")
    return "\n".join(out), figures, edition


# ---------------------------------------------------------------- the yearly note


def compile_yearly_note(framework: Framework, start: date, end: date) -> tuple[str, dict]:
    data = period_data(framework, start, end)
    profiles = list(JobProfile.objects.filter(framework=framework).order_by("position", "name"))
    participants = list(Participant.objects.filter(framework=framework, is_active=True).values_list("user_id", "profile_id"))
    profile_of = dict(participants)
    members: dict[int | None, set] = defaultdict(set)
    for user_id, profile_id in participants:
        members[profile_id].add(user_id)
    profile_competencies: dict[int, set] = defaultdict(set)
    for competency_id, profile_id in (Competency.profiles.through.objects.filter(jobprofile__framework=framework)
                                      .exclude(competency__status=Competency.Status.RETIRED).values_list("competency_id", "jobprofile_id")):
        profile_competencies[profile_id].add(competency_id)
    figures = {"people": len(participants), "entries": len(data.entries), "profiles": []}
    out = ["## " + _("The year in figures"), "",
           _("In %(year)s, %(people)s people took part and shared %(entries)s entries with the group.") % {
               "year": start.year, "people": len(participants), "entries": len(data.entries)}, ""]
    for profile in profiles:
        rows = [row for row in data.entries if profile_of.get(row["author_id"]) == profile.pk]
        authors: dict[int, set] = defaultdict(set)
        for row in rows:
            for competency_id in data.competencies_of.get(row["id"], ()):
                authors[competency_id].add(row["author_id"])
        top = sorted(authors, key=lambda c: (-len(authors[c]), _competency_label(data.competencies[c])))[:TOP_COMPETENCIES]
        gaps = sorted((c for c in profile_competencies[profile.pk] if c not in authors), key=lambda c: _competency_label(data.competencies[c]))
        item = {"name": profile.name, "people": len(members[profile.pk]), "entries": len(rows),
                "top": [{"name": _competency_label(data.competencies[c]), "people": len(authors[c])} for c in top],
                "gaps": [_competency_label(data.competencies[c]) for c in gaps]}
        figures["profiles"].append(item)
        out += [f"## {profile.name}", "",
                _("Participants: %(people)s · shared entries: %(entries)s") % {"people": item["people"], "entries": item["entries"]}, "",
                "### " + _("Most practised competencies"), ""]
        out += [_("- %(competency)s (%(n)s people)") % {"competency": t["name"], "n": t["people"]} for t in item["top"]] or [
            _("No competency was practised in shared entries.")]
        out += ["", "### " + _("Gaps"), ""]
        out += [f"- {g}" for g in item["gaps"]] or [_("Every competency of the profile was practised.")]
        out += ["", "### " + _("What the year taught us"), "", "_" + _("To be written by the editor.") + "_", ""]
    return "\n".join(out), figures


# ---------------------------------------------------------------- writes


def clean_text(value: str, limit: int) -> str:
    """Text a person typed: no control characters (NUL bytes included), within ``limit``."""
    value = _CONTROL.sub("", (value or "").replace("\r\n", "\n"))
    if len(value) > limit:
        raise ValidationError(_("This text is too long (%(n)s characters at most).") % {"n": limit})
    return value


@transaction.atomic
def prepare(framework: Framework, kind: str, start: date, end: date, *, user, request=None) -> Publication:
    """A new draft compiled from the data of the period (the caller checked that ``user`` edits the framework)."""
    edition = None
    if kind == Publication.Kind.NARRATIVE:
        body, figures = compile_narrative(framework, start, end)
    elif kind == Publication.Kind.FRAMEWORK:
        body, figures, edition = compile_framework(framework, start, end)
    elif kind == Publication.Kind.YEARLY_NOTE:
        body, figures = compile_yearly_note(framework, start, end)
    else:
        raise ValidationError({"kind": _("Choose a kind of publication.")})
    publication = Publication.objects.create(framework=framework, kind=kind, title=default_title(kind, start, end), period_start=start,
                                             period_end=end, body=body, figures=figures, edition=edition, created_by=user)
    record("competencies.publication_prepared", actor=user, organisation=framework.organisation, target=publication, request=request,
           data={"kind": kind, "start": start.isoformat(), "end": end.isoformat()})
    return publication


@transaction.atomic
def update(publication: Publication, *, title: str, body: str, user, request=None) -> Publication:
    if publication.status != Publication.Status.DRAFT:
        raise ValidationError(_("A published publication is not edited any more."))
    title, body = clean_text(title, 200).strip(), clean_text(body, MAX_BODY)
    if not title:
        raise ValidationError({"title": _("Give the publication a title.")})
    publication.title, publication.body = title, body
    publication.save(update_fields=["title", "body", "updated_at"])
    return publication


def group_of(framework: Framework):
    """Who receives a publication: the framework's active participants (with the organisation
    they take part for: the link in their notification opens under it)."""
    return Participant.objects.filter(framework=framework, is_active=True).select_related("user", "organisation")


@transaction.atomic
def publish(publication: Publication, *, user, request=None) -> Publication:
    """Published: the group is told (after the commit), the text is frozen."""
    from django.urls import reverse

    publication = Publication.objects.select_for_update().select_related("framework__organisation").get(pk=publication.pk)
    if publication.status != Publication.Status.DRAFT:
        raise ValidationError(_("This publication is already published."))
    if not publication.body.strip():
        raise ValidationError(_("Write the text before publishing."))
    publication.status, publication.published_at, publication.published_by = Publication.Status.PUBLISHED, timezone.now(), user
    publication.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    framework = publication.framework
    recipients = [p for p in group_of(framework) if p.user_id != user.pk]
    record("competencies.publication_published", actor=user, organisation=framework.organisation, target=publication, request=request,
           data={"kind": publication.kind, "recipients": len(recipients)})
    title = _("New publication: %(title)s") % {"title": publication.title}

    def tell():
        for participant in recipients:
            url = reverse("competencies:publication_detail", kwargs={"org": participant.organisation.slug, "pk": publication.pk})
            notify(participant.user, title, url=url, organisation=participant.organisation, kind=NOTIFICATION_KIND)

    transaction.on_commit(tell)
    return publication


@transaction.atomic
def delete_draft(publication: Publication, *, user, request=None) -> None:
    if publication.status != Publication.Status.DRAFT:
        raise ValidationError(_("A published publication is kept."))
    record("competencies.publication_deleted", actor=user, organisation=publication.framework.organisation, target=publication,
           request=request)
    publication.delete()


# ---------------------------------------------------------------- documents


@dataclass
class Block:
    kind: str  # "heading" (level 2–4), "paragraph", "bullet", "quote", "row" (cells; header)
    text: str = ""
    level: int = 0
    cells: list[str] | None = None
    header: bool = False


def _inline(token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


def blocks(body: str) -> list[Block]:
    """The Markdown text as a flat list of blocks a PDF or a Word file draws (inline marks dropped)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).parse(body or "")
    out, stack, row, header, heading = [], [], None, False, 0
    for token in tokens:
        if token.type.endswith("_open"):
            stack.append(token.type[:-5])
            if token.type == "heading_open":
                heading = int(token.tag[1])
            elif token.type == "tr_open":
                row, header = [], "thead" in stack
        elif token.type.endswith("_close"):
            stack.pop()
            if token.type == "tr_close" and row is not None:
                out.append(Block("row", cells=row, header=header))
                row = None
        elif token.type == "inline":
            text = _inline(token)
            if row is not None:
                row.append(text)
            elif "heading" in stack:
                out.append(Block("heading", text, level=heading))
            elif "blockquote" in stack:
                out.append(Block("quote", text))
            elif "list_item" in stack:
                out.append(Block("bullet", text))
            else:
                out.append(Block("paragraph", text))
        elif token.type in {"fence", "code_block"}:
            out.append(Block("paragraph", token.content.rstrip()))
    return out


def _footer_facts(publication: Publication) -> str:
    published = publication.published_at or publication.updated_at
    return f"{publication.framework.name} · {publication.get_kind_display()} · {date_format(timezone.localtime(published), 'j F Y')}"


def pdf(publication: Publication) -> bytes:
    """The publication on A4 with the house masthead and footer (core.pdf)."""
    from maillon.core import feder
    from maillon.core.pdf import NEXT_LINE, HousePDF, text

    organisation = publication.framework.organisation
    document = HousePDF(title=publication.title, author=organisation.name, footer=_footer_facts(publication), feder=feder.shown(organisation))
    document.masthead(organisation.name, publication.title)
    width = document.epw
    pending: list[Block] = []

    def draw_table():
        columns = max(len(row.cells or ()) for row in pending)
        widths = (width - 30 * (columns - 1), *([30] * (columns - 1))) if columns > 1 else (width,)
        document.set_font("Helvetica", size=9)
        with document.table(col_widths=widths, text_align=("LEFT", *(["RIGHT"] * (columns - 1))), first_row_as_headings=pending[0].header,
                            line_height=5) as table:
            for row in pending:
                cells = table.row()
                for value in (row.cells + [""] * columns)[:columns]:
                    cells.cell(text(value))
        document.ln(2)
        pending.clear()

    for block in blocks(publication.body):
        if block.kind == "row":
            pending.append(block)
            continue
        if pending:
            draw_table()
        if block.kind == "heading" and block.level <= 2:
            document.heading(block.text)
        elif block.kind == "heading":
            document.set_font("Helvetica", "B", 11)
            document.multi_cell(0, 6, text(block.text), **NEXT_LINE)
        elif block.kind == "quote":
            document.set_font("Helvetica", "I", 10)
            document.set_x(document.l_margin + 6)
            document.multi_cell(width - 6, 5, text(block.text), **NEXT_LINE)
            document.ln(1)
        else:
            document.set_font("Helvetica", size=10)
            document.multi_cell(0, 5, text(f"\u2022 {block.text}" if block.kind == "bullet" else block.text), **NEXT_LINE)
            document.ln(1 if block.kind == "paragraph" else 0)
    if pending:
        draw_table()
    return bytes(document.output())


def docx(publication: Publication) -> bytes:
    """The publication as a Word file (the reports' house document: colours, logo)."""
    from maillon.reports.documents import _save, _word

    organisation = publication.framework.organisation
    document = _word(publication.title, organisation)
    document.add_heading(publication.title, level=0)
    document.add_paragraph(f"{organisation.name} · {_footer_facts(publication)}")
    table = None
    for block in blocks(publication.body):
        if block.kind != "row":
            table = None
        if block.kind == "heading":
            document.add_heading(block.text, level=min(block.level - 1, 3))
        elif block.kind == "row":
            cells = block.cells or [""]
            if table is None or len(table.columns) != len(cells):
                table = document.add_table(rows=0, cols=len(cells))
                table.style = "Light List Accent 1"
            for cell, value in zip(table.add_row().cells, cells, strict=True):
                cell.text = value
        elif block.kind == "quote":
            document.add_paragraph(block.text, style="Quote")
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        else:
            document.add_paragraph(block.text)
    return _save(document)


def html(publication: Publication):
    """The text as safe HTML (Markdown rendered and sanitised like the knowledge base's pages)."""
    from maillon.kb.rendering import render

    return render(publication.body)


# ---------------------------------------------------------------- monthly group sessions


# A meeting type of the meetings app, created for an organisation the first time its sessions are
# listed (French names are data, like the meetings' default types: the organisation may rename it).
SESSION_TYPE = "Séance mensuelle du groupe"
SESSION_SECTIONS = ["Tour de table", "Ce que nous avons observé", "Entrées et compétences discutées", "Suites à donner"]
SESSION_LOOKBACK_DAYS = 62  # entries offered for linking: the two months before the session


def session_type(organisation):
    """The organisation's session type, created the first time (after the meetings' default types:
    those are shipped only to an organisation that has no type yet)."""
    from maillon.meetings.models import MeetingType
    from maillon.meetings.services import meeting_types

    meeting_types(organisation)
    meeting_type, _created = MeetingType.objects.get_or_create(organisation=organisation, name=SESSION_TYPE,
                                                               defaults={"sections": SESSION_SECTIONS, "order": 50})
    return meeting_type


@transaction.atomic
def link_to_session(meeting, *, framework: Framework, user, entry: Entry | None = None, competency: Competency | None = None,
                    request=None):
    """Link an entry or a competency to a group session (the caller checked that ``user`` writes the
    session's minutes and reads the entry or the framework)."""
    from .models import SessionLink

    if (entry is None) == (competency is None):
        raise ValidationError(_("Choose an entry or a competency."))
    target = entry or competency
    if target.framework_id != framework.pk:
        raise ValidationError(_("This entry or competency belongs to another framework."))
    link, created = SessionLink.objects.get_or_create(meeting=meeting, entry=entry, competency=competency,
                                                      defaults={"framework": framework, "added_by": user})
    if created:
        record("competencies.session_linked", actor=user, organisation=meeting.organisation, target=link, request=request,
               data={"meeting": meeting.pk, "entry": getattr(entry, "pk", None), "competency": getattr(competency, "pk", None)})
    return link


@transaction.atomic
def unlink_from_session(link, *, user, request=None) -> None:
    record("competencies.session_unlinked", actor=user, organisation=link.meeting.organisation, target=link, request=request,
           data={"meeting": link.meeting_id})
    link.delete()
