"""``maillon audit verify``: walk the hash chain, compare it with the chain head and the signed
checkpoints, report what does not match (exit 1). ``maillon audit checkpoint``: write a signed
checkpoint of the head now (the periodic job does it daily)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillon.audit.checkpoints import read_checkpoints, write_checkpoint
from maillon.audit.services import verify_chain
from maillon.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help_text = gettext_lazy(
            "Audit log tools. « verify »: check the hash chain, the chain head and the signed checkpoints, "
            "and report what was tampered with. « checkpoint »: write a signed checkpoint of the chain head."
        )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="verify|checkpoint")
        sub.add_parser("verify", help="check every entry, the head and the checkpoints; exit code 1 if tampered")
        sub.add_parser("checkpoint", help="append a signed checkpoint of the chain head to the checkpoint file")

    def handle(self, *args, **options):
        if options["subcommand"] == "checkpoint":
            return self.checkpoint()
        if options["subcommand"] != "verify":  # pragma: no cover - argparse refuses others
            raise CommandError(_("Unknown subcommand."))
        return self.verify()

    def checkpoint(self):
        from maillon.audit.checkpoints import checkpoint_path

        checkpoint = write_checkpoint()
        self.stdout.write(self.style.SUCCESS(
            _("Checkpoint written to %(path)s: %(count)s entries, last hash %(hash)s…") % {
                "path": checkpoint_path(), "count": checkpoint["count"], "hash": checkpoint["last_hash"][:12]}
        ))

    def verify(self):
        checkpoints = read_checkpoints()
        result = verify_chain(checkpoints=checkpoints)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(
                _("%(count)s entries checked: the audit log is intact.") % {"count": result.checked}
            ))
            if checkpoints.exists:
                self.stdout.write(ngettext(
                    "%(count)s signed checkpoint matches (%(path)s).", "%(count)s signed checkpoints match (%(path)s).",
                    result.checkpoints_checked,
                ) % {"count": result.checkpoints_checked, "path": checkpoints.path})
            else:
                self.stdout.write(self.style.WARNING(
                    _("No checkpoint file (%(path)s): only the chain head was checked.") % {"path": checkpoints.path}
                ))
            return
        if result.first_bad_id is not None:
            self.stdout.write(_("%(count)s entries checked before the first problem.") % {"count": result.checked})
            self.stdout.write(self.style.ERROR(
                _("First tampered entry: #%(id)s: %(reason)s") % {"id": result.first_bad_id, "reason": result.reason}
            ))
        else:
            self.stdout.write(_("%(count)s entries checked.") % {"count": result.checked})
        for problem in result.problems + result.untrusted:
            self.stdout.write(self.style.ERROR(_("Problem: %(problem)s") % {"problem": problem}))
        if result.first_bad_id is None and not result.problems:
            raise CommandError(_("A checkpoint cannot be trusted: see above."), returncode=1)
        raise CommandError(_("The audit log has been tampered with."), returncode=1)
