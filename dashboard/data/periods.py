"""Strategy periods in three groups, read from the free-text period the sources give.

A period falls in a group by the latest year it names: "current" when that year
is 2021 or later (the 2021-2027 programming period or a strategy running into
it), "older" when every year it names is 2020 or earlier, "unstated" when it
names no year. Pure; no Dash.
"""
from __future__ import annotations

import re

PERIODS = {"current": "reaching 2021 or later", "older": "up to 2020", "unstated": "years not stated"}
YEAR = re.compile(r"\b(19|20)\d\d\b")


def period_group(period: str) -> str:
    """The PERIODS key of a free-text period."""
    years = [int(m.group(0)) for m in YEAR.finditer(str(period or ""))]
    if not years:
        return "unstated"
    return "current" if max(years) >= 2021 else "older"
