"""Invitation e-mails are sent once per run of their task: a run taken again after its worker
died (same task id) sends nothing to those already sent; a new task (a real change) sends again."""

from types import SimpleNamespace

from django.core import mail

from maillon.meetings.tasks import send_invitations

from .helpers import meeting


def run(task_id, m, participants):
    context = SimpleNamespace(task_result=SimpleNamespace(id=task_id))
    return send_invitations.call(context, meeting_id=m.pk, participant_ids=[p.pk for p in participants], guest_ids=[])


def test_an_invitation_task_run_again_sends_nobody_twice(people):
    m = meeting(people.org, people.owner, people.colleague, send_email=False)
    participants = list(m.participants.exclude(membership__user=people.owner))
    assert run("task-1", m, participants) == 1
    assert [e.to for e in mail.outbox] == [["collegue@exemple.test"]]
    assert run("task-1", m, participants) == 0  # the worker died after sending: the retry skips
    assert len(mail.outbox) == 1
    assert run("task-2", m, participants) == 1  # another enqueue is another e-mail
    assert len(mail.outbox) == 2
