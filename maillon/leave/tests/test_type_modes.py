"""Jours ouvrables are the unit of paid leave (Code du travail L3141-3), not of RTT or of a
récupération: those count the days the person works. A single Friday costs 2 days of paid leave
(Friday and the Saturday before the Monday return) but 1 day of RTT."""

from datetime import date

import pytest

from maillon.accounts.models import Membership
from maillon.leave import insight, services

pytestmark = pytest.mark.django_db


def test_only_paid_leave_counts_the_saturday_after_a_friday(people):
    services.ensure_default_types(people.org)
    m = Membership.objects.select_related("organisation").get(user=people.owner, organisation=people.org)
    cp, rtt, recup = (services.leave_types(people.org).get(code=code) for code in ("cp", "rtt", "recup"))
    friday = date(2027, 3, 12)
    assert services.count_request(m, cp, friday, "am", friday, "pm") == 2
    assert services.count_request(m, rtt, friday, "am", friday, "pm") == 1
    assert services.count_request(m, recup, friday, "am", friday, "pm") == 1
    assert insight.explain(m, rtt, friday, "am", friday, "pm").mode == "ouvres"
    assert insight.explain(m, cp, friday, "am", friday, "pm").counted[-1] == (date(2027, 3, 13), 1)
