"""Similar regions and side-by-side comparison. Pure; no Dash.

Which regions take part
    Every territory that has priorities in strategies of its own (strategy
    ``nuts_id`` equal to the territory). Priorities of larger territories that
    contain it are not counted, so each strategy is used for one region only.

Formula
    For regions A and B::

        score(A, B) = 0.6 * cos(A, B) + 0.4 * (J_nace + J_nabs + J_eco) / 3

    * ``cos`` — cosine of TF-IDF vectors. A region's document is the titles,
      descriptions and keywords of its priorities, folded (lower case, accents
      removed) and split into words of 3+ letters, minus English and other
      function words and generic S3 words (``textmatch.STOP_WORDS``). Term weight:
      ``tf = 1 + ln(count)``, ``idf = ln((1 + N) / (1 + df)) + 1`` over the N
      participating regions; vectors are L2-normalised.
    * ``J_x = |X_A ∩ X_B| / |X_A ∪ X_B|`` — Jaccard overlap of the sets of NACE
      divisions, NABS chapters and industrial ecosystems assigned to the
      region's priorities (from the source or automatically); 0 when both sets
      are empty.

    The score lies in [0, 1]. The ten highest-scoring other regions with a
    score above 0 are the "similar regions"; ties are broken by NUTS id, so the
    list is deterministic. Each result carries the terms that contribute most
    to the cosine (largest products of the two weights) and the shared codes.

Caching
    ``similarity_index(atlas)`` is computed once per loaded atlas
    (``functools.lru_cache`` keyed by the atlas' snapshot version and identity);
    the app calls it at start-up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .atlas import Atlas, fold
from .catalog import INDICATORS
from .profile import LEVEL_LABELS, resolve, sort_code, statistics
from .textmatch import STOP_WORDS

TEXT_WEIGHT = 0.6
CODE_WEIGHT = 0.4
TOP_N = 10
MAX_TERMS = 8
MIN_COMPARE, MAX_COMPARE = 2, 5
SCHEMES = (("nace", "NACE divisions"), ("nabs", "NABS chapters"), ("ecosystem", "Industrial ecosystems"))

TOKEN = re.compile(r"[a-z][a-z0-9]{2,}")


def tokens(text: str) -> list[str]:
    return [t for t in TOKEN.findall(fold(text)) if t not in STOP_WORDS]


@dataclass(frozen=True)
class SimilarityIndex:
    regions: tuple[str, ...]  # participating NUTS ids, sorted
    terms: tuple[str, ...]
    matrix: np.ndarray  # regions x terms, L2-normalised TF-IDF
    codes: dict  # nuts_id -> {scheme: frozenset(codes)}
    keywords: dict  # nuts_id -> frozenset(folded keywords)
    similar: dict  # nuts_id -> tuple of result dicts

    def row(self, nid: str) -> int | None:
        try:
            return self.regions.index(nid)
        except ValueError:
            return None


def _jaccard(a: frozenset, b: frozenset) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def region_codes(atlas: Atlas, nid: str) -> dict[str, frozenset]:
    """Codes of the priorities of the territory's own strategies, per scheme."""
    out: dict[str, set] = {scheme: set() for scheme, _ in SCHEMES}
    for pid in atlas.priorities.priority_id[atlas.priorities.nuts_id == nid]:
        for scheme, code, _origin, _rule in atlas.codes_by_priority.get(pid, ()):
            out[scheme].add(code)
    return {scheme: frozenset(codes) for scheme, codes in out.items()}


def region_keywords(atlas: Atlas, nid: str) -> frozenset:
    kw = atlas.priorities.keywords[atlas.priorities.nuts_id == nid]
    return frozenset(fold(k).strip() for ks in kw for k in ks.split(";") if k.strip())


