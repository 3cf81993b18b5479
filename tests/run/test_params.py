"""run/params.py: -P parsing, checks against Params or notebook types, precedence, plans."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from workbook import cli
from workbook import run as runner
from workbook.run import UsageError
from workbook.run.discover import _infer

# -- parsing ---------------------------------------------------------------------


def test_parse_assignment_reads_yaml_scalars_lists_and_report_prefix():
    assert runner.parse_assignment("n=3") == (None, "n", 3)
    assert runner.parse_assignment("beta.threshold=0.25") == ("beta", "threshold", 0.25)
    # An unquoted YAML date becomes its ISO text, not a datetime.date.
    assert runner.parse_assignment("start_date=2024-01-31") == (None, "start_date", "2024-01-31")
    assert runner.parse_assignment("tags=[a, b]") == (None, "tags", ["a", "b"])
    assert runner.parse_assignment("name=") == (None, "name", "")
    with pytest.raises(UsageError):
        runner.parse_assignment("no_equals_sign")
    with pytest.raises(UsageError):
        runner.parse_assignment(".x=1")


# -- checks: notebook-inferred types -------------------------------------------------


def _spec(name, source):
    return _infer(name, source, "")


def test_check_value_accepts_compatible_types_and_rejects_others():
    assert runner.check_value("r", _spec("x", "0.5"), 2) == 2.0  # int is fine for a float
    assert isinstance(runner.check_value("r", _spec("x", "0.5"), 2), float)
    assert runner.check_value("r", _spec("label", '"all"'), 2024) == "2024"
    assert runner.check_value("r", _spec("n", "3"), 7) == 7
    with pytest.raises(UsageError, match="must be int"):
        runner.check_value("r", _spec("n", "3"), "seven")
    with pytest.raises(UsageError, match="must be int"):
        runner.check_value("r", _spec("n", "3"), True)  # bool is not a number here
    with pytest.raises(UsageError, match="must be bool"):
        runner.check_value("r", _spec("flag", "True"), 1)
    with pytest.raises(UsageError, match="must be list"):
        runner.check_value("r", _spec("items", "[]"), "a")


def test_date_parameters_must_be_real_iso_dates():
    start = _spec("window_start", '""')
    assert runner.check_value("r", start, "2024-02-29") == "2024-02-29"
    assert runner.check_value("r", start, "") == ""  # blank default means "unset"
    for bad in ("2024-02-30", "31/01/2024", "2024-1-5", 20240105):
        with pytest.raises(UsageError, match="YYYY-MM-DD"):
            runner.check_value("r", start, bad)
    fixed = _spec("cutoff", '"2024-01-01"')
    with pytest.raises(UsageError):
        runner.check_value("r", fixed, "")  # a dated default does not allow blank


# -- checks: Params ------------------------------------------------------------------


def test_check_value_with_a_params_spec_uses_its_rules_and_message(gamma_module):
    specs = gamma_module.Params.specs()
    assert runner.check_value("gamma", specs["share"], 1) == 1.0
    assert runner.check_value("gamma", specs["thresholds"], [1, 2.5]) == (1.0, 2.5)
    with pytest.raises(UsageError) as err:
        runner.check_value("gamma", specs["grain"], "fortnight")
    assert str(err.value) == (
        "gamma: parameter grain = 'fortnight' is not allowed; expected one of month, quarter, year"
    )


# -- plans -----------------------------------------------------------------------


def _fixed_as_of(source, **options):
    return "2025-03-31"


def _plan(reports, **kw):
    kw.setdefault("resolve_as_of", _fixed_as_of)
    return runner.build_plan(reports, available=kw.pop("available", reports), **kw)


def test_build_plan_merges_yaml_assignments_and_flags(tiny_notebooks, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    reports = runner.discover(tiny_notebooks)
    yaml_params = {
        "n": 5,
        "reports": {"beta": {"threshold": 0.1}},
        "load_options": {"encoding": "cp932"},
    }
    plan = _plan(reports, params_file=yaml_params, assignments=["alpha.n=9", "threshold=0.75"])
    # -P alpha.n beats the file's top-level n; -P threshold (every report) beats
    # the file's reports.beta.threshold (issue 17: the file never beats -P).
    assert plan.params["alpha"] == {"n": 9, "threshold": 0.75}
    assert plan.params["beta"] == {"n": 5, "threshold": 0.75}
    assert plan.as_of == "2025-03-31"  # from the resolver
    # -P overrides without --out: an ad-hoc folder, never the plain dated one (issue 19).
    digest = runner.adhoc_hash(["alpha.n=9", "threshold=0.75"])
    assert plan.out == tmp_path / "reports" / f"2025-03-31+{digest}"
    assert plan.load_options == {"encoding": "cp932"}
    flagged = _plan(reports, params_file={"as_of": "2024-12-31"}, as_of="2025-01-31")
    assert flagged.as_of == "2025-01-31"  # the flag beats the YAML


def test_build_plan_rejects_unknown_parameters_listing_valid_ones(tiny_notebooks):
    reports = runner.discover(tiny_notebooks)
    with pytest.raises(UsageError) as err:
        _plan(reports, assignments=["nosuch=1"])
    assert "nosuch" in str(err.value)
    assert "valid: fail, n, start_date, threshold" in str(err.value)
    with pytest.raises(UsageError, match="for report 'beta'"):
        _plan(reports, params_file={"reports": {"beta": {"nosuch": 1}}})
    with pytest.raises(UsageError, match="unknown report 'gamma'"):
        _plan(reports, params_file={"reports": {"gamma": {"n": 1}}})
    with pytest.raises(UsageError, match="set by the runner"):
        _plan(reports, assignments=["out_dir=/tmp/x"])
    with pytest.raises(UsageError, match=r"did you mean threshold\?"):
        _plan(reports, assignments=["beta.treshold=0.2"])


def test_build_plan_ignores_settings_for_reports_not_selected(tiny_notebooks):
    reports = runner.discover(tiny_notebooks)
    plan = _plan(reports[:1], available=reports, params_file={"reports": {"beta": {"nosuch": 1}}})
    assert plan.params == {"alpha": {}}


def test_build_plan_checks_types_and_dates(tiny_notebooks):
    reports = runner.discover(tiny_notebooks)
    with pytest.raises(UsageError, match="'n' must be int"):
        _plan(reports, assignments=["n=many"])
    with pytest.raises(UsageError, match="start_date"):
        _plan(reports, assignments=["start_date=2024-13-01"])
    with pytest.raises(UsageError, match="as_of"):
        _plan(reports, as_of="2024-02-30")
    with pytest.raises(UsageError, match="does not exist"):
        _plan(reports, data="/no/such/export")


def test_build_plan_with_pdf_needs_a_chromium_on_path(tiny_notebooks, tmp_path, monkeypatch):
    reports = runner.discover(tiny_notebooks)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no browser anywhere
    with pytest.raises(UsageError, match="apt-get install chromium"):
        _plan(reports, pdf=True)
    assert _plan(reports).pdf is False  # without --pdf no browser is needed


PARAMS_DIR = Path(__file__).resolve().parents[2] / "params"


@pytest.mark.parametrize("path", sorted(PARAMS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_committed_params_files_validate_against_the_notebooks(path):
    available = runner.discover()
    config = runner.read_params_file(path)
    config.pop("data", None)  # example export paths need not exist here
    plan = _plan(available, params_file=config)
    assert set(plan.params) == {r.name for r in available}
    assert isinstance(plan.load_options, dict)


# -- Params reports: checked up front ------------------------------------------------


def _gamma(folder):
    return {r.name: r for r in runner.discover(folder)}["gamma"]


def test_params_values_are_checked_and_converted(gamma_notebooks):
    gamma = _gamma(gamma_notebooks)
    plan = _plan(
        [gamma],
        params_file={"reports": {"gamma": {"grain": "quarter", "share": 1}}},
        assignments=["gamma.thresholds=[40, 55.5]", "gamma.period_start=2025-01-01"],
    )
    # share: int 1 -> float; thresholds: a list for papermill (Params stores a tuple).
    assert plan.params["gamma"] == {
        "grain": "quarter",
        "share": 1.0,
        "thresholds": [40.0, 55.5],
        "period_start": "2025-01-01",
    }
    assert isinstance(plan.params["gamma"]["share"], float)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"assignments": ["gamma.grain=fortnight"]},
            "gamma: parameter grain = 'fortnight' is not allowed; "
            "expected one of month, quarter, year (given by -P gamma.grain)",
        ),
        (
            {"assignments": ["n_boot=-5"]},
            "gamma: parameter n_boot = -5 is not allowed; expected an integer ≥ 1 "
            "(given by -P n_boot)",
        ),
        (
            {"params_file": {"reports": {"gamma": {"share": 1.5}}}},
            "gamma: parameter share = 1.5 is not allowed; expected a number ≥ 0 and ≤ 1 "
            "(given by params file: reports.gamma.share)",
        ),
        (
            {"params_file": {"capacity_per_month": 0}},
            "gamma: parameter capacity_per_month = 0 is not allowed; expected a number > 0 "
            "(given by params file: top-level capacity_per_month)",
        ),
        (
            {"assignments": ["gamma.n_boot=many"]},
            "gamma: parameter n_boot = 'many' is not allowed; expected an integer ≥ 1 "
            "(given by -P gamma.n_boot)",
        ),
        (
            {"assignments": ["gamma.thresholds=[a]"]},
            "gamma: parameter thresholds = ['a'] is not allowed; expected a list of float "
            "(given by -P gamma.thresholds)",
        ),
        (
            {"assignments": ["gamma.period_start=2025-02-30"]},
            "gamma: parameter period_start = '2025-02-30' is not allowed; "
            "expected a date YYYY-MM-DD or empty (given by -P gamma.period_start)",
        ),
        (  # a rule across fields, from Params.validate
            {"assignments": ["gamma.period_start=2025-06-01", "gamma.period_end=2025-01-31"]},
            "gamma: parameter period_start = '2025-06-01' is not allowed; "
            "expected a date ≤ 2025-01-31 (given by -P gamma.period_start)",
        ),
        (
            {"assignments": ["gamma.grian=year"]},
            "unknown parameter(s) grian for report 'gamma'; valid: capacity_per_month, "
            "export_raw_csv, grain, n_boot, period_end, period_start, share, thresholds "
            "(did you mean grain?)",
        ),
    ],
    ids=[
        "choice",
        "range",
        "range-file",
        "open-range",
        "type",
        "list-item",
        "date",
        "across-fields",
        "unknown",
    ],
)
def test_bad_params_values_are_usage_errors_naming_report_value_and_allowed(
    gamma_notebooks, settings, message
):
    with pytest.raises(UsageError) as err:
        _plan([_gamma(gamma_notebooks)], **settings)
    assert str(err.value) == message


def test_top_level_keys_apply_only_to_reports_declaring_them(gamma_notebooks):
    reports = runner.discover(gamma_notebooks)
    plan = _plan(reports, assignments=["grain=year", "n=4"])
    assert plan.params == {"alpha": {"n": 4}, "beta": {"n": 4}, "gamma": {"grain": "year"}}


# -- precedence (issue 17) ---------------------------------------------------------------

#: The four report-parameter sources, lowest precedence first, and the value each gives.
LAYERS = ("file top-level", "file reports.gamma", "-P name", "-P gamma.name")
VALUES = {"file top-level": 0.1, "file reports.gamma": 0.2, "-P name": 0.3, "-P gamma.name": 0.4}


def _settings(present):
    params_file, assignments = {}, []
    if "file top-level" in present:
        params_file["share"] = VALUES["file top-level"]
    if "file reports.gamma" in present:
        params_file["reports"] = {"gamma": {"share": VALUES["file reports.gamma"]}}
    if "-P name" in present:
        assignments.append(f"share={VALUES['-P name']}")
    if "-P gamma.name" in present:
        assignments.append(f"gamma.share={VALUES['-P gamma.name']}")
    return params_file, assignments


@pytest.mark.parametrize(
    "present",
    [c for k in range(len(LAYERS) + 1) for c in itertools.combinations(LAYERS, k)],
    ids=lambda c: " + ".join(c) or "default",
)
def test_precedence_the_highest_source_given_wins(gamma_notebooks, present):
    """Every subset of the four sources: the highest one present wins, else the default.

    The 16 subsets contain every pair, so each source is shown to beat each
    lower one (-P name=value beating reports.<r>.name was the bug of issue 17).
    """
    params_file, assignments = _settings(present)
    plan = _plan([_gamma(gamma_notebooks)], params_file=params_file, assignments=assignments)
    if present:
        assert plan.params["gamma"] == {"share": VALUES[present[-1]]}
    else:
        assert plan.params["gamma"] == {}  # the notebook keeps the Params default 0.5


def test_precedence_p_name_beats_the_files_report_section(gamma_notebooks):
    """The reported case: -P capacity_per_month=2000 against reports.<r>.capacity_per_month."""
    plan = _plan(
        [_gamma(gamma_notebooks)],
        params_file={"reports": {"gamma": {"capacity_per_month": 40}}},
        assignments=["capacity_per_month=2000"],
    )
    assert plan.params["gamma"] == {"capacity_per_month": 2000.0}


def test_precedence_holds_for_notebook_only_reports(tiny_notebooks):
    alpha = runner.discover(tiny_notebooks)[:1]
    file = {"n": 1, "reports": {"alpha": {"n": 2}}}
    assert _plan(alpha, params_file=file).params["alpha"] == {"n": 2}
    assert _plan(alpha, params_file=file, assignments=["n=3"]).params["alpha"] == {"n": 3}
    both = ["alpha.n=4", "n=3"]  # order on the command line does not matter
    assert _plan(alpha, params_file=file, assignments=both).params["alpha"] == {"n": 4}


@pytest.mark.parametrize(
    ("flag", "value", "file_value"),
    [("as_of", "2025-01-31", "2024-12-31"), ("out", "flag-out", "file-out"), ("data", "d1", "d2")],
)
def test_precedence_flags_beat_the_file_which_beats_the_default(
    tiny_notebooks, tmp_path, monkeypatch, flag, value, file_value
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()
    reports = runner.discover(tiny_notebooks)

    def got(plan):
        return {"as_of": plan.as_of, "out": plan.out, "data": plan.data}[flag]

    def expect(v):
        return v if flag == "as_of" else tmp_path / v if flag == "out" else str(tmp_path / v)

    flagged = _plan(reports, params_file={flag: file_value}, **{flag: value})
    assert got(flagged) == expect(value)
    assert got(_plan(reports, params_file={flag: file_value})) == expect(file_value)
    default = {"as_of": "2025-03-31", "out": tmp_path / "reports" / "2025-03-31", "data": ""}
    assert got(_plan(reports)) == default[flag]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"assignments": ["as_of=2025-01-31"]},
            "-P as_of: as_of is a run-level setting, not a report parameter; "
            "set it with --as-of YYYY-MM-DD or top-level as_of in the params file",
        ),
        (
            {"assignments": ["alpha.as_of=2025-01-31"]},
            "-P alpha.as_of: as_of is a run-level setting",
        ),
        (
            {"params_file": {"reports": {"alpha": {"as_of": "2025-01-31"}}}},
            "params file: reports.alpha.as_of: as_of is a run-level setting",
        ),
        (
            {"assignments": ["data=/tmp"]},
            "set it with --data DIR or top-level data in the params file",
        ),
        (
            {"params_file": {"reports": {"alpha": {"load_options": {}}}}},
            "params file: reports.alpha.load_options: load_options is a run-level setting, "
            "not a report parameter; set it with top-level load_options in the params file",
        ),
        ({"assignments": ["out=x"]}, "set it with --out DIR or top-level out"),
        (
            {"assignments": ["alpha.interactive=true"]},
            "parameter 'interactive' is set by the runner",
        ),
    ],
    ids=["-P", "-P report", "file report", "data", "load_options", "out", "runner-only"],
)
def test_run_level_settings_cannot_be_report_parameters(tiny_notebooks, settings, message):
    with pytest.raises(UsageError) as err:
        _plan(runner.discover(tiny_notebooks), **settings)
    assert message in str(err.value)


def test_as_of_is_checked_by_params_that_declare_it(gamma_notebooks):
    from dataclasses import dataclass
    from typing import ClassVar

    from workbook.core.params import ReportParams, param

    @dataclass(frozen=True)
    class Dated(ReportParams):
        report: ClassVar[str] = "gamma"
        as_of: str = param("", "observation end", kind="date", blank=True)

        def validate(self):
            from workbook.core.params import ParamError

            if self.as_of and self.as_of < "2020-01-01":
                raise ParamError(self.report, "as_of", self.as_of, "a date from 2020-01-01")

    dated = dataclasses.replace(_gamma(gamma_notebooks), params_cls=Dated)
    assert _plan([dated], as_of="2024-05-31").as_of == "2024-05-31"
    with pytest.raises(UsageError, match="from 2020-01-01 \\(given by --as-of"):
        _plan([dated], as_of="2019-12-31")


# -- through the CLI: exit 2 before any kernel starts ---------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-P", "gamma.grain=fortnight"], "expected one of month, quarter, year"),
        (["-P", "gamma.n_boot=-5"], "gamma: parameter n_boot = -5 is not allowed"),
        (["-P", "n_boot=2.5"], "gamma: parameter n_boot = 2.5 is not allowed; expected an integer"),
        (["-P", "gamma.share=lots"], "gamma: parameter share = 'lots' is not allowed"),
        (["--as-of", "2026-13-01"], "'as_of' must be a date YYYY-MM-DD"),
        (["-P", "as_of=2026-06-30"], "as_of is a run-level setting"),
    ],
    ids=["bad choice", "out of range", "wrong type", "wrong type str", "bad as_of", "-P as_of"],
)
def test_cli_bad_value_exits_2_before_any_kernel_starts(
    gamma_notebooks, tmp_path, capsys, no_kernel, args, message
):
    out = tmp_path / "out"
    code = cli.main(["--notebooks", str(gamma_notebooks), "run", "all", "--out", str(out), *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("workbook: error: ") and message in err
    assert not out.exists()  # nothing was written: no notebook output folder
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_cli_bad_value_in_params_file_exits_2_before_any_kernel(
    gamma_notebooks, tmp_path, capsys, no_kernel
):
    params = tmp_path / "p.yaml"
    params.write_text("as_of: 2026-06-30\nreports:\n  gamma:\n    grain: fortnight\n", "utf-8")
    code = cli.main(["--notebooks", str(gamma_notebooks), "run", "gamma", "-p", str(params)])
    assert code == 2
    assert capsys.readouterr().err == (
        "workbook: error: gamma: parameter grain = 'fortnight' is not allowed; expected one of "
        "month, quarter, year (given by params file: reports.gamma.grain)\n"
    )


def test_cli_list_shows_params_choices_and_ranges(gamma_notebooks, capsys):
    assert cli.main(["--notebooks", str(gamma_notebooks), "list"]) == 0
    out = capsys.readouterr().out
    assert "gamma  Gamma  (30_gamma.ipynb, parameters from " in out
    assert '    grain: str = "month" (one of month, quarter, year)  # cohort period\n' in out
    assert "    n_boot: int = 1000 (an integer ≥ 1)  # bootstrap resamples\n" in out
    assert "    share: float = 0.5 (a number ≥ 0 and ≤ 1)  # a share\n" in out
    assert '    as_of: str = "" (date YYYY-MM-DD)  # YYYY-MM-DD\n' in out  # common, from the cell
    assert "    n: int = 3  # how many\n" in out  # alpha: inferred from its cell


# -- export_raw_csv: a common parameter of every report (issue 18) -------------------


def test_export_raw_csv_is_a_common_parameter_of_every_report():
    reports = runner.discover()
    names = [r.name for r in reports]
    assert all("export_raw_csv" in r.params for r in reports)
    # top level: every report; reports.<r> wins over it
    plan = _plan(
        reports,
        params_file={"export_raw_csv": True, "reports": {"cohort": {"export_raw_csv": False}}},
    )
    assert {r: plan.params[r]["export_raw_csv"] for r in names} == {
        r: r != "cohort" for r in names
    }
    # -P name wins over reports.<r>; -P report.name over -P name
    plan = _plan(
        reports,
        params_file={"reports": {"cohort": {"export_raw_csv": False}}},
        assignments=["export_raw_csv=true", "scoring.export_raw_csv=false"],
    )
    assert {r: plan.params[r]["export_raw_csv"] for r in names} == {
        r: r != "scoring" for r in names
    }
    # not given: nothing injected, the notebook's default (False) stands
    assert all("export_raw_csv" not in p for p in _plan(reports).params.values())
    with pytest.raises(UsageError, match="export_raw_csv = 'maybe' is not allowed; expected true"):
        _plan(reports, assignments=["export_raw_csv=maybe"])


def test_every_notebook_hands_export_raw_csv_to_its_report():
    import nbformat

    for spec in runner.discover():
        nb = nbformat.read(str(spec.path), as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert code.count("export_raw_csv=export_raw_csv") == 1, spec.name
        assert spec.notebook["export_raw_csv"].default is False, spec.name


# -- --out pointing at a file (issue 18) --------------------------------------------


@pytest.mark.parametrize("inside", [False, True], ids=["file", "inside-a-file"])
def test_out_pointing_at_a_file_is_a_usage_error_naming_it(
    tiny_notebooks, tmp_path, capsys, inside
):
    blocker = tmp_path / "report.txt"
    blocker.write_text("not a folder\n", encoding="utf-8")
    out = blocker / "sub" if inside else blocker
    with pytest.raises(UsageError, match="not a folder") as err:
        _plan(runner.discover(tiny_notebooks), out=str(out))
    assert repr(str(out)) in str(err.value) and "\n" not in str(err.value)
    if inside:
        assert f"is inside {str(blocker)!r}, which is a file" in str(err.value)
    code = cli.main(["--notebooks", str(tiny_notebooks), "run", "all", "--out", str(out),
                     "--as-of", "2026-06-30"])  # fmt: skip
    assert code == 2
    message = capsys.readouterr().err
    assert str(out) in message and "Traceback" not in message
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"  # left as it was


# -- the engine (issue 21) --------------------------------------------------------


def test_the_engine_is_the_flag_else_the_file_else_load_options_else_the_environment(
    tiny_notebooks, monkeypatch
):
    reports = runner.discover(tiny_notebooks)
    pg, other = "postgres://ana@db:5432/crm", "postgres://bo@wh/crm"
    monkeypatch.delenv("WORKBOOK_ENGINE", raising=False)
    assert _plan(reports).engine is None  # embedded DuckDB
    monkeypatch.setenv("WORKBOOK_ENGINE", other)
    assert _plan(reports).engine == other
    nested = {"load_options": {"engine": pg, "encoding": "cp932"}}
    plan = _plan(reports, params_file=nested)
    assert plan.engine == pg
    assert plan.load_options == {"encoding": "cp932"}  # the URL never goes to a notebook
    assert _plan(reports, params_file={"engine": f" {pg} "}).engine == pg
    assert _plan(reports, params_file={"engine": pg}, engine="duckdb").engine is None
    assert _plan(reports, params_file={"engine": "duckdb"}, engine=other).engine == other
    # the flag beats the file even when the file names two engines
    both = {"engine": pg, "load_options": {"engine": "duckdb"}}
    assert _plan(reports, params_file=both, engine=other).engine == other


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"engine": "crm.db"}, "engine 'crm.db' is not a connection string"),
        ({"params_file": {"engine": 5}}, "engine must be a connection string"),
        (
            {"params_file": {"engine": "postgres://a@x/db", "load_options": {"engine": "duckdb"}}},
            "engine and load_options.engine name different engines",
        ),
        (
            {"params_file": {"load_options": {"engine": "postgres://a:secret@x/db?"}}, "engine": "x"},
            "--engine 'x' is not a connection string",
        ),
        ({"assignments": ["engine=duckdb"]}, "set it with --engine URL or top-level engine"),
    ],
    ids=["not a URL", "not text", "two engines", "flag checked", "-P"],
)
def test_a_bad_engine_setting_is_a_usage_error(tiny_notebooks, settings, message, monkeypatch):
    monkeypatch.delenv("WORKBOOK_ENGINE", raising=False)
    with pytest.raises(UsageError) as err:
        _plan(runner.discover(tiny_notebooks), **settings)
    assert message in str(err.value) and "secret" not in str(err.value)


def test_cli_engine_flag_reaches_the_plan_and_hides_the_password(
    tiny_notebooks, monkeypatch, tmp_path, capsys
):
    monkeypatch.chdir(tmp_path)
    seen = {}

    def fake_run_plan(plan, progress):
        seen["plan"] = plan
        raise UsageError("stop here")

    monkeypatch.setattr(runner, "run_plan", fake_run_plan)
    monkeypatch.setenv("WORKBOOK_NOTEBOOKS", str(tiny_notebooks))
    url = "postgres://ana:s3cret@db:5432/crm"
    assert cli.main(["run", "all", "--engine", url, "--as-of", "2025-03-31"]) == 2
    assert seen["plan"].engine == url
    said = capsys.readouterr()
    assert "engine postgres://ana:***@db:5432/crm" in said.out + said.err
    assert "s3cret" not in said.out + said.err
