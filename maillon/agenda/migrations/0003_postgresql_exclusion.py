"""PostgreSQL only: no two active allocations of the same resource may overlap (buffers
included). The conflict engine checks first, under a row lock; this is the last guard.
Needs the btree_gist extension (contrib, shipped with PostgreSQL)."""

from django.db import migrations

CONSTRAINT = "agenda_allocation_no_overlap"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE agenda_allocation ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(resource_id WITH =, tstzrange(start, block_end, '[)') WITH &&) "
        "WHERE (resource_id IS NOT NULL AND active)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE agenda_allocation DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("agenda", "0002_events_occurrences_allocations")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
