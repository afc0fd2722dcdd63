"""Dashboard panel « Mon solde de congés »."""

from . import services


def balance_panel(request) -> dict | None:
    membership = getattr(request, "membership", None)
    if membership is None:
        return None
    rows = [row for row in services.balances(membership, with_reliquat=True) if row["type"].counts_against_balance]
    return {"balances": rows}
