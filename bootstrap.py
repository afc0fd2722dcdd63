#!/usr/bin/env python3
"""Set up Maillon from nothing but Python >= 3.11, then run the demo or the tests.

    python3 bootstrap.py demo     # virtualenv from the lock file, SQLite demo on :8000
    python3 bootstrap.py demo --port 8080 --host 0.0.0.0   # other port / every interface
    python3 bootstrap.py test     # virtualenv, lint and checks, the whole test suite
    python3 bootstrap.py bench    # performance figures of the main pages

The virtual environment (.venv) is rebuilt when requirements-dev.lock changes.
The tests run on SQLite, or on PostgreSQL when DATABASE_URL is set.
Extra arguments go to ``maillon demo`` (``--port N``, ``--host H``, ``--no-serve``; the links
of the demo's e-mails use that address unless MAILLON_BASE_URL is set) or to pytest.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements-dev.lock"
STAMP = VENV / ".lock-sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*args: str, env: dict | None = None) -> None:
    print("+", " ".join(args), flush=True)
    result = subprocess.run(args, cwd=ROOT, env={**os.environ, **(env or {})})  # noqa: S603
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Maillon needs Python 3.11 or newer.")
    wanted = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    py = str(BIN / "python")
    run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "-r", str(LOCK))
    run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-build-isolation", "-e", ".")
    STAMP.write_text(wanted)


def maillon(*args: str, env: dict | None = None) -> None:
    run(str(BIN / "maillon"), *args, env=env)


def test(extra: list[str]) -> None:
    py = str(BIN / "python")
    db = os.environ.get("DATABASE_URL", "sqlite (file)")
    print(f"== Maillon tests on {db.split('@')[-1]} ==", flush=True)
    run(py, "-m", "ruff", "check", "maillon", "bench", "bootstrap.py")
    check_env = {"MAILLON_ENV": "test", "MAILLON_DATA_DIR": str(ROOT / "data" / "ci")}
    maillon("makemigrations", "--check", "--dry-run", env=check_env)
    maillon("check", env=check_env)
    prod_env = {
        "MAILLON_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "intranet.example.org",
        "EMAIL_URL": "smtp://mail.example.org:587/?tls=True",
        "HEALTH_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),  # maillon health new-key
        "MAILLON_DATA_DIR": str(ROOT / "data" / "ci"),
    }
    maillon("check", "--deploy", "--fail-level", "WARNING", env=prod_env)
    run(py, "-m", "pytest", *extra)


def main() -> None:
    command, extra = (sys.argv[1] if len(sys.argv) > 1 else "demo"), sys.argv[2:]
    ensure_venv()
    if command == "demo":
        maillon("demo", *extra)
    elif command == "test":
        test(extra)
    elif command == "bench":
        run(str(BIN / "python"), "bench/run.py", *extra)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
