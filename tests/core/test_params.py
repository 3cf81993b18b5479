"""Tests for workbook.core.params: one declaration checks every value."""

from dataclasses import FrozenInstanceError, dataclass
from typing import ClassVar

import pytest

from workbook.core.params import ParamError, ReportParams, markdown_table, param, parameters_cell


@dataclass(frozen=True)
class Demo(ReportParams):
    report: ClassVar[str] = "demo"
    grain: str = param("month", "cohort period", choices=("month", "quarter", "year"))
    n_boot: int = param(1000, "bootstrap resamples", low=1)
    share: float = param(0.3, "minimum share", low=0, high=1)
    thresholds: tuple = param((), "explicit threshold grid", item="float")
    start: str = param("", "first day of the period", kind="date")
    flag: bool = param(True, "a switch")


def test_defaults_and_conversion():
    p = Demo(share=1, thresholds=[50, 60.5])
    assert p.share == 1.0 and isinstance(p.share, float)
    assert p.thresholds == (50.0, 60.5)
    with pytest.raises(FrozenInstanceError):
        p.grain = "year"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("grain", "fortnight", "one of month, quarter, year"),
        ("n_boot", -5, "an integer ≥ 1"),
        ("n_boot", 2.5, "an integer ≥ 1"),
        ("share", 1.5, "a number ≥ 0 and ≤ 1"),
        ("share", "high", "a number ≥ 0 and ≤ 1"),
        ("flag", "yes", "true or false"),
        ("start", "2026-02-30", "a date YYYY-MM-DD or empty"),
        ("thresholds", "60", "a list of float"),
    ],
)
def test_bad_values_name_report_parameter_value_and_what_is_allowed(name, value, words):
    with pytest.raises(ParamError) as err:
        Demo.check(name, value)
    message = str(err.value)
    assert message.startswith(f"demo: parameter {name} = {value!r}")
    assert words in message
    with pytest.raises(ParamError):
        Demo().replace(**{name: value})


def test_unknown_parameter_suggests_the_close_one():
    with pytest.raises(ParamError, match="did you mean n_boot"):
        Demo.check("n_bot", 10)


def test_from_mapping_takes_only_parameters():
    p = Demo.from_mapping({"grain": "year", "data": "", "as_of": ""})
    assert p.grain == "year"
    with pytest.raises(ParamError):
        Demo.from_mapping({"grain": "year", "bogus": 1}, strict=True)


def test_resolve_applies_overrides_and_refuses_other_types():
    assert Demo.resolve(None, {"n_boot": 10}).n_boot == 10
    with pytest.raises(TypeError, match="params must be a"):
        Demo.resolve({"n_boot": 10})


def test_parameters_cell_and_docs_table_come_from_the_declaration():
    cell = parameters_cell(Demo)
    assert cell.splitlines()[0] == 'grain = "month"  # cohort period'
    assert 'thresholds = []  # explicit threshold grid' in cell
    assert "share = 0.3  # minimum share" in cell
    table = markdown_table(Demo)
    assert "| `n_boot` | `1000` | an integer ≥ 1 | bootstrap resamples |" in table


def test_help_may_not_break_papermill():
    with pytest.raises(ValueError, match="must not contain"):
        param(1, "a = b")
