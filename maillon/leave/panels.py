"""Dashboard panel « Mon solde de congés »."""

from maillon.core.registry import dashboard_place

from . import services


@dashboard_place("mine", 10)
def balance_panel(request) -> dict | None:
    membership = getattr(request, "membership", None)
    if membership is None:
        return None
    rows = [row for row in services.balances(membership, with_reliquat=True) if row["type"].counts_against_balance]
    return {"balances": rows}
