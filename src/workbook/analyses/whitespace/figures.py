"""Headline figures of the whitespace report (the keys it adds to ``summary.json``)."""

from __future__ import annotations

import pandas as pd

from workbook.core.checks import require_frame

from .columns import DEFAULT_MIN_PEER_ADOPTION
from .shrinkage import kappa_sentence

__all__ = ["summary_figures"]


def _gap_record(row: pd.Series) -> dict:
    def _num(value):
        return None if pd.isna(value) else float(value)

    return {
        "family_id": row["family_id"],
        "family_name": row["family_name"],
        "account_id": row["account_id"],
        "account_name": row["account_name"],
        "product_id": row["product_id"],
        "product_name": row["product_name"],
        "siblings_owning": int(row["siblings_owning"]),
        "family_members": int(row["family_members"]),
        "peer_adoption": _num(row["peer_adoption"]),
        "expected_value": _num(row["expected_value"]),
        "priority": _num(row["priority"]),
    }


def _top_family(families: pd.DataFrame) -> dict | None:
    if not len(families):
        return None
    f = families.iloc[0]
    return {
        "family_id": f["family_id"],
        "family_name": f["family_name"],
        "gaps": int(f["gaps"]),
        "whitespace_value": float(f["whitespace_value"]),
    }


def _top_lift(lift: pd.DataFrame, min_pair_owners: int) -> dict | None:
    strong = (
        lift[
            (lift["owners_both"] >= min_pair_owners)
            & (lift["lift"] > 1)
            & lift["significant"].astype(bool)
            & (lift["mh_odds_ratio"] > 1)
        ]
        if len(lift)
        else lift
    )
    if not len(strong):
        return None
    top = strong.iloc[0]
    return {
        "product_a": top["product_a"],
        "product_b": top["product_b"],
        "name_a": top["name_a"],
        "name_b": top["name_b"],
        "owners_both": int(top["owners_both"]),
        "confidence": float(top["confidence"]),
        "lift": float(top["lift"]),
        "mh_odds_ratio": float(top["mh_odds_ratio"]),
        "q_value": float(top["q_value"]),
    }


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _model_figures(model) -> dict:
    """The purchase model's keys of ``summary.json``."""
    if model is None:
        return {}
    bt = model.backtest.set_index("ranking")
    rows = {
        r: {
            "name": str(bt.loc[r, "name"]),
            "status": str(bt.loc[r, "status"]),
            "auc": _num(bt.loc[r, "auc"]),
            "precision_at_50": _num(bt.loc[r, "precision_at_50"]),
        }
        for r in bt.index
    }
    m = bt.loc["model"]
    total = model.candidates_value
    return {
        "backtest": rows,
        "calibration": {
            k: _num(m[k])
            for k in [
                "calibration_intercept",
                "intercept_low",
                "intercept_high",
                "calibration_slope",
                "slope_low",
                "slope_high",
            ]
        },
        "fit_cut": f"{model.cut2:%Y-%m-%d}",
        "score_cut": f"{model.cut1:%Y-%m-%d}",
        "ranking": model.ranking,
        "ranking_name": rows[model.ranking]["name"],
        "model_reason": model.reason,
        "calibrated": bool(model.calibrated),
        "value_label": "Expected whitespace" if model.calibrated else "Whitespace score",
        # the call list's score column: a percentage only when it is a calibrated probability
        "score_label": "P(purchase)" if model.calibrated else "Score",
        "score_format": "{:.0%}" if model.calibrated else "{:.3f}",
        "call_list_total": total,
        "call_list": int(len(model.call_list)),
        "candidates": int(model.candidates),
        "call_list_per_rep": int(model.per_rep),
        "top_call": (
            {
                k: (v.item() if hasattr(v, "item") else v)
                for k, v in model.call_list.iloc[0][
                    ["account_id", "account_name", "product_id", "product_name", "score",
                     "expected_value", "score_value"]
                ].items()
            }
            if len(model.call_list)
            else None
        ),
    }


