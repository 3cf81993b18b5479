"""``whitespace.Params``: the single source of the report's parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbook.analyses import whitespace as ws
from workbook.core.params import ParamError, markdown_table, parameters_cell

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK = ROOT / "notebooks" / "04_whitespace.ipynb"
DOCS = ROOT / "docs" / "reports" / "whitespace.md"
COMMON = ["data", "load_options", "as_of", "out_dir", "interactive"]


def _parameters_cell() -> str:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    return "".join(cells[0]["source"])


def test_defaults_are_the_notebook_defaults():
    p = ws.Params()
    assert (p.family, p.min_peer_adoption, p.horizon_months, p.top_n, p.call_list_per_rep) == (
        "", 0.3, 12, 20, 1000
    )
    assert ws.Params.report == "whitespace"
    assert list(ws.Params.specs()) == [
        "family", "min_peer_adoption", "horizon_months", "top_n", "call_list_per_rep",
        "export_raw_csv",  # the common report parameter, after the report's own (issue 18)
    ]  # fmt: skip


def test_notebook_parameters_cell_is_the_common_lines_then_parameters_cell():
    lines = _parameters_cell().splitlines()
    assert [line.split(" = ")[0] for line in lines[: len(COMMON)]] == COMMON
    assert "\n".join(lines[len(COMMON) :]) == parameters_cell(ws.Params)
    assert parameters_cell(ws.Params) in _parameters_cell()


def test_docs_parameter_table_is_markdown_table():
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- params:start -->\n", 1)[1].split("\n<!-- params:end -->", 1)[0]
    assert block == markdown_table(ws.Params)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("min_peer_adoption", -0.1),
        ("min_peer_adoption", 1.01),
        ("horizon_months", 0),
        ("horizon_months", 1.5),
        ("top_n", 0),
        ("top_n", 2.5),
        ("top_n", "ten"),
        ("family", ["A00001"]),
    ],
)
def test_values_out_of_range_or_of_the_wrong_type_are_rejected(name, value):
    with pytest.raises(ParamError, match=name) as info:
        ws.Params(**{name: value})
    assert info.value.report == "whitespace" and info.value.name == name
    with pytest.raises(ParamError):
        ws.Params.check(name, value)


def test_edges_are_allowed_and_values_converted():
    p = ws.Params(
        min_peer_adoption=1, horizon_months=1, top_n=1, family="A00001", call_list_per_rep=0
    )
    assert p.min_peer_adoption == 1.0 and isinstance(p.min_peer_adoption, float)
    assert p.horizon_months == 1 and p.top_n == 1
    assert p.replace(top_n=3).top_n == 3
    assert p.to_dict() == {
        "family": "A00001",
        "min_peer_adoption": 1.0,
        "horizon_months": 1,
        "top_n": 1,
        "call_list_per_rep": 0,
        "export_raw_csv": False,  # the common report parameter (issue 18)
    }
    # A notebook's globals(): the common parameters and anything else are ignored.
    assert ws.Params.from_mapping({"data": "", "top_n": 7, "crm": object()}).top_n == 7
