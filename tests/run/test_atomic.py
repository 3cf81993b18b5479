"""Publishing the whole run as one unit: kills, full disk, read-only, foreign files, locks.

Kills happen at each publish step through the injectable hook of
:func:`workbook.run.run_plan` (``publish_child.py``), never by timing.
Each run's files carry its tag, so "entirely the old run or entirely the new
one" is checked file by file: every visible file holds one tag, the same for
all, and the set of visible paths is exactly that run's.
"""

from __future__ import annotations

import errno
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from workbook import cli
from workbook import run as runner
from workbook.run import execute as run_execute
from workbook.run.lock import OutputLock, kernel_dir

run_publish = importlib.import_module("workbook.run.publish")  # the module, not the function

CHILD = Path(__file__).with_name("publish_child.py")


def _child_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("publish_child", CHILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fake_execute = _child_module().fake_execute
SRC = Path(__file__).resolve().parents[2] / "src"
OLD, NEW, THIRD = "AAA111", "BBB222", "CCC333"


def _visible(out: Path) -> dict[str, str]:
    """What a user can read under OUT (through the links), workbook's own folder excluded."""
    seen = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(".workbook") or not path.is_file():  # a dangling link is absent
            continue
        seen[rel] = path.read_text(encoding="utf-8")
    return seen


def _expected_paths(tag: str) -> set[str]:
    paths = {"index.html", "run.json"}
    for r in ("alpha", "beta"):
        paths |= {f"{r}.html", f"{r}.ipynb", f"{r}/summary.json", f"{r}/numbers.csv"}
        paths.add(f"{r}/{tag}.csv")
    return paths


def _run_tag(seen: dict[str, str]) -> str:
    """The one tag every visible file holds (fails on a mixed folder)."""
    tags = {t for t in (OLD, NEW, THIRD) if any(t in text for text in seen.values())}
    assert len(tags) == 1, f"mixed output: {tags}"
    (tag,) = tags
    for rel, text in seen.items():
        assert tag in text, f"{rel} is not from run {tag}"
    assert set(seen) == _expected_paths(tag)
    return tag


def _child(notebooks, out, tag, *extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{CHILD.parent}"}
    return subprocess.run(
        [sys.executable, str(CHILD), str(notebooks), str(out), tag, *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _kernel_dirs(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"wbk-{pid}-*"))


@pytest.mark.parametrize("sig", ["KILL", "TERM"])
@pytest.mark.parametrize("step", runner.PUBLISH_STEPS)
def test_a_kill_at_any_publish_step_leaves_entirely_the_old_or_the_new_run(
    tiny_notebooks, tmp_path, step, sig
):
    out = tmp_path / "out"
    assert _child(tiny_notebooks, out, OLD).returncode == 0
    assert _run_tag(_visible(out)) == OLD

    proc = _child(tiny_notebooks, out, NEW, step, sig)
    assert proc.returncode == (-signal.SIGKILL if sig == "KILL" else 143), proc.stderr
    before_switch = runner.PUBLISH_STEPS.index(step) <= runner.PUBLISH_STEPS.index("switch")
    assert _run_tag(_visible(out)) == (OLD if before_switch else NEW)
    leftovers = list((out / ".workbook").glob("tmp-*"))
    if sig == "TERM":  # every clean-up path ran
        assert leftovers == [] and "Traceback" not in proc.stderr
    # the next run removes what a dead run left, and publishes cleanly
    assert _child(tiny_notebooks, out, THIRD).returncode == 0
    assert _run_tag(_visible(out)) == THIRD
    assert list((out / ".workbook").glob("tmp-*")) == []
    assert len(list((out / ".workbook" / "runs").iterdir())) == 1
    dangling = [p for p in out.rglob("*") if p.is_symlink() and not p.exists()]
    assert dangling == []


def _cli_run(notebooks, out, *extra) -> int:
    return cli.main(["--notebooks", str(notebooks), "run", "all", "--out", str(out),
                     "--as-of", "2025-03-31", *extra])  # fmt: skip


@pytest.fixture
def first_run(tiny_notebooks, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    monkeypatch.setattr(run_execute, "execute_report", fake_execute(OLD))
    assert _cli_run(tiny_notebooks, out) == 0
    monkeypatch.setattr(run_execute, "execute_report", fake_execute(NEW))
    capsys.readouterr()
    return out


def test_a_full_disk_exits_1_with_a_message_and_keeps_the_last_good_run(
    first_run, tiny_notebooks, monkeypatch, capsys
):
    def full(path, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(run_publish, "_write_atomic", full)
    assert _cli_run(tiny_notebooks, first_run) == 1
    err = capsys.readouterr().err
    assert "no space left on the device" in err and "last good reports are unchanged" in err
    assert "Traceback" not in err
    assert _run_tag(_visible(first_run)) == OLD
    assert list((first_run / ".workbook").glob("tmp-*")) == []


def test_a_read_only_subfolder_exits_1_and_changes_nothing(
    first_run, tiny_notebooks, monkeypatch, capsys
):
    """Injected: the tests run as root, whom chmod does not stop."""
    real = run_publish._symlink_over

    def read_only_beta(path, target):
        if path.parent.name == "beta":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        real(path, target)

    monkeypatch.setattr(run_publish, "_symlink_over", read_only_beta)
    assert _cli_run(tiny_notebooks, first_run) == 1
    err = capsys.readouterr().err
    assert "permission denied" in err and str(first_run / "beta") in err
    assert "Traceback" not in err
    # the links made before the failure were backed out: alpha/BBB222.csv is not there
    assert not (first_run / "alpha" / f"{NEW}.csv").is_symlink()
    assert _run_tag(_visible(first_run)) == OLD


def test_foreign_files_stay_and_one_in_a_needed_path_stops_the_run(
    first_run, tiny_notebooks, capsys
):
    notes = first_run / "alpha" / "my_notes.txt"
    notes.write_text("mine")
    (first_run / "my_dashboard.html").write_text("mine too")
    assert _cli_run(tiny_notebooks, first_run) == 0
    assert notes.read_text() == "mine" and not notes.is_symlink()
    assert (first_run / "my_dashboard.html").read_text() == "mine too"
    record = json.loads((first_run / "run.json").read_text())
    assert "alpha/my_notes.txt" not in record["manifest"]
    assert "alpha/numbers.csv" in record["manifest"]
    capsys.readouterr()

    page = first_run / "beta.html"
    page.unlink()
    page.write_text("a page the user put there")  # not workbook's link any more
    assert _cli_run(tiny_notebooks, first_run) == 2
    err = capsys.readouterr().err
    assert f"{page}: not written by workbook" in err and "--force" in err
    assert page.read_text() == "a page the user put there"

    assert _cli_run(tiny_notebooks, first_run, "--force") == 0
    assert page.is_symlink() and page.read_text() == f"{NEW} beta"
    assert notes.read_text() == "mine"


def test_an_output_folder_from_before_the_manifest_is_adopted_by_name(tmp_path):
    out = tmp_path / "out"
    (out / "hierarchy").mkdir(parents=True)
    files = {
        "index.html": "old index",
        "run.json": "{}",
        "hierarchy.html": "old page",
        "hierarchy.ipynb": "{}",
        "hierarchy/top_customers.csv": "a,b\n",
        "hierarchy/summary.json": "{}",
        "hierarchy/my_notes.txt": "mine",
        "notes.md": "mine",
    }
    for rel, text in files.items():
        (out / rel).write_text(text)
    legacy = run_publish.legacy_names(
        ["hierarchy"], {"hierarchy": {"summary.json", "top_customers.csv"}}
    )
    adopted = run_publish.adopt_legacy(out, legacy)
    assert sorted(adopted) == sorted(set(files) - {"hierarchy/my_notes.txt", "notes.md"})
    for rel, text in files.items():
        assert (out / rel).read_text() == text  # same content at every path
        assert (out / rel).is_symlink() == (rel in adopted)
    assert sorted(run_publish.read_manifest(out)) == sorted(adopted)


def test_a_run_into_a_folder_from_before_the_manifest_adopts_it_then_replaces_it(
    tiny_notebooks, tmp_path, monkeypatch
):
    # Without the adoption, alpha.html would be a foreign file in a path the run needs (exit 2).
    out = tmp_path / "out"
    (out / "alpha").mkdir(parents=True)
    for rel, text in {"alpha.html": "old page", "alpha/summary.json": "{}", "notes.md": "mine"}.items():
        (out / rel).write_text(text)
    monkeypatch.setattr(run_execute, "execute_report", fake_execute(NEW))
    assert _cli_run(tiny_notebooks, out) == 0
    assert (out / "notes.md").read_text() == "mine" and not (out / "notes.md").is_symlink()
    seen = _visible(out)
    del seen["notes.md"]
    assert _run_tag(seen) == NEW


def test_a_second_run_exits_75_naming_the_holder_or_waits(first_run, tiny_notebooks, capsys):
    with OutputLock(first_run):
        assert _cli_run(tiny_notebooks, first_run) == 75
    err = capsys.readouterr().err
    assert f"(PID {os.getpid()})" in err and "--wait" in err
    assert _run_tag(_visible(first_run)) == OLD

    lock = OutputLock(first_run).__enter__()
    codes = []
    waiter = threading.Thread(target=lambda: codes.append(_cli_run(tiny_notebooks, first_run,
                                                                   "--wait")))  # fmt: skip
    waiter.start()
    waiter.join(timeout=1.0)
    assert waiter.is_alive() and codes == []  # queued behind the holder
    lock.__exit__(None, None, None)
    waiter.join(timeout=60)
    assert codes == [0]
    assert _run_tag(_visible(first_run)) == NEW


def test_stale_temporary_and_kernel_folders_of_dead_runs_are_removed(first_run, tiny_notebooks):
    dead = first_run / ".workbook" / "tmp-999999-abcd"
    (dead / "work").mkdir(parents=True)
    sibling = first_run.parent / f"{first_run.name}.tmp-k3j4h5"
    sibling.mkdir()
    dead_kernels = Path(tempfile.gettempdir()) / "wbk-999999-test"
    dead_kernels.mkdir(exist_ok=True)
    assert _cli_run(tiny_notebooks, first_run) == 0
    assert not dead.exists() and not sibling.exists() and not dead_kernels.exists()
    with kernel_dir() as folder:
        assert os.environ["WORKBOOK_KERNEL_DIR"] == str(folder) and folder.is_dir()
    assert not folder.exists() and "WORKBOOK_KERNEL_DIR" not in os.environ

