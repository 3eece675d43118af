"""Query translation in front of the search: a query typed in another EU language is also searched
in English. Pure; no Dash.

A term table maps words and short phrases of EU languages to English terms found in the
priorities' English texts. It has two sources, both made before run time:

``dictionary``
    ``geodata/sources/query_terms.csv``, made by ``tools/build_query_terms.py`` from the FreeDict
    bilingual dictionaries (Debian ``dict-freedict-*``), keeping only English terms that occur in
    the snapshot's English texts.
``strategies``
    ``query_terms.csv`` in the snapshot, made by the build from the priorities that carry both an
    English title and a title in the strategy's own language (``bilingual_terms``): a word of the
    original titles is aligned with the English title word it co-occurs with (Dice coefficient
    over priorities, at least ``MIN_PAIRS`` priorities), single words only.

``translate(table, query)`` reads the query as words (case and accents folded, Snowball-stemmed in
each language of the table), covers as many words as it can with the longest entries of one
language (of the languages that cover every content word, the first few are tried as a phrase:
one whose terms make a phrase of the English texts, then the one covering most words by its table
rather than by cognates, then by spelling as typed, then the one whose entries come first in the
table), and returns the English queries to search as well. A word no entry covers is read, in an
inflecting language, as a table word plus an ending its stemmer left ("körforgásos" ->
"körforgás", ``truncated``); then, in a language that writes compounds, as two words of the table
("Kreislauf|wirtschaft", "energia|hatékonyság", with German, Dutch and Nordic linking letters; a
learned prefix such as "bio" or "nano" is joined to the English head: "biotalous" ->
"bioeconomy"); failing that, as an English word of the texts spelt the same way once spelling
conventions are levelled (``cognate``: "idrogeno" -> "hydrogen", "logistique" -> "logistics").
Of an entry's English terms the first is the one whose source is spelt as typed, then one whose
source the typed word merely extends (an inflected form: "mezőgazdaságban" -> "mezőgazdaság"),
then the best by weight plus the term's frequency in the English texts. A query is not
translated when each of its words is already an English word of the priorities' texts, nor when fewer than all of its content
words are covered (a half-translated query finds the wrong things). ``expanded_search`` runs the
search for the query and for each English query and merges them: exact rows of the query first,
then exact rows found through a translation, then related rows by their cosine; the ``via``
column says which English query found a row ("" for the query itself).
"""
from __future__ import annotations

import itertools
import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import search as S

log = logging.getLogger(__name__)

SOURCES_FILE = "query_terms.csv"  # in geodata/sources: the dictionary table
SNAPSHOT_FILE = "query_terms.csv"  # in the snapshot: the strategies' own bilingual titles
COLUMNS = ["lang", "source", "english", "origin"]
MAX_PHRASE = 4  # words of a table entry
MAX_QUERIES = 1  # English queries searched besides the query itself
MIN_PAIRS = 3  # priorities a strategies' alignment must rest on
MIN_DICE = 0.6
ALT_WEIGHT = 2.0  # a second English term is searched too when its weight is at least this
# compounds: languages that write them as one word, and the linking letters between their parts
COMPOUNDING = {"deu": ("", "s", "es", "n", "en", "e"), "nld": ("", "s", "en", "e"), "swe": ("", "s"),
               "dan": ("", "s", "e"), "fin": ("",), "hun": ("",), "est": ("",)}
MIN_PART = 3  # letters of a compound's part
# learned prefixes written as one word with their head in English too ("bio" + "economy")
PREFIXES = {"bio": "bio", "nano": "nano", "mikro": "micro", "micro": "micro", "agro": "agro", "aero": "aero",
            "cyber": "cyber", "hydro": "hydro", "geo": "geo", "eko": "eco", "eco": "eco", "oko": "eco",
            "tele": "tele", "foto": "photo", "termo": "thermo", "thermo": "thermo"}
# languages whose words take endings a Snowball stemmer may leave (a table word + ending is tried)
INFLECTING = frozenset("fin hun est pol ces slk slv hrv lit lav bul ell".split())
MAX_ENDING = 3  # letters of such an ending
MIN_LEMMA = 6  # letters of the table word it leaves (a short word plus letters is too often chance)
MIN_COGNATE = 5  # letters of a word read as an English cognate
COGNATE_DISTANCE = 0.25  # edits per letter allowed between the levelled spellings
LOOSE = 5  # letters of an English stem a derived word shares with the phrase's word
MIN_LOOSE = 3
LANG_TRIES = 3  # languages whose word-by-word terms are tried as a phrase
CACHE_SIZE = 20000  # words remembered per table (compound splits and cognates)

