"""Background work of the mailings: the send, in slices the worker's lease never outlives."""

from django.conf import settings
from django_tasks import task

from . import services


@task()
def send_mailing(mailing_id: int) -> int:
    """Send for at most MAILINGS_TASK_SECONDS, then hand the rest to a new task (a worker that
    dies loses at most one batch's claim, see services.deliver)."""
    sent = services.deliver(mailing_id, seconds=float(settings.MAILINGS_TASK_SECONDS))
    if services.has_queued(mailing_id):
        send_mailing.enqueue(mailing_id=mailing_id)
    return sent
