"""Small array helpers of the sample generator: ids, dates, text and random days."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbook.data.sample.catalogue import (
    _ACT_TYPES,
    _ADJ,
    _INTL_MIDDLE,
    _INTL_STEMS,
    _INTL_SUFFIX,
    _NO_DAY,
    _NOUN,
    _SUFFIX,
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(n)))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded numbers, as a pyarrow string array."""
    text = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0"
    )
    return pc.binary_join_element_wise(prefix, text, "")


def _take(ids: pa.Array, codes: np.ndarray) -> pd.Series:
    """String ids picked by integer codes; code -1 gives a missing value."""
    codes = np.asarray(codes, dtype=np.int64)
    mask = codes < 0
    picked = ids.take(pa.array(np.where(mask, 0, codes), mask=mask))
    return pd.Series(picked, dtype="str")


def _text(values) -> pd.Series:
    """Object/None values as a pandas ``str`` Series (None -> missing)."""
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="str"))


def _dates(days: np.ndarray) -> pd.Series:
    """Integer day numbers -> ``datetime64[ns]``; :data:`_NO_DAY` -> NaT."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == _NO_DAY
    out = (np.where(missing, 0, days).astype("datetime64[D]")).astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return pd.Series(out)


def _uniform_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One integer day uniformly in [lo, hi] (both inclusive; hi < lo gives lo)."""
    lo = np.asarray(lo, dtype=np.int64)
    span = np.maximum(np.asarray(hi, dtype=np.int64) - lo, 0) + 1
    return lo + np.floor(rng.random(len(lo)) * span).astype(np.int64)


def _spread(rng, counts, lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """``counts[i]`` uniform days in [lo[i], hi[i]] for each i: (owner index, day)."""
    idx = np.repeat(np.arange(len(counts)), counts)
    return idx, _uniform_days(rng, np.asarray(lo)[idx], np.asarray(hi)[idx])


def _pick_types(rng, n: int, p) -> np.ndarray:
    return rng.choice(len(_ACT_TYPES), size=n, p=p).astype(np.int8)


def _company_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Generic company names; about 5% Japanese, Chinese, Korean or Thai."""
    latin = _ADJ[rng.integers(0, len(_ADJ), n)] + " " + _NOUN[rng.integers(0, len(_NOUN), n)]
    latin = latin + " " + _SUFFIX[rng.integers(0, len(_SUFFIX), n)]
    stem = rng.integers(0, len(_INTL_STEMS), n)
    lang = stem // 4
    middle = lang * 4 + rng.integers(0, 4, n)
    intl = _INTL_STEMS[stem] + _INTL_MIDDLE[middle] + _INTL_SUFFIX[middle]
    return np.where(rng.random(n) < 0.05, intl, latin)
