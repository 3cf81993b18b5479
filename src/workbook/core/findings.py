"""The findings a report offers to the executive brief.

Each report's ``narrative.findings(res)`` returns a list of :class:`Finding`:
one thing a sales leader should act on, named (account, family, rep or
threshold), with the money or count at stake, the action in words, a
severity the report declares, and the section of the report that shows the
evidence. ``passed`` says whether the finding cleared the report's own noise
or skill rule (:mod:`workbook.core.noise`, the out-of-time checks); only
passed findings may reach the brief.

The findings travel in each report's ``summary.json`` under ``findings`` (a
list of :meth:`Finding.to_dict`), so the index can rank them without
importing any analysis.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

__all__ = ["HIGH", "LOW", "MEDIUM", "SEVERITIES", "Finding", "attach_findings"]

#: Severity levels, most urgent first; the brief ranks findings without money by them.
HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITIES = (HIGH, MEDIUM, LOW)


@dataclass(frozen=True)
class Finding:
    """One finding for the executive brief.

    Attributes
    ----------
    report : str
        The report it comes from (``"scoring"``); its page is ``<report>.html``.
    anchor : str
        The id of the report section holding the evidence (``<report>.html#<anchor>``).
    title : str
        A short headline, e.g. ``"Largest customer"``.
    subject : str
        Who or what it names: an account, family, rep or threshold (a name, never an id).
    action : str
        The action in one plain sentence.
    severity : str
        ``"high"``, ``"medium"`` or ``"low"`` (:data:`SEVERITIES`).
    money : float, optional
        Money at stake, in the data's currency; ``None`` when the finding is a count.
    count : int, optional
        The count at stake (leads, deals, accounts) when there is no money.
    unit : str
        What ``count`` counts, e.g. ``"leads a year"``.
    passed : bool
        True when the evidence cleared the report's noise or skill rule.
    """

    report: str
    anchor: str
    title: str
    subject: str
    action: str
    severity: str = MEDIUM
    money: float | None = None
    count: int | None = None
    unit: str = ""
    passed: bool = True

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def to_dict(self) -> dict:
        """A JSON-able dict (the ``summary.json`` form)."""
        out = asdict(self)
        out["money"] = None if self.money is None else float(self.money)
        out["count"] = None if self.count is None else int(self.count)
        out["passed"] = bool(self.passed)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        """The inverse of :meth:`to_dict`; unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def attach_findings(res, found: list[Finding]):
    """Put ``found`` into ``res.figures["findings"]`` (so into ``summary.json``); return ``res``."""
    res.figures["findings"] = [f.to_dict() for f in found]
    return res
