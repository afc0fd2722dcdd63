"""Cross-organisation matrix (issue 12): every URL pattern of the resolver and every API
operation, requested by members of organisation A with organisation B's real ids.

Run with ``.venv/bin/python bench/crossorg.py`` (SQLite) or with ``DATABASE_URL=postgres://…``
(PostgreSQL): it creates a throw-away test database (``test_<name>`` on PostgreSQL, a temporary
SQLite file otherwise), seeds the demo, marks B's free-text fields with « FUITE-ORG-B », replays
the matrix (see maillon/testing_matrix.py) and drops the database. Prints
« N requêtes, M fuites, K erreurs 500 » and the list of leaking URLs; exits 1 on any leak, any
change to B's rows, any server error not in the allowlist, or a failed sanity check.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", default="staff,coordinator,direction", help="A's members to use (staff, coordinator, direction)")
    parser.add_argument("--limit", type=int, default=8, help="argument sets tried per URL pattern and API operation")
    parser.add_argument("--crawl", type=int, default=400, help="pages B's member opens to find B's real URLs")
    parser.add_argument("--no-post", action="store_true", help="only GET the pages (the API's writes are still sent)")
    parser.add_argument("--verbose", action="store_true", help="also list the URL patterns shadowed by an earlier one")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings_test")
    os.environ.setdefault("MAILLON_DATA_DIR", tempfile.mkdtemp(prefix="maillon-crossorg-"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from maillon.testing_matrix import Matrix, build_world

    setup_test_environment()
    started = time.monotonic()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"base de test prête ({connection.vendor}) en {time.monotonic() - started:.0f} s", flush=True)
        world = build_world()
        print(f"organisations A « {world.a.slug} » et B « {world.b.slug} » prêtes en {time.monotonic() - started:.0f} s", flush=True)
        matrix = Matrix(world, roles=args.roles.split(","), limit=args.limit, crawl=args.crawl, post=not args.no_post,
                        progress=lambda message: print(message, flush=True))
        report = matrix.run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    for line in report.lines():
        print(line)
    if args.verbose:
        for label in report.shadowed:
            print(f"adresse masquée par une autre : {label}")
    print(f"durée : {time.monotonic() - started:.0f} s")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
