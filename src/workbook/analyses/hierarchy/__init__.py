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

from workbook.analyses.hierarchy.discounts import (
    MAD_SCALE,
    OUTLIER_MONEY_LABEL,
    UPPER_BOUND_LABEL,
    DiscountRule,
    discount_basis,
    discount_outliers,
    exclusions,
    sibling_discount_members,
    sibling_discounts,
)
from workbook.analyses.hierarchy.faults import hierarchy_faults, max_depth
from workbook.analyses.hierarchy.narrative import (
    headline_cards,
    money,
    summary_figures,
    summary_sentences,
)
from workbook.analyses.hierarchy.ownership import split_ownership
from workbook.analyses.hierarchy.params import Params
from workbook.analyses.hierarchy.period import (
    Period,
    default_period,
    previous_period,
    resolve_period,
)
from workbook.analyses.hierarchy.pipeline import run
from workbook.analyses.hierarchy.ranking import (
    concentration,
    herfindahl,
    naive_top,
    rank_shift,
    top_customers,
    top_n_share,
)
from workbook.analyses.hierarchy.results import Results
from workbook.analyses.hierarchy.revenue import account_revenue, family_revenue, revenue_basis
from workbook.analyses.hierarchy.stability import stability
from workbook.analyses.hierarchy.uncertainty import rank_uncertainty, won_deals

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
