"""Tests for workbook.core.checks and workbook.core.docs."""

import pandas as pd
import pytest

from workbook.core.checks import require_crm, require_frame
from workbook.core.docs import FRAGMENTS, register, shared_docs


def test_require_frame_names_the_argument_and_the_type():
    with pytest.raises(TypeError, match="outcomes must be a pandas DataFrame, got tuple"):
        require_frame((pd.DataFrame(), pd.DataFrame()), "outcomes")
    with pytest.raises(ValueError, match="outcomes lacks the column\\(s\\) score"):
        require_frame(pd.DataFrame({"won": [1]}), "outcomes", ["won", "score"])
    frame = pd.DataFrame({"score": [1]})
    assert require_frame(frame, "outcomes", ["score"]) is frame


def test_require_crm():
    with pytest.raises(TypeError, match="crm must be a workbook CrmData"):
        require_crm({"leads": pd.DataFrame()})


def test_shared_docs_fills_fragments_once_written():
    register(demo_fragment="demo : int\n        A demo.")

    @shared_docs
    def f():
        """Parameters
        ----------
        {demo_fragment}
        {as_of}
        """

    assert "demo : int" in f.__doc__ and FRAGMENTS["as_of"].splitlines()[0] in f.__doc__
