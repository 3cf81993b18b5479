"""Revenue per account and per corporate family in a period (run by the engine).

The definitions (won, in the period, revenue, family) are in
:mod:`workbook.analyses.hierarchy.relational`, as Ibis expressions; the
functions here run them with :mod:`workbook.engine` on the given tables and
return the small results as DataFrames.

Won opportunity
    ``is_won`` is true (a missing ``is_won`` counts as not won). Lost deals
    (closed, not won) and open deals never count, whatever their date.
Revenue
    Sum of ``amount`` over won opportunities whose ``close_date`` is in the
    period (:mod:`~workbook.analyses.hierarchy.period`). A missing amount adds
    nothing (and is counted by :func:`revenue_basis`).
Family
    All accounts sharing a ``root_id`` in the tree
    (:func:`workbook.core.families.ultimate_parents`). A family's revenue is
    the sum over all of its members.
"""

from __future__ import annotations

import pandas as pd

from workbook import engine as engines
from workbook.analyses.hierarchy import relational
from workbook.analyses.hierarchy._docs import shared_docs
from workbook.core.checks import require_frame
from workbook.core.families import ultimate_parents

__all__ = ["account_revenue", "family_revenue", "revenue_basis"]


def engine_of(engine) -> engines.Engine:
    """``engine``, else the process default (:func:`workbook.engine.default`)."""
    return engine if engine is not None else engines.default()


def tree_of(accounts: pd.DataFrame, tree: pd.DataFrame | None, *, engine=None) -> pd.DataFrame:
    """``tree`` when given, else :func:`~workbook.core.families.ultimate_parents` of ``accounts``."""
    if tree is None:
        return ultimate_parents(accounts, engine=engine)
    return require_frame(tree, "tree", ["account_id", "root_id"])


def _dtype(frame: pd.DataFrame, column: str):
    return frame[column].dtype if column in frame.columns else "string"


@shared_docs
def account_revenue(opportunities: pd.DataFrame, *, start, end, engine=None) -> pd.DataFrame:
    """Revenue per account in the period.

    Revenue is the sum of ``amount`` over opportunities with ``is_won`` true
    and ``close_date`` in ``[start, end]`` (calendar days, both inclusive).
    Lost and open deals, and won deals closed outside the period, are
    ignored; a missing amount adds 0. Computed by
    :func:`workbook.analyses.hierarchy.relational.account_revenue`.

    Parameters
    ----------
    opportunities : DataFrame
        Canonical ``opportunities`` table.
    {hierarchy_period}
    {hierarchy_engine}

    Returns
    -------
    DataFrame
        ``account_id``, ``revenue`` (float): one row per account with at least
        one won opportunity closed in the period (revenue may be 0 if every
        such amount is 0 or missing), sorted by ``account_id``.
    """
    require_frame(opportunities, "opportunities")
    eng = engine_of(engine)
    expr = relational.account_revenue(
        eng.table(opportunities, "opportunities"), start=start, end=end
    )
    return eng.frame(
        expr, types={"account_id": _dtype(opportunities, "account_id"), "revenue": "float64"}
    )


@shared_docs
def revenue_basis(
    opportunities: pd.DataFrame, accounts: pd.DataFrame, *, start, end, engine=None
) -> dict:
    """Count which opportunities count as revenue, and why the others do not.

    Computed by :func:`workbook.analyses.hierarchy.relational.revenue_basis`.

    Parameters
    ----------
    opportunities, accounts : DataFrame
        Canonical tables.
    {hierarchy_period}
    {hierarchy_engine}

    Returns
    -------
    dict
        ``won_in_period`` (counted), ``won_before_period``,
        ``won_after_period``, ``lost`` (closed and not won), ``open`` (not
        closed and not won), ``won_missing_amount`` (won in period, amount
        missing: counted as 0) and ``won_unknown_account`` (won in period,
        ``account_id`` not among the accounts: left out of every family).
    """
    require_frame(opportunities, "opportunities")
    require_frame(accounts, "accounts")
    eng = engine_of(engine)
    expr = relational.revenue_basis(
        eng.table(opportunities, "opportunities"),
        eng.table(accounts, "accounts"),
        start=start,
        end=end,
    )
    row = eng.arrow(expr).to_pylist()[0]
    return {name: int(value) for name, value in row.items()}


@shared_docs
def family_revenue(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    start,
    end,
    tree: pd.DataFrame | None = None,
    engine=None,
) -> pd.DataFrame:
    """Revenue per corporate family (ultimate parent) in the period.

    Every account's revenue (:func:`account_revenue`) is added to its root
    from ``tree`` (:func:`workbook.core.families.ultimate_parents`). Won
    opportunities whose ``account_id`` is not among the accounts belong to no
    family and are left out (counted by :func:`revenue_basis`), so the sum
    of ``revenue`` equals the revenue of the known accounts. Computed by
    :func:`workbook.analyses.hierarchy.relational.family_revenue`.

    Parameters
    ----------
    {hierarchy_tables}
    {hierarchy_period}
    {hierarchy_tree}
    {hierarchy_engine}

    Returns
    -------
    DataFrame
        One row per family (every root, including families with no revenue),
        sorted by ``root_id``:

        ``root_id``
            The family's ultimate parent.
        ``revenue``
            Sum over all members (0.0 when none has revenue).
        ``member_accounts``
            Number of accounts in the family, buying or not.
        ``buying_accounts``
            Members with at least one won opportunity closed in the period.
    """
    require_frame(accounts, "accounts")
    require_frame(opportunities, "opportunities")
    eng = engine_of(engine)
    tree = tree_of(accounts, tree, engine=eng)
    expr = relational.family_revenue(
        eng.table(tree, "tree"), eng.table(opportunities, "opportunities"), start=start, end=end
    )
    types = {
        "root_id": _dtype(tree, "root_id"),
        "revenue": "float64",
        "member_accounts": "int64",
        "buying_accounts": "int64",
    }
    return eng.frame(expr, types=types)[list(types)]