# ISO 639-3 codes of the table -> Snowball stemmer names (None: no stemmer, folded words only)
SNOWBALL = {
    "deu": "german", "fra": "french", "ita": "italian", "spa": "spanish", "pol": "polish",
    "ces": "czech", "fin": "finnish", "swe": "swedish", "por": "portuguese", "nld": "dutch",
    "hun": "hungarian", "ell": "greek", "dan": "danish", "ron": "romanian", "lit": "lithuanian",
    "est": "estonian", "gle": "irish", "slk": None, "slv": None, "hrv": None, "lav": None,
    "bul": None, "mlt": None,
}
ISO3 = {v: k for k, v in SNOWBALL.items() if v}  # snowball name -> iso code


@dataclass(frozen=True, eq=False)
class TermTable:
    """(lang, stem key) -> English terms, best first; and the English words of the corpus."""
    entries: dict = field(repr=False)
    english: frozenset = field(repr=False)  # folded English words of the priorities' English texts
    phrases: dict = field(default_factory=dict, repr=False)  # English stem sequences (1..MAX_PHRASE) -> count
    langs: tuple = ()
    rows: int = 0
    cognates: dict = field(default_factory=dict, repr=False)  # levelled-spelling key -> ((levelled, word), ...)
    loose: dict = field(default_factory=dict, repr=False)  # see loose_phrases
    corpus: frozenset = field(default_factory=frozenset, repr=False)  # every folded word of the English texts
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # (lang, word) -> split / cognate

    def __len__(self) -> int:
        return self.rows


@dataclass(frozen=True)
class Translation:
    lang: str  # ISO 639-3 code, "" when not translated
    queries: tuple  # English queries to search as well
    origins: tuple = ()  # per query: "dictionary" / "strategies"


NONE = Translation("", ())


def _key(lang: str, phrase: str) -> tuple:
    """The lookup key of a phrase: its folded words, Snowball-stemmed in ``lang`` (the same for
    "zdraví" typed with its accents and "zdravi" without)."""
    stemmer = SNOWBALL.get(lang)
    ws = [S.fold(w) for w in S.words(phrase)]
    if stemmer and stemmer in S.AVAILABLE_STEMMERS:
        return tuple(S.stem(stemmer, w) or w for w in ws)
    return tuple(ws)


def _word_key(lang: str, folded: str) -> tuple:
    """``_key`` of one word already folded (the same key, without re-reading the word)."""
    stemmer = SNOWBALL.get(lang)
    if stemmer and stemmer in S.AVAILABLE_STEMMERS:
        return (S.stem(stemmer, folded) or folded,)
    return (folded,)


def table_key(lang: str, phrase: str) -> str:
    """``_key`` as stored in the table's ``key`` column (space-separated)."""
    return " ".join(_key(lang, phrase))


def english_words(priorities: pd.DataFrame) -> frozenset:
    """Folded words of the English titles and descriptions."""
    return english_vocabulary(priorities)[0]


def english_vocabulary(priorities: pd.DataFrame) -> tuple[frozenset, dict, dict]:
    """(folded words, {English stem sequence of 1..MAX_PHRASE words: occurrences}) of the English
    titles and descriptions: a translation whose words make a frequent phrase of them is preferred,
    and of an entry's English terms the more frequent; and {stem: its most frequent word}."""
    out: Counter = Counter()
    grams: Counter = Counter()
    for col in ("title", "description"):
        if col in priorities:
            for text in priorities[col].dropna().astype(str):
                ws = S.words(text)
                out.update(S.fold(w) for w in ws)
                st = [S.stem("english", w) for w in ws]
                for n in range(1, MAX_PHRASE + 1):
                    grams.update(tuple(st[i:i + n]) for i in range(len(st) - n + 1))
    surfaces: dict = {}
    for w, _ in out.most_common():
        if w.isalpha():
            surfaces.setdefault(S.stem("english", w), w)
    return frozenset(w for w in out if w.isalpha()), dict(grams), surfaces