def summary_figures(
    *,
    gaps: pd.DataFrame,
    peers: pd.DataFrame,
    lift: pd.DataFrame,
    families: pd.DataFrame,
    exclusions: pd.DataFrame,
    family_id: str | None = None,
    family_name: str | None = None,
    min_peer_adoption: float = DEFAULT_MIN_PEER_ADOPTION,
    min_pair_owners: int = 5,
    shrinkage=None,
    model=None,
) -> dict:
    """Key figures for ``summary.json``.

    Parameters
    ----------
    gaps, peers, lift, families, exclusions : DataFrame
        Outputs of :func:`sibling_gaps`, :func:`peer_whitespace`,
        :func:`co_purchase_lift`, :func:`family_whitespace` and
        :func:`purchase_exclusions`.
    family_id, family_name : str, optional
        The family shown in the heatmap (:func:`choose_family`,
        :func:`family_label`).
    min_peer_adoption : float, default 0.3
        The threshold ``peers`` was built with (reported as is).
    min_pair_owners : int, default 5
        Least ``owners_both`` of the pair quoted as ``top_lift``.

    Returns
    -------
    dict
        ``gaps``: rows of gaps.csv (sibling gaps).
        ``families_with_gaps``, ``accounts_with_gaps``: distinct families /
        accounts with at least one gap.
        ``whitespace_value``, ``priority_total``: sums of ``expected_value``
        and of ``priority`` over the gaps.
        ``gaps_without_value``: gaps whose priority is NaN (no amount and no
        list price).
        ``peer_whitespace``, ``peer_accounts``, ``min_peer_adoption``: rows
        and distinct accounts of peer_whitespace.csv, and its threshold.
        ``family``, ``family_name``, ``family_gaps``: the family shown in the
        heatmap and its number of gaps.
        ``top_gap``, ``family_top_gap``: the highest-priority gap overall /
        in ``family`` (ids, names, ``siblings_owning``, ``family_members``,
        ``peer_adoption``, ``expected_value``, ``priority``), or None.
        ``top_family``: the family with the largest whitespace_value (id,
        name, gaps, whitespace_value), or None.
        ``top_lift``: the highest-lift pair with ``owners_both >=
        min_pair_owners`` and lift > 1 (ids, names, owners_both, confidence,
        lift), or None.
        ``excluded_purchase_rows``: rows per reason of
        :func:`purchase_exclusions`.
        ``kappa``, ``industry_kappa``, ``kappa_sentence``: the
        empirical-Bayes concentrations (``shrinkage``) and what ``kappa`` means.
        ``significant_pairs``: unordered co-purchase pairs with q < 0.05.
        ``backtest``, ``calibration``, ``fit_cut``, ``score_cut``, ``ranking``,
        ``ranking_name``, ``model_reason``, ``calibrated``, ``value_label``,
        ``score_label``, ``score_format`` (how the call list shows the score: a
        percentage only when calibrated, else a plain number),
        ``call_list_total`` (Σ score × value over every candidate),
        ``candidates`` (today's candidates), ``call_list`` (the rows the
        call list keeps), ``call_list_per_rep`` (0: all), ``top_call``:
        from the purchase ``model`` (:func:`~.backtest.purchase_model`).
    """
    for name, frame in [("gaps", gaps), ("peers", peers), ("lift", lift)]:
        require_frame(frame, name)
    require_frame(families, "families")
    require_frame(exclusions, "exclusions", ["reason", "rows"])
    has = len(gaps) > 0
    in_family = gaps[gaps["family_id"] == family_id] if has else gaps
    kappa = shrinkage.family.kappa if shrinkage is not None else float("nan")
    sig = (
        int((lift["significant"].astype(bool) & (lift["product_a"] < lift["product_b"])).sum())
        if len(lift)
        else 0
    )
    eb = (
        {
            "kappa": _num(kappa),
            "industry_kappa": _num(shrinkage.industry.kappa),
            "kappa_sentence": kappa_sentence(kappa),
        }
        if shrinkage is not None
        else {}
    )
    return {
        **eb,
        "significant_pairs": sig,
        **_model_figures(model),
        "gaps": int(len(gaps)),
        "families_with_gaps": int(gaps["family_id"].nunique()) if has else 0,
        "accounts_with_gaps": int(gaps["account_id"].nunique()) if has else 0,
        "whitespace_value": float(gaps["expected_value"].sum()) if has else 0.0,
        "priority_total": float(gaps["priority"].sum()) if has else 0.0,
        "gaps_without_value": int(gaps["priority"].isna().sum()) if has else 0,
        "peer_whitespace": int(len(peers)),
        "peer_accounts": int(peers["account_id"].nunique()) if len(peers) else 0,
        "min_peer_adoption": float(min_peer_adoption),
        "family": family_id,
        "family_name": family_name,
        "family_gaps": int(len(in_family)),
        "top_gap": _gap_record(gaps.iloc[0]) if has else None,
        "family_top_gap": _gap_record(in_family.iloc[0]) if len(in_family) else None,
        "top_family": _top_family(families),
        "top_lift": _top_lift(lift, min_pair_owners),
        "excluded_purchase_rows": {
            str(r): int(n) for r, n in zip(exclusions["reason"], exclusions["rows"], strict=True)
        },
    }
