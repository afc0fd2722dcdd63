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
from django.utils.translation import gettext as _

from . import policies
from .models import Role, Space, role_of

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
            # The space and the person's role in one query (not visible_to() then role_in()'s two more).
            found = Space.objects.with_role(request.user).select_related("organisation", "federation").filter(slug=space).first()
            role = role_of(found) if found is not None else None
            if role is None:
                raise Http404
            if not check(found, role):
                raise PermissionDenied
            request.space, request.space_role = found, role
            home_membership(request)
            return view(request, found, *args, **kwargs)

        return wrapper

    return decorator


def refusal(space: Space, role: str | None, need: str) -> str:
    """Why ``role`` may not do what ``need`` asks in ``space`` (a 403's French message)."""
    if space.is_archived and need != "archive":
        return _("This space is archived: it is read-only.")
    if need == "contribute":
        return _("Readers of a space cannot write in it.")
    return _("Only the space's hosts may do this.")


def api_space(user, pk: int, need: str = "read") -> Space:
    """The API's way in (no decorator there, no X-Organisation: a space crosses organisations):
    the space with ``role`` set, in one query; 404 for a non-member as for no such space, 403
    with a French reason for a member who may not do ``need``."""
    found = Space.objects.with_role(user).select_related("organisation", "federation").filter(pk=pk).first()
    role = role_of(found) if found is not None else None
    if role is None:
        raise Http404(_("Space not found."))
    if not NEEDS[need](found, role):
        raise PermissionDenied(refusal(found, role, need))
    found.role = role
    return found


def space_context(request, current_tab: str, **extra) -> dict:
    """What every space page's template gets (spaces/base_space.html)."""
    from .tabs import tabs_for

    space, role = request.space, request.space_role
    return {
        "space": space, "space_role": role, "space_roles": Role.choices, "space_tabs": tabs_for(space, role, current_tab),
        "can_contribute": policies.can_contribute(space, role), "can_host": policies.can_host(space, role),
        **extra,
    }
