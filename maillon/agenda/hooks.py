"""Hook points for bookings of resources whose category needs a procedure (vehicles: order of
mission, mileage claim). The procedures app registers its callables here (from its AppConfig);
the agenda never imports it.

- ``register_booking_procedure_hook(func)``: ``func(event, resource, membership)`` is called
  after commit for each such resource booked (it opens the procedure's draft).
- ``register_booking_redirect(func)``: ``func(request, event)`` returns the address the booker
  should land on after booking (the draft to complete), or None; the first answer wins.
- ``mark_awaiting_procedure`` / ``settle_procedure_allocations``: what the procedure does to the
  booking's allocations of a resource that ``waits_for_procedure``: they wait for it (active,
  so they keep the slot), then are confirmed on approval or cancelled on rejection/withdrawal.
"""

from __future__ import annotations

from collections.abc import Callable

booking_procedure_hooks: list[Callable] = []
booking_redirect_hooks: list[Callable] = []


def register_booking_procedure_hook(func: Callable) -> None:
    if func not in booking_procedure_hooks:
        booking_procedure_hooks.append(func)


def run_booking_procedure_hooks(event, resource, membership) -> None:
    for hook in booking_procedure_hooks:
        hook(event, resource, membership)


def register_booking_redirect(func: Callable) -> None:
    if func not in booking_redirect_hooks:
        booking_redirect_hooks.append(func)


def booking_redirect_url(request, event) -> str | None:
    """Where the booker goes after booking ``event`` (None: the event's page)."""
    for hook in booking_redirect_hooks:
        url = hook(request, event)
        if url:
            return url
    return None


def _allocations(event_id, resource_ids):
    from .models import Allocation

    return Allocation.objects.filter(occurrence__event_id=event_id, resource_id__in=list(resource_ids))


def mark_awaiting_procedure(event, resource) -> int:
    """The confirmed allocations of ``resource`` on ``event`` now wait for the procedure (still
    active: they block the slot). Allocations waiting for a manager's approval keep that status.
    Returns how many changed."""
    from .models import Allocation

    if not resource.waits_for_procedure:
        return 0
    return _allocations(event.pk, [resource.pk]).filter(active=True, status=Allocation.Status.CONFIRMED).update(
        status=Allocation.Status.AWAITING_PROCEDURE)


def settle_procedure_allocations(event_id: int, resource_ids, *, approved: bool) -> int:
    """The procedure is decided. Approved: allocations awaiting it are confirmed. Rejected,
    withdrawn or abandoned: the active allocations of resources that wait for their procedure
    (awaiting it, or still awaiting a manager) are cancelled and free the slot. Returns how many changed."""
    from .models import Allocation

    qs = _allocations(event_id, resource_ids).filter(active=True)
    if approved:
        return qs.filter(status=Allocation.Status.AWAITING_PROCEDURE).update(status=Allocation.Status.CONFIRMED)
    return qs.filter(resource__waits_for_procedure=True, status__in=[Allocation.Status.AWAITING_PROCEDURE, Allocation.Status.PENDING]).update(
        status=Allocation.Status.CANCELLED, active=False)