def make_table(frame: pd.DataFrame, english: frozenset, phrases: dict | None = None,
               surfaces: dict | None = None) -> TermTable:
    """A term table from rows (lang, source, english, origin[, weight]), best first within a
    source. Entries are keyed by Snowball stems, so "energías renovables" finds "energía
    renovable"; each keeps its folded source, to prefer an entry spelt as the query is."""
    entries: dict = defaultdict(list)
    langs: list = []
    n = 0
    weights = frame["weight"] if "weight" in frame else pd.Series("", index=frame.index)
    stored = frame["key"] if "key" in frame else pd.Series("", index=frame.index)
    for (lang, source, eng, origin), weight, skey in zip(frame[COLUMNS].itertuples(index=False), weights, stored):
        if not isinstance(source, str) or not isinstance(eng, str) or lang not in SNOWBALL:
            continue
        key = tuple(skey.split()) if isinstance(skey, str) and skey else _key(lang, source)
        if not key or len(key) > MAX_PHRASE:
            continue
        try:
            w = float(weight) if weight not in ("", None) else 1.0
        except ValueError:
            w = 1.0
        eng = " ".join(eng.split())
        src = source if skey else " ".join(S.fold(x) for x in S.words(source))
        entries[(lang, key)].append((eng, src, w, origin))
        n += 1
        if lang not in langs:
            langs.append(lang)
    # English words: those of the table's English terms (the priorities' descriptions also hold
    # names in other languages, "Zdraví" among them, which must still be translated)
    known = frozenset(S.fold(w) for v in entries.values() for e in v for w in S.words(e[0]))
    cognates = cognate_index(english) if n else {}
    english_all = english or frozenset()
    english = known & english if english else known
    return TermTable(entries={k: tuple(v) for k, v in entries.items()}, english=english, phrases=phrases or {},
                     langs=tuple(langs), rows=n, cognates=cognates, corpus=frozenset(english_all),
                     loose=loose_phrases(phrases, surfaces) if n and phrases and surfaces else {})


def loose_phrases(phrases: dict, surfaces: dict) -> dict:
    """Two-word English phrases of the texts (seen at least MIN_LOOSE times) by the first LOOSE
    letters of each stem, as (occurrences, words): a word-by-word translation that differs from a
    phrase only in its words' derivation ("energetic efficiencies") is read as it ("energy
    efficiency")."""
    out: dict = {}
    for key, count in phrases.items():
        if len(key) == 2 and count >= MIN_LOOSE and all(k in surfaces and k.isalpha() for k in key):
            loose = tuple(k[:LOOSE] for k in key)
            if loose not in out or count > out[loose][0]:
                out[loose] = (count, tuple(surfaces[k] for k in key))
    return out


# ------------------------------------------------------------------------- spelling (cognates)
_LEVEL = (("ph", "f"), ("th", "t"), ("qu", "k"), ("ck", "k"), ("c", "k"), ("q", "k"), ("y", "i"), ("w", "v"),
          ("x", "ks"), ("z", "s"), ("h", ""))
_VOWELS = frozenset("aeiou")


def level(word: str, ch: str = "k") -> str:
    """A folded word's spelling with the conventions of European languages levelled (ph/f, c/k,
    y/i, w/v, z/s, no h, no double letters): "hydrogen" and "idrogeno" -> "idrogen", "idrogeno"."""
    w = word.replace("ch", ch)
    for a, b in _LEVEL:
        w = w.replace(a, b)
    return "".join(c for i, c in enumerate(w) if i == 0 or c != w[i - 1])


def _bucket(levelled: str) -> str:
    """First letter and the next three consonants of a levelled spelling (vowels differ most)."""
    return levelled[:1] + "".join(c for c in levelled[1:] if c not in _VOWELS)[:3]


