"""A logistic (binomial) GLM fitted as statsmodels fits it, keeping only its estimates.

``sm.GLM(y, x, family=Binomial()).fit()`` keeps copies of every row in its
model and results objects (the design, its whitened copy, the
pseudo-inverse, the weights, ``mu``, the residuals): measured on 5M rows x 6
columns, 4.6 GB at the peak of the fit and 3.1 GB held by the results.
:func:`binomial_glm` runs the same iteratively reweighted least squares as
statsmodels' ``GLM.fit()`` (method ``"IRLS"``) with statsmodels' own family
functions: the same starting ``mu``, the same weighted least-squares step
(solved from the normal equations, see below), the same stopping rule
(absolute change of the deviance at most ``tol``) and the same final
pseudo-inverse WLS step for the coefficients and their covariance (the
pseudo-inverse taken from a QR of the whitened design, :func:`_pinv_wls`).
Only the coefficients, their covariance and the fit's record are kept
(:class:`BinomialFit`).

The IRLS step
-------------
statsmodels solves each step with ``numpy.linalg.lstsq`` on the whitened
design (an SVD of the n x k matrix, the slow part on millions of rows).
:func:`binomial_glm` solves the same weighted least-squares problem from its
normal equations ``XᵀWX b = XᵀWz``: one pass over the rows builds the k x k
matrix, and a Cholesky factorisation (``scipy.linalg.cho_factor``) of it,
scaled to a unit diagonal, gives ``b``. The normal equations square the
condition number, so when the scaled matrix is singular or its condition
number exceeds ``1/sqrt(eps)`` (about 6.7e7: past it, the normal equations
keep fewer than half the digits) the step falls back to statsmodels'
``lstsq`` (which also gives its minimum-norm answer for a rank-deficient
design). Either way each step is the same Newton step up to rounding, and
the final coefficients and covariance still come from statsmodels'
pseudo-inverse WLS step, so the fit equals statsmodels' to rounding.

Each iteration's working weights and response are statsmodels' family
functions computed with the same floating-point operations, sharing the
clipped ``p * (1 - p)`` and the link's derivative instead of computing them
three times (:func:`_working`, bitwise statsmodels'), and the weighted
design is written into one buffer for the whole fit.

Grouped data
------------
Rows that share their covariates and outcome add the same term to the
log-likelihood, so a fit on the distinct rows with ``freq_weights`` (each
row's count, :func:`distinct_rows`) maximises the same likelihood: the same
MLE and the same information matrix, equal to the row-level fit up to
floating-point rounding. Every IRLS step is the same weighted least-squares
problem, so both fits take the same steps and stop at the same iteration.
:func:`distinct_rows` can keep each row's pattern
(:attr:`DistinctRows.codes`): a fit on fewer columns
(:meth:`DistinctRows.columns`) or on new values that are a function of the
pattern (:meth:`DistinctRows.regroup`, e.g. a calibration on the predicted
logit) then groups the patterns, not the rows again.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg
from statsmodels.genmod.families import Binomial
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from workbook.core.stats import WaldEstimates

__all__ = ["BinomialFit", "DistinctRows", "binomial_glm", "distinct_rows"]

#: Largest condition number of the unit-diagonal normal matrix solved by Cholesky;
#: past it (fewer than half the digits kept) the IRLS step uses ``lstsq``.
MAX_NORMAL_CONDITION = 1.0 / np.sqrt(np.finfo("float64").eps)


@dataclass(frozen=True)
class BinomialFit(WaldEstimates):
    """The estimates of :func:`binomial_glm`.

    Attributes
    ----------
    params : ndarray
        Coefficients, one per column of the design.
    cov : ndarray
        Their covariance (the inverse Fisher information; the binomial scale is 1).
    iterations : int
        IRLS iterations run.
    converged : bool
        The deviance changed by at most ``tol`` at the last iteration.
    deviance : float
        Deviance at the last iteration.
    """

    params: np.ndarray
    cov: np.ndarray
    iterations: int
    converged: bool
    deviance: float

    def predict(self, x, offset=None) -> np.ndarray:
        """P(y = 1) for the rows of design ``x`` (plus ``offset`` on the logit scale)."""
        lin = np.dot(np.asarray(x, dtype="float64"), self.params)
        if offset is not None:
            lin = lin + offset
        return _fitted(lin)  # Binomial().fitted, bitwise


def binomial_glm(
    y,
    x,
    *,
    offset=None,
    freq_weights=None,
    tol: float = 1e-8,
    maxiter: int = 100,
) -> BinomialFit:
    """Fit a logistic GLM of ``y`` on ``x`` by IRLS, as ``sm.GLM(...).fit()`` does.

    Parameters
    ----------
    y : array-like of 0/1, shape (n,)
        The outcome.
    x : array-like, shape (n, k)
        The design, the constant column included when wanted.
    offset : array-like, shape (n,), optional
        Added to the linear predictor (a fixed coefficient of 1).
    freq_weights : array-like, shape (n,), optional
        Rows each counted this many times (see :func:`distinct_rows`).
    tol : float, default 1e-8
        Stop when the deviance changes by at most ``tol``.
    maxiter : int, default 100
        Most IRLS iterations (at least 1).

    Returns
    -------
    BinomialFit

    Raises
    ------
    ValueError
        The working weights or response are not finite (statsmodels' message).

    Warns
    -----
    PerfectSeparationWarning
        ``mu`` equals ``y`` on every row at some iteration.
    """
    fam = Binomial()
    endog = np.asarray(y, dtype="float64")
    exog = np.ascontiguousarray(x, dtype="float64")
    off = 0.0 if offset is None else np.asarray(offset, dtype="float64")
    freq = 1.0 if freq_weights is None else np.asarray(freq_weights, dtype="float64")
    mu = fam.starting_mu(endog)
    lin_pred = fam.predict(mu)
    deviance_of = _deviance_function(fam, endog, freq)
    deviance = [np.inf, deviance_of(mu)]
    if np.isnan(deviance[-1]):
        raise ValueError("The first guess on the deviance function returned a nan.")
    converged, iterations = False, 0
    wexog = np.empty_like(exog)  # the weighted design, rewritten at every step
    while iterations < max(maxiter, 1):  # iterations, not rows
        iterations += 1
        weights, z = _working(mu, lin_pred, endog, freq, offset=offset)
        params = _irls_step(z, exog, weights, out=wexog)
        lin_pred = np.dot(exog, params)
        lin_pred += off
        mu = _fitted(lin_pred)
        deviance.append(deviance_of(mu))
        if endog.ndim == 1 and _all_zero(mu - endog):
            warnings.warn(
                "Perfect separation or prediction detected, parameter may not be identified",
                category=PerfectSeparationWarning,
                stacklevel=2,
            )
        converged = bool(np.allclose(deviance[-2], deviance[-1], atol=tol, rtol=0.0))
        if converged:
            break
    del wexog
    # statsmodels' last step: the WLS of the last working response by pseudo-inverse.
    params, cov = _pinv_wls(z, exog, weights)
    return BinomialFit(params, cov, iterations, converged, float(deviance[-1]))


def _deviance_function(fam: Binomial, endog: np.ndarray, freq):
    """``mu -> fam.deviance(endog, mu, 1.0, freq, 1.0)``, bitwise, with one log per row for 0/1 ``endog``.

    statsmodels' binomial deviance residual is
    ``2 * (y * log(clip(y / (mu + 1e-20))) + (1 - y) * log(clip((1 - y) / (1 - mu + 1e-20))))``
    (``clip`` to ``[FLOAT_EPS, inf)``). When ``y`` is 0 or 1 one of the two
    terms is ``0.0 * log(FLOAT_EPS) = -0.0``, and ``x + -0.0 == x`` exactly,
    so the residual is ``2 * log(clip(1 / d))`` with ``d = mu + 1e-20`` where
    ``y = 1`` and ``d = (1 - mu) + 1e-20`` where ``y = 0``: the same floats,
    summed in the same order (a NaN ``mu`` gives NaN either way). Any other
    ``endog`` uses statsmodels' function.
    """
    is_one = endog == 1.0
    if not np.all(is_one | (endog == 0.0)):
        return lambda mu: fam.deviance(endog, mu, 1.0, freq, 1.0)
    eps = np.finfo("float64").eps  # statsmodels' FLOAT_EPS

    def deviance(mu: np.ndarray) -> float:
        resid = np.where(is_one, mu, 1.0 - mu)
        resid += 1e-20
        np.divide(1.0, resid, out=resid)
        np.clip(resid, eps, np.inf, out=resid)
        np.log(resid, out=resid)
        resid *= 2
        return np.sum(resid * freq)

    return deviance


def _working(mu: np.ndarray, lin_pred: np.ndarray, endog: np.ndarray, freq, *, offset):
    """IRLS weights ``freq * fam.weights(mu)`` and working response ``z``, bitwise statsmodels'.

    statsmodels' binomial family with the logit link computes
    ``weights = 1 / (deriv(mu) ** 2 * variance(mu))`` and
    ``z = lin_pred + deriv(mu) * (endog - mu) - offset``, where ``deriv(mu) =
    1 / (p * (1 - p))`` and ``variance(mu) = p * (1 - p) * 1``, with ``p`` the
    same clip of ``mu`` to ``[FLOAT_EPS, 1 - FLOAT_EPS]`` in both (the
    variance's ``mu / 1`` is ``mu``). Here ``p * (1 - p)`` and ``deriv`` are
    computed once, not three times, with the same floating-point operations
    in the same order (``x * 1 == x`` and ``x - 0.0 == x`` exactly, so those
    two are skipped), in place.
    """
    eps = np.finfo("float64").eps  # statsmodels' FLOAT_EPS
    q = np.clip(mu, eps, 1.0 - eps)
    var = np.subtract(1.0, q)
    var *= q  # p * (1 - p): the variance, and the inverse of the link's derivative
    deriv = np.divide(1.0, var, out=q)
    weights = np.square(deriv)
    weights *= var
    np.divide(1.0, weights, out=weights)
    if not np.isscalar(freq):
        weights *= freq
    del var
    z = np.subtract(endog, mu)
    z *= deriv
    z += lin_pred
    if offset is not None:
        z -= offset
    return weights, z


def _fitted(lin_pred: np.ndarray) -> np.ndarray:
    """``Binomial().fitted(lin_pred)`` (``1 / (1 + exp(-lin_pred))``), bitwise, in place of one copy."""
    t = np.negative(lin_pred)
    np.exp(t, out=t)
    t += 1.0
    return np.divide(1.0, t, out=t)


def _all_zero(diff: np.ndarray) -> bool:
    """``np.allclose(diff, 0)``: every ``|diff| <= 1e-8`` (a NaN or an infinity is not close)."""
    np.abs(diff, out=diff)
    return bool(np.all(diff <= 1e-8))


def _irls_step(
    z: np.ndarray, exog: np.ndarray, weights: np.ndarray, *, out: np.ndarray | None = None
) -> np.ndarray:
    """One IRLS step: the WLS coefficients of the working response ``z``.

    Solved by Cholesky from the normal equations scaled to a unit diagonal;
    by :func:`_lstsq` (statsmodels' ``_MinimalWLS`` step) when that matrix is
    singular or its condition number exceeds :data:`MAX_NORMAL_CONDITION`.
    ``out``, shaped like ``exog``, receives the weighted design (one buffer
    for every step of a fit instead of a new one per step).
    """
    _check_finite(z, weights)
    wexog = np.multiply(weights[:, None], exog, out=out)
    xtwx = exog.T @ wexog
    xtwz = wexog.T @ z
    del wexog
    if not _needs_lstsq(xtwx):
        scale = np.sqrt(np.diag(xtwx))
        try:
            factor = scipy.linalg.cho_factor(xtwx / np.outer(scale, scale), check_finite=False)
        except np.linalg.LinAlgError:
            pass
        else:
            return scipy.linalg.cho_solve(factor, xtwz / scale, check_finite=False) / scale
    return _lstsq(z, exog, weights)


def _needs_lstsq(xtwx: np.ndarray) -> bool:
    """True when the normal matrix is not finite, has a zero on its diagonal, or,
    scaled to a unit diagonal, has a condition number above :data:`MAX_NORMAL_CONDITION`."""
    if not np.all(np.isfinite(xtwx)):
        return True
    scale = np.sqrt(np.diag(xtwx))
    if not np.all(scale > 0):
        return True
    return bool(np.linalg.cond(xtwx / np.outer(scale, scale)) > MAX_NORMAL_CONDITION)


def _check_finite(z: np.ndarray, weights: np.ndarray) -> None:
    """statsmodels' ``ValueError`` when the working weights or response are not finite."""
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError("NaN, inf or invalid value detected in weights, estimation infeasible.")
    if not np.all(np.isfinite(z)):
        raise ValueError("NaN, inf or invalid value detected in endog, estimation infeasible.")


def _lstsq(z: np.ndarray, exog: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One IRLS step: least squares of the whitened working response (statsmodels' ``_MinimalWLS``)."""
    w_half = np.sqrt(weights)
    if not np.all(np.isfinite(w_half)):
        raise ValueError("NaN, inf or invalid value detected in weights, estimation infeasible.")
    if not np.all(np.isfinite(z)):
        raise ValueError("NaN, inf or invalid value detected in endog, estimation infeasible.")
    wexog = w_half[:, None] * exog
    params = np.linalg.lstsq(wexog, w_half * z, rcond=-1)[0]
    return params


def _pinv_wls(z: np.ndarray, exog: np.ndarray, weights: np.ndarray):
    """Coefficients and normalised covariance of the WLS fit by pseudo-inverse (``WLS.fit("pinv")``).

    statsmodels takes the SVD of the whitened design ``A`` (n x k). Here one
    Householder QR of ``[A | w z]`` (``numpy.linalg.qr(mode="r")``, no ``Q``
    formed) gives ``R`` (k x k) and ``Qᵀ w z``; ``A`` and ``R`` have the same
    singular values and right vectors, so the SVD of ``R`` with statsmodels'
    cutoff (singular values at most ``1e-15`` times the largest count as 0)
    gives the same pseudo-inverse, without an n x k ``U`` or pseudo-inverse.
    """
    w_half = np.sqrt(weights)
    k = exog.shape[1]
    aug = np.empty((len(z), k + 1), dtype="float64")
    np.multiply(w_half[:, None], exog, out=aug[:, :k])
    np.multiply(w_half, z, out=aug[:, k])
    r = np.linalg.qr(aug, mode="r")
    del aug
    u, s, vt = np.linalg.svd(r[:k, :k])
    cutoff = 1e-15 * np.maximum.reduce(s)
    inv = np.where(s > cutoff, 1.0 / np.where(s > cutoff, s, 1.0), 0.0)
    pinv_r = np.dot(np.transpose(vt), np.multiply(inv[:, np.newaxis], np.transpose(u)))
    cov = np.dot(pinv_r, np.transpose(pinv_r))
    params = np.dot(pinv_r, r[:k, k])
    return params, cov


@dataclass(frozen=True)
class DistinctRows:
    """The distinct rows of a design and outcome (:func:`distinct_rows`).

    Attributes
    ----------
    x : ndarray, shape (m, k)
        One row per distinct (covariates, outcome), in order of first appearance.
    y : ndarray, shape (m,)
        Its outcome.
    counts : ndarray of int64, shape (m,)
        Rows of the input with that pattern (the ``freq_weights``); with the
        input's ``counts``, the sum of theirs.
    codes : ndarray of int64, shape (n,), or None
        The pattern (``0..m-1``) of each input row, when asked for
        (``codes=True``): ``x[codes]`` is the input design.
    first : ndarray of int64, shape (m,), or None
        The input row where each pattern first appears (with ``codes``).
    """

    x: np.ndarray
    y: np.ndarray
    counts: np.ndarray
    codes: np.ndarray | None = None
    first: np.ndarray | None = None

    def columns(self, which) -> DistinctRows | None:
        """The same patterns with only the columns ``which`` of ``x``, when that keeps them distinct.

        When every column left out equals its first value on every pattern
        (so it never told two rows apart), the patterns of the kept columns are
        these, in the same order: the answer equals :func:`distinct_rows` of
        the input restricted to ``which``. Otherwise (a column left out that
        varies, or holds a NaN) ``None``.
        """
        which = list(which)
        for j in np.setdiff1d(np.arange(self.x.shape[1]), which):  # columns, not rows
            column = self.x[:, j]
            if len(column) and not bool(np.all(column == column[0])):
                return None
        x = np.take(self.x, which, axis=1)  # C-ordered, like a design
        return DistinctRows(x, self.y, self.counts, self.codes, self.first)

    def regroup(self, x, y) -> DistinctRows | None:
        """:func:`distinct_rows` of new values ``(x, y)`` of the same input rows, grouping patterns.

        When the rows of every pattern are equal in ``x`` and ``y`` (as
        :func:`distinct_rows` compares values: ``0.0`` equals ``-0.0``, NaN
        equals NaN), the distinct rows of ``(x, y)`` are those of the
        patterns' first rows, each weighted by its pattern's count, in the
        same order (a new pattern first appears on the first row of its
        earliest old pattern): one row per pattern is grouped instead of
        every input row. When those first rows are already distinct (checked
        by sorting, for one column of ``x`` and a 0/1 ``y``) they are the
        answer as they are. Needs ``codes``; ``None`` when some pattern's
        rows differ.
        """
        x = np.asarray(x, dtype="float64")
        y = np.asarray(y, dtype="float64")
        for column in [y, *x.T]:  # columns, not rows
            head = column[self.first][self.codes]
            same = column == head
            if not bool(np.all(same)) and not bool(
                np.all(same | (np.isnan(column) & np.isnan(head)))
            ):
                return None
            del head, same
        xs, ys = x[self.first], y[self.first]
        if _distinct_by_sorting(xs, ys):
            return DistinctRows(xs, ys, self.counts)
        return distinct_rows(xs, ys, counts=self.counts)


def _distinct_by_sorting(x: np.ndarray, y: np.ndarray) -> bool:
    """True when the rows of one-column ``x`` and 0/1 ``y`` are all distinct, shown by sorting.

    Each outcome's values are sorted and compared with their neighbours;
    a NaN, a repeat or a ``0.0`` beside ``-0.0`` (equal, as
    :func:`distinct_rows` compares them), or any other shape of data, gives
    False (not shown distinct).
    """
    if x.ndim != 2 or x.shape[1] != 1:
        return False
    is_one = y == 1.0
    if not bool(np.all(is_one | (y == 0.0))):
        return False
    for values in (x[is_one, 0], x[~is_one, 0]):  # the two outcomes, not rows
        values = np.sort(values)
        if bool(np.isnan(values).any()) or bool(np.any(values[1:] == values[:-1])):
            return False
    return True


def distinct_rows(x, y, *, counts=None, codes: bool = False) -> DistinctRows:
    """Group the rows of design ``x`` and outcome ``y`` by their exact values.

    Each column is coded by value (:func:`pandas.factorize`; ``0.0`` and
    ``-0.0`` are one value, as are NaNs; a column equal to its first value
    everywhere is one code and is skipped) and the codes are combined column
    by column (mixed radix), re-coded only when the key would pass ``2**62``;
    one last :func:`pandas.factorize` numbers the patterns in order of first
    appearance.

    Parameters
    ----------
    x : array-like, shape (n, k), or a list of k columns
        The design; given as a list of 1-d columns (e.g. a frame's columns)
        it is never copied into one array: only its distinct rows are.
    y : array-like, shape (n,)
    counts : array-like of int, shape (n,), optional
        Rows each input row stands for (e.g. the ``counts`` of an earlier
        grouping); a pattern's count is then the sum of its rows' counts.
    codes : bool, default False
        Keep the pattern of every input row and the row where each pattern
        first appears (:attr:`DistinctRows.codes`, :attr:`DistinctRows.first`).

    Returns
    -------
    DistinctRows
    """
    if isinstance(x, list):
        columns = [np.asarray(c, dtype="float64") for c in x]
    else:
        x = np.asarray(x, dtype="float64")
        columns = list(x.T)
    y = np.asarray(y, dtype="float64")
    key = np.zeros(len(y), dtype=np.int64)
    size = 1
    for column in [y, *columns]:  # columns, not rows
        if len(column) and bool(np.all(column == column[0])):
            continue  # one value (never NaN: NaN != NaN): one code, the key is unchanged
        values, uniques = pd.factorize(column, use_na_sentinel=False)
        if size * len(uniques) >= 2**62:
            key, seen = pd.factorize(key)
            size = len(seen)
        key *= len(uniques)
        key += values
        size *= max(len(uniques), 1)
    key = pd.factorize(key)[0]
    # Codes numbered in order of first appearance: a row is its pattern's first
    # when its code passes every code before it.
    running = np.maximum.accumulate(key) if len(key) else key
    first = np.flatnonzero(np.diff(running, prepend=-1) > 0)
    del running
    if counts is None:
        total = np.bincount(key, minlength=len(first)).astype(np.int64)
    else:  # float sums of integers: exact below 2**53 rows
        weights = np.asarray(counts, dtype="float64")
        total = np.bincount(key, weights=weights, minlength=len(first)).astype(np.int64)
    if isinstance(x, list):
        rows = np.empty((len(first), len(columns)), dtype="float64")
        for j, column in enumerate(columns):  # columns, not rows
            rows[:, j] = column[first]
    else:
        rows = x[first]
    if not codes:
        return DistinctRows(rows, y[first], total)
    return DistinctRows(rows, y[first], total, key, first.astype(np.int64))
