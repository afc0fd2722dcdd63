"""``maillon jobs``: the declared periodic jobs and when each last ran."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.core import periodic
from maillon.core.commands import TranslatedCommand
from maillon.core.models import PeriodicRun


class Command(TranslatedCommand):
    help_text = gettext_lazy("List the declared periodic jobs with their period, start time and last run.")

    def handle(self, *args, **options):
        jobs = sorted(periodic.JOBS.values(), key=lambda j: j.name)
        if not jobs:
            self.stdout.write(_("No periodic job is declared."))
            return
        job_label, period_label, after_label, last_label = _("Job"), _("Period"), _("After"), _("Last run")
        self.stdout.write(f"{job_label:<40} {period_label:<8} {after_label:<6} {last_label}")
        for job in jobs:
            run = PeriodicRun.objects.filter(job=job.name).order_by("-started_at").first()
            shown = f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M} ({run.period})" if run else _("never")
            at = "" if job.period == "hourly" else job.at.strftime("%H:%M")
            self.stdout.write(f"{job.name:<40} {job.period:<8} {at:<6} {shown}")
