"""The data-quality report's one call: ``run(crm)`` computes every table, figure and sentence."""

from __future__ import annotations

from workbook.core import families
from workbook.core.checks import require_crm
from workbook.core.names import Names
from workbook.data.coercion import empty_table
from workbook.data.model import ACCOUNTS
from workbook.engine import for_crm

from .depths import depth_distribution
from .integrity import referential_integrity
from .narrative import headline
from .params import Params
from .results import Results
from .tables import date_ranges, row_counts, warnings_by_table

__all__ = ["run"]


def run(crm, params: Params | None = None, **overrides) -> Results:
    """Describe the loaded CRM and what validation found in it.

    Parameters
    ----------
    crm : CrmData
        From :func:`workbook.load`; its ``quality`` record gives the warnings.
    params : Params, optional
        The report has no parameters of its own; ``Params()`` by default.
    **overrides
        Parameter values replacing those of ``params`` (none exist, so any
        name raises :class:`~workbook.core.params.ParamError`).

    Returns
    -------
    Results
        Tables ``row_counts``, ``date_ranges``, ``warnings``, ``integrity``,
        ``hierarchy_depths``, ``hierarchy_faults`` (``account_id``,
        ``account_name``, ``issue``, ``detail``), ``warnings_by_table``
        (shown, not exported), the
        headline ``cards`` and ``sentences``, and ``figures`` for
        ``summary.json``.

    Raises
    ------
    TypeError
        ``crm`` is not a ``CrmData``, or ``params`` not this report's ``Params``.
    ValueError
        ``crm`` was loaded with ``validate=False`` (no ``quality`` record).
    ParamError
        An unknown override.
    """
    require_crm(crm)
    params = Params.resolve(params, overrides)
    if crm.quality is None:
        raise ValueError("crm has no quality record: load it with validate=True")
    counts = row_counts(crm.tables)
    warnings = crm.quality.to_frame()
    integrity = referential_integrity(crm.tables)
    # An export without accounts (e.g. leads only) has no hierarchy to check.
    accounts = crm.get(ACCOUNTS)
    tree = families.ultimate_parents(
        accounts if accounts is not None else empty_table(ACCOUNTS), engine=for_crm(crm)
    )
    depths = depth_distribution(tree)
    # each faulty account's name beside its id (an account missing its name: blank)
    faults = Names.of(crm).beside_ids(families.hierarchy_issues(tree))
    summary = headline(counts, warnings, integrity, faults)
    figures = {
        "fingerprint": crm.fingerprint,
        "source": crm.source,
        "row_counts": crm.row_counts(),
        "unknown_reference_rows": int(integrity["unknown_rows"].sum()),
        "hierarchy_depths": {
            str(k): int(v) for k, v in depths.set_index("label")["accounts"].items()
        },
    }
    return Results(
        params=params,
        as_of=crm.as_of,
        figures=figures,
        sentences=summary.sentences,
        cards=summary.cards,
        row_counts=counts,
        date_ranges=date_ranges(crm.tables),
        warnings=warnings,
        integrity=integrity,
        hierarchy_depths=depths,
        hierarchy_faults=faults,
        warnings_by_table=warnings_by_table(warnings, counts),
    )