def cognate_index(english) -> dict:
    """Levelled-spelling buckets of the English words of the texts (``ch`` read both as k and as
    nothing: Italian "tecnologia", Romanian "tehnologie")."""
    out: dict = defaultdict(set)
    for w in english:
        if len(w) >= MIN_COGNATE and w.isalpha() and w.isascii():
            for ch in ("k", ""):
                lv = level(w, ch)
                out[_bucket(lv)].add((lv, w))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 once it must exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def cognate(table: TermTable, folded: str) -> str | None:
    """The English word of the texts a folded word is a cognate of (a word the dictionaries know as
    English before one they do not, which may be a name or a word of another language quoted in
    the texts; then the nearest levelled spelling, within COGNATE_DISTANCE edits a letter; then the
    more frequent), or None."""
    if len(folded) < MIN_COGNATE or not folded.isalpha() or not folded.isascii() or not table.cognates:
        return None
    hit = table.cache.get(("", folded), False)
    if hit is not False:
        return hit
    lv = level(folded)
    limit = max(1, int(COGNATE_DISTANCE * len(lv)))
    best = None
    for cand, word in table.cognates.get(_bucket(lv), ()):
        d = _distance(lv, cand, limit)
        if d <= limit:
            rank = (word not in table.english, d, -_frequency(table, word), word)
            if best is None or rank < best[0]:
                best = (rank, word)
    hit = best[1] if best else None
    _remember(table, ("", folded), hit)
    return hit


def _remember(table: TermTable, key, value) -> None:
    if len(table.cache) >= CACHE_SIZE:
        table.cache.clear()
    table.cache[key] = value


def _en_stems(table: TermTable, english: str) -> tuple:
    """The English stems of an English term (remembered)."""
    hit = table.cache.get(("en", english))
    if hit is None:
        hit = tuple(S.stem("english", w) for w in S.words(english))
        _remember(table, ("en", english), hit)
    return hit


def _frequency(table: TermTable, english: str) -> int:
    """Occurrences of an English term (as stems) in the English texts."""
    return table.phrases.get(_en_stems(table, english), 0) if table.phrases else 0


# ---------------------------------------------------------------------------------- compounds
def _entry(table: TermTable, lang: str, folded: str, inflected: bool = False):
    """The entries of one folded word of ``lang`` whose source is spelt as the word or, when
    ``inflected``, as its beginning (an ending added), at least MIN_PART letters: a stem shared by
    chance ("hidrog" of "hidrogén" in "hidrogénio") is not a part."""
    found = table.entries.get((lang, _word_key(lang, folded)))
    if not found:
        return None
    ok = tuple(e for e in found if e[1] == folded or (inflected and len(e[1]) >= MIN_PART
                                                      and folded.startswith(e[1])
                                                      and len(folded) - len(e[1]) <= MAX_ENDING))
    return ok or None


def truncated(table: TermTable, lang: str, word: str) -> tuple | None:
    """The entries of a folded word of an inflecting language read as a table word plus an ending
    (up to MAX_ENDING letters) its stemmer did not remove ("körforgásos" -> "körforgás"), the
    longest such word of at least MIN_LEMMA letters; None when there is none."""
    if lang not in INFLECTING or len(word) <= MIN_LEMMA:
        return None
    hit = table.cache.get(("t", lang, word), False)
    if hit is not False:
        return hit
    out = None
    for n in range(1, MAX_ENDING + 1):
        if len(word) - n < MIN_LEMMA:
            break
        found = _entry(table, lang, word[:-n])
        if found:
            out = (found, word[:-n])
            break
    _remember(table, ("t", lang, word), out)
    return out


def split_compound(table: TermTable, lang: str, word: str) -> list | None:
    """A one-word compound (folded) of ``lang`` read as two entries of the table: [(modifier entries),
    (head entries)] with their sources, or a learned prefix and the head's entries; None when no
    split covers the word. The split with the longest shorter part wins (fewest stray letters)."""
    links = COMPOUNDING.get(lang)
    if links is None and not any(word.startswith(p) for p in PREFIXES):
        return None
    hit = table.cache.get((lang, word), False)
    if hit is not False:
        return hit
    best = None
    for p, en in PREFIXES.items():  # "biogospodarka": bio + gospodarka
        if word.startswith(p) and len(word) - len(p) >= MIN_PART:
            head = _entry(table, lang, word[len(p):], inflected=True)
            if head and any(en + e[0] in table.corpus for e in head):
                best = (len(word), [(("prefix", en), p), (head, word[len(p):])])
                break
    for i in range(MIN_PART, len(word) - MIN_PART + 1) if links and best is None else ():
        right = word[i:]
        head = _entry(table, lang, right, inflected=True)
        if not head:
            continue
        for link in links:
            left = word[:i - len(link)] if link else word[:i]
            if len(left) < MIN_PART or (link and not word[:i].endswith(link)):
                continue
            mod = _entry(table, lang, left)
            if mod:
                score = min(len(left), len(right))
                if best is None or score > best[0]:
                    best = (score, [(mod, left), (head, right)])
                break
    out = best[1] if best else None
    _remember(table, (lang, word), out)
    return out


