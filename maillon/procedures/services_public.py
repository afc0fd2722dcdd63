"""Citizens' requests on a commune's public forms (issue 19): sending, completing after a request
for changes, withdrawing, messages between the commune's staff and the citizen, and the French
e-mails the citizen receives (receipt, every status change, every staff message).

A citizen's request is a ``Submission`` whose ``applicant`` is empty and whose ``citizen`` is set;
it goes through the same approval chain as a member's (``services.start_chain``), without the
signature step (citizens have no password). Its public tracking number is the submission's
``reference`` (« D-000123 »): the number staff search and quote, and the follow page checks the
signed-in citizen, so knowing a number opens nothing.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.audit.services import record
from maillon.core.busy import retry_when_busy
from maillon.core.links import absolute

from . import services
from .models import Event, Procedure, Submission, SubmissionMessage

REFERENCE_RE = re.compile(r"^[Dd]-?0*(\d{1,9})$")
# What a citizen's timeline shows: what happened to the request, never reminders nor skipped steps.
PUBLIC_EVENTS = {Event.Kind.SUBMITTED, Event.Kind.APPROVED, Event.Kind.REJECTED, Event.Kind.CHANGES, Event.Kind.WITHDRAWN,
                 Event.Kind.COMPLETED, Event.Kind.CANCELLED}


def public_procedures(commune):
    return Procedure.objects.for_organisation(commune).filter(
        status=Procedure.Status.PUBLISHED, audience=Procedure.Audience.PUBLIC, current_version__isnull=False)


def parse_reference(ref: str) -> int | None:
    match = REFERENCE_RE.match((ref or "").strip())
    return int(match.group(1)) if match else None


def citizens_submission(commune, citizen, ref: str, *, for_update: bool = False) -> Submission | None:
    """The citizen's own request of this commune from its tracking number, else None (another
    citizen's, another commune's, a staff member's, a malformed number: all alike)."""
    pk = parse_reference(ref)
    if pk is None or citizen is None:
        return None
    qs = Submission.objects.for_organisation(commune).filter(pk=pk, citizen=citizen, procedure__audience=Procedure.Audience.PUBLIC)
    if for_update:
        qs = qs.select_for_update()
    return qs.select_related("version", "procedure", "organisation").first()


def follow_url(submission: Submission) -> str:
    return reverse("procedures:public_follow", kwargs={"commune": submission.organisation.slug, "ref": submission.reference})


# ---------------------------------------------------------------- sending


def send_request(request, procedure: Procedure, citizen, answers: dict) -> Submission:
    """A new request of ``citizen`` on a public ``procedure``: stored, then its approval chain starts."""
    return retry_when_busy(_send_request)(request, procedure, citizen, answers)


@transaction.atomic
def _send_request(request, procedure, citizen, answers) -> Submission:
    if procedure.audience != Procedure.Audience.PUBLIC or procedure.status != Procedure.Status.PUBLISHED:
        raise PermissionDenied
    organisation = procedure.organisation
    submission = Submission.objects.create(organisation=organisation, procedure=procedure, version=procedure.current_version,
                                           citizen=citizen, status=Submission.Status.DRAFT)
    Event.objects.create(organisation=organisation, submission=submission, kind=Event.Kind.CREATED)
    _store(submission, answers)
    submission.round += 1
    services.start_chain(submission, actor=None, applicant_assignments=[], request=request, citizen=citizen)
    _mail(submission, gettext_lazy("Your request %(ref)s is received"), "procedures/public/email_receipt.txt")
    return submission


def _store(submission: Submission, answers: dict) -> None:
    from . import schema as schema_mod

    submission.data = services._store_answers(submission, answers)
    submission.amount = schema_mod.amount_of(submission.version.schema, submission.data, (submission.version.chain or {}).get("amount_field"))
    submission.save(update_fields=["data", "amount", "updated_at"])


def resend(request, commune, citizen, ref: str, answers: dict) -> Submission:
    """The citizen completes a request the commune sent back for changes: the chain starts a new round."""
    return retry_when_busy(_resend)(request, commune, citizen, ref, answers)


@transaction.atomic
def _resend(request, commune, citizen, ref, answers) -> Submission:
    submission = citizens_submission(commune, citizen, ref, for_update=True)
    if submission is None or submission.status != Submission.Status.CHANGES:
        raise PermissionDenied
    _store(submission, answers)
    submission.round += 1
    services.start_chain(submission, actor=None, applicant_assignments=[], request=request, citizen=citizen)
    _mail(submission, gettext_lazy("Your request %(ref)s is completed and sent again"), "procedures/public/email_receipt.txt")
    return submission


@transaction.atomic
def withdraw(request, commune, citizen, ref: str) -> Submission:
    submission = citizens_submission(commune, citizen, ref, for_update=True)
    if submission is None or submission.status not in (Submission.Status.PENDING, Submission.Status.CHANGES):
        raise PermissionDenied
    services.close_withdrawn(submission, actor=None, request=request, data={"citizen": citizen.pk})
    tell_citizen_status(submission)
    return submission


# ---------------------------------------------------------------- messages


def check_attachment(upload) -> None:
    """The same checks as a form's file field (type, content, size), then the public size limit."""
    from maillon.citizens.antiabuse import check_upload

    from . import schema as schema_mod

    if upload is None:
        return
    error = schema_mod.check_upload({"extensions": schema_mod.DEFAULT_EXTENSIONS, "max_size_mb": schema_mod.DEFAULT_MAX_SIZE_MB}, upload)
    if error:
        raise ValidationError({"attachment": error})
    check_upload(upload)


