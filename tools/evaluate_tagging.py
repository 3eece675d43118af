"""Evaluate the priorities' NACE sections and industrial ecosystems against independent annotators.

    python tools/evaluate_tagging.py [--data-dir geodata/snapshot] [--labels tests/eval/tagging_labels.csv] [--json]

The labels (tests/eval/tagging_labels.csv, described in tests/eval/TAGGING.md) give, for priorities
sampled across many countries, the NACE Rev. 2 sections and the industrial ecosystems an annotator
chose from the texts and the code lists alone. Three sets of codes are scored against them:

- ``before``: the codes the build gave these priorities before the evidence scoring (every keyword
  rule that matched anywhere in the text, plus the TF-IDF neighbour vote), kept frozen in
  tests/eval/tagging_baseline_codes.csv;
- ``no examples``: what the classifier gives without the labelled examples (the keyword evidence
  alone; the snapshot's codes before the examples were added);
- ``snapshot``: the codes in the committed snapshot (geodata/snapshot/priority_codes.csv);
- ``recomputed``: the codes ``dashboard.build.classify`` gives now, on the snapshot's texts and source
  codes (what the next build would write).

NACE divisions count as their sections (geodata/snapshot/nace.csv). Codes from a source (the Czech
domains' divisions) count like any other: they are what the atlas shows.

Rows are scored on three sets: all labelled priorities, the development countries (``DEV_COUNTRIES``,
the half the classifier's weights and thresholds were chosen on) and the held-out countries (not
looked at while choosing them). The split was drawn before the labels were read: the countries with
eight sampled priorities and those with three, each shuffled with ``random.Random(20)``, the first six
and the first four taken.

The same sets are then scored against the majority of three independent annotators (A, whose labels
these are, and B and C: tests/eval/tagging_labels_b.csv and _c.csv; a code at least two of them gave),
the labelled examples (geodata/sources/tagging_examples.csv) are scored by cross-validation (5 folds of
whole countries: each fold's codes are what the classifier gives when only the other folds' examples
train its model and vote), and the annotators' agreement with each other is shown.

Metrics per scheme: micro precision (hits / codes given), micro recall (hits / codes labelled), F1,
and the mean number of codes per priority given and labelled.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.build.classify import Classifier, priority_vectors  # noqa: E402
from dashboard.data.schema import read_csv  # noqa: E402

SOURCES = ROOT / "geodata" / "sources"
EVAL = ROOT / "tests" / "eval"
LABELS = EVAL / "tagging_labels.csv"
BASELINE = EVAL / "tagging_baseline_codes.csv"
EXAMPLES = SOURCES / "tagging_examples.csv"
OTHER_LABELS = (EVAL / "tagging_labels_b.csv", EVAL / "tagging_labels_c.csv")
SCHEMES = ("nace", "ecosystem")
SCHEME_NAMES = {"nace": "NACE sections", "ecosystem": "ecosystems"}
CV_FOLDS = 5
DEV_COUNTRIES = frozenset({"AT", "EL", "FI", "IT", "PL", "PT", "DK", "EE", "LU", "MT"})


def _split(text) -> set[str]:
    return {c.strip() for c in str(text or "").replace(",", ";").split(";") if c.strip()}


def load_labels(path: Path = LABELS) -> dict[str, dict[str, set[str]]]:
    """{priority_id: {"nace": sections, "ecosystem": ecosystem ids}}."""
    df = read_csv(path, ["priority_id", "nace_sections", "ecosystems"])
    if df.priority_id.duplicated().any():
        raise ValueError(f"{path.name}: priority labelled twice: {sorted(df.priority_id[df.priority_id.duplicated()])}")
    return {r.priority_id: {"nace": _split(r.nace_sections), "ecosystem": {str(int(c)) for c in _split(r.ecosystems)}}
            for r in df.itertuples(index=False)}


def section_of(data_dir: Path) -> dict[str, str]:
    nace = read_csv(data_dir / "nace.csv", ["code", "level", "section"])
    return dict(zip(nace.code, nace.section))


def code_sets(codes: pd.DataFrame, sections: dict[str, str], ids) -> dict[str, dict[str, set[str]]]:
    """{priority_id: {"nace": sections, "ecosystem": ids}} of a long code table (divisions to sections)."""
    out = {i: {s: set() for s in SCHEMES} for i in ids}
    for r in codes[codes.priority_id.isin(out) & codes.scheme.isin(SCHEMES)].itertuples(index=False):
        out[r.priority_id][r.scheme].add(sections.get(r.code, r.code) if r.scheme == "nace" else str(r.code))
    return out


def classifier(data_dir: Path, examples: Path | None = EXAMPLES) -> Classifier:
    nace = read_csv(data_dir / "nace.csv", ["code", "level", "section"])
    nabs = read_csv(data_dir / "nabs.csv", ["code"])
    eco = read_csv(data_dir / "ecosystems.csv", ["code"])
    div = nace[nace.level == "division"]
    return Classifier.from_files(SOURCES / "classification_rules.csv", SOURCES / "nace_ecosystem_map.csv",
                                 set(div.code), set(nabs.code), set(eco.code), examples_path=examples,
                                 section_of=dict(zip(div.code, div.section)))


def inputs(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray | None]:
    """The snapshot's priorities, source codes and sentence vectors (as the build reads them)."""
    pri = read_csv(data_dir / "priorities.csv", ["priority_id", "strategy_id", "title", "title_original"])
    for col in ("description", "keywords"):
        pri[col] = pri[col] if col in pri else ""
    codes = read_csv(data_dir / "priority_codes.csv", ["priority_id", "scheme", "code", "origin", "rule"])
    source = codes[codes.origin == "source"].reset_index(drop=True)
    return pri, source, priority_vectors(data_dir, pri)


