"""Registration: places, waiting list in order, cancellation promoting the first person waiting
(told by a notification), more places, closed registrations; a property-based run of random
registrations and cancellations against a hand-kept model of the queue."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.notifications.models import Notification
from maillon.space_events import services
from maillon.space_events.models import Registration

pytestmark = pytest.mark.django_db


def statuses(event):
    return {r.user.username: r.status for r in Registration.objects.filter(event=event).select_related("user")}


def test_it_admits_the_capacity_then_queues_and_promotes_the_first_waiting_on_cancel(world, django_capture_on_commit_callbacks):
    event = world.event(capacity=2)
    a, b, c, d = world.members(4)
    for user in (a, b, c, d):
        services.register(event, user)
    assert statuses(event) == {"membre0": "registered", "membre1": "registered", "membre2": "waiting", "membre3": "waiting"}
    registration = Registration.objects.get(event=event, user=b)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel(registration, b)
    assert [r.user for r in promoted] == [c]
    assert statuses(event) == {"membre0": "registered", "membre1": "cancelled", "membre2": "registered", "membre3": "waiting"}
    note = Notification.objects.get(recipient=c, kind="space_events.registration")
    assert note.title == "Une place vous est attribuée : Réunion annuelle"
    assert note.url == f"/espaces/{world.space.slug}/evenements/{event.pk}/"
    assert not Notification.objects.filter(recipient=d, kind="space_events.registration").exists()


def test_it_promotes_nobody_when_someone_leaves_the_waiting_list(world):
    event = world.event(capacity=1)
    a, b, c = world.members(3)
    for user in (a, b, c):
        services.register(event, user)
    assert services.cancel(Registration.objects.get(event=event, user=b), b) == []
    assert statuses(event) == {"membre0": "registered", "membre1": "cancelled", "membre2": "waiting"}


def test_it_refuses_a_second_registration_and_queues_again_at_the_end_after_a_cancellation(world):
    event = world.event(capacity=1)
    a, b, c = world.members(3)
    services.register(event, a)
    with pytest.raises(ValidationError) as error:
        services.register(event, a)
    assert error.value.messages == ["Vous êtes déjà inscrit·e."]
    services.register(event, b)
    with pytest.raises(ValidationError) as error:
        services.register(event, b)
    assert error.value.messages == ["Vous êtes déjà sur la liste d'attente."]
    services.cancel(Registration.objects.get(event=event, user=b), b)
    services.register(event, c)
    services.register(event, b)  # back at the end, after c
    services.cancel(Registration.objects.get(event=event, user=a), a)
    assert statuses(event) == {"membre0": "cancelled", "membre1": "waiting", "membre2": "registered"}


def test_it_keeps_non_members_and_past_or_cancelled_events_out(world):
    event = world.event(capacity=5)
    with pytest.raises(PermissionDenied):
        services.register(event, world.stranger)
    past = world.event(days=-3, title="Réunion passée")
    with pytest.raises(ValidationError) as error:
        services.register(past, world.people.owner)
    assert error.value.messages == ["Cet événement a commencé : les inscriptions sont closes."]
    from maillon.meetings import services as meetings

    meetings.cancel_meeting(world.host_membership, event.meeting)
    event.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.register(event, world.people.owner)
    assert error.value.messages == ["Cet événement est annulé."]


def test_it_gives_new_places_to_the_waiting_list_and_refuses_fewer_places_than_people_registered(world):
    event = world.event(capacity=1)
    users = world.members(4)
    for user in users:
        services.register(event, user)
    promoted = services.set_capacity(event, 3, world.host)
    assert [r.user for r in promoted] == users[1:3]
    with pytest.raises(ValidationError) as error:
        services.set_capacity(event, 2, world.host)
    assert error.value.messages == ["3 personnes sont inscrites : indiquez au moins 3 places."]
    with pytest.raises(PermissionDenied):
        services.set_capacity(event, 9, world.people.owner)  # a contributor, not a host
    with pytest.raises(ValidationError):
        services.check_capacity(0)


def test_it_lets_a_host_cancel_someone_else_but_not_a_contributor(world):
    event = world.event(capacity=3)
    a, b = world.members(2)
    services.register(event, a)
    with pytest.raises(PermissionDenied):
        services.cancel(Registration.objects.get(event=event, user=a), b)
    services.cancel(Registration.objects.get(event=event, user=a), world.host)
    assert statuses(event) == {"membre0": "cancelled"}


def test_it_records_the_organisation_people_come_from(world):
    event = world.event(capacity=3)
    services.register(event, world.people.owner)
    services.register(event, world.host)
    found = {r.user_id: r.organisation for r in Registration.objects.filter(event=event)}
    assert found == {world.people.owner.pk: world.people.org, world.host.pk: world.people.other_org}


OPS = st.lists(st.tuples(st.sampled_from(["register", "cancel"]), st.integers(0, 5)), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacity=st.integers(1, 4), ops=OPS)
def test_it_always_matches_a_first_come_first_served_queue(world, capacity, ops):
    """Whatever the order of registrations and cancellations: never more than the capacity
    registered, nobody waits while a place is free, and places go in order of arrival."""
    users = getattr(world, "_pool", None) or world.members(6, prefix="pool")
    world._pool = users
    with transaction.atomic():
        event = world.event(capacity=capacity)
        held, queue = [], []  # the model: people holding a place, people waiting in order
        for op, index in ops:
            user = users[index]
            if op == "register":
                if user in held or user in queue:
                    with pytest.raises(ValidationError):
                        services.register(event, user)
                    continue
                services.register(event, user)
                (held if len(held) < capacity else queue).append(user)
            else:
                registration = Registration.objects.filter(event=event, user=user).exclude(status="cancelled").first()
                if registration is None:
                    continue
                services.cancel(registration, user)
                if user in held:
                    held.remove(user)
                    if queue:
                        held.append(queue.pop(0))
                else:
                    queue.remove(user)
            found = Registration.objects.filter(event=event)
            assert {r.user_id for r in found if r.status == "registered"} == {u.pk for u in held}
            assert [r.user_id for r in found.filter(status="waiting").order_by("queued_at", "pk")] == [u.pk for u in queue]
            assert len(held) <= capacity and (not queue or len(held) == capacity)
        transaction.set_rollback(True)


def test_a_federation_reader_registers_and_an_archived_space_takes_no_registration(world, federation):
    world.space.visibility, world.space.federation = "federation", federation
    world.space.save()
    event = world.event(capacity=3)
    reader = world.people.colleague  # of « Essais », in the federation, not added to the space
    assert services.register(event, reader).status == "registered"
    assert Registration.objects.get(event=event, user=reader).organisation == world.people.org
    world.space.archived_at = world.space.created_at
    world.space.save()
    with pytest.raises(PermissionDenied):
        services.register(event, world.people.owner)
