"""French phone numbers: checked, stored as +33XXXXXXXXX, shown as 0X XX XX XX XX."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s.\-/()]")
# ASCII digits only: Python's \d also matches « ١٢٣ » or « ０６ », which a tel: link cannot dial.
_NATIONAL = re.compile(r"0([1-9]\d{8})", re.ASCII)
_INTERNATIONAL = re.compile(r"(?:\+|00)33(?:\(0\))?0?([1-9]\d{8})", re.ASCII)


def normalise(value: str) -> str:
    """« 06 12 34 56 78 », « 06.12.34.56.78 », « +33 6 12 34 56 78 », « 0033612345678 » → « +33612345678 »;
    empty → empty; anything else: a ValidationError in French."""
    raw = (value or "").strip()
    if not raw:
        return ""
    compact = _SEPARATORS.sub("", raw.replace("(0)", ""))
    found = _NATIONAL.fullmatch(compact) or _INTERNATIONAL.fullmatch(compact)
    if found is None:
        raise ValidationError(_("Enter a French phone number: 10 digits starting with 0 (06 12 34 56 78) or +33 6 12 34 56 78."),
                              code="phone")
    return "+33" + found.group(1)


def display(stored: str) -> str:
    """« +33612345678 » → « 06 12 34 56 78 » (anything else as it is)."""
    if len(stored) == 12 and stored.startswith("+33"):
        digits = "0" + stored[3:]
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return stored
