"""Rules every fitted model shares, written once.

:func:`events_per_parameter_ok` is the sample-size rule of the engagement win
model and the whitespace purchase model: refuse a model when the smaller
outcome class holds fewer than ``min_events_per_parameter`` (10) events per
estimated parameter, counting units (deals, accounts), not rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MIN_EVENTS_PER_PARAMETER", "EventsPerParameter", "events_per_parameter_ok"]

#: Events per parameter needed in the smaller outcome class.
MIN_EVENTS_PER_PARAMETER = 10


@dataclass(frozen=True)
class EventsPerParameter:
    """Result of :func:`events_per_parameter_ok`.

    Attributes
    ----------
    ok : bool
        ``smaller >= min_events_per_parameter * n_parameters``.
    events, non_events : int
        Units with the outcome and units without it.
    smaller : int
        ``min(events, non_events)``.
    n_parameters : int
        Estimated parameters, the constant included.
    needed : int
        ``min_events_per_parameter * n_parameters``.
    per_parameter : float
        ``smaller / n_parameters``.
    sentence : str
        The refusal sentence (empty when ``ok``), with the counts.
    """

    ok: bool
    events: int
    non_events: int
    smaller: int
    n_parameters: int
    needed: int
    per_parameter: float
    sentence: str


def events_per_parameter_ok(
    outcome,
    *,
    n_parameters: int,
    unit: str = "deals",
    event: str = "won",
    non_event: str = "not won",
    min_events_per_parameter: int = MIN_EVENTS_PER_PARAMETER,
) -> EventsPerParameter:
    """The events-per-parameter rule: enough units in the smaller outcome class?

    Parameters
    ----------
    outcome : array-like of bool or 0/1
        One value per **unit** (a deal, an account), not per training row:
        true when the unit had the outcome. Missing values are not allowed.
    n_parameters : int
        Estimated parameters of the model, the constant included (``>= 1``).
    unit, event, non_event : str
        Words for the sentence ("deals", "won", "not won").
    min_events_per_parameter : int, default 10

    Returns
    -------
    EventsPerParameter

    Examples
    --------
    >>> r = events_per_parameter_ok([1] * 30 + [0] * 200, n_parameters=4)
    >>> r.ok, r.smaller, r.needed
    (False, 30, 40)
    >>> r.sentence
    'The model was refused: 30 won deals against 200 not won, so the smaller class has 7.5 events per parameter for 4 parameters; at least 10 per parameter (40 deals) are needed.'
    """
    if n_parameters < 1:
        raise ValueError(f"n_parameters must be >= 1, got {n_parameters}")
    y = np.asarray(outcome).astype(bool)
    events = int(y.sum())
    non_events = int(y.size - events)
    smaller = min(events, non_events)
    needed = int(min_events_per_parameter * n_parameters)
    per = smaller / n_parameters
    ok = smaller >= needed
    sentence = (
        ""
        if ok
        else (
            f"The model was refused: {events:,} {event} {unit} against {non_events:,} "
            f"{non_event}, so the smaller class has {per:.3g} events per parameter for "
            f"{n_parameters} parameters; at least {min_events_per_parameter} per parameter "
            f"({needed:,} {unit}) are needed."
        )
    )
    return EventsPerParameter(ok, events, non_events, smaller, n_parameters, needed, per, sentence)
