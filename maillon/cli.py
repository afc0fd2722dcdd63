"""The ``maillon`` command: Django's manage.py with Maillon's commands.

    maillon demo            migrate, load demo organisations, serve on 127.0.0.1:8000 (--port, --host)
    maillon serve           ASGI server (HTTP + WebSocket, static files)
    maillon worker          background tasks and periodic jobs
    maillon check           configuration checks
    maillon audit verify    verify the audit log: hash chain, chain head, signed checkpoints
    maillon audit checkpoint  sign the chain head into data/audit-checkpoints.jsonl (daily job too)
    maillon health rotate-key  re-encrypt the health records under HEALTH_KEY (new-key prints a key)
    maillon backup          write one archive now: database, media, data files, manifest (--to, --passphrase-file, --key-file)
    maillon restore ARCHIVE  check an archive whole, restore it into an empty database and media (--into DIR, --database-url)
    maillon <django command> …
"""

import os
import sys


def main(argv=None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["maillon", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
