"""``maillon backup``: write one archive now (database, media, data files, manifest), prune the
backup directory, copy it to the second places. The worker does the same daily at 02:30."""

from pathlib import Path

from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillon.backups import crypto, services
from maillon.backups.models import BackupRun
from maillon.core.commands import TranslatedCommand


def secret_from(options, *, default=True):
    """The passphrase or key file named on the command line; else ``default``."""
    try:
        return crypto.Secret.from_files(options.get("passphrase_file"), options.get("key_file")) or default
    except (OSError, ValueError) as exc:
        raise CommandError(_("Cannot read the passphrase or key file: %(error)s") % {"error": exc}) from None


def add_secret_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--passphrase-file", metavar="FILE", help="file holding the passphrase (its first line)")
    group.add_argument("--key-file", metavar="FILE", help="file holding a random key (maillon backup --new-key-file FILE)")


class Command(TranslatedCommand):
    help_text = gettext_lazy(
            "Write one backup archive now: the database, the media files, the data files to keep and a manifest with "
            "the SHA-256 of each. Encrypted with a passphrase or key file if given (or configured: BACKUP_PASSPHRASE_FILE, "
            "BACKUP_KEY_FILE), then the old archives are pruned and the new one copied (BACKUP_COPY_DIR, BACKUP_S3_*).")

    def add_arguments(self, parser):
        parser.add_argument("--to", metavar="DIR", help="directory to write into (default: BACKUP_DIR)")
        add_secret_arguments(parser)
        parser.add_argument("--new-key-file", metavar="FILE", help="write a new random key file for --key-file, and stop")

    def handle(self, *args, **options):
        if options["new_key_file"]:
            try:
                path = crypto.new_key_file(options["new_key_file"])
            except FileExistsError:
                raise CommandError(_("%(path)s already exists: it was not overwritten.") % {"path": options["new_key_file"]}) from None
            self.stdout.write(self.style.SUCCESS(_("Key file written: %(path)s. Keep a copy away from the backups: "
                                                   "without it they cannot be read.") % {"path": path}))
            return
        secret = secret_from(options)
        outcome = services.run_backup(to=Path(options["to"]) if options["to"] else None, secret=secret,
                                      trigger=BackupRun.Trigger.COMMAND)
        run, written = outcome.run, outcome.written
        if written is not None:
            self.stdout.write(_("Archive written: %(path)s (%(size)s, %(seconds).1f s, %(kind)s).") % {
                "path": written.path, "size": filesizeformat(written.size), "seconds": run.duration,
                "kind": _("encrypted") if run.encrypted else _("not encrypted")})
            if written.secrets_left_out:
                self.stdout.write(self.style.WARNING(_(
                    "Not encrypted, so the keys of the data directory are left out (%(names)s): keep them elsewhere, "
                    "or back up with --passphrase-file or --key-file.") % {"names": ", ".join(written.secrets_left_out)}))
            if outcome.deleted:
                self.stdout.write(ngettext("%(count)s old archive deleted (rotation).", "%(count)s old archives deleted (rotation).",
                                           len(outcome.deleted)) % {"count": len(outcome.deleted)})
            for place in run.copies:
                self.stdout.write(_("Copied to %(place)s.") % {"place": place})
        if run.result != BackupRun.Result.OK:
            raise CommandError(_("The backup failed: %(error)s") % {"error": run.error}, returncode=1)
        self.stdout.write(self.style.SUCCESS(_("Backup done.")))
