"""The feed's digest e-mail: each member's choice per space, what is new since the last one,
once per period, never a space they left."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillon.spaces import digest, feed_services, services
from maillon.spaces.models import DigestRun, FeedDigest, Frequency, Post, SpaceMember

pytestmark = pytest.mark.django_db


def _post(world, author, text, days_ago=0.1):
    post = feed_services.create_post(world.space, author, text=text)
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return post


def _choose(world, user, frequency, days_ago=30):
    choice = feed_services.set_digest(world.space, user, frequency)
    FeedDigest.objects.filter(pk=choice.pk).update(chosen_at=timezone.now() - timedelta(days=days_ago))


def test_the_daily_digest_lists_new_posts_and_comments_of_others_once(world):
    owner = world.people.owner
    _choose(world, owner, Frequency.DAILY)
    post = _post(world, world.host, "Réunion jeudi à 14 h")
    _post(world, world.host, "Trop ancien pour ce résumé", days_ago=3)
    _post(world, owner, "Mon propre message")
    feed_services.add_comment(post, world.host, text="Salle du conseil")
    mail.outbox.clear()
    assert digest.send_digests(Frequency.DAILY) == 1
    message = mail.outbox[-1]
    assert message.to == [owner.email]
    assert "Réunion jeudi à 14 h" in message.body and "Salle du conseil" in message.body
    assert "Trop ancien" not in message.body and "Mon propre message" not in message.body
    assert world.space.name.upper() in message.body and f"/espaces/{world.space.slug}/fil/{post.pk}/" in message.body
    # Run again in the same period (another worker, a retry): nothing more.
    assert digest.send_digests(Frequency.DAILY) == 0
    assert len(mail.outbox) == 1 and DigestRun.objects.count() == 1
    # The next day: only what came after.
    _post(world, world.host, "Nouvelle du lendemain", days_ago=0)
    assert digest.send_digests(Frequency.DAILY, now=timezone.now() + timedelta(days=1)) == 1
    assert "Nouvelle du lendemain" in mail.outbox[-1].body and "Réunion jeudi" not in mail.outbox[-1].body


def test_no_digest_without_choice_nor_news_and_weekly_waits_for_its_job(world):
    _post(world, world.host, "Une nouvelle")
    assert digest.send_digests(Frequency.DAILY) == 0
    _choose(world, world.people.owner, Frequency.WEEKLY)
    assert digest.send_digests(Frequency.DAILY) == 0
    mail.outbox.clear()
    assert digest.send_digests(Frequency.WEEKLY) == 1 and "Une nouvelle" in mail.outbox[0].body
    _choose(world, world.people.owner, Frequency.NONE)
    assert digest.send_digests(Frequency.WEEKLY, now=timezone.now() + timedelta(days=7)) == 0


def test_a_person_who_left_gets_nothing_of_the_space(world):
    owner = world.people.owner
    _choose(world, owner, Frequency.DAILY)
    _post(world, world.host, "Secret du groupe")
    services.remove_member(SpaceMember.objects.get(space=world.space, user=owner), actor=world.host)
    mail.outbox.clear()
    assert digest.send_digests(Frequency.DAILY) == 0
    assert not mail.outbox


def test_a_claimed_period_is_never_sent_twice_even_with_new_posts(world):
    owner = world.people.owner
    _choose(world, owner, Frequency.DAILY)
    now = timezone.now()
    DigestRun.objects.create(user=owner, frequency=Frequency.DAILY, period=digest.period_key(Frequency.DAILY, now))
    _post(world, world.host, "Arrivé après le passage")
    mail.outbox.clear()
    assert digest.send_digests(Frequency.DAILY, now=now) == 0 and not mail.outbox


def test_the_periodic_job_sends_the_digest(world, monkeypatch):
    from maillon.core import periodic
    from maillon.testing import only_jobs

    only_jobs(monkeypatch, "spaces.digest_daily")
    _choose(world, world.people.owner, Frequency.DAILY)
    _post(world, world.host, "Par la tâche périodique")
    mail.outbox.clear()
    noon = timezone.localtime().replace(hour=12, minute=0)
    assert periodic.run_due_jobs(noon) == ["spaces.digest_daily"]
    assert any("Par la tâche périodique" in m.body for m in mail.outbox)
    assert periodic.run_due_jobs(noon) == []


def test_the_choice_page(world, login):
    client = login(world.people.owner)
    page = client.get(f"/espaces/{world.space.slug}/fil/resume/")
    assert page.status_code == 200
    assert client.post(f"/espaces/{world.space.slug}/fil/resume/", {"frequency": "weekly"}).status_code == 302
    assert FeedDigest.objects.get(user=world.people.owner).frequency == Frequency.WEEKLY
