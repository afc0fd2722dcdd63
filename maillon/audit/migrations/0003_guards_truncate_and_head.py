"""The audit log's database guards on both databases (see maillon/audit/guards.py): entries
refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE; the chain head only moves forward by one
entry chained to it. Replaces the PostgreSQL-only UPDATE/DELETE trigger of 0002."""

from django.db import migrations


def forwards(apps, schema_editor):
    from maillon.audit import guards

    guards.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from maillon.audit import guards

    guards.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
