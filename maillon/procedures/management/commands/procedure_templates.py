"""``maillon procedure_templates <org-slug> [--all | KEY …] [--list]``: enable the ready-made procedures."""

from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError

from maillon.organisations.models import Organisation
from maillon.procedures import services
from maillon.procedures.catalog import TEMPLATES


class Command(BaseCommand):
    help = "Enable (create and publish) the ready-made procedures of seed 001 for an organisation."

    def add_arguments(self, parser):
        parser.add_argument("organisation", nargs="?", help="the organisation's slug")
        parser.add_argument("keys", nargs="*", help="template keys (see --list)")
        parser.add_argument("--all", action="store_true", help="enable all of them (the 17 of seed 001 and the order of mission)")
        parser.add_argument("--list", action="store_true", help="list the templates and exit")

    def handle(self, *args, organisation=None, keys=(), **options):
        if options["list"] or not organisation:
            for key, template in TEMPLATES.items():
                self.stdout.write(f"{key:24} {template['title']}")
            return
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation « {organisation} ».")
        chosen = list(TEMPLATES) if options["all"] else list(keys)
        unknown = [k for k in chosen if k not in TEMPLATES]
        if unknown or not chosen:
            raise CommandError(f"Unknown or missing template keys: {', '.join(unknown) or '(none)'}; see --list.")
        request = SimpleNamespace(user=None, organisation=org, META={})
        for key in chosen:
            procedure = services.enable_template(request, key)
            self.stdout.write(f"{procedure.slug}: {procedure.get_status_display()}")
