"""The professional logbook (issue 18): entries, self-assessments, the coordinator's signed
validation, and a person's page (competencies over time, entries per competency, gaps).

Who reads an entry is decided in ``privacy.py``; who reads and edits a framework in ``policies.py``.
Every write goes through here: validated, in a transaction; the validation is signed
(accounts.signing), audited and notified to the person after commit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.accounts.signing import sign, verify_password
from maillon.audit.services import record
from maillon.notifications import kinds
from maillon.notifications.services import notify

from . import policies
from .models import Assessment, Competency, Entry, Framework, Level, Participant, Theme

VALIDATION_KIND = "competencies.validation"
kinds.register(VALIDATION_KIND, gettext_lazy("Validation of my competencies"),
               gettext_lazy("My coordinator validated one of my self-assessments."), kinds.Channel.IMMEDIATE)

MAX_NEW_THEMES = 5
# The level from which a competency of one's profile is no longer a gap (« pratique »); a framework
# without a level of that name counts from its second level.
PRACTICE_NAME = "pratique"


# The navigation shows « Logbook » to editors (by role, no query) and to participants: whether a
# person takes part is kept in the cache (the navigation runs on every page and may not query),
# written whenever a participation changes and when the person opens the logbook.
NAV_FLAG_SECONDS = 60 * 60 * 24 * 30


def _nav_key(user_id: int, organisation_id: int) -> str:
    return f"competencies.takes-part.{user_id}.{organisation_id}"


def remember_participation(user_id: int, organisation_id: int, *, only_if_unknown: bool = False) -> None:
    """Keep in the cache whether the person takes part in a framework for the organisation;
    ``only_if_unknown``: only when the cache does not say it already (no query then)."""
    if only_if_unknown and cache.get(_nav_key(user_id, organisation_id)) is not None:
        return
    takes_part = Participant.objects.filter(user_id=user_id, organisation_id=organisation_id, is_active=True).exists()
    cache.set(_nav_key(user_id, organisation_id), takes_part, NAV_FLAG_SECONDS)


def shows_logbook(membership) -> bool:
    """No query: editors by role, participants by the cached flag."""
    if membership is None:
        return False
    if membership.has_role(*policies.EDITOR_ROLES):
        return True
    return bool(cache.get(_nav_key(membership.user_id, membership.organisation_id)))


def _participation_changed(sender, instance: Participant, **kwargs) -> None:
    transaction.on_commit(lambda: remember_participation(instance.user_id, instance.organisation_id))


post_save.connect(_participation_changed, sender=Participant, dispatch_uid="competencies.logbook.nav.save")
post_delete.connect(_participation_changed, sender=Participant, dispatch_uid="competencies.logbook.nav.delete")


# ---------------------------------------------------------------- frameworks of a page

def frameworks_for(user, organisation) -> list[Framework]:
    """The frameworks whose logbook pages ``user`` uses from ``organisation``: those they take part in
    for it, those where they coordinate someone of it, and those they edit. One query."""
    from django.db.models import Exists, OuterRef, Q

    participating = Participant.objects.filter(framework=OuterRef("pk"), user=user, organisation=organisation, is_active=True)
    coordinating = Participant.objects.filter(framework=OuterRef("pk"), coordinator=user, organisation=organisation, is_active=True)
    edited = policies.frameworks_edited_by(user).values("pk")
    coordinates = Participant.objects.filter(framework=OuterRef("pk"), coordinator=user, is_active=True)
    return list(Framework.objects.filter(Exists(participating) | Exists(coordinating) | Q(pk__in=edited))
                .annotate(coordinates=Exists(coordinates)).select_related("organisation", "space").order_by("name", "pk"))


# ---------------------------------------------------------------- entries

@dataclass
class EntryData:
    occurred_on: date
    title: str
    happened: str = ""
    tried: str = ""
    learned: str = ""
    blocked: str = ""
    competencies: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    new_themes: list = field(default_factory=list)
    place: str = ""
    audience: str = ""
    visibility: str = Entry.Visibility.PRIVATE
    quote_consent: bool = False
    is_draft: bool = True


def taggable_competencies(framework: Framework):
    """Competencies an entry may be tagged with: those in the framework and those proposed from practice."""
    return (Competency.objects.filter(framework=framework, status__in=[Competency.Status.ACTIVE, Competency.Status.PROPOSED])
            .select_related("domain"))


def search_competencies(framework: Framework, text: str, *, exclude=(), limit: int = 12) -> list[Competency]:
    """Competencies whose code, name or domain contains every word of ``text`` (case-insensitive)."""
    from django.db.models import Q

    found = taggable_competencies(framework).exclude(pk__in=list(exclude))
    for word in text.split()[:5]:
        found = found.filter(Q(name__icontains=word) | Q(code__icontains=word) | Q(domain__name__icontains=word))
    return list(found.order_by("domain__position", "position", "name")[:limit])


def _clean_theme_names(names) -> list[str]:
    cleaned = []
    for name in names:
        name = " ".join(str(name).split())
        if name and name.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(name)
    if len(cleaned) > MAX_NEW_THEMES:
        raise ValidationError({"new_themes": _("Add %(count)d new themes at most at once.") % {"count": MAX_NEW_THEMES}})
    for name in cleaned:
        if len(name) > Theme._meta.get_field("name").max_length:
            raise ValidationError({"new_themes": _("A theme's name takes 120 characters at most.")})
    return cleaned


def _themes_with_new(framework: Framework, chosen, new_names) -> list[Theme]:
    themes = {t.pk: t for t in chosen}
    existing = {t.name.casefold(): t for t in Theme.objects.filter(framework=framework)}
    for name in new_names:
        theme = existing.get(name.casefold())
        if theme is None:
            theme = Theme.objects.create(framework=framework, name=name)
            existing[name.casefold()] = theme
        themes[theme.pk] = theme
    return list(themes.values())


def _check_entry(framework: Framework, data: EntryData) -> list[str]:
    errors = {}
    if data.occurred_on > timezone.localdate():
        errors["occurred_on"] = _("An entry tells what already happened: choose today or an earlier date.")
    if data.occurred_on.year < 2000:
        errors["occurred_on"] = _("Choose a date after the year 2000.")
    if any(c.framework_id != framework.pk or c.status == Competency.Status.RETIRED for c in data.competencies):
        errors["competencies"] = _("Choose competencies of this framework.")
    if any(t.framework_id != framework.pk for t in data.themes):
        errors["themes"] = _("Choose themes of this framework.")
    if data.visibility not in Entry.Visibility.values:
        errors["visibility"] = _("Choose who reads this entry.")
    if errors:
        raise ValidationError(errors)
    return _clean_theme_names(data.new_themes)


@transaction.atomic
def save_entry(user, framework: Framework, data: EntryData, *, entry: Entry | None = None) -> Entry:
    """Write a new entry of ``user``'s logbook, or change ``entry`` (theirs). A person writes in a
    framework they take part in; an entry stays its author's even when they leave the group."""
    if entry is None:
        participant = policies.participant_for(user, framework)
        if participant is None:
            raise PermissionDenied
        entry = Entry(framework=framework, author=user, organisation_id=participant.organisation_id)
    elif entry.author_id != user.pk or entry.framework_id != framework.pk:
        raise PermissionDenied
    new_names = _check_entry(framework, data)
    for name in ("occurred_on", "title", "happened", "tried", "learned", "blocked", "place", "audience", "visibility",
                 "quote_consent", "is_draft"):
        setattr(entry, name, getattr(data, name))
    entry.full_clean(exclude=["framework", "author", "organisation", "competencies", "themes"])
    entry.save()
    entry.competencies.set(data.competencies)
    entry.themes.set(_themes_with_new(framework, data.themes, new_names))
    return entry


