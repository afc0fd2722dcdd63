"""Resolve the organisation of each request (see README, « Organisation d'une requête »).

Every organisation page lives under ``/<slug>/``. A URL pattern names the slug ``org``;
this middleware removes it from the view's arguments and instead sets:

- ``request.organisation``: the Organisation, only if the user is an active member;
- ``request.membership``: that membership, roles prefetched.

A request for an organisation the user does not belong to is a 404, the same answer as
for one that does not exist, so nobody can probe other tenants. An organisation may also
own a host name: on that host only its own slug is served and ``/`` leads to it.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404

from maillon.core.prepared import prepared

from .models import Organisation

HOST_MAP_CACHE_KEY = "organisations:host-map"
HOST_MAP_SECONDS = 3600  # forgotten at once when an organisation's own domain changes (models.forget_host_map)


def host_map() -> dict[str, str]:
    """{domain: slug} of organisations with their own host name, cached until one changes."""
    try:
        mapping = cache.get(HOST_MAP_CACHE_KEY)
    except Exception:  # noqa: BLE001 - a cache outage must not take every page down
        mapping = None
    if mapping is None:
        mapping = dict(Organisation.objects.filter(is_active=True, domain__isnull=False).values_list("domain", "slug"))
        # Served from the database until the cache is back.
        with contextlib.suppress(Exception):
            cache.set(HOST_MAP_CACHE_KEY, mapping, HOST_MAP_SECONDS)
    return mapping


@prepared(user=-870_001)
def _memberships_only(user):
    """The person's active memberships (compiled once per process: core.prepared)."""
    from maillon.accounts.models import Membership

    return (Membership.objects.active().select_related("organisation", "sector")
            .filter(user=user, organisation__is_active=True).order_by("organisation__name"))


@prepared(user=-870_002)
def _role_assignments(user):
    """Every role of the person, each with its sector (what ``with_roles()`` prefetches)."""
    from maillon.accounts.models import RoleAssignment

    return RoleAssignment.objects.filter(membership__user=user).select_related("sector").order_by("pk")


def _memberships(user) -> list:
    """``Membership.objects.active().with_roles()…`` of the person in two queries as the prefetch
    made them, without building the prefetch's query at each request (issue 14)."""
    from maillon.accounts.models import RoleAssignment

    memberships = list(_memberships_only(user=user))
    if not memberships:
        return memberships
    by_membership: dict[int, list] = {m.pk: [] for m in memberships}
    for assignment in _role_assignments(user=user):
        if assignment.membership_id in by_membership:
            by_membership[assignment.membership_id].append(assignment)
    for membership in memberships:
        roles = RoleAssignment.objects.none()  # an evaluated queryset, as prefetch_related leaves it
        roles._result_cache, roles._prefetch_done = by_membership[membership.pk], True
        for assignment in roles._result_cache:
            assignment.membership = membership
        membership._prefetched_objects_cache = {"role_assignments": roles}
    return memberships


# Checks a domain app adds in its ``ready()`` (communes: services enabled, support access expiry),
# called with the request once its organisation and membership are set: a response returned (or
# Http404 raised) answers instead of the view. The organisations app imports no domain app.
REQUEST_CHECKS: list = []
# The API's counterpart (``maillon.api.current_membership``): ``check(membership, request)`` raises
# Http404 when the membership must not act (communes: a support access past its end, a service off).
API_MEMBERSHIP_CHECKS: list = []


class OrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        request.membership = None
        request.host_organisation_slug = host_map().get(request.get_host().split(":")[0].lower())
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop("org", None)
        if slug is None:
            return None
        if request.host_organisation_slug and slug != request.host_organisation_slug:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        # All of the person's memberships at once: the current one, and the others for the
        # organisation switcher (one query and one prefetch, whatever the page).
        memberships = _memberships(user=request.user.pk)
        membership = next((m for m in memberships if m.organisation.slug == slug), None)
        if membership is None:
            raise Http404
        request.organisation = membership.organisation
        request.membership = membership
        request.other_memberships = [m for m in memberships if m is not membership]
        # Remembered for the home page's redirect, which only has a choice to make for people in
        # several organisations (no session write for the others: one query less on a first visit).
        if request.other_memberships and request.session.get("organisation") != slug:
            request.session["organisation"] = slug
        for check in REQUEST_CHECKS:
            response = check(request)
            if response is not None:
                return response
        return None
