"""Mailings in a report: a space counts the mailings sent to its members (the link table written
when a mailing is queued), against a hand count, in the same queries whatever their number."""

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.mailings import segments, services
from maillon.mailings.models import Mailing, MailingSpace, Recipient
from maillon.mailings.tests.helpers import draft
from maillon.reports import contributions, periods
from maillon.reports.figures import Scope
from maillon.spaces import services as spaces
from maillon.testing import QueryCounter

pytestmark = pytest.mark.django_db
PERIOD = periods.bimonthly(2026, 3)  # May–June 2026
IN, BEFORE = timezone.make_aware(timezone.datetime(2026, 5, 15, 10)), timezone.make_aware(timezone.datetime(2026, 4, 20, 10))
WHEN = {"in": IN, "before": BEFORE, "draft": None, "sending": None}

MAILING = st.tuples(st.sets(st.sampled_from(["space", "other"])), st.sampled_from(sorted(WHEN)))


class Two:
    def __init__(self, world):
        self.world = world
        self.other = spaces.create_space(membership=world.host_membership, name="Autre groupe")
        self.scope = segments.scope_for(world.host.memberships.with_roles().get(organisation=world.people.other_org))
        self.ids = {"space": world.space.pk, "other": self.other.pk}

    def mailing(self, targets, state, n=0) -> Mailing:
        mailing = draft(self.scope, subject=f"Envoi {n}", criteria={"spaces": [str(self.ids[t]) for t in sorted(targets)]})
        if state == "draft":
            return mailing
        services.queue(self.scope, mailing)
        if state != "sending":
            Recipient.objects.filter(mailing=mailing).update(status=Recipient.Status.SENT)
            Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENT, finished_at=WHEN[state])
        return mailing


@pytest.fixture
def two(world):
    return Two(world)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=st.lists(MAILING, max_size=6))
def test_a_spaces_mailings_equal_a_hand_count(two, plan):
    with transaction.atomic():
        for n, (targets, state) in enumerate(plan):
            two.mailing(targets, state, n)
        for name, space in (("space", two.world.space), ("other", two.other)):
            expected = sum(1 for targets, state in plan if name in targets and state == "in")
            values = contributions.mailings(Scope.of_space(space), PERIOD, IN)
            assert values["mailings_sent"] == expected
            # Every member of the space got the message: the host, plus people.owner in the first one.
            members = 2 if name == "space" else 1
            delivered = sum(members if targets == {name} else 2 for targets, state in plan if name in targets and state == "in")
            assert values["mailing_messages_sent"] == delivered
        transaction.set_rollback(True)


def test_queueing_links_the_mailing_to_the_spaces_it_targets_only(two):
    targeted = two.mailing({"space", "other"}, "sending")
    everyone = two.mailing(set(), "sending")  # every member of the host's spaces, no « spaces » criterion
    assert set(MailingSpace.objects.filter(mailing=targeted).values_list("space", flat=True)) == set(two.ids.values())
    assert not MailingSpace.objects.filter(mailing=everyone).exists()
    assert not MailingSpace.objects.filter(mailing=two.mailing({"space"}, "draft")).exists()


def test_the_count_costs_the_same_queries_for_one_mailing_or_twenty(two):
    scope = Scope.of_space(two.world.space)
    two.mailing({"space"}, "in")
    with QueryCounter() as one:
        assert contributions.mailings(scope, PERIOD, IN)["mailings_sent"] == 1
    for n in range(19):
        two.mailing({"space", "other"} if n % 2 else {"space"}, "in", n)
    with QueryCounter() as twenty:
        assert contributions.mailings(scope, PERIOD, IN)["mailings_sent"] == 20
    assert len(one) == len(twenty) == 1


def test_the_migration_links_the_mailings_sent_before_it(two):
    from importlib import import_module

    from django.apps import apps

    sent = two.mailing({"space", "other"}, "in")
    old = two.mailing({"other"}, "before")
    MailingSpace.objects.all().delete()
    Mailing.objects.filter(pk=old.pk).update(criteria={"spaces": [str(two.other.pk), "999999", "x"]})
    import_module("maillon.mailings.migrations.0002_mailing_space").link_spaces(apps, None)
    assert set(MailingSpace.objects.values_list("mailing", "space")) == {
        (sent.pk, two.world.space.pk), (sent.pk, two.other.pk), (old.pk, two.other.pk)}
