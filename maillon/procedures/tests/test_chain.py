"""Property tests of the approval chain rules (pure functions of policies.py)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from maillon.procedures.policies import (
    SKIP_NOBODY,
    SKIP_SELF,
    can_decide,
    can_withdraw,
    holds_step,
    plan_chain,
)

ROLES = ["coordinator", "supervisor", "hr", "director", "reception"]
SECTORS = [1, 2, 3]
assignment = st.tuples(st.sampled_from(ROLES + ["staff"]), st.one_of(st.none(), st.sampled_from(SECTORS)))
assignments = st.lists(assignment, max_size=5)
step_spec = st.fixed_dictionaries({"role": st.sampled_from(ROLES)}, optional={"min_amount": st.sampled_from(["0", "100", "500", "1000"])})
chains = st.fixed_dictionaries({"steps": st.lists(step_spec, max_size=5)})
amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False))


@given(chains, assignments, st.one_of(st.none(), st.sampled_from(SECTORS)), amounts, assignments)
def test_it_keeps_the_configured_order_and_applies_thresholds(chain, applicant, sector, amount, holders):
    planned = plan_chain(chain, applicant, sector, amount, holders=holders)
    kept = [s for s in chain["steps"] if "min_amount" not in s or (amount is not None and amount >= Decimal(s["min_amount"]))]
    assert [p.role for p in planned] == [s["role"] for s in kept]


@given(chains, assignments, st.sampled_from(SECTORS), amounts, assignments)
def test_it_never_leaves_a_step_the_applicant_could_approve(chain, applicant, sector, amount, holders):
    for step in plan_chain(chain, applicant, sector, amount, holders=holders):
        if not step.skip_reason:
            assert not holds_step(applicant, step.role, step.sector_id)
            assert holds_step(holders, step.role, step.sector_id)
        if holds_step(applicant, step.role, step.sector_id):
            assert step.skip_reason == SKIP_SELF


@given(chains, assignments, amounts, assignments)
def test_it_skips_sector_steps_for_someone_without_a_sector(chain, applicant, amount, holders):
    for step in plan_chain(chain, applicant, None, amount, holders=holders):
        if step.role in ("coordinator", "supervisor"):
            assert step.skip_reason in (SKIP_SELF, SKIP_NOBODY)


def test_it_skips_the_coordinator_step_only_for_the_coordinator_of_that_sector():
    chain = {"steps": [{"role": "coordinator"}, {"role": "hr"}]}
    holders = [("coordinator", 1), ("coordinator", 2), ("hr", None)]
    own = plan_chain(chain, [("coordinator", 1)], 1, None, holders=holders)
    other = plan_chain(chain, [("coordinator", 2)], 1, None, holders=holders)
    assert [s.skip_reason for s in own] == [SKIP_SELF, ""]
    assert [s.skip_reason for s in other] == ["", ""]


@given(st.integers(1, 5), st.integers(1, 5), st.sampled_from(ROLES), st.one_of(st.none(), st.sampled_from(SECTORS)), assignments,
       st.lists(assignments, max_size=3))
def test_it_never_lets_anyone_decide_on_their_own_request(user, applicant, role, sector, own, delegated):
    allowed = can_decide(user, applicant, role, sector, own, delegated)
    if user == applicant:
        assert not allowed
    else:
        assert allowed == (holds_step(own, role, sector) or any(holds_step(d, role, sector) for d in delegated))


@given(st.sampled_from(SECTORS), st.sampled_from(SECTORS))
def test_it_gives_a_coordinator_only_their_own_sector(held, wanted):
    assert holds_step([("coordinator", held)], "coordinator", wanted) == (held == wanted)
    assert holds_step([("hr", None)], "hr", None)
    assert not holds_step([("hr", None)], "director", None)


@given(st.sampled_from(["draft", "pending", "changes", "approved", "rejected", "withdrawn"]), st.integers(0, 3), st.booleans())
def test_it_allows_withdrawal_only_before_a_decision(status, decided, is_applicant):
    allowed = can_withdraw(1, 1 if is_applicant else 2, status, decided)
    assert allowed == (is_applicant and status in ("pending", "changes") and decided == 0)
