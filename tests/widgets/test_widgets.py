"""Interactive mode: in a live kernel every report shows its ipywidgets controls.

The runner passes ``interactive=False`` so static HTML never carries empty
widget boxes (see test_html_reports.py); here each report notebook runs in a
real Jupyter kernel with ``interactive=True``, as an analyst's JupyterLab
would, and must build its widgets without errors.
"""

from __future__ import annotations

import papermill
import pytest

from workbook import run as runner

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
REPORTS_WITH_WIDGETS = ["cohort", "scoring", "hierarchy", "whitespace", "engagement"]
#: Smaller resampling keeps the scoring run short; the widget path is the same.
FAST = {"scoring": {"n_boot": 50}}


@pytest.mark.parametrize("name", REPORTS_WITH_WIDGETS)
def test_report_shows_widgets_in_a_live_kernel(name, tmp_path):
    spec = {s.name: s for s in runner.discover()}[name]
    executed = papermill.execute_notebook(
        str(spec.path),
        str(tmp_path / f"{name}.ipynb"),
        parameters={"interactive": True, **FAST.get(name, {})},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
        # JupyterLab's own (TCP) kernel manager, as an analyst's front end uses;
        # a cell that stalls fails the test instead of blocking the suite.
        execution_timeout=600,
    )
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


