"""About the data: S3 coverage per country, licences and credits, and the build report.

Wire it with ``about_data.layout(atlas)`` for ``about_data.PATH``. The logic lives in
``dashboard.data.coverage`` (pure); this module only renders.
"""
from __future__ import annotations

from pathlib import Path

from dash import html

from ..components.static import island
from ..components.table import safe_link
from ..data.coverage import coverage_table, member_list_completeness, source_domain, superseded_strategies
from ..data.provenance import contributions_summary, count_words

PATH = "/about/data"
NOTICE = Path(__file__).resolve().parents[2] / "DATA_NOTICE.md"
MAX_LISTED = 12  # items shown inline before "… and N more"


def _listing(items, empty: str = "—") -> str:
    items = list(items)
    if not items:
        return empty
    shown = ", ".join(str(i) for i in items[:MAX_LISTED])
    return shown + (f" … and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _missing_cell(atlas, ids) -> html.Td:
    if not ids:
        return html.Td("none", className="text-muted")
    names = [f"{i} {atlas.region_name(i)}" for i in ids]
    return html.Td([html.Span(f"{len(ids)} missing: ", className="fw-semibold"), _listing(names)])


def coverage_section(atlas) -> html.Div:
    table = coverage_table(atlas)
    shown = table[table.eu_member | (table.strategies > 0)]
    head = html.Thead(html.Tr([html.Th(h) for h in (
        "Country", "National", "Regional", "Priorities", "NUTS 1/2 regions without a strategy",
        "Periods", "Source domains", "Gathered on")]))
    body = html.Tbody([
        html.Tr([
            html.Td(f"{r.country_name} ({r.country})"),
            html.Td(r.national_strategies), html.Td(r.regional_strategies), html.Td(r.priorities),
            _missing_cell(atlas, r.missing_nuts12),
            html.Td(" · ".join(f"{n} {g}" for g, n in r.period_groups.items()) or "—",
                    title="; ".join(r.periods)),
            html.Td(_listing(r.source_domains)),
            html.Td(_listing(r.gathered_on, empty="not recorded (data kit)")),
        ]) for r in shown.itertuples()
    ])
    eu = table[table.eu_member]
    summary = (f"{int(eu.strategies.sum())} strategies ({int(eu.national_strategies.sum())} national, "
               f"{int(eu.regional_strategies.sum())} regional) and {int(eu.priorities.sum())} priorities "
               f"for the EU-27; {int((eu.national_strategies > 0).sum())} of 27 member states have a national "
               f"strategy in the data; {int(eu.missing_count.sum())} of {int(eu.regions_nuts12.sum())} "
               f"NUTS 1/2 regions have no strategy covering them.")
    empty = sorted(set(atlas.strategies.strategy_id) - set(atlas.priorities.strategy_id))
    if empty:
        summary += (f" {len(empty)} strategies are confirmed by a source but their priority list was not found: "
                    + _listing(empty) + ".")
    return html.Div([
        html.H2("Smart specialisation coverage", className="h4 mt-4"),
        html.P(summary),
        html.P("A NUTS 1 or 2 region counts as covered when a strategy in the data is attached to it, to a part "
               "of it, or to a larger sub-national region containing it; a national strategy covers only "
               "countries whose regions share its territory. Other countries are shown only when the data "
               "holds a strategy for them.", className="small text-muted"),
        html.Div(html.Table([head, body], className="table table-sm table-striped align-top"),
                 className="table-responsive"),
        *superseded_section(atlas),
    ])


def superseded_section(atlas) -> list:
    """Strategies kept in the data but replaced by a later one, with the page that says so."""
    sup = superseded_strategies(atlas)
    if sup.empty:
        return []
    return [html.H3(f"Superseded strategies ({len(sup)})", className="h6 mt-3"),
            html.P("A later strategy of the same territory replaces these; they stay in the data, marked as "
                   "superseded.", className="small text-muted"),
            _table(("Territory", "Superseded strategy", "Replaced by", "Source"),
                   [[f"{r.nuts_id} {atlas.region_name(r.nuts_id)}",
                     f"{r.strategy_id}: {r.title}" + (f" ({r.period})" if r.period else ""),
                     f"{r.superseded_by}: {r.new_title}" + (f" ({r.new_period})" if r.new_period else ""),
                     safe_link(r.source_url, source_domain(r.source_url) or "source")] for r in sup.itertuples()])]


def _table(head: tuple[str, ...], rows: list[list]) -> html.Div:
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])),
                                html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows])],
                               className="table table-sm table-striped align-top"), className="table-responsive")


def _source_links(urls: str) -> list:
    links = []
    for u in filter(None, (x.strip() for x in str(urls or "").split(";"))):
        links += [" · " if links else " Sources: ", safe_link(u, source_domain(u) or "source")]
    return links


def not_found_section(atlas) -> html.Div:
    """What was looked for in public pages and not found, with what was tried."""
    nf = atlas.not_found.sort_values(["nuts_id", "sought"])
    nm = atlas.no_members.sort_values(["platform", "partnership"])
    parts = [html.H2("Looked for and not found", className="h4 mt-4"),
             html.P("These were searched for in public pages without finding a source that lists them. "
                    "They are shown as missing rather than filled in from elsewhere.", className="small text-muted")]
    if len(nf):
        parts += [html.H3(f"Strategies or priority lists ({len(nf)})", className="h6 mt-3"),
                  _table(("Territory", "Looked for", "What was tried"),
                         [[f"{r.nuts_id} {atlas.region_name(r.nuts_id)}",
                           r.sought + (f" ({sid})" if (sid := getattr(r, "strategy_id", "")) else ""),
                           [r.what_was_tried, *_source_links(r.source_urls)]] for r in nf.itertuples()])]
    if len(nm):
        parts += [html.H3(f"Partnerships named by a source, members not found ({len(nm)})", className="h6 mt-3"),
                  _table(("Partnership", "Platform", "Named in", "What was tried"),
                         [[r.partnership, r.platform or "not stated",
                           _source_links(";".join([r.source_url, getattr(r, "other_source_urls", "")]))[1:],
                           r.what_was_tried] for r in nm.itertuples()])]
    parts += completeness_section(atlas)
    if not (len(nf) or len(nm)):
        parts.append(html.P("Nothing recorded."))
    return html.Div(parts)


