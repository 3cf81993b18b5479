"""The sample generator: :func:`generate`, and :class:`_Gen`, which runs the table builders.

Each table has its own module (``accounts``, ``leads``, ``opportunities``,
``activities``, ``purchases``, ``contacts``, ``users``) holding a mixin of
:class:`_Gen`. They share the generator's state: the scale ``cfg``, the two
random streams and the integer-coded arrays each builder leaves for the next.
The builders run, and so draw their random numbers, in the order of
:meth:`_Gen.run`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from workbook.data.model import (
    ACCOUNTS,
    ACTIVITIES,
    CONTACTS,
    LEADS,
    OPPORTUNITIES,
    PRODUCTS,
    PURCHASES,
    SPECS,
    USERS,
)
from workbook.data.sample.accounts import _AccountsMixin
from workbook.data.sample.activities import _ActivitiesMixin
from workbook.data.sample.contacts import _ContactsMixin
from workbook.data.sample.leads import _LeadsMixin
from workbook.data.sample.opportunities import _OpportunitiesMixin
from workbook.data.sample.purchases import _PurchasesMixin
from workbook.data.sample.scales import SCALES, _Scale
from workbook.data.sample.users import _users_table


def generate(*, scale: str = "small", seed: int = 0) -> dict[str, pd.DataFrame]:
    """Generate the synthetic CRM.

    Parameters
    ----------
    scale : {"small", "large"}
        Size preset, see :mod:`workbook.data.sample` and :data:`SCALES`.
    seed : int
        Seed of ``numpy.random.default_rng``. The same ``scale`` and ``seed``
        always give identical tables.

    Returns
    -------
    dict of str to DataFrame
        All eight canonical tables (``accounts``, ``leads``, ``opportunities``,
        ``activities``, ``products``, ``purchases``, ``contacts``, ``users``),
        with exactly the columns of :data:`workbook.data.model.SPECS`, in that order:
        ids and text as pandas ``str``, dates ``datetime64[ns]`` (midnight),
        booleans ``boolean``, numbers ``float64``. The snapshot date is
        :data:`SAMPLE_AS_OF`; a few records are deliberately dated after it.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
    return _generate(SCALES[scale], seed=seed)


def _generate(cfg: _Scale | None = None, *, seed: int = 0, **overrides) -> dict[str, pd.DataFrame]:
    """:func:`generate` with an explicit :class:`_Scale`; ``overrides`` replace its fields.

    Used by tests to run the large-scale code path (depth 10, 50 products) at
    a tiny size, e.g. ``_generate(SCALES["large"], n_accounts=2000, n_leads=3000)``.
    """
    cfg = dataclasses.replace(cfg or SCALES["small"], **overrides)
    rng = np.random.default_rng(seed)
    # A second stream, derived from the same seed, for draws added to refine the
    # stories: they leave the main stream (and so the random background) as it was.
    g = _Gen(cfg, rng, story_rng=np.random.default_rng([seed, 1]))
    return g.run()


class _Gen(
    _AccountsMixin,
    _LeadsMixin,
    _OpportunitiesMixin,
    _ActivitiesMixin,
    _PurchasesMixin,
    _ContactsMixin,
):
    """Holds intermediate integer-coded arrays while the tables are built.

    ``rng`` is the main random stream; ``story_rng`` a second one for draws
    added to refine the stories, so that they leave the main stream (and the
    random background) as it was. Accounts, leads and opportunities are coded
    by their position (planted accounts first); the ids are given at the end.
    """

    def __init__(
        self, cfg: _Scale, rng: np.random.Generator, *, story_rng: np.random.Generator
    ) -> None:
        self.cfg = cfg
        self.rng = rng
        self.story_rng = story_rng

    # -- orchestration --
    def run(self) -> dict[str, pd.DataFrame]:
        self._accounts()
        self._leads()
        self._opportunities()
        self._partner_scores()
        self._finish_leads()
        self._activities()
        self._products_and_purchases()
        self._contacts()
        tables = {
            ACCOUNTS: self.accounts,
            LEADS: self.leads,
            OPPORTUNITIES: self.opportunities,
            ACTIVITIES: self.activities,
            PRODUCTS: self.products,
            PURCHASES: self.purchases,
            CONTACTS: self.contacts,
            USERS: _users_table(),
        }
        return {name: tables[name][SPECS[name].column_names] for name in SPECS}
