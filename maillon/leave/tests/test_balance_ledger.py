"""The balances query reads only the person's own ledger (issue 14: it used to join every entry of
the organisation's leave types and filter afterwards), and stays exactly the ledger's sum."""

from decimal import Decimal
from itertools import count

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.accounts.models import Membership
from maillon.leave import services
from maillon.leave.models import LeaveType, LedgerEntry

SERIAL = count()
# (whose entry: 0 the person, 1 a colleague, 2 someone of another organisation; which type 0–2; half days)
entries = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(-40, 60)), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=entries)
def test_each_balance_is_exactly_the_sum_of_the_persons_own_ledger(people, rows):
    org, other = people.org, people.other_org
    services.ensure_default_types(org)
    services.ensure_default_types(other)
    serial = next(SERIAL)
    mine = [LeaveType.objects.create(organisation=org, code=f"t{serial}-{i}", name=f"T{serial}-{i}") for i in range(3)]
    theirs = LeaveType.objects.create(organisation=other, code=f"o{serial}", name=f"O{serial}")
    me = Membership.objects.get(user=people.owner, organisation=org)
    colleague = Membership.objects.get(user=people.colleague, organisation=org)
    outsider = Membership.objects.get(user=people.outsider, organisation=other)
    for who, kind, halves in rows:
        membership, leave_type = [(me, mine[kind]), (colleague, mine[kind]), (outsider, theirs)][who]
        LedgerEntry.objects.create(organisation=membership.organisation, membership=membership, leave_type=leave_type,
                                   kind=LedgerEntry.Kind.CORRECTION, amount=Decimal(halves) / 2, reason="test")

    rows_by_type = {row["type"].pk: row for row in services.balances(me, with_reliquat=True)}
    for leave_type in mine:
        expected = sum((Decimal(h) / 2 for who, kind, h in rows if who == 0 and mine[kind] == leave_type), Decimal(0))
        assert rows_by_type[leave_type.pk]["balance"] == expected
        assert rows_by_type[leave_type.pk]["balance"] == services.balance(me, leave_type)
    assert theirs.pk not in rows_by_type


def test_the_balances_query_never_joins_the_organisations_ledger(people):
    services.ensure_default_types(people.org)
    me = Membership.objects.select_related("organisation").get(user=people.owner, organisation=people.org)
    services.balances(me)  # the default types are ensured once
    with CaptureQueriesContext(connection) as queries:
        services.balances(me)
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    # The outer query's own FROM … WHERE (outside every parenthesis): the types alone; the ledger is
    # read in correlated subqueries filtered on the person.
    depth, outer = 0, []
    for char in sql:
        depth += char == "("
        if depth == 0:
            outer.append(char)
        depth -= char == ")"
    outer_from = "".join(outer).upper().split(" FROM ", 1)[1]
    assert LedgerEntry._meta.db_table.upper() not in outer_from, sql
