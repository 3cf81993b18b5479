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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

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
from workbook.data.sample.catalogue import _LATE_LEADS
from workbook.data.sample.contacts import _ContactsMixin
from workbook.data.sample.helpers import _width
from workbook.data.sample.leads import _LeadsMixin, _month_multiplier
from workbook.data.sample.opportunities import _OpportunitiesMixin, _rep_bias, _rep_skill
from workbook.data.sample.purchases import _PurchasesMixin
from workbook.data.sample.scales import SCALES, _Scale
from workbook.data.sample.users import _users_table


def generate(*, scale: str = "small", seed: int = 0) -> dict[str, pd.DataFrame]:
    """Generate the synthetic CRM.

    Parameters
    ----------
    scale : {"small", "large", "xlarge"}
        Size preset, see :mod:`workbook.data.sample` and :data:`SCALES`.
        A chunked scale (``xlarge``) is generated chunk by chunk
        (:func:`iter_chunks`) and the chunks concatenated here, which needs
        the whole sample in memory (tens of GB for ``xlarge``); :func:`write`
        writes it one chunk at a time instead.
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
    if SCALES[scale].chunks == 1:
        return _generate(SCALES[scale], seed=seed)
    return _concat(list(iter_chunks(scale=scale, seed=seed)))


def iter_chunks(*, scale: str = "small", seed: int = 0) -> Iterator[dict[str, pd.DataFrame]]:
    """Generate the synthetic CRM one chunk at a time.

    Parameters
    ----------
    scale, seed
        As for :func:`generate`.

    Yields
    ------
    dict of str to DataFrame
        The eight canonical tables of each chunk, as :func:`generate` returns
        them. A scale of one chunk yields exactly :func:`generate`'s tables.
        Otherwise chunk ``k`` (``k = 0 .. chunks - 1``) is a mini CRM of
        ``n_accounts / chunks`` accounts (their hierarchies inside the chunk)
        and ``n_leads / chunks`` leads, whose opportunities, activities,
        purchases and contacts refer only to the chunk's own records. Ids
        continue from the previous chunks (unique over all chunks, with the
        widths of the whole scale). Chunk 0 alone holds the planted stories and
        data faults, so the sample has each of them once; its planted accounts
        keep their ids (``A...01`` to ``A...23``), and its late leads and the
        unknown lead ids of activities follow the last regular lead of all
        chunks. ``products`` and ``users`` are the same in every chunk. The
        monthly lead inflow multipliers and the reps' skill and forecast bias
        are drawn once, from their own stream of the seed, and shared by all
        chunks, so the chunks add up to one sample with the monthly and rep
        effects of the unchunked generator. Chunk ``k`` draws from
        ``default_rng([seed, 3, k])`` and ``default_rng([seed, 4, k])``: the
        same ``scale`` and ``seed`` give identical chunks.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
    return _generate_chunks(SCALES[scale], seed=seed)


def _generate_chunks(
    cfg: _Scale | None = None, *, seed: int = 0, **overrides
) -> Iterator[dict[str, pd.DataFrame]]:
    """:func:`iter_chunks` with an explicit :class:`_Scale`; ``overrides`` replace its fields.

    Tests run the chunked path at a tiny size, e.g.
    ``_generate_chunks(SCALES["large"], n_accounts=900, n_leads=6000, chunks=3)``.
    """
    cfg = dataclasses.replace(cfg or SCALES["small"], **overrides)
    if cfg.chunks == 1:
        yield _generate(cfg, seed=seed)
        return
    shared_rng = np.random.default_rng([seed, 2])
    shared = _Shared(
        month_multiplier=_month_multiplier(shared_rng),
        rep_skill=_rep_skill(shared_rng),
        rep_bias=_rep_bias(shared_rng),
    )
    accounts = _split(cfg.n_accounts, cfg.chunks)
    leads = _split(cfg.n_leads, cfg.chunks)
    ids = _IdSpace(lead_total=cfg.n_leads, widths=_chunked_widths(cfg))
    for k in range(cfg.chunks):
        part = dataclasses.replace(cfg, n_accounts=accounts[k], n_leads=leads[k], chunks=1)
        g = _Gen(
            part,
            np.random.default_rng([seed, 3, k]),
            story_rng=np.random.default_rng([seed, 4, k]),
            plant=k == 0,
            ids=ids,
            shared=shared,
        )
        tables = g.run()
        ids = dataclasses.replace(
            ids,
            accounts=ids.accounts + g.n_accounts,
            leads=ids.leads + g.n_leads,
            opportunities=ids.opportunities + len(g.opportunities),
            activities=ids.activities + len(g.activities),
            contacts=ids.contacts + len(g.contacts),
        )
        del g
        yield tables


