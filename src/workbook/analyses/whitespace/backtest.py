"""The purchase model's backtest without peeking, and today's call list.

Cuts (month-ends, :func:`workbook.core.calendar.month_end_cut`): ``cut1 =
as_of - h`` and ``cut2 = as_of - 2h`` months, ``h = horizon_months``.

* **Fit** at ``cut2`` on the candidates of ``crm.as_known_at(cut2)``,
  labelled by purchases in (cut2, cut1] read from ``crm.as_known_at(cut1)``.
* **Score** the candidates of ``crm.as_known_at(cut1)`` with that model and
  evaluate on purchases in (cut1, as_of]. The two simple rankings
  (``sibling_rate`` alone, ``peer_rate`` alone) are scored on the same
  candidates: one row per ranking in ``purchase_backtest.csv``.
* **Today**: refit at cut1 on the labels in (cut1, as_of] and apply the
  model to today's candidates; the call list is ordered by P x expected
  value.

The model is **used** when it was fitted at both cuts (the events-per-parameter
rule, :func:`events_per_parameter_ok`) and its backtest AUC is above 0.5 at
the one-sided 5% level. Its P is a **probability** (and Σ P × value
"expected whitespace") only when the backtest's calibration intercept CI
contains 0 and the slope CI contains 1; otherwise it is a score. When the
model is not used, the list falls back to the simple ranking with the higher
backtest AUC, named.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.core.calendar import month_end_cut
from workbook.core.families import FamilyTrees
from workbook.engine import for_crm

from .book import Book
from .propensity import (
    CALIBRATION_COLUMNS,
    FEATURES,
    PRECISION_AT,
    RANKINGS,
    candidate_features,
    candidate_labels,
    deciles,
    fit_model,
    label_purchases,
    model_rows,
    predict,
    ranking_metrics,
    trailing_revenue,
)

__all__ = ["BACKTEST_COLUMNS", "CALL_LIST_COLUMNS", "PurchaseModel", "purchase_model"]

BACKTEST_COLUMNS = [
    "ranking",
    "name",
    "status",
    "reason",
    "fit_cut",
    "score_cut",
    "as_of",
    "candidates",
    "purchases",
    "auc",
    "auc_low",
    "auc_high",
    "auc_p",
    *[f"precision_at_{k}" for k in PRECISION_AT],
    *CALIBRATION_COLUMNS,
    "calibrated",
]
CALL_LIST_COLUMNS = [
    "rank",
    "account_id",
    "account_name",
    "family_id",
    "family_name",
    "owner_id",
    "product_id",
    "product_name",
    "siblings_owning",
    "siblings",
    "peers_owning",
    "peers",
    *FEATURES,
    "size_band",
    "expected_value",
    "value_source",
    "score",
    "score_value",
]
#: Size bands (terciles of trailing 12-month won revenue), smallest first.
SIZE_BANDS = ["small", "mid", "large"]
#: Least purchase rows of a product in every band before band medians are used.
MIN_BAND_PURCHASES = 10


class PurchaseModel(NamedTuple):
    """What :func:`purchase_model` returns."""

    #: One row per ranking (model, sibling share, peer adoption), :data:`BACKTEST_COLUMNS`.
    backtest: pd.DataFrame
    #: Calibration by decile of the backtest's P (empty when the model was refused).
    deciles: pd.DataFrame
    #: Today's candidates ordered by ``score_value``, :data:`CALL_LIST_COLUMNS`.
    call_list: pd.DataFrame
    #: ``"model"``, or the fallback ranking's column (``"sibling_rate"``, ``"peer_rate"``).
    ranking: str
    #: Why the model is not used ("" when it is).
    reason: str
    #: True when P is calibrated out of time (then Σ P × value is money).
    calibrated: bool
    #: Today's model coefficients (feature -> coefficient; empty when not fitted).
    coefficients: dict
    cut1: pd.Timestamp
    cut2: pd.Timestamp
    #: Today's candidates before the per-rep cut of the call list.
    candidates: int = 0
    #: Σ score × expected value over all of today's candidates (not only the list's).
    candidates_value: float = 0.0
    #: Candidates kept per rep in the call list (0: all).
    per_rep: int = 0


def _book(crm, trees: FamilyTrees) -> Book:
    accounts = crm.accounts
    return Book(
        accounts,
        crm.purchases,
        crm.products,
        as_of=crm.as_of,
        tree=trees(accounts),
        engine=for_crm(crm),
    )


def _candidates(
    crm, trees: FamilyTrees, book: Book | None = None, **options
) -> tuple[Book, pd.DataFrame]:
    book = _book(crm, trees) if book is None else book
    cand = candidate_features(
        book, opportunities=crm.get("opportunities"), as_of=crm.as_of, **options
    )
    return book, cand


def _cut_candidates(
    known, purchases, trees: FamilyTrees, *, start, end
) -> tuple[pd.DataFrame, np.ndarray]:
    """Coded candidates of ``known`` (data at ``start``; no text), labelled in (start, end]."""
    book, cand = _candidates(known, trees, labels=False, counts=False)
    return cand, label_purchases(cand, purchases, start=start, end=end, book=book)


def _rows(y_eval, cand_eval, model_p, *, fit_reason, cuts, patterns=None) -> pd.DataFrame:
    rows = []
    for col, name in RANKINGS.items():
        row = {"ranking": col, "name": name, "status": "ok", "reason": ""}
        if col == "model":
            if fit_reason:
                row.update(status="refused", reason=fit_reason)
            else:
                row.update(ranking_metrics(model_p, y_eval, probability=True, patterns=patterns))
        else:
            row.update(ranking_metrics(cand_eval[col].to_numpy(), y_eval, probability=False))
        row.update(cuts)
        rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=BACKTEST_COLUMNS)
    out["calibrated"] = out["calibrated"].fillna(False).astype(bool)
    return out


def size_bands(revenue: np.ndarray) -> np.ndarray:
    """Tercile (0 small, 1 mid, 2 large) of trailing revenue; ties broken by account order."""
    if len(revenue) == 0:
        return np.zeros(0, dtype=np.int64)
    rank = pd.Series(revenue).rank(method="first").to_numpy()
    return np.minimum((rank - 1) * 3 // len(revenue), 2).astype(np.int64)


def band_values(book: Book, bands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected value per (product, band) and whether band medians apply to the product.

    The band median is the median amount of the product's purchase rows by
    accounts of that band (up to ``as_of``); it applies to a product only when
    each of the three bands holds at least :data:`MIN_BAND_PURCHASES` rows
    with an amount. Otherwise every band gets the product's expected value.
    """
    rows = pd.DataFrame({"p": book.row_p, "band": bands[book.row_a], "amount": book.row_amount})
    rows = rows.dropna(subset=["amount"])
    g = rows.groupby(["p", "band"])["amount"].agg(["median", "size"])
    med = np.full((book.width, 3), np.nan)
    cnt = np.zeros((book.width, 3))
    if len(g):
        pi = g.index.get_level_values("p").to_numpy()
        bi = g.index.get_level_values("band").to_numpy()
        med[pi, bi], cnt[pi, bi] = g["median"].to_numpy(), g["size"].to_numpy()
    use = (cnt >= MIN_BAND_PURCHASES).all(axis=1)
    base = np.broadcast_to(book.expected_value[:, None], (book.n_products, 3))
    values = np.where(use[: book.n_products, None], med[: book.n_products], base)
    return values, use[: book.n_products]


