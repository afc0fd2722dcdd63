"""Test settings: the real settings with MAILLON_ENV=test (fast hashing, immediate tasks,
locmem e-mail). The database comes from DATABASE_URL as in production; SQLite tests use a
file (not memory) so that tests with several threads see real locking."""

import os
import tempfile

os.environ.setdefault("MAILLON_ENV", "test")
os.environ.setdefault("MAILLON_DATA_DIR", os.path.join(tempfile.gettempdir(), "maillon-test-data"))

from .settings import *  # noqa: E402,F403
from .settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] in {"django.db.backends.sqlite3", "maillon.core.sqlite"}:
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"maillon-test-{os.getpid()}.sqlite3")}
