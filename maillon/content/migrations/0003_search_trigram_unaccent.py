"""PostgreSQL only: the ``pg_trgm`` and ``unaccent`` extensions and a trigram index on the
search text, for typo-tolerant search (« Dupond » finds « Dupont »). SQLite needs nothing:
its fallback compares accent-folded text (see ``content/search.py``).

Both extensions are « trusted » since PostgreSQL 13: the database owner may create them
without being a superuser."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS content_searchentry_text_trgm ON content_searchentry USING gin (text gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The extensions stay: other objects may use them.
        schema_editor.execute("DROP INDEX IF EXISTS content_searchentry_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("content", "0002_search_gin_index")]
    operations = [migrations.RunPython(forwards, backwards)]
