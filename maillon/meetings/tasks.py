"""Background work of the meetings app: invitation e-mails (sent by the worker, so creating,
moving or cancelling a meeting never waits for the mail server, and a mail server that is down
fails the task, not the person's page) and the periodic reminders (declared in apps.py)."""

from dataclasses import dataclass

from django_tasks import task

from maillon.notifications import delivery


@dataclass(frozen=True)
class FormerGuest:
    """Someone taken off a meeting's list (their row is gone): enough for the CANCEL e-mail."""

    email: str
    name: str
    answer: str = "declined"


@task(takes_context=True)
def send_invitations(context, *, meeting_id: int, participant_ids: list[int], guest_ids: list[int], base_url: str = "",
                     kind: str = "invitation", removed: list[list[str]] | None = None) -> int:
    """The invitation, update or cancellation e-mails (with their .ics) of these participants and
    guests, built from the meeting as it is when the worker runs; ``removed``: [e-mail, name] of
    people taken off the list (kind « uninvite »)."""
    from . import invitations
    from .models import Guest, Meeting, Participant

    meeting = Meeting.objects.select_related("event", "organiser").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    people = list(Participant.objects.filter(meeting=meeting, pk__in=participant_ids).select_related("membership__user")
                  .order_by("pk"))
    people += list(Guest.objects.filter(meeting=meeting, pk__in=guest_ids).order_by("pk"))
    people += [FormerGuest(email, name) for email, name in removed or []]
    # Each person's e-mail is sent once per run of this task, even if it is taken again.
    with delivery.once_per_message(delivery.task_scope(context, "meetings.send_invitations")):
        # ``base_url`` is no longer used (links come from MAILLON_BASE_URL); still accepted so
        # tasks queued before the upgrade run.
        return invitations.send_invitations(meeting, people, kind=kind)


@task(takes_context=True)
def send_reminders(context) -> int:
    from .services import send_reminders as run

    with delivery.once_per_message(delivery.task_scope(context, "meetings.send_reminders")):
        return run()
