"""Pure queries over the atlas: filters -> priorities, regions and values."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from . import crosslang
from . import search as text_search
from .atlas import Atlas, AtlasKey
from ..settings import SOURCES_DIR


@dataclass(frozen=True)
class Filters:
    keyword: str = ""
    level: int | None = None  # NUTS level of the strategy's territory; None = all
    nace: tuple[str, ...] = ()  # sections ("C") or divisions ("26"); OR within, AND across filters
    nabs: tuple[str, ...] = ()
    ecosystem: tuple[str, ...] = ()
    platform: str = ""
    partnership: str = ""
    region: str = ""  # selected region: its own and its sub-regions' strategies
    period: str = ""  # a key of periods.PERIODS; "" = any period


@lru_cache(maxsize=4)
def _index(key: AtlasKey) -> text_search.SearchIndex:
    return text_search.load_index(key.atlas.data_dir, key.atlas.priorities)


def search_index(atlas: Atlas) -> text_search.SearchIndex:
    """The atlas' search index (words, stems and meaning vectors), built once per atlas."""
    return _index(AtlasKey(atlas))


@lru_cache(maxsize=4)
def _terms(key: AtlasKey) -> crosslang.TermTable:
    return crosslang.load_table(key.atlas.data_dir, SOURCES_DIR, key.atlas.priorities)


def query_terms(atlas: Atlas) -> crosslang.TermTable:
    """The atlas' query translation table (EU languages -> English terms), loaded once per atlas."""
    return _terms(AtlasKey(atlas))


@lru_cache(maxsize=512)
def _search(key: AtlasKey, keyword: str) -> tuple[pd.DataFrame, crosslang.Translation]:
    hits, translation = crosslang.expanded_search(search_index(key.atlas), query_terms(key.atlas), keyword)
    return hits.assign(row=pd.Index(key.atlas.priorities.priority_id).get_indexer(hits.priority_id)), translation


def keyword_hits(atlas: Atlas, keyword: str) -> pd.DataFrame:
    """Priorities a keyword finds: priority_id, match ("exact": the words or their stems;
    "related": close in meaning), score, matched words, rank (1 = best), ``via`` (the English
    translation of the keyword that found the row, "" for the keyword itself) and the row position."""
    return _search(AtlasKey(atlas), keyword.strip())[0]


def also_searched(atlas: Atlas, keyword: str) -> tuple[str, ...]:
    """The English translations of a keyword that were searched as well and found something
    (e.g. ("hydrogen",) for "Wasserstoff"); () when none."""
    if not keyword.strip():
        return ()
    return _search(AtlasKey(atlas), keyword.strip())[1].queries


def keyword_mask(atlas: Atlas, keyword: str, match: tuple[str, ...] = ("exact", "related")) -> np.ndarray:
    """Rows the keyword finds, in the given match groups."""
    hits = keyword_hits(atlas, keyword)
    mask = np.zeros(len(atlas.priorities), dtype=bool)
    mask[hits.row[hits.match.isin(match)].to_numpy()] = True
    return mask


def _code_mask(atlas: Atlas, scheme: str, codes: tuple[str, ...]) -> np.ndarray:
    mask = np.zeros(len(atlas.priorities), dtype=bool)
    for code in codes:
        if scheme == "nace" and code.isalpha():  # a section: any of its divisions (or the section, as contributed)
            divisions = atlas.nace.code[(atlas.nace.level == "division") & (atlas.nace.section == code)]
            for d in [*divisions, code]:
                m = atlas.code_index.get(("nace", d))
                if m is not None:
                    mask |= m
        else:
            m = atlas.code_index.get((scheme, code))
            if m is not None:
                mask |= m
    return mask


def member_territories(atlas: Atlas, platform: str = "", partnership: str = "") -> set[str]:
    m = atlas.members
    if partnership:
        m = m[m.partnership_id == partnership]
    if platform:
        ids = set(atlas.partnerships.partnership_id[atlas.partnerships.platform_id == platform])
        m = m[m.partnership_id.isin(ids)]
    return set(m.nuts_id)


