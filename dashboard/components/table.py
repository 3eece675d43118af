"""The priorities table: Region name (NUTS ID) | Priority | Strategy, each row
expandable to its description, keywords, codes and source."""
from __future__ import annotations

import math

import pandas as pd
from dash import html

from ..data.atlas import Atlas
from ..data.query import codes_for

SORT_COLUMNS = {"region": ["region_name", "title"], "priority": ["title", "region_name"],
                "strategy": ["strategy_title", "title"]}


def sort_and_page(df: pd.DataFrame, sort: str, page: int, size: int) -> tuple[pd.DataFrame, int, int]:
    """(rows of the page, page actually shown, number of pages)."""
    desc = sort.startswith("-")
    cols = SORT_COLUMNS.get(sort.lstrip("-"), SORT_COLUMNS["region"])
    ordered = df.sort_values(cols, ascending=not desc, key=lambda s: s.str.casefold(), kind="stable")
    pages = max(1, math.ceil(len(df) / size))
    page = min(max(1, page), pages)
    return ordered.iloc[(page - 1) * size: page * size], page, pages


def safe_link(url: str, text: str, **kw):
    """A link only for http(s) URLs; anything else is shown as plain text."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return html.A(text, href=url, target="_blank", rel="noopener noreferrer", **kw)
    return html.Span(text)


def _code_list(atlas: Atlas, codes: pd.DataFrame, scheme: str, names: dict[str, str]) -> list:
    sub = codes[codes.scheme == scheme]
    if sub.empty:
        return [html.Span("none assigned", className="text-muted")]
    items = []
    for r in sub.itertuples():
        origin = "from source" if r.origin == "source" else "assigned automatically"
        items.append(html.Span(
            f"{r.code} {names.get(r.code, '')}".strip(),
            className=f"badge code-badge code-{r.origin} me-1 mb-1",
            title=f"{origin}: {r.rule}",
        ))
    return items


def priority_rows(atlas: Atlas, rows: pd.DataFrame) -> list:
    nace_names = dict(zip(atlas.nace.code, atlas.nace.name))
    nabs_names = dict(zip(atlas.nabs.code, atlas.nabs.name))
    eco_names = dict(zip(atlas.ecosystems.code, atlas.ecosystems.name))
    all_codes = codes_for(atlas, rows.priority_id)
    out = []
    for r in rows.itertuples():
        codes = all_codes[all_codes.priority_id == r.priority_id]
        strat = atlas.strategies.loc[r.strategy_id]
        detail = [
            html.P(r.description or html.Span("No description in the source.", className="text-muted")),
        ]
        if r.title_original and r.title_original != r.title:
            detail.append(html.P([html.Strong("Original name: "), r.title_original]))
        detail += [
            html.P([html.Strong("Keywords: "), r.keywords.replace(";", ", ") if r.keywords else
                    html.Span("none in the source", className="text-muted")]),
            html.Div([html.Strong("NACE: ")] + _code_list(atlas, codes, "nace", nace_names)),
            html.Div([html.Strong("NABS: ")] + _code_list(atlas, codes, "nabs", nabs_names)),
            html.Div([html.Strong("Ecosystems: ")] + _code_list(atlas, codes, "ecosystem", eco_names)),
            html.P([
                html.Strong("Strategy: "), strat.title, f" ({strat.period})" if strat.period else "", " · ",
                safe_link(r.source_url, "source of this priority"),
                *([" · ", safe_link(strat.document_url, "strategy document")] if strat.document_url else []),
            ], className="mt-2 mb-1"),
            html.P(r.source_note, className="small text-muted mb-0") if r.source_note else None,
        ]
        kind = "" if r.kind == "priority" else f" [{r.kind}]"
        out.append(html.Details([
            html.Summary([
                html.Span(f"{r.region_name} ({r.nuts_id})", className="pt-region"),
                html.Span(r.title + kind, className="pt-priority"),
                html.Span(f"{r.strategy_title} ({strat.period})" if strat.period else r.strategy_title,
                          className="pt-strategy"),
            ], className="pt-row"),
            html.Div([d for d in detail if d is not None], className="pt-detail"),
        ], className="pt-item", **{"data-priority": r.priority_id}))
    return out


def table_header() -> html.Div:
    return html.Div([
        html.Span("Region name (NUTS ID)", className="pt-region"),
        html.Span("Priority", className="pt-priority"),
        html.Span("Strategy", className="pt-strategy"),
    ], className="pt-row pt-head", role="row")
