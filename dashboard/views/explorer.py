"""What the explorer shows for a view state, as plain values and components.

Pure: every function takes the atlas and a ``ViewState`` and returns values, a figure or
components; the page's callbacks only route them to outputs, and tests call them directly.
A map is structure (traces: which regions, which geometry, names) plus values: a filter change
that keeps the structure sends only the values (a Patch): in priorities mode the counts alone;
in indicator mode class codes, the displayed values as short text, the hover template and legend.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
from dash import html

from ..components.static import island
from ..components.table import (detail_url, priority_detail, priority_rows, region_rows, regions_header,
                                table_header)
from ..data.answer import view_answer
from ..data.atlas import Atlas
from ..data.catalog import INDICATOR_BY_ID
from ..data.partnerships import overlay, resolve_ids
from ..data.periods import PERIODS
from ..data.query import (also_searched, empty_reason, eu_value, indicator_values, indicator_years, keyword_hits,
                          evidence_quotes, region_answer, sort_and_page, sort_regions, year_countries, year_gaps)
from ..figures.base import GeometryUrl, MapBox, fitted_box
from ..figures.explorer import (COUNT_TEMPLATE, COUNT_TITLE, TIER_TITLE, count_classes, KEYWORD_TEMPLATE, LEVEL_WORDS, MAP_RATIO, NAME, NO_DATA,
                                NO_STRATEGY, RELATED_ONLY, SEQUENTIAL, Classes, break_labels, classify_values,
                                coloraxis, explorer_map, nice_breaks)
from ..settings import MAX_KEYWORD_LENGTH, MAX_SELECTED_CODES, TABLE_PAGE_SIZE
from ..state import ViewState, parse_query

# Control id -> ViewState field; the order of control_values and of the controls callback.
CONTROLS = (("ex-mode", "mode"), ("ex-q", "q"), ("ex-level", "level"), ("ex-nace", "nace"), ("ex-nabs", "nabs"),
            ("ex-eco", "eco"), ("ex-platform", "platform"), ("ex-partnership", "partnership"), ("ex-period", "period"),
            ("ex-indicator", "indicator"), ("ex-year", "year"), ("ex-sort", "sort"), ("ex-by", "by"),
            ("ex-page", "active_page"))
CONTROL_IDS = tuple(c[0] for c in CONTROLS)
CONTROL_PROPS = tuple("active_page" if c == "ex-page" else "value" for c in CONTROL_IDS)


# --------------------------------------------------------------------------- controls <-> state

def control_values(state: ViewState) -> list:
    """Values for the controls, in CONTROLS order."""
    return [state.mode, state.q, "all" if state.level is None else str(state.level), list(state.nace),
            list(state.nabs), list(state.eco), state.platform or None, state.partnership or None,
            state.period or "any", state.indicator, "latest" if state.year is None else str(state.year), state.sort,
            state.listing, state.page]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _codes(value) -> str:
    items = value if isinstance(value, list) else []
    return ",".join(v for v in items[: MAX_SELECTED_CODES + 1] if isinstance(v, str) and "," not in v)


def state_from_controls(atlas: Atlas, values: list, region: str) -> tuple[ViewState, list[str]]:
    """The state from control values, passed through the URL parser (one validation path).
    Values of the wrong type (a forged request) count as empty."""
    mode, q, level, nace, nabs, eco, platform, partnership, period, indicator, year, sort, by, page = values
    query = {
        "mode": _text(mode), "q": _text(q)[: MAX_KEYWORD_LENGTH + 1], "level": _text(level),
        "nace": _codes(nace), "nabs": _codes(nabs), "eco": _codes(eco), "platform": _text(platform),
        "partnership": _text(partnership), "period": _text(period), "indicator": _text(indicator), "year": _text(year),
        "region": _text(region), "sort": _text(sort), "by": _text(by),
        "page": str(page) if isinstance(page, int) and not isinstance(page, bool) else "1",
    }
    state, notes = parse_query({k: v for k, v in query.items() if v}, atlas)
    return state.canonical(), notes


def next_state(atlas: Atlas, current: str, values: list, region: str | None = None,
               page_changed: bool = False) -> ViewState:
    """The state after a change of controls (or of the selected region) in the view ``current``
    (its query string): map view and display flags kept, back to page 1 when anything but the page changed."""
    prev, _ = parse_query(current or "", atlas)
    state, _ = state_from_controls(atlas, values, prev.region if region is None else region)
    state = replace(state, view=prev.view, embed=prev.embed, present=prev.present, controls=prev.controls)
    if (state.by or state.listing) == prev.listing:  # the list switch shows what the view before listed: no choice
        state = replace(state, by=prev.by).canonical()
    if not page_changed and replace(state, page=prev.page) != prev:
        state = replace(state, page=1)  # a new filter or selection starts at the first page
    return state


def year_options(atlas: Atlas, state: ViewState) -> list[dict]:
    years = indicator_years(atlas, state.indicator, state.map_level)
    if state.year is not None and state.year not in years:
        years = sorted(years + [state.year], reverse=True)  # keep the chosen year; the map shows it as no data
    return [{"label": "Latest year", "value": "latest"}] + [{"label": str(y), "value": str(y)} for y in years]


def year_ranges(years) -> str:
    """Years as runs: [2022, 2021, 2020, 2018] -> '2018, 2020–2022'."""
    ys = sorted(set(int(y) for y in years))
    runs, start = [], None
    for i, y in enumerate(ys):
        start = y if start is None else start
        if i + 1 == len(ys) or ys[i + 1] != y + 1:
            runs.append(str(y) if y == start else f"{start}–{y}")
            start = None
    return ", ".join(runs)


def year_note(atlas: Atlas, state: ViewState) -> str:
    """For an indicator map of a chosen year: the countries with regions that have no value that year
    but have data in other years, and those years (empty for the latest year, or when none lacks it)."""
    if state.mode != "indicator" or state.year is None:
        return ""
    gaps = year_gaps(atlas, state.indicator, state.year, state.map_level)
    if not gaps:
        return ""
    def country(code: str, extra: str = "") -> str:
        return f"{atlas.region_name(code)} ({code}{extra})"

    have = year_countries(atlas, state.indicator, state.year, state.map_level)
    if not have:
        years = year_ranges({y for g in gaps for y in g["years"]})
        return f"No region has {state.year} values at this level (the map is grey); years with data: {years}."
    if len(gaps) > max(MAX_YEAR_NOTE_COUNTRIES, len(have)):  # most lack the year: name those that have it
        years = year_ranges({y for g in gaps for y in g["years"]})
        return (f"In {state.year} only {', '.join(country(c) for c in have)} "
                f"{'has' if len(have) == 1 else 'have'} values at this level (grey elsewhere on the map); "
                f"the other {len(gaps)} countries have data in {years}. “Latest year” shows each region's latest.")
    items = []
    for g in gaps:
        part = "" if g["missing"] == g["regions"] else f", {g['missing']} of {g['regions']} regions"
        items.append(f"{country(g['country'], part)} {year_ranges(g['years'])}")
    return f"No {state.year} values here (grey on the map); years with data: " + " · ".join(items) + "."


MAX_YEAR_NOTE_COUNTRIES = 8  # more countries without the year than with it: the note names those with it


# --------------------------------------------------------------------------- map

def map_key(state: ViewState) -> tuple:
    """Two states with the same key draw the same traces over the same regions."""
    overlay_key = (state.platform, state.partnership)
    if state.mode == "indicator":
        return ("indicator", state.map_level, state.region, state.present, state.view, overlay_key)
    return ("priorities", state.level, state.region, state.present, state.view, overlay_key)


def map_view(atlas: Atlas, nuts_id: str) -> MapBox | None:
    """The map fitted to one region (the ``view`` of the URL), or None for Europe."""
    bounds = atlas.bounds(int(atlas.regions.at[nuts_id, "level"])).get(nuts_id) if nuts_id else None
    return fitted_box(bounds, MAP_RATIO) if bounds else None


def _indicator_values(atlas: Atlas, state: ViewState) -> dict:
    ind = INDICATOR_BY_ID[state.indicator]
    vals = indicator_values(atlas, ind.id, state.year, state.map_level)
    breaks = nice_breaks(vals.value.to_numpy())
    labels = break_labels(breaks, ind.fmt)
    n = len(labels)
    colors = SEQUENTIAL[-n:] if n <= len(SEQUENTIAL) else SEQUENTIAL
    classes = Classes.uniform(("No data",) + tuple(labels), (NO_DATA,) + tuple(colors))
    have = vals.value.notna()
    years = set(vals.year[have].astype(int))
    used = [sid for sid in pd.unique(vals.source_id[have]) if sid]
    datasets = sorted(set(atlas.sources.source_dataset.reindex(used)))
    one_year = len(years) <= 1
    text = []
    for v, y, flag in zip(vals.value, vals.year, vals.flag):
        if pd.isna(v):
            text.append("no data")
        else:
            extra = [] if one_year else [str(y)]
            extra += [f"flag {flag}"] if flag else []
            text.append(format(v, ind.fmt) + (f" ({', '.join(extra)})" if extra else ""))
    year_text = str(next(iter(years))) if one_year and years else ("latest year" if state.year is None else str(state.year))
    template = (NAME + f"{ind.short} ({ind.unit}, {year_text}): " + "%{text}<br>"
                + f"Source: Eurostat, {'; '.join(datasets) if datasets else 'no data'}<extra></extra>")
    eu = eu_value(atlas, ind.id, state.year)
    eu_text = f"EU-27: {format(eu[0], ind.fmt)} ({eu[1]})" if eu else "EU-27 value not in the snapshot"
    return {
        "traces": [{"ids": vals.nuts_id.tolist(), "z": classify_values(vals.value.to_numpy(), breaks).tolist(),
                    "level": state.map_level, "text": text, "hovertemplate": template}],
        "coloraxis": coloraxis(classes, f"{ind.short} ({ind.unit}), {year_text}<br>{eu_text}", state.present),
    }


def _priority_values(atlas: Atlas, state: ViewState) -> dict:
    counts = view_answer(atlas, state.filters()).counts  # the table's answer too (the region does not narrow it)
    # plain arrays: this runs on every change of the view, and pandas' per-call cost was most of it
    nuts, levels = counts.nuts_id.to_numpy(), counts.level.to_numpy()
    named, related = counts.priorities.to_numpy(), counts.related.to_numpy()
    countries = atlas.regions.nuts_id.to_numpy()[atlas.regions.level.to_numpy() == 0]
    base = countries[~np.isin(countries, nuts)].tolist()
    traces = [{"ids": base, "z": [-1] * len(base), "static": True, "level": 0,
               "hovertemplate": NO_STRATEGY if state.level is None else
               NAME + f"No {LEVEL_WORDS[state.level]} strategy in the data here<extra></extra>"}]
    keyword = bool(state.q.strip())
    for level in np.unique(levels):
        at = levels == level
        z = np.where((named[at] == 0) & (related[at] > 0), RELATED_ONLY, named[at])
        traces.append({"ids": nuts[at].tolist(), "z": z.tolist(), "level": int(level),
                       "text": related[at].tolist() if keyword else None,
                       "hovertemplate": KEYWORD_TEMPLATE if keyword else COUNT_TEMPLATE})
    no_strategy = ("No strategy in the data" if state.level is None else
                   f"No {LEVEL_WORDS[state.level]} strategy in the data")
    # classes from this view's counts: no band without a territory, the tiers always listed
    classes = count_classes(named, keyword, no_strategy)
    return {"traces": traces, "coloraxis": coloraxis(classes, TIER_TITLE if keyword else COUNT_TITLE, state.present)}


def map_values(atlas: Atlas, state: ViewState) -> dict:
    """What changes with the filters. traces[i] holds ids and level (structure) and the values to send."""
    return _indicator_values(atlas, state) if state.mode == "indicator" else _priority_values(atlas, state)


def explorer_figure(atlas: Atlas, state: ViewState, geometry_url: GeometryUrl):
    """The full figure: priorities mode draws strategy territories coloured by matching priorities
    (countries underneath, finer territories on top); indicator mode a classed choropleth of one
    indicator with missing values grey and the EU value in the legend; partnership members and the
    selected region on top."""
    values = map_values(atlas, state)
    for t in values["traces"]:
        names = atlas.regions.loc[t["ids"]]
        t["names"] = (names.name_latn.to_numpy(), names.name_national.to_numpy())
    ov = overlay(atlas, resolve_ids(atlas, state.partnership or state.platform)) if (
        state.partnership or state.platform) else None
    selected = None
    if state.region:
        level = int(atlas.regions.at[state.region, "level"])
        if state.mode != "indicator" or level == state.map_level:
            selected = (state.region, level)
    return explorer_map(values, geometry_url, state.present, ov, selected, map_view(atlas, state.view))


# --------------------------------------------------------------------------- table

def partnership_words(name: str) -> str:
    """'Water Smart Territories partnership', but 'European Hydrogen Valleys S3 Partnership' as it is."""
    return name if name.rstrip().casefold().endswith("partnership") else f"{name} partnership"


def platform_words(name: str) -> str:
    return name if name.rstrip().casefold().endswith("platform") else f"{name} platform"


def filter_parts(atlas: Atlas, state: ViewState) -> dict[str, str]:
    """Each active filter in words, keyed as ``data.query.Filters`` names them."""
    names = atlas.code_names
    parts = {}
    if state.q:
        parts["keyword"] = f"keywords “{state.q}”"
    if state.level is not None:
        parts["level"] = "country level" if state.level == 0 else f"NUTS {state.level}"
    if state.period:
        parts["period"] = f"strategy period {PERIODS[state.period]}"
    for key, label, scheme, codes in (("nace", "NACE", "nace", state.nace), ("nabs", "NABS", "nabs", state.nabs),
                                      ("ecosystem", "ecosystem", "ecosystem", state.eco)):
        if codes:
            parts[key] = f"{label} " + ", ".join(names[scheme].get(c, c) if scheme == "ecosystem" else c for c in codes)
    if state.platform:
        parts["platform"] = platform_words(dict(zip(atlas.platforms.platform_id, atlas.platforms.name)).get(
            state.platform, state.platform))
    if state.partnership:
        parts["partnership"] = partnership_words(dict(zip(atlas.partnerships.partnership_id, atlas.partnerships.name))
                                                 .get(state.partnership, state.partnership))
    if state.region:
        parts["region"] = f"in {atlas.region_name(state.region)} ({state.region})"
    return parts


def filter_summary(atlas: Atlas, state: ViewState) -> str:
    """The active filters in words, for the count line (and the audience of a presentation)."""
    return " · ".join(filter_parts(atlas, state).values())


def _joined(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def empty_explanation(atlas: Atlas, state: ViewState) -> str:
    """Why the table is empty, in words (empty when some priority matches): how many priorities the
    partnership, platform or selected region has, and which filters leave none of them."""
    why = empty_reason(atlas, state.filters())
    if why is None:
        return ""
    parts = filter_parts(atlas, state)
    n = why["scope_priorities"]
    has = "no priority in the data" if n == 0 else f"{n} priorit{'y' if n == 1 else 'ies'} in the data"
    scope = ""
    if state.partnership or state.platform:
        who = parts.get("partnership") or parts["platform"]
        k = why["scope_territories"]
        members = f"{k} member region{'' if k == 1 else 's'}"
        scope = (f"the {who}’s {members} have {has}" if state.partnership else
                 f"the {members} of the {who}’s partnerships have {has}")
        if state.region:
            scope += f" {parts['region']}"
    elif state.region:
        scope = f"{atlas.region_name(state.region)} ({state.region}) and its sub-regions have {has}"
    if n == 0:
        return f"No priority matches: {scope}." if scope else "No priority matches."
    if why["alone"]:
        narrowing = "with " + _joined([parts[k] for k in why["alone"]], "or with") + " none is left"
    elif why["together"]:
        narrowing = "each filter alone leaves some, but with " + _joined([parts[k] for k in why["together"]], "and") \
                    + " together none is left"
    else:
        narrowing = ""
    text = "No priority matches all the filters"
    if scope:
        text += f": {scope}" + (f"; {narrowing}" if narrowing else "")
    elif narrowing:
        text += f": {narrowing}"
    return text + "."


def table_key(state: ViewState) -> tuple:
    """Two states with the same key show the same table page."""
    return state.filters(), state.sort, state.listing, state.page


def detail_href(prefix: str, state: ViewState):
    """Where a table row's detail loads from: the priority, and the keyword whose words it marks."""
    keyword = state.filters().keyword.strip()
    return lambda priority_id: detail_url(prefix, priority_id, keyword)