def _build(atlas: Atlas) -> SimilarityIndex:
    p = atlas.priorities
    ids = tuple(sorted(p.nuts_id.unique()))
    docs = {nid: [] for nid in ids}
    for nid, title, desc, kw in zip(p.nuts_id, p.title, p.description, p.keywords):
        docs[nid] += tokens(f"{title} {desc} {kw.replace(';', ' ')}")
    counts = [pd.Series(docs[nid], dtype=object).value_counts() for nid in ids]
    terms = tuple(sorted(set().union(*(c.index for c in counts)))) if counts else ()
    col = {t: i for i, t in enumerate(terms)}
    tf = np.zeros((len(ids), len(terms)))
    for i, c in enumerate(counts):
        tf[i, [col[t] for t in c.index]] = 1.0 + np.log(c.to_numpy(dtype=float))
    df = (tf > 0).sum(axis=0)
    idf = np.log((1.0 + len(ids)) / (1.0 + df)) + 1.0
    m = tf * idf
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    m = np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
    m.setflags(write=False)
    codes = {nid: region_codes(atlas, nid) for nid in ids}
    keywords = {nid: region_keywords(atlas, nid) for nid in ids}
    index = SimilarityIndex(ids, terms, m, codes, keywords, {})
    cos = m @ m.T
    for i, a in enumerate(ids):
        results = []
        for j, b in enumerate(ids):
            if i == j:
                continue
            score = _score(float(cos[i, j]), codes[a], codes[b])
            if score > 0:
                results.append((round(score, 9), b, j))
        results.sort(key=lambda r: (-r[0], r[1]))
        index.similar[a] = tuple(_explain(atlas, index, i, j) for _, _, j in results[:TOP_N])
    return index


def _score(cos: float, ca: dict, cb: dict) -> float:
    j = [_jaccard(ca[s], cb[s]) for s, _ in SCHEMES]
    return TEXT_WEIGHT * cos + CODE_WEIGHT * sum(j) / len(j)


def _shared_terms(index: SimilarityIndex, i: int, j: int) -> list[str]:
    prod = index.matrix[i] * index.matrix[j]
    nz = np.flatnonzero(prod > 0)
    order = sorted(nz, key=lambda k: (-prod[k], index.terms[k]))
    return [index.terms[k] for k in order[:MAX_TERMS]]


def _pair(atlas: Atlas, index: SimilarityIndex, a: str, b: str) -> dict:
    """Score and explanation for any two territories (zero parts where one has no own priorities)."""
    i, j = index.row(a), index.row(b)
    empty = {s: frozenset() for s, _ in SCHEMES}
    ca, cb = index.codes.get(a, empty), index.codes.get(b, empty)
    cos = float(index.matrix[i] @ index.matrix[j]) if i is not None and j is not None else 0.0
    names = atlas.code_names
    jac = {s: _jaccard(ca[s], cb[s]) for s, _ in SCHEMES}
    shared = {s: [{"code": c, "name": names[s].get(c, "")} for c in sorted(ca[s] & cb[s], key=sort_code)]
              for s, _ in SCHEMES}
    return {
        "a": a, "b": b, "score": _score(cos, ca, cb), "text_cosine": cos, "jaccard": jac,
        "shared_terms": _shared_terms(index, i, j) if i is not None and j is not None else [],
        "shared_codes": shared,
        "comparable": i is not None and j is not None,
    }


def _explain(atlas: Atlas, index: SimilarityIndex, i: int, j: int) -> dict:
    b = index.regions[j]
    out = _pair(atlas, index, index.regions[i], b)
    out.update(nuts_id=b, name=atlas.region_name(b), level=int(atlas.regions.at[b, "level"]))
    return out


class _AtlasKey:
    """Hashable stand-in for an atlas (DataFrames are unhashable): its version and identity."""

    def __init__(self, atlas: Atlas):
        self.atlas = atlas

    def __hash__(self):
        return hash((self.atlas.version, id(self.atlas)))

    def __eq__(self, other):
        return isinstance(other, _AtlasKey) and other.atlas is self.atlas


@lru_cache(maxsize=4)
def _cached(key: _AtlasKey) -> SimilarityIndex:
    return _build(key.atlas)


def similarity_index(atlas: Atlas) -> SimilarityIndex:
    return _cached(_AtlasKey(atlas))


def similar_regions(atlas: Atlas, nuts_id: str) -> list[dict]:
    """The (up to) ten most similar regions; [] for regions without own priorities or unknown ids."""
    nid = resolve(atlas, nuts_id)
    if nid is None:
        return []
    return list(similarity_index(atlas).similar.get(nid, ()))


