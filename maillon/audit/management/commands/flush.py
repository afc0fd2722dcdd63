"""Django's ``flush``, with the audit log's guards lifted for its one statement list.

``flush`` empties every table on purpose (the test runner runs it after each transactional
test); the audit triggers would otherwise refuse it (TRUNCATE on PostgreSQL, DELETE on SQLite).
An emptied log is still reported by ``maillon audit verify`` through the signed checkpoints.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from maillon.audit import guards


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        execute_sql_flush = connection.ops.execute_sql_flush

        def flush_with_guards_lifted(sql_list):
            with guards.lifted(connection):
                execute_sql_flush(sql_list)

        connection.ops.execute_sql_flush = flush_with_guards_lifted
        try:
            return super().handle(**options)
        finally:
            del connection.ops.execute_sql_flush  # back to the class's method