def _candidates(found: tuple, typed: str, table: TermTable | None = None) -> list:
    """An entry's English terms, best first: those of a source spelt as typed, then of a source the
    typed word extends (its inflected form), the dictionaries' before the strategies' own
    alignments (fewer, noisier), then by weight plus log10 of the term's frequency in the English
    texts (a frequent sense of the texts before a rare one)."""
    bonus = ({e[0]: math.log10(1 + _frequency(table, e[0])) for e in found} if table is not None
             else {e[0]: 0.0 for e in found})
    order = sorted(range(len(found)), key=lambda i: (found[i][1] != typed, not typed.startswith(found[i][1]),
                                                     found[i][3] == "strategies",
                                                     -(found[i][2] + bonus[found[i][0]]), i))
    out, seen = [], set()
    for i in order:
        if found[i][0] not in seen:
            seen.add(found[i][0])
            out.append(found[i])
    return out


def load_table(data_dir, sources_dir, priorities: pd.DataFrame) -> TermTable:
    """The term table of a snapshot (the dictionary table, then the snapshot's own bilingual table);
    an empty table when neither file is there."""
    frames = []
    for path in (Path(sources_dir) / SOURCES_FILE, Path(data_dir) / SNAPSHOT_FILE):
        if path.is_file():
            try:
                frames.append(pd.read_csv(path, dtype=str, keep_default_na=False))
            except Exception:  # a damaged table must not stop the app: search without it
                log.exception("query terms: %s could not be read", path.name)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return make_table(frame, *english_vocabulary(priorities))


# ------------------------------------------------------------------------------- build (data)
def bilingual_terms(priorities: pd.DataFrame) -> pd.DataFrame:
    """Word alignments from the priorities' own bilingual titles (``title`` in English,
    ``title_original`` in the strategy's language): for each original-language stem, the English
    title stem it co-occurs with most (Dice >= MIN_DICE, >= MIN_PAIRS priorities, the best by a
    clear margin), written as the English word most often seen with that stem. Rows as COLUMNS."""
    en_stop = S.STOP_WORDS
    count_o: Counter = Counter()
    count_e: Counter = Counter()
    both: Counter = Counter()
    surface_o: dict = defaultdict(Counter)
    surface_e: dict = defaultdict(Counter)
    where = "nuts_id" if "nuts_id" in priorities else "country"
    for row in priorities.to_dict("records"):
        title = S._text(row.get("title"))
        original = S._text(row.get("title_original"))
        if not title.strip() or not original.strip() or S.fold(title).strip() == S.fold(original).strip():
            continue
        langs = S.languages_of(S._text(row.get(where)))
        if not langs:
            continue
        lang = ISO3.get(langs[0])
        if not lang:
            continue
        e_stems = set()
        for w in S.words(title):
            f = S.fold(w)
            if f in en_stop or len(f) < S.SHORT_WORD or not f.isalpha():
                continue
            s = S.stem("english", w)
            e_stems.add(s)
            surface_e[s][f] += 1
        o_stems = set()
        for w in S.words(original):
            f = S.fold(w)
            if len(f) < S.SHORT_WORD or not f.isalpha():
                continue
            s = (lang,) + _key(lang, w)
            o_stems.add(s)
            surface_o[s][f] += 1
        for o in o_stems:
            count_o[o] += 1
        for e in e_stems:
            count_e[e] += 1
        for o in o_stems:
            for e in e_stems:
                both[(o, e)] += 1
    best: dict = {}
    for (o, e), c in both.items():
        if c < MIN_PAIRS:
            continue
        dice = 2 * c / (count_o[o] + count_e[e])
        best.setdefault(o, []).append((dice, c, e))
    rows = []
    for o, cands in best.items():
        cands.sort(reverse=True)
        dice, c, e = cands[0]
        if dice < MIN_DICE or (len(cands) > 1 and cands[1][0] > 0.8 * dice):
            continue
        source = surface_o[o].most_common(1)[0][0]
        english = surface_e[e].most_common(1)[0][0]
        if source == english:  # the same word in both titles: the search finds it already
            continue
        rows.append((o[0], source, english, "strategies", str(c), table_key(o[0], source)))
    rows.sort()
    return pd.DataFrame(rows, columns=COLUMNS + ["weight", "key"])


