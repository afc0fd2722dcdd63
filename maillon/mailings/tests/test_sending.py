"""The send through the worker: one message per recipient with the unsubscribe headers, statuses,
unsubscribed addresses left out, bounces, claims (two workers, a dead one: nobody gets it twice)."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from maillon.mailings import services
from maillon.mailings.models import Mailing, Recipient, Unsubscription

from .helpers import draft


def send(scope, mailing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.queue(scope, mailing)


def test_it_sends_one_message_per_recipient_with_one_click_unsubscribe(senders, django_capture_on_commit_callbacks, settings):
    settings.MAILINGS_RATE = 0
    scope = senders.scope(senders.director)
    mailing = draft(scope, body='<p>Bonjour</p><img src="https://pixel.example/t.gif"><script>x()</script>')
    count = send(scope, mailing, django_capture_on_commit_callbacks)
    assert count == len(mail.outbox) == 5  # owner, colleague, other_sector, director, communication
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http") and "/desabonnement/" in url
    html = message.alternatives[0][0]
    assert "<img" not in html and "<script" not in html and url in html and url in message.body
    assert "Formations" in message.body
    assert set(Recipient.objects.filter(mailing=mailing).values_list("status", flat=True)) == {Recipient.Status.SENT}
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT and mailing.finished_at is not None


def test_it_respects_a_category_unsubscribe_at_the_next_send(senders, django_capture_on_commit_callbacks):
    scope = senders.scope(senders.director)
    first = draft(scope, subject="Premier")
    send(scope, first, django_capture_on_commit_callbacks)
    email = senders.people.colleague.email
    url = next(m for m in mail.outbox if m.to == [email]).extra_headers["List-Unsubscribe"].strip("<>")
    category, address = services.read_token(url.rstrip("/").rsplit("/", 1)[1])
    assert services.unsubscribe(category, address) is True
    mail.outbox.clear()
    second = draft(scope, subject="Deuxième")
    send(scope, second, django_capture_on_commit_callbacks)
    assert email not in [m.to[0] for m in mail.outbox] and len(mail.outbox) == 4
    # Another category still reaches them.
    mail.outbox.clear()
    send(scope, draft(scope, subject="Autre sujet", category="Vie du réseau"), django_capture_on_commit_callbacks)
    assert email in [m.to[0] for m in mail.outbox]


def test_it_leaves_out_who_unsubscribed_while_the_mailing_was_queued(senders):
    scope = senders.scope(senders.director)
    mailing = draft(scope)
    services.queue(scope, mailing)  # the task waits for the commit that never comes here
    Unsubscription.objects.create(category=mailing.category, email=senders.people.owner.email.upper().lower())
    services.deliver(mailing.pk, per_second=0)
    assert Recipient.objects.get(mailing=mailing, email=senders.people.owner.email).status == Recipient.Status.UNSUBSCRIBED
    assert len(mail.outbox) == 4


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        if any(m.to[0].startswith("collegue") or "collegue" in m.to[0] for m in messages):
            raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"unknown")})
        if any("autresecteur" in m.to[0] for m in messages):
            raise smtplib.SMTPServerDisconnected("gone")
        return super().send_messages(messages)


def test_it_marks_bounced_and_failed_messages_and_sends_the_failed_again_on_demand(senders, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "maillon.mailings.tests.test_sending.RefusingBackend"
    scope = senders.scope(senders.director)
    mailing = draft(scope)
    people = senders.people
    people.colleague.email, people.other_sector.email = "collegue@essais.test", "autresecteur@essais.test"
    people.colleague.save(), people.other_sector.save()
    send(scope, mailing, django_capture_on_commit_callbacks)
    statuses = dict(Recipient.objects.filter(mailing=mailing).values_list("email", "status"))
    assert statuses["collegue@essais.test"] == Recipient.Status.BOUNCED
    assert statuses["autresecteur@essais.test"] == Recipient.Status.FAILED
    assert services.status_counts(mailing)[Recipient.Status.SENT] == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_failed(scope, mailing) == 1
    assert [m.to for m in mail.outbox] == [["autresecteur@essais.test"]]
    assert Recipient.objects.get(mailing=mailing, email="autresecteur@essais.test").status == Recipient.Status.SENT


def test_two_workers_never_claim_the_same_row(senders):
    scope = senders.scope(senders.director)
    mailing = draft(scope)
    services.queue(scope, mailing)
    _a, first = services.claim(mailing.pk, 3)
    _b, second = services.claim(mailing.pk, 3)
    assert len(first) == 3 and len(second) == 2
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert services.claim(mailing.pk, 3)[1] == []


class Crash(BaseException):
    """The worker's process dies (not an error the send loop could catch)."""


def test_it_never_sends_twice_after_a_worker_died(senders, settings, monkeypatch):
    settings.MAILINGS_BATCH = 2
    scope = senders.scope(senders.director)
    mailing = draft(scope)
    services.queue(scope, mailing)
    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def dying(self, messages):
        calls["n"] += 1
        if calls["n"] == 4:  # the second message of the second batch
            raise Crash
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dying)
    with pytest.raises(Crash):
        services.deliver(mailing.pk, per_second=0)
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert len(mail.outbox) == 3
    # Another worker takes the task again while the claim is fresh: the claimed rows wait.
    services.deliver(mailing.pk, per_second=0)
    assert len(mail.outbox) == 4
    assert Recipient.objects.filter(mailing=mailing, status=Recipient.Status.SENDING).count() == 2
    # Once the claim is stale, the rows in doubt become « failed », never sent again by themselves.
    Recipient.objects.filter(mailing=mailing).update(claimed_at=timezone.now() - timezone.timedelta(hours=1))
    services.deliver(mailing.pk, per_second=0)
    sent_to = [m.to[0] for m in mail.outbox]
    assert len(sent_to) == len(set(sent_to)) == 4
    assert services.status_counts(mailing)[Recipient.Status.FAILED] == 2
    assert Recipient.objects.filter(mailing=mailing, status=Recipient.Status.FAILED, error="interrupted").count() == 2
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT


def test_it_throttles_to_the_configured_rate(monkeypatch):
    clock = {"now": 100.0}
    slept = []
    monkeypatch.setattr(services.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(services.time, "sleep", lambda s: (slept.append(s), clock.__setitem__("now", clock["now"] + s)))
    throttle = services.Throttle(10)
    for _ in range(5):
        throttle.wait()
    assert slept == pytest.approx([0.1, 0.1, 0.1, 0.1])


def test_it_refuses_an_empty_segment_and_a_second_send(senders):
    from django.core.exceptions import ValidationError

    scope = senders.scope(senders.director)
    nobody = draft(scope, criteria={"roles": ["equipment_manager"]})
    with pytest.raises(ValidationError, match="Personne ne correspond"):
        services.queue(scope, nobody)
    mailing = draft(scope)
    services.queue(scope, mailing)
    with pytest.raises(ValidationError):
        services.queue(scope, mailing)
