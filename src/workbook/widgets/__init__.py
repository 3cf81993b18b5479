"""ipywidgets controls for JupyterLab; one module per analysis.

Builders here return a widget (usually ``ipywidgets.interactive``) and are
called from notebooks only when :func:`workbook.present.report.live_kernel` is true,
so static HTML never carries empty widget boxes.
"""
