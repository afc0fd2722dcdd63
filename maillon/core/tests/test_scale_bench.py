"""bench/scale.py's growth of a centre works on a tiny factor (12 people, 40 days of history) and
the main pages of bench/pages.py still answer for its people (issue 14)."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import pages  # noqa: E402
import scale  # noqa: E402

from maillon.accounts.roles import Role  # noqa: E402
from maillon.organisations.services import create_organisation  # noqa: E402


@pytest.mark.django_db(transaction=False)
def test_a_tiny_centre_grows_and_its_pages_answer(client):
    from maillon.leave.models import LedgerEntry
    from maillon.meetings.models import Meeting
    from maillon.notifications.models import Notification
    from maillon.procedures.models import Submission

    org = create_organisation(name="Centre social Petit Format", slug="petit-format")
    today = timezone.localdate()
    centre = scale.Centre(org, 7, scale.random.Random(14), today, today - timedelta(days=40))
    scale.grow_people(centre, 12, "!")
    scale.setup_centre(centre)
    centre.reload()
    assert len(centre.members) == 12 and centre.with_role(Role.DIRECTOR) and centre.with_role(Role.COORDINATOR)
    assert scale.grow_leave_and_procedures(centre) > 0
    scale.grow_agenda(centre)
    assert scale.grow_meetings(centre) > 0
    scale.grow_news(centre)
    assert scale.grow_notifications(centre) > 0
    assert Submission.objects.filter(organisation=org, status=Submission.Status.APPROVED).exists()
    assert LedgerEntry.objects.filter(organisation=org, kind=LedgerEntry.Kind.DEBIT, reference__startswith="procedures.submission:").exists()
    assert Meeting.objects.filter(organisation=org).exists() and Notification.objects.filter(organisation=org).exists()
    # the history carries its own dates, not the build's
    assert Notification.objects.filter(organisation=org, created_at__lt=timezone.now() - timedelta(days=14)).exists()

    staff = next(m for m in reversed(centre.members) if not {a.role for a in m.role_assignments.all()} & {Role.HR, Role.DIRECTOR, Role.ADMIN})
    client.force_login(staff.user)
    for name, path, _user in pages.PAGES:
        if name in ("team_leave", "approvals", "movements"):
            continue  # HR's and approvers' pages (movements: HR's leave movements)
        response = client.get(pages.fill(path, org))
        assert response.status_code == 200, (name, response.status_code)
