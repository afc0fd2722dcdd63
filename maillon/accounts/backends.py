"""The logged-in person of each request, read through a query compiled once per process (issue 14).

Django's ``ModelBackend.get_user`` (allauth's backend inherits it) runs
``User._default_manager.get(pk=user_id)`` for every request of a logged-in person: building and
compiling that query cost about eight times what the database takes to answer it. ``install()``
(from ``AccountsConfig.ready``) gives ``ModelBackend`` a ``get_user`` that runs the same query
compiled once (``core.prepared``), then applies the backend's own ``user_can_authenticate`` as
before: an unknown id or an inactive person is no user. The backends' paths stay those of the
settings, so the sessions people have open stay valid. Django's session-hash check, which runs
after it, is unchanged.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from maillon.core.prepared import prepared


@prepared(pk=-870_101)
def _user(pk):
    return get_user_model()._default_manager.filter(pk=pk)


_django_get_user = ModelBackend.get_user


def get_user(self, user_id):
    """``ModelBackend.get_user`` with the query compiled once (an id that is not an int, which
    Django's session never gives, goes the ORM's way)."""
    if type(user_id) is not int:
        return _django_get_user(self, user_id)
    found = list(_user(pk=user_id))
    if not found:
        return None
    return found[0] if self.user_can_authenticate(found[0]) else None


def install() -> None:
    ModelBackend.get_user = get_user
