"""The active language of Django's translations kept in a context variable (issue 14).

Django keeps it in ``trans_real._active``, an ``asgiref.local.Local``: each read takes a
re-entrant lock and checks the owning thread, and a page reads it once per ``{% translate %}``,
``gettext`` and ``get_language`` (250 times for the procedures list: about 4 % of its CPU).
:class:`ContextLocal` has the same semantics without the lock: a value is local to the thread
in sync code and to the task in async code (a context variable), a new thread starts with none,
and asgiref's ``sync_to_async``/``async_to_sync`` run their callee in a copy of the caller's
context, so a language activated around them is seen inside, as with ``Local``. Values are
stored copy-on-write in a dict (a context is never entered by two threads at once).
"""

from __future__ import annotations

from contextvars import ContextVar


class ContextLocal:
    __slots__ = ("_var",)

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_var", ContextVar(name, default=None))

    def __getattr__(self, key: str):
        data = self._var.get()
        if data is None or key not in data:
            raise AttributeError(key)
        return data[key]

    def __setattr__(self, key: str, value) -> None:
        data = dict(self._var.get() or ())
        data[key] = value
        self._var.set(data)

    def __delattr__(self, key: str) -> None:
        data = dict(self._var.get() or ())
        if key not in data:
            raise AttributeError(key)
        del data[key]
        self._var.set(data)


def install() -> None:
    """Replace Django's translation local (at start, before any request activates a language)."""
    from django.utils.translation import trans_real

    if not isinstance(trans_real._active, ContextLocal):
        previous = getattr(trans_real._active, "value", None)
        trans_real._active = ContextLocal("maillon.translation")
        if previous is not None:
            trans_real._active.value = previous
