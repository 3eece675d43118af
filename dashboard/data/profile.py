"""Region profiles: everything the snapshot holds about one NUTS territory.

Pure functions of the atlas (no Dash). ``region_profile`` returns a plain dict
of Python values (JSON-serialisable); missing figures are ``None`` and the UI
says "no data" — never 0. The exports (CSV and JSON here, the PDF in
figures/profile_pdf.py with the similar regions and the map) are built from that
dict, so the page and the downloads cannot disagree.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd

from .atlas import Atlas
from .catalog import ATTRIBUTION, DATASET_NAMES, INDICATORS
from .provenance import contact_points, origin_words, row_provenance
from .wording import plain

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


_DATASET_CODE = re.compile(r"\b(tgs\d{5}|[a-z]+(?:_[a-z0-9]+)+)\b")


def dataset_words(source_dataset: str) -> str:
    """A source dataset named in plain words, its code kept: "Eurostat: Unemployment rate by NUTS 2
    regions — tgs00010 (= lfst_r_lfu3rt subset)"; a dataset without a known name as it is."""
    m = _DATASET_CODE.search(source_dataset or "")
    if not m or m.group(1) not in DATASET_NAMES:
        return source_dataset or ""
    return f"Eurostat: {DATASET_NAMES[m.group(1)]} — {source_dataset}"


def source_words(stat: dict) -> str:
    """``source_text`` with the dataset named in plain words."""
    if not stat.get("source_dataset"):
        return ""
    flag = f", flag '{stat['flag']}'" if stat.get("flag") else ""
    words = dataset_words(plain(stat["source_dataset"]))
    return (words if words.startswith("Eurostat") else f"Eurostat, {words}") + flag


SCHEME_LABELS = {"nace": "NACE", "nabs": "NABS", "ecosystem": "Ecosystem"}


def code_label(code: dict) -> str:
    """A priority's code with its name: "NACE C.21 Manufacture of basic pharmaceutical products ...",
    "NABS 13 General advancement of knowledge ...", "Ecosystem: Health"."""
    scheme, c, name = code["scheme"], code["code"], code.get("name", "")
    if scheme == "ecosystem":
        return f"Ecosystem: {name or c}"
    shown = f"{code['section']}.{c}" if code.get("section") and code["section"] != c else c
    return f"{SCHEME_LABELS.get(scheme, scheme.upper())} {shown} {name}".strip()


def profile_sources(profile: dict) -> list[dict]:
    """Every source the profile cites, once: {"what": ..., "url": ...}, strategies first."""
    out, seen = [], set()

    def add(what, url, provenance=""):
        if url and url not in seen:
            seen.add(url)
            out.append({"what": what + (f" ({provenance})" if provenance else ""), "url": url})

    for s in profile["strategies"]:
        add(f"Strategy {s['strategy_id']}: source page", s["source_url"], s.get("provenance", ""))
        add(f"Strategy {s['strategy_id']}: strategy document", s["document_url"])
    for p in profile["priorities"]:
        add(f"Priority {p['priority_id']}", p["source_url"], p.get("provenance", ""))
        described = p.get("description_source_url", "")
        add(f"Priority {p['priority_id']}: description", described,
            p.get("provenance", "") if described == p["source_url"] else "")
    for m in profile["partnerships"]:
        add(f"Partnership {m['name']}: member list", m["source_url"], m.get("provenance", ""))
        add(f"Platform {m['platform']}", m["platform_url"])
    for c in profile.get("contact_points", ()):
        add(f"Contact point of {c['strategy_id']}", c["source_url"], c["provenance"])
    datasets = sorted({m.group(1) for st in profile["statistics"]
                       for m in [_DATASET_CODE.search(st.get("source_dataset") or "")] if m and m.group(1) in DATASET_NAMES})
    for code in datasets:
        add(f"Eurostat: {DATASET_NAMES[code]} ({code})", f"https://ec.europa.eu/eurostat/databrowser/view/{code}/default/table")
    return out


def source_text(stat: dict) -> str:
    if not stat.get("source_dataset"):
        return ""
    flag = f", flag '{stat['flag']}'" if stat.get("flag") else ""
    return f"Eurostat, {plain(stat['source_dataset'])}{flag}"


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
        "own": r.nuts_id == nid, "relation": _relation(atlas, nid, r.nuts_id), "provenance": row_provenance(r),
    } for r in s.itertuples()]
    names = atlas.code_names
    nace_section = dict(zip(atlas.nace.code, atlas.nace.section))
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
                              "section": nace_section.get(c.code, "") if c.scheme == "nace" else "",
                              "origin": c.origin, "rule": c.rule})
        priorities.append({
            "priority_id": r.priority_id, "strategy_id": r.strategy_id, "strategy_title": r.strategy_title,
            "territory": r.nuts_id, "own": r.nuts_id == nid, "title": r.title, "title_original": r.title_original,
            "description": r.description, "keywords": [k.strip() for k in r.keywords.split(";") if k.strip()],
            "kind": r.kind, "source_url": r.source_url, "source_note": r.source_note, "codes": plist,
            "description_source_url": r.description_source_url, "provenance": row_provenance(r),
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
            "inferred": getattr(r, "inferred", ""),
            "member": r.nuts_id, "member_name": _name(atlas, r.nuts_id), "member_is_region": r.nuts_id == nid,
            "membership": ("the region itself is a member" if r.nuts_id == nid else
                           f"member through {_name(atlas, r.nuts_id)} ({r.nuts_id}), which contains this region"),
            "source_url": r.source_url, "provenance": row_provenance(r),
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
        # the official contact points of the strategies covering it (reviewed contributions), own first
        "contact_points": contact_points(atlas, [s["strategy_id"] for s in strategies]),
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
        codes = "; ".join(f"{c['scheme']} {c['code']} ({origin_words(c['origin'])})"
                          for c in p["codes"])
        w.writerow(["priority", p["priority_id"], p["title"], p["kind"], "", "", p["source_url"],
                    f"strategy {p['strategy_id']}; keywords: {', '.join(p['keywords'])}; codes: {codes}"
                    + (f"; {p['provenance']}" if p.get("provenance") else "")])
    for m in profile["partnerships"]:
        w.writerow(["partnership", m["partnership_id"], m["name"], m["role"], "", "", m["source_url"],
                    f"platform {m['platform']}; {m['membership']}; role as in the source: {m['role_as_in_source']}"
                    + (f"; inferred: {m['inferred']}" if m.get("inferred") else "")
                    + (f"; {m['provenance']}" if m.get("provenance") else "")])
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
        w.writerow(["contact", c["strategy_id"], c["name"], c["email"], "", "", c["source_url"],
                    "; ".join(x for x in (c["position"], c["organisation"], c["provenance"]) if x)])
    w.writerow(["attribution", "", "", profile["attribution"], "", "", "", f"snapshot {profile['snapshot']}"])
    return buf.getvalue()
