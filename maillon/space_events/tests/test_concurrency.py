"""Many members register for the last places at the same moment, each in their own thread and
database connection (the house way: maillon/core/tests/test_concurrent_writes.py): exactly the
capacity is admitted, the others wait, nobody gets an error. On SQLite and PostgreSQL."""

import pytest
from django.db import connection

from maillon.leave.tests.test_overdraw import _run_at_once
from maillon.space_events import services
from maillon.space_events.models import Registration
from maillon.testing import build_people

from .conftest import EventWorld

CAPACITY = 3
PEOPLE = 8


@pytest.mark.django_db(transaction=True)
def test_it_admits_exactly_the_capacity_when_many_register_at_once():
    world = EventWorld(build_people())
    event = world.event(capacity=CAPACITY)
    users = world.members(PEOPLE)
    outcomes = _run_at_once([lambda u=u: services.register(event, u) for u in users])
    assert outcomes == ["ok"] * PEOPLE, connection.vendor
    found = Registration.objects.filter(event=event)
    assert found.filter(status="registered").count() == CAPACITY, connection.vendor
    assert found.filter(status="waiting").count() == PEOPLE - CAPACITY


@pytest.mark.django_db(transaction=True)
def test_cancellations_and_registrations_at_once_never_exceed_the_capacity():
    world = EventWorld(build_people())
    event = world.event(capacity=CAPACITY)
    first, later = world.members(PEOPLE, prefix="premier"), world.members(4, prefix="second")
    for user in first:
        services.register(event, user)
    holders = list(Registration.objects.filter(event=event, status="registered").select_related("user", "event"))
    actions = [lambda r=r: services.cancel(r, r.user) for r in holders[:2]]
    actions += [lambda u=u: services.register(event, u) for u in later]
    assert _run_at_once(actions) == ["ok"] * len(actions)
    found = Registration.objects.filter(event=event)
    assert found.filter(status="registered").count() == CAPACITY
    # the two freed places went to the first two people waiting before the race
    waiting_before = [u.pk for u in first[CAPACITY:CAPACITY + 2]]
    assert set(found.filter(user_id__in=waiting_before).values_list("status", flat=True)) == {"registered"}
