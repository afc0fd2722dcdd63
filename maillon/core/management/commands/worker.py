import logging
import time

from django.core.management import call_command
from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

from maillon.core import periodic, worker
from maillon.core.busy import database_busy
from maillon.core.commands import TranslatedCommand

logger = logging.getLogger(__name__)


def drain(args, verbosity) -> None:
    """django-tasks' worker, started again when claiming a task met a busy database: its claim
    (``BEGIN EXCLUSIVE``) is outside its own « locked » handling, and the worker used to die there
    under load (bench/writes.py), leaving the e-mails in the queue."""
    while True:
        try:
            call_command("db_worker", *args, verbosity=verbosity)
            return
        except OperationalError as exc:
            if not database_busy(exc):
                raise
            logger.warning("Worker: the database is busy (%s), trying again in a second", exc)
            time.sleep(1)


class Command(TranslatedCommand):
    help_text = _("Run background tasks and start the periodic jobs (once per period).")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between queue polls")
        parser.add_argument(
            "--batch", action="store_true",
            help="start the periodic jobs that are due, run the queue until empty, then exit",
        )

    def handle(self, *args, **options):
        worker_id = worker.new_worker_id()
        args = ["--interval", str(options["interval"]), "--no-reload", "--no-startup-delay", "--worker-id", worker_id]
        # The heartbeat is on before the first task is claimed; tasks of dead workers go back
        # to the queue before this one starts draining it.
        worker.beat(worker_id)
        worker.requeue_abandoned()
        scheduler = worker.start_scheduler(worker_id, jobs=not options["batch"])
        try:
            if options["batch"]:
                # One pass: due periodic jobs are enqueued, then the queue drains.
                periodic.run_due_jobs()
                drain([*args, "--batch"], options["verbosity"])
            else:
                drain(args, options["verbosity"])
        finally:
            scheduler.stop()  # no heartbeat after the row is gone
            worker.forget(worker_id)