@transaction.atomic
def delete_entry(user, entry: Entry) -> None:
    if entry.author_id != user.pk:
        raise PermissionDenied
    entry.delete()


# ---------------------------------------------------------------- self-assessment and validation

def practice_level(levels: list[Level]) -> Level | None:
    """The level from which a competency is practised (« pratique », else the second level)."""
    for level in levels:
        if level.name.strip().casefold() == PRACTICE_NAME:
            return level
    return levels[1] if len(levels) > 1 else (levels[0] if levels else None)


@transaction.atomic
def assess(participant: Participant, competency: Competency, level: Level, *, evidence=(), note: str = "") -> Assessment:
    """A new self-assessment (the earlier ones are kept: the history)."""
    framework_id = participant.framework_id
    errors = {}
    if competency.framework_id != framework_id or competency.status == Competency.Status.RETIRED:
        errors["competency"] = _("Choose a competency of this framework.")
    if level.framework_id != framework_id:
        errors["level"] = _("Choose a level of this framework.")
    if any(e.author_id != participant.user_id or e.framework_id != framework_id for e in evidence):
        errors["evidence"] = _("Evidence must be entries of your own logbook in this framework.")
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(participant=participant, competency=competency, level=level, note=note)
    assessment.evidence.set(evidence)
    return assessment