def recompute(data_dir: Path, clf: Classifier | None = None) -> pd.DataFrame:
    """The codes the classifier gives now to every priority of the snapshot (as the build would)."""
    pri, source, vectors = inputs(data_dir)
    return (clf or classifier(data_dir)).classify(pri, source, vectors=vectors)


def countries(data_dir: Path) -> dict[str, str]:
    pri = read_csv(data_dir / "priorities.csv", ["priority_id", "strategy_id"])
    st = read_csv(data_dir / "strategies.csv", ["strategy_id", "nuts_id"])
    country = dict(zip(st.strategy_id, st.nuts_id.str[:2]))
    return {p: country.get(s, "") for p, s in zip(pri.priority_id, pri.strategy_id)}


def cv_folds(examples, country: dict[str, str], folds: int = CV_FOLDS) -> dict[str, int]:
    """{priority_id: fold} of the labelled examples, whole countries per fold (their sorted list
    shuffled with numpy's default_rng(0), then dealt in turn)."""
    names = sorted({country[p] for p in examples})
    np.random.default_rng(0).shuffle(names)
    fold = {c: i % folds for i, c in enumerate(names)}
    return {p: fold[country[p]] for p in examples}


def cross_validate(data_dir: Path, clf: Classifier, sections: dict[str, str], country: dict[str, str],
                   folds: int = CV_FOLDS) -> tuple[dict, dict, dict]:
    """The labelled examples' codes when the examples of their fold's countries are left out (the
    rest train the model and vote): (predicted, gold, scores)."""
    pri, source, vectors = inputs(data_dir)
    cues = clf.evidence(pri, source)
    examples = clf.examples
    fold = cv_folds(examples, country, folds)
    pred = {}
    for f in range(folds):
        held = {p for p in examples if fold[p] == f}
        codes = clf.with_examples({p: v for p, v in examples.items() if p not in held}).decide(
            pri, source, cues, vectors, only=held)
        pred.update(code_sets(codes, sections, sorted(held)))
    gold = {p: {s: set(examples[p][s]) for s in SCHEMES} for p in examples}
    return pred, gold, score(pred, gold, sorted(examples))


def score(pred: dict, gold: dict, ids: list[str]) -> dict:
    res = {}
    for s in SCHEMES:
        hits = sum(len(pred[i][s] & gold[i][s]) for i in ids)
        n_pred = sum(len(pred[i][s]) for i in ids)
        n_gold = sum(len(gold[i][s]) for i in ids)
        p = hits / n_pred if n_pred else 0.0
        r = hits / n_gold if n_gold else 0.0
        res[s] = {"precision": round(p, 4), "recall": round(r, 4),
                  "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                  "codes_per_priority": round(n_pred / len(ids), 2) if ids else 0.0,
                  "labelled_per_priority": round(n_gold / len(ids), 2) if ids else 0.0}
    return res


def majority(labels: list[dict]) -> dict:
    """Per priority and scheme, the codes more than half the annotators gave (two of three)."""
    return {i: {s: {c for c in set().union(*(lab[i][s] for lab in labels))
                    if 2 * sum(c in lab[i][s] for lab in labels) > len(labels)}
                for s in SCHEMES} for i in labels[0]}


