"""Before/after evaluation of the priority search (old substring filter vs dashboard.data.search).

    .venv/bin/python tools/evaluate_search.py [--data geodata/snapshot] [--floor 0.86] [--band 0.06]

Labelled sets are built from the snapshot, not typed in from memory, except the query words:

(a) themes -> regions. Each thematic partnership (partnerships.csv) gets a query made of the theme
    word(s) of its name (THEME_QUERIES); the relevant regions are the strategy territories that
    count for its members (partnerships.member_strategy_links: own strategy, strategies inside a
    member, NUTS 1/2 strategies above a NUTS 3 member). A method's region ranking is the order in
    which regions first appear in its ranked priorities (the old filter is unranked: snapshot
    order). Recall@k = share of the relevant regions among the first k regions; averaged over
    partnerships with at least one relevant region.
(b) cross-lingual: the same concept typed in several languages. For each non-English form: Jaccard
    of its top-20 priorities with the English query's top-20, and the share of the English top-20
    it finds (in its top 20; and anywhere in its results). The old filter has no ranking: its
    whole result sets are compared.
(c) short words that must not match inside other words: precision of the exact group = share of
    returned rows whose text has the word as a whole word or as a word with the same English
    Snowball stem ("sports" for "sport").
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.data import search as S  # noqa: E402
from dashboard.data.atlas import fold, load_atlas  # noqa: E402
from dashboard.data.partnerships import member_strategy_links  # noqa: E402
from dashboard.data.vectors import load_vectors  # noqa: E402

# The theme of each partnership name, as a user would type it (from the names in partnerships.csv).
THEME_QUERIES = {
    "cybersecurity-smart-regions": "cybersecurity",
    "social-economy": "social economy",
    "sport-vitality-clussport": "sport",
    "water-smart-territories": "water",
    "european-hydrogen-valleys-s3-partnership": "hydrogen",
    "smart-regional-investments-in-textile-innovation": "textile",
    "high-tech-farming": "farming",
    "traceability-and-big-data": "big data",
    "consumer-involvement-in-agri-food-innovation": "agri-food",
    "smart-sensors-4-agri-food": "sensors",
    "sustainable-buildings": "buildings",
    "bioenergy": "bioenergy",
    "solar-energy": "solar energy",
    "marine-renewable-energy": "marine energy",
    "3d-printing": "3d printing",
    "bioeconomy": "bioeconomy",
    "efficient-and-sustainable-manufacturing-de-re-manufacturing-circular-economy": "circular economy",
    "new-nano-enabled-products": "nanotechnology",
    "chemicals": "chemicals",
    "mining-industry-related-industries-and-services": "mining",
    "medical-technologies": "medical technologies",
    "personalised-medicine": "personalised medicine",
    "digitalisation-and-safety-for-tourism": "tourism",
    "safe-and-sustainable-mobility": "mobility",
    "advanced-materials-for-batteries-interregional-partnership-on-batteries-for-electromobility-and-"
    "stationary-storage": "batteries",
    "geothermal-energy-2-0-eugeoreg": "geothermal",
    "cultural-and-creative-regional-ecosystems-ccre-s3": "cultural creative",
    "smes-integration-to-industry-4-0": "industry 4.0",
    "space": "space",
    "nutritional-ingredients": "nutrition",
    "smart-circular-aquaculture": "aquaculture",
}

CROSS_LINGUAL = [
    ["hydrogen", "Wasserstoff", "wodór", "vodík", "hidrógeno", "idrogeno"],
    ["health", "Gesundheit", "zdrowie", "santé", "salute"],
    ["artificial intelligence", "künstliche Intelligenz", "tekoäly", "sztuczna inteligencja",
     "inteligencia artificial"],
    ["tourism", "Tourismus", "turystyka", "turismo"],
    ["textile", "Textil", "tekstylia"],
    ["energy", "Energie", "energia", "energie"],
    ["agriculture", "Landwirtschaft", "rolnictwo", "agricultura", "zemědělství"],
]

SHORT_WORDS = ["sport", "ai", "art", "car", "sea", "bio", "ict", "eco", "air", "food"]


# ------------------------------------------------------------------------------ the old method
def old_search(search_text: np.ndarray, query: str) -> list[int]:
    """dashboard.data.query.keyword_mask before this change: every folded word is a substring."""
    terms = fold(query).split()
    if not terms:
        return []
    return [i for i, t in enumerate(search_text) if all(term in t for term in terms)]


def new_rows(index, pos: dict, query: str, exact_only: bool) -> list[int]:
    res = S.search(index, query)
    if exact_only:
        res = res[res.match == "exact"]
    return [pos[p] for p in res.priority_id]


def region_ranking(rows: list[int], territory: np.ndarray) -> list[str]:
    return list(dict.fromkeys(territory[r] for r in rows))


def recall_at(ranking: list[str], gold: set[str], k: int | None) -> float:
    top = ranking if k is None else ranking[:k]
    return len(gold & set(top)) / len(gold)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT / "geodata" / "snapshot"))
    ap.add_argument("--floor", type=float, default=S.RELATED_FLOOR)
    ap.add_argument("--top", type=int, default=S.RELATED_TOP)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    S.RELATED_FLOOR, S.RELATED_TOP = args.floor, args.top

    atlas = load_atlas(Path(args.data))
    p = atlas.priorities
    vectors, note = load_vectors(Path(args.data), p.priority_id)
    t0 = time.perf_counter()
    index = S.build_index(p, vectors)
    build_s = time.perf_counter() - t0
    pos = {pid: i for i, pid in enumerate(p.priority_id)}
    territory = p.nuts_id.to_numpy()
    text = atlas.search_text
    print(f"{len(p)} priorities; index built in {build_s * 1000:.0f} ms; semantic: "
          f"{'yes' if index.semantic else 'no'} ({S.semantic_reason()}{'; ' + note if note else ''})")
    print(f"related rule: cosine >= {S.RELATED_FLOOR}, the {S.RELATED_TOP} closest\n")

    methods = {
        "old substring": lambda q: old_search(text, q),
        "new exact": lambda q: new_rows(index, pos, q, True),
        "new exact+related": lambda q: new_rows(index, pos, q, False),
    }

    # (a) themes -> regions
    ks = (10, 20, None)
    table = {m: {k: [] for k in ks} for m in methods}
    returned = {m: [] for m in methods}
    n_used = 0
    for pid, query in THEME_QUERIES.items():
        if pid not in set(atlas.partnerships.partnership_id):
            continue
        gold = set(member_strategy_links(atlas, pid).territory)
        if not gold:
            continue
        n_used += 1
        line = []
        for m, fn in methods.items():
            ranking = region_ranking(fn(query), territory)
            returned[m].append(len(ranking))
            for k in ks:
                table[m][k].append(recall_at(ranking, gold, k))
            line.append(f"{m}: {recall_at(ranking, gold, None):.2f}/{len(ranking)}")
        if args.verbose:
            print(f"  {query:24} gold {len(gold):3}  " + "  ".join(line))
    print(f"(a) themes -> member regions: {n_used} partnerships; mean recall of member regions")
    print(f"    {'method':20} {'R@10':>6} {'R@20':>6} {'R@all':>6} {'regions returned':>17}")
    for m in methods:
        r = table[m]
        print(f"    {m:20} {statistics.mean(r[10]):6.3f} {statistics.mean(r[20]):6.3f} "
              f"{statistics.mean(r[None]):6.3f} {statistics.median(returned[m]):17.0f} (median)")

    # (b) cross-lingual
    print("\n(b) cross-lingual: other-language query vs the English one")
    print(f"    {'method':20} {'Jaccard@20':>10} {'found@20':>9} {'found@all':>9}   (mean over "
          f"{sum(len(g) - 1 for g in CROSS_LINGUAL)} queries)")
    for m, fn in methods.items():
        jac, f20, fall = [], [], []
        for group in CROSS_LINGUAL:
            base_all = fn(group[0])
            base = set(base_all if m == "old substring" else base_all[:20])
            for other in group[1:]:
                got_all = fn(other)
                got = set(got_all if m == "old substring" else got_all[:20])
                union = base | got
                jac.append(len(base & got) / len(union) if union else 0.0)
                f20.append(len(base & got) / len(base) if base else 0.0)
                fall.append(len(base & set(got_all)) / len(base) if base else 0.0)
                if args.verbose:
                    print(f"      {m:18} {other:26} J {jac[-1]:.2f} found {f20[-1]:.2f} / {fall[-1]:.2f}")
        print(f"    {m:20} {statistics.mean(jac):10.3f} {statistics.mean(f20):9.3f} {statistics.mean(fall):9.3f}")

    # (c) short words
    print("\n(c) short words: precision of the exact group (rows with the word or its English stem as a word)")
    en = S._stemmer("english")
    toks = [set(S.fold(w) for w in S.words(" ".join(S.row_text(r)))) for r in p.to_dict("records")]
    stems = [{en.stemWord(w) for w in t} for t in toks]
    header = "    " + f"{'method':20}" + "".join(f"{w:>11}" for w in SHORT_WORDS) + f"{'mean':>8}"
    print(header)
    for m in ("old substring", "new exact"):
        cells, precs = [], []
        for w in SHORT_WORDS:
            rows = methods[m](w)
            ok = sum(1 for r in rows if w in toks[r] or en.stemWord(w) in stems[r])
            prec = ok / len(rows) if rows else 1.0
            precs.append(prec)
            cells.append(f"{prec:.2f}/{len(rows):<4}")
        print("    " + f"{m:20}" + "".join(f"{c:>11}" for c in cells) + f"{statistics.mean(precs):8.3f}")
    print("    (cell: precision/rows returned)")

    # timings
    print("\ntimings (ms, median of 20):")
    for q in ("hydrogen", "health", "research and innovation", '"smart grids"'):
        ts = []
        for _ in range(20):
            t = time.perf_counter()
            S._lexical(index, *S.parse_query(q))
            ts.append((time.perf_counter() - t) * 1000)
        tf = []
        for _ in range(20):
            t = time.perf_counter()
            S.search(index, q)
            tf.append((time.perf_counter() - t) * 1000)
        to = []
        for _ in range(5):
            t = time.perf_counter()
            old_search(text, q)
            to.append((time.perf_counter() - t) * 1000)
        print(f"    {q:26} old {statistics.median(to):6.2f}   new lexical {statistics.median(ts):6.2f}   "
              f"new full (cached query vector) {statistics.median(tf):6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
