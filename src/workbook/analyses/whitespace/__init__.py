"""Whitespace: products a family member lacks while its siblings and peers own them.

The report answers: which products is an account missing while the other
members of its corporate family already own them (sibling gaps), which gap
should a rep pitch first (priority), what is the whitespace worth per family,
product and rep, which accounts without a family gap still lack what their
industry widely owns (peer whitespace), and which products are owned together
(co-purchase lift).

One call gives the whole report::

    import workbook
    from workbook.analyses import whitespace

    res = whitespace.run(workbook.load(), top_n=5)   # Params fields as overrides
    res.gaps, res.family_whitespace, res.figures, res.sentences

The topic functions below are pure (DataFrames in, DataFrames out, ``as_of``
always passed in), in one module per topic: :mod:`.ownership`, :mod:`.gaps`,
:mod:`.family_views`, :mod:`.peers`, :mod:`.copurchase`, :mod:`.rep_lists`,
:mod:`.family_choice`, :mod:`.figures`; the wording is in :mod:`.narrative`
and the wiring in :mod:`.pipeline`. The purchase rows are cleaned, counted and
coded, and the sibling gaps found, by the Ibis expressions of
:mod:`.relational` (run by :mod:`workbook.engine`). The definitions below are the ones the
report documents (``docs/reports/whitespace.md``) and the tests check.

Definitions
-----------
Ownership
    An account owns a product when at least one ``purchases`` row links the
    two with ``purchased_at`` on or before the ``as_of`` day (the day is
    inclusive: ``purchased_at < as_of_end(as_of)``, see
    :func:`workbook.core.calendar.as_of_end`). Repeated rows for the same pair count
    once. Rows with a missing ``account_id``, ``product_id`` or
    ``purchased_at``, rows dated after ``as_of``, and (in the analyses that
    need the catalogue and the account list) rows naming an account or
    product that is not in those tables are left out and counted by
    :func:`purchase_exclusions`.
Family
    The ultimate parent with all its members, from
    :func:`workbook.core.families.ultimate_parents` (the hierarchy report's rules).
    ``family_id`` is the root's ``account_id``; ``family_members`` is the
    family's size.
Sibling gap
    An (account, product) pair where the account does not own the product and
    at least one *other* member of its family does. ``siblings_owning`` is the
    number of other members owning it (every owner in the family, since the
    gap account is not one). A single-account family has no sibling gaps.
Book adoption ``p0``
    Owners of the product divided by all accounts in ``accounts``.
Peer adoption
    Among all accounts (every family) with the same non-missing ``industry``
    as the gap account, the share that own the product. The denominator
    counts every account of that industry, the gap account included. A
    missing or blank industry has no peer group: ``peer_adoption`` is NaN.
Expected value
    The typical purchase amount of the product among its owners: the median
    of ``amount`` over the product's purchase rows kept for ownership (on or
    before ``as_of``, exact duplicate rows counted once, rows naming an
    account or product missing from their tables left out), ignoring rows
    whose amount is missing and using negative amounts as given. Each row is
    one purchase, so an owner with a purchase and a renewal contributes two
    values (not its total). When no row of the product has an amount it
    falls back to the product's ``list_price`` (the catalogue holds one row
    per product, so the "median list price" is that price), also a single
    purchase. When both are missing it is NaN. ``value_source`` says which
    applied: ``"purchases"``, ``"list_price"`` or ``"none"``.
Priority
    ``sibling_rate = (siblings_owning + a * p0) / (family_members - 1 + a)``,
    the sibling adoption rate shrunk towards the product's book adoption
    ``p0`` with prior strength ``a`` (a Beta(a*p0, a*(1-p0)) prior on the
    rate, i.e. add-``a`` smoothing). ``likelihood = w * sibling_rate +
    (1 - w) * peer`` where ``peer`` is ``peer_adoption`` or ``p0`` when the
    industry is missing and ``w = sibling_weight`` (0.5). ``priority =
    likelihood * expected_value``: the probability-weighted value of the
    pitch, in the currency of the amounts. It is NaN when the expected value
    is NaN; such gaps sort last.

Scale
-----
Nothing builds the full account x product cross product. Owned pairs are
integer-coded; gaps are "members x products owned somewhere in their
family" minus the owned pairs (grouped merges), peer whitespace is "accounts x
products above the adoption threshold in their industry" minus owned pairs,
and co-purchase counts are a ``scipy.sparse`` product ``X.T @ X``.
"""

from __future__ import annotations

from workbook.core.lazy import attach

#: Public name -> the module of this package that defines it, imported on first
#: use (:func:`workbook.core.lazy.attach`), so that reading ``Params`` does not
#: import the statistics.
_EXPORTS = {
    "DEFAULT_MIN_PEER_ADOPTION": "columns",
    "DEFAULT_PRIOR_STRENGTH": "columns",
    "DEFAULT_SIBLING_WEIGHT": "columns",
    "EXCLUSION_COLUMNS": "columns",
    "FAMILY_MATRIX_COLUMNS": "columns",
    "FAMILY_WHITESPACE_COLUMNS": "columns",
    "GAP": "columns",
    "GAP_COLUMNS": "columns",
    "GAP_EXTRA_COLUMNS": "columns",
    "GRID_COLUMNS": "columns",
    "LIFT_COLUMNS": "columns",
    "OWNED": "columns",
    "OWNER_GAP_COLUMNS": "columns",
    "OWNERSHIP_COLUMNS": "columns",
    "PEER_COLUMNS": "columns",
    "PRODUCT_WHITESPACE_COLUMNS": "columns",
    "co_purchase_lift": "copurchase",
    "choose_family": "family_choice",
    "family_gaps": "family_choice",
    "family_label": "family_choice",
    "family_grid": "family_views",
    "family_matrix": "family_views",
    "family_whitespace": "family_views",
    "product_whitespace": "family_views",
    "summary_figures": "figures",
    "sibling_gaps": "gaps",
    "smoothed_rate": "gaps",
    "headline_cards": "narrative",
    "summary_sentences": "narrative",
    "ownership": "ownership",
    "purchase_exclusions": "ownership",
    "Params": "params",
    "peer_whitespace": "peers",
    "run": "pipeline",
    "top_gaps_by_owner": "rep_lists",
    "Results": "results",
}

attach(__name__, _EXPORTS)

__all__ = [
    "DEFAULT_MIN_PEER_ADOPTION",
    "DEFAULT_PRIOR_STRENGTH",
    "DEFAULT_SIBLING_WEIGHT",
    "EXCLUSION_COLUMNS",
    "FAMILY_MATRIX_COLUMNS",
    "FAMILY_WHITESPACE_COLUMNS",
    "GAP",
    "GAP_COLUMNS",
    "GAP_EXTRA_COLUMNS",
    "GRID_COLUMNS",
    "LIFT_COLUMNS",
    "OWNED",
    "OWNERSHIP_COLUMNS",
    "OWNER_GAP_COLUMNS",
    "PEER_COLUMNS",
    "PRODUCT_WHITESPACE_COLUMNS",
    "Params",
    "Results",
    "choose_family",
    "co_purchase_lift",
    "family_gaps",
    "family_grid",
    "family_label",
    "family_matrix",
    "family_whitespace",
    "headline_cards",
    "ownership",
    "peer_whitespace",
    "product_whitespace",
    "purchase_exclusions",
    "run",
    "sibling_gaps",
    "smoothed_rate",
    "summary_figures",
    "summary_sentences",
    "top_gaps_by_owner",
]
