"""CSV exports the way every list of Maillon writes them: UTF-8 with a BOM (spreadsheets read the
accents right), « ; » between cells (French spreadsheets), and no formula injection: a cell typed
by someone that starts like a formula is written as text."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def safe_cell(value) -> str:
    """``value`` as text a spreadsheet shows and never runs (« -2,5 » stays a number)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """An attachment named ``filename``; ``rows`` may be a generator (written as it is read)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response
