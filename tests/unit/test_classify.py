"""The classifier on the real snapshot: every automatic code says how it was assigned, the
nearest-priority method never learns from the priority's own strategy, and the evaluation
script's figures are computed the same way the build assigns codes."""
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data.classify import KNN_MAX_CODES, KNN_MIN_COS, KNN_MIN_SUPPORT
from dashboard.data.textmatch import TfidfIndex, words
from tools.evaluate_classifier import evaluate, load

ROOT = Path(__file__).resolve().parents[2]
SNAP = ROOT / "geodata" / "snapshot"
RULES = ROOT / "geodata" / "sources" / "classification_rules.csv"


@pytest.fixture(scope="module")
def loaded():
    return load(SNAP, RULES)


def test_tfidf_cosine_folds_accents_and_drops_stop_words():
    assert words("Smart Biotechnologie and the Énergie") == ["biotechnologie", "energie"]
    idx = TfidfIndex(["biotechnology", "Biotechnologie", "tourism", "wood processing"])
    sim = idx.cosine(["Biotechnology"], ["biotechnology", "Biotechnologie", "tourism"])[0]
    assert sim[0] == pytest.approx(1.0, abs=1e-5)
    assert 0.3 < sim[1] < 1.0  # shares most n-grams across languages
    assert sim[2] == 0.0
    # a text made only of stop words has no vector: cosine 0, not NaN
    assert idx.cosine(["the smart strategy"], ["tourism"])[0, 0] == 0.0


def test_every_auto_code_names_its_method():
    codes = pd.read_csv(SNAP / "priority_codes.csv", dtype=str)
    auto = codes[codes.origin == "auto"]
    assert len(auto) > 0
    known = auto.rule.str.match(r"^(keyword rule '|TF-IDF: |NACE \d\d \((from source|assigned by TF-IDF)\) -> )")
    assert known.all(), auto[~known].head()
    # both methods are in use on the real data
    assert auto.rule.str.startswith("keyword rule").any()
    assert auto.rule.str.contains("most similar source-coded").any()


def test_nearest_priorities_never_come_from_the_same_strategy(loaded):
    clf, pri, source, gold = loaded
    c = clf.candidates(pri, source, methods=("knn",), thresholds=True, skip_coded=False)
    assert len(c)
    strategy = dict(zip(pri.priority_id, pri.strategy_id))
    closest = c.rule.str.extract(r"closest: '.*', (?P<pid>[^,]+), cosine (?P<cos>[0-9.]+)\)")
    assert closest.pid.notna().all()
    assert (closest.pid.map(strategy) != c.priority_id.map(strategy)).all()
    assert (closest.pid != c.priority_id).all()
    assert (closest.cos.astype(float) >= KNN_MIN_COS - 0.005).all()
    # each assigned division is carried by at least KNN_MIN_SUPPORT neighbours; at most KNN_MAX_CODES each
    support = c.rule.str.extract(r"carried by (\d+) of")[0].astype(int)
    assert (support >= KNN_MIN_SUPPORT).all()
    assert c.groupby("priority_id").size().max() <= KNN_MAX_CODES
    # in the build, priorities with source codes get no votes (their codes are the source's)
    built = clf.candidates(pri, source, methods=("knn",))
    assert not built.priority_id.isin(gold).any()


def test_source_codes_are_never_replaced(loaded):
    clf, pri, source, _ = loaded
    out = clf.classify(pri, source)
    src = out[out.origin == "source"]
    assert len(src) == len(source.drop_duplicates(["priority_id", "scheme", "code"]))
    assert not out.duplicated(["priority_id", "scheme", "code"]).any()


def test_evaluation_matches_the_assigned_codes(loaded):
    clf, pri, source, gold = loaded
    res = evaluate(SNAP, RULES)
    assert res["domains_evaluated"] == len(gold) > 0
    combined = next(r for r in res["runs"] if r["methods"] == "rule+knn")
    # the assigned set the evaluation scores is what the classifier assigns to the text-only domains
    cand = clf.candidates(pri, source, skip_coded=False)
    cand = cand[(cand.scheme == "nace") & cand.priority_id.isin(gold)]
    assert combined["assigned"]["predicted_codes"] == len(cand.drop_duplicates(["priority_id", "code"]))
    for run in res["runs"]:
        for k, v in run["at_k"].items():
            assert 0.0 <= v["precision"] <= 1.0 and 0.0 <= v["recall"] <= 1.0
