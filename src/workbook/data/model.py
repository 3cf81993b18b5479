"""The canonical CRM data model: table and column names, defined once.

Every reader of :func:`workbook.data.io.load` produces tables with exactly these column
names and kinds, and every analysis module reads them through the constants
below. The README's *Data model* section documents the same tables for users.

Column kinds
------------
``id``
    An identifier, held in the pandas ``string`` dtype.
``text``
    Free text (names, titles); any Unicode, never interpreted as HTML.
``category``
    A short repeated label (status, stage, type, industry, source).
``date``
    A timezone-naive ``datetime64[ns]``; timezone-aware inputs are converted
    to UTC and the zone dropped, so every table shares one calendar.
``bool``
    A nullable boolean (``boolean`` dtype).
``number``
    A float64 amount, score or percentage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where it is used: the runner's main process reads
    import pandas as pd  # SPECS and TABLES without it

# --- table names ------------------------------------------------------------
ACCOUNTS = "accounts"
LEADS = "leads"
OPPORTUNITIES = "opportunities"
ACTIVITIES = "activities"
PRODUCTS = "products"
PURCHASES = "purchases"
CONTACTS = "contacts"
USERS = "users"

#: Activity types the model knows; anything else is mapped to ``other``.
ACTIVITY_TYPES = ("call", "email", "meeting", "task", "other")


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    kind: str
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its columns, primary key and whether it is optional."""

    name: str
    columns: tuple[Column, ...]
    primary_key: str | None
    optional: bool = False
    description: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def columns_of_kind(self, kind: str) -> list[str]:
        return [c.name for c in self.columns if c.kind == kind]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, kind: str, required: bool = False, description: str = "") -> Column:
    return Column(name, kind, required, description)


SPECS: dict[str, TableSpec] = {
    ACCOUNTS: TableSpec(
        ACCOUNTS,
        (
            _c("account_id", "id", True, "Unique account id."),
            _c("name", "text", True, "Account name; any text."),
            _c("parent_id", "id", False, "Direct parent account; blank for a top-level account."),
            _c("owner_id", "id", False, "Owning sales rep (users.owner_id)."),
            _c("industry", "category", False, "Industry label, used for peer groups."),
            _c("created_at", "date", False, "When the account was created."),
        ),
        primary_key="account_id",
        description="Companies, with their corporate hierarchy through parent_id.",
    ),
    LEADS: TableSpec(
        LEADS,
        (
            _c("lead_id", "id", True, "Unique lead id."),
            _c("created_at", "date", True, "Acquisition date; defines the cohort."),
            _c("source", "category", False, "Marketing source (web, event, ...)."),
            _c(
                "status",
                "category",
                False,
                "Lead status (Open, Working, Nurture, Unqualified, Converted).",
            ),
            _c("score", "number", False, "Marketing score; may be blank."),
            _c("owner_id", "id", False, "Owning rep."),
            _c("handed_off_at", "date", False, "When marketing handed the lead to sales."),
            _c("converted_at", "date", False, "When the lead was converted."),
            _c("converted_account_id", "id", False, "Account created or matched on conversion."),
            _c("converted_opportunity_id", "id", False, "Opportunity created on conversion."),
            _c("company", "text", False, "Company name as typed on the lead."),
        ),
        primary_key="lead_id",
        description="Marketing leads and their conversion links.",
    ),
    OPPORTUNITIES: TableSpec(
        OPPORTUNITIES,
        (
            _c("opportunity_id", "id", True, "Unique opportunity id."),
            _c("account_id", "id", True, "Account the deal is with."),
            _c("created_at", "date", True, "When the opportunity was created."),
            _c(
                "close_date",
                "date",
                True,
                "Actual close date, or expected close date while open (may be blank while open).",
            ),
            _c("stage", "category", False, "Sales stage."),
            _c("is_closed", "bool", True, "Closed (won or lost)."),
            _c("is_won", "bool", True, "Closed and won."),
            _c("amount", "number", True, "Deal amount in the reporting currency; may be blank while open or lost."),
            _c("probability", "number", False, "The rep's own win probability, 0-100."),
            _c("owner_id", "id", False, "Owning rep."),
            _c(
                "name",
                "text",
                False,
                "Deal name (Salesforce Opportunity.Name); when blank a deal is named by "
                "its account, amount and stage.",
            ),
        ),
        primary_key="opportunity_id",
        description="Deals.",
    ),
    ACTIVITIES: TableSpec(
        ACTIVITIES,
        (
            _c("activity_id", "id", True, "Unique activity id."),
            _c("occurred_at", "date", True, "When the activity happened."),
            _c("type", "category", True, "call, email, meeting, task or other."),
            _c("lead_id", "id", False, "Lead the activity is about."),
            _c("account_id", "id", False, "Account the activity is about."),
            _c("opportunity_id", "id", False, "Opportunity the activity is about."),
            _c("owner_id", "id", False, "Rep who did it."),
        ),
        primary_key="activity_id",
        description="Calls, emails, meetings and tasks; each links to a lead, account or opportunity.",
    ),
    PRODUCTS: TableSpec(
        PRODUCTS,
        (
            _c("product_id", "id", True, "Unique product id."),
            _c("name", "text", True, "Product name."),
            _c("family", "category", False, "Product family."),
            _c("list_price", "number", False, "List price."),
        ),
        primary_key="product_id",
        description="The product catalogue.",
    ),
    PURCHASES: TableSpec(
        PURCHASES,
        (
            _c("account_id", "id", True, "Buying account."),
            _c("product_id", "id", True, "Product bought."),
            _c("purchased_at", "date", True, "Purchase date."),
            _c("amount", "number", False, "Amount paid."),
            _c("discount_pct", "number", False, "Discount granted, in percent (15 means 15%)."),
        ),
        primary_key=None,
        description="Installed products / purchase lines; repeated rows are allowed.",
    ),
    CONTACTS: TableSpec(
        CONTACTS,
        (
            _c("contact_id", "id", True, "Unique contact id."),
            _c("account_id", "id", True, "Contact's account."),
            _c("title", "text", False, "Job title."),
            _c("is_decision_maker", "bool", False, "Marked as a decision maker."),
        ),
        primary_key="contact_id",
        optional=True,
        description="People at accounts (optional).",
    ),
    USERS: TableSpec(
        USERS,
        (
            _c("owner_id", "id", True, "Unique user id, as used in owner_id columns."),
            _c("name", "text", False, "User's name."),
            _c("team", "category", False, "Team."),
            _c("started_at", "date", False, "Start date; gives a rep's tenure."),
        ),
        primary_key="owner_id",
        optional=True,
        description="Sales reps and other record owners (optional).",
    ),
}

