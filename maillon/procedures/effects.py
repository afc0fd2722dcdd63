"""Effects of an approved submission on other apps. Today: the leave request moves the balance.

The « Autorisation d'absence et demande de congé » template has ``effect = "leave"`` and the
fields ``leave_type`` (choice: the name or code of one of the organisation's leave types) and
``period`` (date range with half days). ``maillon.leave.services`` gives ``count_request``,
``validate_request``, ``balance``, ``pending_days``, ``hold_request``, ``release_request``,
``record_approved_request`` and ``cancel_request`` (see its docstring); a type the leave app does
not know (e.g. « Autorisation d'absence ») moves nothing.

The life of a leave request here: sent (``on_submitted``: its days are held against the available
balance, checked again under the person's lock), then approved (``on_approved``: debited, the
balance checked again under the same lock) or rejected, withdrawn or sent back for changes
(``on_closed``: the hold is released), and maybe cancelled once approved (``on_cancelled``).
"""

from __future__ import annotations

import importlib
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

LEAVE_TYPE_FIELD = "leave_type"
PERIOD_FIELD = "period"
HALVES = {"morning": "am", "afternoon": "pm"}


def leave_services():
    try:
        return importlib.import_module("maillon.leave.services")
    except ImportError:
        return None


def reference_of(submission) -> str:
    return f"procedures.submission:{submission.pk}"


def _request_of(organisation, answers: dict):
    """(leave services, LeaveType, start, start_half, end, end_half) or None."""
    services = leave_services()
    period = (answers or {}).get(PERIOD_FIELD)
    name = (answers or {}).get(LEAVE_TYPE_FIELD)
    if services is None or not period or not name or not hasattr(services, "leave_types"):
        return None
    wanted = str(name).strip().lower()
    leave_type = next((t for t in services.leave_types(organisation) if wanted in (t.name.lower(), t.code.lower())), None)
    if leave_type is None:
        return None
    return (services, leave_type, date.fromisoformat(period["start"]), HALVES.get(period.get("start_half"), "am"),
            date.fromisoformat(period["end"]), HALVES.get(period.get("end_half"), "pm"))


def counted_days(submission) -> str | None:
    """« 3 jours ouvrables »: what a leave request costs its applicant (their cycle, the
    organisation's counting mode and public holidays), for its recap; None when not a leave."""
    if submission.version.effect != "leave" or not submission.applicant_id:
        return None
    found = _request_of(submission.organisation, submission.data)
    if found is None:
        return None
    from django.utils.translation import ngettext

    from maillon.accounts.models import Membership

    services, leave_type, start, start_half, end, end_half = found
    membership = Membership.objects.filter(organisation=submission.organisation, user_id=submission.applicant_id).first()
    if membership is None:
        return None
    days = services.count_request(membership, leave_type, start, start_half, end, end_half)
    n, shown = int(days), services.format_days(days)
    if services.mode_for(submission.organisation, leave_type) == "ouvres":
        return ngettext("%(days)s working day", "%(days)s working days", n) % {"days": shown}
    return ngettext("%(days)s business day", "%(days)s business days", n) % {"days": shown}


def check(membership, answers: dict) -> dict[str, str]:
    """Errors of the leave rules (notice, balance, no working day…), keyed by form field name."""
    found = _request_of(membership.organisation, answers)
    if found is None:
        return {}
    services, leave_type, start, start_half, end, end_half = found
    try:
        services.validate_request(membership, leave_type, start, start_half, end, end_half)
    except ValidationError as error:
        where = {"leave_type": LEAVE_TYPE_FIELD, "start_date": f"{PERIOD_FIELD}__start", "start_half": f"{PERIOD_FIELD}__start_half"}
        return {where.get(field, f"{PERIOD_FIELD}__end"): " ".join(messages) for field, messages in error.message_dict.items()}
    return {}


def on_submitted(submission, membership) -> None:
    """A leave request is sent: hold its days against the available balance, checked again under
    the person's lock. Raises ValidationError (a French message) when the balance no longer covers
    it and its type refuses a negative balance; the caller's transaction then writes nothing."""
    if submission.version.effect != "leave":
        return
    found = _request_of(submission.organisation, submission.data)
    if found is None or not hasattr(found[0], "hold_request"):
        return
    services, leave_type, start, start_half, end, end_half = found
    services.hold_request(membership=membership, leave_type=leave_type, start_date=start, start_half=start_half,
                          end_date=end, end_half=end_half, reference=reference_of(submission))


def on_closed(submission) -> None:
    """A leave request is no longer awaiting a decision without being approved (rejected,
    withdrawn, sent back for changes): its days are no longer held."""
    services = leave_services()
    if submission.version.effect == "leave" and services is not None and hasattr(services, "release_request"):
        services.release_request(reference_of(submission), organisation=submission.organisation)


def before_approval(submission) -> None:
    """An approver is about to approve a step of a leave request: take the applicant's leave lock
    now, before the signature writes to the audit log (whose lock every audited write takes), so
    that the final approval, a request sent and a correction always take the two locks in the
    same order and never wait for each other."""
    if submission.version.effect != "leave":
        return
    services = leave_services()
    if services is not None and hasattr(services, "lock_person_of"):
        services.lock_person_of(submission.organisation_id, submission.applicant_id)


def on_approved(submission, actor=None) -> None:
    """Final approval of a leave request: debit the ledger (idempotent per submission). When the
    balance no longer covers it and its type refuses a negative balance, raises ValidationError
    with the message for the approver (not tied to a field): the approval is not recorded."""
    if submission.version.effect != "leave":
        return
    found = _request_of(submission.organisation, submission.data)
    if found is None:
        return
    from maillon.accounts.models import Membership

    services, leave_type, start, start_half, end, end_half = found
    membership = Membership.objects.select_related("user", "organisation").get(
        organisation_id=submission.organisation_id, user_id=submission.applicant_id)
    try:
        services.record_approved_request(membership=membership, leave_type=leave_type, start_date=start, start_half=start_half,
                                         end_date=end, end_half=end_half, reference=reference_of(submission), actor=actor)
    except ValidationError as error:
        raise ValidationError({NON_FIELD_ERRORS: error.messages}) from error


def leave_start(submission) -> date | None:
    """The first day of a leave request (None when the submission is not a leave the leave app knows)."""
    if submission.version.effect != "leave":
        return None
    found = _request_of(submission.organisation, submission.data)
    return found[2] if found else None


def preview_of(submission) -> dict | None:
    """The leave of a submission as the cancel page shows it: type, first and last day, days counted."""
    found = _request_of(submission.organisation, submission.data)
    if found is None:
        return None
    services, leave_type, start, start_half, end, end_half = found
    return {"type": leave_type.name, "start": start, "end": end}


def on_cancelled(submission, actor=None) -> None:
    """An approved leave request cancelled: credit it back."""
    services = leave_services()
    if submission.version.effect == "leave" and services is not None and hasattr(services, "cancel_request"):
        services.cancel_request(reference_of(submission), actor, organisation=submission.organisation)
