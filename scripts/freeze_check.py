"""Check that every exported CSV and every ``summary.json`` value is unchanged.

Usage::

    python scripts/freeze_check.py capture DIR [REPORT ...]   # run reports, keep their exports in DIR
    python scripts/freeze_check.py compare OLD NEW [REPORT ...]  # exit 1 and list differences

``capture`` runs ``workbook run all`` twice: on the bundled sample and on
``workbook sample --scale small --seed 1``, and copies each report's export
folder (``<report>/*.csv`` and ``summary.json``) to ``DIR/<dataset>/``.
``compare`` reads both trees and compares every CSV cell (floats to a
relative 1e-9) and every ``summary.json`` key. A refactor that must not
change behaviour keeps ``compare`` silent.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

DATASETS = ("bundled", "seed1")


def _run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=False)


def capture(target: Path, reports=(), *, jobs: int = 2) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seed1 = tmp / "seed1-data"
        _run([sys.executable, "-m", "workbook", "sample", "--out", str(seed1),
              "--scale", "small", "--seed", "1"])
        for name, data in (("bundled", None), ("seed1", seed1)):
            out = tmp / f"out-{name}"
            cmd = [sys.executable, "-m", "workbook", "run", *(reports or ["all"]),
                   "--out", str(out), "--jobs", str(jobs)]
            if data is not None:
                cmd += ["--data", str(data)]
            _run(cmd)
            collect(out, target / name)


def collect(out: Path, dest: Path) -> Path:
    """Copy each report's exports of run folder ``out`` (``<report>/*.csv``, ``*.json``) to ``dest``.

    ``dest`` is replaced. Returns ``dest``, ready for :func:`compare`.
    """
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        files = [f for f in folder.iterdir() if f.suffix in (".csv", ".json")]
        if not files:
            continue
        (dest / folder.name).mkdir()
        for f in files:
            shutil.copy2(f, dest / folder.name / f.name)
    return dest


def _close(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            fa, fb = float(a), float(b)
        except (TypeError, ValueError):
            return a == b
        if math.isnan(fa) and math.isnan(fb):
            return True
        return math.isclose(fa, fb, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _compare_csv(a: Path, b: Path) -> list[str]:
    fa, fb = pd.read_csv(a, dtype=str, keep_default_na=False), pd.read_csv(
        b, dtype=str, keep_default_na=False
    )
    if list(fa.columns) != list(fb.columns):
        return [f"{a.name}: columns {list(fa.columns)} != {list(fb.columns)}"]
    if len(fa) != len(fb):
        return [f"{a.name}: {len(fa)} rows != {len(fb)} rows"]
    out = []
    for col in fa.columns:
        x, y = fa[col], fb[col]
        diff = x != y
        if not diff.any():
            continue
        nx, ny = pd.to_numeric(x[diff], errors="coerce"), pd.to_numeric(y[diff], errors="coerce")
        numeric = nx.notna() & ny.notna()
        close = numeric & ((nx - ny).abs() <= 1e-9 * ny.abs().clip(lower=1e-3))
        bad = diff[diff].index[~close.to_numpy()]
        if len(bad):
            i = bad[0]
            out.append(f"{a.name}[{col}]: {len(bad)} cells differ, e.g. row {i}: "
                       f"{x[i]!r} != {y[i]!r}")
    return out


def compare(old: Path, new: Path, reports=()) -> list[str]:
    problems: list[str] = []

    def files(root: Path) -> set[Path]:
        rels = {p.relative_to(root) for p in root.rglob("*") if p.is_file()}
        return {r for r in rels if not reports or r.parts[1] in reports}

    old_files, new_files = files(old), files(new)
    for missing in sorted(old_files - new_files):
        problems.append(f"missing in new: {missing}")
    for extra in sorted(new_files - old_files):
        problems.append(f"new file: {extra}")
    for rel in sorted(old_files & new_files):
        a, b = old / rel, new / rel
        if rel.suffix == ".csv":
            problems += [f"{rel.parent}/{p}" for p in _compare_csv(a, b)]
        else:
            ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
            for key in sorted(set(ja) | set(jb)):
                if key == "source" and all(str(j.get(key, "")).startswith("/tmp/") for j in (ja, jb)):
                    continue  # the temporary folder capture() wrote the seed-1 sample to
                if key not in ja or key not in jb or not _close(ja[key], jb[key]):
                    problems.append(f"{rel}: {key}: {ja.get(key)!r} != {jb.get(key)!r}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "capture":
        capture(Path(argv[1]), argv[2:])
        return 0
    if len(argv) >= 3 and argv[0] == "compare":
        problems = compare(Path(argv[1]), Path(argv[2]), argv[3:])
        for p in problems:
            print(p)
        print(f"{len(problems)} difference(s)")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
