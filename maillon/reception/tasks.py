"""Background work of the reception desk: the e-mail fallback and the retention purge."""

from django_tasks import task

from . import services


@task()
def email_if_unread(message_id: int) -> bool:
    """Due when the message's delay has passed (services.schedule_email): one e-mail if it is still
    unread and nobody e-mailed it yet."""
    message = services.claim_email(message_id)
    return message is not None and services.send_fallback_email(message)


@task()
def send_overdue_emails() -> int:
    """The sweep: every message unread past its delay and not e-mailed yet gets its one e-mail (the
    same claim as the task: run it twice, or on two workers, and each message is e-mailed once)."""
    sent = 0
    for message_id in services.due_for_email():
        message = services.claim_email(message_id)
        if message is not None and services.send_fallback_email(message):
            sent += 1
    return sent


@task()
def purge_old() -> int:
    return services.purge()
