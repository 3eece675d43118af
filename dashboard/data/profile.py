"""Region profiles: everything the snapshot holds about one NUTS territory.

Pure functions of the atlas (no Dash). ``region_profile`` returns a plain dict
of Python values (JSON-serialisable); missing figures are ``None`` and the UI
says "no data" — never 0. The exports (CSV, JSON, PDF) are built from that
dict only, so the page and the downloads cannot disagree.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata

import pandas as pd

from .atlas import Atlas
from .catalog import ATTRIBUTION, INDICATORS

LEVEL_LABELS = {0: "Country (NUTS 0)", 1: "NUTS 1", 2: "NUTS 2", 3: "NUTS 3"}
NUTS_ID = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
DERIVED_LABEL = "derived from NUTS 2"
ECOSYSTEM_BASIS = ("Derived from the codes of the priorities of the region's own strategies only "
                   "(not those of the country or larger regions that contain it).")


class UnknownRegion(KeyError):
    """The id is malformed or not a NUTS territory of the snapshot."""


def normalise_id(nuts_id) -> str | None:
    """The NUTS id if it is well formed and in the atlas' vocabulary shape, else None."""
    if not isinstance(nuts_id, str):
        return None
    nid = nuts_id.strip().upper()
    return nid if NUTS_ID.match(nid) else None


def resolve(atlas: Atlas, nuts_id) -> str | None:
    nid = normalise_id(nuts_id)
    return nid if nid is not None and nid in atlas.regions.index else None


def _name(atlas: Atlas, nid: str) -> str:
    return str(atlas.regions.at[nid, "name_latn"]) if nid in atlas.regions.index else nid


