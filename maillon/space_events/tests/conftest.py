from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from maillon.agenda.recurrence import PARIS
from maillon.meetings import services as meetings
from maillon.space_events import services
from maillon.spaces import services as spaces
from maillon.spaces.models import Role
from maillon.spaces.tests.conftest import (
    World,
    federation,  # noqa: F401  (the spaces' fixture, used here too)
)
from maillon.testing import make_member


def slot(days: int, hour: int = 14):
    day = timezone.localdate() + timedelta(days=days)
    start = datetime.combine(day, time(hour), tzinfo=PARIS)
    return start, start + timedelta(hours=2)


class EventWorld(World):
    """The spaces' world (a space of « Autre centre », a contributor of « Essais », a stranger of a
    third centre) with helpers to open events and add members."""

    def event(self, *, capacity=2, days=10, hour=14, title="Réunion annuelle", space=None, **fields):
        start, end = slot(days, hour)
        meeting_type = meetings.meeting_types(self.people.other_org)[2]
        return services.create_event(space or self.space, self.host_membership, capacity=capacity, title=title,
                                     meeting_type=meeting_type, start=start, end=end, allow_past=days < 0, **fields)

    def members(self, count, organisation=None, prefix="membre"):
        users = []
        for i in range(count):
            user = make_member(organisation or self.third, username=f"{prefix}{i}", first_name="Camille", last_name=f"Membre {i}")
            spaces.add_member(self.space, user, role=Role.CONTRIBUTOR, actor=self.host)
            users.append(user)
        return users


@pytest.fixture
def world(people):
    return EventWorld(people)

