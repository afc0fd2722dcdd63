"""The e-mail fallback (once per unread message, after the organisation's delay) and the purge."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from maillon.audit.models import AuditEntry
from maillon.reception import services, tasks
from maillon.reception.models import PhoneMessage, ReceptionSettings, VisitorNotice

pytestmark = pytest.mark.django_db


def send(desk, urgency="normal", minutes_ago=0):
    message = services.send_message(desk.membership(desk.agent), recipient=desk.membership(desk.people.owner),
                                    caller_name="M. Barnabé Quillon", text="Rappeler pour la convention.", urgency=urgency)
    PhoneMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return message


def test_it_emails_an_unread_message_once_after_the_delay(desk):
    desk.people.owner.email = "proprietaire@exemple.test"
    desk.people.owner.save()
    early = send(desk, minutes_ago=9)
    late = send(desk, minutes_ago=11)
    urgent = send(desk, urgency="urgent", minutes_ago=3)
    read = send(desk, minutes_ago=30)
    services.mark_read(desk.membership(desk.people.owner), read)
    mail.outbox.clear()
    assert tasks.send_overdue_emails.call() == 2
    assert tasks.send_overdue_emails.call() == 0  # the job ran twice: nothing more
    assert tasks.email_if_unread.call(message_id=late.pk) is False  # the delayed task after the sweep: nothing more
    assert sorted(m.subject for m in mail.outbox) == ["[Maillon] Message téléphonique de M. Barnabé Quillon",
                                                      "[Maillon] Message téléphonique urgent de M. Barnabé Quillon"]
    assert mail.outbox[0].to == ["proprietaire@exemple.test"]
    assert "M. Barnabé Quillon a appelé" in mail.outbox[0].body
    assert f"/essais/messages/{late.pk}/" in " ".join(m.body for m in mail.outbox)
    sent = set(PhoneMessage.objects.filter(email_sent_at__isnull=False).values_list("pk", flat=True))
    assert sent == {late.pk, urgent.pk}
    assert early.pk not in sent


def test_the_organisations_delay_counts(desk):
    ReceptionSettings.objects.create(organisation=desk.org, email_delay=30, urgent_email_delay=5)
    send(desk, minutes_ago=20)
    send(desk, urgency="urgent", minutes_ago=4)
    assert services.due_for_email() == []
    send(desk, minutes_ago=31)
    assert len(services.due_for_email()) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email(desk):
    """Two threads (two workers) claim the same message at the same time: one wins."""
    message = send(desk, minutes_ago=15)
    won, barrier = [], threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            won.append(services.claim_email(message.pk) is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == [False, True]


def test_the_daily_purge_keeps_what_the_retention_says(desk):
    other_org = desk.people.other_org
    ReceptionSettings.objects.create(organisation=other_org, retention_months=1)
    old = send(desk)
    recent = send(desk)
    notice = services.send_notice(desk.membership(desk.agent), sector=desk.membership(desk.people.owner).sector)
    outsider_agent = desk.membership(desk.outsider_agent, other_org)
    theirs = services.send_message(outsider_agent, recipient=desk.membership(desk.people.outsider, other_org),
                                   caller_name="X", text="Y")
    now = timezone.now()
    PhoneMessage.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=370))
    PhoneMessage.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=300))
    VisitorNotice.objects.filter(pk=notice.pk).update(created_at=now - timedelta(days=400))
    PhoneMessage.objects.filter(pk=theirs.pk).update(created_at=now - timedelta(days=40))
    assert tasks.purge_old.call() == 3
    assert list(PhoneMessage.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not VisitorNotice.objects.exists()
    assert AuditEntry.objects.filter(action="reception.purge", data__deleted=3).exists()
    assert tasks.purge_old.call() == 0
