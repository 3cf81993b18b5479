"""Every CSV record accounted for (issue 18): malformed rows, unclosed quotes, counts, fix-ups."""

from __future__ import annotations

import pytest

import workbook
from workbook.cli import main
from workbook.data.readers.files import has_controls, physical_lines, read_csv_raw
from workbook.data.validate import DataValidationError

HEADER = "lead_id,created_at,company\n"


def _write(tmp_path, text: str, name="leads.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _load(path, **options):
    return workbook.load(path, tables=["leads"], as_of="2024-02-01", **options)


def test_extra_and_missing_fields_are_errors_naming_file_line_and_id(tmp_path):
    # line 1 header, line 2 L1 fine, line 3 L2 has 4 fields, line 4 L3 has 2.
    path = _write(tmp_path, HEADER + "L1,2024-01-01,a\nL2,2024-01-02,b,x\nL3,2024-01-03\n")
    with pytest.raises(DataValidationError) as info:
        _load(path)
    (p,) = info.value.problems
    assert p.check == "bad_row" and p.count == 2 and p.file == str(path)
    assert "line 3 (lead_id L2): 4 field(s), expected 3" in p.message
    assert "line 4 (lead_id L3): 2 field(s), expected 3" in p.message


def test_quote_open_to_end_of_file_is_an_error(tmp_path):
    # The quote opens in the last field of line 3 (L2) and swallows L3 to the end: the
    # field count stays right, so only the quote scan sees it.
    path = _write(tmp_path, HEADER + 'L1,2024-01-01,a\nL2,2024-01-02,"b\nL3,2024-01-03,c\n')
    with pytest.raises(DataValidationError, match=r"line 3 \(lead_id L2\): a quote left open"):
        _load(path)


def test_skip_counts_rows_with_examples(tmp_path):
    text = HEADER + (
        'L1,2024-01-01,a\nL2,2024-01-02,b,x\nL3,2024-01-03\nL4,2024-01-04,"open\nL5,2024-01-05,e\n'
    )
    crm = _load(_write(tmp_path, text), on_bad_rows="skip")
    # 5 data lines: L1 and L5 load; L2, L3 (field counts) and L4 (open quote) are skipped.
    assert crm.leads["lead_id"].tolist() == ["L1", "L5"]
    assert crm.quality.count("bad_row_skipped") == 3
    (issue,) = [i for i in crm.quality if i.check == "bad_row_skipped"]
    assert issue.severity == "fixup"
    assert issue.examples[0].startswith("line 3 (lead_id L2)")
    assert issue.examples[2] == "line 5 (lead_id L4): a quote left open to the end of the file"
    assert len(crm.leads) + issue.count == physical_lines(_write(tmp_path, text).read_bytes()) - 1


def test_quote_closed_on_a_later_line_is_a_counted_warning(tmp_path):
    # L2's line is swallowed into L1's company: 3 data lines, 2 rows, 1 line break inside.
    path = _write(tmp_path, HEADER + 'L1,2024-01-01,"a\nL2,2024-01-02,b"\nL3,2024-01-03,c\n')
    crm = _load(path)
    assert len(crm.leads) == 2
    (issue,) = [i for i in crm.quality if i.check == "multiline_value"]
    assert issue.count == 1 and issue.examples == ("L1",)


def test_blank_lines_are_not_records(tmp_path):
    path = _write(tmp_path, HEADER + "L1,2024-01-01,a\n\nL2,2024-01-02,b\r\n\r\n")
    crm = _load(path)
    assert len(crm.leads) == 2
    assert not [i for i in crm.quality if i.check in ("multiline_value", "bad_row_skipped")]


def test_transcoded_fallback_path_counts_rows_too(tmp_path):
    # A cp1252 file goes through the same reader after transcoding: same errors.
    path = _write(tmp_path, HEADER + "L1,2024-01-01,Café\nL2,2024-01-02,b,x\n", encoding="cp1252")
    with pytest.raises(DataValidationError, match=r"line 3 \(lead_id L2\)"):
        _load(path)
    crm = _load(path, on_bad_rows="skip")
    assert crm.leads["company"].tolist() == ["Café"]
    assert crm.quality.count("bad_row_skipped") == 1


def test_repeated_header_name_path_counts_rows_too(tmp_path):
    # A repeated header name (pandas' old fallback) now reads through the same reader.
    path = _write(tmp_path, "lead_id,created_at,company,company\nL1,2024-01-01,a,b\nL2,x\n")
    with pytest.raises(DataValidationError, match=r"line 3 \(lead_id L2\): 2 field"):
        _load(path)
    raw = read_csv_raw(_write(tmp_path, "a,a\n1,2\n", name="t.csv"))
    assert raw.frame.attrs["header"] == ["a", "a.1"]


def test_nul_and_controls_removed_and_counted(tmp_path):
    path = _write(tmp_path, HEADER + "L1,2024-01-01,a\x00b\nL2,2024-01-02,c\x07\td\n")
    crm = _load(path)
    assert crm.leads["company"].tolist() == ["ab", "c\td"]
    assert crm.quality.count("control_characters") == 2
    assert has_controls(b"a\x1fb") and not has_controls(b"a\tb\r\n")


def test_empty_file_and_header_only(tmp_path):
    empty = _write(tmp_path, "")
    with pytest.raises(DataValidationError, match=r"leads.csv: the file is empty \(0 bytes\)"):
        _load(empty)
    crm = _load(_write(tmp_path, HEADER, name="h.csv"))
    assert len(crm.leads) == 0
    assert any(i.check == "no_rows" and "0 rows" in i.message for i in crm.quality)


def test_directory_where_a_file_was_expected(tmp_path):
    (tmp_path / "leads.csv").mkdir()
    with pytest.raises(DataValidationError, match="leads.csv: is a directory"):
        workbook.load(paths={"leads": tmp_path / "leads.csv"}, tables=["leads"], as_of="2024-01-01")


def test_validate_exits_2_naming_file_and_line(tmp_path, capsys):
    _write(tmp_path, HEADER + "L1,2024-01-01,a\nL2,2024-01-02,b,x\n")
    params = tmp_path / "p.yaml"
    params.write_text("load_options: {tables: [leads]}\n", encoding="utf-8")
    code = main(["validate", "--data", str(tmp_path), "-p", str(params), "--as-of", "2024-02-01"])
    err = capsys.readouterr().err
    assert code == 2
    assert str(tmp_path / "leads.csv") in err and "line 3 (lead_id L2)" in err


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"as_of": "soon"}'])
def test_corrupt_sample_json_is_an_error_naming_it(tmp_path, capsys, text, command):
    data = tmp_path / "data"
    data.mkdir()
    _write(data, HEADER + "L1,2024-01-01,a\n")
    (data / "sample.json").write_text(text, encoding="utf-8")
    params = tmp_path / "p.yaml"
    params.write_text("load_options: {tables: [leads]}\n", encoding="utf-8")
    extra = ["run", "cohort", "--out", str(tmp_path / "out")] if command == "run" else ["validate"]
    assert main([*extra, "--data", str(data), "-p", str(params)]) == 2
    err = capsys.readouterr().err
    assert str(data / "sample.json") in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_blank_required_rows_are_counted_in_the_accounting(tmp_path):
    # 5 data lines: L2 has a blank created_at and line 5 a blank lead_id (both left out,
    # counted), L3 has an extra field (skipped, counted); L1 and L5 load.
    text = HEADER + "L1,2024-01-01,a\nL2,,b\nL3,2024-01-03,c,x\n,2024-01-04,d\nL5,2024-01-05,e\n"
    crm = _load(_write(tmp_path, text), on_bad_rows="skip")
    assert crm.leads["lead_id"].tolist() == ["L1", "L5"]
    assert crm.quality.excluded_rows("leads") == 2
    assert crm.quality.count("bad_row_skipped") == 1
    assert [i.examples for i in crm.quality if i.check == "blank_required"] == [
        ("line 5",),  # the blank lead_id: the file line (L3, skipped, is not a row)
        ("L2",),
    ]
    physical = physical_lines(_write(tmp_path, text).read_bytes()) - 1
    assert len(crm.leads) + crm.quality.excluded_rows("leads") + 1 == physical


