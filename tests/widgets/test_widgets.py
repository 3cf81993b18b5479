"""Interactive mode: in a live kernel every report shows its ipywidgets controls.

The runner passes ``interactive=False`` so static HTML never carries empty
widget boxes (see test_html_reports.py); here each report notebook runs in a
real Jupyter kernel with ``interactive=True``, as an analyst's JupyterLab
would, and must build its widgets without errors.
"""

from __future__ import annotations

import shutil
import tempfile

import papermill
import pytest

from workbook import run as runner
from workbook.run.lock import KERNEL_DIR_ENV

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
REPORTS_WITH_WIDGETS = ["cohort", "scoring", "hierarchy", "whitespace", "engagement"]
#: Smaller resampling keeps the scoring run short; the widget path is the same.
FAST = {"scoring": {"n_boot": 50}}


def _execute(path, output, parameters: dict, cwd):
    return papermill.execute_notebook(
        str(path),
        str(output),
        parameters={"interactive": True, **parameters},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(cwd),
        # The runner's kernel manager (IPC sockets of its own), as `workbook run`
        # executes notebooks: under the parallel suite a TCP kernel sat idle for
        # minutes (both it and papermill in epoll, waiting). JupyterLab's TCP path
        # is exercised by the browser test (tests/e2e/test_browser.py). A cell
        # that stalls fails the test instead of blocking the suite.
        kernel_manager_class="workbook.run.kernels.LocalKernelManager",
        execution_timeout=300,
    )


@pytest.mark.parametrize("name", REPORTS_WITH_WIDGETS)
def test_report_shows_widgets_in_a_live_kernel(name, tmp_path, monkeypatch):
    # The kernel's connection file and IPC sockets go to a short folder of the
    # test's own (socket paths are limited to about 100 characters).
    sockets = tempfile.mkdtemp(prefix="wbk-")
    monkeypatch.setenv(KERNEL_DIR_ENV, sockets)
    spec = {s.name: s for s in runner.discover()}[name]
    try:
        executed = _execute(spec.path, tmp_path / f"{name}.ipynb", FAST.get(name, {}), tmp_path)
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    outputs = [o for cell in executed.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    widgets = [o for o in outputs if WIDGET_MIME in o.get("data", {})]
    assert widgets, f"{name}: no ipywidgets control was displayed in interactive mode"
    # Nothing was exported: out_dir stays empty in interactive use.
    assert not list(tmp_path.glob("**/*.csv"))


#: A live-kernel check of the scoring slider's callback: the explorer is built,
#: its slider moved from 75 to 80 as a front end sets it, and the text the
#: callback displays changes. A display-publisher hook in the kernel records
#: what the callback sent (a front end routes it into the widget's output).
SLIDER_CELLS = [
    "import workbook\n"
    "from workbook.analyses import scoring\n"
    "from workbook.widgets import scoring as scoring_widgets\n"
    "seen = []\n"
    "def hook(msg):  # every display message the kernel sends, then sent as usual\n"
    "    seen.append(msg['content'].get('data', {}).get('text/html', ''))\n"
    "    return msg\n"
    "get_ipython().display_pub.register_hook(hook)\n"
    "res = scoring.run(workbook.load(), n_boot=20, backtest_months=[3])\n"
    "box = scoring_widgets.explorer(res, n_boot=20)\n"
    "print(' '.join(seen)); seen.clear()",
    "box.children[0].value = 80.0\nprint(' '.join(seen)); seen.clear()",
]


def _texts(cell) -> str:
    return " ".join(str(o.get("text", "")) for o in cell.get("outputs", []))
