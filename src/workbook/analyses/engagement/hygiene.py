"""Lead and pipeline hygiene, the win-probability model and recommended actions.

Pure functions: DataFrames in, DataFrames out; ``as_of`` is always passed in.
Companion of :mod:`workbook.analyses.engagement` (same calendar-day convention: the
``as_of`` day is inclusive and a window of ``d`` days ``(as_of - d, as_of]``
holds the ``d`` calendar days ending with ``as_of``).

Lead statuses
-------------
Statuses are compared after trimming and lower-casing. *Open* leads have
status ``Open`` or ``Working``, are not converted (no ``converted_at`` on or
before ``as_of`` and status not ``Converted``) and were created on or before
``as_of``. A lead's *touches* are its activities as defined once in
:func:`workbook.core.links.lead_activities` (by ``lead_id`` or through its
converted opportunity).

Funnel order (:func:`lead_funnel`)
----------------------------------
``created`` (every lead created on or before ``as_of``) -> ``worked`` (status
is not ``Open`` or blank, or the lead is converted: someone moved it; this
includes ``Nurture`` and ``Unqualified`` dispositions) -> ``converted``
(status ``Converted`` or ``converted_at`` on or before ``as_of``). Each step
is a subset of the previous one, so step conversion is reached / previous.

Win model (:func:`fit_win_model`)
---------------------------------
A statsmodels ``Logit`` of ``is_won`` on closed opportunities (``is_closed``
true, ``close_date`` on or before ``as_of``) with features known both for a
closed and an open deal: ``log1p(age_days)``, ``log1p(amount)``,
``log1p(activities)`` and ``log1p(meetings)``. For a closed deal the age is
``close_date - created_at`` and activities are those linked by
``opportunity_id`` up to the end of the close day; for an open deal the age
is ``as_of - created_at`` and activities up to ``as_of``. The stage is **not**
a feature: a closed deal's stage is ``Closed Won``/``Closed Lost``, which is
the label itself, and the CRM keeps no stage history from which the furthest
stage reached could be derived. Features with no variance are dropped (and
listed). The model refuses (flags nothing, says why) when fewer than
``min_closed`` closed deals exist, when all closed deals share one outcome,
on perfect separation, a singular design or no convergence.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from workbook.analyses.engagement import NO_GROUP, _flag, _label, _opp_activity_stats
from workbook.core.calendar import as_of_end, window_start
from workbook.core.links import lead_activities, lead_handoff_status

_DAY = pd.Timedelta(days=1)

OPEN_STATUSES = ("open", "working")
#: Known statuses in display order; others follow alphabetically, then blank.
STATUS_ORDER = ("Open", "Working", "Nurture", "Unqualified", "Converted")
BLANK_STATUS = "(blank)"

# recommendation rules and their priorities
NO_RECENT_ACTIVITY = "no_recent_activity"
CLOSE_DATE_PASSED = "close_date_passed"
NO_MEETING = "no_meeting_yet"
NO_DECISION_MAKER = "no_decision_maker_contact"
PROBABILITY_VARIANCE = "win_probability_variance"
PRIORITIES = ("high", "medium", "low")
RULE_PRIORITY = {
    CLOSE_DATE_PASSED: "high",
    PROBABILITY_VARIANCE: "high",
    NO_RECENT_ACTIVITY: "medium",
    NO_DECISION_MAKER: "medium",
    NO_MEETING: "low",
}

#: Export contract of ``OUT/engagement/recommendations.csv``.
RECOMMENDATION_COLUMNS = ["opportunity_id", "account_id", "owner_id", "rule", "detail", "priority"]

MODEL_FEATURES = ("log_age_days", "log_amount", "log_activities", "log_meetings")

FITTED = "fitted"
REFUSED = "refused"


# --------------------------------------------------------------------------
# leads
# --------------------------------------------------------------------------
def _status(leads: pd.DataFrame) -> pd.Series:
    return leads["status"].astype("str").str.strip().str.lower().where(leads["status"].notna(), "")


def _converted(leads: pd.DataFrame, *, as_of) -> pd.Series:
    conv_at = leads["converted_at"].notna() & (leads["converted_at"] < as_of_end(as_of))
    return ((_status(leads) == "converted") | conv_at).to_numpy(dtype=bool)


def _open_leads(leads: pd.DataFrame, *, as_of) -> pd.DataFrame:
    created = (leads["created_at"] < as_of_end(as_of)).to_numpy(dtype=bool)
    is_open = _status(leads).isin(OPEN_STATUSES).to_numpy(dtype=bool)
    return leads.loc[created & is_open & ~_converted(leads, as_of=as_of)]


def _last_touch(leads, activities, opportunities, *, as_of) -> pd.Series:
    """Latest touch on or before ``as_of`` per lead_id (links.lead_activities)."""
    links = lead_activities(leads, activities, opportunities)
    links = links.loc[links["occurred_at"] < as_of_end(as_of)]
    return links.groupby("lead_id")["occurred_at"].max()


def _lookup(values: pd.Series, keys: pd.Series) -> pd.Series:
    """``values[key]`` for each key as datetime64[ns] (NaT when absent), aligned to ``keys``.

    ``reindex`` rather than ``Series.map``: pandas cannot map through an
    empty datetime Series.
    """
    found = values.reindex(keys.to_numpy()).to_numpy()
    return pd.Series(found, index=keys.index).astype("datetime64[ns]")


def _age_days(ts: pd.Series, *, as_of) -> pd.Series:
    return ((pd.Timestamp(as_of).normalize() - ts.dt.normalize()) / _DAY).astype("int64")


def stale_leads(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    stale_days: int = 14,
) -> pd.DataFrame:
    """Touch status of every open lead; ``stale`` marks the ones not touched lately.

    Definitions
    -----------
    * Open lead: see the module docstring (``Open``/``Working``, not
      converted, created on or before ``as_of``).
    * ``age_days`` = ``as_of day - created_at day``.
    * ``last_touch_at``: latest activity of the lead on or before ``as_of``.
    * ``stale``: ``age_days >= stale_days`` (a younger lead is not stale yet)
      and no touch in ``(as_of - stale_days, as_of]``.

    Returns
    -------
    DataFrame
        ``lead_id``, ``company``, ``owner_id``, ``status``, ``created_at``,
        ``age_days``, ``last_touch_at``, ``days_since_touch``, ``stale``;
        sorted by ``lead_id``.
    """
    open_leads = _open_leads(leads, as_of=as_of)
    last = _last_touch(open_leads, activities, opportunities, as_of=as_of)
    out = open_leads.reindex(
        columns=["lead_id", "company", "owner_id", "status", "created_at"]
    ).reset_index(drop=True)
    out["age_days"] = _age_days(out["created_at"], as_of=as_of)
    out["last_touch_at"] = _lookup(last, out["lead_id"])
    day = pd.Timestamp(as_of).normalize()
    out["days_since_touch"] = (day - out["last_touch_at"].dt.normalize()) / _DAY
    recent = out["last_touch_at"] >= window_start(as_of, stale_days)
    out["stale"] = ((out["age_days"] >= stale_days) & ~recent).to_numpy(dtype=bool)
    return out.sort_values("lead_id", kind="stable").reset_index(drop=True)


def handoff_not_worked(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
) -> pd.DataFrame:
    """Leads handed off to sales on or before ``as_of`` with no activity since.

    Uses :func:`workbook.core.links.lead_handoff_status`: "not worked" means no
    activity linked to the lead (directly or through its converted
    opportunity) with ``handed_off_at <= occurred_at`` up to the end of the
    ``as_of`` day, i.e. ``first_touch_after_handoff`` is missing.

    Returns
    -------
    DataFrame
        ``lead_id``, ``owner_id``, ``status``, ``handed_off_at``,
        ``days_waiting`` (``as_of - handed_off_at`` in days); longest
        waiting first.
    """
    status = lead_handoff_status(leads, activities, opportunities, as_of=as_of)
    out = status.loc[
        status["first_touch_after_handoff"].isna(),
        ["lead_id", "owner_id", "handed_off_at", "days_waiting"],
    ]
    out = out.merge(leads[["lead_id", "status"]], on="lead_id", how="left")
    out = out[["lead_id", "owner_id", "status", "handed_off_at", "days_waiting"]]
    return out.sort_values(
        ["days_waiting", "lead_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def handed_off_count(leads: pd.DataFrame, *, as_of) -> int:
    """Leads with ``handed_off_at`` on or before the ``as_of`` day."""
    return int((leads["handed_off_at"].notna() & (leads["handed_off_at"] < as_of_end(as_of))).sum())


def lead_effectiveness_by_owner(stale: pd.DataFrame, not_worked: pd.DataFrame) -> pd.DataFrame:
    """Per owner: ``open_leads``, ``stale_leads``, ``stale_share``, ``handed_off_not_worked``.

    Blank owners are grouped as ``"(none)"``; sorted by stale leads plus
    not-worked leads descending, then owner.
    """
    a = stale.groupby(_label(stale["owner_id"]).rename("owner_id")).agg(
        open_leads=("lead_id", "size"), stale_leads=("stale", "sum")
    )
    b = not_worked.groupby(_label(not_worked["owner_id"]).rename("owner_id")).size()
    out = a.join(b.rename("handed_off_not_worked"), how="outer").fillna(0).astype("int64")
    out = out.reset_index()
    out["stale_share"] = out["stale_leads"] / out["open_leads"].where(out["open_leads"] > 0)
    out["_key"] = out["stale_leads"] + out["handed_off_not_worked"]
    out = out.sort_values(["_key", "owner_id"], ascending=[False, True], kind="stable")
    return out[
        ["owner_id", "open_leads", "stale_leads", "stale_share", "handed_off_not_worked"]
    ].reset_index(drop=True)


def lead_status_counts(leads: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Leads created on or before ``as_of`` per status as recorded.

    Returns
    -------
    DataFrame
        ``status``, ``leads``, ``share``; known statuses in the order Open,
        Working, Nurture, Unqualified, Converted (matched case-insensitively,
        shown in that spelling), then other statuses alphabetically, then
        ``(blank)``. Known statuses with no lead show 0.
    """
    sel = leads.loc[(leads["created_at"] < as_of_end(as_of)).to_numpy(dtype=bool)]
    norm = _status(sel)
    known = {s.lower(): s for s in STATUS_ORDER}
    raw = sel["status"].astype("str").str.strip()
    label = norm.map(known).fillna(raw.where(norm != "", BLANK_STATUS))
    counts = label.value_counts()
    others = sorted(set(counts.index) - set(STATUS_ORDER) - {BLANK_STATUS})
    order = list(STATUS_ORDER) + others + ([BLANK_STATUS] if BLANK_STATUS in counts else [])
    out = pd.DataFrame({"status": order})
    out["leads"] = out["status"].map(counts).fillna(0).astype("int64")
    total = out["leads"].sum()
    out["share"] = out["leads"] / total if total else np.nan
    return out


