from datetime import datetime, timedelta

from maillon.accounts.models import Membership
from maillon.agenda.models import Resource
from maillon.agenda.recurrence import PARIS
from maillon.meetings import services


def at(y, m, d, h=10, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=PARIS)


def room(org, name="Salle Le Chêne"):
    return Resource.objects.create(organisation=org, name=name, kind=Resource.Kind.ROOM, category=Resource.Category.MEETING_ROOM)


def membership(user, org):
    return Membership.objects.with_roles().select_related("organisation", "user").get(user=user, organisation=org)


def coordo_type(org):
    return next(t for t in services.meeting_types(org) if t.name == "COORDO")


def meeting(org, organiser, *people, start=None, series=None, new_series=False, **kwargs):
    start = start or at(2030, 3, 12, 14)
    return services.create_meeting(
        membership(organiser, org), title=kwargs.pop("title", "COORDO de mars"), meeting_type=kwargs.pop("meeting_type", None) or coordo_type(org),
        start=start, end=start + timedelta(hours=2), people=[membership(p, org) for p in people],
        series=series, new_series=new_series, **kwargs)
