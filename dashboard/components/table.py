"""The priorities table: Region name (NUTS ID) | Priority | Strategy, each row
expandable to its description, keywords, codes and source."""
from __future__ import annotations

from urllib.parse import quote, urlencode

import pandas as pd
from dash import dcc, html

from ..data.atlas import Atlas
from ..data.search import RELATED_CLOSE, RELATED_FLOOR, closeness, highlight_terms
from ..data.provenance import origin_words, row_provenance
from ..data.wording import plain

def safe_link(url: str, text: str, **kw):
    """A link only for http(s) URLs; anything else is shown as plain text."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return html.A(text, href=url, target="_blank", rel="noopener noreferrer", **kw)
    return html.Span(text)


def published_in_note(stat: dict, prefix: str = "/", short: bool = False) -> html.Span:
    """Why a NUTS 1 region has no value of a statistic (``stat['why_missing']``) and links to the
    profiles of its NUTS 2 regions that have it. ``short``: one line, the full reason on hover."""
    see = stat.get("published_in") or []
    links = []
    for k, r in enumerate(see):
        links += ([", "] if k else []) + [dcc.Link(r["nuts_id"], href=f"{prefix}region/{quote(r['nuts_id'])}",
                                                   title=r["name"])]
    head = "Published for NUTS 2 regions only" if short else stat["why_missing"]
    return html.Span([head, *(["; see its NUTS 2 regions ", *links] if links else []), "."],
                     className="small text-muted why-missing", title=stat["why_missing"])


def code_badges(atlas: Atlas, priority_id: str, scheme: str) -> list:
    """Badges for one scheme's codes of a priority; the tooltip says where each code came from."""
    names = atlas.code_names[scheme]
    items = []
    for sch, code, origin, rule in atlas.codes_by_priority.get(priority_id, ()):
        if sch != scheme:
            continue
        how = origin_words(origin)
        items.append(html.Span(f"{code} {names.get(code, '')}".strip(),
                               className=f"badge code-badge code-{origin} me-1 mb-1", title=f"{how}: {rule}"))
    return items or [html.Span("none assigned", className="text-muted")]


def highlighted(text: str, matched) -> list:
    """Text with the matched words marked."""
    if not isinstance(matched, str) or not matched:
        return [text]
    return [html.Mark(seg) if hit else seg for seg, hit in highlight_terms(text, matched)]


def match_badge(r) -> html.Span | None:
    """Exact (the keyword's words or their stems) or related in meaning, with its similarity."""
    match = getattr(r, "match", None)
    if match == "exact":
        return html.Span("exact", className="badge match-badge match-exact ms-1",
                         title="Contains the keyword's words or their stems (highlighted)")
    if match == "related":
        return html.Span(closeness(r.score), className="badge match-badge match-related ms-1",
                         title=f"No keyword word in it, but related in meaning (similarity {r.score:.2f} of "
                               "multilingual sentence vectors; 'close' from "
                               f"{RELATED_CLOSE:.3f}, 'somewhat close' from {RELATED_FLOOR:.2f})")
    return None


def priority_detail(atlas: Atlas, r) -> list:
    """What an opened row shows: description, original name, keywords (matched words marked),
    codes with where each came from, strategy and sources, and the region's profile."""
    matched = getattr(r, "matched", "")
    period = atlas.strategies.at[r.strategy_id, "period_label"]
    period_note = atlas.strategies.at[r.strategy_id, "period_note"]
    document = atlas.strategies.at[r.strategy_id, "document_url"]
    provenance = row_provenance(r)  # "contributed by <organisation>, reviewed <date>" for a contributed row
    detail = [
        html.P(highlighted(plain(r.description), matched) if r.description else
               html.Span("No description in the source.", className="text-muted")),
    ]
    if r.title_original and r.title_original != r.title:
        detail.append(html.P([html.Strong("Original name: "), *highlighted(r.title_original, matched)]))
    detail += [
        html.P([html.Strong("Keywords: "), *(highlighted(r.keywords.replace(";", ", "), matched) if r.keywords else
                                             [html.Span("none in the source", className="text-muted")])]),
        html.Div([html.Strong("NACE: ")] + code_badges(atlas, r.priority_id, "nace")),
        html.Div([html.Strong("NABS: ")] + code_badges(atlas, r.priority_id, "nabs")),
        html.Div([html.Strong("Ecosystems: ")] + code_badges(atlas, r.priority_id, "ecosystem")),
        html.P([
            html.Strong("Strategy: "), r.strategy_title, f" ({period})", " · ",
            safe_link(r.source_url, "source of this priority"),
            *([" ", html.Span(provenance, className="text-muted provenance")] if provenance else []),
            *([" · ", safe_link(document, "strategy document")] if document else []),
        ], className="mt-2 mb-1"),
    ]
    if period_note:  # what the source says about the period, beyond the years the table shows
        detail.append(html.P(f"About the period: {period_note}", className="small text-muted mb-0 pt-period-note"))
    if r.source_note:
        detail.append(html.P(f"About the source: {r.source_note}", className="small text-muted mb-0"))
    # relative: the explorer is served at the app's root, so this follows any URL prefix
    detail.append(html.P(dcc.Link(f"Profile of {r.region_name} ({r.nuts_id}) →", href=f"region/{r.nuts_id}",
                                  className="pt-profile-link"), className="mt-1 mb-0"))
    return detail


