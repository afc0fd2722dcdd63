"""The one guard of a commune's staff pages (diagnostic, participation, problem reports)."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from maillon.organisations.models import Organisation


def commune_staff_page(allowed):
    """A view decorator: 404 outside a commune, 403 for a member ``allowed(membership)`` refuses."""
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            organisation = getattr(request, "organisation", None)
            if organisation is None or organisation.kind != Organisation.Kind.COMMUNE:
                raise Http404
            if not allowed(request.membership):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
