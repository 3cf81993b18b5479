"""The whitespace report's parameters, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from workbook.core.params import ReportParams, param

from .columns import DEFAULT_CALL_LIST_PER_REP, DEFAULT_MIN_PEER_ADOPTION


@dataclass(frozen=True)
class Params(ReportParams):
    """Parameters of the whitespace report (the notebook's ``parameters`` cell).

    Attributes
    ----------
    family : str
        The family of the heatmap: an account id (root or member) or an
        exact account name; ``""`` picks the family with the largest won
        revenue in the 12 months to ``as_of`` (:func:`choose_family`).
    min_peer_adoption : float
        Peer whitespace threshold: least share of the industry owning a
        product, in [0, 1] (inclusive).
    horizon_months : int
        ``h``: the purchase window of the purchase model, and the spacing of
        its backtest cuts (``as_of - h``, ``as_of - 2h``), ``>= 1``.
    top_n : int
        Gaps listed per rep in ``top_gaps_by_owner``, ``>= 1``.
    call_list_per_rep : int
        Candidates kept per rep (account owner) in ``call_list``, best
        first; ``0`` keeps every candidate. The report states how many
        candidates there are and how many the list keeps.
    """

    report: ClassVar[str] = "whitespace"

    family: str = param(
        "", "heatmap family: account_id or exact name; empty means largest by revenue"
    )
    min_peer_adoption: float = param(
        DEFAULT_MIN_PEER_ADOPTION,
        "peer whitespace: least industry share owning a product (0-1)",
        low=0,
        high=1,
        unit="share of the industry",
    )
    horizon_months: int = param(
        12, "purchase window of the purchase model and spacing of its backtest cuts", low=1,
        unit="months",
    )
    top_n: int = param(20, "gaps listed per rep (top gaps by owner)", low=1, unit="gaps")
    call_list_per_rep: int = param(
        DEFAULT_CALL_LIST_PER_REP,
        "candidates kept per rep in the call list, best first; 0 keeps every candidate",
        low=0,
        unit="candidates",
    )
