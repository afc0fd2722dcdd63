"""Hold the days of the leave requests already sent and not yet decided when this version is
installed (from then on the procedures app holds them when a request is sent)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import migrations

HALVES = {"morning": "am", "afternoon": "pm"}
WITH_PROCEDURES = "maillon.procedures" in settings.INSTALLED_APPS


def hold_pending(apps, schema_editor):
    if not WITH_PROCEDURES:
        return
    from maillon.leave import counting

    Submission = apps.get_model("procedures", "Submission")
    Membership = apps.get_model("accounts", "Membership")
    LeaveType = apps.get_model("leave", "LeaveType")
    LeaveSettings = apps.get_model("leave", "LeaveSettings")
    WorkCycle = apps.get_model("leave", "WorkCycle")
    PendingRequest = apps.get_model("leave", "PendingRequest")
    for submission in Submission.objects.filter(status="pending", version__effect="leave").iterator():
        data = submission.data or {}
        period, wanted = data.get("period"), str(data.get("leave_type") or "").strip().lower()
        if not isinstance(period, dict) or not wanted:
            continue
        types = LeaveType.objects.filter(organisation_id=submission.organisation_id, is_active=True, counts_against_balance=True)
        leave_type = next((t for t in types if wanted in (t.name.lower(), t.code.lower())), None)
        membership = Membership.objects.filter(organisation_id=submission.organisation_id, user_id=submission.applicant_id).first()
        if leave_type is None or membership is None:
            continue
        try:
            start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
        except (KeyError, TypeError, ValueError):
            continue
        start_half, end_half = HALVES.get(period.get("start_half"), "am"), HALVES.get(period.get("end_half"), "pm")
        conf = LeaveSettings.objects.filter(organisation_id=submission.organisation_id).first()
        cycle = WorkCycle.objects.filter(membership=membership).values_list("half_days", flat=True).first()
        days = counting.count_days(
            start, start_half, end, end_half, mode=conf.counting_mode if conf else counting.BUSINESS_DAYS,
            cycle=counting.FULL_TIME if cycle is None else cycle,
            holidays=counting.holidays_between(start - timedelta(days=7), end + timedelta(days=7), bool(conf and conf.alsace_moselle)),
        )
        PendingRequest.objects.get_or_create(
            organisation_id=submission.organisation_id, reference=f"procedures.submission:{submission.pk}",
            defaults={"membership": membership, "leave_type": leave_type, "days": days, "start_date": start, "start_half": start_half,
                      "end_date": end, "end_half": end_half},
        )


class Migration(migrations.Migration):
    dependencies = [("leave", "0003_negative_balance_and_pending")] + ([("procedures", "0003_booking_link")] if WITH_PROCEDURES else [])

    operations = [migrations.RunPython(hold_pending, migrations.RunPython.noop)]
