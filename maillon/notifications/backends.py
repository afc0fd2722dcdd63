"""E-mail backends of our own: the development outbox, and « none » (EMAIL_URL=none), which
sends nothing and says so in the log."""

import logging
from email.utils import getaddresses

from django.core.mail.backends.base import BaseEmailBackend
from django.db.models.functions import Lower

logger = logging.getLogger("maillon.email")

# Names the organisation an e-mail belongs to when its recipients are not members (guests).
ORGANISATION_HEADER = "X-Maillon-Organisation"


def organisation_header(organisation_id: int) -> dict:
    return {ORGANISATION_HEADER: str(organisation_id)}


def _organisation_ids(message) -> set[int]:
    """The organisations whose outbox shows ``message``: the one its sender named, and those of
    the recipients who are active members (e-mails compared without case)."""
    from maillon.accounts.models import Membership

    ids = set()
    named = str(message.extra_headers.get(ORGANISATION_HEADER, ""))
    if named.isdigit():
        ids.add(int(named))
    emails = {address.lower() for _name, address in getaddresses(message.recipients()) if address}
    if emails:
        members = Membership.objects.active().annotate(address=Lower("user__email")).filter(address__in=emails)
        ids.update(members.values_list("organisation_id", flat=True))
    return ids


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from .models import OutboxMessage

        for message in email_messages:
            html = ""
            for alternative in getattr(message, "alternatives", []):
                content, mimetype = alternative[0], alternative[1]
                if mimetype == "text/html":
                    html = content
            stored = OutboxMessage.objects.create(
                subject=message.subject[:300],
                from_email=message.from_email,
                to=", ".join(message.to + message.cc + message.bcc),
                body=message.body,
                html_body=html,
                attachments=[{"filename": a[0], "mimetype": a[2]} for a in message.attachments if isinstance(a, tuple)],
            )
            stored.organisations.set(_organisation_ids(message))
        return len(email_messages)


class DisabledEmailBackend(BaseEmailBackend):
    """EMAIL_URL=none: the organisation chose to send no e-mail. Nothing leaves; each message
    is logged (subject and recipients only) so that an administrator sees what was not sent."""

    def send_messages(self, email_messages):
        for message in email_messages:
            logger.warning("E-mail not sent (EMAIL_URL=none): %r to %s", message.subject, ", ".join(message.recipients()))
        return 0
