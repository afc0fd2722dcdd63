"""A leave request's recap states the days it costs the applicant (« Jours décomptés : 3 jours
ouvrables »), counted by the leave app; a request of a type the leave app does not count says
nothing about days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillon.leave import services as leave
from maillon.testing import pdf_text

pytestmark = pytest.mark.django_db


def recap(login, person, submission):
    return pdf_text(login(person).get(f"/essais/demarches/dossiers/{submission.pk}/recapitulatif.pdf").content)


def test_the_recap_of_a_leave_states_the_days_counted(people, chain, login, enable, flow, make_request):
    procedure = enable("absence-conge")
    leave.ensure_default_types(people.org)
    paid = leave.leave_types(people.org).get(code="cp")
    membership = make_request(people.owner).membership
    leave.add_correction(membership=membership, leave_type=paid, amount=10, reason="Solde d'ouverture", actor=chain.hr)
    start = timezone.localdate() + timedelta(days=60)
    start += timedelta(days=-start.weekday() % 7)  # a Monday
    end = start + timedelta(days=2)
    sub = flow.submit(people.owner, procedure, {"leave_type": "Congés payés", "period": {
        "start": start.isoformat(), "start_half": "morning", "end": end.isoformat(), "end_half": "afternoon"}})
    days = leave.count_request(membership, paid, start, "am", end, "pm")
    assert days > 0
    expected = f"{leave.format_days(days)} jour{'s' if days >= 2 else ''} ouvrable{'s' if days >= 2 else ''}"
    assert "Jours décomptés" in recap(login, people.owner, sub) and expected in recap(login, people.owner, sub)


def test_an_absence_the_leave_app_does_not_count_states_no_days(people, chain, login, enable, flow):
    procedure = enable("absence-conge")
    sub = flow.submit(people.owner, procedure, {"leave_type": "Autorisation d'absence", "period": {
        "start": "2026-12-01", "start_half": "morning", "end": "2026-12-01", "end_half": "afternoon"}})
    assert "Jours décomptés" not in recap(login, people.owner, sub)
