import pytest


@pytest.fixture
def place(settings, tmp_path):
    """A data directory, media root and backup directory of the test's own."""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_COPY_DIR = ""
    settings.BACKUP_S3_BUCKET = ""
    settings.BACKUP_PASSPHRASE_FILE = settings.BACKUP_KEY_FILE = ""
    settings.DATA_DIR.mkdir(parents=True)
    settings.MEDIA_ROOT.mkdir()
    return tmp_path


def database_url(name: str) -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}"


def _admin(sql: str) -> None:
    import psycopg
    from django.db import connection

    s = connection.settings_dict
    with psycopg.connect(dbname="postgres", host=s.get("HOST") or None, port=s.get("PORT") or None, user=s.get("USER") or None,
                         password=s.get("PASSWORD") or None, autocommit=True) as handle:
        handle.execute(sql)


@pytest.fixture
def fresh(tmp_path):
    """Where to restore: a new data directory, and on PostgreSQL a new empty database named after
    the test database (``<test db>_restore``), dropped at the end. Yields restore()'s keywords."""
    from django.db import connection

    into = tmp_path / "restored"
    if connection.vendor != "postgresql":
        yield {"into": into}
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield {"into": into, "database_url": database_url(name)}
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_connection(fresh: dict):
    """A Django connection to the restored database (same engine and type conversions)."""
    from django.db import connections

    connection = connections["default"]
    if "database_url" in fresh:
        name = fresh["database_url"].rsplit("/", 1)[1]
    else:
        name = str(fresh["into"] / "maillon.sqlite3")
    return connection.__class__({**connection.settings_dict, "NAME": name}, alias="restored")
