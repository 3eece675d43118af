"""Which priorities match a theme: the explorer's search, one query or several. Pure; no Dash.

One matcher
    A theme is a short list of search queries, each one a keyword a person could type in the
    explorer (words, or phrases in double quotes). A priority matches the theme when one of the
    queries finds it with the explorer's search (``query.keyword_hits``, i.e. ``search.search``:
    the same index, stems and sentence vectors). Its tier is the best over the queries:
    ``exact`` (a query's words or their forms occur in its text) before ``related`` (close in
    meaning, the search's related group). Nothing else decides a match: no patterns or stems of
    its own here. Partnership pages (priorities of members on the theme, regions that could join)
    and region profiles (partnerships a region could join) all ask ``theme_matches``.

Theme queries of the partnerships
    ``THEME_QUERIES`` holds the queries of each thematic partnership of the snapshot, written from
    the partnership's name and the scope its name states (e.g. "Advanced Materials for Batteries
    (... for electromobility and stationary storage)": batteries, energy storage, electromobility),
    and checked against the search's results on the snapshot. A partnership without an entry gets
    one query per significant word of its name (``name_queries``). The partnership page shows the
    queries, each a link to the explorer with that keyword, so every match can be reproduced.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .atlas import Atlas, fold
from .query import keyword_hits

THEME_QUERIES: dict[str, tuple[str, ...]] = {
    "cybersecurity-smart-regions": ("cybersecurity", '"cyber security"'),
    "social-economy": ('"social economy"', '"social enterprises"', '"social innovation"'),
    "sport-vitality-clussport": ("sport", "vitality"),
    "water-smart-territories": ("water",),
    "european-hydrogen-valleys-s3-partnership": ("hydrogen",),
    "smart-regional-investments-in-textile-innovation": ("textile",),
    "high-tech-farming": ("farming", '"precision agriculture"'),
    "traceability-and-big-data": ("traceability", '"big data"'),
    "consumer-involvement-in-agri-food-innovation": ("food consumer",),
    "smart-sensors-4-agri-food": ("sensors food", "sensors agriculture"),
    "sustainable-buildings": ("buildings",),
    "bioenergy": ("bioenergy", "biomass", "biofuels"),
    "solar-energy": ("solar",),
    "marine-renewable-energy": ('"marine energy"', '"blue energy"', '"offshore wind"', '"ocean energy"'),
    "3d-printing": ('"3d printing"', '"additive manufacturing"'),
    "bioeconomy": ("bioeconomy",),
    "efficient-and-sustainable-manufacturing-de-re-manufacturing-circular-economy": (
        '"sustainable manufacturing"', "remanufacturing", "manufacturing circular"),
    "new-nano-enabled-products": ("nanotechnology", "nano", "nanomaterials"),
    "chemicals": ("chemicals", "chemistry"),
    "mining-industry-related-industries-and-services": ("mining", '"raw materials"'),
    "medical-technologies": ('"medical technologies"', '"medical devices"', "medtech"),
    "personalised-medicine": ('"personalised medicine"', '"personalized medicine"', '"precision medicine"'),
    "digitalisation-and-safety-for-tourism": ("tourism",),
    "safe-and-sustainable-mobility": ("mobility",),
    "advanced-materials-for-batteries-interregional-partnership-on-batteries-for-electromobility-and-stationary-storage":
        ("batteries", '"energy storage"', "electromobility"),
    "geothermal-energy-2-0-eugeoreg": ("geothermal",),
    "cultural-and-creative-regional-ecosystems-ccre-s3": ('"cultural and creative"', '"creative industries"'),
    "smes-integration-to-industry-4-0": ('"industry 4.0"',),
    "space": ("space",),
    "nutritional-ingredients": ("nutrition", "ingredients", "nutraceuticals"),
    "smart-circular-aquaculture": ("aquaculture",),
    "ingredients-for-a-circular-economy": ("ingredients", '"bio-based"'),
    "rural-diversification-and-smart-agri-food-destinations": ("rural", "agritourism", "gastronomy"),
}

# Words of partnership names that say nothing about a theme (for names without an entry above).
NAME_STOP_WORDS = frozenset({
    "a", "an", "and", "de", "for", "in", "of", "on", "or", "re", "the", "to", "with",
    "partnership", "partnerships", "s3", "european", "europe", "smart", "region", "regions", "regional",
    "territories", "valleys", "investments", "involvement", "initiative", "cluster", "clusters", "interregional",
    "innovation", "innovations", "new", "high", "tech", "big", "sustainable", "efficient", "economy",
    "industry", "industries", "related", "services", "products", "enabled",
})
_NAME_WORD = re.compile(r"[^\W_]+")

COLUMNS = ["priority_id", "row", "match", "score", "matched", "queries", "nuts_id", "strategy_id"]


def name_queries(name: str) -> tuple[str, ...]:
    """One query per significant word of a name (folded; generic words, words under three letters
    and bare numbers left out), in name order."""
    def significant(w: str) -> bool:
        if w in NAME_STOP_WORDS or w.isdigit():
            return False
        return len(w) >= 3 or (any(c.isdigit() for c in w) and any(c.isalpha() for c in w))  # "3d"
    out = [w for w in _NAME_WORD.findall(fold(name)) if significant(w)]
    return tuple(dict.fromkeys(out))


def partnership_queries(atlas: Atlas, pid: str) -> tuple[str, ...]:
    """The theme queries of a partnership: its entry in ``THEME_QUERIES``, else its name's words."""
    if pid in THEME_QUERIES:
        return THEME_QUERIES[pid]
    hit = atlas.partnerships.name[atlas.partnerships.partnership_id == pid]
    return name_queries(hit.iloc[0]) if len(hit) else ()


