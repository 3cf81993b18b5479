"""Rep lists: what each account owner should pitch first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbook.core.checks import require_frame
from workbook.core.docs import shared_docs

from .book import empty
from .columns import OWNER_GAP_COLUMNS

__all__ = ["top_gaps_by_owner"]


@shared_docs
def top_gaps_by_owner(
    gaps: pd.DataFrame,
    *,
    users: pd.DataFrame | None = None,
    top_n: int = 20,
) -> pd.DataFrame:
    """What each rep should pitch first: the ``top_n`` gaps per account owner.

    The owner of a gap is the gap account's ``owner_id``; gaps of accounts
    without an owner form one group with a missing ``owner_id``. Within an
    owner, gaps are ranked by ``priority`` descending (NaN last), then
    family_id, account_id, product_id; ``rank`` starts at 1 and rows with
    ``rank <= top_n`` are kept. ``owner_name`` comes from ``users`` when
    given.

    Parameters
    ----------
    {ws_gaps}
    users : DataFrame, optional
        Canonical ``users`` (``owner_id``, ``name``), for ``owner_name``.
    top_n : int, default 20
        Gaps kept per owner (at least 1).

    Returns
    -------
    DataFrame
        Columns :data:`OWNER_GAP_COLUMNS`, sorted by owner_id (missing last)
        then rank.

    Raises
    ------
    ValueError
        ``top_n < 1``.
    """
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, got {top_n!r}")
    require_frame(gaps, "gaps")
    if users is not None:
        require_frame(users, "users")
    if gaps.empty:
        return empty(OWNER_GAP_COLUMNS)
    ranked = gaps.sort_values(
        ["priority", "family_id", "account_id", "product_id"],
        ascending=[False, True, True, True],
        na_position="last",
        kind="stable",
    )
    ranked = ranked.assign(rank=ranked.groupby("owner_id", dropna=False, sort=False).cumcount() + 1)
    ranked = ranked.loc[ranked["rank"] <= top_n]
    if users is not None and "name" in users.columns:
        names = users[["owner_id", "name"]].rename(columns={"name": "owner_name"})
        names = names.astype({"owner_id": "string", "owner_name": "string"})
        ranked = ranked.astype({"owner_id": "string"}).merge(names, on="owner_id", how="left")
    else:
        ranked = ranked.assign(owner_name=pd.Series(pd.NA, index=ranked.index, dtype="string"))
    ranked = ranked.sort_values(["owner_id", "rank"], na_position="last", kind="stable")
    ranked["rank"] = ranked["rank"].astype(np.int64)
    return ranked.reset_index(drop=True)[OWNER_GAP_COLUMNS]
