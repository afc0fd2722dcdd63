from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from maillon.core import periodic
from maillon.core.worker import start_scheduler


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str, not a lazy translation
        return str(_("Run background tasks and start the periodic jobs (once per period)."))

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between queue polls")
        parser.add_argument(
            "--batch", action="store_true",
            help="start the periodic jobs that are due, run the queue until empty, then exit",
        )

    def handle(self, *args, **options):
        args = ["--interval", str(options["interval"]), "--no-reload", "--no-startup-delay"]
        if options["batch"]:
            # One pass, in this thread: due periodic jobs are enqueued, then the queue drains.
            periodic.run_due_jobs()
            call_command("db_worker", *args, "--batch", verbosity=options["verbosity"])
            return
        stop = start_scheduler()
        try:
            call_command("db_worker", *args, verbosity=options["verbosity"])
        finally:
            stop.set()
