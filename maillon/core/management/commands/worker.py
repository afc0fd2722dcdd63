from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from maillon.core.worker import start_scheduler


class Command(BaseCommand):
    help = _("Exécute les tâches de fond et lance les tâches périodiques (une fois par période).")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between queue polls")
        parser.add_argument("--batch", action="store_true", help="run the queue until empty, then exit")

    def handle(self, *args, **options):
        stop = start_scheduler()
        try:
            args = ["--interval", str(options["interval"]), "--no-reload", "--no-startup-delay"]
            if options["batch"]:
                args.append("--batch")
            call_command("db_worker", *args)
        finally:
            stop.set()
