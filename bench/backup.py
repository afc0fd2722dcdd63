"""Backup and restore: time and size for the demo and for 10× the demo (issue 16).

``.venv/bin/python bench/backup.py`` (``--scales 1,10``, ``--cache /tmp/maillon-scale-{scale}``)

For each scale it takes the instance ``bench/scale.py`` builds (SQLite; built into the cache
directory when missing, the 10× from a copy of the 1×), copies its data directory to a scratch
one (the bench's own ``BackupRun`` rows must not land in the cache), then times the commands as
the work of the two commands in one process started on that copy (Django's start, 2 to 9 s on
this loaded machine, left out):

1. ``services.run_backup`` (what ``maillon backup`` runs): plain, then with a passphrase;
2. ``restore.restore`` (what ``maillon restore --into`` runs) of each archive into a new directory;

and checks that the restored database has the same tables and row counts as the original. Prints
a table, writes ``bench/results/backup.json``; exits 1 when a restore differs or a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_built(scale: int, cache: str) -> Path:
    directory = Path(cache.format(scale=scale))
    if not (directory / "scale.json").exists():
        extra = []
        if scale > 1:
            extra = ["--from-dir", str(ensure_built(1, cache))]
        subprocess.run([sys.executable, str(ROOT / "bench" / "scale.py"), "build", "--scale", str(scale),  # noqa: S603
                        "--data-dir", str(directory), *extra], check=True, cwd=ROOT)
    return directory


def row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as handle:
        tables = [r[0] for r in handle.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: handle.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608 - table names from the file


def measure_here(data: Path, scratch: Path) -> dict:
    """In this process (its MAILLON_DATA_DIR is ``data``): back up and restore, plain then encrypted."""
    import django

    django.setup()
    from maillon.backups import crypto, restore, services

    passphrase = scratch / "passphrase"
    passphrase.write_text("une phrase de passe pour le banc d'essai\n")
    figures = {}
    before = row_counts(data / "maillon.sqlite3")
    for kind, secret in (("plain", None), ("encrypted", crypto.Secret.from_files(passphrase))):
        started = time.perf_counter()
        outcome = services.run_backup(to=scratch / f"backups-{kind}", secret=secret or False)
        figures[f"backup_{kind}_s"] = round(time.perf_counter() - started, 2)
        if outcome.run.result != "ok":
            sys.exit(f"{kind} backup failed: {outcome.run.error}")
        figures[f"archive_{kind}_bytes"] = outcome.written.size
        started = time.perf_counter()
        restore.restore(outcome.written.path, secret=secret, into=scratch / f"restored-{kind}")
        figures[f"restore_{kind}_s"] = round(time.perf_counter() - started, 2)
        after = row_counts(scratch / f"restored-{kind}" / "maillon.sqlite3")
        # The archive was written after its own BackupRun row (« running ») and before the next run's.
        differs = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t) and t != "backups_backuprun"}
        if differs:
            sys.exit(f"the {kind} restore differs in {sorted(differs)}")
        before = row_counts(data / "maillon.sqlite3")
    return figures


def measure(scale: int, source: Path, scratch: Path) -> dict:
    data = scratch / "data"
    shutil.copytree(source, data, ignore=shutil.ignore_patterns("cache", "static", "*.writers"))
    media = [p for p in (data / "media").rglob("*") if p.is_file()] if (data / "media").is_dir() else []
    figures = {"scale": scale, "database_bytes": (data / "maillon.sqlite3").stat().st_size,
               "media_files": len(media), "media_bytes": sum(p.stat().st_size for p in media)}
    env = {**os.environ, "MAILLON_ENV": "development", "MAILLON_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "maillon.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, __file__, "--one", str(data), "--scratch", str(scratch)], env=env,  # noqa: S603
                            capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(f"{scale}×: {result.stdout}\n{result.stderr}")
    figures.update(json.loads(result.stdout.strip().splitlines()[-1]))
    return figures


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--cache", default="/tmp/maillon-scale-{scale}")  # noqa: S108 - bench/scale.py's cache of built instances
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a data directory: measure it in this process
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure_here(Path(args.one), Path(args.scratch))))
        return 0
    results = []
    for scale in (int(s) for s in args.scales.split(",")):
        source = ensure_built(scale, args.cache)
        with tempfile.TemporaryDirectory(prefix=f"maillon-backup-bench-{scale}-") as scratch:
            results.append(measure(scale, source, Path(scratch)))
    print(f"{'scale':<6}{'database':>10}{'media':>16}{'archive':>10}{'encrypted':>11}{'backup':>9}{'(enc.)':>8}{'restore':>9}{'(enc.)':>8}")
    for r in results:
        print(f"{str(r['scale']) + '×':<6}{mb(r['database_bytes']):>10}{str(r['media_files']) + ' / ' + mb(r['media_bytes']):>16}"
              f"{mb(r['archive_plain_bytes']):>10}{mb(r['archive_encrypted_bytes']):>11}{r['backup_plain_s']:>8.1f}s"
              f"{r['backup_encrypted_s']:>7.1f}s{r['restore_plain_s']:>8.1f}s{r['restore_encrypted_s']:>7.1f}s")
    print("(seconds of wall clock for the work itself, in one process: backup = database copy, archive, checksums, rotation;"
          " restore = checks, database, media; encrypted includes scrypt's half second; SQLite)")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "backup.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
