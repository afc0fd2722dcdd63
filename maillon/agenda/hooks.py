"""Hook point for bookings of resources whose category needs a procedure (vehicles: order of
mission, mileage claim). The procedures app registers a callable here; it is called after
commit with ``(event, resource, membership)`` for each such resource booked."""

from __future__ import annotations

from collections.abc import Callable

booking_procedure_hooks: list[Callable] = []


def register_booking_procedure_hook(func: Callable) -> None:
    booking_procedure_hooks.append(func)


def run_booking_procedure_hooks(event, resource, membership) -> None:
    for hook in booking_procedure_hooks:
        hook(event, resource, membership)
