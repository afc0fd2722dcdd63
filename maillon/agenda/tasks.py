"""Background jobs of the agenda."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.notifications.services import notify

from .models import Event, Occurrence
from .recurrence import PARIS

DEFAULT_REMINDER_DAYS = (30, 7)


def funding_reminders(today: date | None = None) -> int:
    """Remind the director (and the deadline's author) 30 and 7 days (or the deadline's own
    ``reminder_days``) before each funding deadline. Run once a day: the periodic runner
    guarantees one run per day, so each reminder goes out once. Returns the count sent."""
    today = today or timezone.localdate()
    horizon = max(DEFAULT_REMINDER_DAYS) + 366
    lo = datetime.combine(today, time(0), tzinfo=PARIS)
    occurrences = (Occurrence.objects.filter(event__kind=Event.Kind.FUNDING, cancelled=False, start__gte=lo,
                                             start__lt=lo + timedelta(days=horizon))
                   .select_related("event__organisation", "event__created_by"))
    directors: dict[int, list] = {}
    sent = 0
    for occ in occurrences:
        event = occ.event
        days_left = (timezone.localtime(occ.start).date() - today).days
        if days_left not in (event.reminder_days or DEFAULT_REMINDER_DAYS):
            continue
        org = event.organisation
        if org.pk not in directors:
            directors[org.pk] = [m.user for m in Membership.objects.for_organisation(org).active()
                                 .filter(role_assignments__role=Role.DIRECTOR).select_related("user").distinct()]
        recipients = {u.pk: u for u in directors[org.pk]}
        if event.created_by and event.created_by.is_active:
            recipients[event.created_by.pk] = event.created_by
        title = _("Funding deadline in %(n)s days: %(title)s") % {"n": days_left, "title": event.title}
        body = _("Deadline: %(day)s.") % {"day": date_format(timezone.localtime(occ.start), "l j F Y")}
        for user in recipients.values():
            notify(user, title, body=body, url=f"/{org.slug}/agenda/evenements/{event.pk}/", organisation=org, kind="agenda.funding")
            sent += 1
    return sent


@task()
def send_funding_reminders() -> int:
    return funding_reminders()
