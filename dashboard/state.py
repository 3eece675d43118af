"""The explorer's view state <-> URL query string.

``parse_query`` never raises: unknown or malformed parameters are dropped and
each is reported in plain words; ``to_query`` writes only what differs from
the defaults, in a fixed order, so one view has one URL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from urllib.parse import parse_qsl, urlencode

from .data.atlas import Atlas
from .data.catalog import INDICATOR_BY_ID
from .data.periods import PERIODS
from .data.query import Filters
from .settings import SETTINGS

MODES = ("priorities", "indicator")
SORTS = ("region", "priority", "strategy")
DEFAULT_INDICATOR = "gdp_pps_pct_eu27"
MAX_QUERY_LENGTH = 4000


@dataclass(frozen=True)
class ViewState:
    mode: str = "priorities"
    q: str = ""
    level: int | None = None
    nace: tuple[str, ...] = ()
    nabs: tuple[str, ...] = ()
    eco: tuple[str, ...] = ()
    platform: str = ""
    partnership: str = ""
    period: str = ""  # strategy period group (data.periods.PERIODS); "" = any
    indicator: str = DEFAULT_INDICATOR
    year: int | None = None  # None: each region's latest year
    region: str = ""
    sort: str = "region"
    page: int = 1
    # display: iframe embedding, presentation mode, controls shown
    embed: bool = False
    present: bool = False
    controls: bool = True

    def filters(self) -> Filters:
        return Filters(keyword=self.q, level=self.level, nace=self.nace, nabs=self.nabs, ecosystem=self.eco,
                       platform=self.platform, partnership=self.partnership, region=self.region,
                       period=self.period)

    @property
    def map_level(self) -> int:
        """The NUTS level drawn in indicator mode (NUTS 2 unless a level is chosen)."""
        return 2 if self.level is None else self.level


DEFAULT = ViewState()
PASS_THROUGH = {"regions", "story", "step"}  # read by other pages or the presentation stepper


def display_of(query: str) -> dict:
    """The display flags (embed, present, controls) of any page's query string."""
    flags = dict(parse_qsl((query or "").lstrip("?")))
    return {"embed": flags.get("embed") in {"1", "true"}, "present": flags.get("present") in {"1", "true"},
            "controls": flags.get("controls") not in {"0", "false"}}


def display_query(display: dict) -> str:
    """'embed=1&present=1&controls=0' parts for links that keep the display mode."""
    parts = [f"{k}=1" for k in ("embed", "present") if display.get(k)]
    if display.get("controls") is False:
        parts.append("controls=0")
    return "&".join(parts)
_LIST_FIELDS = {"nace", "nabs", "eco"}


def _known_codes(atlas: Atlas) -> dict[str, set[str]]:
    return {
        "nace": set(atlas.nace.code),
        "nabs": set(atlas.nabs.code),
        "eco": set(atlas.ecosystems.code),
    }


