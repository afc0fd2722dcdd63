"""Every write of citizen participation, and the tally of a consultation.

Consultations: ``save_consultation`` (creation and edits: closing after opening, options frozen
once someone answered), ``close_now``, ``publish_results``, ``answer`` (one per identity: the
unique constraint decides when two answers arrive at once). Ideas: ``propose``, ``support`` /
``unsupport`` (one per identity), ``set_status`` (audited; the citizen is e-mailed).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.citizens.antiabuse import MAX_TEXT
from maillon.citizens.models import Moderation
from maillon.core import links

from .models import (
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_QUESTION,
    MAX_TITLE,
    Answer,
    Consultation,
    Idea,
    IdeaSupport,
    Option,
)

# ----------------------------------------------------------------------------- tally


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    tenths: int  # the percentage in tenths of a percent (425 = 42,5 %)

    @property
    def percent(self) -> float:
        return self.tenths / 10


def tally(labels: list[str], counts: list[int]) -> tuple[list[Row], int]:
    """Rows of (label, count, percentage) and the total. The percentages are rounded to a tenth by
    the largest remainder, so they always add up to exactly 100 % (0 % everywhere when nobody answered)."""
    total = sum(counts)
    if total == 0:
        return [Row(label, 0, 0) for label in labels], 0
    exact = [count * 1000 / total for count in counts]
    tenths = [int(value) for value in exact]
    left = 1000 - sum(tenths)
    # The largest remainders get the tenths left; ties go to the first option.
    for index in sorted(range(len(counts)), key=lambda i: (-(exact[i] - tenths[i]), i))[:left]:
        tenths[index] += 1
    return [Row(label, count, t) for label, count, t in zip(labels, counts, tenths, strict=True)], total


def results(consultation: Consultation) -> dict:
    """What the results page shows: option rows (one query), or the count of free answers and
    the published ones (two queries)."""
    if consultation.kind == Consultation.Kind.OPTIONS:
        options = list(Option.objects.filter(consultation=consultation).annotate(n=Count("answers")).order_by("position", "pk"))
        rows, total = tally([o.label for o in options], [o.n for o in options])
        return {"rows": rows, "total": total}
    total = Answer.objects.filter(consultation=consultation).count()
    return {"rows": [], "total": total}


def published_answers(consultation: Consultation):
    return (Answer.objects.filter(consultation=consultation, moderation=Moderation.PUBLISHED).exclude(text="")
            .only("pk", "text", "created_at").order_by("created_at", "pk"))


# ----------------------------------------------------------------------------- consultations


def _text(value, *, field: str, max_length: int, errors: dict, required: bool = True) -> str:
    value = str(value or "").replace("\r\n", "\n").strip()
    if "\x00" in value:
        errors[field] = _("This text contains a forbidden character.")
    elif required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("At most %(count)d characters.") % {"count": max_length}
    return value


def clean_options(raw: str | list[str]) -> list[str]:
    """« one option per line » → the labels, blank lines and repeats dropped."""
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    seen, found = set(), []
    for line in lines:
        label = " ".join(str(line).split())
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            found.append(label)
    return found


def save_consultation(organisation, data: dict, *, actor, consultation: Consultation | None = None, request=None) -> Consultation:
    """Create (``consultation`` None) or edit a consultation. ``data``: title, question, kind,
    options (list of labels), opens_at, closes_at, results_auto. ValidationError by field."""
    errors: dict[str, str] = {}
    title = _text(data.get("title"), field="title", max_length=MAX_TITLE, errors=errors)
    question = _text(data.get("question"), field="question", max_length=MAX_QUESTION, errors=errors)
    kind = data.get("kind") or Consultation.Kind.OPTIONS
    if kind not in Consultation.Kind.values:
        errors["kind"] = _("Choose a kind of answer.")
    labels = clean_options(data.get("options") or [])
    if kind == Consultation.Kind.OPTIONS:
        if len(labels) < 2:
            errors["options"] = _("Give at least two options, one per line.")
        elif len(labels) > MAX_OPTIONS:
            errors["options"] = _("At most %(count)d options.") % {"count": MAX_OPTIONS}
        elif any(len(label) > MAX_OPTION for label in labels):
            errors["options"] = _("An option has at most %(count)d characters.") % {"count": MAX_OPTION}
    else:
        labels = []
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if opens_at is None:
        errors["opens_at"] = _("This field is required.")
    if closes_at is None:
        errors["closes_at"] = _("This field is required.")
    elif opens_at is not None and closes_at <= opens_at:
        errors["closes_at"] = _("The consultation must close after it opens.")
    with transaction.atomic():
        if consultation is not None:
            consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
            answered = Answer.objects.filter(consultation=consultation).exists()
            current = list(consultation.options.values_list("label", flat=True))
            if answered and kind != consultation.kind:
                errors["kind"] = _("People have already answered: the kind of answer can no longer change.")
            elif answered and kind == Consultation.Kind.OPTIONS and labels != current:
                errors["options"] = _("People have already answered: the options can no longer change.")
            if answered and opens_at is not None:
                # The form gives minutes: the same minute is the same date.
                if abs((opens_at - consultation.opens_at).total_seconds()) >= 60:
                    errors["opens_at"] = _("People have already answered: the opening date can no longer change.")
                else:
                    opens_at = consultation.opens_at
        if errors:
            raise ValidationError(errors)
        created = consultation is None
        if created:
            consultation = Consultation(organisation=organisation, created_by=actor)
        consultation.title, consultation.question, consultation.kind = title, question, kind
        consultation.opens_at, consultation.closes_at = opens_at, closes_at
        consultation.results_auto = bool(data.get("results_auto"))
        consultation.save()
        current = list(consultation.options.values_list("label", flat=True))
        if labels != current:
            consultation.options.all().delete()
            Option.objects.bulk_create([Option(organisation=organisation, consultation=consultation, label=label, position=index)
                                        for index, label in enumerate(labels)])
        record("participation.consultation_created" if created else "participation.consultation_updated", actor=actor,
               organisation=organisation, target=consultation, data={"options": labels}, request=request)
    return consultation


def close_now(consultation: Consultation, *, actor, request=None) -> Consultation:
    """Close an open consultation before its date."""
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if not consultation.is_open:
            raise ValidationError(_("Only an open consultation can be closed."))
        consultation.closes_at = timezone.now()
        consultation.save(update_fields=["closes_at"])
        record("participation.consultation_closed", actor=actor, organisation=consultation.organisation, target=consultation,
               request=request)
    return consultation


def publish_results(consultation: Consultation, *, actor, request=None) -> Consultation:
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if not consultation.is_closed:
            raise ValidationError(_("The results can be published once the consultation is closed."))
        if consultation.results_published_at is None:
            consultation.results_published_at = timezone.now()
            consultation.save(update_fields=["results_published_at"])
            record("participation.results_published", actor=actor, organisation=consultation.organisation,
                   target=consultation, request=request)
    return consultation


def answer_of(consultation: Consultation, citizen) -> Answer | None:
    if citizen is None:
        return None
    return Answer.objects.filter(consultation=consultation, identity_key=citizen.identity_key).select_related("option").first()


def answer(consultation: Consultation, citizen, *, option_id=None, text: str = "") -> Answer:
    """The citizen's one answer; ValidationError (French) when closed, invalid, or already given."""
    if not consultation.is_open:
        raise ValidationError(_("This consultation is not open."))
    errors: dict[str, str] = {}
    option = None
    if consultation.kind == Consultation.Kind.OPTIONS:
        text = ""
        option = Option.objects.filter(consultation=consultation, pk=option_id).first() if str(option_id or "").isdigit() else None
        if option is None:
            errors["option"] = _("Choose one of the options.")
    else:
        text = _text(text, field="text", max_length=MAX_TEXT, errors=errors)
    if errors:
        raise ValidationError(errors)
    moderation = Moderation.PUBLISHED if option is not None else Moderation.PENDING
    try:
        with transaction.atomic():
            return Answer.objects.create(organisation_id=consultation.organisation_id, consultation=consultation, citizen=citizen,
                                         identity_key=citizen.identity_key, option=option, text=text, moderation=moderation)
    except IntegrityError:
        raise ValidationError(_("You have already answered this consultation (one answer per person).")) from None