def evaluate(data_dir: Path = ROOT / "geodata" / "snapshot", labels: Path = LABELS,
             baseline: Path = BASELINE, others: tuple[Path, ...] = OTHER_LABELS, examples: Path = EXAMPLES) -> dict:
    gold = load_labels(labels)
    more = {p.stem.rsplit("_", 1)[-1].upper(): load_labels(p) for p in others}
    for name, lab in more.items():
        if set(lab) != set(gold):
            raise ValueError(f"annotator {name} did not label the same priorities as {labels.name}")
    country = countries(data_dir)
    missing = sorted(set(gold) - set(country))
    if missing:
        raise ValueError(f"labelled priorities not in the snapshot: {missing[:5]}")
    ids = sorted(gold)
    sections = section_of(data_dir)
    clf = classifier(data_dir, examples)
    keywords_only = recompute(data_dir, clf.with_examples({}))
    sets = {
        "before": code_sets(read_csv(baseline, ["priority_id", "scheme", "code"]), sections, ids),
        "no examples": code_sets(keywords_only, sections, ids),
        "snapshot": code_sets(read_csv(data_dir / "priority_codes.csv", ["priority_id", "scheme", "code"]),
                              sections, ids),
        "recomputed": code_sets(recompute(data_dir, clf), sections, ids),
    }
    subsets = {"all": ids,
               "development": [i for i in ids if country[i] in DEV_COUNTRIES],
               "held-out": [i for i in ids if country[i] not in DEV_COUNTRIES]}
    annotators = {"A": gold, **more}
    golds = {"A": gold}
    if len(annotators) >= 3:
        golds["majority"] = majority(list(annotators.values()))
    res = {"labelled": len(ids), "countries": len({country[i] for i in ids}),
           "subsets": {k: {"priorities": len(v), "countries": len({country[i] for i in v})}
                       for k, v in subsets.items()},
           "scores": {name: {k: score(pred, gold, v) for k, v in subsets.items()} for name, pred in sets.items()},
           "scores_by_gold": {g: {name: score(pred, lab, ids) for name, pred in sets.items()}
                              for g, lab in golds.items()},
           "agreement": {f"{a}-{b}": score(annotators[b], annotators[a], ids)
                         for n, a in enumerate(annotators) for b in list(annotators)[n + 1:]},
           "per_priority": {i: {"country": country[i], "labelled": {s: sorted(gold[i][s]) for s in SCHEMES},
                                **({"majority": {s: sorted(golds["majority"][i][s]) for s in SCHEMES}}
                                   if "majority" in golds else {}),
                                **{name: {s: sorted(pred[i][s]) for s in SCHEMES} for name, pred in sets.items()}}
                            for i in ids}}
    if clf.examples:
        _pred, ex_gold, cv = cross_validate(data_dir, clf, sections, country)
        res["cross_validated"] = {"examples": len(ex_gold), "countries": len({country[p] for p in ex_gold}),
                                  "folds": CV_FOLDS, "scores": cv,
                                  "without_examples": score(code_sets(keywords_only, sections, sorted(ex_gold)),
                                                            ex_gold, sorted(ex_gold))}
    return res


def _line(label: str, sc: dict, width: int = 25) -> str:
    return f"{label:<{width}}" + "".join(
        f"{sc[s]['precision']:>18.3f}{sc[s]['recall']:>7.3f}{sc[s]['f1']:>7.3f}{sc[s]['codes_per_priority']:>7.2f}"
        for s in SCHEMES)


def table(res: dict) -> str:
    sub = res["subsets"]
    head = "".join(f"{SCHEME_NAMES[s] + ': P':>18}{'R':>7}{'F1':>7}{'n/pri':>7}" for s in SCHEMES)
    lines = [f"Tagging vs an independent annotator, A ({res['labelled']} priorities, {res['countries']} countries; "
             f"development {sub['development']['priorities']} priorities / {sub['development']['countries']} "
             f"countries, held-out {sub['held-out']['priorities']} / {sub['held-out']['countries']})", ""]
    lines.append(f"{'codes':<13}{'priorities':<12}" + head)
    for name, by_subset in res["scores"].items():
        for k, sc in by_subset.items():
            lines.append(_line(f"{name:<13}{k}", sc))
    allsc = next(iter(res["scores"].values()))["all"]
    lines.append("labelled codes per priority: " + ", ".join(
        f"{SCHEME_NAMES[s]} {allsc[s]['labelled_per_priority']:.2f}" for s in SCHEMES))
    if "majority" in res["scores_by_gold"]:
        maj = res["scores_by_gold"]["majority"]
        lines += ["", f"Tagging vs the majority of annotators A, B, C (a code at least two of the three gave; "
                      f"all {res['labelled']} priorities)", "", f"{'codes':<25}" + head]
        lines += [_line(name, sc) for name, sc in maj.items()]
        lines.append("majority codes per priority: " + ", ".join(
            f"{SCHEME_NAMES[s]} {next(iter(maj.values()))[s]['labelled_per_priority']:.2f}" for s in SCHEMES))
    cv = res.get("cross_validated")
    if cv:
        lines += ["", f"Cross-validated on the labelled examples ({cv['examples']} priorities, {cv['countries']} "
                      f"countries, {cv['folds']} folds of whole countries; each fold's codes from the model and vote "
                      f"of the others' examples)", "", f"{'codes':<25}" + head,
                  _line("keyword evidence only", cv["without_examples"]), _line("with the examples", cv["scores"]),
                  "labelled codes per priority: " + ", ".join(
                      f"{SCHEME_NAMES[s]} {cv['scores'][s]['labelled_per_priority']:.2f}" for s in SCHEMES)]
    if res["agreement"]:
        lines += ["", "Annotator agreement on the same priorities (micro P/R/F1 of the second against the first)",
                  "", f"{'annotators':<25}" + head]
        lines += [_line(pair, sc) for pair, sc in res["agreement"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT / "geodata" / "snapshot")
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--json", action="store_true", help="write the results as JSON to stdout")
    args = ap.parse_args(argv)
    res = evaluate(args.data_dir, args.labels)
    if args.json:
        json.dump(res, sys.stdout, ensure_ascii=False, indent=1, default=sorted)
        sys.stdout.write("\n")
    else:
        print(table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
