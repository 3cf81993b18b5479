"""Users: the fixed ``users`` table of the sample."""

from __future__ import annotations

import pandas as pd

from workbook.data.sample.catalogue import _USERS
from workbook.data.sample.helpers import _text


def _users_table() -> pd.DataFrame:
    cols = list(zip(*_USERS, strict=True))
    return pd.DataFrame(
        {
            "owner_id": _text(cols[0]),
            "name": _text(cols[1]),
            "team": _text(cols[2]),
            "started_at": pd.to_datetime(pd.Series(cols[3])).astype("datetime64[ns]"),
        }
    )