def parse_ids(atlas: Atlas, raw) -> tuple[list[str], list[str]]:
    """Valid, distinct, known NUTS ids (at most five) from a comma list or list; and notes on the rest."""
    if isinstance(raw, str):
        items = [x for x in raw.split(",")]
    else:
        items = list(raw or [])
    ids, notes = [], []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        nid = resolve(atlas, text)
        if nid is None:
            notes.append(f"Unknown region '{text[:40]}' ignored.")
        elif nid in ids:
            continue
        elif len(ids) >= MAX_COMPARE:
            notes.append(f"At most {MAX_COMPARE} regions can be compared: '{nid}' ignored.")
        else:
            ids.append(nid)
    return ids, notes


def _set_groups(sets: dict[str, frozenset]) -> dict:
    """Items in all, in some (2+ but not all) and in only one of the sets."""
    ids = list(sets)
    every = frozenset.intersection(*sets.values()) if sets else frozenset()
    union = frozenset().union(*sets.values()) if sets else frozenset()
    some = {x for x in union - every if sum(x in s for s in sets.values()) >= 2}
    distinct = {nid: sets[nid] - frozenset().union(*(sets[o] for o in ids if o != nid)) for nid in ids}
    return {"all": every, "some": some, "distinct": distinct, "union": union}


def compare(atlas: Atlas, ids) -> dict:
    """2–5 territories of any level side by side. ``ids`` is a list or a comma-separated string."""
    ids, notes = parse_ids(atlas, ids)
    out = {"ids": ids, "notes": notes, "regions": [], "statistics": [], "priorities": {}, "codes": [],
           "keywords": None, "pairs": []}
    if len(ids) < MIN_COMPARE:
        out["notes"].append(f"Choose at least {MIN_COMPARE} regions to compare.")
    index = similarity_index(atlas)
    names = atlas.code_names
    p = atlas.priorities
    for nid in ids:
        own = p[p.nuts_id == nid]
        r = atlas.regions.loc[nid]
        out["regions"].append({"nuts_id": nid, "name": r.name_latn, "name_national": r.name_national,
                               "level": int(r.level), "level_label": LEVEL_LABELS[int(r.level)],
                               "country": r.country, "n_priorities": int(len(own)),
                               "n_strategies": int(own.strategy_id.nunique())})
        out["priorities"][nid] = [{"priority_id": x.priority_id, "title": x.title, "kind": x.kind,
                                   "strategy_id": x.strategy_id, "strategy_title": x.strategy_title,
                                   "source_url": x.source_url} for x in own.itertuples()]
    stats = {nid: {s["indicator"]: s for s in statistics(atlas, nid)} for nid in ids}
    for ind in INDICATORS:
        out["statistics"].append({"indicator": ind.id, "label": ind.label, "short": ind.short, "unit": ind.unit,
                                  "fmt": ind.fmt, "values": [stats[nid][ind.id] for nid in ids]})
    empty = {s: frozenset() for s, _ in SCHEMES}
    for scheme, label in SCHEMES:
        sets = {nid: (index.codes.get(nid) or empty)[scheme] for nid in ids}
        g = _set_groups(sets) if ids else {"all": set(), "some": set(), "distinct": {}, "union": set()}

        def items(codes, scheme=scheme):
            return [{"code": c, "name": names[scheme].get(c, "")} for c in sorted(codes, key=sort_code)]
        out["codes"].append({
            "scheme": scheme, "label": label,
            "shared_all": items(g["all"]), "shared_some": items(g["some"]),
            "distinct": {nid: items(g["distinct"][nid]) for nid in ids},
            "matrix": [{"code": c, "name": names[scheme].get(c, ""), "present": {nid: c in sets[nid] for nid in ids}}
                       for c in sorted(g["union"], key=sort_code)],
        })
    kw = {nid: index.keywords.get(nid, frozenset()) for nid in ids}
    if ids:
        g = _set_groups(kw)
        out["keywords"] = {"shared_all": sorted(g["all"]), "shared_some": sorted(g["some"]),
                           "distinct": {nid: sorted(g["distinct"][nid]) for nid in ids}}
    for x in range(len(ids)):
        for y in range(x + 1, len(ids)):
            out["pairs"].append(_pair(atlas, index, ids[x], ids[y]))
    without = [nid for nid in ids if nid not in index.codes]
    if without:
        out["notes"].append("No strategy of its own in the data for " + ", ".join(without)
                            + ": its codes and keywords are empty and its similarity is 0.")
    return out
