"""Database triggers that keep the audit log append-only, whatever the client.

* Entries (``audit_auditentry``): UPDATE and DELETE are refused on both databases, TRUNCATE
  on PostgreSQL (SQLite has no TRUNCATE: its ``DELETE FROM`` fires the DELETE trigger).
* The chain head (``audit_audithead``, the one row that records how many entries there are and
  the last hash): it only moves forward by exactly one entry chained to it, as ``record()``
  does; any other UPDATE, a DELETE or a TRUNCATE is refused.

Anyone who owns the database can still drop a trigger (or lift the guard, below): the triggers
stop mistakes and an application-level attacker, not the database owner. What the owner cannot
forge is the signed checkpoint of the head kept outside the database (``checkpoints.py``), which
``maillon audit verify`` compares the entries with.

``lifted()`` switches the guards off for one transaction. It is for the few deliberate
operations that empty the whole database: ``flush`` (the test runner's between tests, see
``management/commands/flush.py``) and a restore. On PostgreSQL the switch is the transaction
setting ``maillon.audit_guard = 'off'``; on SQLite the triggers are dropped and created again
inside the same transaction.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection as default_connection
from django.db import transaction

GUARD_SETTING = "maillon.audit_guard"


def _postgresql_guard(table: str, function: str, message: str, allowed: str = "false") -> list[str]:
    """A trigger function that refuses what ``allowed`` (an SQL condition on NEW/OLD) does not
    let through, unless the guards are lifted; fired before each UPDATE or DELETE of a row and
    before a TRUNCATE of the table."""
    return [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            IF audit_guard_lifted() OR (TG_OP = 'UPDATE' AND ({allowed})) THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{message}: % refused on {table}', TG_OP USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"DROP TRIGGER IF EXISTS {function} ON {table};",
        f"CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
    ]


POSTGRESQL_INSTALL = [
    # The one place that says whether the guards are lifted for this transaction.
    """
    CREATE OR REPLACE FUNCTION audit_guard_lifted() RETURNS boolean AS $$
        SELECT coalesce(current_setting('maillon.audit_guard', true), '') = 'off'
    $$ LANGUAGE sql STABLE;
    """,
    # Same function and trigger names as migration 0002's, which this replaces.
    *_postgresql_guard("audit_auditentry", "audit_auditentry_append_only", "the audit log is append-only"),
    *_postgresql_guard(
        "audit_audithead", "audit_audithead_forward_only", "the audit chain head only moves forward by one new entry",
        allowed="NEW.id = OLD.id AND NEW.count = OLD.count + 1 AND EXISTS ("
                "SELECT 1 FROM audit_auditentry WHERE hash = NEW.last_hash AND previous_hash = OLD.last_hash)",
    ),
]

POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;",
    "DROP TRIGGER IF EXISTS audit_audithead_no_truncate ON audit_audithead;",
    "DROP TRIGGER IF EXISTS audit_audithead_forward_only ON audit_audithead;",
    "DROP FUNCTION IF EXISTS audit_audithead_forward_only();",
]

SQLITE_TRIGGERS = {
    "audit_auditentry_no_update": """
        CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused on audit_auditentry'); END
    """,
    "audit_auditentry_no_delete": """
        CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON audit_auditentry
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused on audit_auditentry'); END
    """,
    "audit_audithead_forward_only": """
        CREATE TRIGGER audit_audithead_forward_only BEFORE UPDATE ON audit_audithead
        WHEN NOT (NEW.id = OLD.id AND NEW.count = OLD.count + 1 AND EXISTS (
            SELECT 1 FROM audit_auditentry WHERE hash = NEW.last_hash AND previous_hash = OLD.last_hash))
        BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward by one new entry: UPDATE refused on audit_audithead'); END
    """,
    "audit_audithead_no_delete": """
        CREATE TRIGGER audit_audithead_no_delete BEFORE DELETE ON audit_audithead
        BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward by one new entry: DELETE refused on audit_audithead'); END
    """,
}


def _execute(cursor, statements) -> None:
    for sql in statements:
        cursor.execute(sql)  # no parameters: the SQL holds % signs


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _execute(cursor, POSTGRESQL_INSTALL)
        elif connection.vendor == "sqlite":
            _execute(cursor, [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS])
            _execute(cursor, SQLITE_TRIGGERS.values())


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _execute(cursor, POSTGRESQL_UNINSTALL)
        elif connection.vendor == "sqlite":
            _execute(cursor, [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS])


@contextmanager
def lifted(connection=None):
    """Inside this block (one transaction), the audit tables may be emptied or rewritten."""
    connection = connection or default_connection
    with transaction.atomic(using=connection.alias):
        dropped = []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'off', true)", [GUARD_SETTING])
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                dropped = [name for (name,) in cursor.fetchall() if name in SQLITE_TRIGGERS]
                _execute(cursor, [f"DROP TRIGGER {name}" for name in dropped])
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, '', true)", [GUARD_SETTING])
            elif connection.vendor == "sqlite":
                _execute(cursor, [SQLITE_TRIGGERS[name] for name in dropped])
