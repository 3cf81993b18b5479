"""One run per output folder, and no leftovers: the lock, stale folders, kernel files.

* :class:`OutputLock`: ``OUT/.workbook/lock``, held with :func:`fcntl.flock`
  for the whole run and holding the holder's PID. The kernel releases it
  when the process dies, however it dies, so a lock is never stale. A second
  run either waits (``wait=True``) or gets :class:`Busy` (exit 75).
* :func:`remove_stale`: under the lock, every ``OUT/.workbook/tmp-*`` folder
  belongs to a dead run (a live run would hold the lock), as do the
  ``<OUT>.tmp-*`` siblings older versions left; both are removed.
* :func:`kernel_dir`: one short-lived folder per run (``$TMPDIR/wbk-<pid>-*``)
  for the kernels' connection files and IPC sockets; removed on every exit
  path, and folders of dead PIDs are removed at the next run's start.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

__all__ = [
    "EXIT_BUSY",
    "KERNEL_DIR_ENV",
    "Busy",
    "OutputLock",
    "kernel_dir",
    "pid_alive",
    "remove_stale",
]

#: Exit code for "another run holds the output folder" (EX_TEMPFAIL).
EXIT_BUSY = 75
#: Environment variable telling :class:`workbook.run.kernels.LocalKernelManager` where to
#: put connection files and sockets.
KERNEL_DIR_ENV = "WORKBOOK_KERNEL_DIR"
_KERNEL_PREFIX = "wbk-"


class Busy(Exception):
    """Another live run holds the output folder's lock."""

    def __init__(self, out: Path, pid: int | None):
        self.out, self.pid = out, pid
        holder = f"PID {pid}" if pid else "another process"
        super().__init__(
            f"{out} is being written by another workbook run ({holder}); "
            "wait for it, or pass --wait to queue behind it"
        )


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID exists (``kill(pid, 0)``)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OutputLock:
    """Exclusive lock on ``OUT/.workbook/lock`` for one run (a context manager)."""

    def __init__(self, out: Path, *, wait: bool = False):
        self.out = Path(out)
        self.path = self.out / ".workbook" / "lock"
        self.wait = wait
        self._fd: int | None = None

    def holder(self) -> int | None:
        """The PID written by the run holding the lock (``None`` if unknown)."""
        try:
            return int(self.path.read_text().strip() or 0) or None
        except (OSError, ValueError):
            return None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            raise Busy(self.out, self.holder()) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def remove_stale(out: Path, *, keep: Path | None = None) -> list[Path]:
    """Remove temporary folders of dead runs; call only while holding :class:`OutputLock`.

    ``OUT/.workbook/tmp-*`` (except ``keep``) and the ``<OUT>.tmp-*``
    siblings of older versions. Returns what was removed.
    """
    out = Path(out)
    found = list((out / ".workbook").glob("tmp-*")) + list(out.parent.glob(f"{out.name}.tmp-*"))
    removed = []
    for path in found:
        if keep is not None and path == keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _kernel_dir_pid(path: Path) -> int | None:
    try:
        return int(path.name[len(_KERNEL_PREFIX) :].split("-", 1)[0])
    except ValueError:
        return None


@contextlib.contextmanager
def kernel_dir():
    """A fresh folder for this run's kernel files, exported as ``$WORKBOOK_KERNEL_DIR``.

    Removes the folders of dead runs first, and this one on exit (normal,
    error, KeyboardInterrupt or the SIGTERM the CLI turns into one).
    """
    base = Path(tempfile.gettempdir())
    for old in base.glob(f"{_KERNEL_PREFIX}*"):
        pid = _kernel_dir_pid(old)
        if pid is not None and not pid_alive(pid) and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    path = Path(tempfile.mkdtemp(prefix=f"{_KERNEL_PREFIX}{os.getpid()}-", dir=base))
    before = os.environ.get(KERNEL_DIR_ENV)
    os.environ[KERNEL_DIR_ENV] = str(path)
    try:
        yield path
    finally:
        if before is None:
            os.environ.pop(KERNEL_DIR_ENV, None)
        else:
            os.environ[KERNEL_DIR_ENV] = before
        shutil.rmtree(path, ignore_errors=True)
