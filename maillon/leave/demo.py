"""Demo leave data (fictional): types, settings, balances, accruals, approved leave, part time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from maillon.accounts.models import Membership

from . import counting, services
from .models import LeaveType, LedgerEntry

# Part-time staff: Wednesday off (4/5) and mornings only.
WEDNESDAY_OFF = 0b1111001111
MORNINGS = sum(1 << (2 * weekday) for weekday in range(5))


def seed_leave(context) -> None:
    today = timezone.localdate()
    hr = context.people.get("rh")
    for organisation in (context.main, context.second):
        services.ensure_default_types(organisation)
        if LedgerEntry.objects.for_organisation(organisation).exists():
            continue
        types = {t.code: t for t in LeaveType.objects.for_organisation(organisation)}
        members = list(Membership.objects.for_organisation(organisation).active().select_related("user").order_by("pk"))
        # Opening balances carried over from the previous tool, as HR would import them.
        lines = [f"{m.user.username};cp;{8 + (i * 7) % 15},5;Reprise au 1er juin" for i, m in enumerate(members)]
        lines += [f"{m.user.username};rtt;{2 + (i * 3) % 6}" for i, m in enumerate(members)]
        lines += [f"{m.user.username};recup;{(i % 4) * Decimal('0.5')}" for i, m in enumerate(members) if i % 3 == 0]
        services.import_opening_balances(organisation, "\n".join(lines), actor=hr)
        # The paid leave brought over on 1 June is the leftover of the period that ended: a reliquat
        # to take by the end of this period (what the period-change job records from now on).
        start, end = counting.reference_period(today)
        previous_start, previous_end = counting.reference_period(start - timedelta(days=1))
        expires_on = services._add_months(previous_end, services.settings_for(organisation).carryover_months)
        LedgerEntry.objects.bulk_create([
            services.carryover_entry(organisation, entry.membership_id, entry.leave_type, entry.amount, previous_start, previous_end, expires_on)
            for entry in LedgerEntry.objects.for_organisation(organisation).filter(kind=LedgerEntry.Kind.OPENING, leave_type=types["cp"], amount__gt=0)
        ])
        # Accruals since the start of the reference period.
        start, _end = counting.reference_period(today)
        month = start
        while month <= today:
            services.accrue_month(organisation, month, actor=None)
            month = (month + timedelta(days=32)).replace(day=1)
        for index, m in enumerate(members[10:14]):
            services.set_cycle(m, WEDNESDAY_OFF if index % 2 == 0 else MORNINGS, actor=hr)
        # Approved leave: past, coming, one cancelled, one family event.
        for index, m in enumerate(members):
            if index % 4:
                continue
            first = _next_monday(start + timedelta(days=40 + (index * 5) % 60))
            services.record_approved_request(membership=m, leave_type=types["cp"], start_date=first, start_half="am",
                                             end_date=first + timedelta(days=4), end_half="pm", reference=f"demo:{organisation.slug}:{m.pk}:1", actor=hr)
            coming = _next_monday(today + timedelta(days=10 + index % 21))
            services.record_approved_request(membership=m, leave_type=types["rtt" if index % 8 else "cp"], start_date=coming, start_half="pm",
                                             end_date=coming + timedelta(days=1), end_half="pm", reference=f"demo:{organisation.slug}:{m.pk}:2", actor=hr)
        if len(members) >= 4:
            someone = members[1]
            day = _next_monday(today + timedelta(days=20)) + timedelta(days=3)
            services.record_approved_request(membership=someone, leave_type=types["cp"], start_date=day, start_half="am", end_date=day,
                                             end_half="pm", reference=f"demo:{organisation.slug}:cancelled", actor=hr)
            services.cancel_request(f"demo:{organisation.slug}:cancelled", hr, organisation=organisation)
            services.record_approved_request(membership=members[2], leave_type=types["familial"], start_date=day, start_half="am",
                                             end_date=day + timedelta(days=1), end_half="pm", reference=f"demo:{organisation.slug}:family", actor=hr)
            services.add_correction(membership=members[3], leave_type=types["recup"], amount=Decimal("1.5"),
                                    reason="Heures supplémentaires du séjour d'été récupérées", actor=hr)
    # The demo staff member « animateur » always has something to show.
    animateur = context.people.get("animateur")
    if animateur is not None:
        m = Membership.objects.get(user=animateur, organisation=context.main)
        cp = LeaveType.objects.get(organisation=context.main, code="cp")
        first = _next_monday(today - timedelta(days=70))
        services.record_approved_request(membership=m, leave_type=cp, start_date=first, start_half="am", end_date=first + timedelta(days=4),
                                         end_half="pm", reference="demo:animateur:1", actor=hr)


def _next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)
