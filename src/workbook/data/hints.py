"""Hints for ids that do not resolve: close matches that differ only by case, spaces or punctuation.

``GTXPro`` in a pipeline file and ``GTX Pro`` in the product list are the
same product to a reader; :func:`close_matches` finds such pairs by comparing
a folded key (lower case, letters and digits only), and :func:`hint_text`
turns them into the ``values:`` line that fixes the mapping.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["close_matches", "fold", "hint_text"]

_YAML_WORDS = {"yes", "no", "y", "n", "true", "false", "on", "off", "null"}

#: Pairs shown in one warning.
MAX_HINTS = 3


def fold(values: pd.Series) -> pd.Series:
    """Case-folded text with everything but letters and digits removed."""
    return values.astype("string").str.casefold().str.replace(r"[\W_]+", "", regex=True)


def close_matches(unknown: pd.Series, known: pd.Series) -> pd.DataFrame:
    """Unknown values that equal exactly one known value once folded (:func:`fold`).

    Returns
    -------
    DataFrame
        ``value`` (as written), ``match`` (the known value) and ``rows`` (how
        many of ``unknown`` carry it), most rows first. Values whose folded
        key matches no known value, or several, are left out.
    """
    unknown = unknown.dropna().astype("string")
    known = known.dropna().astype("string")
    if unknown.empty or known.empty:
        return pd.DataFrame({"value": [], "match": [], "rows": []})
    counts = unknown.value_counts().rename_axis("value").reset_index(name="rows")
    counts["key"] = fold(counts["value"])
    # Only the known values whose key some unknown value has can match: those few
    # are de-duplicated and checked for a key shared by several known values (a
    # key's known values are all kept by the filter, so the check is the same).
    keys = fold(known)
    hit = keys.isin(counts["key"]).to_numpy(dtype=bool)
    candidates = pd.DataFrame({"match": known[hit], "key": keys[hit]}).drop_duplicates("match")
    unique = candidates.drop_duplicates("key", keep=False)
    out = counts.merge(unique, on="key", how="inner")
    out = out[out["value"] != out["match"]]
    out = out.sort_values(["rows", "value"], ascending=[False, True], kind="mergesort")
    return out[["value", "match", "rows"]].reset_index(drop=True)


def hint_text(table: str, column: str, matches: pd.DataFrame) -> str:
    """``"; close matches: 'GTXPro' -> 'GTX Pro' (729 rows); fix with values: {...}"`` or ``""``."""
    if matches.empty:
        return ""
    top = matches.head(MAX_HINTS)
    pairs = ", ".join(f"{v!r} -> {m!r} ({r:,} rows)" for v, m, r in top.itertuples(index=False))
    entries = ", ".join(f"{_yaml(v)}: {_yaml(m)}" for v, m, _ in top.itertuples(index=False))
    return f"; close matches: {pairs}; fix with values: {{{table}: {{{column}: {{{entries}}}}}}}"


def _yaml(text: str) -> str:
    """A YAML flow scalar: bare when safe, else double-quoted."""
    text = str(text)
    safe = text and text.replace(" ", "").replace("-", "").replace("_", "").isalnum()
    safe = safe and text.lower() not in _YAML_WORDS and not text[0].isdigit()
    return text if safe and text == text.strip() else '"' + text.replace('"', '\\"') + '"'