TABLES: tuple[str, ...] = tuple(SPECS)
REQUIRED_TABLES: tuple[str, ...] = tuple(n for n, s in SPECS.items() if not s.optional)

#: Which column of which table each id column refers to, for integrity checks.
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    # (table, column, referenced table, referenced column)
    (ACCOUNTS, "owner_id", USERS, "owner_id"),
    (LEADS, "converted_account_id", ACCOUNTS, "account_id"),
    (LEADS, "converted_opportunity_id", OPPORTUNITIES, "opportunity_id"),
    (LEADS, "owner_id", USERS, "owner_id"),
    (OPPORTUNITIES, "account_id", ACCOUNTS, "account_id"),
    (OPPORTUNITIES, "owner_id", USERS, "owner_id"),
    (ACTIVITIES, "lead_id", LEADS, "lead_id"),
    (ACTIVITIES, "account_id", ACCOUNTS, "account_id"),
    (ACTIVITIES, "opportunity_id", OPPORTUNITIES, "opportunity_id"),
    (ACTIVITIES, "owner_id", USERS, "owner_id"),
    (PURCHASES, "account_id", ACCOUNTS, "account_id"),
    (PURCHASES, "product_id", PRODUCTS, "product_id"),
    (CONTACTS, "account_id", ACCOUNTS, "account_id"),
)

#: Required columns whose blank excludes a row only when another column is true:
#: ``{(table, column): boolean column}``. An open deal's ``close_date`` is an
#: expected date and may be blank; a closed deal needs the day it closed. A won
#: deal needs its amount (it is revenue); an open or lost deal's amount is an
#: estimate that many exports leave blank (the reports that use it say how a
#: blank counts).
REQUIRED_WHEN: dict[tuple[str, str], str] = {
    (OPPORTUNITIES, "close_date"): "is_closed",
    (OPPORTUNITIES, "amount"): "is_won",
}


def blank_rule(table: str, column: str) -> str:
    """What a blank cell of ``table.column`` means, in the words of the data-model docs.

    ``"row left out"`` for a required column, ``"row left out when <flag> is
    true"`` for a conditionally required one (:data:`REQUIRED_WHEN`), else
    ``"allowed"``. A row left out is counted (check ``blank_required``) and
    reaches no report; see :mod:`workbook.data.blanks`.
    """
    if (table, column) in REQUIRED_WHEN:
        return f"row left out when {REQUIRED_WHEN[table, column]} is true"
    return "row left out" if SPECS[table].column(column).required else "allowed"


#: The date column that says when each table's records happened, used for
#: "records dated after as_of" and for the default as_of.
EVENT_DATE_COLUMNS: dict[str, str] = {
    LEADS: "created_at",
    OPPORTUNITIES: "created_at",
    ACTIVITIES: "occurred_at",
    PURCHASES: "purchased_at",
}


def main_date_column(table: str, columns) -> str | None:
    """The date column that spans a table: its event date, else its first date column present.

    The event date is :data:`EVENT_DATE_COLUMNS` (leads ``created_at``,
    activities ``occurred_at`` ...); a table without one (accounts, users)
    uses its first canonical ``date`` column among ``columns``. ``None``
    when the table has no date column among ``columns``.
    """
    present = set(columns)
    event = EVENT_DATE_COLUMNS.get(table)
    if event is not None and event in present:
        return event
    for column in SPECS[table].columns_of_kind("date"):
        if column in present:
            return column
    return None


