"""Corporate families: the ultimate parent of every account, computed once.

The hierarchy report, the whitespace report, the data-quality report and
validation all use :func:`ultimate_parents`, so the rules below live in one
place, as one relational definition (:func:`tree_expr`, an Ibis expression
run by :mod:`workbook.engine`).

Rules
-----
* Follow ``parent_id`` until an account with no parent; that account is the
  *root* (ultimate parent) of every account on the way.
* An account whose ``parent_id`` is not among the accounts is its own root and
  gets the issue ``missing_parent``.
* Accounts on a cycle (a self-parent is a cycle of one) get the issue
  ``cycle``; their root is the smallest ``account_id`` on the cycle.
  Ids are compared as integers when every id is an integer, otherwise as text
  (:func:`id_ranks`).
* Accounts that lead into a cycle take that cycle's root and are not flagged.

Ibis has no recursive CTE, so the walk is pointer jumping (path doubling) in
rounds: every account starts pointing at its parent (a root at itself), and
each round joins the table to itself, ``jump = jump[jump]``,
``dist += dist[jump]``, ``min_rank = min(min_rank, min_rank[jump])``. After
``ceil(log2(n)) + 1`` rounds (:func:`rounds_for`) every account points at its
root or at an account on its cycle. The ranks of the id order are computed in
SQL too, so the whole tree is one expression over the ``accounts`` table.
"""

from __future__ import annotations

import functools
import math

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

CYCLE = "cycle"
MISSING_PARENT = "missing_parent"

TREE_COLUMNS = ["account_id", "parent_id", "root_id", "depth", "issue", "family_size"]

#: An id that compares as an integer: optional blanks, a sign, 1 to 18 digits.
#: The blank class is spelled out (RE2's ``\s``) so that DuckDB, PostgreSQL and
#: Arrow read it alike; 18 digits always fit in a 64-bit integer.
INTEGER_ID = r"^[\t\n\f\r ]*([+-]?[0-9]{1,18})[\t\n\f\r ]*$"

#: The column holding the input position in :func:`ultimate_parents`.
POSITION = "_position"

#: The name the compiled tree SQL reads its input from (see :func:`_compiled`).
_INPUT = "wb_family_tree_input"


def rounds_for(n: int) -> int:
    """Pointer-jumping rounds that settle ``n`` accounts: ``ceil(log2(max(n, 2))) + 1``.

    After ``k`` rounds each account has walked ``2**k`` steps, so ``2**k >= n``
    reaches the root or the cycle of every account; the extra round is a margin.
    More rounds never change the result.
    """
    return int(math.ceil(math.log2(max(int(n), 2)))) + 1


def id_ranks(
    accounts: ibis.Table, *, order: str | None = None, every: ibis.Table | None = None
) -> ibis.Table:
    """``accounts`` with ``rank``: 0 for the smallest ``account_id``.

    Ids compare as integers when every id matches :data:`INTEGER_ID` (so
    ``"9" < "10"``), otherwise as text (code-point order, which is byte order
    in DuckDB and in PostgreSQL with ``--locale=C``). Ids that are equal as
    integers (``"7"`` and ``"07"``) are ordered by the column ``order`` (the
    input position in :func:`ultimate_parents`), else by their text.

    Parameters
    ----------
    accounts : ibis.Table
        Has ``account_id`` (string) and, when given, ``order``.
    order : str, optional
        The tie-break column.
    every : ibis.Table, optional
        The table whose ``account_id`` decide whether ids compare as integers
        (default ``accounts``): :func:`tree_expr` ranks only the accounts
        with a parent, but the rule looks at every account.

    Returns
    -------
    ibis.Table
        The columns of ``accounts`` plus ``rank`` (int64, 0..n-1, no ties).
    """
    ids = accounts.account_id
    every = accounts if every is None else every
    all_integers = every.aggregate(a=every.account_id.re_search(INTEGER_ID).all()).a.as_scalar()
    keys = [
        ibis.ifelse(all_integers, ids.re_extract(INTEGER_ID, 1).cast("int64"), ibis.null("int64")),
        ibis.ifelse(all_integers, ibis.null("string"), ids),
        accounts[order] if order else ids,
    ]
    return accounts.mutate(rank=ibis.row_number().over(order_by=keys))


