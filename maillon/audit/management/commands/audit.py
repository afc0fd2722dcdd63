"""``maillon audit verify``: walk the hash chain, report the first tampered entry (exit 1)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.audit.services import verify_chain


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str, not a lazy translation
        return str(gettext_lazy("Audit log tools. « verify »: check the hash chain and report the first tampered entry."))

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="verify")
        sub.add_parser("verify", help="check every entry's hash and link; exit code 1 if tampered")

    def handle(self, *args, **options):
        if options["subcommand"] != "verify":  # pragma: no cover - argparse refuses others
            raise CommandError(_("Unknown subcommand."))
        result = verify_chain()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(
                _("%(count)s entries checked: the audit log is intact.") % {"count": result.checked}
            ))
            return
        self.stdout.write(_("%(count)s entries checked before the first problem.") % {"count": result.checked})
        self.stdout.write(self.style.ERROR(
            _("First tampered entry: #%(id)s: %(reason)s") % {"id": result.first_bad_id, "reason": result.reason}
        ))
        raise CommandError(_("The audit log has been tampered with."), returncode=1)
