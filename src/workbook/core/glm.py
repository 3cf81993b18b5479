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

Grouped data
------------
Rows that share their covariates and outcome add the same term to the
log-likelihood, so a fit on the distinct rows with ``freq_weights`` (each
row's count, :func:`distinct_rows`) maximises the same likelihood: the same
MLE and the same information matrix, equal to the row-level fit up to
floating-point rounding. Every IRLS step is the same weighted least-squares
problem, so both fits take the same steps and stop at the same iteration.
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
        return Binomial().fitted(lin)


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
    while iterations < max(maxiter, 1):  # iterations, not rows
        iterations += 1
        weights = freq * fam.weights(mu)
        z = lin_pred + fam.link.deriv(mu) * (endog - mu) - off
        params = _irls_step(z, exog, weights)
        lin_pred = np.dot(exog, params)
        lin_pred += off
        mu = fam.fitted(lin_pred)
        deviance.append(deviance_of(mu))
        if endog.ndim == 1 and np.allclose(mu - endog, 0):
            warnings.warn(
                "Perfect separation or prediction detected, parameter may not be identified",
                category=PerfectSeparationWarning,
                stacklevel=2,
            )
        converged = bool(np.allclose(deviance[-2], deviance[-1], atol=tol, rtol=0.0))
        if converged:
            break
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


def _irls_step(z: np.ndarray, exog: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """One IRLS step: the WLS coefficients of the working response ``z``.

    Solved by Cholesky from the normal equations scaled to a unit diagonal;
    by :func:`_lstsq` (statsmodels' ``_MinimalWLS`` step) when that matrix is
    singular or its condition number exceeds :data:`MAX_NORMAL_CONDITION`.
    """
    _check_finite(z, weights)
    wexog = weights[:, None] * exog
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
        Rows of the input with that pattern (the ``freq_weights``).
    """

    x: np.ndarray
    y: np.ndarray
    counts: np.ndarray


def distinct_rows(x, y) -> DistinctRows:
    """Group the rows of design ``x`` and outcome ``y`` by their exact values.

    Each column is coded by value (:func:`pandas.factorize`; ``0.0`` and
    ``-0.0`` are one value, as are NaNs) and the codes are combined column by
    column (mixed radix), re-coded only when the key would pass ``2**62``;
    one last :func:`pandas.factorize` numbers the patterns in order of first
    appearance.

    Parameters
    ----------
    x : array-like, shape (n, k)
    y : array-like, shape (n,)

    Returns
    -------
    DistinctRows
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    key = np.zeros(len(y), dtype=np.int64)
    size = 1
    for column in [y, *x.T]:  # columns, not rows
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        if size * len(uniques) >= 2**62:
            key, seen = pd.factorize(key)
            size = len(seen)
        key = key * len(uniques) + codes
        size *= max(len(uniques), 1)
    key = pd.factorize(key)[0]
    # Codes numbered in order of first appearance: a row is its pattern's first
    # when its code passes every code before it.
    running = np.maximum.accumulate(key) if len(key) else key
    first = np.flatnonzero(np.diff(running, prepend=-1) > 0)
    counts = np.bincount(key, minlength=len(first))
    return DistinctRows(x[first], y[first], counts.astype(np.int64))
