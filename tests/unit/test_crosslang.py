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


# ------------------------------------------------------- compounds, inflection, cognates (small tables)
def small_table(rows, texts):
    """A term table of a few (lang, source, english[, weight]) rows over a few English texts."""
    frame = pd.DataFrame([(r[0], r[1], r[2], "dictionary", str(r[3]) if len(r) > 3 else "1") for r in rows],
                         columns=X.COLUMNS + ["weight"])
    return X.make_table(frame, *X.english_vocabulary(pd.DataFrame({"title": texts, "description": ""})))


TEXTS = ["Wind energy and energy efficiency", "Energy efficiency of buildings", "Energy efficiency in industry",
         "Hydrogen valleys", "Biotechnology and the bioeconomy", "Health economy", "Circular economy",
         "Health and health care", "Well being at work"]


def test_a_compound_is_read_as_two_table_words():
    table = small_table([("deu", "wind", "wind"), ("deu", "energie", "energy"), ("deu", "gesundheit", "health"),
                         ("deu", "wirtschaft", "economy"), ("hun", "energia", "power"),
                         ("hun", "hatékonyság", "efficiency")], TEXTS)
    assert X.translate(table, "Windenergie").queries == ("wind energy",)
    assert X.translate(table, "Gesundheitswirtschaft").queries == ("health economy",)  # linking "s"
    # the parts' English terms are chosen as a phrase of the texts ("energia" is also a cognate of "energy")
    assert X.translate(table, "energiahatékonyság").queries == ("energy efficiency",)
    # a part must be spelt as its table word, not merely share its stem
    assert X.split_compound(table, "deu", "windxqenergie") is None


def test_a_learned_prefix_joins_its_head_as_the_texts_write_it():
    table = small_table([("fin", "talous", "economy"), ("pol", "gospodarka", "economy")], TEXTS)
    assert X.translate(table, "biotalous").queries == ("bioeconomy",)
    assert X.translate(table, "biogospodarka").queries == ("bioeconomy",)


def test_an_inflected_form_finds_its_lemmas_translation():
    table = small_table([("hun", "körforgás", "circular"), ("hun", "gazdaság", "economy"),
                         ("hun", "mezőgazdaság", "agriculture", 1), ("hun", "mezőgazdasági", "territorial", 3)],
                        TEXTS + ["Agriculture", "Territorial cooperation"])
    # an ending the stemmer leaves: the table word it extends
    assert X.translate(table, "körforgásos gazdaság").queries == ("circular economy",)
    # two sources share the stem: the one the typed word extends wins over the heavier one
    assert X.translate(table, "mezőgazdaságban").queries == ("agriculture",)


def test_an_english_cognate_covers_a_word_the_tables_lack():
    table = small_table([("ita", "economia", "economy")], TEXTS)
    assert X.translate(table, "idrogeno").queries == ("hydrogen",)
    assert X.translate(table, "biotecnologie").queries == ("biotechnology",)
    assert X.cognate(table, "idrogeno") == "hydrogen" and X.cognate(table, "tehnologii") is None


def test_a_frequent_sense_comes_before_a_rare_one():
    # weight + log10(1 + occurrences): 3 + log10(2) for "well being", 2.5 + log10(41) for "health"
    table = small_table([("por", "saúde", "well being", 3), ("por", "saúde", "health", 2.5)],
                        TEXTS + ["Health systems"] * 38)
    assert X.translate(table, "saúde").queries == ("health",)


def test_a_derived_word_still_finds_the_phrase_of_the_texts():
    table = small_table([("ces", "energetický", "energetic"), ("ces", "účinnost", "efficiencies")], TEXTS)
    assert X.translate(table, "energetické účinnosti").queries == ("energy efficiency",)


def test_a_word_in_no_table_and_like_no_english_word_is_left_alone():
    table = small_table([("deu", "wind", "wind"), ("deu", "energie", "energy")], TEXTS)
    for q in ("qwrtzplk", "Windenergie qwrtzplk", "zzzenergie", "energy efficiency", ""):
        assert X.translate(table, q) == X.NONE, q