def _split(n: int, chunks: int) -> list[int]:
    """``n`` in ``chunks`` near-equal parts (the first ones one larger)."""
    base, extra = divmod(n, chunks)
    return [base + (k < extra) for k in range(chunks)]


def _chunked_widths(cfg: _Scale) -> dict[str, int]:
    """Id widths of a chunked scale, fixed before the chunks are drawn.

    Accounts and leads are counted exactly; opportunities, activities and
    contacts from generous bounds (renewals average 2.4 per account, contacts
    are at most 6). An id past its width is still unique, only longer.
    """
    n_a, n_l = cfg.n_accounts, cfg.n_leads
    return {
        "A": _width(n_a, 5),
        "L": _width(n_l + len(_LATE_LEADS), 6),
        "O": _width(n_l + 10 * n_a, 6),
        "ACT": _width(10 * (n_l + n_a), 7),
        "C": _width(6 * n_a, 5),
    }


def _concat(chunks: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """One table per name from the chunks (``products`` and ``users`` from the first)."""
    once = {PRODUCTS, USERS}
    return {
        name: chunks[0][name]
        if name in once
        else pd.concat([c[name] for c in chunks], ignore_index=True)
        for name in chunks[0]
    }


@dataclass(frozen=True)
class _Shared:
    """Draws shared by every chunk of a chunked sample (None for one chunk: drawn inline)."""

    month_multiplier: np.ndarray  # gamma multiplier of each month's lead inflow
    rep_skill: Mapping[str, float]  # log-odds effect of each rep on a deal being worked
    rep_bias: Mapping[str, float]  # each rep's forecast bias, probability points


@dataclass(frozen=True)
class _IdSpace:
    """How one chunk numbers its ids.

    ``accounts`` .. ``contacts``: ids the earlier chunks used, so this chunk's
    start after them. ``lead_total``: regular leads of all chunks (the late
    leads and the unknown lead ids follow them; None: this chunk's own count).
    ``widths``: digits per id prefix (None: from this chunk's own counts). The
    default numbers a single unchunked sample.
    """

    accounts: int = 0
    leads: int = 0
    opportunities: int = 0
    activities: int = 0
    contacts: int = 0
    lead_total: int | None = None
    widths: Mapping[str, int] | None = None

    def width(self, prefix: str, n: int, minimum: int) -> int:
        """Digits of ``prefix`` ids: fixed for a chunked sample, else from the count ``n``."""
        return self.widths[prefix] if self.widths else _width(n, minimum)


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
    ``plant``: add the planted stories and data faults (False for the chunks
    after the first of a chunked sample); ``ids``: where the ids start and
    their widths; ``shared``: draws common to all chunks (None: drawn here).
    """

    def __init__(
        self,
        cfg: _Scale,
        rng: np.random.Generator,
        *,
        story_rng: np.random.Generator,
        plant: bool = True,
        ids: _IdSpace | None = None,
        shared: _Shared | None = None,
    ) -> None:
        self.cfg = cfg
        self.rng = rng
        self.story_rng = story_rng
        self.plant = plant
        self.ids = ids or _IdSpace()
        self.shared = shared

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
