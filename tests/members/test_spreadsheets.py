import pytest

from members.spreadsheets import cell_neutralise


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "  =HYPERLINK(1)", "\n+1", " \t@x"],
)
def test_a_cell_that_would_run_as_a_formula_gets_an_apostrophe(value):
    assert cell_neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Anna", "", "a=b", "Vegetar - ingen nødder", 12, -5, None, 1.5])
def test_other_cells_are_left_alone(value):
    assert cell_neutralise(value) == value