def within(nuts_ids: pd.Series, territories: set[str]) -> np.ndarray:
    """True where a NUTS id equals one of the territories or lies inside one."""
    if not territories:
        return np.zeros(len(nuts_ids), dtype=bool)
    prefixes = tuple(sorted(territories))
    return nuts_ids.str.startswith(prefixes).to_numpy()


def priority_mask(atlas: Atlas, f: Filters) -> np.ndarray:
    p = atlas.priorities
    mask = np.ones(len(p), dtype=bool)
    if f.keyword.strip():
        mask &= keyword_mask(atlas, f.keyword)
    if f.level is not None:
        mask &= (p.level == f.level).to_numpy()
    if f.period:
        mask &= (p.period_group == f.period).to_numpy()
    for scheme, codes in (("nace", f.nace), ("nabs", f.nabs), ("ecosystem", f.ecosystem)):
        if codes:
            mask &= _code_mask(atlas, scheme, codes)
    if f.platform or f.partnership:
        mask &= within(p.nuts_id, member_territories(atlas, f.platform, f.partnership))
    if f.region:
        mask &= within(p.nuts_id, {f.region})
    return mask


def matching_priorities(atlas: Atlas, f: Filters, mask: np.ndarray | None = None) -> pd.DataFrame:
    """The priorities the filters keep; with a keyword, also its match, score, matched words and rank.
    ``mask``: ``priority_mask(atlas, f)`` when the caller has it."""
    keep = priority_mask(atlas, f) if mask is None else mask
    rows = atlas.priorities[keep]
    if not f.keyword.strip():
        return rows
    hits = keyword_hits(atlas, f.keyword)
    at = np.full(len(atlas.priorities), -1)  # each priority's row in the hits (every kept row has one)
    at[hits.row.to_numpy()] = np.arange(len(hits))
    pick = at[np.flatnonzero(keep)]
    return rows.assign(**{c: hits[c].to_numpy()[pick] for c in ("match", "score", "matched", "rank")})


def counts_by_territory(atlas: Atlas, f: Filters) -> pd.DataFrame:
    """Per strategy territory: matching priorities and strategies.

    Territories whose strategies have no matching priority are kept with a
    count of 0 (a strategy is in the data, nothing in it matches), so the map
    can tell them from territories with no strategy in the data. The region
    selection does not narrow the map, only the table.
    """
    ti = atlas.territory_index
    m = priority_mask(atlas, replace(f, region=""))
    related = np.zeros(len(m), dtype=bool)
    if f.keyword.strip():  # the map counts exact matches; related ones are counted apart
        related = m & keyword_mask(atlas, f.keyword, ("related",))
        m = m & ~related
    n = len(ti["territories"])
    priorities = np.bincount(ti["of_priority"][m], minlength=n)
    matched_strategies = np.unique(ti["strategy_of_priority"][m])
    strategies = np.bincount(ti["territory_of_strategy"][matched_strategies], minlength=n)
    out = pd.DataFrame({"nuts_id": ti["territories"], "priorities": priorities, "strategies": strategies,
                        "related": np.bincount(ti["of_priority"][related], minlength=n), "level": ti["levels"]})
    if f.level is not None:
        out = out[out.level == f.level]
    return out.sort_values(["level", "nuts_id"], kind="stable").reset_index(drop=True)


def sort_priorities(df: pd.DataFrame, sort: str) -> pd.DataFrame:
    """The table's order: by relevance (exact matches first, then related, each by rank; region
    order when there is no keyword), or by region, priority or strategy name ('-': Z to A)."""
    if sort == "relevance" and "rank" in df:
        return df.sort_values("rank", kind="stable")
    if sort == "relevance":
        sort = "region"
    cols = SORT_COLUMNS.get(sort.lstrip("-"), SORT_COLUMNS["region"])
    return df.sort_values(cols, ascending=not sort.startswith("-"), key=lambda s: s.str.casefold(), kind="stable")


SORT_COLUMNS = {"region": ["region_name", "title"], "priority": ["title", "region_name"],
                "strategy": ["strategy_title", "title"]}


