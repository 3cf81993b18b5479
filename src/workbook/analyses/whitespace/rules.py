"""Model-size rules used before a fitted model may recommend anything."""

from __future__ import annotations

__all__ = ["MIN_EVENTS_PER_PARAMETER", "events_per_parameter_ok"]

#: Least events (the rarer outcome) per estimated coefficient.
MIN_EVENTS_PER_PARAMETER = 10


def events_per_parameter_ok(
    events: int, non_events: int, parameters: int, *, minimum: int = MIN_EVENTS_PER_PARAMETER
) -> bool:
    """Whether a logistic model has enough outcomes for its coefficients.

    This is the engagement issue's events-per-parameter rule, written here
    until the two are unified in one shared helper: the rarer of the two
    outcomes must number at least ``minimum`` (10) per estimated coefficient,
    the intercept not counted.

    Parameters
    ----------
    events, non_events : int
        Labelled positives and negatives.
    parameters : int
        Coefficients estimated besides the intercept (``>= 1``).
    minimum : int, default 10

    Returns
    -------
    bool
    """
    if parameters < 1:
        raise ValueError(f"parameters must be >= 1, got {parameters!r}")
    return min(int(events), int(non_events)) >= minimum * int(parameters)
