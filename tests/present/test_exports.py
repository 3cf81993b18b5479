"""CSV exports written by Arrow read back as pandas' to_csv wrote them."""

from __future__ import annotations

import pandas as pd

from workbook.present.exports import write_csv


def test_write_csv_reads_back_as_pandas_to_csv_does(tmp_path):
    # Arrow's writer replaces pandas' to_csv (15x faster on the whitespace call
    # list): every cell must read back as the pandas-written file reads.
    frame = pd.DataFrame(
        {
            "n": [1, 2, 3],
            "x": [7.0, 0.1 + 0.2, float("nan")],
            "flag": pd.array([True, False, None], dtype="boolean"),
            "plain_flag": [True, False, True],
            "when": pd.to_datetime(["2026-01-31", "1969-12-31 13:00", None], format="ISO8601"),
            "name": pd.array(["Acme", "", None], dtype="string"),
            "mixed": ["p", 3, None],
            "band": pd.Categorical(["low", "high", None]),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "month": pd.period_range("2024-07", periods=3, freq="M"),
            "range": pd.cut([1, 15, 25], bins=[0, 10, 20, 30]),
            "span": pd.arrays.IntervalArray.from_breaks([0, 1, 2, 3]),
        }
    )
    write_csv(frame, tmp_path / "fast.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False, date_format="%Y-%m-%d", lineterminator="\n")
    fast = pd.read_csv(tmp_path / "fast.csv")
    slow = pd.read_csv(tmp_path / "pandas.csv")
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
    text = (tmp_path / "fast.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "n,x,flag,plain_flag,when,name,mixed,band,count,month,range,span"
    # An interval holds a comma, so Arrow quotes every text cell of this file.
    assert text.splitlines()[1] == (
        '1,7,"True","True",2026-01-31,"Acme","p","low",1,"2024-07-31","(0, 10]","(0, 1]"'
    )
    plain = frame[["n", "x", "flag", "when", "name", "band", "count", "month"]]
    write_csv(plain, tmp_path / "plain.csv")
    lines = (tmp_path / "plain.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1] == "1,7,True,2026-01-31,Acme,low,1,2024-07-31"
    assert '"' not in "".join(lines)  # no cell needs quotes: none quoted


def test_write_csv_quotes_when_a_cell_needs_it(tmp_path):
    frame = pd.DataFrame({"note": ['said "hi"', "a,b", "two\nlines"], "n": [1, 2, 3]})
    write_csv(frame, tmp_path / "q.csv")
    back = pd.read_csv(tmp_path / "q.csv")
    assert back["note"].tolist() == frame["note"].tolist()
    assert back["n"].tolist() == [1, 2, 3]
    assert (tmp_path / "q.csv").read_text().startswith('note,n\n"said ""hi""",1\n')
