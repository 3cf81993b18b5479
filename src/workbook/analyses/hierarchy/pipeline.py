"""The hierarchy report in one call: ``run(crm, params) -> Results``."""

from __future__ import annotations

import dataclasses

from workbook.analyses.hierarchy.discount_lines import discount_lines
from workbook.analyses.hierarchy.discounts import (
    DiscountRule,
    discount_basis,
    discount_outliers,
    exclusions,
    sibling_discount_members,
    sibling_discounts,
)
from workbook.analyses.hierarchy.faults import hierarchy_faults
from workbook.analyses.hierarchy.narrative import (
    findings,
    headline_cards,
    summary_figures,
    summary_sentences,
)
from workbook.analyses.hierarchy.ownership import split_ownership
from workbook.analyses.hierarchy.params import Params
from workbook.analyses.hierarchy.period import resolve_period
from workbook.analyses.hierarchy.ranking import (
    concentration,
    id_rank,
    naive_top_keyed,
    rank_shift,
    top_customers_keyed,
)
from workbook.analyses.hierarchy.results import Results
from workbook.analyses.hierarchy.revenue import revenue_basis
from workbook.analyses.hierarchy.stability import stability
from workbook.analyses.hierarchy.uncertainty import rank_uncertainty, won_deals
from workbook.core.checks import require_crm
from workbook.core.families import ultimate_parents
from workbook.core.findings import attach_findings
from workbook.core.names import Names
from workbook.core.results import leadership_sentences
from workbook.data.coercion import empty_table
from workbook.data.model import PRODUCTS, PURCHASES
from workbook.engine import for_crm

__all__ = ["run"]


def run(crm, params: Params | None = None, **overrides) -> Results:
    """Rank customers by corporate family and build every table of the report.

    Parameters
    ----------
    crm : CrmData
        From :func:`workbook.load`; uses ``accounts``, ``opportunities``,
        ``purchases``, ``products`` and, when present, ``users``. The
        observation end is ``crm.as_of``.
    params : Params, optional
        The report's parameters; ``Params()`` (the defaults) when omitted.
    **overrides
        Parameter values replacing those of ``params`` (checked like
        ``Params``), e.g. ``run(crm, top_n=5)``.

    Returns
    -------
    Results
        Every table (``top_customers``, ``naive_top``, ``rank_shift``,
        ``concentration``, ``rank_uncertainty``, ``stability``, ``discount_spread``,
        ``discount_members``, ``discount_outliers``, ``split_ownership``,
        ``hierarchy_issues``, ``exclusions``, ``tree``), the resolved
        ``period``, the figures of ``summary.json``, the summary sentences and
        the headline cards.

    Raises
    ------
    TypeError
        ``crm`` is not a ``CrmData`` or ``params`` not a :class:`Params`.
    ParamError
        An override is not a parameter or not allowed.
    ValueError
        The resolved period starts after it ends.

    Examples
    --------
    >>> import workbook
    >>> from workbook.analyses import hierarchy
    >>> res = hierarchy.run(workbook.load(), top_n=5)
    >>> res.top_customers.head()  # doctest: +SKIP
    """
    require_crm(crm)
    params = Params.resolve(params, overrides)
    skipped = [name for name in (PURCHASES, PRODUCTS) if name not in crm]
    if skipped:  # the discount section needs both; everything else is unchanged
        crm = dataclasses.replace(
            crm, tables={**crm.tables, **{name: empty_table(name) for name in skipped}}
        )
    tree = ultimate_parents(crm.accounts, engine=for_crm(crm))
    period = resolve_period(crm.as_of, params.period_start, params.period_end)
    tables = _tables(crm, params, tree=tree, period=period)
    figures = summary_figures(
        top=tables["top_customers"],
        naive=tables["naive_top"],
        tree=tree,
        start=period.start,
        end=period.end,
        top_n=params.top_n,
        stability_table=tables["stability"],
        discounts=tables["discount_spread"],
        discount_members=tables["discount_members"],
        split=tables["split_ownership"],
        faults=tables["hierarchy_issues"],
        ranks=tables["rank_uncertainty"],
        n_boot=params.n_boot,
    )
    res = Results(
        params=params,
        as_of=crm.as_of,
        period=period,
        figures=figures,
        **leadership_sentences(summary_sentences(figures) + _skipped_sentence(skipped)),
        cards=headline_cards(figures),
        **tables,
    )
    names = Names.of(crm)
    for name, meta in Results.table_fields().items():
        if meta["export"]:
            setattr(res, name, names.beside_ids(getattr(res, name)))
    return attach_findings(res, findings(res))