def _unreadable(monkeypatch, path):
    """Reading ``path`` raises PermissionError, as a chmod 000 file does for a non-root user.

    Simulated (tests may run as root, where chmod does not block reads):
    every way the readers open a file goes through ``open``/``io.open``.
    """
    import builtins
    import errno
    import io
    from pathlib import Path

    real = io.open

    def guarded(file, *args, **kwargs):
        if isinstance(file, (str, Path)) and Path(file) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)


def test_an_unreadable_file_is_an_error_naming_it(tmp_path, monkeypatch):
    path = _write(tmp_path, HEADER + "L1,2024-01-01,a\n")
    _unreadable(monkeypatch, path)
    with pytest.raises(DataValidationError) as info:
        _load(path)
    (p,) = info.value.problems
    assert p.check == "unreadable_file" and p.file == str(path)
    assert str(info.value).count("Permission denied") == 1


@pytest.mark.parametrize("fault", ["zero-byte", "directory", "unreadable"])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_input_faults_exit_2_with_one_paragraph_naming_the_file(
    tmp_path, monkeypatch, capsys, fault, command
):
    # run without --as-of: the as-of pre-scan meets the fault before any notebook starts
    data = tmp_path / "data"
    data.mkdir()
    path = data / "leads.csv"
    if fault == "zero-byte":
        path.write_bytes(b"")
    elif fault == "directory":
        path.mkdir()
    else:
        path.write_text(HEADER + "L1,2024-01-01,a\n", encoding="utf-8")
        _unreadable(monkeypatch, path)
    params = tmp_path / "p.yaml"
    params.write_text("load_options: {tables: [leads]}\n", encoding="utf-8")
    args = ["--data", str(data), "-p", str(params)]
    argv = ["validate", *args] if command == "validate" else ["run", "cohort", *args,
                                                              "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err
    want = {"zero-byte": "the file is empty (0 bytes)", "directory": "is a directory",
            "unreadable": "cannot be read (Permission denied)"}[fault]  # fmt: skip
    assert want in err
    assert not (tmp_path / "out").exists()  # nothing ran, nothing written


def test_a_header_only_table_validates_with_a_0_rows_warning(tmp_path, capsys):
    _write(tmp_path, HEADER)
    params = tmp_path / "p.yaml"
    params.write_text("load_options: {tables: [leads]}\n", encoding="utf-8")
    assert main(["validate", "--data", str(tmp_path), "-p", str(params), "--as-of", "2024-02-01"]) == 0
    out = capsys.readouterr()
    assert "0 rows" in out.out + out.err
