"""The numpydoc text of :func:`workbook.data.io.load`'s parameters, written once.

:func:`~workbook.data.io.load` and :func:`~workbook.data.io.resolve_as_of`
take the same options; both docstrings format ``{load_parameters}`` from
this text (registered in :mod:`workbook.core.docs` by ``io``).
"""

LOAD_PARAMETERS = """source : str or Path, optional
        A directory of ``<table>.csv`` / ``<table>.parquet`` files (Parquet
        preferred when both exist); a single CSV or Parquet file when exactly
        one table is requested; with ``preset="salesforce"`` a Salesforce
        export directory; a database URL (``postgres://user@host/db``, any
        Ibis connection string) reads the canonical tables from that database
        (:mod:`workbook.data.readers.database`: only the mapped and canonical
        columns are selected). ``None`` (and no ``paths`` / ``sql_url``) loads
        the bundled small sample.
    tables : str or list of str, optional
        Tables to load (default all of :data:`workbook.data.model.TABLES`).
        Required tables among them must exist; optional ones (contacts,
        users) are loaded when present.
    as_of : date-like, optional
        Observation end (a day; a time of day is dropped). Default: the
        sample's snapshot date for the sample, the ``as_of`` that a
        ``workbook sample`` directory declares in ``sample.json``, else
        :func:`default_as_of` (the latest event date in the data). ``""``
        means the default.
    preset : {"salesforce"}, optional
        Read ``source`` as a Salesforce data export (``Account.csv``,
        ``Lead.csv``, ``Task.csv`` ...; see
        :func:`workbook.data.readers.salesforce.read_salesforce`).
    columns : dict, optional
        Column mapping, per table ``{table: {canonical: source}}`` and/or
        flat ``{canonical: source}`` (applied to every table that has the
        canonical column); see :func:`workbook.data.mapping.table_mapping`.
    values : dict, optional
        Value mapping ``{table: {column: {raw: canonical}}}``, applied
        before coercion; see :func:`workbook.data.mapping.map_values`.
    paths : dict, optional
        Explicit file per table (CSV or Parquet), ``{table: path}``;
        overrides ``source`` for those tables. For a database ``source``:
        the table or view per table (``{opportunities: crm.deals}``).
    encoding : str, optional
        Force one text encoding for every CSV (default: detected per file,
        :func:`workbook.data.readers.files.sniff_file`).
    sql_url : str, optional
        SQLAlchemy URL of a database; with ``queries``.
    queries : dict, optional
        ``{table: "SELECT ..."}``, one query per table, for ``sql_url``.
    score_range : (float, float), optional
        Valid lead scores, both ends included (default
        :data:`workbook.data.model.SCORE_RANGE`, 0-100); scores outside are
        a warning. When given, it is kept as ``crm.score_range`` and sets
        the scoring report's default threshold grid and bands.
    validate : bool, default True
        Run :func:`workbook.data.validate.validate` and set ``quality``.
        Conversion errors are raised either way, and rows with a blank
        required cell are left out either way (``crm.excluded``; counted in
        ``quality`` as ``blank_required``, see :mod:`workbook.data.blanks`).
    on_bad_rows : {"error", "skip"}, default "error"
        A CSV record with too many or too few fields, or a quote left open
        to the end of the file, stops the load (naming file, line and id);
        ``"skip"`` drops such records instead, counted with example lines as
        the fix-up ``bad_row_skipped`` in every report.
    max_amount : float, default 1e12
        Largest absolute amount accepted; ``inf``, ``-inf`` and larger
        amounts are errors naming file, column and ids
        (:mod:`workbook.data.guards`).
    min_date : date-like, default "1990-01-01"
        Event dates before it are a counted warning (``before_min_date``).
    snapshot : str or Path, optional
        A folder written by :func:`workbook.data.snapshot.write` (the
        runner's validated load). Its tables, ``as_of`` and ``quality`` are
        read as saved: no file is parsed, mapped or validated again. A
        ``source`` that is such a folder is read the same way.
    engine : str or workbook.engine.Engine, optional
        Where the reports' relational core (:mod:`workbook.engine`) runs on
        this data. ``""`` or ``"duckdb"``: in-process DuckDB. ``None`` (the
        default): the ``WORKBOOK_ENGINE`` environment variable, which the
        runner sets in each kernel to the run's ``--engine``, else DuckDB.
        Otherwise an Ibis connection string such as
        ``postgres://user@host:5432/db`` (``pip install -e ".[warehouse]"``):
        it is connected once per process, checked at once (an engine that
        cannot be reached is a ``ValueError`` naming the URL with its
        password hidden), and kept in ``crm.metadata["engine"]``
        (:func:`workbook.engine.bind`); the loaded tables are copied into
        it as temporary tables when a report first needs them. Tables,
        ``as_of`` and validation do not depend on it.
    date_formats : dict, optional
        ``{table: {date column: strptime format}}``, e.g.
        ``{"leads": {"created_at": "%d-%m-%Y"}}``; a time of day may follow.
    dayfirst : bool, optional
        Read every date column without a format day-first (``True``) or
        month-first (``False``). Default: each column under one rule
        inferred from its values (:func:`workbook.data.coercion.date_rules`).
    filters : dict, optional
        ``{table: {source column: [raw values]}}``: keep only the rows whose
        raw value is listed (files and paths); rows left out are counted.
        One file may feed two tables this way.
    constants : dict, optional
        ``{table: {canonical column: value}}`` fills a column the file does
        not have, e.g. ``{"opportunities": {"is_won": True}}``.
    account_owner : {"from_opportunities"}, optional
        Fill a blank account ``owner_id`` with the owner of the account's
        most recent opportunity (needs opportunities among the tables);
        each filled value is a counted fix-up.
    missing : {"error", "skip"}, default "error"
        A requested table that the export does not have: an error, or left
        out of the result (``"skip"``). Tables named in ``tables`` must
        exist either way; optional tables are always skipped when absent.
    uses : list of str, optional
        The tables the caller uses (a report notebook's list). What is
        loaded is ``tables`` among them, so a user's ``tables`` (the tables
        the export has) and a report's needs combine; a table the report
        uses that ``tables`` excludes is a ``missing_table`` error unless
        ``missing="skip"``."""