def _step(jumps: ibis.Table) -> ibis.Table:
    """One round of pointer jumping over the accounts that have a parent.

    Every node jumps to where its jump target jumps (``jump = jump[jump]``,
    ``dist += dist[jump]``, ``min_rank = min(min_rank, min_rank[jump])``). Roots
    are not in ``jumps``: they point at themselves with distance 0, so a node
    whose target is a root stays where it is.
    """
    here, there = jumps.view(), jumps.view()
    settled = there.node.isnull()
    return here.left_join(there, here.jump == there.node).select(
        node=here.node,
        jump=ibis.ifelse(settled, here.jump, there.jump),
        dist=ibis.ifelse(settled, here.dist, here.dist + there.dist),
        min_rank=ibis.ifelse(settled, here.min_rank, ibis.least(here.min_rank, there.min_rank)),
    )


def tree_expr(accounts: ibis.Table, *, rounds: int, order: str | None = None) -> ibis.Table:
    """The family tree of ``accounts`` as one Ibis expression (rules: module docstring).

    Parameters
    ----------
    accounts : ibis.Table
        ``account_id`` and ``parent_id`` (strings; ``account_id`` unique and
        not missing), and ``order`` when given.
    rounds : int
        Pointer-jumping rounds, at least :func:`rounds_for` of the number of
        accounts with a parent among the accounts.
    order : str, optional
        A column kept in the result and used to break ties in the id order
        (:func:`id_ranks`); :func:`ultimate_parents` passes the input position.

    Returns
    -------
    ibis.Table
        :data:`TREE_COLUMNS` (``depth`` and ``family_size`` int64, ``depth``
        NULL on or into a cycle), plus ``order`` when given; in no particular
        row order (sort it where the order matters, as
        :func:`ultimate_parents` does).

    Notes
    -----
    Accounts are coded by ``order`` (else by their text order); only the
    accounts with a parent among the accounts jump (a root is a fixed point),
    and they carry their rank in the id order, so a cycle's root is the node
    whose rank is the smallest ``min_rank`` met on the cycle. Each round is a self-join of the previous round (:func:`_step`),
    which is a common table expression referenced twice, so the SQL grows
    linearly with ``rounds``.
    """
    keep = {"account_id": accounts.account_id, "parent_id": accounts.parent_id.cast("string")}
    if order:
        keep[order] = accounts[order]
    given = accounts.select(**keep)
    # Node codes: the input position when given (no sort needed), else the text order.
    code = given[order] if order else ibis.row_number().over(order_by=given.account_id)
    coded = given.mutate(node=code)
    child, parent = coded.view(), coded.view()
    nodes = child.left_join(parent, child.parent_id == parent.account_id).select(
        node=child.node,
        account_id=child.account_id,
        parent_id=child.parent_id,
        parent=parent.node,
        missing_parent=child.parent_id.notnull() & parent.node.isnull(),
        **({order: child[order]} if order else {}),
    )
    # Only accounts with a parent among the accounts jump, and only they can be
    # on a cycle, so only they need a rank in the id order.
    linked = id_ranks(nodes.filter(nodes.parent.notnull()), order=order, every=given)
    jumps = linked.select(
        "node", jump=linked.parent, dist=ibis.literal(1, "int64"), min_rank=linked.rank
    )
    for _ in range(rounds):
        jumps = _step(jumps)

    # Every linked node now sits on its terminal: its root (a node that does
    # not jump) or a node on its cycle, whose root has the cycle's smallest rank.
    here, terminal = jumps.view(), jumps.view()
    reaches_root = terminal.node.isnull()
    settled = here.left_join(terminal, here.jump == terminal.node).select(
        node=here.node,
        terminal=here.jump,
        on_cycle_path=~reaches_root,
        root_node=ibis.ifelse(reaches_root, here.jump, ibis.null("int64")),
        root_rank=ibis.ifelse(reaches_root, ibis.null("int64"), terminal.min_rank),
        depth=ibis.ifelse(reaches_root, here.dist, ibis.null("int64")),
    )
    way, smallest = settled.view(), linked.view()
    settled = way.left_join(smallest, way.root_rank == smallest.rank).select(
        node=way.node,
        terminal=way.terminal,
        on_cycle_path=way.on_cycle_path,
        root=ibis.coalesce(way.root_node, smallest.node),
        depth=way.depth,
    )
    # The terminals of cycle-bound nodes are exactly the cycle members.
    on_cycle = settled.filter(settled.on_cycle_path).terminal
    node, path = nodes.view(), settled.view()
    placed = node.left_join(path, node.node == path.node).select(
        node=node.node,
        account_id=node.account_id,
        parent_id=node.parent_id,
        root=ibis.coalesce(path.root, node.node),
        depth=ibis.coalesce(path.depth, ibis.ifelse(path.node.isnull(), 0, ibis.null("int64"))),
        issue=ibis.cases(
            (node.node.isin(on_cycle), CYCLE),
            (node.missing_parent, MISSING_PARENT),
            else_=ibis.null("string"),
        ),
        **({order: node[order]} if order else {}),
    )
    sizes = placed.group_by("root").aggregate(family_size=placed.count())
    here, root, size = placed.view(), coded.view(), sizes.view()
    columns = {
        "account_id": here.account_id,
        "parent_id": here.parent_id,
        "root_id": root.account_id,
        "depth": here.depth,
        "issue": here.issue,
        "family_size": size.family_size,
    }
    if order:
        columns[order] = here[order]
    return (
        here.join(root, here.root == root.node)
        .join(size, here.root == size.root)
        .select(**columns)
    )


