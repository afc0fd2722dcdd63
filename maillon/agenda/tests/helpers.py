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


def sector_planning(people, title, start_date, end_date, sector_name="Secteur Enfance"):
    """A draft planning of a sector, made by a coordinator (``planning.coordo``)."""
    from maillon.accounts.roles import Role
    from maillon.agenda import plannings
    from maillon.organisations.models import Sector

    coordo = people.with_role(Role.COORDINATOR)
    sector = Sector.objects.get(organisation=people.org, name=sector_name)
    planning = plannings.create_planning(membership(coordo, people.org), title=title, sector=sector,
                                         start_date=start_date, end_date=end_date)
    planning.coordo = coordo
    return planning


def membership(user, org):
    return Membership.objects.with_roles().select_related("organisation", "user").get(user=user, organisation=org)
