"""Coverage of the S3 data per country: a pure function of the atlas (no Dash).

A NUTS 1 or NUTS 2 region counts as covered when a strategy in the data covers
its territory at sub-national level, that is when a strategy is attached to

- the region itself,
- one of its NUTS 1/2/3 descendants (a strategy for part of the region),
- one of its sub-national ancestors (a strategy for a larger region containing it), or
- an ancestor with the very same territory (every step up is a parent with a
  single child, e.g. LV -> LV0 -> LV00), which may be the country itself.

A national strategy therefore does not make the regions of a multi-region
country "covered": it is counted separately as a national strategy. Regions not
covered are listed as missing.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd

from .periods import PERIODS

EU27 = frozenset({"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
                  "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"})

COLUMNS = ["country", "country_name", "eu_member", "national_strategies", "regional_strategies", "strategies",
           "periods", "period_groups", "priorities", "regions_nuts12", "missing_nuts12", "missing_count", "source_domains",
           "gathered_on"]


def source_domain(url: str) -> str:
    """The host of a URL without a leading 'www.' ('' when there is none)."""
    host = urlsplit(str(url or "")).hostname or ""
    return host[4:] if host.startswith("www.") else host


def covering_ids(atlas, nuts_id: str) -> set[str]:
    """Territories whose strategy would cover ``nuts_id`` (see the module docstring)."""
    ids = {nuts_id}
    # descendants
    stack = [nuts_id]
    while stack:
        for child in atlas.children.get(stack.pop(), ()):
            ids.add(child)
            stack.append(child)
    # ancestors: every sub-national one, plus national ones reached through single-child steps
    same_territory = True
    for anc in atlas.ancestors(nuts_id):
        same_territory = same_territory and len(atlas.children.get(anc, ())) == 1
        if atlas.regions.at[anc, "level"] > 0 or same_territory:
            ids.add(anc)
    return ids


def coverage_table(atlas) -> pd.DataFrame:
    """One row per country of the NUTS 2021 regions (see COLUMNS), sorted by country code."""
    regions = atlas.regions
    strategies = atlas.strategies
    priorities = atlas.priorities
    with_strategy = set(strategies.nuts_id)
    gathered = strategies["gathered_on"] if "gathered_on" in strategies else pd.Series("", index=strategies.index)

    rows = []
    for country, name in zip(regions.nuts_id[regions.level == 0], regions.name_latn[regions.level == 0]):
        s = strategies[strategies.country == country]
        p = priorities[priorities.country == country]
        nuts12 = regions[(regions.country == country) & regions.level.isin([1, 2])].nuts_id.tolist()
        missing = tuple(sorted(r for r in nuts12 if not (covering_ids(atlas, r) & with_strategy)))
        domains = {source_domain(u) for u in pd.concat([s.source_url, p.source_url])} - {""}
        dates = {d for d in gathered[s.index] if d}
        rows.append({
            "country": country,
            "country_name": name,
            "eu_member": country in EU27,
            "national_strategies": int((s.level == 0).sum()),
            "regional_strategies": int((s.level > 0).sum()),
            "strategies": int(len(s)),
            "periods": tuple(sorted(set(s.period) - {""})),
            "period_groups": {label: n for key, label in PERIODS.items() if (n := int((s.period_group == key).sum()))},
            "priorities": int(len(p)),
            "regions_nuts12": len(nuts12),
            "missing_nuts12": missing,
            "missing_count": len(missing),
            "source_domains": tuple(sorted(domains)),
            "gathered_on": tuple(sorted(dates)),
        })
    return pd.DataFrame(rows, columns=COLUMNS).sort_values("country").reset_index(drop=True)


SUPERSEDED_COLUMNS = ["strategy_id", "nuts_id", "title", "period", "superseded_by", "new_title", "new_period",
                      "source_url"]


def superseded_strategies(atlas) -> pd.DataFrame:
    """Strategies kept in the data but replaced by a later one (see SUPERSEDED_COLUMNS), by territory."""
    s = atlas.strategies
    if "superseded_by" not in s:
        return pd.DataFrame(columns=SUPERSEDED_COLUMNS)
    old = s[s.superseded_by != ""].reset_index(drop=True)
    out = pd.DataFrame({
        "strategy_id": old.strategy_id, "nuts_id": old.nuts_id, "title": old.title, "period": old.period,
        "superseded_by": old.superseded_by,
        "new_title": old.superseded_by.map(dict(zip(s.strategy_id, s.title))).fillna(""),
        "new_period": old.superseded_by.map(dict(zip(s.strategy_id, s.period))).fillna(""),
        "source_url": old.superseded_source_url,
    }, columns=SUPERSEDED_COLUMNS)
    return out.sort_values(["nuts_id", "strategy_id"]).reset_index(drop=True)


COMPLETENESS_COLUMNS = ["partnership_id", "partnership", "territories", "names_without_code", "held", "stated",
                        "largest_stated", "share_of_largest"]


def member_list_completeness(atlas) -> pd.DataFrame:
    """How complete each partnership's member list is against the count(s) its own sources give.

    ``held`` = member territories in the data + member names the build could not give a NUTS code
    (listed in the build report); ``stated`` = ((count, what the source says, URL), ...) in file order;
    ``share_of_largest`` = held / the largest stated count (None when that is 0). One row per
    partnership with a stated count, sorted by partnership name."""
    counts = getattr(atlas, "stated_counts", None)
    if counts is None or counts.empty:
        return pd.DataFrame(columns=COMPLETENESS_COLUMNS)
    ids = dict(zip(atlas.partnerships.name, atlas.partnerships.partnership_id))
    territories = atlas.members.groupby("partnership_id").nuts_id.nunique().to_dict()
    unmapped: dict[str, set] = {}
    for u in atlas.manifest.get("report", {}).get("partnership_names_not_mapped", []):
        unmapped.setdefault(u["partnership"], set()).add((u["name"], u["country"]))
    rows = []
    for name, grp in counts.groupby("partnership", sort=True):
        pid = ids.get(name, "")
        n_terr = int(territories.get(pid, 0))
        n_names = len(unmapped.get(name, ()))
        stated = tuple((int(n), what, url) for n, what, url in zip(grp.stated_members, grp.stated_what, grp.source_url))
        largest = max(n for n, _, _ in stated)
        held = n_terr + n_names
        rows.append({"partnership_id": pid, "partnership": name, "territories": n_terr, "names_without_code": n_names,
                     "held": held, "stated": stated, "largest_stated": largest,
                     "share_of_largest": held / largest if largest else None})
    return pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS)
