"""CSV exports: a cell typed by someone never runs as a formula in a spreadsheet; numbers stay numbers."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from maillon.core.csvexport import FORMULA_START, csv_response, safe_cell


def test_formulas_become_text_and_numbers_stay_numbers():
    assert safe_cell('=HYPERLINK("http://x","clic")') == '\'=HYPERLINK("http://x","clic")'
    assert safe_cell("+33 6 12") == "'+33 6 12"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2,5") == "-2,5"
    assert safe_cell("-2.5") == "-2.5"
    assert safe_cell(None) == ""
    assert safe_cell(3) == "3"


@given(st.text())
def test_no_cell_starts_like_a_formula_unless_it_is_a_number(text):
    cell = safe_cell(text)
    assert cell.endswith(text)
    if cell.startswith(FORMULA_START):
        assert cell.lstrip("-").replace(",", "").replace(".", "").isdigit()


def test_the_response_is_utf8_with_a_bom_and_semicolons():
    response = csv_response("essai.csv", ["Nom", "Motif"], iter([["Élodie", "=1+1"]]))
    assert response["Content-Disposition"] == 'attachment; filename="essai.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";")) == [["Nom", "Motif"], ["Élodie", "'=1+1"]]