def parse_query(query: str | dict | None, atlas: Atlas) -> tuple[ViewState, list[str]]:
    """(state, notes). Accepts '?a=b&c=d', 'a=b', or a dict of values."""
    notes: list[str] = []
    if query is None:
        return DEFAULT, notes
    if isinstance(query, str):
        if len(query) > MAX_QUERY_LENGTH:
            return DEFAULT, [f"The link was longer than {MAX_QUERY_LENGTH} characters and was ignored."]
        pairs = parse_qsl(query.lstrip("?"), keep_blank_values=False)
    else:
        pairs = [(k, v) for k, v in query.items() if isinstance(v, str)]
    known = _known_codes(atlas)
    names = {f.name for f in fields(ViewState)}
    values: dict = {}
    for key, raw in pairs:
        if key not in names:
            if key not in PASS_THROUGH:  # other pages' parameters pass silently
                notes.append(f"Unknown parameter '{_short(key)}' was ignored.")
            continue
        raw = raw.strip()
        if key == "mode":
            if raw in MODES:
                values["mode"] = raw
            else:
                notes.append(f"Map mode '{_short(raw)}' is not one of {', '.join(MODES)}.")
        elif key == "q":
            if len(raw) > SETTINGS.max_keyword_length:
                notes.append(f"The keyword was cut to {SETTINGS.max_keyword_length} characters.")
                raw = raw[: SETTINGS.max_keyword_length]
            values["q"] = raw
        elif key == "level":
            if raw in {"0", "1", "2", "3"}:
                values["level"] = int(raw)
            elif raw not in {"", "all"}:
                notes.append(f"Territorial level '{_short(raw)}' is not 0, 1, 2 or 3.")
        elif key in _LIST_FIELDS:
            codes = [c.strip() for c in raw.split(",") if c.strip()]
            good = tuple(dict.fromkeys(c for c in codes if c in known[key]))
            bad = [c for c in codes if c not in known[key]]
            if bad:
                notes.append(f"Unknown {key.upper() if key != 'eco' else 'ecosystem'} code(s) ignored: "
                             f"{', '.join(_short(b) for b in bad[:5])}.")
            if len(good) > SETTINGS.max_selected_codes:
                notes.append(f"Only the first {SETTINGS.max_selected_codes} {key} codes were kept.")
                good = good[: SETTINGS.max_selected_codes]
            values[key] = good
        elif key in ("platform", "partnership", "indicator"):
            allowed, label = {"platform": (set(atlas.platforms.platform_id), "thematic platform"),
                              "partnership": (set(atlas.partnerships.partnership_id), "partnership"),
                              "indicator": (set(INDICATOR_BY_ID), "indicator")}[key]
            if raw in allowed:
                values[key] = raw
            else:
                notes.append(f"Unknown {label} '{_short(raw)}'.")
        elif key == "period":
            if raw in PERIODS:
                values["period"] = raw
            elif raw not in {"", "any"}:
                notes.append(f"Period '{_short(raw)}' is not one of {', '.join(PERIODS)}.")
        elif key == "year":
            if _whole(raw) and 1990 <= int(raw) <= 2100:
                values["year"] = int(raw)
            elif raw not in {"", "latest"}:
                notes.append(f"Year '{_short(raw)}' is not a year.")
        elif key == "region":
            rid = raw.upper()
            if rid in atlas.regions.index:
                values["region"] = rid
            else:
                notes.append(f"Unknown region '{_short(raw)}'.")
        elif key == "sort":
            if raw.lstrip("-") in SORTS:
                values["sort"] = raw
            else:
                notes.append(f"Sort order '{_short(raw)}' is not known.")
        elif key in {"embed", "present", "controls"}:
            if raw in {"1", "true", "yes", "on"}:
                values[key] = True
            elif raw in {"0", "false", "no", "off"}:
                values[key] = False
            else:
                notes.append(f"'{key}' takes 1 or 0, not '{_short(raw)}'.")
        elif key == "page":
            if _whole(raw) and 1 <= int(raw) <= 100000:
                values["page"] = int(raw)
            else:
                notes.append(f"Page '{_short(raw)}' is not a page number.")
    return replace(DEFAULT, **values), notes


def to_query(state: ViewState) -> str:
    """'?a=b&...' with only non-default values, or '' for the default view."""
    out = []
    for f in fields(ViewState):
        v = getattr(state, f.name)
        if v == getattr(DEFAULT, f.name):
            continue
        if f.name in _LIST_FIELDS:
            v = ",".join(v)
        elif isinstance(v, bool):
            v = int(v)
        out.append((f.name, str(v)))
    return "?" + urlencode(out) if out else ""


def clicked_region(click, regions) -> str | None:
    """The NUTS id a map click names (a region's location, or a member point's customdata),
    if it is a known region; None for anything else (including forged requests)."""
    points = click.get("points") if isinstance(click, dict) else None
    first = points[0] if isinstance(points, list) and points and isinstance(points[0], dict) else {}
    rid = first.get("location") or first.get("customdata")
    if isinstance(rid, list):
        rid = rid[0] if rid else None
    return rid if isinstance(rid, str) and rid in regions else None


def _whole(text: str) -> bool:
    """A plain ASCII whole number of at most 9 digits (str.isdigit also accepts '²' and '٣')."""
    return re.fullmatch(r"[0-9]{1,9}", text) is not None


def _short(text: str, n: int = 40) -> str:
    text = "".join(ch for ch in str(text) if ch.isprintable())
    return text if len(text) <= n else text[: n - 1] + "…"
