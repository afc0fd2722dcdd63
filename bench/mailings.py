"""Mailings (issue 17): a mailing sent to N recipients (10,000 by default) by the worker's code
(``tasks.send_mailing`` → ``services.deliver``), to the development backend (Django's locmem
outbox, or ``--backend console`` written to /dev/null), at the rate asked (``--rate 0``: as fast
as it goes; the worker's default is ``MAILINGS_RATE``, 60 messages/s).

Run with ``.venv/bin/python bench/mailings.py`` (SQLite) or with ``DATABASE_URL=postgres://…``: it
creates a throw-away test database, an organisation of N members, a director and one mailing to
everyone, queues it (the « Envoyer » button: one row per recipient), then times the send. Prints
the queueing time, the messages per second and the statuses; exits 1 under 50 messages/s or when a
recipient did not get exactly one message.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=0, help="messages per second (0: unthrottled)")
    parser.add_argument("--backend", choices=["locmem", "console"], default="locmem")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings_test")
    os.environ.setdefault("MAILLON_DATA_DIR", tempfile.mkdtemp(prefix="maillon-mailings-"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    if args.backend == "console":
        settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
        sys.stdout.flush()
        devnull = open(os.devnull, "w")  # noqa: SIM115
    settings.MAILINGS_RATE = args.rate
    settings.MAILINGS_TASK_SECONDS = 3600
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from maillon.accounts.models import Membership, RoleAssignment, User
        from maillon.accounts.roles import Role
        from maillon.mailings import segments, services
        from maillon.mailings.models import Category, Recipient
        from maillon.mailings.tasks import send_mailing
        from maillon.organisations.services import create_organisation

        organisation = create_organisation(name="Centre du banc d'essai", slug="banc")
        users = User.objects.bulk_create([User(username=f"p{i}", first_name="Personne", last_name=f"{i:05d}", email=f"p{i}@banc.test",
                                               password="!") for i in range(args.count - 1)], batch_size=2000)
        director = User.objects.create(username="directrice", email="directrice@banc.test", password="!")
        memberships = Membership.objects.bulk_create([Membership(user=u, organisation=organisation) for u in [*users, director]],
                                                     batch_size=2000)
        RoleAssignment.objects.create(membership=memberships[-1], role=Role.DIRECTOR)
        scope = segments.scope_for(Membership.objects.with_roles().get(user=director))
        category = Category.objects.create(organisation=organisation, name="Lettre d'information")
        mailing = services.save_draft(scope, subject="Lettre d'information — banc d'essai", category=category,
                                      body="<p>Bonjour,</p>" + "<p>Des nouvelles du centre, <strong>en gras</strong>.</p>" * 20)
        started = time.monotonic()
        with mock.patch("django.db.transaction.on_commit"):  # the worker's task is run below, timed
            queued = services.queue(scope, mailing)
        queueing = time.monotonic() - started
        mail.outbox = []
        stdout = sys.stdout
        if args.backend == "console":
            sys.stdout = devnull
        started = time.monotonic()
        send_mailing.call(mailing_id=mailing.pk)
        elapsed = time.monotonic() - started
        sys.stdout = stdout
        statuses = Counter(Recipient.objects.filter(mailing=mailing).values_list("status", flat=True))
        per_address = Counter(m.to[0] for m in mail.outbox) if args.backend == "locmem" else None
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    speed = queued / elapsed
    print(f"{connection.vendor}: {queued} destinataires mis en file en {queueing:.2f} s ; "
          f"envoyés en {elapsed:.1f} s, soit {speed:.0f} messages/s (débit demandé : {args.rate or 'illimité'}) ; "
          f"statuts {dict(statuses)}")
    ok = speed >= 50 or (args.rate and args.rate < 50)
    if per_address is not None and (len(per_address) != queued or max(per_address.values()) != 1):
        print("un destinataire n'a pas reçu exactement un message")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
