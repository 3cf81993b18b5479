"""SQL snapshots of every report's relational expressions for the warehouse dialects.

Each ``workbook.analyses.<report>.relational`` module that defines
``sql_examples(tables) -> dict[name, ibis expression]`` (``tables`` being
:func:`workbook.engine.canonical_tables`, unbound) has each expression compiled
with ``ibis.to_sql(expr, dialect=d)`` for every dialect in :data:`DIALECTS` and
compared with the reviewed file ``tests/engine/sql/<d>/<report>.<name>.sql``.
The SQL is compiled here, never executed (PostgreSQL runs the expressions
themselves in the backend tests); see ``tests/engine/sql/README.md``.

After a deliberate change, rewrite the snapshots and review the diff::

    WORKBOOK_UPDATE_SQL=1 python -m pytest -q tests/engine/test_dialects.py
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import os
import pkgutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import engines
import ibis
import pytest

from workbook import engine as E

#: Warehouse dialects the snapshots are kept for.
DIALECTS = engines.WAREHOUSE_DIALECTS
#: Where the reviewed SQL lives: ``SQL_DIR / <dialect> / "<report>.<name>.sql"``.
SQL_DIR = Path(__file__).parent / "sql"
#: Set to 1 to rewrite the snapshots (and remove those no example makes any more).
UPDATE_ENV = "WORKBOOK_UPDATE_SQL"


def discover(package: str = "workbook.analyses") -> dict[str, Callable]:
    """``{report: sql_examples}`` for every ``<package>.<report>.relational`` defining it.

    Reports without a ``relational`` module, and ``relational`` modules without
    a callable ``sql_examples``, are left out.
    """
    root = importlib.import_module(package)
    found = {}
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"{package}.{info.name}.relational"
        if importlib.util.find_spec(name) is None:
            continue
        examples = getattr(importlib.import_module(name), "sql_examples", None)
        if callable(examples):
            found[info.name] = examples
    return found


def compiled(examples: dict[str, Callable]) -> dict[tuple[str, str, str], str]:
    """``{(dialect, report, name): SQL}`` of every example, ending in one newline."""
    out = {}
    for report, make_examples in examples.items():
        exprs = make_examples(E.canonical_tables())
        assert isinstance(exprs, dict) and exprs, f"{report}.relational.sql_examples gave {exprs!r}"
        for name, expr in exprs.items():
            for dialect in DIALECTS:
                out[dialect, report, name] = str(ibis.to_sql(expr, dialect=dialect)).strip() + "\n"
    return out


def snapshot_path(root: Path, dialect: str, report: str, name: str) -> Path:
    return root / dialect / f"{report}.{name}.sql"


def check(root: Path, dialect: str, report: str, name: str, sql: str, *, update: bool) -> str:
    """Compare ``sql`` with its snapshot under ``root`` (or write it); a problem, or ''."""
    path = snapshot_path(root, dialect, report, name)
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")
        return ""
    if not path.is_file():
        return (
            f"no reviewed SQL snapshot {path} for {report}.{name} in {dialect}: "
            f"write it with {UPDATE_ENV}=1 and review it"
        )
    want = path.read_text(encoding="utf-8")
    if want == sql:
        return ""
    diff = "".join(
        difflib.unified_diff(
            want.splitlines(keepends=True),
            sql.splitlines(keepends=True),
            str(path),
            "compiled now",
        )
    )
    return (
        f"{report}.{name} compiles to different {dialect} SQL than its reviewed snapshot; "
        f"if the change is meant, rerun with {UPDATE_ENV}=1 and review the diff:\n{diff}"
    )


def stale(root: Path, made: set[tuple[str, str, str]], *, update: bool) -> list[Path]:
    """Snapshot files under ``root`` that no example makes (removed when updating)."""
    wanted = {snapshot_path(root, *key) for key in made}
    extra = sorted(p for d in DIALECTS for p in (root / d).glob("*.sql") if p not in wanted)
    if update:
        for path in extra:
            path.unlink()
        return []
    return extra


def _updating() -> bool:
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


_EXAMPLES = discover()
_SQL = compiled(_EXAMPLES)


def test_every_example_matches_its_reviewed_snapshot():
    # One test over all examples (not parametrised): with no relational module yet an
    # empty parameter set would be reported as skipped.
    update = _updating()
    problems = [check(SQL_DIR, *key, sql, update=update) for key, sql in sorted(_SQL.items())]
    problems = [p for p in problems if p]
    assert not problems, f"{len(problems)} of {len(_SQL)} snapshots differ:\n" + "\n".join(problems)


def test_every_snapshot_belongs_to_an_example():
    extra = stale(SQL_DIR, set(_SQL), update=_updating())
    assert not extra, f"snapshots no sql_examples make any more (rerun with {UPDATE_ENV}=1): {extra}"


def test_every_dialect_compiles():
    t = E.canonical_tables()["leads"]
    for dialect in DIALECTS:
        assert "leads" in ibis.to_sql(t.count().as_table(), dialect=dialect), dialect


# -- the discovery and snapshot mechanism, on a tiny package of our own ---------------

TINY_RELATIONAL = '''
import ibis


def sql_examples(tables):
    leads = tables["leads"]
    scored = leads.filter(leads.score.notnull())
    return {
        "scored_per_month": scored.group_by(month=scored.created_at.truncate("M")).agg(
            leads=scored.count(), converted=ibis.ifelse(scored.converted_at.notnull(), 1, 0).sum()
        )
    }
'''


@pytest.fixture
def tiny_package(tmp_path, monkeypatch):
    """``tinywb.analyses`` with report ``alpha`` (has examples), ``beta`` (no relational
    module) and ``gamma`` (a relational module without ``sql_examples``)."""
    base = tmp_path / "tinywb"
    reports = {
        "alpha": {"relational.py": TINY_RELATIONAL},
        "beta": {"core.py": "X = 1\n"},
        "gamma": {"relational.py": "def helper(tables):\n    return {}\n"},
    }
    for folder in (base, base / "analyses"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text("")
    for report, files in reports.items():
        (base / "analyses" / report).mkdir()
        (base / "analyses" / report / "__init__.py").write_text("")
        for file, text in files.items():
            (base / "analyses" / report / file).write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "tinywb.analyses"
    for name in [m for m in sys.modules if m == "tinywb" or m.startswith("tinywb.")]:
        del sys.modules[name]


def test_discovery_finds_only_relational_modules_with_sql_examples(tiny_package):
    assert list(discover(tiny_package)) == ["alpha"]


def test_snapshots_are_written_compared_and_pruned(tiny_package, tmp_path):
    root = tmp_path / "sql"
    made = compiled(discover(tiny_package))
    assert set(made) == {(d, "alpha", "scored_per_month") for d in DIALECTS}
    # Each dialect quotes and spells the same query its own way.
    assert "`leads`" in made["bigquery", "alpha", "scored_per_month"]
    assert "IFF(" in made["snowflake", "alpha", "scored_per_month"]
    assert '"leads"' in made["postgres", "alpha", "scored_per_month"]

    key = ("postgres", "alpha", "scored_per_month")
    assert "no reviewed SQL snapshot" in check(root, *key, made[key], update=False)
    for k, sql in made.items():
        assert check(root, *k, sql, update=True) == ""
    assert (root / "snowflake" / "alpha.scored_per_month.sql").read_text() == made[
        "snowflake", "alpha", "scored_per_month"
    ]
    assert all(check(root, *k, sql, update=False) == "" for k, sql in made.items())

    changed = made[key].replace("COUNT(*)", "COUNT(1)")
    problem = check(root, *key, changed, update=False)
    assert "different postgres SQL" in problem and "+  COUNT(1)" in problem

    old = root / "databricks" / "alpha.retired.sql"
    old.write_text("SELECT 1\n")
    assert stale(root, set(made), update=False) == [old]
    assert stale(root, set(made), update=True) == [] and not old.exists()
    assert stale(root, set(made), update=False) == []