# -------------------------------------------------------------------------------- query time
def _content(ws: list[str]) -> list[bool]:
    return [S.fold(w) not in S.STOP_WORDS and any(c.isalpha() for c in w) for w in ws]


def translate(table: TermTable, query: str) -> Translation:
    """The English queries a query is also searched as (NONE when it needs none or the table
    cannot cover it)."""
    if table is None or not table.rows or not isinstance(query, str):
        return NONE
    terms, phrases = S.parse_query(query)
    ws = S.words(query[:S.MAX_QUERY_CHARS].replace('"', " "))[:S.MAX_WORDS]
    if not ws or (not terms and not phrases):
        return NONE
    content = _content(ws)
    if all(S.fold(w) in table.english or not c for w, c in zip(ws, content)):
        return NONE  # already English (every content word is a word of the English texts)
    tried = []
    folded = [S.fold(w) for w in ws]
    for order, lang in enumerate(table.langs):
        keys = [_word_key(lang, f) for f in folded]
        i, segments, covered, by_table, exact = 0, [], 0, 0, 0
        while i < len(ws):
            for n in range(min(MAX_PHRASE, len(ws) - i), 0, -1):
                key = tuple(t for k in keys[i:i + n] for t in k)
                found = table.entries.get((lang, key))
                if found:
                    cands = _candidates(found, " ".join(folded[i:i + n]), table)
                    if n == 1 and folded[i] in table.english:  # also an English word ("artificial")
                        cands.append((folded[i], folded[i], 0.0, ""))
                    elif n == 1 and content[i]:  # and its English cognate ("energia" -> "energy")
                        en = cognate(table, folded[i])
                        if en and all(c[0] != en for c in cands):
                            cands.append((en, folded[i], 0.0, "cognate"))
                    segments.append(cands)
                    exact += cands[0][1] == " ".join(folded[i:i + n])
                    covered += sum(content[i:i + n])
                    by_table += sum(content[i:i + n])
                    i += n
                    break
            else:
                unknown = content[i] and folded[i] not in table.english
                lemma = truncated(table, lang, folded[i]) if unknown else None
                parts = split_compound(table, lang, folded[i]) if unknown and not lemma else None
                if lemma:
                    segments.append(_with_english(table, _candidates(lemma[0], lemma[1], table), lemma[1]))
                    covered += 1
                    by_table += 1
                elif parts:
                    segments.extend(_compound_segments(table, parts))
                    covered += 1
                    by_table += 1
                else:
                    # a word left as typed counts as covered when it is already English (or a
                    # number), or a cognate of an English word of the texts
                    en = (cognate(table, folded[i]) if content[i] and folded[i] not in table.english
                          else None)
                    segments.append([(en, folded[i], 0.0, "cognate")] if en else [(ws[i], folded[i], 0.0, "")])
                    exact += en is None
                    covered += content[i] and (en is not None or folded[i] in table.english)
                i += 1
        if not any(seg[0][3] for seg in segments):
            continue
        if covered >= sum(content):
            tried.append(((by_table, exact, -order), lang, segments))
    if not tried:
        return NONE
    # of the languages that cover the query, the first few by their score: one whose terms make
    # a phrase of the English texts first ("efficienza energetica" is Italian, not Finnish)
    tried.sort(key=lambda t: t[0], reverse=True)
    best = None
    for rank, (score, lang, segments) in enumerate(tried[:LANG_TRIES]):
        parts, phrase = _phrase(table, segments)
        if best is None or (phrase, score) > best[0]:
            best = ((phrase, score), lang, segments, parts)
        if len(segments) < 2:
            break
    _, lang, segments, parts = best
    options = [parts]
    if len(segments) == 1 and len(segments[0]) > 1 and segments[0][1][2] >= ALT_WEIGHT:
        options.append([segments[0][1]])  # a second sense of a one-term query, several entries agreeing
    queries, origins = [], []
    for parts in options[:MAX_QUERIES]:
        q = " ".join(p[0] for p in parts)
        if q not in queries and S.fold(q) != S.fold(query):
            queries.append(q)
            kinds = {p[3] for p in parts}
            origins.append("strategies" if "strategies" in kinds else "dictionary" if kinds - {"cognate", ""}
                           else "cognate")
    return Translation(lang, tuple(queries), tuple(origins)) if queries else NONE