# ----------------------------------------------------------------------------- ideas


def propose(commune, citizen, *, title: str, body: str) -> Idea:
    errors: dict[str, str] = {}
    title = _text(title, field="title", max_length=MAX_TITLE, errors=errors)
    body = _text(body, field="body", max_length=MAX_TEXT, errors=errors)
    if errors:
        raise ValidationError(errors)
    return Idea.objects.create(organisation=commune, citizen=citizen, title=title, body=body)


def supportable(idea: Idea) -> bool:
    return idea.moderation == Moderation.PUBLISHED and idea.status not in (Idea.Status.DONE, Idea.Status.DECLINED)


def support(idea: Idea, citizen) -> bool:
    """True when this support is new; False when this identity supported it already."""
    if not supportable(idea):
        raise ValidationError(_("This idea can no longer be supported."))
    try:
        with transaction.atomic():
            IdeaSupport.objects.create(organisation_id=idea.organisation_id, idea=idea, citizen=citizen,
                                       identity_key=citizen.identity_key)
    except IntegrityError:
        return False
    return True


def unsupport(idea: Idea, citizen) -> bool:
    deleted, _rows = IdeaSupport.objects.filter(idea=idea, identity_key=citizen.identity_key).delete()
    return bool(deleted)


def supported_ids(citizen, ideas) -> set[int]:
    """Which of ``ideas`` (ids) this citizen's identity supports: one query."""
    if citizen is None or not ideas:
        return set()
    return set(IdeaSupport.objects.filter(identity_key=citizen.identity_key, idea__in=list(ideas)).values_list("idea_id", flat=True))


