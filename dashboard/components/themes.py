"""Theme matches as a person reads them: the tier in words, the evidence with its words marked."""
from __future__ import annotations

from urllib.parse import quote

from dash import dcc, html

from ..data.search import highlight_terms
from .table import highlighted

TIER_LABEL = {"exact": "names it", "related": "close in meaning"}
TIER_TITLE = {"exact": "A priority contains the theme's words or their forms (marked)",
              "related": "A priority is close in meaning to the theme (multilingual sentence vectors), "
                         "without its words"}


def tier_badge(match: str, count: int | None = None) -> html.Span:
    label = TIER_LABEL.get(match, match)
    if count is not None and count > 1:
        label += f" · {count} priorities"
    return html.Span(label, className=f"badge match-badge match-{match} ms-1", title=TIER_TITLE.get(match, ""))


def evidence(r) -> html.Div:
    """The best priority: its title (matched words marked), which words matched if the title does
    not show them, and its strategy."""
    words = str(getattr(r, "matched", "") or "")
    title_words = {seg for seg, hit in highlight_terms(r.title, words) if hit}
    parts = [html.Span(["‘", *highlighted(r.title, words), "’"], className="th-title")]
    if words and not title_words:
        parts.append(html.Span(f" — in its description or keywords: {', '.join(words.split())}",
                               className="small text-muted"))
    parts.append(html.Div(str(r.strategy_title), className="small text-muted"))
    return html.Div(parts, className="th-evidence")


def query_links(queries, prefix: str = "/") -> list:
    """Each theme query as a link to the explorer with that keyword (the same search)."""
    out = []
    for i, q in enumerate(queries):
        if i:
            out.append(" · ")
        out.append(dcc.Link(q, href=f"{prefix}?q={quote(q)}", className="th-query"))
    return out


SHOWN_CODES = 3  # shared codes named before "all shared codes"


def reason_lines(why: dict) -> html.Div:
    """Why two regions are alike (``similarity.reasons``): their closest priorities by title, and
    the codes they share by name (the first few, then all of them folded)."""
    themes, codes = why["themes"], why["codes"]
    parts = [html.Ul([html.Li(t) for t in themes], className="small mb-1 rs-themes") if themes
             else html.Div("No close priorities in the texts.", className="small")]
    if codes:
        parts.append(html.Div(["Shared codes: " + "; ".join(codes[:SHOWN_CODES]),
                               html.Details([html.Summary(f"all {len(codes)} shared codes"),
                                             html.Ul([html.Li(c) for c in codes])], className="rs-codes")
                               if len(codes) > SHOWN_CODES else None], className="small text-muted"))
    else:
        parts.append(html.Div("No shared codes.", className="small text-muted"))
    return html.Div(parts, className="rs-reasons")
