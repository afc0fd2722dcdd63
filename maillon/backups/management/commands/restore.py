"""``maillon restore ARCHIVE``: check an archive whole (checksums, version, passphrase), then
restore its database, media and data files into an empty database and media directory.

Exit status: 0 restored, 2 damaged archive, 3 archive of a newer version, 4 wrong or missing
passphrase, 5 target not empty, 6 nothing to restore into (see the message)."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillon.backups import restore
from maillon.backups.archive import Refused
from maillon.backups.management.commands.backup import add_secret_arguments, secret_from
from maillon.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    requires_system_checks = []  # nothing may touch the database before it is restored

    help_text = gettext_lazy(
            "Restore a backup archive into an empty database and media directory, after checking every member's "
            "SHA-256, the version and the passphrase. Into the configured instance, or a new data directory (--into).")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive (maillon-….tar.gz or .tar.gz.enc)")
        add_secret_arguments(parser)
        parser.add_argument("--into", metavar="DIR", help="a new data directory: maillon.sqlite3 (SQLite archives), media/, keys")
        parser.add_argument("--database-url", metavar="URL", help="the empty database to restore into (default: DATABASE_URL)")

    def handle(self, *args, **options):
        secret = secret_from(options, default=None)
        try:
            result = restore.restore(Path(options["archive"]), secret=secret, into=Path(options["into"]) if options["into"] else None,
                                     database_url=options["database_url"])
        except Refused as refused:
            raise CommandError(refused.message, returncode=refused.code) from None
        manifest = result.manifest
        self.stdout.write(_("Archive checked: %(count)s files, every SHA-256 matches. Made on %(date)s by Maillon %(version)s (%(engine)s).") % {
            "count": len(manifest["members"]), "date": manifest.get("created_at", "?"), "version": manifest.get("maillon_version", "?"),
            "engine": manifest.get("engine")})
        self.stdout.write(_("Database restored into %(name)s.") % {"name": result.target.database.get("NAME")})
        self.stdout.write(ngettext("%(count)s media file restored into %(path)s.", "%(count)s media files restored into %(path)s.",
                                   result.media) % {"count": result.media, "path": result.target.media_root})
        for path in result.data_files:
            self.stdout.write(_("Restored %(path)s.") % {"path": path})
        for path in result.kept_aside:
            self.stdout.write(self.style.WARNING(_("The file that was there is kept as %(path)s.") % {"path": path}))
        if manifest.get("secrets_left_out"):
            self.stdout.write(self.style.WARNING(_(
                "This archive is not encrypted, so it holds no keys (%(names)s): give this instance the same SECRET_KEY and "
                "HEALTH_KEY as before, or the health records cannot be read.") % {"names": ", ".join(manifest["secrets_left_out"])}))
        if result.to_migrate:
            self.stdout.write(self.style.WARNING(ngettext(
                "This version has %(count)s migration the archive had not applied: run « maillon migrate ».",
                "This version has %(count)s migrations the archive had not applied: run « maillon migrate ».",
                len(result.to_migrate)) % {"count": len(result.to_migrate)}))
        self.stdout.write(self.style.SUCCESS(_("Restore done.")))
