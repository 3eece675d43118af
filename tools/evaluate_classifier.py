"""Evaluate the keyword classifier against the NACE divisions that a source gives.

    python tools/evaluate_classifier.py [--data-dir geodata/snapshot] [--rules FILE] [--json]

The Czech regional RIS3 domains carry CZ-NACE divisions from their source (origin
"source" in priority_codes.csv). For each such domain the classifier in
``dashboard.data.classify`` is run on the domain's text alone (title and
title_original; description and keywords are blanked, the source codes are not
given to it), and its NACE divisions are compared with the source's.

Ranking for the @k metrics: a division's score is the number of rules that match
the text and imply it; ties are broken by code. This is obtained by running the
same Classifier once per rule, so no matching logic is repeated here.

Metrics (over domains with at least one source division):
- precision@k = |top-k ∩ source| / k, recall@k = |top-k ∩ source| / |source|,
  averaged over domains (a domain with fewer than k predictions still divides by k);
- micro precision / recall of the full assigned set: summed hits over summed
  predictions / summed source codes;
- coverage: share of domains that get at least one NACE division.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.data.classify import Classifier  # noqa: E402
from dashboard.data.schema import read_csv  # noqa: E402

SOURCES = ROOT / "geodata" / "sources"
KS = (1, 3, 5)


def load(data_dir: Path, rules_path: Path):
    """The classifier built from the rule files, and the Czech domains with their source divisions."""
    nace = read_csv(data_dir / "nace.csv", ["code", "level"])
    nabs = read_csv(data_dir / "nabs.csv", ["code"])
    eco = read_csv(data_dir / "ecosystems.csv", ["code"])
    clf = Classifier.from_files(rules_path, SOURCES / "nace_ecosystem_map.csv",
                                set(nace.code[nace.level == "division"]), set(nabs.code), set(eco.code))
    codes = read_csv(data_dir / "priority_codes.csv", ["priority_id", "scheme", "code", "origin"])
    gold = codes[(codes.origin == "source") & (codes.scheme == "nace")]
    gold = gold.groupby("priority_id").code.apply(lambda s: sorted(set(s))).to_dict()
    pri = read_csv(data_dir / "priorities.csv", ["priority_id", "title", "title_original", "kind"])
    pri = pri[pri.priority_id.isin(gold)].copy()
    # Text alone: title and original title; nothing else reaches the classifier.
    text_only = pd.DataFrame({"priority_id": pri.priority_id, "title": pri.title,
                              "title_original": pri.title_original, "description": "", "keywords": ""})
    return clf, text_only, gold, pri


def nace_sets(clf: Classifier, df: pd.DataFrame) -> dict[str, set[str]]:
    out = clf.classify(df, None)
    out = out[(out.scheme == "nace") & (out.origin == "auto")]
    return out.groupby("priority_id").code.apply(set).to_dict()


def rankings(clf: Classifier, df: pd.DataFrame) -> dict[str, list[str]]:
    """Per priority: NACE divisions ordered by number of matching rules (desc), then code."""
    score: dict[str, dict[str, int]] = {}
    for rule in clf.rules:
        single = Classifier([rule], clf.nace_to_ecosystem)
        for pid, cs in nace_sets(single, df).items():
            for c in cs:
                score.setdefault(pid, {}).setdefault(c, 0)
                score[pid][c] += 1
    return {pid: [c for c, _ in sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))] for pid, s in score.items()}


def evaluate(data_dir: Path, rules_path: Path) -> dict:
    clf, df, gold, pri = load(data_dir, rules_path)
    ranked = rankings(clf, df)
    full = nace_sets(clf, df)
    ids = list(df.priority_id)
    n = len(ids)
    try:
        shown = str(Path(rules_path).resolve().relative_to(ROOT))
    except ValueError:
        shown = Path(rules_path).name
    res: dict = {"rules_file": shown, "rules": len(clf.rules), "domains_evaluated": n,
                 "source_codes": sum(len(gold[i]) for i in ids), "at_k": {}}
    for k in KS:
        p_sum = r_sum = 0.0
        for i in ids:
            top = ranked.get(i, [])[:k]
            hits = len(set(top) & set(gold[i]))
            p_sum += hits / k
            r_sum += hits / len(gold[i])
        res["at_k"][str(k)] = {"precision": round(p_sum / n, 4) if n else 0.0,
                               "recall": round(r_sum / n, 4) if n else 0.0}
    hits = sum(len(full.get(i, set()) & set(gold[i])) for i in ids)
    pred = sum(len(full.get(i, set())) for i in ids)
    res["full_set"] = {"predicted_codes": pred, "hits": hits,
                       "micro_precision": round(hits / pred, 4) if pred else 0.0,
                       "micro_recall": round(hits / res["source_codes"], 4) if res["source_codes"] else 0.0}
    res["coverage"] = round(sum(1 for i in ids if full.get(i)) / n, 4) if n else 0.0
    res["per_domain"] = [{"priority_id": i, "title": t, "source": gold[i], "ranked": ranked.get(i, [])}
                         for i, t in zip(df.priority_id, df.title_original)]
    return res


def table(res: dict) -> str:
    lines = [f"Keyword classifier vs source NACE divisions ({res['domains_evaluated']} Czech domains, "
             f"{res['source_codes']} source codes, {res['rules']} rules from {res['rules_file']})",
             "", f"{'k':>4} {'precision@k':>12} {'recall@k':>10}"]
    for k, v in res["at_k"].items():
        lines.append(f"{k:>4} {v['precision']:>12.3f} {v['recall']:>10.3f}")
    f = res["full_set"]
    lines += ["", f"full assigned set: {f['predicted_codes']} codes, {f['hits']} correct",
              f"  micro precision {f['micro_precision']:.3f}   micro recall {f['micro_recall']:.3f}",
              f"domains with at least one NACE division: {res['coverage']:.1%}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT / "geodata" / "snapshot")
    ap.add_argument("--rules", type=Path, default=SOURCES / "classification_rules.csv")
    ap.add_argument("--json", action="store_true", help="write the results as JSON to stdout")
    args = ap.parse_args(argv)
    res = evaluate(args.data_dir, args.rules)
    if args.json:
        json.dump(res, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
