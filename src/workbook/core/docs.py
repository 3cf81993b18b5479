"""Numpydoc paragraphs written once and formatted into many docstrings.

As in seaborn's ``_docstrings``: a function's docstring holds ``{name}``
placeholders and :func:`shared_docs` fills them from :data:`FRAGMENTS`
(plus any extra fragments a report registers)::

    @shared_docs
    def follow_through(leads, *, as_of):
        \"\"\"...

        Parameters
        ----------
        {as_of}
        \"\"\"
"""

from __future__ import annotations

__all__ = ["FRAGMENTS", "register", "shared_docs"]

FRAGMENTS: dict[str, str] = {
    "as_of": """as_of : date-like
        The observation end. Events count when they fall on or before the
        ``as_of`` day (:mod:`workbook.core.calendar`).""",
}


def register(**fragments: str) -> None:
    """Add fragments (a report's own repeated paragraphs)."""
    FRAGMENTS.update(fragments)


def shared_docs(func):
    """Fill ``{name}`` placeholders of ``func.__doc__`` from :data:`FRAGMENTS`."""
    if func.__doc__:
        func.__doc__ = func.__doc__.format(**FRAGMENTS)
    return func
