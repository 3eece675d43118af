"""Query translation in front of the search (dashboard.data.crosslang), on the real snapshot and the
committed term tables: a query in another EU language finds what its English equivalent finds."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import crosslang as X
from dashboard.data import search as S
from dashboard.build.inputs import SOURCES
from dashboard.data.query import also_searched, keyword_hits
from dashboard.data.vectors import load_vectors
from dashboard.settings import SETTINGS


@pytest.fixture(scope="module")
def index(atlas):
    vectors, _ = load_vectors(SETTINGS.data_dir, atlas.priorities.priority_id)
    return S.build_index(atlas.priorities, vectors)


@pytest.fixture(scope="module")
def table(atlas):
    return X.load_table(SETTINGS.data_dir, SOURCES, atlas.priorities)


def exact_ids(res: pd.DataFrame) -> set:
    return set(res.priority_id[res.match == "exact"])


@pytest.mark.parametrize("query,english", [
    ("Wasserstoff", "hydrogen"), ("wodór", "hydrogen"), ("vodík", "hydrogen"), ("υδρογόνο", "hydrogen"),
    ("turystyka", "tourism"), ("tekoäly", "artificial intelligence"), ("kiertotalous", "circular economy"),
    ("sztuczna inteligencja", "artificial intelligence"), ("salud", "health"),
])
def test_a_foreign_query_finds_every_exact_row_of_its_english_equivalent(index, table, query, english):
    en = exact_ids(S.search(index, english))
    assert en, f"'{english}' finds priorities in the snapshot"
    alone = exact_ids(S.search(index, query))
    res, tr = X.expanded_search(index, table, query)
    assert english in tr.queries
    assert en <= exact_ids(res)
    assert len(en - alone) > 0, "the query alone misses some of them (the translation is what finds them)"
    via = res.set_index("priority_id").via
    assert set(via[list(en - alone)]) == {english}


def test_english_and_untranslatable_queries_are_searched_as_they_are(index, table):
    for q in ("hydrogen", "circular economy", "sport", "ai", "xqzzyv", "", "   ", '"'):
        assert X.translate(table, q) == X.NONE, q
        res, tr = X.expanded_search(index, table, q)
        assert tr.queries == () and (res.via == "").all()
        assert res.drop(columns="via").equals(S.search(index, q))


def test_half_covered_queries_are_not_translated(table):
    # "wodór" is in the dictionaries, the made-up word is not: no English query is made from half of it
    assert X.translate(table, "wodór qqxyzzq") == X.NONE


def test_accents_and_case_do_not_matter(table):
    assert X.translate(table, "WODOR").queries == X.translate(table, "wodór").queries == ("hydrogen",)
    assert X.translate(table, "zdravi").queries == X.translate(table, "zdraví").queries == ("health",)


def test_two_word_query_takes_the_english_phrase_of_the_texts(table):
    # word by word the dictionaries offer several senses; the pair that is a phrase of the texts wins,
    # in English order
    assert X.translate(table, "economía circular").queries == ("circular economy",)
    assert X.translate(table, "inteligencia artificial").queries == ("artificial intelligence",)


def test_merged_result_keeps_groups_and_ranks(index, table):
    res, _ = X.expanded_search(index, table, "Gesundheit")
    assert list(res.columns) == S.RESULT_COLUMNS + ["via"]
    assert res.priority_id.is_unique
    assert list(res["rank"]) == list(range(1, len(res) + 1))
    groups = list(res.match)
    assert groups == sorted(groups, key=lambda m: m != "exact"), "exact rows first, then related"
    related = res[res.match == "related"]
    assert related.score.is_monotonic_decreasing
    assert len(related) <= 100


def test_the_explorer_query_reports_what_it_also_searched(atlas):
    hits = keyword_hits(atlas, "Wasserstoff")
    assert also_searched(atlas, "Wasserstoff") == ("hydrogen",)
    assert also_searched(atlas, "hydrogen") == ()
    assert also_searched(atlas, "") == ()
    en = keyword_hits(atlas, "hydrogen")
    assert set(en.priority_id[en.match == "exact"]) <= set(hits.priority_id[hits.match == "exact"])
    # the English words are the ones marked in the rows found through the translation
    through = hits[hits.via == "hydrogen"]
    assert len(through) and all("hydrogen" in m.split() for m in through.matched)


def test_bilingual_titles_align_words(atlas):
    terms = X.bilingual_terms(atlas.priorities)
    assert list(terms.columns) == X.COLUMNS + ["weight", "key"]
    pairs = set(zip(terms.lang, terms.source, terms.english))
    assert ("deu", "digitalisierung", "digitalisation") in pairs
    assert ("deu", "mobilitat", "mobility") in pairs
    assert (terms.weight.astype(int) >= X.MIN_PAIRS).all()
    # the committed snapshot holds what the build writes
    stored = pd.read_csv(SETTINGS.data_dir / X.SNAPSHOT_FILE, dtype=str, keep_default_na=False)
    assert stored.equals(terms.astype(str))


def test_the_app_searches_without_the_tables(tmp_path, atlas, index):
    empty = X.load_table(tmp_path, tmp_path, atlas.priorities)
    assert len(empty) == 0
    res, tr = X.expanded_search(index, empty, "Wasserstoff")
    assert tr == X.NONE and res.drop(columns="via").equals(S.search(index, "Wasserstoff"))
