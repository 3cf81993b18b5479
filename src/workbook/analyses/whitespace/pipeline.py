"""The whitespace report in one call: ``run(crm, params) -> Results``."""

from __future__ import annotations

from workbook.core.checks import require_crm
from workbook.core.families import ultimate_parents
from workbook.core.findings import attach_findings
from workbook.core.names import Names
from workbook.core.results import leadership_sentences
from workbook.engine import for_crm

from .backtest import purchase_model
from .book import Book
from .columns import DEFAULT_SIBLING_WEIGHT
from .copurchase import lift_from_book
from .family_choice import choose_family, family_gaps, family_label
from .family_views import family_whitespace, grid_from_book, matrix_from_book, products_from_book
from .figures import summary_figures
from .gaps import gaps_from_book
from .narrative import findings, headline_cards, summary_sentences
from .ownership import exclusions_from_book
from .params import Params
from .peers import peers_from_book
from .propensity import shrinkage_of
from .rep_lists import top_gaps_by_owner
from .results import Results

__all__ = ["run"]


def run(crm, params: Params | None = None, **overrides) -> Results:
    """Run the whitespace report: every table, figure and sentence the notebook shows.

    Builds the integer-coded book once (ownership on ``crm.as_of``, families
    from :func:`workbook.core.families.ultimate_parents`) and derives every
    table from it, exactly as the topic functions do one by one.

    Parameters
    ----------
    crm : CrmData
        From ``workbook.load``, with ``accounts``, ``opportunities``,
        ``products`` and ``purchases`` (``users`` optional, for rep names).
        ``crm.as_of`` is the observation end.
    params : Params, optional
        The report's parameters; ``Params()`` (the defaults) when omitted.
    **overrides
        Parameter values replacing those of ``params``
        (``run(crm, top_n=5)``), checked like ``Params``.

    Returns
    -------
    Results
        Tables ``gaps``, ``product_whitespace``, ``family_matrix``,
        ``family_whitespace``, ``top_gaps_by_owner``, ``peer_whitespace``,
        ``co_purchase_lift``, ``purchase_exclusions``, ``purchase_backtest``,
        ``purchase_deciles``, ``call_list`` (exported),
        ``family_gaps`` and ``family_grid`` (the family shown), plus
        ``figures`` (:func:`summary_figures`), ``sentences`` and ``cards``.

    Raises
    ------
    TypeError
        ``crm`` is not a CrmData, or ``params`` not a whitespace ``Params``.
    ParamError
        An override is unknown or not allowed.
    ValueError
        The ``family`` parameter matches no account, or names several.

    Examples
    --------
    >>> import workbook
    >>> from workbook.analyses import whitespace
    >>> res = whitespace.run(workbook.load(), top_n=5)  # doctest: +SKIP
    >>> res.gaps.head()  # doctest: +SKIP
    """
    require_crm(crm)
    params = Params.resolve(params, overrides)
    as_of = crm.as_of
    accounts, purchases, products = crm.accounts, crm.purchases, crm.products
    engine = for_crm(crm)
    tree = ultimate_parents(accounts, engine=engine)
    family_id = choose_family(params.family, accounts, crm.opportunities, as_of=as_of, tree=tree)
    book = Book(accounts, purchases, products, as_of=as_of, tree=tree, engine=engine)
    res = Results(
        params=params,
        as_of=as_of,
        family_id=family_id,
        family_name=family_label(accounts, family_id),
        tree=tree,
        crm=crm,
    )
    shrink = shrinkage_of(book)
    _fill_tables(res, book, params, users=crm.get("users"), kappa=shrink.family.kappa)
    model = purchase_model(
        crm,
        horizon_months=params.horizon_months,
        book=book,
        call_list_per_rep=params.call_list_per_rep,
        shrinkage=shrink,
        lift=res.co_purchase_lift,
    )
    res.purchase_backtest, res.purchase_deciles = model.backtest, model.deciles
    res.call_list = model.call_list
    _fill_narrative(res, params, shrink=shrink, model=model)
    names = Names.of(crm)
    for name, meta in Results.table_fields().items():
        if meta["export"] or name == "family_gaps":  # family_gaps is shown, not exported
            setattr(res, name, names.beside_ids(getattr(res, name)))
    return res


def _fill_tables(res: Results, book: Book, params: Params, *, users, kappa: float) -> None:
    """Every table of ``res``, derived from the one ``book`` (as the topic functions do)."""
    res.gaps = gaps_from_book(
        book, prior_strength=kappa if kappa == kappa else 0.0, sibling_weight=DEFAULT_SIBLING_WEIGHT
    )
    res.family_gaps = family_gaps(res.gaps, res.family_id)
    res.family_grid = grid_from_book(book, res.family_id, gaps=res.gaps)
    res.family_matrix = matrix_from_book(book)
    res.family_whitespace = family_whitespace(res.gaps)
    res.product_whitespace = products_from_book(book, gaps=res.gaps)
    res.top_gaps_by_owner = top_gaps_by_owner(res.gaps, users=users, top_n=params.top_n)
    res.peer_whitespace = peers_from_book(
        book, gaps=res.gaps, min_peer_adoption=params.min_peer_adoption
    )
    res.co_purchase_lift = lift_from_book(book)
    res.purchase_exclusions = exclusions_from_book(book)


def _fill_narrative(res: Results, params: Params, *, shrink, model) -> None:
    """The headline figures of ``res`` and the sentences and cards built from them."""
    res.figures = summary_figures(
        gaps=res.gaps,
        peers=res.peer_whitespace,
        lift=res.co_purchase_lift,
        families=res.family_whitespace,
        exclusions=res.purchase_exclusions,
        family_id=res.family_id,
        family_name=res.family_name,
        min_peer_adoption=params.min_peer_adoption,
        shrinkage=shrink,
        model=model,
    )
    split = leadership_sentences(summary_sentences(res.figures))
    res.sentences, res.notes = split["sentences"], split["notes"]
    res.cards = headline_cards(res.figures)
    attach_findings(res, findings(res))