def answer_line(answer: pd.DataFrame) -> str:
    """'6 regions name it, 2 more are close in meaning' (with a keyword)."""
    named, close = int((answer.tier == "exact").sum()), int((answer.tier == "related").sum())
    lead = ("No region names it" if named == 0 else
            f"{named} region{'' if named == 1 else 's'} name{'s' if named == 1 else ''} it")
    if close == 0:
        return lead + (", none is close in meaning" if named == 0 else ", none more is close in meaning")
    more = "" if named == 0 else " more"
    return lead + f", {close}{more} {'is' if close == 1 else 'are'} close in meaning"


def table_view(atlas: Atlas, state: ViewState, prefix: str = "/") -> dict:
    """Rows of the current page (one static island, its header first: the priorities, or the regions
    ranked by how strongly they answer the keyword, each with its best evidence), the count line (a
    component, and ``count_text`` in words), the page shown (clamped) and the number of pages. The
    priorities come from the view's one answer (``data.answer.view_answer``), the regions from them."""
    f = state.filters()
    matches = view_answer(atlas, f).priorities
    keyword = "match" in matches
    if state.listing == "regions":
        answer = region_answer(atlas, f, matches, quotes=False)
        shown = sort_regions(answer[answer.tier != "none"], state.sort)
        pages = max(1, math.ceil(len(shown) / TABLE_PAGE_SIZE))
        page = min(max(1, state.page), pages)
        rows = shown.iloc[(page - 1) * TABLE_PAGE_SIZE: page * TABLE_PAGE_SIZE]
        if keyword:  # the page's rows only
            rows = rows.assign(evidence_quote=evidence_quotes(atlas, rows))
        body = [regions_header(keyword), *region_rows(rows, prefix, keyword)]
    else:
        answer = region_answer(atlas, f, matches, quotes=False) if keyword else None  # for the count line
        rows, page, pages = sort_and_page(matches, state.sort, state.page, TABLE_PAGE_SIZE)
        body = [table_header(), *priority_rows(atlas, rows, detail_href(prefix, state))]
    n_strat = matches.strategy_id.nunique()
    summary = filter_summary(atlas, state)
    if matches.empty and summary:
        count = empty_explanation(atlas, state) + f" Filters: {summary}."
    else:
        count = (f"{len(matches)} priorit{'y' if len(matches) == 1 else 'ies'} in {n_strat} "
                 f"strateg{'y' if n_strat == 1 else 'ies'} match")
        if keyword:
            exact = int((matches.match == "exact").sum())
            count += f" ({exact} with the keyword's words, {len(matches) - exact} related in meaning)"
            also = also_searched(atlas, state.filters().keyword)
            if also:
                count += f"; also searched in English: {', '.join(also)}"
        if summary:
            count += f" — {summary}"
        if keyword:  # the answer first: how many regions name the keyword
            lead = answer_line(answer)
            return {"rows": island(body), "count": [html.Strong(lead, className="count-lead"), html.Span(" · " + count)],
                    "count_text": f"{lead} · {count}", "page": page, "pages": pages}
    return {"rows": island(body), "count": count, "count_text": count, "page": page, "pages": pages}


def row_detail(atlas: Atlas, state: ViewState, priority_id: str) -> list:
    """The detail of one table row, opened in the view ``state`` (its keyword's words marked)."""
    rows = atlas.priorities[atlas.priorities.priority_id == priority_id]
    if rows.empty:
        return []
    keyword = state.filters().keyword.strip()
    if keyword:
        hits = keyword_hits(atlas, keyword)
        matched = hits.matched[hits.priority_id == priority_id]
        rows = rows.assign(matched=matched.iloc[0] if len(matched) else "")
    return priority_detail(atlas, next(rows.itertuples()))
