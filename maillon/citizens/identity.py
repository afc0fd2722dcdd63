"""Who the citizen of this browser is: a session key, never a Django login.

- ``current_citizen(request)``: the Citizen, or None (one query, cached on the request).
- ``login_citizen(request, citizen, method)``: after a verified e-mail link or a FranceConnect
  callback; rotates the session key (no fixation) and keeps any staff login of the browser apart.
- ``logout_citizen(request)``.
- ``citizen_required``: a public view that needs a proven citizen; otherwise it answers with the
  commune's sign-in page (``citizens:login``), ``next`` kept.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import Citizen

SESSION_KEY = "citizen_id"
METHOD_KEY = "citizen_method"  # "email" or "franceconnect"


def current_citizen(request) -> Citizen | None:
    if hasattr(request, "_citizen"):
        return request._citizen
    pk = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    request._citizen = Citizen.objects.filter(pk=pk).first() if pk else None
    return request._citizen


def login_citizen(request, citizen: Citizen, method: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = citizen.pk
    request.session[METHOD_KEY] = method
    request._citizen = citizen
    Citizen.objects.filter(pk=citizen.pk).update(last_seen_at=timezone.now())


def logout_citizen(request) -> None:
    for key in (SESSION_KEY, METHOD_KEY):
        request.session.pop(key, None)
    request._citizen = None


def login_url(commune_slug: str, next_url: str) -> str:
    return reverse("citizens:login", kwargs={"commune": commune_slug}) + "?" + urlencode({"next": next_url})


def citizen_required(view):
    """Under ``public.public_commune`` (which sets ``request.commune``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if current_citizen(request) is None:
            return redirect(login_url(request.commune.slug, request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapped
