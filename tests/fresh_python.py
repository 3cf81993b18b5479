"""Run code in a fresh interpreter (tests only): what a new process imports, not this one."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def fresh_python(code: str) -> str:
    """Run ``code`` (dedented) with ``python -c`` in a new process; its stdout, stripped.

    Raises ``subprocess.CalledProcessError`` (with the child's stderr) if it fails.
    """
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()