@transaction.atomic
def post_message(submission: Submission, *, body: str, upload=None, user=None, citizen=None, request=None) -> SubmissionMessage:
    """A message on a citizen's request: from the staff (``user``) or from its citizen."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your message.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("Your message is too long (5,000 characters at most).")})
    if submission.citizen_id is None or (citizen is not None and citizen.pk != submission.citizen_id):
        raise PermissionDenied
    check_attachment(upload)
    message = SubmissionMessage(organisation=submission.organisation, submission=submission, author=user,
                                from_citizen=citizen is not None, body=body)
    if upload is not None:
        message.attachment = upload
        message.attachment_name = (upload.name or "")[:200]
        message.attachment_size = upload.size
    message.save()
    Submission.objects.filter(pk=submission.pk).update(updated_at=timezone.now())
    record("procedures.message", actor=user, organisation=submission.organisation, target=submission, request=request,
           data={"from_citizen": citizen is not None, "message": message.pk})
    if user is not None:
        _mail(submission, gettext_lazy("New message about your request %(ref)s"), "procedures/public/email_message.txt", {"message": message})
    else:
        _tell_staff(submission)
    return message


def _tell_staff(submission: Submission) -> None:
    """The approvers of the waiting step (or whoever decided last) learn that the citizen wrote."""
    from maillon.notifications.services import notify

    from .models import Step

    step = submission.steps.filter(status=Step.Status.WAITING).first()
    if step is not None:
        recipients = list(services.approvers_for(step))
    else:
        deciders = submission.steps.filter(decided_by__isnull=False).values_list("decided_by_id", flat=True)
        from maillon.accounts.models import User

        recipients = list(User.objects.filter(pk__in=deciders, is_active=True))
    title = _("Message from %(person)s on %(ref)s") % {"person": submission.applicant_label, "ref": submission.reference}
    url, organisation = submission.get_absolute_url(), submission.organisation

    def send():
        for user in recipients:
            notify(user, title, url=url, organisation=organisation, kind="procedures.decision")

    transaction.on_commit(send)


# ---------------------------------------------------------------- e-mails to the citizen

STATUS_SUBJECTS = {
    Submission.Status.CHANGES: gettext_lazy("Your request %(ref)s needs changes"),
    Submission.Status.APPROVED: gettext_lazy("Your request %(ref)s is accepted"),
    Submission.Status.REJECTED: gettext_lazy("Your request %(ref)s is refused"),
    Submission.Status.WITHDRAWN: gettext_lazy("Your request %(ref)s is withdrawn"),
    Submission.Status.CANCELLED: gettext_lazy("Your request %(ref)s is cancelled"),
}


def tell_citizen_status(submission: Submission, *, comment: str = "") -> None:
    subject = STATUS_SUBJECTS.get(submission.status)
    if subject is None or submission.citizen_id is None:
        return
    _mail(submission, subject, "procedures/public/email_status.txt", {"comment": comment})


def _mail(submission: Submission, subject, template: str, extra: dict | None = None) -> None:
    """A French e-mail to the request's citizen, after commit (the task queue sends it).
    ``subject``: a lazy translation with « %(ref)s »."""
    from maillon.notifications.tasks import send_email

    citizen = submission.citizen
    if citizen is None or not citizen.email:
        return
    with translation.override("fr"):
        context = {"submission": submission, "commune": submission.organisation, "citizen": citizen,
                   "status": submission.get_status_display(), "link": absolute(follow_url(submission)), **(extra or {})}
        body = render_to_string(template, context)
        subject = f"[{submission.organisation.name}] " + str(subject) % {"ref": submission.reference}
    to = [citizen.email]
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject, body=body))


# ---------------------------------------------------------------- « Mon espace »


def citizen_items(citizen, commune):
    from maillon.citizens.registry import CitizenItem

    rows = (Submission.objects.for_organisation(commune).filter(citizen=citizen).select_related("version", "organisation")
            .only("status", "updated_at", "organisation__slug", "version__title").order_by("-updated_at")[:50])
    return [CitizenItem(title=f"{row.version.title} ({row.reference})", url=follow_url(row), status=row.get_status_display(),
                        at=row.updated_at, kind="procedures") for row in rows]


def public_timeline(submission: Submission) -> list[dict]:
    """What the citizen reads: the request's events (no staff names beyond the step's role), the
    comments that explain a decision, and the steps still to come."""
    from .models import Step

    labels = {Event.Kind.SUBMITTED: _("Request sent"), Event.Kind.APPROVED: _("Step approved"),
              Event.Kind.COMPLETED: _("Request accepted")}
    items = []
    for event in Event.objects.filter(submission=submission, kind__in=PUBLIC_EVENTS).select_related("step"):
        items.append({"label": labels.get(event.kind, event.get_kind_display()), "at": event.at,
                      "step": event.step.title if event.step_id else "", "comment": event.comment, "done": True})
    for step in Step.objects.filter(submission=submission, round=submission.round, status__in=[Step.Status.WAITING, Step.Status.PLANNED]):
        items.append({"label": _("Being examined") if step.status == Step.Status.WAITING else _("To come"), "at": None,
                      "step": step.title, "comment": "", "done": False})
    return items


def last_staff_comment(submission: Submission) -> str:
    event = Event.objects.filter(submission=submission, kind=Event.Kind.CHANGES).order_by("-at", "-pk").first()
    return event.comment if event else ""


def register_portal() -> None:
    from django.utils.translation import gettext_lazy

    from maillon.citizens.registry import register_citizen_items, register_portal_section

    register_portal_section("procedures", gettext_lazy("Online procedures"),
                            gettext_lazy("Make a request to the town hall and follow it: civil status, school, rooms, town planning…"),
                            "procedures:public_index", service="citizen_procedures", order=10)
    register_citizen_items(citizen_items)