def lead_funnel(leads: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Lead funnel created -> worked -> converted (see the module docstring).

    Returns
    -------
    DataFrame
        ``step``, ``leads`` (reached the step), ``conversion`` (leads /
        previous step's leads; NaN for the first step or after an empty
        step), ``share_of_created``.
    """
    sel = leads.loc[(leads["created_at"] < as_of_end(as_of)).to_numpy(dtype=bool)]
    converted = _converted(sel, as_of=as_of)
    worked = (~_status(sel).isin(["open", ""])).to_numpy(dtype=bool) | converted
    counts = np.array([len(sel), int(worked.sum()), int(converted.sum())], dtype="int64")
    prev = np.concatenate([[np.nan], counts[:-1].astype("float64")])
    with np.errstate(divide="ignore", invalid="ignore"):
        conversion = np.where(prev > 0, counts / prev, np.nan)
        share = counts / counts[0] if counts[0] else np.full(3, np.nan)
    return pd.DataFrame(
        {
            "step": ["created", "worked", "converted"],
            "leads": counts,
            "conversion": conversion,
            "share_of_created": share,
        }
    )


def archive_candidates(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    *,
    as_of,
    archive_after_days: int = 180,
) -> pd.DataFrame:
    """Old unqualified or stalled leads to archive or move to a nurture campaign.

    A lead qualifies when it was created on or before ``as_of``, is not
    converted, ``age_days > archive_after_days`` (strictly older), and

    * its status is ``Unqualified`` -> ``reason="unqualified"``,
      ``action="archive"``; or
    * it is open (``Open``/``Working``) with no touch in
      ``(as_of - archive_after_days, as_of]`` -> ``reason="stalled"``,
      ``action="nurture"``.

    ``Nurture`` leads are already in nurture and are not listed.

    Returns
    -------
    DataFrame
        ``lead_id``, ``company``, ``owner_id``, ``status``, ``created_at``,
        ``age_days``, ``last_touch_at``, ``reason``, ``action``; oldest first.
    """
    created = (leads["created_at"] < as_of_end(as_of)).to_numpy(dtype=bool)
    sel = leads.loc[created & ~_converted(leads, as_of=as_of)]
    age = _age_days(sel["created_at"], as_of=as_of)
    sel = sel.loc[(age > archive_after_days).to_numpy(dtype=bool)]
    status = _status(sel)
    last = _last_touch(sel, activities, opportunities, as_of=as_of)
    last_touch = _lookup(last, sel["lead_id"])
    touched = last_touch >= window_start(as_of, archive_after_days)
    unqualified = (status == "unqualified").to_numpy(dtype=bool)
    stalled = (status.isin(OPEN_STATUSES) & ~touched).to_numpy(dtype=bool)
    keep = unqualified | stalled
    out = sel.loc[keep].reindex(columns=["lead_id", "company", "owner_id", "status", "created_at"])
    out["age_days"] = _age_days(out["created_at"], as_of=as_of)
    out["last_touch_at"] = last_touch[keep].to_numpy()
    out["reason"] = np.where(unqualified[keep], "unqualified", "stalled")
    out["action"] = np.where(unqualified[keep], "archive", "nurture")
    return out.sort_values(
        ["age_days", "lead_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def unowned_open_leads(leads: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """Open leads (module docstring) whose ``owner_id`` is blank.

    Returns
    -------
    DataFrame
        ``lead_id``, ``company``, ``source``, ``status``, ``created_at``,
        ``age_days``; oldest first.
    """
    sel = _open_leads(leads, as_of=as_of)
    owner = sel["owner_id"]
    blank = owner.isna() | (owner.astype("str").str.strip() == "")
    out = sel.loc[blank.to_numpy(dtype=bool)].reindex(
        columns=["lead_id", "company", "source", "status", "created_at"]
    )
    out["age_days"] = _age_days(out["created_at"], as_of=as_of)
    return out.sort_values(
        ["age_days", "lead_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


# --------------------------------------------------------------------------
# win model
# --------------------------------------------------------------------------
@dataclass
class WinModel:
    """Result of :func:`fit_win_model`.

    ``status`` is ``"fitted"`` or ``"refused"``; ``reason`` says why it was
    refused (empty when fitted). ``coefficients`` has ``term``, ``coef``,
    ``std_err``, ``z``, ``p_value``, ``ci_low``, ``ci_high``, ``odds_ratio``
    (empty when refused). ``dropped_features`` lists features left out for
    having no variance; ``excluded_missing`` counts closed deals without an
    amount (left out of the fit).
    """

    status: str
    reason: str
    n_closed: int
    n_won: int
    min_closed: int
    features: list[str] = field(default_factory=list)
    dropped_features: list[str] = field(default_factory=list)
    excluded_missing: int = 0
    coefficients: pd.DataFrame = field(default_factory=pd.DataFrame)
    result: object | None = None

    @property
    def fitted(self) -> bool:
        return self.status == FITTED


def _features(age_days, amount, activities, meetings) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "log_age_days": np.log1p(np.clip(np.asarray(age_days, dtype="float64"), 0, None)),
            "log_amount": np.log1p(np.clip(np.asarray(amount, dtype="float64"), 0, None)),
            "log_activities": np.log1p(np.asarray(activities, dtype="float64")),
            "log_meetings": np.log1p(np.asarray(meetings, dtype="float64")),
        }
    )


def closed_deal_features(
    opportunities: pd.DataFrame, activities: pd.DataFrame, *, as_of
) -> pd.DataFrame:
    """Model features of every closed deal (``close_date`` on or before ``as_of``).

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``won`` (0/1), ``age_days`` (float, close -
        created), ``amount``, ``activities``, ``meetings`` (up to the end of
        the close day), then the :data:`MODEL_FEATURES` columns.
    """
    end_all = as_of_end(as_of)
    closed = opportunities.loc[
        (_flag(opportunities["is_closed"]) & (opportunities["close_date"] < end_all)).to_numpy(
            dtype=bool
        )
    ].reset_index(drop=True)
    end = (closed["close_date"].dt.normalize() + _DAY).clip(upper=end_all).to_numpy()
    stats = _opp_activity_stats(activities, closed, end)
    out = pd.DataFrame(
        {
            "opportunity_id": closed["opportunity_id"],
            "won": _flag(closed["is_won"]).astype("int64"),
            "age_days": ((closed["close_date"] - closed["created_at"]) / _DAY).clip(lower=0),
            "amount": closed["amount"].astype("float64"),
            "activities": stats["activities"].to_numpy(),
            "meetings": stats["meetings"].to_numpy(),
        }
    )
    feats = _features(out["age_days"], out["amount"], out["activities"], out["meetings"])
    return pd.concat([out, feats], axis=1)


def fit_win_model(
    opportunities: pd.DataFrame,
    activities: pd.DataFrame,
    *,
    as_of,
    min_closed: int = 50,
) -> WinModel:
    """Fit the win-probability Logit on closed deals, or refuse and say why.

    See the module docstring for the features and the refusal rules.
    ``n_closed`` counts closed deals with an amount (those used in the fit).
    """
    data = closed_deal_features(opportunities, activities, as_of=as_of)
    missing = int(data["amount"].isna().sum())
    data = data.loc[data["amount"].notna()].reset_index(drop=True)
    n, won = len(data), int(data["won"].sum())
    base = dict(n_closed=n, n_won=won, min_closed=int(min_closed), excluded_missing=missing)
    if n < min_closed:
        return WinModel(
            REFUSED,
            f"only {n} closed deals with an amount; the model needs at least {min_closed}",
            **base,
        )
    if won in (0, n):
        return WinModel(REFUSED, "all closed deals have the same outcome", **base)
    feats = [f for f in MODEL_FEATURES if data[f].nunique() > 1]
    dropped = [f for f in MODEL_FEATURES if f not in feats]
    base.update(features=feats, dropped_features=dropped)
    x = sm.add_constant(data[feats], has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.Logit(data["won"].astype("float64"), x).fit(disp=0, maxiter=200)
        except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
            return WinModel(REFUSED, f"the fit failed: {exc}", **base)
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        return WinModel(REFUSED, "the features separate won and lost deals perfectly", **base)
    converged = bool(result.mle_retvals.get("converged", False))
    if not converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        return WinModel(REFUSED, "the fit did not converge", **base)
    ci = result.conf_int()
    coefs = pd.DataFrame(
        {
            "term": list(result.params.index),
            "coef": result.params.to_numpy(),
            "std_err": result.bse.to_numpy(),
            "z": result.tvalues.to_numpy(),
            "p_value": result.pvalues.to_numpy(),
            "ci_low": ci[0].to_numpy(),
            "ci_high": ci[1].to_numpy(),
        }
    )
    coefs["odds_ratio"] = np.exp(coefs["coef"])
    return WinModel(FITTED, "", coefficients=coefs, result=result, **base)


def probability_variance(
    effectiveness: pd.DataFrame, model: WinModel, *, threshold: float = 30
) -> pd.DataFrame:
    """Rep probability against model probability for every open opportunity.

    ``model_probability`` is the Logit prediction in points (0-100) from the
    open deal's current age, amount, activities and meetings (columns of
    :func:`workbook.analyses.engagement.opportunity_effectiveness`);
    ``variance = probability - model_probability``; ``flagged`` when
    ``|variance| >= threshold`` (inclusive). Nothing is flagged, and the
    model columns are NaN, when the model was refused; a blank rep
    probability or amount is never flagged.

    Returns
    -------
    DataFrame
        ``opportunity_id``, ``owner_id``, ``stage``, ``amount``,
        ``probability``, ``model_probability``, ``variance``, ``flagged``.
    """
    out = effectiveness[
        ["opportunity_id", "owner_id", "stage", "amount", "probability"]
    ].reset_index(drop=True)
    if model.fitted and len(out):
        feats = _features(
            effectiveness["age_days"],
            effectiveness["amount"],
            effectiveness["activities"],
            effectiveness["meetings"],
        )
        x = sm.add_constant(feats[model.features], has_constant="add")
        pred = np.asarray(model.result.predict(x), dtype="float64") * 100
        pred = np.where(effectiveness["amount"].isna().to_numpy(), np.nan, pred)
    else:
        pred = np.full(len(out), np.nan)
    out["model_probability"] = pred
    out["variance"] = out["probability"].astype("float64") - out["model_probability"]
    out["flagged"] = (out["variance"].abs() >= threshold).to_numpy(dtype=bool)
    return out


def _points(values: pd.Series) -> pd.Series:
    """Whole points as text (NaN shown as ``?``)."""
    rounded = values.astype("float64").round()
    return rounded.fillna(0).astype("int64").astype("str").where(rounded.notna(), "?")


def _variance_detail(rep: pd.Series, model: pd.Series) -> pd.Series:
    diff = rep.astype("float64") - model.astype("float64")
    sign = pd.Series(np.where(diff.round() >= 0, "+", ""), index=rep.index)
    text = (
        "Rep probability "
        + _points(rep)
        + "% vs model "
        + _points(model)
        + "% ("
        + sign
        + _points(diff)
        + " points); review the forecast."
    )
    return text.reset_index(drop=True)


def _decision_maker_accounts(contacts: pd.DataFrame | None) -> set | None:
    if contacts is None or "is_decision_maker" not in contacts.columns:
        return None
    return set(contacts.loc[_flag(contacts["is_decision_maker"]), "account_id"].dropna())


def recommendations(
    effectiveness: pd.DataFrame,
    variance: pd.DataFrame,
    *,
    contacts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Recommended actions per open opportunity; one row per (opportunity, rule).

    Rules (priority in brackets):

    * ``close_date_passed`` [high]: ``close_date_passed`` in
      :func:`workbook.analyses.engagement.opportunity_effectiveness`;
    * ``win_probability_variance`` [high]: ``flagged`` in
      :func:`probability_variance`;
    * ``no_recent_activity`` [medium]: ``stale`` (no activity in
      ``stale_days``, deal at least ``stale_days`` old);
    * ``no_decision_maker_contact`` [medium]: only when ``contacts`` is given
      with an ``is_decision_maker`` column: the account has no contact with
      ``is_decision_maker`` true;
    * ``no_meeting_yet`` [low]: no activity of type ``meeting`` linked to the
      opportunity on or before ``as_of``.

    Returns
    -------
    DataFrame
        :data:`RECOMMENDATION_COLUMNS` plus ``amount``; sorted by priority
        (high first), amount descending, opportunity_id, rule.
    """
    eff = effectiveness.reset_index(drop=True)
    var = variance.set_index("opportunity_id").reindex(eff["opportunity_id"])
    overdue_detail = (
        "Close date "
        + eff["close_date"].dt.strftime("%Y-%m-%d")
        + " passed "
        + eff["days_overdue"].astype("str")
        + " day(s) ago; update it or close "
        "the deal."
    )
    last = eff["last_activity_at"].dt.strftime("%Y-%m-%d")
    stale_detail = (
        "Last activity on "
        + last
        + " ("
        + eff["days_since_activity"].fillna(0).astype("int64").astype("str")
        + " days ago)."
    ).where(last.notna(), "No activity logged since the deal was created.")
    var_detail = _variance_detail(var["probability"], var["model_probability"])
    parts = [
        (CLOSE_DATE_PASSED, eff["close_date_passed"].to_numpy(dtype=bool), overdue_detail),
        (PROBABILITY_VARIANCE, var["flagged"].fillna(False).to_numpy(dtype=bool), var_detail),
        (NO_RECENT_ACTIVITY, eff["stale"].to_numpy(dtype=bool), stale_detail),
        (
            NO_MEETING,
            (eff["meetings"] == 0).to_numpy(dtype=bool),
            pd.Series("No meeting logged on this opportunity yet.", index=eff.index),
        ),
    ]
    dm = _decision_maker_accounts(contacts)
    if dm is not None:
        parts.append(
            (
                NO_DECISION_MAKER,
                (~eff["account_id"].isin(dm)).to_numpy(dtype=bool),
                pd.Series(
                    "No contact at the account is marked as a decision maker.", index=eff.index
                ),
            )
        )
    frames = [
        eff.loc[mask, ["opportunity_id", "account_id", "owner_id", "amount"]].assign(
            rule=rule, detail=detail[mask].to_numpy(), priority=RULE_PRIORITY[rule]
        )
        for rule, mask, detail in parts
    ]
    out = pd.concat(frames, ignore_index=True)
    out["priority"] = pd.Categorical(out["priority"], categories=list(PRIORITIES), ordered=True)
    out = out.sort_values(
        ["priority", "amount", "opportunity_id", "rule"],
        ascending=[True, False, True, True],
        kind="stable",
        na_position="last",
    )
    return out[[*RECOMMENDATION_COLUMNS, "amount"]].reset_index(drop=True)