def with_supports(queryset):
    return queryset.annotate(support_count=Count("supports"))


def search(queryset, q: str):
    q = " ".join(q.split())[:100]
    if not q:
        return queryset
    return queryset.filter(Q(title__icontains=q) | Q(body__icontains=q))


def set_status(idea: Idea, *, status: str, answer: str, actor, request=None) -> Idea:
    """Change an idea's status and public answer; audited; the citizen is e-mailed when the status changes."""
    errors: dict[str, str] = {}
    if status not in Idea.Status.values:
        errors["status"] = _("Choose a status.")
    answer = _text(answer, field="answer", max_length=MAX_TEXT, errors=errors, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("citizen", "organisation").get(pk=idea.pk)
        before = idea.status
        if status == before and answer == idea.answer:
            return idea
        idea.status, idea.answer = status, answer
        idea.answered_at, idea.answered_by = timezone.now(), actor
        idea.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        record("participation.idea_status", actor=actor, organisation=idea.organisation, target=idea,
               data={"from": before, "to": status, "answer": answer[:200]}, request=request)
        if status != before and idea.citizen is not None and idea.citizen.email:
            _tell_citizen(idea)
    return idea


def _tell_citizen(idea: Idea) -> None:
    from maillon.notifications.tasks import send_email

    commune = idea.organisation
    context = {"idea": idea, "commune": commune, "status": idea.get_status_display(),
               "link": links.absolute(reverse("participation:idea", kwargs={"commune": commune.slug, "pk": idea.pk}))}
    subject = _("%(commune)s: your idea « %(title)s » is now « %(status)s »") % {
        "commune": commune.name, "title": idea.title[:80], "status": context["status"]}
    body = render_to_string("participation/email_idea_status.txt", context)
    to = [idea.citizen.email]
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject, body=body))
