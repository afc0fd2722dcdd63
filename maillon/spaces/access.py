"""How a space's page finds its space and checks who is asking.

Space pages live at /espaces/<space>/… (not under an organisation: members come from several).
``@space_view()`` loads the space among those the person may see (else 404, the same answer as
for a space that does not exist), puts ``request.space`` and ``request.space_role``, checks the
``need``ed right (403 otherwise), and gives the page the person's own organisation for the layout
(navigation, theme) when they have one.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import policies
from .models import Role, Space

NEEDS = {
    "read": lambda space, role: policies.can_read(role),
    "contribute": policies.can_contribute,
    "host": policies.can_host,
    "archive": lambda space, role: policies.can_archive(role),
}


def home_membership(request):
    """The person's organisation to draw the layout with: the one they used last, else their
    first (None for an invited person who belongs to none)."""
    from maillon.organisations.middleware import _memberships

    if getattr(request, "membership", None) is not None:  # a page under /<org>/: the middleware chose
        return request.membership
    memberships = _memberships(user=request.user.pk)
    if not memberships:
        return None
    preferred = request.session.get("organisation")
    membership = next((m for m in memberships if m.organisation.slug == preferred), memberships[0])
    request.organisation = membership.organisation
    request.membership = membership
    request.other_memberships = [m for m in memberships if m is not membership]
    return membership


def space_view(need: str = "read"):
    check = NEEDS[need]

    def decorator(view):
        @wraps(view)
        def wrapper(request, space, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            found = Space.objects.visible_to(request.user).select_related("organisation", "federation").filter(slug=space).first()
            if found is None:
                raise Http404
            role = policies.role_in(found, request.user)
            if role is None:
                raise Http404
            if not check(found, role):
                raise PermissionDenied
            request.space, request.space_role = found, role
            home_membership(request)
            return view(request, found, *args, **kwargs)

        return wrapper

    return decorator


def space_context(request, current_tab: str, **extra) -> dict:
    """What every space page's template gets (spaces/base_space.html)."""
    from .tabs import tabs_for

    space, role = request.space, request.space_role
    return {
        "space": space, "space_role": role, "space_roles": Role.choices, "space_tabs": tabs_for(space, role, current_tab),
        "can_contribute": policies.can_contribute(space, role), "can_host": policies.can_host(space, role),
        **extra,
    }
