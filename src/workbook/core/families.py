"""Corporate families: the ultimate parent of every account, computed once.

The hierarchy report, the whitespace report and validation all use
:func:`ultimate_parents`, so the rules below live in one place.

Rules
-----
* Follow ``parent_id`` until an account with no parent; that account is the
  *root* (ultimate parent) of every account on the way.
* An account whose ``parent_id`` is not among the accounts is its own root and
  gets the issue ``missing_parent``.
* Accounts on a cycle (a self-parent is a cycle of one) get the issue
  ``cycle``; their root is the smallest ``account_id`` on the cycle.
  Ids are compared as integers when every id is an integer, otherwise as text.
* Accounts that lead into a cycle take that cycle's root and are not flagged.

The walk is vectorised by pointer jumping (path doubling) over integer codes:
``log2(n)`` rounds of NumPy fancy indexing, no recursion and no row loops.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CYCLE = "cycle"
MISSING_PARENT = "missing_parent"

TREE_COLUMNS = ["account_id", "parent_id", "root_id", "depth", "issue", "family_size"]


def id_order(ids: pd.Series) -> np.ndarray:
    """Rank of each id in "smallest account_id" order.

    Ids compare as integers when every id is a plain integer (``"9" < "10"``),
    otherwise as text. Returns an int64 array: 0 for the smallest id.
    """
    as_text = ids.astype("string[pyarrow]")
    all_integers = len(ids) > 0 and bool(
        pc.all(pc.match_substring_regex(pa.array(as_text), r"^\s*[+-]?\d{1,18}\s*$")).as_py()
    )
    if all_integers:
        key = as_text.str.strip().astype("int64").to_numpy()
    else:
        key = as_text.to_numpy(dtype=object)
    order = np.argsort(key, kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


def ultimate_parents(accounts: pd.DataFrame) -> pd.DataFrame:
    """Map every account to its ultimate parent (root).

    Parameters
    ----------
    accounts : DataFrame
        Canonical ``accounts`` table; uses ``account_id`` and ``parent_id``.
        ``account_id`` must be unique (validation guarantees it).

    Returns
    -------
    DataFrame
        One row per account, in the input order, with columns:

        ``account_id``, ``parent_id``
            As given.
        ``root_id``
            The ultimate parent, by the rules in the module docstring.
        ``depth``
            Steps from the account up to its root (0 for a root); missing
            (``<NA>``) for accounts on or leading into a cycle.
        ``issue``
            ``"cycle"``, ``"missing_parent"`` or missing.
        ``family_size``
            Number of accounts sharing the root.
    """
    account_ids = accounts["account_id"].astype("string").reset_index(drop=True)
    parent_ids = accounts["parent_id"].astype("string").reset_index(drop=True)
    n = len(account_ids)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in TREE_COLUMNS})

    own = np.arange(n, dtype=np.int64)
    index = pd.Index(account_ids)
    parent_code = index.get_indexer(parent_ids.fillna("\x00<none>"))
    has_parent = parent_ids.notna().to_numpy()
    missing_parent = has_parent & (parent_code < 0)

    # Roots point to themselves; a self-parent also points to itself but is a cycle.
    is_root = ~has_parent | missing_parent
    parent = np.where(is_root, own, parent_code)

    rank = id_order(account_ids)
    rounds = int(np.ceil(np.log2(max(n, 2)))) + 1
    jump = parent.copy()
    dist = np.where(is_root, 0, 1).astype(np.int64)
    min_rank = rank.copy()  # min rank over the 2**k nodes starting at each node
    for _ in range(rounds):
        dist = dist + dist[jump]
        min_rank = np.minimum(min_rank, min_rank[jump])
        jump = jump[jump]

    # After >= n steps every node sits on its root or on its cycle.
    terminal = jump
    reaches_root = is_root[terminal]
    # Terminals of cycle-bound nodes are exactly the cycle members.
    on_cycle = np.zeros(n, dtype=bool)
    on_cycle[terminal[~reaches_root]] = True

    by_rank = np.empty(n, dtype=np.int64)
    by_rank[rank] = own
    cycle_root = by_rank[min_rank[terminal]]
    root = np.where(reaches_root, terminal, cycle_root)

    issue = np.full(n, None, dtype=object)
    issue[missing_parent] = MISSING_PARENT
    issue[on_cycle] = CYCLE

    depth = pd.array(np.where(reaches_root, dist, 0), dtype="Int64")
    depth[~reaches_root] = pd.NA

    family_size = np.bincount(root, minlength=n)[root]
    return pd.DataFrame(
        {
            "account_id": account_ids,
            "parent_id": parent_ids,
            "root_id": account_ids.to_numpy()[root],
            "depth": depth,
            "issue": pd.Series(issue, dtype="string"),
            "family_size": family_size.astype(np.int64),
        }
    )


def hierarchy_issues(tree: pd.DataFrame) -> pd.DataFrame:
    """List hierarchy faults found by :func:`ultimate_parents`.

    Returns
    -------
    DataFrame
        Columns ``account_id``, ``issue`` (``cycle`` or ``missing_parent``)
        and ``detail`` (a sentence naming the missing parent, which has no
        name, or the cycle's size; the cycle's root is ``root_id`` of the
        tree, named beside it in reports), sorted by issue then account_id.
    """
    faults = tree[tree["issue"].notna()].copy()
    cycle_size = faults[faults["issue"] == CYCLE].groupby("root_id")["account_id"].transform("size")
    detail = pd.Series("", index=faults.index, dtype="string")
    is_missing = faults["issue"] == MISSING_PARENT
    detail[is_missing] = (
        "parent_id " + faults.loc[is_missing, "parent_id"] + " is not among the accounts"
    )
    is_cycle = faults["issue"] == CYCLE
    detail[is_cycle] = (
        "on a parent cycle of "
        + cycle_size.astype("string")
        + " account(s); the family root is set to one of them (see its root)"
    )
    out = faults.assign(detail=detail)[["account_id", "issue", "detail"]]
    return out.sort_values(["issue", "account_id"]).reset_index(drop=True)
