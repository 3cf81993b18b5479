"""Column contracts and defaults of the whitespace report, written once.

Every table the report exports has its columns, in order, here; the topic
modules build frames in these orders and the tests check them.
"""

from __future__ import annotations

#: Contract columns of gaps.csv, in order (extras follow them).
GAP_COLUMNS = [
    "family_id",
    "account_id",
    "product_id",
    "siblings_owning",
    "family_members",
    "peer_adoption",
    "expected_value",
    "priority",
]
#: Extra columns of :func:`sibling_gaps`, after :data:`GAP_COLUMNS`.
GAP_EXTRA_COLUMNS = [
    "account_name",
    "product_name",
    "family_name",
    "owner_id",
    "industry",
    "industry_accounts",
    "book_adoption",
    "sibling_rate",
    "likelihood",
    "value_source",
]
OWNERSHIP_COLUMNS = [
    "account_id",
    "product_id",
    "first_purchased_at",
    "last_purchased_at",
    "purchase_rows",
    "amount",
]
EXCLUSION_COLUMNS = ["reason", "effect", "rows", "description"]
FAMILY_MATRIX_COLUMNS = [
    "family_id",
    "family_name",
    "product_id",
    "product_name",
    "product_family",
    "family_members",
    "owners",
    "gaps",
    "owner_share",
]
PEER_COLUMNS = [
    "account_id",
    "account_name",
    "family_id",
    "owner_id",
    "industry",
    "product_id",
    "product_name",
    "industry_accounts",
    "industry_owners",
    "peer_adoption",
    "expected_value",
    "peer_value",
]
LIFT_COLUMNS = [
    "product_a",
    "product_b",
    "name_a",
    "name_b",
    "owners_a",
    "owners_b",
    "owners_both",
    "customers",
    "support",
    "confidence",
    "lift",
    "mh_odds_ratio",
    "mh_low",
    "mh_high",
    "cmh_p",
    "q_value",
    "fisher_p",
    "significant",
]
OWNER_GAP_COLUMNS = [
    "owner_id",
    "owner_name",
    "rank",
    "account_id",
    "account_name",
    "family_id",
    "family_name",
    "product_id",
    "product_name",
    "siblings_owning",
    "family_members",
    "peer_adoption",
    "expected_value",
    "priority",
]
FAMILY_WHITESPACE_COLUMNS = [
    "family_id",
    "family_name",
    "family_members",
    "accounts_with_gaps",
    "gaps",
    "whitespace_value",
    "priority_total",
]
PRODUCT_WHITESPACE_COLUMNS = [
    "product_id",
    "product_name",
    "product_family",
    "owners",
    "book_adoption",
    "families_with_gaps",
    "gaps",
    "expected_value",
    "whitespace_value",
    "priority_total",
]
GRID_COLUMNS = [
    "family_id",
    "account_id",
    "account_name",
    "product_id",
    "product_name",
    "status",
    "priority",
]

#: Default prior strength ``a`` of the sibling-rate smoothing.
DEFAULT_PRIOR_STRENGTH = 2.0
#: Default weight of the sibling rate in the likelihood (the rest is peer adoption).
DEFAULT_SIBLING_WEIGHT = 0.5
#: Default peer-adoption threshold of :func:`peer_whitespace`.
DEFAULT_MIN_PEER_ADOPTION = 0.3
#: Default candidates kept per rep in the call list: a year's worklist (about four
#: a working day), and a list a spreadsheet opens (14 reps x 1,000 rows, where every
#: candidate of the large sample is 4.5M rows, past Excel's 1,048,576).
DEFAULT_CALL_LIST_PER_REP = 1000

#: ``status`` values of :func:`~workbook.analyses.whitespace.family_grid`.
OWNED = "owned"
GAP = "gap"