def sort_and_page(df: pd.DataFrame, sort: str, page: int, size: int) -> tuple[pd.DataFrame, int, int]:
    """(rows of the page, page actually shown, number of pages)."""
    ordered = sort_priorities(df, sort)
    pages = max(1, math.ceil(len(df) / size))
    page = min(max(1, page), pages)
    return ordered.iloc[(page - 1) * size: page * size], page, pages


def indicator_values(atlas: Atlas, indicator: str, year: int | None, level: int) -> pd.DataFrame:
    """Values of one indicator for every region of a level in a year.

    With year None, each region's latest year. Regions with no value are kept
    (value NaN) so the map can show them as missing.
    """
    grid = atlas.level_grids.get((indicator, level))
    if grid is None:
        ids = atlas.regions.nuts_id[atlas.regions.level == level].to_numpy()
        return pd.DataFrame({"nuts_id": ids, "value": np.nan, "year": pd.array([pd.NA] * len(ids), dtype="Int64"),
                             "source_id": "", "flag": ""})
    values, years, rows = grid.values, grid.years, np.arange(len(grid.ids))
    if year is not None:
        col = np.flatnonzero(years == year)
        pick = np.full(len(rows), col[0] if len(col) else -1)
    else:  # each region's latest year with a value
        has = ~np.isnan(values)
        last = values.shape[1] - 1 - np.argmax(has[:, ::-1], axis=1)
        pick = np.where(has.any(axis=1), last, -1)
    safe = np.maximum(pick, 0)
    val = values[rows, safe]
    ok = (pick >= 0) & ~np.isnan(val)
    return pd.DataFrame({
        "nuts_id": grid.ids,
        "value": np.where(ok, val, np.nan),
        "year": pd.array([int(y) if k else pd.NA for y, k in zip(years[safe], ok)], dtype="Int64"),
        "source_id": np.where(ok, grid.sources[rows, safe], ""),
        "flag": np.where(ok, grid.flags[rows, safe], ""),
    })


def indicator_years(atlas: Atlas, indicator: str, level: int) -> list[int]:
    """Years with at least one value at this level, newest first."""
    grid = atlas.level_grids.get((indicator, level))
    if grid is None:
        return []
    has = ~np.isnan(grid.values).all(axis=0)
    return sorted((int(y) for y in grid.years[has]), reverse=True)


def eu_value(atlas: Atlas, indicator: str, year: int | None) -> tuple[float, int] | None:
    wide = atlas.indicator_values.get(indicator)
    if wide is None or "EU27_2020" not in wide.index:
        return None
    row = wide.loc["EU27_2020"].dropna()
    if row.empty:
        return None
    if year is None:
        return float(row.iloc[-1]), int(row.index[-1])
    return (float(row[year]), int(year)) if year in row.index else None


# Filters that narrow the priorities of a scope (the partnership or platform, the selected region).
NARROWING = ("keyword", "level", "period", "nace", "nabs", "ecosystem")


def _is_set(f: Filters, name: str) -> bool:
    value = getattr(f, name)
    return bool(value.strip()) if name == "keyword" else (value is not None if name == "level" else bool(value))


def empty_reason(atlas: Atlas, f: Filters) -> dict | None:
    """Why no priority matches ``f`` (None when some do).

    The scope is what the partnership or platform and the selected region leave (every priority
    when none is set): ``scope_priorities`` in it, ``scope_territories`` the partnership's or
    platform's member territories (0 without one). ``alone``: the narrowing filters that each,
    alone on the scope, leave no priority; ``together``: the narrowing filters set (when none
    empties the scope alone, it is these together that do)."""
    if priority_mask(atlas, f).any():
        return None
    cleared = {name: Filters.__dataclass_fields__[name].default for name in NARROWING}
    scope = replace(f, **cleared)
    scope_mask = priority_mask(atlas, scope)
    set_filters = [name for name in NARROWING if _is_set(f, name)]
    alone = [name for name in set_filters
             if not (scope_mask & priority_mask(atlas, replace(scope, **{name: getattr(f, name)}))).any()]
    members = member_territories(atlas, f.platform, f.partnership) if (f.platform or f.partnership) else set()
    return {"scope_priorities": int(scope_mask.sum()), "scope_territories": len(members),
            "alone": alone, "together": set_filters}