def _compound_segments(table: TermTable, parts: list) -> list:
    """The segments of a split compound: a learned prefix joined to each of its head's terms that
    the English texts write as one word ("bio" + "economy"), else one segment per part."""
    (mod, msrc), (head, hsrc) = parts
    heads = _candidates(head, hsrc, table)
    if isinstance(mod, tuple) and mod and mod[0] == "prefix":
        return [[(mod[1] + h[0], msrc + hsrc, h[2], h[3]) for h in heads if mod[1] + h[0] in table.corpus]]
    return [_with_english(table, _candidates(mod, msrc, table), msrc), _with_english(table, heads, hsrc)]


def _with_english(table: TermTable, cands: list, part: str) -> list:
    """A compound part's candidates, and the part itself when it is English ("gas") or its cognate."""
    f = S.fold(part)
    en = f if f in table.english else cognate(table, f)
    if en and all(c[0] != en for c in cands):
        cands = cands + [(en, f, 0.0, "" if en == f else "cognate")]
    return cands


def _combine(table: TermTable, segments: list) -> list:
    """One English term per segment (see ``_phrase``)."""
    return _phrase(table, segments)[0]


def _phrase(table: TermTable, segments: list) -> tuple[list, bool]:
    """One English term per segment: the first candidates, unless other candidates (the first
    three of each, a typed word that is English itself and a cognate) make a phrase of the English
    texts (the most frequent such phrase), in the query's order or, for two segments, the other
    (adjective after the noun: "economía circular" -> "circular economy"); failing that, two
    one-word candidates whose stems begin as a phrase's do (``loose_phrases``). And whether a
    phrase of the texts was found."""
    first = [seg[0] for seg in segments]
    if len(segments) < 2 or not table.phrases:
        return first, False
    best = None
    loose = None
    pools = [seg[:3] + [c for c in seg[3:] if c[3] in ("", "cognate")] for seg in segments]
    for combo in itertools.islice(itertools.product(*pools), 256):
        orders = [list(combo)] + ([list(combo[::-1])] if len(combo) == 2 else [])
        for k, parts in enumerate(orders):
            key = tuple(t for p in parts for t in _en_stems(table, p[0]))
            if key in table.phrases:  # the most frequent phrase, then the best-ranked candidates
                typed = sum(not c[3] for c in combo)  # a typed English word, spelt as typed
                rank = (-table.phrases[key], -typed, sum(seg.index(c) for seg, c in zip(pools, combo)), k)
                if best is None or rank < best[0]:
                    best = (rank, parts)
            elif best is None and len(key) == 2 and table.loose:
                hit = table.loose.get(tuple(t[:LOOSE] for t in key))
                if hit:
                    rank = (-hit[0], sum(seg.index(c) for seg, c in zip(pools, combo)), k)
                    if loose is None or rank < loose[0]:
                        loose = (rank, [(w, p[1], p[2], p[3]) for w, p in zip(hit[1], parts)])
    if best:
        return best[1], True
    if loose:
        return loose[1], True
    return first, False


def expanded_search(index: S.SearchIndex, table: TermTable | None, query: str,
                    limit_related: int = 100) -> tuple[pd.DataFrame, Translation]:
    """The search's result for the query merged with those of its English translations (see the
    module docstring), with a ``via`` column; and the translation used."""
    first = S.search(index, query, limit_related)
    tr = translate(table, query) if table is not None else NONE
    if not tr.queries:
        return first.assign(via=""), tr
    frames = [first.assign(via="")] + [S.search(index, q, limit_related).assign(via=q) for q in tr.queries]
    hits = pd.concat(frames, ignore_index=True)
    exact = hits[hits.match == "exact"].drop_duplicates("priority_id", keep="first")
    related = hits[(hits.match == "related") & ~hits.priority_id.isin(exact.priority_id)]
    related = (related.sort_values("score", ascending=False, kind="stable")
               .drop_duplicates("priority_id", keep="first").head(int(limit_related or 0)))
    out = pd.concat([exact, related], ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    used = tuple(q for q in tr.queries if (out.via == q).any())
    tr = Translation(tr.lang, used, tuple(o for q, o in zip(tr.queries, tr.origins) if q in used))
    return out.reset_index(drop=True), tr

