"""A purchase probability per candidate (account, product), backtested out of time.

Candidates at a cut are the pairs the report shows: an account and a product
it does not own at the cut while at least one sibling (another member of its
family) or one industry peer outside its family owns it. Features, all known
at the cut (:data:`FEATURES`):

``sibling_rate``
    ``(k + kappa * p0) / (n + kappa)``: ``k`` siblings owning among ``n``
    other members, shrunk to the book adoption ``p0`` with the
    empirical-Bayes ``kappa`` of the family cells (:func:`fit_kappa`). A
    single-account family has ``n = 0`` and so the book rate.
``peer_rate``
    The same for the accounts of the industry **outside the account's own
    family** (``k`` owners among ``n`` such accounts), shrunk with the
    industry cells' ``kappa``; no industry gives the book rate.
``products_owned``
    Products the account owns at the cut.
``log_revenue``
    ``log(1 + won revenue)``: won opportunity amounts closing in the 12
    months ending on the cut (``(cut - 12 months, cut]``).
``co_ownership``
    The strongest significant co-ownership with a product the account
    owns: the largest ``log(mh_odds_ratio)`` over pairs (owned q, candidate
    p) with ``q_value < 0.05`` and an odds ratio above 1 in
    :func:`co_purchase_lift` at the cut; 0 when there is none.

The label is a purchase of the product by the account in (start, end], read
from the data known at ``end`` (never later). The model is a logistic GLM on
the five features plus an intercept (:func:`workbook.core.glm.binomial_glm`,
statsmodels' IRLS), fitted on the distinct (features, label) rows weighted
by their counts: the same likelihood as one row per candidate, without a
copy of every candidate row.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workbook.core.calendar import as_of_end, day
from workbook.core.glm import BinomialFit, DistinctRows, binomial_glm, distinct_rows
from workbook.core.models import events_per_parameter_ok
from workbook.core.stats import mann_whitney_greater, wilson_interval

from .book import Book, index_codes
from .copurchase import lift_from_book
from .shrinkage import KappaFit, fit_kappa

__all__ = [
    "FEATURES",
    "RANKINGS",
    "Shrinkage",
    "candidate_features",
    "candidate_labels",
    "label_purchases",
    "ranking_metrics",
    "shrinkage_of",
    "top_k_positions",
    "trailing_revenue",
]

FEATURES = ["sibling_rate", "peer_rate", "products_owned", "log_revenue", "co_ownership"]
#: Rankings compared in the backtest: column of the candidate frame -> name shown.
RANKINGS = {
    "model": "purchase model",
    "sibling_rate": "sibling share alone",
    "peer_rate": "peer adoption alone",
}
#: Top-k cut-offs of the precision columns.
PRECISION_AT = (25, 50, 100)


class Shrinkage(NamedTuple):
    """The two empirical-Bayes fits of a book (:func:`shrinkage_of`)."""

    family: KappaFit
    industry: KappaFit


def _dense_owned(book: Book) -> np.ndarray:
    owned = np.zeros((book.n_accounts, book.width), dtype=bool)
    owned[book.owned_a, book.owned_p] = True
    return owned


def _family_owners(book: Book) -> np.ndarray:
    """Owners per (family root, product), shape ``(n_accounts, width)`` indexed by root code."""
    key = book.root[book.owned_a].astype(np.int64) * book.width + book.owned_p
    counts = np.bincount(key, minlength=book.n_accounts * book.width)
    return counts.reshape(book.n_accounts, book.width)


def shrinkage_of(book: Book) -> Shrinkage:
    """``kappa`` of the family x product cells and of the industry x product cells.

    Family cells: every family with at least two members x every product
    (``k`` members owning among ``n`` members). Industry cells: every
    industry with at least two accounts x every product. Both use the
    product's book adoption as the prior mean (:func:`fit_kappa`).
    """
    p0 = book.book_adoption
    roots = np.flatnonzero((np.arange(book.n_accounts) == book.root) & (book.family_size >= 2))
    fam = _family_owners(book)[roots][:, : book.n_products]
    n_fam = np.repeat(book.family_size[roots][:, None], book.n_products, axis=1)
    family = fit_kappa(fam, n_fam, prior_mean=np.broadcast_to(p0, fam.shape))
    ind = book.industry_owners[:, : book.n_products]
    n_ind = np.repeat(book.industry_size[:, None], book.n_products, axis=1)
    industry = fit_kappa(ind, n_ind, prior_mean=np.broadcast_to(p0, ind.shape))
    return Shrinkage(family, industry)


def trailing_revenue(book: Book, opportunities: pd.DataFrame | None, *, as_of) -> np.ndarray:
    """Won opportunity amount per coded account closing in (``as_of`` - 12 months, ``as_of``]."""
    out = np.zeros(book.n_accounts)
    if opportunities is None or opportunities.empty:
        return out
    o = opportunities
    end = as_of_end(as_of)
    start = as_of_end(day(as_of) - pd.DateOffset(months=12))
    won = o["is_won"].fillna(False).to_numpy(dtype=bool)
    close = o["close_date"]
    keep = won & (close >= start).fillna(False).to_numpy(bool) & (close < end).fillna(False).to_numpy(bool)
    a = index_codes(book.account_index, o.loc[keep, "account_id"].astype("string"))
    amount = pd.to_numeric(o.loc[keep, "amount"], errors="coerce").fillna(0).to_numpy("float64")
    np.add.at(out, a[a >= 0], amount[a >= 0])
    return out


def _co_ownership(book: Book, owned: np.ndarray, lift: pd.DataFrame) -> np.ndarray:
    """Largest significant log odds ratio between an owned product and each product."""
    strength = np.zeros((book.width, book.width))
    sig = lift[lift["significant"] & (lift["mh_odds_ratio"] > 1)]
    if len(sig):
        qa = book.product_index.get_indexer(sig["product_a"].to_numpy())
        pb = book.product_index.get_indexer(sig["product_b"].to_numpy())
        strength[qa, pb] = np.log(sig["mh_odds_ratio"].to_numpy("float64"))
    out = np.zeros((book.n_accounts, book.width))
    for q in np.flatnonzero(strength.any(axis=1)):  # products, not rows
        np.maximum(out, owned[:, [q]] * strength[q][None, :], out=out)
    return out


def candidate_features(
    book: Book,
    *,
    opportunities: pd.DataFrame | None,
    as_of,
    shrinkage: Shrinkage | None = None,
    lift: pd.DataFrame | None = None,
    labels: bool = True,
    counts: bool = True,
) -> pd.DataFrame:
    """Every candidate (account, product) of ``book`` with its features at ``as_of``.

    Parameters
    ----------
    book : Book
        The book at the cut (``as_of``).
    opportunities : DataFrame or None
        Canonical opportunities known at the cut (for ``log_revenue``).
    as_of : date-like
        The cut.
    shrinkage : Shrinkage, optional
        :func:`shrinkage_of` ``book``; computed when not given.
    lift : DataFrame, optional
        :func:`~workbook.analyses.whitespace.copurchase.lift_from_book` of
        ``book`` (its ``fisher_p`` is not read); computed when not given.
    labels : bool, default True
        Add the id and name columns. The backtest's candidates at the cuts
        need only the codes and the features (``False``): millions of rows
        of text are the bulk of the frame's memory.
    counts : bool, default True
        Add ``siblings_owning``, ``siblings``, ``peers_owning``, ``peers``
        and ``revenue`` (the call list shows them; the backtest's cuts need
        only the codes and the features: ``False``).

    Returns
    -------
    DataFrame
        One row per candidate: codes ``a``, ``p``; ``account_id``,
        ``account_name``, ``family_id``, ``family_name``, ``owner_id``,
        ``product_id``, ``product_name`` (with ``labels``); ``siblings_owning``, ``siblings``,
        ``peers_owning``, ``peers`` (with ``counts``); the :data:`FEATURES`; ``revenue``
        (trailing 12 months, for the size band; with ``counts``).
    """
    if shrinkage is None:
        shrinkage = shrinkage_of(book)
    n_p = book.n_products
    owned = _dense_owned(book)
    # Dense (account x product) only where every cell is needed to find the candidates;
    # the rest is worked out per account or per product and taken by the candidates'
    # codes: the same arithmetic on the same values, without a temporary per row.
    # A candidate owns no product p, so its siblings owning p are all its family's owners.
    fam = _family_owners(book)[book.root][:, :n_p]
    ind = book.industry_code
    has_ind = ind >= 0
    group = np.where(has_ind, book.root.astype(np.int64) * max(len(book.industry_labels), 1) + ind, -1)
    g, _ = pd.factorize(group)
    g_size = np.bincount(g, minlength=g.max() + 1 if len(g) else 0)
    g_owners = np.zeros((len(g_size), n_p))
    np.add.at(g_owners, (g[book.owned_a], book.owned_p), 1)
    safe = np.where(has_ind, ind, 0)
    # Peers owning: industry owners outside the family (0 without an industry), float.
    peer_k = g_owners[g]
    del g_owners
    if len(book.industry_labels):
        np.subtract(book.industry_owners[:, :n_p][safe], peer_k, out=peer_k)
        ind_size = book.industry_size[safe]
    else:
        np.subtract(0.0, peer_k, out=peer_k)
        ind_size = np.zeros(book.n_accounts)
    peer_k[~has_ind] = 0
    cand = (fam >= 1) | (peer_k >= 1)
    cand &= ~owned[:, :n_p]
    a, p = np.nonzero(cand)
    del cand
    revenue = trailing_revenue(book, opportunities, as_of=as_of)
    if lift is None:
        lift = lift_from_book(book, fisher=False)
    co = _co_ownership(book, owned, lift)[a, p]
    products_owned = owned.sum(axis=1).astype("float64")[a]
    del owned
    sk, pk = fam[a, p], peer_k[a, p]
    del fam, peer_k
    sn = book.family_size - 1  # per account
    pn = np.where(has_ind, ind_size - g_size[g], 0) * 1.0
    p0 = np.asarray(book.book_adoption)
    kf = shrinkage.family.kappa if np.isfinite(shrinkage.family.kappa) else 0.0
    ki = shrinkage.industry.kappa if np.isfinite(shrinkage.industry.kappa) else 0.0
    sib_rate = _shrunk_rate(sk, sn, a, p, p0, kf)
    peer_rate = _shrunk_rate(pk, pn, a, p, p0, ki)
    text = candidate_labels(book, a, p) if labels else {}
    columns = {"a": a, "p": p, **text}
    if counts:
        columns.update(
            siblings_owning=sk.astype(np.int64),
            siblings=sn.astype(np.int64)[a],
            peers_owning=pk.astype(np.int64),
            peers=pn.astype(np.int64)[a],
        )
    del sk, pk
    columns.update(
        sibling_rate=sib_rate,
        peer_rate=peer_rate,
        products_owned=products_owned,
        log_revenue=np.log1p(np.maximum(revenue, 0))[a],
        co_ownership=co,
    )
    if counts:
        columns["revenue"] = revenue[a]
    return pd.DataFrame(columns, copy=False)  # one block per column: no stacked copy


def _shrunk_rate(k, n, a, p, p0, kappa: float) -> np.ndarray:
    """``(k + kappa p0) / (n + kappa)``, or ``p0`` where ``n + kappa`` is not positive, per candidate.

    ``k`` is per candidate, ``n`` per account (``a``) and ``p0`` per product
    (``p``): ``np.where(n + kappa > 0, (k + kappa * p0) / (n + kappa), p0)``
    on the candidates' values, with the account and product terms computed
    once per account and product (the same floats).
    """
    den = n + kappa
    use = den > 0
    out = (kappa * p0)[p]
    out += k
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(out, den[a], out=out)
    rows = np.flatnonzero(~use[a])
    out[rows] = p0[p[rows]]
    return out


def candidate_labels(book: Book, a: np.ndarray, p: np.ndarray) -> dict:
    """The id and name columns of coded candidates (text, one value per row)."""
    root = book.root[a]
    return {
        "account_id": book.text("account_ids", a),
        "account_name": book.text("account_names", a),
        "family_id": book.text("account_ids", root),
        "family_name": book.text("account_names", root),
        "owner_id": book.text("owner_ids", a),
        "product_id": book.text("product_ids", p),
        "product_name": book.text("product_names", p),
    }


def label_purchases(
    cand: pd.DataFrame, purchases: pd.DataFrame, *, start, end, book: Book | None = None
) -> np.ndarray:
    """1 where the candidate's account bought its product in (``start``, ``end``] (calendar days).

    With the ``book`` the candidates were coded in, the match is on the
    codes ``a``, ``p`` (an id the book does not know buys no candidate's
    product); otherwise on the ``account_id``, ``product_id`` text.
    """
    t = purchases["purchased_at"]
    inside = ((t >= as_of_end(start)) & (t < as_of_end(end))).fillna(False).to_numpy(bool)
    bought = purchases.loc[inside, ["account_id", "product_id"]].astype("string")
    if book is not None:
        ba = index_codes(book.account_index, bought["account_id"])
        bp = index_codes(book.product_index, bought["product_id"])
        known = (ba >= 0) & (bp >= 0)
        # The bought (account, product) cells as a mask over the book's grid: each
        # candidate reads its cell (np.isin of the pair keys, without a sort).
        grid = np.zeros((book.n_accounts, book.width), dtype=bool)
        grid[ba[known], bp[known]] = True
        return grid[cand["a"].to_numpy(np.int64), cand["p"].to_numpy(np.int64)].astype(np.int64)
    key = pd.MultiIndex.from_frame(bought.drop_duplicates())
    mine = pd.MultiIndex.from_arrays([cand["account_id"], cand["product_id"]])
    return mine.isin(key).astype(np.int64)


class ModelFit(NamedTuple):
    """A fitted purchase model, or why there is none."""

    #: The fit's estimates (:class:`~workbook.core.glm.BinomialFit`), or None when refused.
    result: BinomialFit | None
    events: int
    candidates: int
    #: "" when fitted, else the reason it was refused.
    reason: str
    #: The features used (those that vary among the candidates).
    columns: tuple = tuple(FEATURES)

    def coefficients(self) -> dict:
        """Intercept and one coefficient per feature (0 for a constant feature left out)."""
        if self.result is None:
            return {}
        params = dict(zip(["intercept", *self.columns], map(float, self.result.params), strict=True))
        return {"intercept": params["intercept"], **{f: params.get(f, 0.0) for f in FEATURES}}


def _columns(cand: pd.DataFrame, columns) -> list[np.ndarray]:
    """The constant and ``columns`` of ``cand`` as a list of columns (a design not copied)."""
    return [np.ones(len(cand)), *(cand[f].to_numpy("float64") for f in columns)]


def _design(cand: pd.DataFrame, columns) -> np.ndarray:
    """The constant and ``columns`` of ``cand`` as one contiguous float64 array (no other copy)."""
    x = np.empty((len(cand), 1 + len(columns)), dtype="float64")
    x[:, 0] = 1.0
    for j, f in enumerate(columns, start=1):  # columns, not rows
        x[:, j] = cand[f].to_numpy("float64")
    return x


def model_rows(cand: pd.DataFrame, y: np.ndarray) -> DistinctRows:
    """The distinct (constant, :data:`FEATURES`, label) rows of the candidates, with each one's pattern.

    A fit on any subset of the features (:func:`fit_model` ``rows=``) and
    the calibration of any score that is a function of the pattern
    (:func:`ranking_metrics` ``patterns=``) can group these patterns
    instead of the candidates.
    """
    return distinct_rows(_columns(cand, FEATURES), y, codes=True)


def _positions(columns) -> list[int]:
    """The columns of a :func:`model_rows` design holding the constant and ``columns``."""
    return [0, *(1 + FEATURES.index(f) for f in columns)]


def fit_model(
    cand: pd.DataFrame | None, y: np.ndarray, *, rows: DistinctRows | None = None
) -> ModelFit:
    """Logistic GLM of ``y`` on :data:`FEATURES` (refused when the events-per-parameter rule fails).

    A feature constant among the candidates (e.g. ``co_ownership`` when no
    pair is significant) carries no information and is left out (its
    coefficient is reported as 0); the rule counts the features used. The
    fit runs on the distinct (features, label) rows with their counts as
    frequency weights (:func:`~workbook.core.glm.distinct_rows`), the same
    likelihood as one row per candidate. ``rows``, the :func:`model_rows` of
    the same candidates and labels when the caller has them, gives those
    distinct rows without grouping the candidates again; ``cand`` is then not
    read (it may be None), so the caller may free the candidates first.
    """
    events, n = int(y.sum()), int(len(y))

    def values(f: str) -> np.ndarray:
        # every candidate's value is its pattern's: the patterns have the same range
        if rows is not None:
            return rows.x[:, 1 + FEATURES.index(f)]
        return cand[f].to_numpy("float64")

    varies = [bool(n) and bool(np.ptp(values(f)) > 0) for f in FEATURES]
    columns = tuple(f for f, v in zip(FEATURES, varies, strict=True) if v)
    # The engagement issue's rule, shared: parameters = features used + the constant.
    epp = events_per_parameter_ok(
        y, n_parameters=len(columns) + 1, unit="candidates", event="bought", non_event="not bought"
    )
    if not epp.ok:
        return ModelFit(None, events, n, epp.sentence, columns)
    if rows is None:
        grouped = distinct_rows(_columns(cand, columns), y)
    else:
        positions = _positions(columns)
        grouped = rows.columns(positions)
        if grouped is None:  # a left-out column holds a NaN: the patterns grouped again
            grouped = distinct_rows(rows.x[:, positions], rows.y, counts=rows.counts)
    try:
        result = binomial_glm(grouped.y, grouped.x, freq_weights=grouped.counts)
    except np.linalg.LinAlgError as err:
        return ModelFit(None, events, n, f"the model could not be fitted ({err})", columns)
    return ModelFit(result, events, n, "", columns)


def predict(fit: ModelFit, cand: pd.DataFrame) -> np.ndarray:
    """P(purchase) of each candidate under a fitted model."""
    return fit.result.predict(_design(cand, fit.columns))


def _auc(score: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """AUC (Mann-Whitney), its Hanley-McNeil 95% CI and the one-sided p of AUC > 0.5."""
    pos, neg = score[y == 1], score[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    u1, pvalue = mann_whitney_greater(pos, neg)  # scipy's mannwhitneyu, one sort
    auc = u1 / (len(pos) * len(neg))
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (len(pos) - 1) * (q1 - auc**2) + (len(neg) - 1) * (q2 - auc**2)) / (
        len(pos) * len(neg)
    )
    se = float(np.sqrt(max(var, 0)))
    return (auc, auc - 1.96 * se, auc + 1.96 * se, pvalue)


def _calibration(prob: np.ndarray, y: np.ndarray, patterns: DistinctRows | None = None) -> dict:
    """Calibration intercept (offset model) and slope of logit(P), with 95% CIs.

    Both logistic fits run on the distinct (logit P, label) rows with their
    counts as frequency weights, the same likelihood as one row per candidate.
    ``patterns``, a grouping of the same candidates with codes (e.g.
    :func:`model_rows`), finds those distinct rows from one candidate per
    pattern when every pattern's candidates share logit P and label
    (:meth:`~workbook.core.glm.DistinctRows.regroup`); the same rows.
    """
    lp = np.log(np.clip(prob, 1e-12, 1 - 1e-12) / np.clip(1 - prob, 1e-12, 1))
    rows = None if patterns is None else patterns.regroup(lp[:, None], y)
    if rows is None:
        rows = distinct_rows(lp[:, None], y)
    ones = np.ones((len(rows.y), 1))
    inter = binomial_glm(rows.y, ones, offset=rows.x[:, 0], freq_weights=rows.counts)
    slope = binomial_glm(rows.y, np.column_stack([ones, rows.x]), freq_weights=rows.counts)
    ci_i, ci_s = inter.conf_int(), slope.conf_int()
    return {
        "calibration_intercept": float(inter.params[0]),
        "intercept_low": float(ci_i[0][0]),
        "intercept_high": float(ci_i[0][1]),
        "calibration_slope": float(slope.params[1]),
        "slope_low": float(ci_s[1][0]),
        "slope_high": float(ci_s[1][1]),
    }


CALIBRATION_COLUMNS = [
    "calibration_intercept",
    "intercept_low",
    "intercept_high",
    "calibration_slope",
    "slope_low",
    "slope_high",
]


def ranking_metrics(
    score: np.ndarray, y: np.ndarray, *, probability: bool, patterns: DistinctRows | None = None
) -> dict:
    """AUC (with CI and p), precision at 25/50/100 and, for a probability, its calibration.

    Precision at ``k`` is the share of the ``k`` highest scores (ties in the
    candidates' order) that were bought; NaN with fewer than ``k`` candidates.
    ``patterns`` (:func:`model_rows` of the candidates) is passed to the
    calibration (:func:`_calibration`).
    """
    score = np.asarray(score, dtype="float64")
    y = np.asarray(y, dtype=np.int64)
    auc, low, high, p = _auc(score, y)
    order = top_k_positions(score, max(PRECISION_AT))
    out = {
        "candidates": int(len(y)),
        "purchases": int(y.sum()),
        "auc": auc,
        "auc_low": low,
        "auc_high": high,
        "auc_p": p,
    }
    for k in PRECISION_AT:
        out[f"precision_at_{k}"] = float(y[order[:k]].mean()) if len(y) >= k else np.nan
    if probability and 0 < y.sum() < len(y):
        cal = _calibration(score, y, patterns)
    else:
        cal = {}
    out.update({c: cal.get(c, np.nan) for c in CALIBRATION_COLUMNS})
    out["calibrated"] = bool(
        cal
        and cal["intercept_low"] <= 0 <= cal["intercept_high"]
        and cal["slope_low"] <= 1 <= cal["slope_high"]
    )
    return out


def top_k_positions(score: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, highest first, ties in position order, NaN last.

    ``np.argsort(-score, kind="stable")[:k]`` without sorting every score: a
    partition finds the ``k``-th highest value, and only the scores at or
    above it are sorted.
    """
    score = np.asarray(score, dtype="float64")
    if len(score) <= k:
        return np.argsort(-score, kind="stable")
    neg = -score
    kth = np.partition(neg, k - 1)[k - 1]  # NaN sorts last, as in argsort
    keep = np.flatnonzero(neg <= kth) if kth == kth else np.arange(len(neg))
    return keep[np.argsort(neg[keep], kind="stable")[:k]]


DECILE_COLUMNS = [
    "decile", "candidates", "mean_probability", "observed", "observed_low", "observed_high"
]


def deciles(prob: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Calibration by decile of P: candidates, mean P, observed share and its Wilson 95% CI.

    The deciles are those of the candidates ranked by P, ties in candidate
    order (``rank(method="first")``): the candidate at 0-based position
    ``i`` of that order is in decile ``min(10 i // n, 9) + 1``. Its
    candidates and their P are read off the sorted P (tied candidates share
    their P); only the purchases of candidates tied across a decile's edge
    depend on the tie order, and those are counted in candidate order
    (:func:`decile_purchases`). A NaN P is ranked as pandas ranks it
    (:func:`_deciles_by_rank`).
    """
    if len(prob) == 0:
        return pd.DataFrame(columns=DECILE_COLUMNS)
    prob = np.asarray(prob, dtype="float64")
    if np.isnan(prob).any():
        return _deciles_by_rank(prob, y)
    n = len(prob)
    # Position i is in decile k + 1 from edge[k] = ceil(k n / 10) (k = 0..9) to edge[k + 1].
    edge = np.array([-(-k * n // 10) for k in range(10)] + [n], dtype=np.int64)
    ordered = np.sort(prob)
    bought = np.diff(decile_purchases(prob, np.asarray(y), ordered, edge))
    size = np.diff(edge)
    kept = np.flatnonzero(size > 0)  # fewer than 10 candidates leave deciles empty
    mean = [ordered[edge[k] : edge[k + 1]].mean() for k in kept]  # deciles, not rows
    return _decile_table(kept + 1, size[kept], np.asarray(mean, dtype="float64"), bought[kept])


def decile_purchases(prob, y, ordered, edge) -> np.ndarray:
    """Purchases among the first ``edge[j]`` candidates of the order by P, ties in candidate order.

    ``ordered`` is ``np.sort(prob)``. The first ``b`` candidates of the order
    are every candidate with a P below ``v = ordered[b]`` plus the first
    ``b - #(P < v)`` candidates (in candidate order) with P equal to ``v``.
    The purchases below every edge's ``v`` come from one pass (each
    candidate's count of edge values at or below its P); ``#(P < v)`` from
    ``ordered``.
    """
    n = len(prob)
    edge = np.asarray(edge, dtype=np.int64)
    out = np.zeros(len(edge), dtype=np.int64)
    out[edge >= n] = y.sum()
    inner = np.flatnonzero((edge > 0) & (edge < n))
    if not len(inner):
        return out
    values = np.unique(ordered[edge[inner]])
    # A candidate's P is below values[i] exactly when at most i edge values are at or below it.
    above = np.searchsorted(values, prob, side="right")
    by_bin = np.bincount(above, weights=y, minlength=len(values) + 1)
    below_sum = np.cumsum(by_bin)[: len(values)]  # integers as floats: exact below 2**53
    below_count = np.searchsorted(ordered, values, side="left")
    for j in inner:  # the edges, not rows
        b = edge[j]
        i = int(np.searchsorted(values, ordered[b]))
        tied = b - below_count[i]
        extra = y[np.flatnonzero(prob == values[i])[:tied]].sum() if tied else 0
        out[j] = int(below_sum[i]) + extra
    return out


def _deciles_by_rank(prob: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """:func:`deciles` by pandas' rank and group-by (the definition, for P with a NaN)."""
    rank = pd.Series(prob).rank(method="first").to_numpy()
    dec = np.minimum((rank - 1) * 10 // len(prob), 9).astype(int) + 1
    frame = pd.DataFrame({"decile": dec, "p": prob, "y": y})
    g = frame.groupby("decile", sort=True).agg(
        candidates=("y", "size"), mean_probability=("p", "mean"), bought=("y", "sum")
    )
    return _decile_table(
        g.index.to_numpy(), g["candidates"].to_numpy(), g["mean_probability"].to_numpy(),
        g["bought"].to_numpy(),
    )


def _decile_table(decile, candidates, mean, bought) -> pd.DataFrame:
    """The :func:`deciles` frame from its per-decile counts and means."""
    low, high = wilson_interval(bought, candidates)
    return pd.DataFrame(
        {
            "decile": np.asarray(decile, dtype=np.int64),
            "candidates": np.asarray(candidates, dtype=np.int64),
            "mean_probability": mean,
            "observed": bought / candidates,
            "observed_low": low,
            "observed_high": high,
        }
    )[DECILE_COLUMNS]
