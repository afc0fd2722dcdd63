"""Development e-mail backend: stores messages in the outbox instead of sending them."""

from django.core.mail.backends.base import BaseEmailBackend


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from .models import OutboxMessage

        for message in email_messages:
            html = ""
            for alternative in getattr(message, "alternatives", []):
                content, mimetype = alternative[0], alternative[1]
                if mimetype == "text/html":
                    html = content
            OutboxMessage.objects.create(
                subject=message.subject[:300],
                from_email=message.from_email,
                to=", ".join(message.to + message.cc + message.bcc),
                body=message.body,
                html_body=html,
                attachments=[{"filename": a[0], "mimetype": a[2]} for a in message.attachments if isinstance(a, tuple)],
            )
        return len(email_messages)
