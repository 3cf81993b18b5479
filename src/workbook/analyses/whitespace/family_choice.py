"""Family choice: which family the report shows, and its label and gaps."""

from __future__ import annotations

import pandas as pd

from workbook.analyses.hierarchy import default_period, family_revenue
from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs
from workbook.core.families import ultimate_parents

from .book import ids

__all__ = ["choose_family", "family_gaps", "family_label"]


@shared_docs
def choose_family(
    family: str,
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of,
    tree: pd.DataFrame | None = None,
) -> str:
    """Resolve the ``family`` parameter to a family root ``account_id``.

    * ``""`` (or None): the family with the largest revenue in
      :func:`workbook.analyses.hierarchy.default_period` (the 12 months ending on
      ``as_of``), by :func:`workbook.analyses.hierarchy.family_revenue` (won
      opportunities closed in the period); ties go to the larger family,
      then the smaller ``root_id``.
    * an ``account_id`` (root or member): that account's family;
    * otherwise an exact account name (root or member), if exactly one
      account has it.

    Parameters
    ----------
    family : str or None
        The report's ``family`` parameter.
    accounts, opportunities : DataFrame
        Canonical tables (``opportunities`` is read only for the default).
    {as_of}
    {ws_tree}

    Returns
    -------
    str
        The family's root ``account_id``.

    Raises
    ------
    ValueError
        When nothing matches, a name is ambiguous, or there are no accounts.
    """
    require_frame(accounts, "accounts", ["account_id", "name"])
    if tree is None:
        tree = ultimate_parents(accounts)
    if len(tree) == 0:
        raise ValueError("there are no accounts, so there is no family to show")
    root_of = pd.Series(tree["root_id"].to_numpy(), index=tree["account_id"].to_numpy())
    wanted = "" if family is None else str(family).strip()
    if not wanted:
        require_frame(opportunities, "opportunities")
        return _largest_by_revenue(accounts, opportunities, as_of=as_of, tree=tree)
    if wanted in root_of.index:
        return str(root_of[wanted])
    names = accounts["name"].astype("string")
    hits = ids(accounts["account_id"])[names == wanted].dropna()
    if len(hits) == 1:
        return str(root_of[hits.iloc[0]])
    if len(hits) > 1:
        raise ValueError(
            f"family {wanted!r} names {len(hits)} accounts; pass one of their account_id values"
        )
    raise ValueError(f"family {wanted!r} is neither an account_id nor an account name")


def _largest_by_revenue(accounts, opportunities, *, as_of, tree) -> str:
    start, end = default_period(as_of)
    revenue = family_revenue(accounts, opportunities, start=start, end=end, tree=tree)
    best = revenue.sort_values(
        ["revenue", "member_accounts", "root_id"],
        ascending=[False, False, True],
        kind="stable",
    )
    return str(best["root_id"].iloc[0])


def family_label(accounts: pd.DataFrame, family_id: str) -> str:
    """The root account's name, for titles (the id itself when the name is missing).

    Parameters
    ----------
    accounts : DataFrame
        Canonical ``accounts``.
    family_id : str
        A family root ``account_id``.

    Returns
    -------
    str
    """
    require_frame(accounts, "accounts", ["account_id", "name"])
    names = accounts.loc[ids(accounts["account_id"]) == family_id, "name"]
    if len(names) == 0 or pd.isna(names.iloc[0]):
        return str(family_id)
    return str(names.iloc[0])


def family_gaps(gaps: pd.DataFrame, family_id: str) -> pd.DataFrame:
    """The rows of :func:`sibling_gaps` for one family, in priority order.

    Parameters
    ----------
    gaps : DataFrame
        Output of :func:`sibling_gaps`.
    family_id : str
        A family root ``account_id``.

    Returns
    -------
    DataFrame
        The rows of ``gaps`` with that ``family_id``, index reset.
    """
    require_frame(gaps, "gaps", ["family_id"])
    return gaps[gaps["family_id"] == family_id].reset_index(drop=True)
