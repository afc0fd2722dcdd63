from datetime import datetime

from maillon.accounts.models import Membership
from maillon.agenda.models import Resource
from maillon.agenda.recurrence import PARIS


def at(y, m, d, h=10, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=PARIS)


def room(org, name="Salle Le Chêne", **fields):
    fields.setdefault("category", Resource.Category.MEETING_ROOM)
    return Resource.objects.create(organisation=org, name=name, kind=Resource.Kind.ROOM, **fields)


def item(org, name="Minibus 9 places", category=Resource.Category.VEHICLE, **fields):
    return Resource.objects.create(organisation=org, name=name, kind=Resource.Kind.EQUIPMENT, category=category, **fields)


def membership(user, org):
    return Membership.objects.with_roles().select_related("organisation", "user").get(user=user, organisation=org)
