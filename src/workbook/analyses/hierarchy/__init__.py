"""Top customers by corporate family: revenue rolled up to the ultimate parent.

The report answers: who are the largest customers once every account is
rolled up to its ultimate parent, and how does that differ from the
account-by-account list a CRM shows? How concentrated is revenue, how stable
is the family ranking against the previous period, where do sibling accounts
pay different discounts for one product, which families are split across
reps, and where is the hierarchy broken?

One call gives every table::

    import workbook
    from workbook.analyses import hierarchy

    res = hierarchy.run(workbook.load(), top_n=5)
    res.top_customers          # the corrected ranking (top_customers.csv)
    res.figures, res.sentences

The topic functions are pure DataFrame functions, ``as_of`` and the period
always passed in; the ultimate parent of every account comes from
:func:`workbook.core.families.ultimate_parents` (the *tree*). Definitions
are in the module docstrings: :mod:`~workbook.analyses.hierarchy.period`,
:mod:`~workbook.analyses.hierarchy.revenue`,
:mod:`~workbook.analyses.hierarchy.ranking`,
:mod:`~workbook.analyses.hierarchy.discounts`.
"""

from workbook.core.lazy import attach

#: Public name -> the module of this package that defines it, imported on first
#: use (:func:`workbook.core.lazy.attach`), so that reading ``Params`` does not
#: import the statistics.
_EXPORTS = {
    "MAD_SCALE": "discounts",
    "OUTLIER_MONEY_LABEL": "discounts",
    "UPPER_BOUND_LABEL": "discounts",
    "DiscountRule": "discounts",
    "discount_basis": "discounts",
    "discount_outliers": "discounts",
    "exclusions": "discounts",
    "sibling_discount_members": "discounts",
    "sibling_discounts": "discounts",
    "hierarchy_faults": "faults",
    "max_depth": "faults",
    "headline_cards": "narrative",
    "money": "narrative",
    "summary_figures": "narrative",
    "summary_sentences": "narrative",
    "split_ownership": "ownership",
    "Params": "params",
    "Period": "period",
    "default_period": "period",
    "previous_period": "period",
    "resolve_period": "period",
    "run": "pipeline",
    "concentration": "ranking",
    "herfindahl": "ranking",
    "naive_top": "ranking",
    "rank_shift": "ranking",
    "top_customers": "ranking",
    "top_n_share": "ranking",
    "Results": "results",
    "account_revenue": "revenue",
    "family_revenue": "revenue",
    "revenue_basis": "revenue",
    "stability": "stability",
    "rank_uncertainty": "uncertainty",
    "won_deals": "uncertainty",
}

attach(__name__, _EXPORTS)

__all__ = [
    "MAD_SCALE",
    "OUTLIER_MONEY_LABEL",
    "UPPER_BOUND_LABEL",
    "DiscountRule",
    "Params",
    "Period",
    "Results",
    "account_revenue",
    "concentration",
    "default_period",
    "discount_basis",
    "discount_outliers",
    "exclusions",
    "family_revenue",
    "headline_cards",
    "herfindahl",
    "hierarchy_faults",
    "max_depth",
    "money",
    "naive_top",
    "previous_period",
    "rank_shift",
    "rank_uncertainty",
    "resolve_period",
    "revenue_basis",
    "run",
    "sibling_discount_members",
    "sibling_discounts",
    "split_ownership",
    "stability",
    "summary_figures",
    "summary_sentences",
    "top_customers",
    "top_n_share",
    "won_deals",
]
