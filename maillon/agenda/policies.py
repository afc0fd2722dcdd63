"""Who may do what in the agenda. Small pure functions over a membership."""

from __future__ import annotations

from maillon.accounts.roles import Role

ROOM_MANAGERS = (Role.RECEPTION, Role.DIRECTOR, Role.ADMIN)
EQUIPMENT_MANAGERS = (Role.EQUIPMENT_MANAGER, Role.DIRECTOR, Role.ADMIN)


def can_book(membership, resource) -> bool:
    """Every staff member of the organisation may book an active room or item."""
    return membership is not None and resource.is_active and membership.has_role(Role.STAFF)


def can_manage_resource(membership, resource) -> bool:
    managers = ROOM_MANAGERS if resource.kind == "room" else EQUIPMENT_MANAGERS
    return membership is not None and membership.has_role(*managers)


def needs_approval(membership, resource) -> bool:
    """A moderated room or item: a booking by someone who does not manage it waits."""
    return bool(resource.moderated) and not can_manage_resource(membership, resource)


def can_overbook_people(membership) -> bool:
    """A coordinator (or the director) may knowingly book a person twice, with a reason."""
    return membership is not None and membership.has_role(Role.COORDINATOR, Role.DIRECTOR)


def can_create_funding_deadline(membership) -> bool:
    return membership is not None and membership.has_role(Role.DIRECTOR)


def can_publish(membership) -> bool:
    return membership is not None and membership.has_role(Role.COORDINATOR, Role.DIRECTOR, Role.COMMUNICATION)


def can_see_event(membership, event) -> bool:
    """Published events are visible to all staff; drafts to their author and managers."""
    if event.status == "published":
        return True
    return membership is not None and (event.created_by_id == membership.user_id or membership.has_role(Role.COORDINATOR, Role.DIRECTOR))


def can_edit_event(membership, event, *, locked=frozenset()) -> bool:
    """The author, a coordinator of the event's sector, the director. ``locked``: an approved
    booking of a moderated resource (the kinds locked, see ``services.is_locked``): then only
    the managers of those resources (reception for rooms) may change or cancel it."""
    if membership is None:
        return False
    if membership.has_role(Role.DIRECTOR, Role.ADMIN):
        return True
    if locked:
        kinds = {"room", "equipment"} if locked is True else set(locked)
        return all(membership.has_role(*(ROOM_MANAGERS if kind == "room" else EQUIPMENT_MANAGERS)) for kind in kinds)
    if event.created_by_id == membership.user_id:
        return True
    if event.sector_id and membership.has_role(Role.COORDINATOR):
        return any(s.pk == event.sector_id for s in membership.sectors_for(Role.COORDINATOR))
    return False


def can_manage_planning(membership, sector) -> bool:
    """A coordinator of the team's sector, or the director, builds and publishes its plannings."""
    if membership is None:
        return False
    if membership.has_role(Role.DIRECTOR):
        return True
    return sector is not None and membership.has_role(Role.COORDINATOR) and any(
        s.pk == sector.pk for s in membership.sectors_for(Role.COORDINATOR))


def can_plan(membership) -> bool:
    """May create team plannings at all (for at least one sector)."""
    return membership is not None and membership.has_role(Role.COORDINATOR, Role.DIRECTOR)


def can_edit_work_profiles(membership) -> bool:
    """Contract types, weekly hours and qualifications: coordinators, HR, the director."""
    return membership is not None and membership.has_role(Role.COORDINATOR, Role.HR, Role.DIRECTOR)


def can_manage_closures(membership, resource=None) -> bool:
    """A room's or item's managers close it; the director (or admin) closes the organisation."""
    if membership is None:
        return False
    if resource is None:
        return membership.has_role(Role.DIRECTOR, Role.ADMIN)
    return can_manage_resource(membership, resource)