def theme_matches(atlas: Atlas, queries) -> pd.DataFrame:
    """Every priority of the atlas one of the queries finds with the explorer's search.

    One row per priority: priority_id, row (position in ``atlas.priorities``), match ("exact" when
    a query finds it exactly, else "related"), score (its best score in that tier: the search's
    fused rank score for exact rows, the cosine for related ones), matched (the words of its text a
    query matched, sorted, without repeats), queries (the queries that found it, in theme order),
    nuts_id and strategy_id (of its strategy). Exact rows first, then by score, then by row.
    """
    queries = tuple(q for q in dict.fromkeys(queries or ()) if isinstance(q, str) and q.strip())
    frames = []
    for q in queries:
        h = keyword_hits(atlas, q)
        if len(h):
            frames.append(h.assign(query=q))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    hits = pd.concat(frames, ignore_index=True)
    hits["tier"] = (hits.match != "exact").astype(int)  # 0 exact, 1 related
    best = hits.sort_values(["tier", "score"], ascending=[True, False], kind="stable")
    out = best.drop_duplicates("priority_id").set_index("priority_id")
    tier_of = out.tier
    same_tier = hits[hits.tier.to_numpy() == tier_of.reindex(hits.priority_id).to_numpy()]
    matched = same_tier.groupby("priority_id").matched.agg(
        lambda v: " ".join(sorted({w for s in v for w in str(s).split()})))
    found_by = same_tier.groupby("priority_id")["query"].agg(lambda v: tuple(q for q in queries if q in set(v)))
    p = atlas.priorities
    rows = out.row.to_numpy(dtype=np.int64)
    res = pd.DataFrame({
        "priority_id": out.index.to_numpy(), "row": rows,
        "match": np.where(out.tier.to_numpy() == 0, "exact", "related"),
        "score": out.score.to_numpy(dtype=float),
        "matched": matched.reindex(out.index).fillna("").to_numpy(),
        "queries": found_by.reindex(out.index).to_numpy(),
        "nuts_id": p.nuts_id.to_numpy()[rows], "strategy_id": p.strategy_id.to_numpy()[rows],
    })
    res["_t"] = (res.match != "exact").astype(int)
    return res.sort_values(["_t", "score", "row"], ascending=[True, False, True], kind="stable") \
        .drop(columns="_t").reset_index(drop=True)
