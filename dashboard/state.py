"""The explorer's view state <-> URL query string.

``parse_query`` never raises: unknown or malformed parameters are dropped and
each is reported in plain words; ``to_query`` writes only what differs from
the defaults, in a fixed order, so one view has one URL.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache

from . import urlcodec as uc
from .data.atlas import Atlas, AtlasKey
from .data.catalog import INDICATOR_BY_ID, OUTERMOST_REGIONS
from .data.periods import PERIODS
from .data.query import Filters
from .settings import MAX_KEYWORD_LENGTH, MAX_SELECTED_CODES

MODES = ("priorities", "indicator")
SORTS = ("relevance", "region", "priority", "strategy")  # relevance: exact matches first, by rank
LISTINGS = ("regions", "priorities")  # what the table lists: the answer by region, or the priorities
DEFAULT_INDICATOR = "gdp_pps_pct_eu27"


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
    view: str = ""  # the map fitted to one region (the outermost regions have buttons); "" = Europe
    sort: str = "relevance"
    by: str = ""  # "regions" or "priorities"; "": regions with a keyword, priorities without (``listing``)
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
    def listing(self) -> str:
        """What the table lists: the regions ranked by how strongly they answer the keyword (the
        question a keyword asks: which regions bet on it), or the priorities themselves."""
        return self.by or ("regions" if self.q.strip() else "priorities")

    def canonical(self) -> "ViewState":
        """The same view with ``by`` left out where it says what the view lists anyway (one URL per view)."""
        return replace(self, by="") if self.by == replace(self, by="").listing else self

    @property
    def map_level(self) -> int:
        """The NUTS level drawn in indicator mode (NUTS 2 unless a level is chosen)."""
        return 2 if self.level is None else self.level


DEFAULT = ViewState()
_LIST_FIELDS = {"nace", "nabs", "eco"}


def schema(atlas: Atlas) -> dict[str, uc.Field]:
    """One small validator per ViewState field (made once per atlas)."""
    return _schema(AtlasKey(atlas))


@lru_cache(maxsize=4)
def _schema(key: AtlasKey) -> dict[str, uc.Field]:
    atlas = key.atlas
    codes = lambda known: uc.Field(uc.one_of(known, ""), max_items=MAX_SELECTED_CODES)  # noqa: E731
    field = {
        "mode": uc.one_of(MODES, "Map mode '{}' is not one of " + ", ".join(MODES) + "."),
        "q": uc.text(MAX_KEYWORD_LENGTH),
        "level": uc.integer(0, 3, "Territorial level '{}' is not 0, 1, 2 or 3.", empty={"all"}),
        "platform": uc.one_of(set(atlas.platforms.platform_id), "Unknown thematic platform '{}'."),
        "partnership": uc.one_of(set(atlas.partnerships.partnership_id), "Unknown partnership '{}'."),
        "indicator": uc.one_of(set(INDICATOR_BY_ID), "Unknown indicator '{}'."),
        "period": uc.one_of(PERIODS, "Period '{}' is not one of " + ", ".join(PERIODS) + ".", empty={"any"}),
        "year": uc.integer(1990, 2100, "Year '{}' is not a year.", empty={"latest"}),
        "region": lambda raw: (raw.upper() if raw.upper() in atlas.regions.index
                               else uc.Drop(f"Unknown region '{uc.short(raw)}'.")),
        "view": lambda raw: (raw.upper() if raw.upper() in atlas.regions.index
                             else uc.Drop(f"Map view '{uc.short(raw)}' is not a region code (e.g. "
                                          f"{', '.join(OUTERMOST_REGIONS[:3])} or ES51).")),
        "sort": uc.one_of({*SORTS, *(f"-{s}" for s in SORTS[1:])}, "Sort order '{}' is not known."),
        "by": uc.one_of(LISTINGS, "List '{}' is not one of " + ", ".join(LISTINGS) + "."),
        "page": uc.integer(1, 100000, "Page '{}' is not a page number."),
        **{k: uc.flag(k) for k in uc.DISPLAY_KEYS},
    }
    return {k: v if isinstance(v, uc.Field) else uc.Field(v) for k, v in
            {**field, "nace": codes(set(atlas.nace.code)), "nabs": codes(set(atlas.nabs.code)),
             "eco": codes(set(atlas.ecosystems.code))}.items()}


def parse_query(query: str | dict | None, atlas: Atlas) -> tuple[ViewState, list[str]]:
    """(state, notes). Accepts '?a=b&c=d', 'a=b', or a dict of values; never raises."""
    if isinstance(query, str):  # every callback of a change parses the same URL: parsed once per atlas
        state, notes = _parsed(AtlasKey(atlas), query)
        return state, list(notes)
    values, notes = uc.decode(query, schema(atlas))
    return replace(DEFAULT, **values), notes


@lru_cache(maxsize=256)
def _parsed(key: AtlasKey, query: str) -> tuple[ViewState, tuple[str, ...]]:
    values, notes = uc.decode(query, schema(key.atlas))
    return replace(DEFAULT, **values), tuple(notes)


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
    return uc.encode(out)


def clicked_region(click, regions) -> str | None:
    """The NUTS id a map click names (a region's location, or a member point's customdata),
    if it is a known region; None for anything else (including forged requests)."""
    points = click.get("points") if isinstance(click, dict) else None
    first = points[0] if isinstance(points, list) and points and isinstance(points[0], dict) else {}
    rid = first.get("location") or first.get("customdata")
    if isinstance(rid, list):
        rid = rid[0] if rid else None
    return rid if isinstance(rid, str) and rid in regions else None
