"""Querysets built and compiled once per process, then run with each request's values.

Building a queryset (filters, joins, annotations, a UNION) and compiling it to SQL costs the
Python side of Django's ORM 0.3 to 2 ms a query, often ten times what the database takes to
answer it. On pages every person opens many times a day (the dashboard's panels) that is most of
the server's time (issue 14). ``prepared`` builds the queryset once with stand-in values, keeps
its SQL and where each stand-in lands among the parameters, and then gives, for each call, a
queryset that runs that SQL with the call's values: it iterates like the original (model
instances with their ``select_related`` objects and annotations, ``values()`` and
``values_list()`` rows, ``prefetch_related``), without building anything (it cannot be chained
further: ``filter()``, slices and ``count()`` on it raise ``TypeError``)::

    @prepared(membership=-7001, since=datetime(1901, 2, 3, tzinfo=UTC))
    def open_tasks(membership, since):
        return Task.objects.filter(assignee_id=membership, created_at__gte=since).select_related("meeting")

    rows = list(open_tasks(membership=request.membership.pk, since=now - timedelta(days=60)))

Rules, checked when the query is first compiled (a mistake fails loudly, in the tests):
- every stand-in is a scalar (int, str, date, datetime, Decimal) that appears in the SQL's
  parameters, and is unusual enough to appear nowhere else (negative ids, dates in 1901);
- what changes the SQL's shape (a flag, a list's length) is not a stand-in: pass it as another
  keyword argument, which becomes part of the cache key (one compiled query per value);
- the values given at call time must not be None (``filter(x=None)`` is ``IS NULL``: another SQL).
"""

from __future__ import annotations

import copy
import functools
from datetime import date, datetime
from decimal import Decimal

from django.db import connections, router

_SCALARS = (int, str, date, datetime, Decimal)


class _Compiled:
    """One queryset compiled for one database: its SQL, its parameters and the stand-in slots."""

    def __init__(self, queryset, stand_ins: dict, using: str):
        connection = connections[using]
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        self.queryset, self.compiler, self.sql, self.using = queryset, compiler, sql, using
        self.params = list(params)
        adapters = _adapters(connection)
        self.slots: list[tuple[str, object] | None] = [None] * len(self.params)
        for name, value in stand_ins.items():
            found = False
            for adapt in adapters:
                try:
                    adapted = adapt(value)
                except (TypeError, ValueError, AttributeError):
                    continue
                for i, param in enumerate(self.params):
                    if self.slots[i] is None and type(param) is type(adapted) and param == adapted:
                        self.slots[i] = (name, adapt)
                        found = True
                if found:
                    break
            if not found:
                raise ValueError(f"prepared query: stand-in {name}={value!r} is not among the SQL parameters {self.params!r}")

    def bind(self, values: dict):
        params = list(self.params)
        for i, slot in enumerate(self.slots):
            if slot is not None:
                name, adapt = slot
                value = values[name]
                if value is None:
                    raise ValueError(f"prepared query: {name} is None (a stand-in cannot become IS NULL)")
                params[i] = adapt(value)
        params = tuple(params)
        sql = self.sql
        compiler = copy.copy(self.compiler)
        # This thread's connection, not the one of the thread that compiled the query.
        compiler.connection = connections[self.using]
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        query = copy.copy(self.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        # A filter, a slice or a count on it would copy the bound compiler and silently ignore
        # what was added: the queryset is for iterating only.
        query.clone = _no_chaining
        return _clone(self.queryset, query)


def _no_chaining(*args, **kwargs):
    raise TypeError("a prepared query is iterated as it is (list(), for): filter, slice or count inside its build function")


def _adapters(connection) -> list:
    """How a stand-in can reach the parameters: as itself, or adapted by the backend (a datetime
    as text in UTC on SQLite, a date as ISO text, a Decimal as text or float)."""
    ops = connection.ops

    def as_datetime(value):
        if not isinstance(value, datetime):
            raise TypeError
        return ops.adapt_datetimefield_value(value)

    def as_date(value):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise TypeError
        return ops.adapt_datefield_value(value)

    def as_decimal(value):
        if not isinstance(value, Decimal):
            raise TypeError
        return ops.adapt_decimalfield_value(value)

    return [lambda value: value, as_datetime, as_date, as_decimal, str]


def _clone(queryset, query):
    """``queryset._clone()`` with this query instead of a copy of its own (nothing rebuilt)."""
    clone = queryset.__class__(model=queryset.model, query=query, using=queryset._db, hints=queryset._hints)
    clone._sticky_filter = queryset._sticky_filter
    clone._for_write = queryset._for_write
    clone._prefetch_related_lookups = queryset._prefetch_related_lookups[:]
    clone._known_related_objects = queryset._known_related_objects
    clone._iterable_class = queryset._iterable_class
    clone._fields = queryset._fields
    return clone


def prepared(**stand_ins):
    """Decorates a function that builds a queryset from keyword arguments: the ones named here
    are run-time values (given their stand-ins once), the others shape the query (cache key)."""
    for name, value in stand_ins.items():
        if not isinstance(value, _SCALARS) or isinstance(value, bool):
            raise TypeError(f"prepared query: stand-in {name} must be a scalar, not {value!r}")

    def decorate(build):
        cache: dict = {}

        @functools.wraps(build)
        def run(**kwargs):
            shape = tuple(sorted((k, v) for k, v in kwargs.items() if k not in stand_ins))
            values = {k: kwargs[k] for k in stand_ins}
            # The database the queryset reads from (its vendor decides the SQL).
            key = (shape, connections[router.db_for_read(None)].alias)
            compiled = cache.get(key)
            if compiled is None:
                queryset = build(**stand_ins, **dict(shape))
                compiled = cache[key] = _Compiled(queryset, stand_ins, queryset.db)
            return compiled.bind(values)

        run.cache = cache
        return run

    return decorate
