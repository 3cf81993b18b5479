"""One package per report: ``Params``, ``run(crm, params) -> Results``, ``narrative``.

Analyses never import presentation (``present``, ``plots``, ``widgets``).
"""

#: Report names, in the order of the index; each is ``workbook.analyses.<name>``.
REPORTS = ("data_quality", "cohort", "scoring", "hierarchy", "whitespace", "engagement")
