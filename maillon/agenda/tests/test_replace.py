"""``replace_resources`` and ``replace_people``: an occurrence is given another set of items or
people (a meeting changes its equipment or its participants). Whatever the sets before and after
and whatever is taken elsewhere, either every added one is free and the occurrence ends with
exactly the wanted set (those kept keep their booking row, so an approval is not lost), or
nothing changes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.agenda import services
from maillon.agenda.models import Allocation, Resource
from maillon.agenda.services import ConflictError

from .helpers import at, item, membership

pytestmark = pytest.mark.django_db

START, END = at(2030, 5, 14, 14), at(2030, 5, 14, 16)
indexes = st.sets(st.integers(0, 4))


def active(occurrence, **kind):
    return {a.resource_id or a.membership_id: a.pk for a in Allocation.objects.filter(occurrence=occurrence, active=True, **kind)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=indexes, after=indexes, taken=indexes)
def test_the_occurrence_ends_with_the_wanted_items_or_nothing_changes(people, before, after, taken):
    with transaction.atomic():
        owner = membership(people.owner, people.org)
        items = [item(people.org, f"Objet {i}", category=Resource.Category.PROJECTOR) for i in range(5)]
        blocked = taken - before  # taken by someone else at the same time
        if blocked:
            services.create_event(owner, title="Ailleurs", start=START, end=END, resources=[items[i] for i in blocked])
        event = services.create_event(owner, title="Réunion", start=START, end=END, resources=[items[i] for i in before]).event
        occurrence = event.occurrences.get()
        was = active(occurrence, resource__kind=Resource.Kind.EQUIPMENT)
        wanted = [items[i] for i in after]
        if (after - before) & blocked:
            with pytest.raises(ValidationError) as refused:
                services.replace_resources(owner, occurrence, Resource.Kind.EQUIPMENT, wanted, start=START, end=END)
            assert list(refused.value.message_dict) == ["equipment"]
            assert active(occurrence, resource__kind=Resource.Kind.EQUIPMENT) == was
        else:
            services.replace_resources(owner, occurrence, Resource.Kind.EQUIPMENT, wanted, start=START, end=END)
            now = active(occurrence, resource__kind=Resource.Kind.EQUIPMENT)
            assert set(now) == {items[i].pk for i in after}
            assert all(now[pk] == was[pk] for pk in set(now) & set(was))  # kept: the same booking row
        transaction.set_rollback(True)


def test_people_added_are_checked_and_people_left_are_freed(people):
    owner, colleague, other = (membership(p, people.org) for p in (people.owner, people.colleague, people.other_sector))
    event = services.create_event(owner, title="Réunion", start=START, end=END, people=[owner, colleague]).event
    occurrence = event.occurrences.get()
    services.create_event(other, title="Atelier cuisine", start=at(2030, 5, 14, 15), end=at(2030, 5, 14, 17), people=[other])
    with pytest.raises(ConflictError) as busy:
        services.replace_people(owner, occurrence, [owner, other])
    assert "Atelier cuisine" in " ".join(busy.value.messages)
    assert set(active(occurrence, membership__isnull=False)) == {owner.pk, colleague.pk}  # nothing changed
    services.replace_people(owner, occurrence, [owner])
    assert set(active(occurrence, membership__isnull=False)) == {owner.pk}
    theirs = membership(people.outsider, people.other_org)
    with pytest.raises(ValidationError):
        services.replace_people(owner, occurrence, [owner, theirs])
