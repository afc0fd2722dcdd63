"""Communes bench: provisioning 100 communes by CSV (issue 19's budget: ≤ 10 s), every commune
created with its profile, federation link, secretary's account, membership, roles and audit entries.

Run with ``.venv/bin/python bench/communes.py`` (SQLite; ``DATABASE_URL`` for PostgreSQL) on a
throw-away instance. Writes bench/results/communes.json and exits 1 over budget.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: setup, throw-away instance)

BUDGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=100)
    args = parser.parse_args()
    with run.throwaway_instance("communes"):
        from django.db import connection

        from maillon.accounts.models import Membership, RoleAssignment
        from maillon.accounts.roles import Role
        from maillon.communes import services
        from maillon.communes.demo import _siret
        from maillon.communes.models import Commune
        from maillon.organisations.models import Organisation, Sector
        from maillon.testing import UserFactory

        groupement = Organisation.objects.create(name="Syndicat du banc", slug="syndicat-banc", kind=Organisation.Kind.GROUPEMENT)
        sector = Sector.objects.create(organisation=groupement, name="Communes")
        membership = Membership.objects.create(user=UserFactory(username="coordo-banc"), organisation=groupement, sector=sector)
        RoleAssignment.objects.create(membership=membership, role=Role.COORDINATOR, sector=sector)
        membership = Membership.objects.with_roles().select_related("organisation", "user").get(pk=membership.pk)
        lines = ["nom;code INSEE;SIRET;population;maire;e-mail du secrétariat"]
        lines += [f"Commune du banc {n};{32000 + n:05d};{_siret(n)};{100 + n * 7};Maire {n};mairie{n}@banc.test"
                  for n in range(1, args.communes + 1)]
        content = "\n".join(lines).encode()
        start = time.perf_counter()
        created = services.import_csv(membership, content)
        seconds = time.perf_counter() - start
        assert len(created) == Commune.objects.count() == args.communes
        result = {"communes": args.communes, "seconds": round(seconds, 2), "budget_seconds": BUDGET_SECONDS,
                  "database": connection.vendor, "load_average": os.getloadavg()}
    print(json.dumps(result, indent=2))
    (Path(__file__).resolve().parent / "results" / "communes.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if seconds <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
