"""Background work of notifications: e-mails leave the request through the task queue."""

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from . import delivery


@task(takes_context=True)
def send_email(context, *, to: list[str], subject: str, body: str, html_body: str = "", notification_id: int | None = None) -> int:
    """One e-mail, sent once: a retry of this task (its worker died) finds it sent under this
    task's id and sends nothing."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    sent = delivery.send(message, key=delivery.task_scope(context, "send_email"))
    if notification_id is not None and sent:
        from .models import Notification

        Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return sent


@task()
def purge_read_notifications(days: int = 180) -> int:
    """Read notifications older than ``days`` are deleted (data minimisation)."""
    from .models import Notification

    cutoff = timezone.now() - timezone.timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted


@task()
def send_digests() -> int:
    """The daily digest: one e-mail per person listing what they chose to get by digest."""
    from .digest import send_digests as run

    return run()


@task()
def send_push(*, notification_id: int) -> int:
    """One notification to each of its recipient's devices by Web Push (push.py); how many took it."""
    from .push import send_notification

    return send_notification(notification_id)
