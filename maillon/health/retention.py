"""How long records live: validity per school year, the June reminder, the retention purge and
deletion by hand (GDPR).

- A record is valid until the end of its school year (31 August by default,
  ``HealthSettings.valid_until``); expired records stay readable and are marked as such.
- Two months before that day (June by default), each sector's coordinator is told how many
  of the sector's records will expire (``send_expiry_reminders``, a monthly job that acts
  once a year per organisation).
- A record is kept ``retention_months`` (12 by default) after the child's last enrolment, that
  is after the later of the last enrolment date and the end of the record's validity (a child
  enrolled for a school year is enrolled until it ends); then the daily job deletes it with its
  contacts and documents (``purge_due``).
- Someone who may write a record, and the director, may delete it by hand after a confirmation.
Each deletion leaves a purge record in the audit log: which record (its id, school year and
dates), when, by whom or by the job, why; never a name or a medical field.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.accounts.models import RoleAssignment
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.audit.services import record as audit
from maillon.organisations.models import Organisation

from . import policies
from .models import HealthRecord, HealthSettings

REMINDER_KIND = "health.expiry"
MONTHS_BEFORE = 2  # the reminder's month: two months before the records' last month (June for August)


def _organisations_with_records():
    """(organisation, its health settings or the defaults) for each organisation holding records."""
    found = {s.organisation_id: s for s in HealthSettings.objects.all()}
    org_ids = HealthRecord.objects.order_by().values_list("organisation_id", flat=True).distinct()
    for organisation in Organisation.objects.filter(pk__in=list(org_ids)):
        yield organisation, found.get(organisation.pk) or HealthSettings(organisation=organisation)


def next_expiry(health_settings: HealthSettings, today: datetime.date) -> datetime.date:
    """The next day records expire on, today included (31 August of the current school year)."""
    year = today.year if today.month >= 9 else today.year - 1
    end = health_settings.valid_until(year)
    return end if end >= today else health_settings.valid_until(year + 1)


def reminder_month(health_settings: HealthSettings) -> int:
    return (health_settings.validity_end_month - MONTHS_BEFORE - 1) % 12 + 1


def send_expiry_reminders(today: datetime.date | None = None) -> int:
    """In the reminder month, tells each coordinator how many records of their sector expire on
    the next expiry day (no names: the notification may go by e-mail). Once a year per
    organisation, however often it runs. Returns the number of notifications."""
    from maillon.notifications.services import notify

    today = today or timezone.localdate()
    sent = 0
    for organisation, health_settings in _organisations_with_records():
        if today.month != reminder_month(health_settings):
            continue
        expiry = next_expiry(health_settings, today)
        if AuditEntry.objects.filter(action="health.expiry_reminder", organisation=organisation,
                                     data__expires_on=expiry.isoformat()).exists():
            continue  # already told about this expiry day: once a year
        counts: dict[int, int] = {}
        for sector_id in (HealthRecord.sectors.through.objects
                          .filter(healthrecord__organisation=organisation, healthrecord__valid_until__gte=today,
                                  healthrecord__valid_until__lte=expiry).values_list("sector_id", flat=True)):
            counts[sector_id] = counts.get(sector_id, 0) + 1
        coordinators = (RoleAssignment.objects.filter(role=Role.COORDINATOR, sector_id__in=list(counts),
                                                      membership__organisation=organisation)
                        .select_related("membership__user", "sector"))
        with transaction.atomic():
            for assignment in coordinators:
                user, count = assignment.membership.user, counts[assignment.sector_id]
                url = reverse("health:index", kwargs={"org": organisation.slug}) + f"?secteur={assignment.sector_id}&etat=valides"
                title = ngettext("%(count)s health record of %(sector)s expires on %(date)s",
                                 "%(count)s health records of %(sector)s expire on %(date)s", count) % {
                    "count": count, "sector": assignment.sector.name, "date": formats.date_format(expiry, "j F Y")}
                body = _("Ask the families for the new school year's forms before then.")
                notify(user, title, body=body, url=url, organisation=organisation, kind=REMINDER_KIND)
                sent += 1
            audit("health.expiry_reminder", organisation=organisation,
                  data={"expires_on": expiry.isoformat(), "sectors": {str(k): v for k, v in counts.items()}, "notified": sent})
    return sent


def _purge_line(record: HealthRecord) -> dict:
    """What a purge record keeps of a record: nothing that names the child or tells their health."""
    return {"id": record.pk, "school_year": record.school_year, "valid_until": record.valid_until.isoformat(),
            "last_enrolled_on": record.last_enrolled_on.isoformat() if record.last_enrolled_on else None}


def retention_cutoff(health_settings: HealthSettings, today: datetime.date) -> datetime.date:
    return today - relativedelta(months=health_settings.retention_months)


def due_for_purge(organisation, health_settings: HealthSettings, today: datetime.date):
    cutoff = retention_cutoff(health_settings, today)
    return (HealthRecord.objects.for_organisation(organisation).filter(valid_until__lt=cutoff)
            .filter(Q(last_enrolled_on__isnull=True) | Q(last_enrolled_on__lt=cutoff)))


def purge_due(today: datetime.date | None = None) -> int:
    """Deletes, in each organisation, the records past their retention (their contacts and
    documents go with them), with one purge record per organisation. Returns how many."""
    today = today or timezone.localdate()
    deleted = 0
    for organisation, health_settings in _organisations_with_records():
        with transaction.atomic():
            records = list(due_for_purge(organisation, health_settings, today)
                           .only("pk", "school_year", "valid_until", "last_enrolled_on").select_for_update())
            if not records:
                continue
            HealthRecord.objects.filter(pk__in=[r.pk for r in records]).delete()
            audit("health.purge", organisation=organisation, data={
                "reason": "retention", "count": len(records), "retention_months": health_settings.retention_months,
                "cutoff": retention_cutoff(health_settings, today).isoformat(), "records": [_purge_line(r) for r in records]})
        deleted += len(records)
    return deleted


@transaction.atomic
def delete_by_hand(membership, record: HealthRecord, *, request=None) -> None:
    """The record, its contacts and documents deleted at once; a purge record kept."""
    from .services import settings_for

    if not policies.can_delete(membership, record, settings_for(membership.organisation)):
        raise PermissionDenied
    line = _purge_line(record)
    record.delete()
    audit("health.purge", actor=membership.user, organisation=membership.organisation, request=request,
          data={"reason": "by_hand", "count": 1, "records": [line]})