def _skipped_sentence(skipped: list[str]) -> list[str]:
    """Say which part was skipped for want of a table (issue 17: partial content)."""
    if not skipped:
        return []
    return [
        f"The export has no {' and no '.join(skipped)} table, so the sibling-discount "
        "section is empty; the rankings use opportunities only."
    ]


def _tables(crm, params: Params, *, tree, period) -> dict:
    """Every table of :class:`Results`, by field name (what the notebook computed)."""
    accounts, opportunities, as_of = crm.accounts, crm.opportunities, crm.as_of
    start, end = period
    engine = for_crm(crm)
    window = {"start": start, "end": end, "tree": tree, "engine": engine}
    # computed once and passed down: the id sort key, both rankings, the won deals
    key = id_rank(tree, engine=engine)
    naive = naive_top_keyed(accounts, opportunities, key=key, **window)
    top = top_customers_keyed(accounts, opportunities, key=key, naive=naive, **window)
    deals = won_deals(accounts, opportunities, **window)
    lines = discount_lines(
        crm.purchases, tree, as_of=as_of, months=params.discount_lookback_months, engine=engine
    )
    tables = {
        "tree": tree,
        "top_customers": top,
        "naive_top": naive,
        "rank_shift": rank_shift(top, naive, top_n=params.top_n),
        "concentration": concentration(top, top_n=params.top_n),
        "rank_uncertainty": rank_uncertainty(
            top,
            deals,
            top_n=params.top_n,
            n_boot=params.n_boot,
            seed=params.seed,
        ),
        "stability": stability(
            accounts, opportunities, current=top, current_deals=deals, key=key, **window
        ),
        "hierarchy_issues": hierarchy_faults(accounts, tree),
        "split_ownership": split_ownership(
            accounts,
            crm.get("users"),
            as_of=as_of,
            tree=tree,
            ranking=top,
            new_rep_days=params.new_rep_days,
        ),
        "exclusions": exclusions(
            revenue_basis(opportunities, accounts, start=start, end=end, engine=engine),
            discount_basis(
                crm.purchases,
                as_of=as_of,
                discount_lookback_months=params.discount_lookback_months,
                min_lines=params.min_lines,
                tree=tree,
                lines=lines,
            ),
        ),
    }
    tables.update(_discount_tables(crm, params, tree=tree, ranking=top, lines=lines))
    return tables


def discount_rule(params: Params) -> DiscountRule:
    """The sibling-discount settings of ``params``."""
    return DiscountRule(**{name: getattr(params, name) for name in DiscountRule._fields})


def _discount_tables(crm, params: Params, *, tree, ranking, lines) -> dict:
    """Sibling discount members, the spread per family x product, and the outliers."""
    rule = discount_rule(params)
    common = {"as_of": crm.as_of, "tree": tree, "rule": rule, "lines": lines}
    members = sibling_discount_members(crm.accounts, crm.purchases, crm.products, **common)
    spread = sibling_discounts(
        crm.accounts, crm.purchases, crm.products, ranking=ranking, members=members, **common
    )
    return {
        "discount_members": members,
        "discount_spread": spread,
        "discount_outliers": discount_outliers(members),
    }