def year_gaps(atlas: Atlas, indicator: str, year: int, level: int) -> list[dict]:
    """Countries with regions at ``level`` that have data for the indicator in other years but not in
    ``year``, each with those years (newest first): country, regions without the year's value,
    regions of the country, years. Countries with no value at all at this level are left out
    (the map shows them grey whatever the year)."""
    grid = atlas.level_grids.get((indicator, level))
    if grid is None:
        return []
    has = ~np.isnan(grid.values)
    col = np.flatnonzero(grid.years == year)
    in_year = has[:, col[0]] if len(col) else np.zeros(len(grid.ids), dtype=bool)
    countries = atlas.regions.country.reindex(grid.ids).to_numpy()
    out = []
    for country in sorted(set(countries)):
        rows = countries == country
        missing = rows & ~in_year
        if not missing.any() or not has[rows].any():
            continue
        years = grid.years[has[missing].any(axis=0)]
        if len(years) == 0:  # its regions without this year have no value in any year
            continue
        out.append({"country": country, "missing": int(missing.sum()), "regions": int(rows.sum()),
                    "years": sorted((int(y) for y in years), reverse=True)})
    return out


def year_countries(atlas: Atlas, indicator: str, year: int, level: int) -> list[str]:
    """Countries with a value for at least one of their regions at ``level`` in ``year``."""
    grid = atlas.level_grids.get((indicator, level))
    col = np.flatnonzero(grid.years == year) if grid is not None else []
    if grid is None or not len(col):
        return []
    has = ~np.isnan(grid.values[:, col[0]])
    return sorted(set(atlas.regions.country.reindex(grid.ids[has]).to_numpy()))


# --------------------------------------------------------------------------- the answer by region

# How a territory's strategy answers a keyword: it names it (a priority has the keyword's words or
# their forms), it is close in meaning (only related priorities), or nothing in it matches.
TIERS = ("exact", "related", "none")
TIER_LABELS = {"exact": "names it", "related": "close in meaning", "none": "no match"}

ANSWER_COLUMNS = ["nuts_id", "region_name", "level", "tier", "exact", "related", "best_rank", "best_score",
                  "evidence_id", "evidence_title", "evidence_matched", "evidence_match", "evidence_quote", "evidence_strategy",
                  "evidence_source_url", "strategies"]


