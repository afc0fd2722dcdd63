"""``maillon health new-key``: print a fresh key for HEALTH_KEY. ``maillon health rotate-key``:
re-encrypt every health record, contact and document under the current HEALTH_KEY.

Rotation, step by step (documented in the README):
1. ``maillon health new-key`` → the new key;
2. restart with ``HEALTH_KEY=<new>`` and ``HEALTH_OLD_KEYS=<old>`` (both keys read, the new one written);
3. ``maillon health rotate-key`` (may be run again if interrupted);
4. remove ``HEALTH_OLD_KEYS`` and restart. Backups made before step 3 still need the old key.

In development (no HEALTH_KEY in the environment), ``rotate-key --generate`` does steps 1, 2 and 4
itself with the key file of the data directory."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.core.commands import TranslatedCommand
from maillon.health import crypto


class Command(TranslatedCommand):
    help_text = gettext_lazy(
            "Health records keys. « new-key »: print a new key for HEALTH_KEY. « rotate-key »: re-encrypt every "
            "record, contact and document under HEALTH_KEY, reading them with HEALTH_KEY or HEALTH_OLD_KEYS."
        )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="new-key|rotate-key")
        sub.add_parser("new-key", help="print a new random key (32 bytes, URL-safe base64)")
        rotate = sub.add_parser("rotate-key", help="re-encrypt everything under the current HEALTH_KEY")
        rotate.add_argument("--generate", action="store_true",
                            help="development only: make a new key in the data directory and rotate to it")

    def handle(self, *args, **options):
        if options["subcommand"] == "new-key":
            self.stdout.write(crypto.new_key())
            return
        if options["subcommand"] != "rotate-key":  # pragma: no cover - argparse refuses others
            raise CommandError(_("Unknown subcommand."))
        from maillon.health.services import rotate_key

        key_file, old_file = settings.DATA_DIR / "health_key", settings.DATA_DIR / "health_key.old"
        if options["generate"]:
            if settings.PRODUCTION or not key_file.exists() or key_file.read_text().strip() != settings.HEALTH_KEY:
                raise CommandError(_("--generate works only with the key file of the data directory (development). "
                                     "Elsewhere set HEALTH_KEY to the new key and HEALTH_OLD_KEYS to the old one."))
            # Both keys are on disk before anything is re-encrypted: an interrupted rotation loses
            # nothing (the settings read health_key.old too), and is finished by running rotate-key again.
            old = settings.HEALTH_KEY
            with old_file.open("a") as handle:
                handle.write(old + "\n")
            old_file.chmod(0o600)
            settings.HEALTH_KEY, settings.HEALTH_OLD_KEYS = crypto.new_key(), [*settings.HEALTH_OLD_KEYS, old]
            key_file.write_text(settings.HEALTH_KEY)
        result = rotate_key()
        if old_file.exists() and not settings.PRODUCTION:
            old_file.unlink()  # every value is under the current key now
        self.stdout.write(self.style.SUCCESS(
            _("Re-encrypted under the current key: %(records)s records, %(contacts)s contacts, %(documents)s documents.") % {
                "records": result.records, "contacts": result.contacts, "documents": result.documents}))