def purchase_model(
    crm,
    *,
    horizon_months: int = 12,
    book: Book | None = None,
    call_list_per_rep: int = 0,
    **today,
) -> PurchaseModel:
    """Backtest the purchase model without peeking, then score today's candidates.

    Parameters
    ----------
    crm : CrmData
        With ``accounts``, ``products``, ``purchases`` (``opportunities`` for
        the account size). ``crm.as_of`` is the end.
    horizon_months : int, default 12
        ``h``: the purchase window, and the spacing of the two cuts.
    book : Book, optional
        The book of ``crm`` on ``crm.as_of`` when the caller has built it
        (the pipeline has); built here otherwise.
    call_list_per_rep : int, default 0
        Candidates kept per account owner in the call list, best first
        (:func:`per_rep`); 0 keeps them all. ``candidates`` and
        ``candidates_value`` count every candidate either way.
    **today
        ``shrinkage`` and ``lift`` of that book, when already computed
        (passed to :func:`candidate_features` for today's candidates).

    Returns
    -------
    PurchaseModel
    """
    as_of = crm.as_of
    cut1, cut2 = month_end_cut(as_of, horizon_months), month_end_cut(as_of, 2 * horizon_months)
    at1 = crm.as_known_at(cut1)
    # The family tree once per distinct hierarchy: a cut that drops no account
    # and blanks no parent has today's hierarchy.
    trees = FamilyTrees(engine=for_crm(crm))
    if book is not None:
        trees.add(book.accounts, book.tree)
    # One cut's candidates at a time (millions of rows each), freed once used.
    cand2, y2 = _cut_candidates(crm.as_known_at(cut2), at1.purchases, trees, start=cut2, end=cut1)
    fit2 = fit_model(cand2, y2)
    del cand2, y2
    cand1, y1 = _cut_candidates(at1, crm.purchases, trees, start=cut1, end=as_of)
    del at1
    # The cut-1 candidates grouped once by (features, label): the calibration of
    # the backtest's P and the refit at cut1 work on these patterns.
    rows1 = model_rows(cand1, y1)
    p_back = predict(fit2, cand1) if fit2.result is not None else None
    # From here only the two simple rankings' columns are read: the other candidate
    # columns (about 180 MB on the large sample) are freed before the fits below.
    simple = pd.DataFrame({c: cand1[c].to_numpy() for c in RANKINGS if c != "model"}, copy=False)
    del cand1
    cuts = {"fit_cut": cut2, "score_cut": cut1, "as_of": pd.Timestamp(as_of)}
    table = _rows(y1, simple, p_back, fit_reason=fit2.reason, cuts=cuts, patterns=rows1)
    dec = deciles(p_back, y1) if p_back is not None else deciles(np.zeros(0), np.zeros(0))
    del simple, p_back

    fit1 = fit_model(None, y1, rows=rows1)
    model = table.iloc[0]
    reason = ""
    if fit2.reason:
        reason = f"not fitted at {cut2:%Y-%m-%d}: {fit2.reason}"
    elif fit1.reason:
        reason = f"not refitted at {cut1:%Y-%m-%d}: {fit1.reason}"
    elif not (model["auc_p"] < 0.05 and model["auc"] > 0.5):
        reason = f"no out-of-time skill (backtest AUC {model['auc']:.2f}, p = {model['auc_p']:.2g})"
    simple = table.iloc[1:]
    best = simple.sort_values("auc", ascending=False, kind="stable", na_position="last").iloc[0]
    ranking = "model" if not reason else str(best["ranking"])
    calibrated = bool(not reason and model["calibrated"])

    del y1, rows1
    book, today = _candidates(crm, trees, book=book, labels=False, **today)
    score = predict(fit1, today) if ranking == "model" else today[ranking].to_numpy("float64")
    coef = fit1.coefficients()
    del fit1
    bands = size_bands(trailing_revenue(book, crm.get("opportunities"), as_of=as_of))
    values, _ = band_values(book, bands)
    a, p = today["a"].to_numpy(), today["p"].to_numpy()
    ev = values[p, bands[a]] if len(today) else np.zeros(0)
    score_value = score * ev
    order = call_order(book, a, p, score_value)
    candidates, candidates_value = len(order), float(np.nansum(score_value[order]))
    # rank: the place among all of today's candidates (1 = best), kept by the per-rep cut.
    rank = np.arange(1, len(order) + 1)
    if call_list_per_rep:
        kept = per_rep(book.owner_codes[a[order]], call_list_per_rep)
        order, rank = order[kept], rank[kept]
    a, p, ev, score, score_value = a[order], p[order], ev[order], score[order], score_value[order]
    # Only the call list's columns, each taken once in call order (no copy of the whole
    # frame), each candidate column freed as soon as it is taken.
    columns = {}
    for c in [c for c in CALL_LIST_COLUMNS if c in today.columns]:  # columns, not rows
        columns[c] = today.pop(c).to_numpy()[order]
    del today, order
    columns.update(
        rank=rank,
        **candidate_labels(book, a, p),
        # Each band and value source becomes an Arrow string once; the rows take it by code.
        size_band=pd.array(np.asarray(SIZE_BANDS, dtype=object), dtype="string").take(bands[a]),
        expected_value=ev,
        value_source=book.text("value_source", p),
        score=score,
        score_value=score_value,
    )
    out = pd.DataFrame({c: columns.pop(c) for c in CALL_LIST_COLUMNS}, copy=False)
    return PurchaseModel(
        table,
        dec,
        out,
        ranking,
        reason,
        calibrated,
        coef,
        cut1,
        cut2,
        candidates,
        candidates_value,
        call_list_per_rep,
    )