def _str(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


# ---------------------------------------------------------------- statistics
def _rank(atlas: Atlas, ind, nid: str, year: int) -> dict | None:
    """Rank among the country's regions of the same level in that year: 1 = the highest value, or the
    lowest where the catalog says lower is better (``Indicator.better``). ``order`` says which.

    Countries are ranked among all countries of the snapshot.
    """
    wide = atlas.indicator_values[ind.id]
    r = atlas.regions
    level = int(r.at[nid, "level"])
    if level == 0:
        peers = r.nuts_id[r.level == 0]
        among = "countries in the data"
    else:
        country = r.at[nid, "country"]
        peers = r.nuts_id[(r.level == level) & (r.country == country)]
        among = f"{LEVEL_LABELS[level]} regions of {_name(atlas, country)}"
    if year not in wide.columns:
        return None
    vals = wide[year].reindex(peers.to_numpy()).dropna()
    if nid not in vals.index or len(vals) < 2:
        return None
    ahead = vals < vals[nid] if ind.better == "lower" else vals > vals[nid]
    position = int(ahead.sum()) + 1
    return {"position": position, "of": int(len(vals)), "among": among, "year": int(year),
            "text": f"{position} of {len(vals)}", "order": ind.rank_order}


def _published_below(atlas: Atlas, ind, nid: str) -> list[str]:
    """The NUTS 2 regions of a NUTS 1 region that have a value of an indicator it has none of (catalog
    ``nuts1_gap``); empty for other levels and indicators."""
    if not ind.nuts1_gap or int(atlas.regions.at[nid, "level"]) != 1:
        return []
    wide = atlas.indicator_values.get(ind.id)
    if wide is None:
        return []
    return [c for c in sorted(atlas.children.get(nid, ())) if c in wide.index and wide.loc[c].notna().any()]


def statistics(atlas: Atlas, nid: str) -> list[dict]:
    """One row per indicator: the latest value with year, source, flag, series and rank. ``derived`` says
    how a value derived from NUTS 2 figures was derived (empty for a published one); ``why_missing`` why
    a NUTS 1 region has no value where its NUTS 2 regions have (empty otherwise), and ``published_in``
    those NUTS 2 regions ({nuts_id, name}); ``better`` which way is better ("higher", "lower" or "")."""
    out = []
    for ind in INDICATORS:
        row = {"indicator": ind.id, "label": ind.label, "short": ind.short, "unit": ind.unit, "fmt": ind.fmt,
               "note": ind.note, "value": None, "year": None, "source_id": "", "source_dataset": "",
               "source_unit": "", "source_vintage": "", "flag": "", "series": {}, "rank": None,
               "derived": "", "why_missing": "", "published_in": [], "better": ind.better}
        wide = atlas.indicator_values.get(ind.id)
        if wide is not None and nid in wide.index:
            series = wide.loc[nid].dropna()
            if not series.empty:
                year = int(series.index[-1])
                src = _str(atlas.indicator_sources[ind.id].at[nid, year])
                row.update(value=float(series.iloc[-1]), year=year,
                           flag=_str(atlas.indicator_flags[ind.id].at[nid, year]),
                           series={int(y): float(v) for y, v in series.items()},
                           rank=_rank(atlas, ind, nid, year), source_id=src)
                if src in atlas.sources.index:
                    s = atlas.sources.loc[src]
                    row.update(source_dataset=str(s.source_dataset), source_unit=str(s.unit),
                               source_vintage=str(s.vintage), derived=_str(s.get("derived", "")))
        if row["value"] is None:
            below = _published_below(atlas, ind, nid)
            if below:
                row.update(why_missing=ind.nuts1_gap,
                           published_in=[{"nuts_id": c, "name": _name(atlas, c)} for c in below])
        out.append(row)
    return out


def format_value(stat: dict) -> str:
    if stat.get("value") is None:
        return "no data"
    return f"{format(stat['value'], stat['fmt'])} {stat['unit']}"


def derived_label(stat: dict) -> str:
    """"derived from NUTS 2" for a value the build derived, else ""."""
    return DERIVED_LABEL if stat.get("derived") else ""


def missing_text(stat: dict) -> str:
    """"no data", with the reason (and the NUTS 2 regions that have the figure) where one is known."""
    if not stat.get("why_missing"):
        return "no data"
    see = ", ".join(r["nuts_id"] for r in stat.get("published_in", ()))
    return f"no data: {stat['why_missing']}" + (f"; see its NUTS 2 regions {see}" if see else "")


def better_text(stat: dict) -> str:
    """"lower is better" / "higher is better" where the catalog gives a direction, else ""."""
    return f"{stat['better']} is better" if stat.get("better") else ""


def source_text(stat: dict) -> str:
    if not stat.get("source_dataset"):
        return ""
    flag = f", flag '{stat['flag']}'" if stat.get("flag") else ""
    return f"Eurostat, {stat['source_dataset']}{flag}"


# ---------------------------------------------------------------- strategies
def _relation(atlas: Atlas, nid: str, territory: str) -> str:
    if territory == nid:
        return "own"
    return f"covers it: {_name(atlas, territory)} ({territory}), {LEVEL_LABELS[int(atlas.regions.at[territory, 'level'])]}"


def sort_code(code: str):
    """Numeric codes in numeric order, then the rest."""
    return (0, int(code), code) if code.isascii() and code.isdigit() else (1, 0, code)


def strategies_and_priorities(atlas: Atlas, nid: str) -> tuple[list[dict], list[dict]]:
    territories = [nid] + atlas.ancestors(nid)
    s = atlas.strategies[atlas.strategies.nuts_id.isin(territories)].reset_index(drop=True)
    s["_depth"] = s.nuts_id.map({t: i for i, t in enumerate(territories)})
    s = s.sort_values(["_depth", "period", "strategy_id"], ascending=[True, False, True])
    strategies = [{
        "strategy_id": r.strategy_id, "title": r.title, "period": r.period, "period_label": r.period_label,
        "period_note": r.period_note, "document_url": r.document_url,
        "source_url": r.source_url, "source_note": r.source_note, "territory": r.nuts_id,
        "territory_name": r.territory_name, "territory_level": int(r.level),
        "own": r.nuts_id == nid, "relation": _relation(atlas, nid, r.nuts_id),
    } for r in s.itertuples()]
    names = atlas.code_names
    p = atlas.priorities[atlas.priorities.strategy_id.isin(list(s.strategy_id))]
    order = {sid: i for i, sid in enumerate(s.strategy_id)}
    p = p.assign(_o=p.strategy_id.map(order)).sort_values(["_o"], kind="stable")
    codes = atlas.codes[atlas.codes.priority_id.isin(set(p.priority_id))]
    by_pid = {pid: grp for pid, grp in codes.groupby("priority_id")}
    priorities = []
    for r in p.itertuples():
        grp = by_pid.get(r.priority_id)
        plist = []
        if grp is not None:
            for c in sorted(grp.itertuples(), key=lambda c: (c.scheme, sort_code(c.code))):
                plist.append({"scheme": c.scheme, "code": c.code, "name": names[c.scheme].get(c.code, ""),
                              "origin": c.origin, "rule": c.rule})
        priorities.append({
            "priority_id": r.priority_id, "strategy_id": r.strategy_id, "strategy_title": r.strategy_title,
            "territory": r.nuts_id, "own": r.nuts_id == nid, "title": r.title, "title_original": r.title_original,
            "description": r.description, "keywords": [k.strip() for k in r.keywords.split(";") if k.strip()],
            "kind": r.kind, "source_url": r.source_url, "source_note": r.source_note, "codes": plist,
        })
    return strategies, priorities


# ---------------------------------------------------------------- partnerships
def partnerships(atlas: Atlas, nid: str) -> list[dict]:
    territories = [nid] + atlas.ancestors(nid)
    m = atlas.members[atlas.members.nuts_id.isin(territories)]
    pships = atlas.partnerships.set_index("partnership_id", drop=False)
    plats = atlas.platforms.set_index("platform_id", drop=False)
    out = []
    for r in m.itertuples():
        ps = pships.loc[r.partnership_id] if r.partnership_id in pships.index else None
        plat_id = ps.platform_id if ps is not None else ""
        plat = plats.loc[plat_id] if plat_id in plats.index else None
        out.append({
            "partnership_id": r.partnership_id, "name": ps["name"] if ps is not None else r.partnership_id,
            "platform_id": plat_id, "platform": plat["name"] if plat is not None else "",
            "platform_url": plat.source_url if plat is not None else "",
            "role": r.role, "role_as_in_source": r.role_as_in_source, "name_as_in_source": r.name_as_in_source,
            "member": r.nuts_id, "member_name": _name(atlas, r.nuts_id), "member_is_region": r.nuts_id == nid,
            "membership": ("the region itself is a member" if r.nuts_id == nid else
                           f"member through {_name(atlas, r.nuts_id)} ({r.nuts_id}), which contains this region"),
            "source_url": r.source_url,
        })
    out.sort(key=lambda d: (not d["member_is_region"], d["platform"].casefold(), d["name"].casefold()))
    return out


# ---------------------------------------------------------------- classifications
def _origin(origins) -> str:
    return "source" if "source" in set(origins) else "auto"


def classifications(atlas: Atlas, nid: str) -> dict:
    """Ecosystems (Yes/No for all), NABS chapters and NACE sections+divisions of the own strategies."""
    own_sids = set(atlas.strategies.strategy_id[atlas.strategies.nuts_id == nid])
    pids = set(atlas.priorities.priority_id[atlas.priorities.strategy_id.isin(own_sids)])
    codes = atlas.codes[atlas.codes.priority_id.isin(pids)]
    has = bool(pids)
    by = {scheme: {code: _origin(g.origin) for code, g in grp.groupby("code")}
          for scheme, grp in codes.groupby("scheme")}
    eco = by.get("ecosystem", {})
    ecosystems = [{"code": r.code, "name": r.name, "present": (r.code in eco) if has else None,
                   "origin": eco.get(r.code, "")} for r in atlas.ecosystems.itertuples()]
    nabs_codes = by.get("nabs", {})
    nabs = [{"code": r.code, "name": r.name, "origin": nabs_codes[r.code]}
            for r in atlas.nabs.itertuples() if r.code in nabs_codes]
    nace_codes = by.get("nace", {})
    divisions = atlas.nace[atlas.nace.level == "division"]
    sections = []
    for sec in atlas.nace[atlas.nace.level == "section"].itertuples():
        divs = [{"code": d.code, "name": d.name, "origin": nace_codes[d.code]}
                for d in divisions[divisions.section == sec.code].itertuples() if d.code in nace_codes]
        if divs or sec.code in nace_codes:
            sections.append({"code": sec.code, "name": sec.name, "divisions": divs})
    return {"has_own_strategy": has, "basis": ECOSYSTEM_BASIS, "ecosystems": ecosystems,
            "nabs": nabs, "nace": sections}


# ---------------------------------------------------------------- the profile
def header(atlas: Atlas, nid: str) -> dict:
    r = atlas.regions.loc[nid]
    parent = _str(r.parent)
    return {
        "nuts_id": nid, "name_latn": r.name_latn, "name_national": r.name_national,
        "level": int(r.level), "level_label": LEVEL_LABELS[int(r.level)],
        "country": r.country, "country_name": _name(atlas, r.country),
        "parent": {"nuts_id": parent, "name": _name(atlas, parent)} if parent else None,
        "ancestors": [{"nuts_id": a, "name": _name(atlas, a)} for a in atlas.ancestors(nid)],
        "children": [{"nuts_id": c, "name": _name(atlas, c)} for c in sorted(atlas.children.get(nid, ()))],
        "lon": float(r.lon), "lat": float(r.lat),
    }


def region_profile(atlas: Atlas, nuts_id: str) -> dict:
    """The profile of one territory; raises UnknownRegion for malformed or unknown ids."""
    nid = resolve(atlas, nuts_id)
    if nid is None:
        raise UnknownRegion(nuts_id)
    strategies, priorities = strategies_and_priorities(atlas, nid)
    return {
        "nuts_id": nid,
        "snapshot": atlas.version,
        "header": header(atlas, nid),
        "statistics": statistics(atlas, nid),
        "strategies": strategies,
        "priorities": priorities,
        "partnerships": partnerships(atlas, nid),
        "classifications": classifications(atlas, nid),
        "contact_points": [],  # the snapshot has none; the page shows the section only when non-empty
        "attribution": ATTRIBUTION,
    }


# ---------------------------------------------------------------- exports
def profile_json(profile: dict) -> str:
    return json.dumps(profile, ensure_ascii=False, indent=2, sort_keys=False)


CSV_COLUMNS = ("section", "id", "name", "value", "unit", "year", "source", "detail")


def profile_csv(profile: dict) -> str:
    """A long table: one row per fact, with year and source wherever a figure is given."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    h = profile["header"]
    for key in ("nuts_id", "name_latn", "name_national", "level_label", "country", "country_name"):
        w.writerow(["region", key, "", h[key], "", "", "", ""])
    if h["parent"]:
        w.writerow(["region", "parent", h["parent"]["name"], h["parent"]["nuts_id"], "", "", "", ""])
    for c in h["children"]:
        w.writerow(["region", "child", c["name"], c["nuts_id"], "", "", "", ""])
    for s in profile["statistics"]:
        rank = s["rank"]
        derived = f"{DERIVED_LABEL}: {s['derived']}" if s.get("derived") else ""
        ranked = f"rank {rank['text']} {rank['among']} ({rank['order']})" if rank else ""
        w.writerow(["statistic", s["indicator"], s["label"], "" if s["value"] is None else repr(s["value"]),
                    s["unit"], s["year"] or "", source_text(s),
                    missing_text(s) if s["value"] is None else "; ".join(t for t in (derived, ranked) if t)])
    for s in profile["strategies"]:
        w.writerow(["strategy", s["strategy_id"], s["title"], s["territory"], "", s["period"], s["source_url"],
                    s["relation"] + (f"; document {s['document_url']}" if s["document_url"] else "")])
    for p in profile["priorities"]:
        codes = "; ".join(f"{c['scheme']} {c['code']} ({'from source' if c['origin'] == 'source' else 'assigned automatically'})"
                          for c in p["codes"])
        w.writerow(["priority", p["priority_id"], p["title"], p["kind"], "", "", p["source_url"],
                    f"strategy {p['strategy_id']}; keywords: {', '.join(p['keywords'])}; codes: {codes}"])
    for m in profile["partnerships"]:
        w.writerow(["partnership", m["partnership_id"], m["name"], m["role"], "", "", m["source_url"],
                    f"platform {m['platform']}; {m['membership']}"])
    cl = profile["classifications"]
    for e in cl["ecosystems"]:
        w.writerow(["ecosystem", e["code"], e["name"],
                    "" if e["present"] is None else ("Yes" if e["present"] else "No"), "", "", "",
                    "no strategy of its own in the data" if e["present"] is None else cl["basis"]])
    for n in cl["nabs"]:
        w.writerow(["nabs", n["code"], n["name"], "Yes", "", "", "", n["origin"]])
    for sec in cl["nace"]:
        w.writerow(["nace_section", sec["code"], sec["name"], "Yes", "", "", "", ""])
        for d in sec["divisions"]:
            w.writerow(["nace_division", d["code"], d["name"], "Yes", "", "", "", d["origin"]])
    for c in profile["contact_points"]:
        w.writerow(["contact", "", c.get("name", ""), c.get("email", ""), "", "", c.get("source_url", ""), ""])
    w.writerow(["attribution", "", "", profile["attribution"], "", "", "", f"snapshot {profile['snapshot']}"])
    return buf.getvalue()


# PDF core fonts (Helvetica) cover Latin-1 only. Other characters are transliterated
# (Greek and Cyrillic letter by letter, Latin letters with other diacritics to the
# base letter), and the PDF says so.
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
                  ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s",
                   "t", "y", "f", "ch", "ps", "o", "a", "e", "i", "i", "o", "y", "o", "i", "y", "i", "y"]))
_CYRILLIC = dict(zip("абвгдежзийклмнопрстуфхцчшщъьюяыэё",
                     ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                      "t", "u", "f", "h", "ts", "ch", "sh", "sht", "a", "y", "yu", "ya", "y", "e", "yo"]))
_PUNCT = {"–": "-", "—": "-", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "…": "...",
          "€": "EUR", "•": "*", "²": "2", "≥": ">=", "≤": "<=", "\u00a0": " ", "ł": "l", "Ł": "L",
          "đ": "d", "Đ": "D", "ø": "o", "ß": "ss", "ı": "i"}


def pdf_text(text) -> str:
    """Text that the core PDF fonts can show: Latin-1 kept, the rest transliterated."""
    out = []
    for ch in str(text):
        if ord(ch) < 256 and ch not in ("\u00a0",):
            out.append(ch)
            continue
        if ch in _PUNCT:
            out.append(_PUNCT[ch])
            continue
        low = ch.lower()
        table = _GREEK if low in _GREEK else _CYRILLIC if low in _CYRILLIC else None
        if table is not None:
            t = table[low]
            out.append(t.capitalize() if ch != low else t)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        base = "".join(c for c in base if ord(c) < 256)
        out.append(base or "?")
    return "".join(out)


def _pdf_document(profile: dict):
    """An A4 FPDF with title, margins and the credit line in the footer of every page; first page added."""
    from fpdf import FPDF  # imported here so the app starts even where only the page is used

    h = profile["header"]
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(pdf_text(f"S3 Atlas profile: {h['name_latn']} ({h['nuts_id']})"))
    pdf.set_author("S3 Atlas")
    pdf.set_creator("S3 Atlas")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(15, 15, 15)
    credit = pdf_text(profile["attribution"])

    def footer():
        pdf.set_y(-13)
        pdf.set_font("Helvetica", size=7)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(0, 4, f"{credit} · Data snapshot {profile['snapshot']} · page {pdf.page_no()}", align="C")
        pdf.set_text_color(0, 0, 0)

    pdf.footer = footer  # fpdf calls footer() on each page
    pdf.add_page()
    return pdf


def _para(pdf, text, size=9, style="", h_=4.5) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.multi_cell(pdf.epw, h_, pdf_text(text), new_x="LMARGIN", new_y="NEXT")


def _heading(pdf, text) -> None:
    pdf.ln(2)
    _para(pdf, text, size=12, style="B", h_=6)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(1)


def _pdf_header(pdf, h: dict) -> None:
    _para(pdf, f"{h['name_latn']} ({h['nuts_id']})", size=18, style="B", h_=9)
    if h["name_national"] and h["name_national"] != h["name_latn"]:
        _para(pdf, f"National name: {h['name_national']}", size=10)
    line = f"{h['level_label']} · {h['country_name']} ({h['country']})"
    if h["parent"]:
        line += f" · part of {h['parent']['name']} ({h['parent']['nuts_id']})"
    _para(pdf, line, size=10)
    if h["children"]:
        _para(pdf, "Sub-regions: " + ", ".join(f"{c['name']} ({c['nuts_id']})" for c in h["children"]), size=8)


def _pdf_statistics(pdf, stats: list[dict]) -> None:
    _heading(pdf, "Statistics (latest year in the data)")
    cols = (62, 34, 14, 48, 22)
    pdf.set_font("Helvetica", style="B", size=8)
    for label, wd in zip(("Indicator", "Value", "Year", "Source", "Rank"), cols):
        pdf.cell(wd, 5, label, border="B")
    pdf.ln(5)
    pdf.set_font("Helvetica", size=8)
    for s in stats:
        rank = s["rank"]["text"] if s["rank"] else ""
        value = format_value(s) + (" \u00b9" if s.get("derived") or s.get("why_missing") else "")
        cells = (s["label"], value, str(s["year"] or ""), source_text(s) or "-", rank)
        y0 = pdf.get_y()
        if y0 > pdf.h - 30:
            pdf.add_page()
        for text, wd in zip(cells, cols):
            pdf.cell(wd, 4.5, pdf_text(text)[: int(wd * 0.62)])
        pdf.ln(4.5)
    for s in stats:
        if s.get("derived"):
            _para(pdf, f"\u00b9 {s['label']}: {DERIVED_LABEL} - {s['derived']}.", size=7, h_=3.5)
        elif s.get("why_missing"):
            _para(pdf, f"\u00b9 {s['label']}: {missing_text(s)}.", size=7, h_=3.5)
    _para(pdf, "Rank: position by value (1 = highest; 1 = lowest where lower is better: "
          + (", ".join(s["short"].lower() for s in stats if s.get("better") == "lower") or "none") + ") "
          "among the country's regions of the same NUTS level with data "
          "in the same year; countries among all countries in the data. 'no data' means the snapshot has no "
          "value; Eurostat flags: b break, e estimate, p provisional, u low reliability, d definition differs.",
          size=7, h_=3.5)


def _pdf_strategies(pdf, strategies: list[dict]) -> None:
    _heading(pdf, "Smart Specialisation Strategies covering this territory")
    if not strategies:
        _para(pdf, "No strategy for this territory or a larger one containing it is in the data.")
    for s in strategies:
        _para(pdf, f"{s['title']} ({s['period_label']})", style="B")
        _para(pdf, f"{s['territory_name']} ({s['territory']}) - {'own strategy' if s['own'] else s['relation']}. "
              f"Source: {s['source_url']}", size=8)


def _pdf_priorities(pdf, priorities: list[dict]) -> None:
    _heading(pdf, "Priorities")
    if not priorities:
        _para(pdf, "No priorities in the data.")
    for p in priorities:
        kind = "" if p["kind"] == "priority" else f" [{p['kind']}]"
        _para(pdf, f"{p['title']}{kind}", style="B")
        meta = f"{p['territory']}, strategy {p['strategy_id']}"
        if p["keywords"]:
            meta += " · keywords: " + ", ".join(p["keywords"])
        _para(pdf, meta, size=7.5, h_=3.8)
        if p["description"]:
            _para(pdf, p["description"], size=8, h_=4)
        if p["codes"]:
            codes = ", ".join(f"{c['scheme'].upper()} {c['code']}{'*' if c['origin'] == 'auto' else ''}"
                              for c in p["codes"])
            _para(pdf, f"Codes: {codes}", size=7.5, h_=3.8)
        pdf.ln(1)
    _para(pdf, "* code assigned automatically from a reviewed keyword map, not from the strategy document.", size=7)


def _pdf_partnerships(pdf, partnerships: list[dict]) -> None:
    if partnerships:
        _heading(pdf, "Thematic partnerships")
        for m in partnerships:
            _para(pdf, f"{m['name']} ({m['platform']}) - role: {m['role']}; {m['membership']}", size=8.5)


def _pdf_ecosystems(pdf, cl: dict) -> None:
    _heading(pdf, "European industrial ecosystems")
    if cl["has_own_strategy"]:
        yes = [e["name"] for e in cl["ecosystems"] if e["present"]]
        _para(pdf, ("Yes: " + ", ".join(yes)) if yes else "None of the 14 ecosystems.", size=8.5)
        _para(pdf, cl["basis"], size=7)
    else:
        _para(pdf, "No strategy of its own in the data.", size=8.5)


def _pdf_closing(pdf, profile: dict) -> None:
    if any(ord(c) > 255 for c in profile_json(profile)):
        pdf.ln(2)
        _para(pdf, "Characters outside the PDF core font (e.g. Greek, Cyrillic, Czech or Polish letters) are "
              "transliterated in this PDF; the web page and the CSV/JSON downloads show the original spelling.",
              size=7, style="I")
    pdf.ln(2)
    _para(pdf, profile["attribution"], size=8, style="B")


def profile_pdf(profile: dict) -> bytes:
    """A printable profile: name, figures with years and sources, priorities, credit line."""
    pdf = _pdf_document(profile)
    _pdf_header(pdf, profile["header"])
    _pdf_statistics(pdf, profile["statistics"])
    _pdf_strategies(pdf, profile["strategies"])
    _pdf_priorities(pdf, profile["priorities"])
    _pdf_partnerships(pdf, profile["partnerships"])
    _pdf_ecosystems(pdf, profile["classifications"])
    _pdf_closing(pdf, profile)
    return bytes(pdf.output())
