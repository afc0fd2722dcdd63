"""What the audit tests do as an attacker: raw SQL behind the ORM's back, then ``audit verify``."""

from contextlib import contextmanager
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection

from maillon.audit import guards


def raw(sql, params=()):
    """Run SQL as an attacker with database access would: the database guards are lifted for
    the statement (as the database owner can), inside the test's transaction."""
    with guards.lifted(), connection.cursor() as cursor, checks_settled():
        cursor.execute(sql, params)


@contextmanager
def checks_settled():
    """PostgreSQL refuses TRUNCATE while the test's transaction has deferred foreign-key checks
    pending: run them now, defer them again after."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def run_verify():
    """``maillon audit verify`` → (exit code, output, error message)."""
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""