def can_validate(user, assessment: Assessment) -> bool:
    """The person's named coordinator validates; never the person themselves."""
    participant = assessment.participant
    return participant.user_id != user.pk and policies.is_coordinator_of(user, participant)


def validation_content(assessment: Assessment, level: Level, comment: str) -> dict:
    """What the coordinator signs: whose assessment of what, the level they give, their comment."""
    return {"assessment": assessment.pk, "person": assessment.participant.user_id, "framework": assessment.participant.framework_id,
            "competency": assessment.competency_id, "competency_name": assessment.competency.name,
            "self_level": assessment.level.name, "validated_level": level.name, "comment": comment,
            "evidence": sorted(e.pk for e in assessment.evidence.all())}


def validate(request, assessment: Assessment, level: Level, *, comment: str = "", password: str | None = None) -> Assessment:
    """The coordinator validates a self-assessment at ``level`` (the same or another), signed: the
    password is checked before the transaction (Argon2 must not hold the write lock), then the
    signature, the validation and its audit entry are written together; the person is notified."""
    if level.framework_id != assessment.participant.framework_id:
        raise ValidationError({"level": _("Choose a level of this framework.")})
    if password:
        verify_password(request, password)
    return _validate(request, assessment, level, comment=comment, password=password)


@transaction.atomic
def _validate(request, assessment: Assessment, level: Level, *, comment: str, password: str | None) -> Assessment:
    assessment = (Assessment.objects.select_for_update(of=("self",))
                  .select_related("participant__user", "participant__framework", "competency", "level").get(pk=assessment.pk))
    if not can_validate(request.user, assessment):
        raise PermissionDenied
    if assessment.validated_at is not None:
        raise ValidationError(_("This self-assessment is already validated."))
    signature = sign(request, content=validation_content(assessment, level, comment), purpose="competencies.validate",
                     target=assessment, password=password)
    assessment.validated_level, assessment.validated_by, assessment.validated_at = level, request.user, timezone.now()
    assessment.validation_comment, assessment.signature = comment, signature
    assessment.save(update_fields=["validated_level", "validated_by", "validated_at", "validation_comment", "signature"])
    participant = assessment.participant
    record("competencies.validate", actor=request.user, organisation=request.organisation, target=assessment, request=request,
           data={"person": participant.user_id, "framework": participant.framework_id, "competency": assessment.competency_id,
                 "level": level.name, "signature": signature.code})
    person, url = participant.user, person_url(participant, participant.organisation.slug)
    title = _("%(competency)s: your level « %(level)s » is validated") % {"competency": assessment.competency.name, "level": level.name}
    organisation = participant.organisation
    transaction.on_commit(lambda: notify(person, title, body=comment, url=url, organisation=organisation, kind=VALIDATION_KIND))
    return assessment