def _engine(engine):
    from workbook import engine as engines

    return engine if engine is not None else engines.default()


def _expr(table: ibis.Table, what: str, rounds: int) -> ibis.Table:
    """The tree (``what="tree"``) or the id ranks of ``table``, with the input position."""
    if what == "ranks":
        return id_ranks(table, order=POSITION).select(POSITION, "rank")
    return tree_expr(table, rounds=rounds, order=POSITION)


@functools.lru_cache(maxsize=64)
def _compiled(what: str, rounds: int) -> str:
    """DuckDB SQL of :func:`_expr` over the table :data:`_INPUT`.

    The SQL depends only on the number of rounds, and Ibis takes about a
    second to build and compile a 16-round tree, so on embedded DuckDB it is
    compiled once per process and rounds and reused for every call.
    """
    schema = {"account_id": "string", "parent_id": "string", POSITION: "int64"}
    if what == "ranks":
        schema.pop("parent_id")
    expr = _expr(ibis.table(schema, name=_INPUT), what, rounds)
    return str(ibis.to_sql(expr, dialect="duckdb"))


def _run(eng, frame: pd.DataFrame, what: str, rounds: int = 0) -> pa.Table:
    """:func:`_expr` of ``frame`` (registered in ``eng``) run there, sorted by input position.

    Embedded DuckDB runs the cached SQL (:func:`_compiled`) straight on its
    connection (Ibis would parse the SQL text again); another engine compiles
    the bound expression (Ibis reads the schema of raw SQL on PostgreSQL
    through a temporary view, which this Ibis and sqlglot pair names empty,
    the fault of `.cache()`).
    """
    table = eng.table(frame, what)
    if eng.embedded:
        sql = _compiled(what, rounds).replace(f'"{_INPUT}"', f'"{table.get_name()}"')
        result = eng.sql_arrow(sql)
    else:
        result = eng.arrow(_expr(table, what, rounds))
    return _in_input_order(result)


def _positioned(ids: pd.Series, parents: pd.Series | None = None) -> pd.DataFrame:
    """Ids (and parents) as Arrow-backed strings with their input position."""
    frame = {"account_id": ids.astype("string[pyarrow]").reset_index(drop=True)}
    if parents is not None:
        frame["parent_id"] = parents.astype("string[pyarrow]").reset_index(drop=True)
    frame[POSITION] = np.arange(len(ids), dtype=np.int64)
    return pd.DataFrame(frame)