def recommendation_counts(recs: pd.DataFrame, *, by: str = "rule") -> pd.DataFrame:
    """Recommendations per rule (or owner): ``<by>``, ``opportunities``, ``amount``."""
    group = _label(recs[by]).rename(by)
    out = (
        recs.groupby(group)
        .agg(opportunities=("opportunity_id", "nunique"), amount=("amount", "sum"))
        .reset_index()
    )
    return out.sort_values(
        ["opportunities", by], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


__all__ = [
    "NO_GROUP",
    "RECOMMENDATION_COLUMNS",
    "WinModel",
    "archive_candidates",
    "closed_deal_features",
    "fit_win_model",
    "handed_off_count",
    "handoff_not_worked",
    "lead_effectiveness_by_owner",
    "lead_funnel",
    "lead_status_counts",
    "probability_variance",
    "recommendation_counts",
    "recommendations",
    "stale_leads",
    "unowned_open_leads",
]


def model_note(model: WinModel, *, threshold: float) -> str:
    """One plain-text sentence on the win model: what it was fitted on, or why it refused."""
    if not model.fitted:
        return (
            f"The win model was not fitted ({model.reason}); no opportunity is flagged for "
            "win-probability variance."
        )
    text = (
        f"The win model is fitted on {model.n_closed:,} closed deals ({model.n_won:,} won) with "
        f"features {', '.join(model.features)}; an open deal is flagged when the rep's "
        f"probability differs from the model's by {threshold:g} points or more."
    )
    if model.dropped_features:
        text += f" Left out for having no variance: {', '.join(model.dropped_features)}."
    if model.excluded_missing:
        text += f" {model.excluded_missing:,} closed deal(s) without an amount were left out."
    return text