def person_url(participant: Participant, org_slug: str) -> str:
    from django.urls import reverse

    return reverse("competencies:person", kwargs={"org": org_slug, "pk": participant.pk})


# ---------------------------------------------------------------- a person's page

@dataclass
class Month:
    start: date
    counts: list[int]  # competencies at each level (the framework's order), by the month's end


def month_starts(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def levels_by_month(assessments, levels: list[Level], today: date, months: int = 12) -> list[Month]:
    """For each of the last ``months`` months: how many competencies the person stood at each level at
    the month's end (their latest self-assessment by then, the validated level when it was validated)."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = date(index // 12, index % 12 + 1, 1)
    position = {level.pk: index for index, level in enumerate(levels)}
    ordered = sorted(assessments, key=lambda a: (a.created_at, a.pk))
    result = []
    for start in month_starts(first, today):
        end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        current = {}
        for a in ordered:
            if timezone.localtime(a.created_at).date() < end:
                current[a.competency_id] = a.validated_level_id or a.level_id
        counts = Counter(position[level_id] for level_id in current.values() if level_id in position)
        result.append(Month(start, [counts.get(i, 0) for i in range(len(levels))]))
    return result


def latest_by_competency(assessments) -> dict[int, Assessment]:
    latest = {}
    for a in sorted(assessments, key=lambda a: (a.created_at, a.pk)):
        latest[a.competency_id] = a
    return latest


def gaps(profile_competencies, latest: dict[int, Assessment], levels: list[Level]) -> list[dict]:
    """Competencies of the person's job profile with no self-assessment, or below « pratique »."""
    threshold = practice_level(levels)
    order = {level.pk: level.position for level in levels}
    found = []
    for competency in profile_competencies:
        current = latest.get(competency.pk)
        if current is None:
            found.append({"competency": competency, "assessment": None})
            continue
        level_id = current.validated_level_id or current.level_id
        if threshold is not None and order.get(level_id, 0) < threshold.position:
            found.append({"competency": competency, "assessment": current})
    return found


@dataclass
class EntryLine:
    pk: int
    title: str
    occurred_on: date
    tagged: bool = False


def entries_per_competency(rows) -> tuple[list[EntryLine], dict[int, list[EntryLine]]]:
    """``rows``: (entry id, title, date, competency id or None), one per tag, newest entries first →
    the entries once each, and competency id → its entries."""
    entries: dict[int, EntryLine] = {}
    by_competency = defaultdict(list)
    for pk, title, occurred_on, competency_id in rows:
        entry = entries.setdefault(pk, EntryLine(pk, title, occurred_on))
        if competency_id is not None:
            entry.tagged = True
            by_competency[competency_id].append(entry)
    return list(entries.values()), by_competency


def chart(months: list[Month], levels: list[Level]) -> dict:
    """Geometry of the stacked bars (one bar a month, one colour a level), drawn by the template."""
    width, height, top, bottom, left = 360, 180, 10, 30, 28
    tallest = max([sum(m.counts) for m in months] + [1])
    plot = height - top - bottom
    step = (width - left) / max(len(months), 1)
    bars = []
    for index, month in enumerate(months):
        x = left + index * step + step * 0.15
        y = height - bottom
        segments = []
        for level_index, count in enumerate(month.counts):
            if not count:
                continue
            h = plot * count / tallest
            y -= h
            segments.append({"x": round(x, 1), "y": round(y, 1), "w": round(step * 0.7, 1), "h": round(h, 1),
                             "level": level_index, "count": count, "name": levels[level_index].name})
        bars.append({"month": month, "segments": segments, "label_x": round(x + step * 0.35, 1)})
    ticks = sorted({0, tallest // 2, tallest})
    return {"width": width, "height": height, "bars": bars, "baseline": height - bottom, "left": left,
            "ticks": [{"value": t, "y": round(height - bottom - plot * t / tallest, 1)} for t in ticks]}
