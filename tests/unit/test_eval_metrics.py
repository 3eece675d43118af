"""The relevance measures of tools/evaluate_relevance.py on small hand-worked examples."""
from __future__ import annotations

import math

import pytest

from tools.evaluate_relevance import (
    calibrate, dcg, mean, ndcg_at, pool_ids, precision_at, ranker_row, recall, related_rule,
)

JUDGED = {"a": 2, "b": 0, "c": 1, "d": 2, "e": 0}


def test_dcg_linear_gain_log2_discount():
    # 2/log2(2) + 0/log2(3) + 1/log2(4) = 2 + 0 + 0.5
    assert dcg([2, 0, 1]) == pytest.approx(2.5)
    assert dcg([]) == 0


def test_ndcg_against_the_ideal_order_of_all_judged_grades():
    # ranked a, b, c: DCG = 2 + 0 + 1/2 = 2.5; ideal 2, 2, 1: 2 + 2/log2(3) + 1/2
    ideal = 2 + 2 / math.log2(3) + 0.5
    assert ndcg_at(["a", "b", "c"], JUDGED) == pytest.approx(2.5 / ideal)
    assert ndcg_at(["a", "d", "c"], JUDGED) == pytest.approx(1.0)
    assert ndcg_at(["b", "e"], JUDGED) == 0.0
    # an unjudged row gains nothing: x in first place pushes a down
    assert ndcg_at(["x", "a"], {"a": 2}) == pytest.approx((2 / math.log2(3)) / 2)


def test_ndcg_cutoff_and_no_relevant_row():
    # at k = 1 only the first row counts; ideal DCG@1 = 2
    assert ndcg_at(["c", "a"], JUDGED, k=1) == pytest.approx(0.5)
    assert ndcg_at(["a"], {"a": 0, "b": 0}) is None


def test_precision_over_the_rows_returned_up_to_k():
    assert precision_at(["a", "b", "c", "d"], JUDGED) == pytest.approx(3 / 4)
    assert precision_at(["a", "b", "c", "d"], JUDGED, min_grade=2) == pytest.approx(2 / 4)
    assert precision_at(["a", "b", "c", "d"], JUDGED, k=2) == pytest.approx(1 / 2)
    assert precision_at(["x", "y"], JUDGED) == 0.0  # unjudged counts as not relevant
    assert precision_at([], JUDGED) is None


def test_recall_of_judged_relevant_or_partly_rows():
    # relevant-or-partly: a, c, d
    assert recall(["a", "b", "x"], JUDGED) == pytest.approx(1 / 3)
    assert recall(["d", "c", "a"], JUDGED) == 1.0
    assert recall(["a", "c"], JUDGED, min_grade=2) == pytest.approx(1 / 2)
    assert recall(["a"], {"a": 0}) is None


def test_mean_leaves_out_undefined_values():
    assert mean([1.0, None, 0.0]) == 0.5
    assert mean([None]) is None


def test_ranker_row_averages_over_queries_and_counts_unjudged():
    judged = {"q1": {"a": 2, "b": 0}, "q2": {"c": 1}}
    ranked = {"q1": ["a", "b", "z"], "q2": []}
    r = ranker_row(ranked, judged, ["q1", "q2"])
    assert r["p"] == pytest.approx(1 / 3)  # q2 returns nothing: left out of precision
    assert r["recall"] == pytest.approx((1 + 0) / 2)
    assert r["unjudged"] == 1 and r["empty"] == 1
    assert r["ndcg"] == pytest.approx(0.5)  # q1 perfect, q2 has a relevant row and finds nothing: 0
    assert r["n_ndcg"] == 2


def test_vectors_recall_within_the_given_depth():
    r = ranker_row({"q": ["x", "y", "a"]}, {"q": {"a": 2}}, ["q"], full_depth=2)
    assert r["recall"] == 0.0


COS = {"e1": 0.95, "r1": 0.90, "r2": 0.87, "r3": 0.85, "r4": 0.80}


def test_related_rule_floor_band_top_and_exact_excluded():
    exact = {"e1"}
    assert related_rule(COS, exact, floor=0.86) == ["r1", "r2"]
    # band 0.09 below the best (0.95, an exact row): cut 0.86
    assert related_rule(COS, exact, band=0.09) == ["r1", "r2"]
    assert related_rule(COS, exact, floor=0.84, band=0.09) == ["r1", "r2"]  # the stricter cut wins
    assert related_rule(COS, exact, top=3) == ["r1", "r2", "r3"]
    assert related_rule(COS, exact, floor=0.86, top=1) == ["r1"]
    assert related_rule(COS, exact, floor=0.0, cap=2) == ["r1", "r2"]
    assert related_rule({}, set(), floor=0.5) == []


def test_calibration_precision_pooled_and_recall_per_query():
    cos = {"q1": COS, "q2": {"s1": 0.9, "s2": 0.8}}
    exact = {"q1": ["e1"], "q2": []}
    judged = {"q1": {"e1": 2, "r1": 2, "r2": 0, "r3": 1}, "q2": {"s1": 1}}
    (res,) = calibrate(cos, exact, judged, [("floor 0.86", {"floor": 0.86})], 0.7)
    # related: q1 r1 (2), r2 (0); q2 s1 (1) -> 2 of 3 relevant-or-partly, 1 of 3 strict
    assert res["related"] == 3
    assert res["precision"] == pytest.approx(2 / 3)
    assert res["strict"] == pytest.approx(1 / 3)
    assert res["unjudged"] == 0
    # recall: q1 finds e1, r1 of e1, r1, r3 (2/3); q2 finds s1 of s1 (1)
    assert res["recall"] == pytest.approx((2 / 3 + 1) / 2)
    (res,) = calibrate(cos, exact, judged, [("top 2", {"top": 2})], 0.7)
    # q1 r1, r2; q2 s1, s2 (unjudged): 2 hits of 4, 1 unjudged
    assert res["precision"] == pytest.approx(2 / 4)
    assert res["precision_judged"] == pytest.approx(2 / 3)
    assert res["unjudged"] == 1


def test_pool_is_round_robin_union_capped():
    lists = [["a", "b", "c"], ["b", "d", "e"], ["f"]]
    assert pool_ids(lists, depth=3, cap=99) == ["a", "b", "f", "d", "c", "e"]
    assert pool_ids(lists, depth=3, cap=4) == ["a", "b", "f", "d"]
    assert pool_ids(lists, depth=1, cap=99) == ["a", "b", "f"]