DETAIL_ROUTE = "priority-detail"  # under the app's prefix: /priority-detail/<priority id>?q=<keyword>


def detail_url(prefix: str, priority_id: str, keyword: str = "") -> str:
    """Where a priority row's detail loads from when first opened (assets/app.js): the explorer's
    route, the keyword's words marked."""
    query = "?" + urlencode({"q": keyword}) if keyword else ""
    return f"{prefix}{DETAIL_ROUTE}/{quote(priority_id, safe='')}{query}"


def priority_rows(atlas: Atlas, rows: pd.DataFrame, detail_href) -> list:
    """One closed row per priority. The detail loads when the row is first opened, from
    ``detail_href(priority_id)`` (assets/app.js): fifteen rows of details were most of the page's
    components, rendered on every filter change and never seen unless opened."""
    out = []
    for r in rows.itertuples():
        matched = getattr(r, "matched", "")
        period = atlas.strategies.at[r.strategy_id, "period_label"]  # notes on it in the row's detail
        kind = "" if r.kind == "priority" else f" [{r.kind}]"
        out.append(html.Details([
            html.Summary([
                html.Span(f"{r.region_name} ({r.nuts_id})", className="pt-region"),
                html.Span([*highlighted(plain(r.title), matched), kind, match_badge(r)], className="pt-priority"),
                html.Span(f"{r.strategy_title} ({period})", className="pt-strategy"),
            ], className="pt-row"),
            html.Div(className="pt-detail", **{"aria-live": "polite", "data-detail": detail_href(r.priority_id)}),
        ], className="pt-item", **{"data-priority": r.priority_id}))
    return out


def table_header() -> html.Div:
    return html.Div([
        html.Span("Region name (NUTS ID)", className="pt-region"),
        html.Span("Priority", className="pt-priority"),
        html.Span("Strategy", className="pt-strategy"),
    ], className="pt-row pt-head", **{"aria-hidden": "true"})  # column titles for the eye; each row reads whole


# --------------------------------------------------------------------------- the answer by region

TIER_BADGES = {"exact": ("names it", "tier-exact", "A priority of its strategy has the keyword's words or their forms"),
               "related": ("close in meaning", "tier-related",
                           "No priority has the keyword's words, but some are close in meaning (multilingual "
                           "sentence vectors)")}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def tier_badge(r, keyword: bool) -> html.Span:
    """The region's tier (with a keyword) and how many of its priorities are behind it."""
    if not keyword:
        return html.Span(_plural(int(r.exact), "matching priority"), className="badge tier-badge tier-exact")
    text, cls, title = TIER_BADGES[r.tier]
    n = int(r.exact) if r.tier == "exact" else int(r.related)
    extra = f" · {int(r.related)} close in meaning" if r.tier == "exact" and r.related else ""
    return html.Span(f"{text} · {_plural(n, 'priority')}{extra}", className=f"badge tier-badge {cls}", title=title)


def region_rows(rows: pd.DataFrame, prefix: str, keyword: bool) -> list:
    """One row per region of the answer: the region (a link to its profile) and its tier, its best
    evidence (the priority, the keyword's words marked) and that priority's strategy."""
    out = []
    for rank, r in enumerate(rows.itertuples()):
        evidence = [*highlighted(plain(r.evidence_title), r.evidence_matched)]
        if keyword and r.evidence_match == "related":
            evidence.append(html.Span("related in meaning", className="badge match-badge match-related ms-1"))
        if getattr(r, "evidence_quote", ""):  # the keyword's words where they are, when not in the title
            evidence += [html.Br(), html.Span(["“", *highlighted(r.evidence_quote, r.evidence_matched), "”"],
                                              className="small text-muted rg-quote")]
        out.append(html.Div([
            html.Span([dcc.Link(f"{r.region_name} ({r.nuts_id})", href=f"{prefix}region/{quote(r.nuts_id)}",
                                className="rg-link"), html.Br(), tier_badge(r, keyword)], className="pt-region"),
            html.Span([html.Span("Best evidence: ", className="visually-hidden"), *evidence,
                       " ", safe_link(r.evidence_source_url, "source", className="small")], className="pt-priority"),
            html.Span(r.evidence_strategy, className="pt-strategy"),
        ], className="pt-row rg-item", **{"data-region": r.nuts_id, "data-tier": r.tier}))
    return out


def regions_header(keyword: bool) -> html.Div:
    return html.Div([
        html.Span("Region name (NUTS ID)", className="pt-region"),
        html.Span("Best evidence: its priority" + (" with the keyword" if keyword else ""), className="pt-priority"),
        html.Span("Strategy", className="pt-strategy"),
    ], className="pt-row pt-head", **{"aria-hidden": "true"})
