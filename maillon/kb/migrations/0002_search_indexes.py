"""PostgreSQL only: GIN indexes on the French vector and (trigrams) on the accent-free text;
SQLite searches the plain text."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS kb_page_vector ON kb_page USING gin (vector)")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS kb_page_text_trgm ON kb_page USING gin (text gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_page_vector")
        schema_editor.execute("DROP INDEX IF EXISTS kb_page_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial"), ("content", "0003_search_trigram_unaccent")]
    operations = [migrations.RunPython(forwards, backwards)]
