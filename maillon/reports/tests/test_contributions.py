"""The extranet's own figures in a space's report: posts, comments, pages written, registrations."""

import pytest
from django.utils import timezone

from maillon.kb import services as kb
from maillon.reports import figures, periods
from maillon.reports.figures import Scope
from maillon.space_events.models import Registration, SpaceEvent
from maillon.spaces import feed_services, services
from maillon.spaces.models import Comment, Role, SpaceMember

from .test_reports import held

pytestmark = pytest.mark.django_db


def test_a_spaces_contributions_are_counted_and_another_spaces_are_not(world):
    people, space = world.people, world.space
    period = periods.containing(timezone.localdate())
    other = services.create_space(membership=world.host_membership, name="Autre groupe")
    post = feed_services.create_post(space, world.host, text="Bonjour à toutes et à tous")
    feed_services.create_post(space, people.owner, text="Compte rendu de l'atelier")
    feed_services.create_post(other, world.host, text="Ailleurs")
    Comment.objects.create(post=post, author=people.owner, text="Merci !")
    page = kb.create_page(space, Role.HOST, world.host, title="Accueil numérique", body="Première version")
    kb.save_page(page, Role.HOST, world.host, title="Accueil numérique", body="Deuxième version", base=page.version_count)
    kb.create_page(other, Role.HOST, world.host, title="Ailleurs", body="x")
    today = timezone.localdate()
    meeting = held(people.other_org, world.host, today, title="Rencontre du groupe")
    event = SpaceEvent.objects.create(space=space, meeting=meeting, capacity=10)
    for user, status in ((people.owner, "registered"), (world.host, "registered"), (world.stranger, "cancelled")):
        SpaceMember.objects.get_or_create(space=space, user=user, defaults={"role": Role.READER})
        Registration.objects.create(event=event, user=user, status=status)
    evening = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()).replace(hour=23))
    values = figures.flat(figures.compute(Scope.of_space(space), period, now=evening))  # the meeting at 14:00 is held
    assert (values["posts"], values["comments"], values["kb_pages"], values["registrations"]) == (2, 1, 1, 2)
    assert values["meetings_held"] == 1  # the event's meeting is the space's
