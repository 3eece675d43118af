"""Thematic Smart Specialisation partnerships: counts, member lists, theme matches, regions that could
join, map overlay.

Pure functions of the atlas (no Dash). Every number is computed from the
snapshot's ``partnerships``, ``partnership_members`` and ``regions`` tables;
nothing is typed in. Members are the rows of the snapshot: a member whose name
has no NUTS code is not a member row, it is listed in the build report
(``manifest["report"]["partnership_names_not_mapped"]``) and shown as such.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from .atlas import Atlas, AtlasKey, fold
from .provenance import provenance_text
from .themes import partnership_queries, theme_matches

# The 27 member states of the European Union (Eurostat country codes: Greece is EL).
EU27 = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "EL", "HU", "IE", "IT",
                  "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})

LEAD_ROLES = ("lead", "co-lead")
# "supporting": the source ties the region to the partnership without naming it a member or partner
# (a supporting or represented region, a co-signatory of its memorandum, an associated region);
# counted apart from the members.
SUPPORTING = "supporting"
ROLE_ORDER = {"lead": 0, "co-lead": 1, "partner": 2, "member": 3, SUPPORTING: 4}
ROLE_LABEL = {"lead": "Lead", "co-lead": "Co-lead", "partner": "Partner", "member": "Member (role not stated)",
              SUPPORTING: "Supporting (not named a member)"}
NO_PLATFORM = "none"  # filter value for partnerships whose platform the sources do not state
NO_PLATFORM_LABEL = "Platform not stated in the sources"


# --------------------------------------------------------------------------- selections

def platform_name(atlas: Atlas, platform_id: str) -> str:
    hit = atlas.platforms[atlas.platforms.platform_id == platform_id]
    return hit.name.iloc[0] if len(hit) else NO_PLATFORM_LABEL


def partnership_name(atlas: Atlas, pid: str) -> str:
    hit = atlas.partnerships[atlas.partnerships.partnership_id == pid]
    return hit.name.iloc[0] if len(hit) else pid


def is_partnership(atlas: Atlas, pid: str) -> bool:
    return isinstance(pid, str) and pid in set(atlas.partnerships.partnership_id)


def resolve_ids(atlas: Atlas, pid_or_platform=None) -> list[str]:
    """Partnership ids for: None/"" (all), a partnership id, a platform id (its partnerships),
    NO_PLATFORM, or an iterable of partnership ids (unknown ids dropped)."""
    p = atlas.partnerships
    if pid_or_platform is None or pid_or_platform == "":
        return list(p.partnership_id)
    if isinstance(pid_or_platform, str):
        if is_partnership(atlas, pid_or_platform):
            return [pid_or_platform]
        if pid_or_platform == NO_PLATFORM:
            return list(p.partnership_id[p.platform_id == ""])
        return list(p.partnership_id[p.platform_id == pid_or_platform])
    known = set(p.partnership_id)
    return [x for x in dict.fromkeys(pid_or_platform) if x in known]


def _members_with_country(atlas: Atlas, members: pd.DataFrame | None = None) -> pd.DataFrame:
    m = atlas.members if members is None else members
    m = m.copy()
    if "inferred" not in m:  # a snapshot from before the column
        m["inferred"] = ""
    m["country"] = m.nuts_id.map(atlas.regions.country)
    m["level"] = m.nuts_id.map(atlas.regions.level)
    return m


def filter_partnerships(atlas: Atlas, platform: str | None = None, country: str | None = None) -> list[str]:
    """Partnership ids on a platform (NO_PLATFORM: platform not stated) and/or with a member in a country."""
    ids = resolve_ids(atlas, platform or None)
    if country:
        m = _members_with_country(atlas)
        with_country = set(m.partnership_id[m.country == country])
        ids = [i for i in ids if i in with_country]
    return ids


# --------------------------------------------------------------------------- counts

def _country_counts(countries: Iterable[str]) -> dict:
    cs = sorted({c for c in countries if isinstance(c, str) and c})
    eu = [c for c in cs if c in EU27]
    non_eu = [c for c in cs if c not in EU27]
    return {"countries": len(cs), "eu_member_states": len(eu), "non_eu_countries": len(non_eu),
            "country_codes": cs, "eu_codes": eu, "non_eu_codes": non_eu}


def partnership_counts(atlas: Atlas, members: pd.DataFrame | None = None,
                       partnership_ids: Iterable[str] | None = None) -> dict:
    """Headline counts from the member rows (default: all of them).

    partnerships: partnerships in the selection (``partnership_ids``; default every
    partnership of the snapshot when ``members`` is None, else those present in
    ``members``), including any without members. territories: unique NUTS ids.
    countries split into EU member states (EU27) and non-EU countries (e.g. UK today).
    """
    m = _members_with_country(atlas, members)
    if partnership_ids is not None:
        pids = list(dict.fromkeys(partnership_ids))
        m = m[m.partnership_id.isin(pids)]
    elif members is None:
        pids = list(atlas.partnerships.partnership_id)
    else:
        pids = list(dict.fromkeys(m.partnership_id))
    supporting = _supporting_only(m)
    out = {
        "partnerships": len(pids),
        "partnerships_with_members": int(m.partnership_id.nunique()),
        "member_rows": len(m),
        "territories": int(m.nuts_id.nunique()),
        "members": int(m.nuts_id.nunique()) - len(supporting),
        "supporting": len(supporting),
        "supporting_rows": int((m.role == SUPPORTING).sum()),
        "inferred_rows": int((m.inferred != "").sum()),
        "by_level": {int(k): int(v) for k, v in m.drop_duplicates("nuts_id").level.value_counts().sort_index().items()},
        **_country_counts(m.country),
    }
    plat = atlas.partnerships.set_index("partnership_id").platform_id
    out["by_partnership"] = {pid: int(m.nuts_id[m.partnership_id == pid].nunique()) for pid in pids}
    by_platform = {}
    for pid in pids:
        by_platform.setdefault(plat.get(pid, "") or NO_PLATFORM, []).append(pid)
    out["by_platform"] = {
        k: {"partnerships": len(v), "territories": int(m.nuts_id[m.partnership_id.isin(v)].nunique()),
            "member_rows": int(m.partnership_id.isin(v).sum())}
        for k, v in by_platform.items()}
    return out


def _supporting_only(m: pd.DataFrame) -> set[str]:
    """NUTS ids whose every row in ``m`` has the role "supporting"."""
    other = set(m.nuts_id[m.role != SUPPORTING])
    return set(m.nuts_id[m.role == SUPPORTING]) - other


def unmapped_names(atlas: Atlas, pid: str | None = None) -> list[dict]:
    """Member names of the sources with no NUTS code (from the build report)."""
    rows = list(atlas.manifest.get("report", {}).get("partnership_names_not_mapped", []) or [])
    if pid is not None:
        name = partnership_name(atlas, pid)
        rows = [r for r in rows if r.get("partnership") == name]
    return rows


def partnerships_without_members(atlas: Atlas) -> list[str]:
    have = set(atlas.members.partnership_id)
    return [p for p in atlas.partnerships.partnership_id if p not in have]


# --------------------------------------------------------------------------- tables

def partnership_members(atlas: Atlas, pid: str) -> pd.DataFrame:
    """One row per member territory of a partnership, leads first, supporting regions last: region,
    NUTS id, level, country, role (normalised and as in the source), source URL and date, note and
    inferred (why the row is an inference; empty when its source states it)."""
    m = _members_with_country(atlas, atlas.members[atlas.members.partnership_id == pid])
    out = pd.DataFrame({
        "region": m.nuts_id.map(atlas.regions.name_latn).fillna(m.nuts_id),
        "nuts_id": m.nuts_id,
        "level": m.level.astype("Int64"),
        "country": m.country,
        "role": m.role,
        "role_as_in_source": m.role_as_in_source,
        "name_as_in_source": m.name_as_in_source,
        "source_url": m.source_url,
        "source_date": m.source_date if "source_date" in m else "",
        "note": m.note if "note" in m else "",
        # "contributed by <organisation>, reviewed <date>" for a member row a reviewed contribution gave
        "provenance": [provenance_text(b, d) for b, d in zip(m.get("contributed_by", [""] * len(m)),
                                                             m.get("reviewed_on", [""] * len(m)))],
        "inferred": m.inferred,
    })
    out["_order"] = out.role.map(ROLE_ORDER).fillna(9)
    out["_name"] = out.region.map(fold)
    return out.sort_values(["_order", "_name"], kind="stable").drop(columns=["_order", "_name"]).reset_index(drop=True)


def partnerships_table(atlas: Atlas, platform: str | None = None, country: str | None = None) -> pd.DataFrame:
    """One row per partnership (filtered by platform and/or member country): platform, member
    territories (supporting ones apart), inferred rows, leads/co-leads, countries, source URLs, and
    members in the chosen country."""
    ids = filter_partnerships(atlas, platform, country)
    m = _members_with_country(atlas)
    p = atlas.partnerships.set_index("partnership_id")
    rows = []
    for pid in ids:
        mm = m[m.partnership_id == pid]
        cc = _country_counts(mm.country)
        plat = p.at[pid, "platform_id"]
        rows.append({
            "partnership_id": pid, "name": p.at[pid, "name"],
            "platform_id": plat or NO_PLATFORM,
            "platform": platform_name(atlas, plat) if plat else NO_PLATFORM_LABEL,
            "platform_as_in_source": p.at[pid, "platform_as_in_source"] if "platform_as_in_source" in p else "",
            "members": int(mm.nuts_id.nunique()) - len(_supporting_only(mm)),
            "supporting": len(_supporting_only(mm)),
            "inferred": int((mm.inferred != "").sum()),
            "leads": int(mm.nuts_id[mm.role.isin(LEAD_ROLES)].nunique()),
            "countries": cc["countries"], "country_codes": cc["country_codes"],
            "members_in_country": int(mm.nuts_id[mm.country == country].nunique()) if country else None,
            "unmapped_names": len(unmapped_names(atlas, pid)),
            "source_urls": list(dict.fromkeys(mm.source_url)),
        })
    cols = ["partnership_id", "name", "platform_id", "platform", "platform_as_in_source", "members", "supporting",
            "inferred", "leads",
            "countries", "country_codes", "members_in_country", "unmapped_names", "source_urls"]
    return pd.DataFrame(rows, columns=cols)


def country_options(atlas: Atlas) -> list[tuple[str, str]]:
    """(code, name) of every country with a member territory, by name."""
    m = _members_with_country(atlas)
    codes = sorted(set(m.country.dropna()))
    return sorted(((c, atlas.region_name(c)) for c in codes), key=lambda t: fold(t[1]))


# --------------------------------------------------------------------------- theme matching

def member_strategy_links(atlas: Atlas, pid: str) -> pd.DataFrame:
    """Which strategies count for a partnership's members (the rule used by theme_priorities):

    - the member's own strategy (strategy territory == member);
    - strategies of territories inside the member (a country member takes in its regions'
      strategies; NUTS ids nest by prefix);
    - for a NUTS 3 member only: the NUTS 2 and NUTS 1 strategies of the regions containing it
      (NUTS 3 areas seldom have their own strategy; their region's strategy applies to them).

    Returns strategy_id, territory (strategy NUTS id), member (NUTS id) and relation
    ('own', 'inside', 'above').
    """
    members = list(dict.fromkeys(atlas.members.nuts_id[atlas.members.partnership_id == pid]))
    s = atlas.strategies
    rows = []
    for member in members:
        level = int(atlas.regions.at[member, "level"]) if member in atlas.regions.index else -1
        above = [a for a in atlas.ancestors(member)
                 if level == 3 and int(atlas.regions.at[a, "level"]) in (1, 2)]
        for sid, territory in zip(s.strategy_id, s.nuts_id):
            if territory == member:
                rel = "own"
            elif territory.startswith(member):
                rel = "inside"
            elif territory in above:
                rel = "above"
            else:
                continue
            rows.append({"strategy_id": sid, "territory": territory, "member": member, "relation": rel})
    return pd.DataFrame(rows, columns=["strategy_id", "territory", "member", "relation"])


@lru_cache(maxsize=64)
def _theme(key: AtlasKey, pid: str) -> pd.DataFrame:
    atlas = key.atlas
    m = theme_matches(atlas, partnership_queries(atlas, pid))
    p = atlas.priorities
    rows = m.row.to_numpy(dtype=np.int64)
    return m.assign(title=p.title.to_numpy()[rows], region_name=p.region_name.to_numpy()[rows],
                    strategy_title=p.strategy_title.to_numpy()[rows], source_url=p.source_url.to_numpy()[rows])


def theme_hits(atlas: Atlas, pid: str) -> pd.DataFrame:
    """Every priority of the atlas matching the partnership's theme (``themes.theme_matches`` of
    its ``themes.partnership_queries``), with its title, territory name, strategy title and source;
    computed once per partnership."""
    return _theme(AtlasKey(atlas), pid)


def takes_part(atlas: Atlas, pid: str, nuts_id: str) -> bool:
    """True when a territory is in the partnership: it is a member (any role), lies inside a member
    (a region of a member country) or contains one (the region of a NUTS 3 member)."""
    members = set(atlas.members.nuts_id[atlas.members.partnership_id == pid])
    return any(nuts_id.startswith(m) or m.startswith(nuts_id) for m in members)


def theme_priorities(atlas: Atlas, pid: str) -> pd.DataFrame:
    """Priorities of the members' strategies (see member_strategy_links) that the partnership's
    theme queries find (``themes``: the explorer's search), as a starting point for joint projects.

    One row per priority: priority_id, title, region (strategy territory) name and NUTS id,
    strategy title, source_url, match ("exact" or "related"), score, matched (the words of its
    text a query matched), queries (those that found it), members (the member NUTS ids it comes
    through) and relation. Exact matches first, then by region and title.
    """
    cols = ["priority_id", "title", "nuts_id", "region_name", "strategy_id", "strategy_title", "source_url",
            "match", "score", "matched", "queries", "members", "relation"]
    links = member_strategy_links(atlas, pid)
    hits = theme_hits(atlas, pid)
    if links.empty or hits.empty:
        return pd.DataFrame(columns=cols)
    by_strategy = links.groupby("strategy_id").agg(members=("member", lambda v: sorted(set(v))),
                                                   relation=("relation", lambda v: ", ".join(sorted(set(v)))))
    out = hits[hits.strategy_id.isin(set(by_strategy.index))].copy()
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["members"] = by_strategy.members.reindex(out.strategy_id).to_numpy()
    out["relation"] = by_strategy.relation.reindex(out.strategy_id).to_numpy()
    out["_t"] = (out.match != "exact").astype(int)
    out["_r"] = out.region_name.str.casefold()
    return out.sort_values(["_t", "_r", "title"], kind="stable")[cols].reset_index(drop=True)


def anchor_member(atlas: Atlas, pid: str) -> str | None:
    """The member a candidate is compared with: the first lead / co-lead (members table order),
    else the first member; None without members."""
    m = partnership_members(atlas, pid)
    return str(m.nuts_id.iloc[0]) if len(m) else None


def _by_territory(hits: pd.DataFrame) -> pd.DataFrame:
    """Per strategy territory: its tier (best over its priorities), numbers of exact and related
    priorities, best score in its tier and its best priority (the first in ``hits``' order)."""
    g = hits.groupby("nuts_id", sort=False)
    first = g.head(1).set_index("nuts_id")  # hits are ordered best first
    out = first.assign(n_exact=g.match.agg(lambda v: int((v == "exact").sum())),
                       n_related=g.match.agg(lambda v: int((v == "related").sum())))
    out["n_tier"] = np.where(out.match == "exact", out.n_exact, out.n_related)
    out["_t"] = (out.match != "exact").astype(int)
    out = out.reset_index().sort_values(["_t", "n_tier", "score", "nuts_id"], ascending=[True, False, False, True],
                                        kind="stable").drop(columns="_t").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def could_join(atlas: Atlas, pid: str) -> pd.DataFrame:
    """Regions not in the partnership (see takes_part) whose own strategy has priorities matching
    its theme, ranked: those whose priorities name the theme (exact) first, then those close in
    meaning (related); within a tier by the number of such priorities, then the best score.

    One row per strategy territory: rank, nuts_id, region_name, level, country, match (its tier),
    n_exact, n_related, and its best evidence: priority_id, title, matched, queries,
    strategy_title, source_url; compare_with (``anchor_member``)."""
    cols = ["rank", "nuts_id", "region_name", "level", "country", "match", "n_exact", "n_related", "score",
            "priority_id", "title", "matched", "queries", "strategy_id", "strategy_title", "source_url", "compare_with"]
    hits = theme_hits(atlas, pid)
    members = set(atlas.members.nuts_id[atlas.members.partnership_id == pid])
    if hits.empty:
        return pd.DataFrame(columns=cols)
    territories = pd.unique(hits.nuts_id)
    outside = {t for t in territories if not any(t.startswith(m) or m.startswith(t) for m in members)}
    hits = hits[hits.nuts_id.isin(outside)]
    if hits.empty:
        return pd.DataFrame(columns=cols)
    out = _by_territory(hits)
    out["region_name"] = [atlas.region_name(n) for n in out.nuts_id]
    out["level"] = [int(atlas.regions.at[n, "level"]) if n in atlas.regions.index else None for n in out.nuts_id]
    out["country"] = [atlas.regions.at[n, "country"] if n in atlas.regions.index else n[:2] for n in out.nuts_id]
    out["compare_with"] = anchor_member(atlas, pid)
    return out[cols]


def partnerships_to_join(atlas: Atlas, nuts_id: str) -> pd.DataFrame:
    """Partnerships the territory is not in (see takes_part) whose theme matches priorities of its
    own strategies (the mirror of could_join: a region is listed here exactly when the partnership
    lists it), ranked like could_join. One row per partnership: partnership_id, name, match,
    n_exact, n_related, score and the best evidence (priority_id, title, matched, queries,
    strategy_title, source_url)."""
    cols = ["partnership_id", "name", "match", "n_exact", "n_related", "score", "priority_id", "title", "matched",
            "queries", "strategy_id", "strategy_title", "source_url"]
    if not (atlas.priorities.nuts_id == nuts_id).any():
        return pd.DataFrame(columns=cols)
    rows = []
    for pid, name in zip(atlas.partnerships.partnership_id, atlas.partnerships.name):
        if takes_part(atlas, pid, nuts_id):
            continue
        hits = theme_hits(atlas, pid)
        own = hits[hits.nuts_id == nuts_id]
        if own.empty:
            continue
        best = _by_territory(own).iloc[0]
        rows.append({"partnership_id": pid, "name": name, **{c: best[c] for c in cols[2:]}})
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["_t"] = (out.match != "exact").astype(int)
    out["_n"] = np.where(out.match == "exact", out.n_exact, out.n_related)
    return out.sort_values(["_t", "_n", "score", "partnership_id"], ascending=[True, False, False, True],
                           kind="stable").drop(columns=["_t", "_n"]).reset_index(drop=True)


# --------------------------------------------------------------------------- map overlay

def great_circle_km(a: dict, b: dict) -> float:
    """Distance in km between two points ({lon, lat} in degrees) on a sphere of the Earth's mean radius."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a["lon"], a["lat"], b["lon"], b["lat"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def overlay(atlas: Atlas, partnership_ids: Iterable[str]) -> dict:
    """What the map overlay draws for some partnerships.

    members: one entry per member territory (unique NUTS id) with nuts_id, name, level, country,
    role (its strongest role over the partnerships: lead > co-lead > partner > member > supporting),
    roles ({partnership name: role}), roles_as_in_source ({partnership name: the source's words}),
    inferred ({partnership name: why the row is an inference, "" when stated}), partnerships (names),
    lon/lat (a point inside the region).
    segments: for each partnership, a line from each member that is not one of its leads / co-leads to
    the nearest of them (great-circle distance between the regions' points; ties to the first NUTS id),
    so a partnership with several leads draws one line per member, not every member to every lead;
    partnerships without a stated lead have no lines.
    """
    ids = resolve_ids(atlas, list(partnership_ids))
    names = dict(zip(atlas.partnerships.partnership_id, atlas.partnerships.name))
    m = _members_with_country(atlas, atlas.members[atlas.members.partnership_id.isin(ids)])
    m = m[m.nuts_id.isin(atlas.regions.index)]
    reg = atlas.regions
    members: dict[str, dict] = {}
    for r in m.itertuples(index=False):
        e = members.get(r.nuts_id)
        if e is None:
            e = members[r.nuts_id] = {
                "nuts_id": r.nuts_id, "name": reg.at[r.nuts_id, "name_latn"], "level": int(reg.at[r.nuts_id, "level"]),
                "country": reg.at[r.nuts_id, "country"], "lon": float(reg.at[r.nuts_id, "lon"]),
                "lat": float(reg.at[r.nuts_id, "lat"]), "role": r.role, "roles": {}, "roles_as_in_source": {},
                "inferred": {}, "partnerships": [], "partnership_ids": []}
        pname = names[r.partnership_id]
        prev = e["roles"].get(pname)
        if prev is None or ROLE_ORDER.get(r.role, 9) < ROLE_ORDER.get(prev, 9):
            e["roles"][pname] = r.role
            e["roles_as_in_source"][pname] = r.role_as_in_source
            e["inferred"][pname] = r.inferred
        if r.partnership_id not in e["partnership_ids"]:
            e["partnership_ids"].append(r.partnership_id)
            e["partnerships"].append(pname)
        if ROLE_ORDER.get(r.role, 9) < ROLE_ORDER.get(e["role"], 9):
            e["role"] = r.role
    segments = []
    for pid in ids:
        mm = m[m.partnership_id == pid]
        leads = list(dict.fromkeys(mm.nuts_id[mm.role.isin(LEAD_ROLES)]))
        if not leads:
            continue
        for b in dict.fromkeys(mm.nuts_id):
            if b in leads:
                continue
            a = min(leads, key=lambda x: (great_circle_km(members[x], members[b]), x))
            segments.append({"partnership_id": pid, "from": a, "to": b,
                             "lon": (members[a]["lon"], members[b]["lon"]),
                             "lat": (members[a]["lat"], members[b]["lat"])})
    return {"partnership_ids": ids, "members": list(members.values()), "segments": segments}
