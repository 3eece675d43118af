"""Cross-language evaluation: does a query in another EU language find the regions its English
equivalent finds?

    .venv/bin/python tools/evaluate_crosslang.py [--data geodata/snapshot] [--pairs tests/eval/crosslang_pairs.csv]
                                                 [--heldout tests/eval/crosslang_pairs_heldout.csv]
                                                 [--per-pair] [--latency]

Pairs: tests/eval/crosslang_pairs.csv (english, language, query), translations written by hand as
a translator would. A held-out set (tests/eval/crosslang_pairs_heldout.csv, same columns, written
before any change was tuned on the first set) is reported separately in the same run; ``--heldout
""`` leaves it out. Regions of a query = the NUTS territories of the strategies whose priorities
the search returns (exact + related). Coverage of a pair = |regions(other) & regions(English)| /
|regions(English)| (pairs whose English query finds no region are left out and counted).

Methods, each on the same pairs:
  none         the search alone (before query translation)
  strategies   + translation through the strategies' own bilingual titles (snapshot query_terms.csv)
  dictionary   + translation through the FreeDict table (geodata/sources/query_terms.csv)
  both         + both tables (what the app ships)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.data import crosslang as X  # noqa: E402
from dashboard.data import search as S  # noqa: E402
from dashboard.data.atlas import load_atlas  # noqa: E402

TARGET = 0.70


def tables(atlas, data_dir: Path, sources_dir: Path) -> dict:
    english = X.english_vocabulary(atlas.priorities)
    own = data_dir / X.SNAPSHOT_FILE
    own_frame = (pd.read_csv(own, dtype=str, keep_default_na=False) if own.is_file()
                 else X.bilingual_terms(atlas.priorities))
    dic = sources_dir / X.SOURCES_FILE
    dic_frame = (pd.read_csv(dic, dtype=str, keep_default_na=False) if dic.is_file()
                 else pd.DataFrame(columns=X.COLUMNS))
    return {
        "none": None,
        "strategies": X.make_table(own_frame, *english),
        "dictionary": X.make_table(dic_frame, *english),
        "both": X.make_table(pd.concat([own_frame, dic_frame], ignore_index=True), *english),
    }


def regions(index, table, territory: dict, query: str) -> tuple[set, X.Translation]:
    hits, tr = X.expanded_search(index, table, query)
    return {territory[p] for p in hits.priority_id}, tr


def summary(cov: list[float]) -> str:
    if not cov:
        return "n/a"
    share = sum(c >= TARGET for c in cov) / len(cov)
    return f"mean {statistics.mean(cov):.2f}  median {statistics.median(cov):.2f}  >= 70 %: {share:.0%}"


def report(label: str, pairs: pd.DataFrame, index, methods: dict, territory: dict, per_pair: bool) -> dict:
    """Coverage of each method on one set of pairs, printed per language (and per pair)."""
    print(f"\n== {label}: {len(pairs)} pairs, {pairs.language.nunique()} languages")
    en_regions = {q: regions(index, None, territory, q)[0] for q in pairs.english.unique()}
    skipped = sorted(q for q, r in en_regions.items() if not r)
    results = {}
    for name, table in methods.items():
        rows = []
        for p in pairs.itertuples(index=False):
            gold = en_regions[p.english]
            if not gold:
                continue
            got, tr = regions(index, table, territory, p.query)
            rows.append({"language": p.language, "query": p.query, "english": p.english, "en_regions": len(gold),
                         "regions": len(got), "coverage": len(got & gold) / len(gold),
                         "also": "; ".join(tr.queries)})
        results[name] = pd.DataFrame(rows)
    if skipped:
        print(f"left out (the English query finds no region): {', '.join(skipped)}")

    langs = sorted(pairs.language.unique())
    print("\nmean coverage of the English query's regions, per language")
    print(f"    {'method':<11}" + "".join(f"{lang:>6}" for lang in langs) + "   overall")
    for name, df in results.items():
        by = df.groupby("language").coverage.mean()
        print(f"    {name:<11}" + "".join(f"{by.get(lang, np.nan):6.2f}" for lang in langs)
              + f"   {summary(list(df.coverage))}")

    if per_pair:
        base, ship = results["none"], results["both"]
        print("\nper pair (before -> with both tables)")
        for b, s in zip(base.itertuples(), ship.itertuples()):
            print(f"    {s.language}  {s.query:<32} {s.english:<24} EN {s.en_regions:>3}  "
                  f"{b.coverage:4.2f} -> {s.coverage:4.2f} ({s.regions:>3} regions)"
                  + (f"  also searched: {s.also}" if s.also else ""))

    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT / "geodata" / "snapshot"))
    ap.add_argument("--sources", default=str(ROOT / "geodata" / "sources"))
    ap.add_argument("--pairs", default=str(ROOT / "tests" / "eval" / "crosslang_pairs.csv"))
    ap.add_argument("--heldout", default=str(ROOT / "tests" / "eval" / "crosslang_pairs_heldout.csv"),
                    help="held-out pairs, reported separately (\"\" to leave out)")
    ap.add_argument("--languages", default=str(ROOT / "tests" / "eval" / "crosslang_pairs_languages.csv"),
                    help="pairs in the EU languages the other sets lack, reported separately (\"\" to leave out)")
    ap.add_argument("--per-pair", action="store_true", help="print every pair (shipped method)")
    ap.add_argument("--latency", action="store_true", help="time the shipped search over the pair queries")
    args = ap.parse_args(argv)
    atlas = load_atlas(Path(args.data))
    index = S.load_index(Path(args.data), atlas.priorities)
    territory = dict(zip(atlas.priorities.priority_id, atlas.priorities.nuts_id))
    pairs = pd.read_csv(args.pairs, dtype=str)
    heldout = (pd.read_csv(args.heldout, dtype=str) if args.heldout and Path(args.heldout).is_file()
               else None)
    languages = (pd.read_csv(args.languages, dtype=str) if args.languages and Path(args.languages).is_file()
                 else None)
    methods = tables(atlas, Path(args.data), Path(args.sources))
    print(f"cross-language: {len(pairs)} pairs, {pairs.language.nunique()} languages"
          + (f" (held out: {len(heldout)} pairs, {heldout.language.nunique()} languages)"
             if heldout is not None else "") + "; semantic: "
          f"{'yes' if index.semantic else 'no'}; term tables: "
          + ", ".join(f"{k} {len(v)} rows" for k, v in methods.items() if v is not None))

    for label, frame in (("development pairs", pairs), ("held-out pairs", heldout),
                         ("pairs in more languages", languages)):
        if frame is not None and len(frame):
            report(label, frame, index, methods, territory, args.per_pair)

    if args.latency:
        english = X.english_vocabulary(atlas.priorities)
        frame = pd.concat([pd.read_csv(Path(args.data) / X.SNAPSHOT_FILE, dtype=str, keep_default_na=False)
                           if (Path(args.data) / X.SNAPSHOT_FILE).is_file() else pd.DataFrame(columns=X.COLUMNS),
                           pd.read_csv(Path(args.sources) / X.SOURCES_FILE, dtype=str, keep_default_na=False)],
                          ignore_index=True)
        t = time.perf_counter()
        table = X.make_table(frame, *english)  # a fresh table: nothing remembered of earlier queries
        built = time.perf_counter() - t
        both = pd.concat([pairs, heldout], ignore_index=True) if heldout is not None else pairs
        queries = list(both["query"]) + list(both.english.unique())
        fresh = []
        for q in queries:  # each query the first of its words the table sees
            t = time.perf_counter()
            X.translate(table, q)
            fresh.append((time.perf_counter() - t) * 1000)
        for q in queries:  # warm the query vectors as a server would after its first request
            X.expanded_search(index, table, q)
        times = []
        for q in queries:
            t = time.perf_counter()
            X.expanded_search(index, table, q)
            times.append((time.perf_counter() - t) * 1000)
        print(f"\nlatency over {len(queries)} queries (query vectors cached): search+translation "
              f"p50 {np.percentile(times, 50):.1f} ms, p95 {np.percentile(times, 95):.1f} ms; "
              f"translation alone of a fresh query p50 {np.percentile(fresh, 50):.2f} ms, "
              f"p90 {np.percentile(fresh, 90):.2f} ms, p95 {np.percentile(fresh, 95):.2f} ms; "
              f"term table built in {built:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