def _stated(stated) -> list:
    out = []
    for n, what, url in stated:
        out.append(html.Div([html.Span(f"{n}", className="fw-semibold"), f" — {what} " if what else " ",
                             safe_link(url, source_domain(url) or "source")]))
    return out


def completeness_section(atlas) -> list:
    """Per partnership: the members the data holds against the count(s) its own sources give."""
    table = member_list_completeness(atlas)
    if table.empty:
        return []
    rows = []
    for r in table.itertuples():
        held = f"{r.territories} territories" + (f" + {r.names_without_code} named without a NUTS code"
                                                  if r.names_without_code else "")
        share = (f"{r.held} of {r.largest_stated} ({r.share_of_largest:.0%})" if r.share_of_largest is not None
                 else f"{r.held} of {r.largest_stated}")
        rows.append([r.partnership, held, _stated(r.stated), share])
    return [html.H3(f"Partnership member lists against the counts their sources give ({len(table)})",
                    className="h6 mt-3"),
            html.P("How complete each partnership's member list is against the member count its own sources "
                   "state. Counts are as the pages give them (some count regions and other bodies together, "
                   "some are lower bounds or attendance); members are the territories held in the data plus "
                   "member names without a NUTS code.", className="small text-muted"),
            _table(("Partnership", "Members in the data", "Counts its sources give", "Held against the largest count"),
                   rows)]


def contributions_section(atlas) -> html.Div:
    """How many rows reviewed contributions gave, by whom, reviewed when."""
    c = contributions_summary(atlas)
    title = html.H2("Contributions", className="h4 mt-4")
    rule = html.P("Regions and the bodies that hold the data propose corrections and additions with a public source; "
                  "a reviewer checks each one against its source before it is published. Every such row says "
                  "\"contributed by <organisation>, reviewed <date>\" where it is shown and exported.",
                  className="small text-muted")
    if not c["total"]:
        return html.Div([title, rule, html.P("No contributed rows in this snapshot yet.")], id="ad-contributions")
    counts = ", ".join(count_words(n, label) for label, n in c["rows"].items() if n)
    return html.Div([
        title, rule,
        html.P(f"{c['total']} rows from {c['proposals']} accepted proposals ({counts}), reviewed "
               + (f"between {c['first_reviewed']} and {c['last_reviewed']}." if c["first_reviewed"] != c["last_reviewed"]
                  else f"on {c['first_reviewed']}.")),
        _table(("Contributed by", "Rows", "What", "Reviewed"),
               [[b["organisation"], str(b["rows"]), ", ".join(count_words(n, t) for t, n in b["tables"].items()),
                 b["first_reviewed"] if b["first_reviewed"] == b["last_reviewed"]
                 else f"{b['first_reviewed']} to {b['last_reviewed']}"] for b in c["by"]]),
    ], id="ad-contributions")


def _notice_sections() -> list:
    """DATA_NOTICE.md rendered as plain headings and paragraphs (no Markdown component)."""
    try:
        text = NOTICE.read_text(encoding="utf-8")
    except OSError:
        return [html.P("The data notice (DATA_NOTICE.md) is not available.")]
    out, para = [], []

    def flush():
        if para:
            out.append(html.P(" ".join(para)))
            para.clear()

    for line in text.splitlines():
        s = line.strip()
        if s.startswith("# "):
            flush()
        elif s.startswith("## "):
            flush()
            out.append(html.H3(s[3:], className="h6 mt-3"))
        elif not s:
            flush()
        else:
            para.append(s.replace("`", ""))
    flush()
    return out


def licences_section() -> html.Div:
    return html.Div([html.H2("Licences and credits", className="h4 mt-4"), *_notice_sections()])


def _value(v):
    if isinstance(v, dict):
        return html.Ul([html.Li([html.Span(f"{k}: ", className="fw-semibold"), _value(x)]) for k, x in v.items()])
    if isinstance(v, (list, tuple)):
        if not v:
            return html.Span("none")
        if all(isinstance(x, dict) for x in v):
            return html.Ul([html.Li("; ".join(f"{k}: {x}" for k, x in d.items())) for d in v])
        return html.Span(f"{len(v)}: {_listing(v)}")
    return html.Span(str(v))


def report_section(atlas) -> html.Div:
    m = atlas.manifest
    rows = m.get("rows", {})
    return html.Div([
        html.H2("Build report", className="h4 mt-4"),
        html.P(f"Snapshot {m.get('version', '?')} built {m.get('built_at', '?')} on NUTS {m.get('nuts_version', '?')}."),
        html.P("Rows: " + _listing([f"{k} {v}" for k, v in rows.items()])) if rows else None,
        _value(dict(m.get("report", {}))),
    ])


def layout(atlas) -> html.Div:
    # one static part (components/static.py): thousands of table cells, no callbacks
    return island(html.Div([
        html.H1("About the data", className="h3 mt-4", tabIndex="-1"),
        coverage_section(atlas),
        not_found_section(atlas),
        contributions_section(atlas),
        licences_section(),
        report_section(atlas),
    ], className="about-data"))
