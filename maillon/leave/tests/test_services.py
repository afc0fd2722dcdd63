"""The leave services: the ledger, the procedures interface, accruals, imports, absences."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.audit.models import AuditEntry
from maillon.leave import services
from maillon.leave.models import AppendOnlyError, CountingMode, LeaveType, LedgerEntry


def membership(user, org):
    return Membership.objects.get(user=user, organisation=org)


@pytest.fixture
def cp(org):
    services.ensure_default_types(org)
    return LeaveType.objects.get(organisation=org, code="cp")


def credit(m, leave_type, amount):
    return services.add_correction(membership=m, leave_type=leave_type, amount=Decimal(amount), reason="Solde initial", actor=None)


def test_it_creates_the_five_default_types_once(org):
    services.ensure_default_types(org)
    services.ensure_default_types(org)
    assert sorted(LeaveType.objects.for_organisation(org).values_list("code", flat=True)) == ["cp", "familial", "recup", "rtt", "sans-solde"]


def test_it_debits_an_approved_request_once_and_credits_it_back(people, cp):
    m = membership(people.owner, people.org)
    credit(m, cp, 20)
    entry = services.record_approved_request(membership=m, leave_type=cp, start_date=date(2026, 7, 6), start_half="am",
                                             end_date=date(2026, 7, 10), end_half="pm", reference="procedures.submission:1", actor=people.owner)
    assert entry.amount == Decimal("-6")  # Monday to Friday, back on Monday: in jours ouvrables the Saturday counts
    again = services.record_approved_request(membership=m, leave_type=cp, start_date=date(2026, 7, 6), start_half="am",
                                             end_date=date(2026, 7, 10), end_half="pm", reference="procedures.submission:1", actor=people.owner)
    assert again.pk == entry.pk
    assert services.balance(m, cp) == Decimal("14")
    services.cancel_request("procedures.submission:1", people.owner)
    services.cancel_request("procedures.submission:1", people.owner)
    assert services.balance(m, cp) == Decimal("20")
    assert list(AuditEntry.objects.filter(action__startswith="leave.").values_list("action", flat=True).order_by("id")) == [
        "leave.correction", "leave.debit", "leave.cancel"]
    assert services.cancel_request("nothing:1", people.owner) is None


def test_it_never_updates_or_deletes_the_ledger(people, cp):
    entry = credit(membership(people.owner, people.org), cp, 3)
    entry.amount = 30
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=30)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()


def test_it_records_a_zero_debit_for_a_type_not_counted(people, org):
    services.ensure_default_types(org)
    family = LeaveType.objects.get(organisation=org, code="familial")
    m = membership(people.owner, org)
    entry = services.record_approved_request(membership=m, leave_type=family, start_date=date(2026, 7, 6), start_half="am",
                                             end_date=date(2026, 7, 7), end_half="pm", reference="x:1", actor=None)
    assert entry.amount == 0 and services.balance(m, family) == 0
    assert services.absences_between(org, date(2026, 7, 1), date(2026, 7, 31))[0][0] == people.owner.pk


def test_it_refuses_a_type_of_another_organisation(people, cp):
    services.ensure_default_types(people.other_org)
    foreign = LeaveType.objects.get(organisation=people.other_org, code="cp")
    with pytest.raises(ValidationError):
        services.record_approved_request(membership=membership(people.owner, people.org), leave_type=foreign, start_date=date(2026, 7, 6),
                                         start_half="am", end_date=date(2026, 7, 7), end_half="pm", reference="x:2", actor=None)


def test_it_validates_a_request_with_french_messages_on_the_field(people, cp):
    m = membership(people.owner, people.org)
    today = date(2026, 3, 2)
    with pytest.raises(ValidationError) as error:
        services.validate_request(m, cp, date(2026, 7, 10), "am", date(2026, 7, 6), "pm", today=today)
    assert error.value.message_dict["end_date"] == ["La fin du congé est avant son début."]
    with pytest.raises(ValidationError) as error:
        services.validate_request(m, cp, date(2026, 3, 9), "am", date(2026, 3, 10), "pm", today=today)
    assert "au moins 30 jours à l'avance" in error.value.message_dict["start_date"][0]
    with pytest.raises(ValidationError) as error:
        services.validate_request(m, cp, date(2026, 7, 6), "am", date(2026, 7, 10), "pm", today=today)
    assert error.value.message_dict["end_date"] == ["Cette demande nécessite 6 jours mais votre solde est de 0 jours."]
    credit(m, cp, "7.5")
    assert services.validate_request(m, cp, date(2026, 7, 6), "am", date(2026, 7, 10), "pm", today=today) == 6
    with pytest.raises(ValidationError) as error:
        services.validate_request(m, cp, date(2026, 7, 11), "pm", date(2026, 7, 12), "pm", today=today)
    assert "aucun jour" in error.value.message_dict["end_date"][0]


def test_it_counts_with_the_organisation_mode_and_the_person_cycle(people, cp):
    m = membership(people.owner, people.org)
    assert services.count_request(m, cp, date(2026, 7, 6), "am", date(2026, 7, 11), "pm") == 6
    conf = services.settings_for(people.org)
    conf.counting_mode = CountingMode.WORKING_DAYS
    conf.save()
    m = membership(people.owner, people.org)
    assert services.count_request(m, cp, date(2026, 7, 6), "am", date(2026, 7, 11), "pm") == 5
    services.set_cycle(m, 0b1111, actor=None)  # Monday and Tuesday only
    m = membership(people.owner, people.org)
    assert services.count_request(m, cp, date(2026, 7, 6), "am", date(2026, 7, 11), "pm") == 2


def test_it_grants_fractionnement_days_and_takes_them_back_on_cancel(people, cp):
    m = membership(people.owner, people.org)
    credit(m, cp, 30)
    # Monday 2 – Wednesday 4 November 2026, back on Thursday: 3 business days outside the main period.
    services.record_approved_request(membership=m, leave_type=cp, start_date=date(2026, 11, 2), start_half="am",
                                     end_date=date(2026, 11, 4), end_half="pm", reference="f:1", actor=None)
    assert services.balance(m, cp) == Decimal("28")  # 30 - 3 + 1
    services.record_approved_request(membership=m, leave_type=cp, start_date=date(2027, 2, 1), start_half="am",
                                     end_date=date(2027, 2, 3), end_half="pm", reference="f:2", actor=None)
    assert services.balance(m, cp) == Decimal("26")  # 6 days outside: 2 in all, one more
    services.cancel_request("f:1", None)
    assert services.balance(m, cp) == Decimal("28")  # 3 days outside left: one of the two days is taken back
    assert LedgerEntry.objects.filter(kind="fractionnement").count() == 3


def test_it_accrues_once_a_month_for_every_active_member(people, cp):
    n = services.accrue_month(people.org, date(2026, 7, 1))
    assert n == 3  # owner, colleague, other_sector
    assert services.accrue_month(people.org, date(2026, 7, 15)) == 0
    m = membership(people.owner, people.org)
    assert services.balance(m, cp) == Decimal("2.5")
    assert services.balance(membership(people.outsider, people.other_org), cp) == 0


def test_the_periodic_job_runs_the_accrual_once_per_month(people, cp, monkeypatch):
    from django.utils import timezone

    from maillon.core import periodic
    from maillon.testing import only_jobs

    only_jobs(monkeypatch, "leave.monthly_accrual")

    now = timezone.make_aware(datetime(2026, 7, 1, 3, 0))
    assert "leave.monthly_accrual" in periodic.run_due_jobs(now)
    assert "leave.monthly_accrual" not in periodic.run_due_jobs(now)
    assert LedgerEntry.objects.filter(kind="accrual", organisation=people.org).count() == 3


def test_it_imports_opening_balances_with_a_report_per_line(people, cp):
    people.owner.email = "proprietaire@exemple.test"
    people.owner.save()
    csv_text = (
        "identifiant;type;jours;commentaire\n"
        "proprietaire;cp;12,5;Reprise de l'ancien logiciel\n"
        "collegue@exemple.test;rtt;3\n"
        "exterieur;cp;4\n"
        "collegue;vacances;4\n"
        "collegue;cp;douze\n"
        "proprietaire;cp;1\n"
        "seul\n"
    )
    report = services.import_opening_balances(people.org, csv_text.encode(), actor=people.owner)
    assert [line.ok for line in report] == [True, True, False, False, False, False, False]
    assert "Personne" in report[2].message and "exterieur" in report[2].message
    assert "vacances" in report[3].message
    assert "douze" in report[4].message
    assert "déjà un solde d'ouverture" in report[5].message
    assert services.balance(membership(people.owner, people.org), cp) == Decimal("12.5")


def test_it_lists_absences_of_approved_not_cancelled_leave(people, cp):
    m = membership(people.owner, people.org)
    other = membership(people.colleague, people.org)
    credit(m, cp, 10)
    credit(other, cp, 10)
    services.record_approved_request(membership=m, leave_type=cp, start_date=date(2026, 7, 6), start_half="pm",
                                     end_date=date(2026, 7, 7), end_half="am", reference="a:1", actor=None)
    services.record_approved_request(membership=other, leave_type=cp, start_date=date(2026, 7, 6), start_half="am",
                                     end_date=date(2026, 7, 6), end_half="pm", reference="a:2", actor=None)
    services.cancel_request("a:2", None)
    absences = services.absences_between(people.org, date(2026, 7, 7), date(2026, 7, 20))
    assert len(absences) == 1
    user_id, start, end = absences[0]
    assert user_id == people.owner.pk
    assert (start.isoformat(), end.isoformat()) == ("2026-07-06T12:00:00+02:00", "2026-07-07T12:00:00+02:00")
    assert services.absences_between(people.other_org, date(2026, 7, 1), date(2026, 7, 31)) == []
    # The agenda passes aware datetimes: their local dates are used.
    evening = timezone.make_aware(datetime(2026, 7, 5, 23, 30))
    assert [a[0] for a in services.absences_between(people.org, evening, evening + timedelta(hours=1))] == [people.owner.pk]
    assert services.absences_between(people.org, evening - timedelta(days=2), evening - timedelta(hours=1)) == []