def region_answer(atlas: Atlas, f: Filters, matches: pd.DataFrame | None = None, quotes: bool = True) -> pd.DataFrame:
    """Which territories' strategies bet on the view's theme, ranked: one row per territory with a
    strategy in view (its strategies have priorities that the filters other than the keyword keep).

    ``matches``: the view's priorities as ``matching_priorities(atlas, f)`` gives them (the table's
    own search result; computed when not given). Per territory: ``tier`` ("exact" when some priority
    has the keyword's words, else "related" when some is close in meaning, else "none"); ``exact``
    and ``related`` counts (without a keyword every priority the filters keep counts as exact);
    ``best_rank`` (the search rank of its best priority, 1 = best; NaN without a keyword or match)
    and ``best_score``; the evidence: its best priority of its tier (id, title, matched words, match
    group, the words around the matched ones where they are not in the title, strategy, source URL);
    ``strategies`` with matches. Ranked: tier, exact count, best rank,
    related count, then name. ``quotes=False`` leaves ``evidence_quote`` empty (a table page quotes
    only its own rows: ``evidence_quotes``)."""
    if matches is None:
        matches = matching_priorities(atlas, f)
    p = atlas.priorities
    in_scope = priority_mask(atlas, replace(f, keyword=""))
    ids, first = np.unique(p.nuts_id.to_numpy()[in_scope], return_index=True)
    scope_rows = np.flatnonzero(in_scope)[first]
    keyword = "match" in matches
    n = len(matches)
    nuts = matches.nuts_id.to_numpy()
    where = np.searchsorted(ids, nuts)  # every matching priority's territory is in the scope
    match = matches["match"].to_numpy() if keyword else np.full(n, "exact", dtype=object)
    rank = matches["rank"].to_numpy(dtype=float) if keyword else np.full(n, np.nan)
    is_exact, is_related = match == "exact", match == "related"
    k = len(ids)
    exact = np.bincount(where[is_exact], minlength=k)
    related = np.bincount(where[is_related], minlength=k)
    tier = np.where(exact > 0, "exact", np.where(related > 0, "related", "none")).astype(object)
    # the evidence: each territory's best priority of its tier (search rank; title order without a keyword)
    order = np.lexsort((matches.title.str.casefold().to_numpy(), np.where(np.isnan(rank), np.inf, rank),
                        ~is_exact))  # exact before related, then rank, then title
    territories_first, at = np.unique(where[order], return_index=True)
    best = np.full(k, -1)
    best[territories_first] = order[at]
    has = best >= 0
    pick = best[has]

    def evidence(column, fill):
        out = np.full(k, fill, dtype=object if fill == "" else float)
        if column in matches:
            out[has] = matches[column].to_numpy()[pick]
        return out

    pairs = np.unique(np.char.add(np.char.add(where.astype(str), " "), matches.strategy_id.to_numpy().astype(str)))
    strategies = np.bincount(np.array([int(s.split(" ", 1)[0]) for s in pairs], dtype=int), minlength=k)
    out = pd.DataFrame({
        "nuts_id": ids, "region_name": p.region_name.to_numpy()[scope_rows],
        "level": p.level.to_numpy()[scope_rows].astype(int), "tier": tier, "exact": exact, "related": related,
        "best_rank": evidence("rank", np.nan) if keyword else np.full(k, np.nan),
        "best_score": evidence("score", np.nan) if keyword else np.full(k, np.nan),
        "evidence_id": evidence("priority_id", ""), "evidence_title": evidence("title", ""),
        "evidence_matched": evidence("matched", "") if keyword else np.full(k, "", dtype=object),
        "evidence_match": evidence("match", "") if keyword else np.where(has, "exact", "").astype(object),
        "evidence_strategy": evidence("strategy_title", ""), "evidence_source_url": evidence("source_url", ""),
        "strategies": strategies,
    })
    out["evidence_matched"] = out.evidence_matched.fillna("")
    out["evidence_quote"] = evidence_quotes(atlas, out) if keyword and quotes else ""
    tier_order = np.select([tier == "exact", tier == "related"], [0, 1], 2)
    ranked = np.lexsort((ids, out.region_name.str.casefold().to_numpy(), -related,
                         np.where(np.isnan(out.best_rank.to_numpy()), np.inf, out.best_rank.to_numpy()), -exact,
                         tier_order))
    return out.iloc[ranked][ANSWER_COLUMNS].reset_index(drop=True)


def evidence_quotes(atlas: Atlas, answer: pd.DataFrame) -> np.ndarray:
    """Per row of a region answer: where the keyword's words are not in the evidence's title, the
    words around them in its other texts (original title, description, keywords); else ""."""
    p = atlas.priorities
    quotes = np.full(len(answer), "", dtype=object)
    quoted = np.flatnonzero((answer.evidence_id.to_numpy() != "") & (answer.evidence_matched.to_numpy() != ""))
    rows = pd.Index(p.priority_id).get_indexer(answer.evidence_id.to_numpy()[quoted])
    texts = {c: p[c].to_numpy() for c in ("title", "title_original", "description", "keywords")}
    for i, r in zip(quoted, rows):
        words = answer.evidence_matched.iat[i]
        if r < 0 or text_search.snippet(texts["title"][r], words):
            continue
        for field in ("title_original", "description", "keywords"):
            value = texts[field][r]
            quotes[i] = text_search.snippet(("" if pd.isna(value) else str(value)).replace(";", ", "), words)
            if quotes[i]:
                break
    return quotes


def sort_regions(answer: pd.DataFrame, sort: str) -> pd.DataFrame:
    """The regions view's order: by strength (``region_answer``'s), or by region name ('-': Z to A)."""
    if sort.lstrip("-") != "region":
        return answer
    return answer.sort_values(["region_name", "nuts_id"], ascending=not sort.startswith("-"),
                              key=lambda s: s.str.casefold(), kind="stable")