def _in_input_order(result: pa.Table) -> pa.Table:
    """``result`` (one row per input position 0..n-1, in any order) sorted by position."""
    position = result.column(POSITION).to_numpy()
    where = np.empty(len(position), dtype=np.int64)
    where[position] = np.arange(len(position))
    return result.take(pa.array(where))


def id_order(ids: pd.Series, *, engine=None) -> np.ndarray:
    """Rank of each id in "smallest account_id" order (:func:`id_ranks`, run by ``engine``).

    Ids compare as integers when every id is a plain integer (``"9" < "10"``),
    otherwise as text; ids equal as integers keep their input order. Returns
    an int64 array in the order of ``ids``: 0 for the smallest id.
    """
    if len(ids) == 0:
        return np.empty(0, dtype=np.int64)
    eng = _engine(engine)
    ranks = _run(eng, _positioned(ids), "ranks")
    return ranks.column("rank").to_numpy().astype(np.int64)


def ultimate_parents(accounts: pd.DataFrame, *, engine=None) -> pd.DataFrame:
    """Map every account to its ultimate parent (root).

    Runs :func:`tree_expr` in ``engine`` (default :func:`workbook.engine.default`,
    in-process DuckDB) on the two id columns of ``accounts``.

    Parameters
    ----------
    accounts : DataFrame
        Canonical ``accounts`` table; uses ``account_id`` and ``parent_id``.
        ``account_id`` must be unique (validation guarantees it).
    engine : workbook.engine.Engine, optional
        Where the expression runs.

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
    n = len(accounts)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in TREE_COLUMNS})
    eng = _engine(engine)
    frame = _positioned(accounts["account_id"], accounts["parent_id"])  # alive while read
    linked = int(accounts["parent_id"].notna().sum())  # at least the accounts that jump
    out = _run(eng, frame, "tree", rounds_for(linked)).to_pandas()
    return pd.DataFrame(
        {
            "account_id": out["account_id"].astype("string"),
            "parent_id": out["parent_id"].astype("string"),
            "root_id": out["root_id"].astype("str"),
            "depth": out["depth"].astype("Int64"),
            "issue": out["issue"].astype("string"),
            "family_size": out["family_size"].astype(np.int64),
        }
    )


def same_hierarchy(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """True when two accounts tables hold the same hierarchy, so the same :func:`ultimate_parents`.

    The same hierarchy: the same object, or ``account_id`` and ``parent_id``
    of the same dtype and equal row by row (missing equal to missing; the
    index is not compared, :func:`ultimate_parents` does not read it). A
    cut (``crm.as_known_at``) that drops no account and blanks no parent
    gives a new frame with the same hierarchy.
    """
    if a is b:
        return True
    if len(a) != len(b):
        return False
    for column in ("account_id", "parent_id"):
        x, y = a[column], b[column]
        if x.dtype != y.dtype or not x.reset_index(drop=True).equals(y.reset_index(drop=True)):
            return False
    return True


class FamilyTrees:
    """:func:`ultimate_parents` of accounts tables, computed once per distinct hierarchy.

    A report that builds a book at several cuts reads one accounts table per
    cut; a cut's hierarchy is the full table's unless the cut drops accounts
    or blanks parents. Called with an accounts table, an instance returns
    the tree of an earlier table with the same hierarchy
    (:func:`same_hierarchy`), else computes it and keeps it (and the table).

    Parameters
    ----------
    engine : workbook.engine.Engine, optional
        Passed to :func:`ultimate_parents`.
    """

    def __init__(self, *, engine=None):
        self._engine = engine
        self._known: list[tuple[pd.DataFrame, pd.DataFrame]] = []

    def add(self, accounts: pd.DataFrame, tree: pd.DataFrame) -> None:
        """Keep ``tree``, the :func:`ultimate_parents` of ``accounts`` computed elsewhere."""
        self._known.append((accounts, tree))

    def __call__(self, accounts: pd.DataFrame) -> pd.DataFrame:
        """The tree of ``accounts`` (the same object for tables of the same hierarchy)."""
        for seen, tree in self._known:  # distinct hierarchies: one or a few
            if same_hierarchy(seen, accounts):
                return tree
        tree = ultimate_parents(accounts, engine=self._engine)
        self.add(accounts, tree)
        return tree


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