#: Default expected range of the marketing score; values outside are a warning.
#: Overridable with ``load(..., score_range=(lo, hi))``.
SCORE_RANGE = (0.0, 100.0)


@dataclass(repr=False)
class CrmData:
    """One DataFrame per canonical table, plus where they came from.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Loaded tables, keyed by table name, in canonical columns and dtypes.
        Optional tables that were not supplied are absent.
    source : str
        Human-readable description of the source (directory, preset, URL).
    fingerprint : str
        A short hash of the loaded content, shown in every run record.
    quality : DataQuality or None
        The validation record (:class:`workbook.data.validate.DataQuality`).
    as_of : Timestamp or None
        The observation end date the data was validated against: the value
        passed to ``load``, else the sample's snapshot date, else the latest
        event date in the data (see :func:`workbook.data.io.default_as_of`).
    metadata : dict
        Free-form notes from the reader (preset used, files read, ...);
        ``score_range`` when the load was given one (see :attr:`score_range`).
    excluded : dict of str to DataFrame
        The rows left out of each table because a required cell is blank
        (:mod:`workbook.data.blanks`): canonical columns plus ``row`` (the
        1-based data row as read) and ``blank`` (the blank required columns).
        Only tables with such rows appear; they are counted in ``quality``
        (check ``blank_required``) and reach no report.
        :meth:`as_known_at` keeps them as they are (like ``quality``, they
        describe the full load).
    """

    tables: dict[str, pd.DataFrame]
    source: str = ""
    fingerprint: str = ""
    quality: object | None = None
    as_of: pd.Timestamp | None = None
    metadata: dict = field(default_factory=dict)
    excluded: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        # Attribute access (crm.leads) for every canonical table.
        if name in SPECS:
            try:
                return self.__dict__["tables"][name]
            except KeyError:
                raise AttributeError(
                    f"table {name!r} was not loaded; it is optional or was not requested"
                ) from None
        raise AttributeError(name)

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    @property
    def score_range(self) -> tuple[float, float] | None:
        """The lead score's declared range ``(lo, hi)`` given to ``load``, else ``None``.

        Kept in :attr:`metadata`, so it survives :meth:`as_known_at` and the
        runner's snapshot; the scoring report's default threshold grid and
        bands cover it (its own ``score_range`` parameter wins).
        """
        value = self.metadata.get("score_range")
        return (float(value[0]), float(value[1])) if value else None

    def get(self, name: str) -> pd.DataFrame | None:
        """Return a table, or ``None`` when it was not loaded."""
        return self.tables.get(name)

    def row_counts(self) -> dict[str, int]:
        """Rows per loaded table, in load order."""
        return {name: len(df) for name, df in self.tables.items()}

    def spans(self) -> list[tuple[str, int, str | None, pd.Timestamp | None, pd.Timestamp | None]]:
        """``(table, rows, date column, first date, last date)`` per loaded table.

        The date column is :func:`main_date_column`; first and last are its
        minimum and maximum (missing dates ignored; ``None`` when there are none).
        """
        import pandas as pd

        out = []
        for name, df in self.tables.items():
            column = main_date_column(name, df.columns)
            lo = hi = None
            if column is not None:
                lo, hi = df[column].min(), df[column].max()
                lo, hi = (None if pd.isna(x) else pd.Timestamp(x) for x in (lo, hi))
            out.append((name, len(df), column, lo, hi))
        return out

    # -- display ------------------------------------------------------------
    def _heading(self) -> list[tuple[str, str]]:
        as_of = _day(self.as_of)
        rows = [("as_of", as_of), ("source", self.source), ("fingerprint", self.fingerprint)]
        if self.quality is not None and hasattr(self.quality, "headline"):
            rows.append(("quality", self.quality.headline()))
        return rows

    def __repr__(self) -> str:
        lines = ["CrmData"] + [f"  {k + ':':<13}{v}" for k, v in self._heading()]
        lines.append(f"  {'table':<15}{'rows':>10}  {'date column':<15}first .. last")
        for name, rows, column, lo, hi in self.spans():
            span = f"{_day(lo)} .. {_day(hi)}" if column else ""
            lines.append(f"  {name:<15}{rows:>10,}  {column or '':<15}{span}".rstrip())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from workbook.core.text import esc

        head = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in self._heading())
        body = "".join(
            f"<tr><td>{esc(name)}</td><td>{rows:,}</td><td>{esc(column or '')}</td>"
            f"<td>{esc(_day(lo))}</td><td>{esc(_day(hi))}</td></tr>"
            for name, rows, column, lo, hi in self.spans()
        )
        return (
            f"<h4>CrmData</h4><table>{head}</table>"
            "<table><tr><th>table</th><th>rows</th><th>date column</th>"
            f"<th>first date</th><th>last date</th></tr>{body}</table>"
        )

    def as_known_at(self, cut) -> CrmData:
        """The CRM as known at the end of day ``cut``; see :func:`workbook.data.timetravel.as_known_at`."""
        from workbook.data.timetravel import as_known_at  # local: timetravel imports model

        return as_known_at(self, cut)


def _day(value) -> str:
    import pandas as pd

    return "" if value is None else pd.Timestamp(value).date().isoformat()