def per_rep(owners: np.ndarray, keep: int) -> np.ndarray:
    """True for the first ``keep`` rows of each owner code in ``owners`` (rows in call order).

    A missing owner is a code of its own (its candidates are listed
    together, as "no owner"), so no candidate is dropped for lacking one.
    """
    seen = pd.Series(owners).groupby(owners, sort=False).cumcount().to_numpy()
    return seen < keep


def call_order(book: Book, a: np.ndarray, p: np.ndarray, score_value: np.ndarray) -> np.ndarray:
    """Positions of the call list: ``score_value`` descending (NaN last), then account_id, product_id.

    The order ``sort_values(["score_value", "account_id", "product_id"])``
    gives, computed on the codes: the ids are ranked once per account and
    per product (text order, a missing id last) instead of sorting millions
    of rows of text.
    """
    acc, prod = book.id_ranks("accounts"), book.id_ranks("products")
    # One integer tie-break key (account rank, then product rank), then the
    # score: two stable sorts instead of lexsort's four. argsort puts NaN
    # last, and sorts -0.0 with 0.0, as the lexsort of (missing, -sv) did.
    tie = acc[a] * (len(prod) + 1) + prod[p]
    by_tie = np.argsort(tie, kind="stable")
    del tie
    neg = -np.asarray(score_value, dtype="float64")[by_tie]
    return by_tie[np.argsort(neg, kind="stable")]
