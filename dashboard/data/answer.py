"""A view's answer: what its filters find, computed once and shared by everything that draws it.

The map, the priorities table, the count line and the exports of a view all start from the same
values: the keyword's search result, the priorities the filters keep and the count of matching
priorities per strategy territory. ``view_answer`` computes them once per (snapshot, filters) and
keeps the last ``ANSWER_MEMO`` answers of a process: the map and table requests of one change
(and the page, the exports, the count line) take the answer the first of them computed instead of
filtering and searching again. The answer depends on the snapshot and the filters alone, never
on who asks, so any worker computes the same one: a memo, not state.

Fields are plain values (DataFrames, arrays) read by the view functions; add a field by computing
it in ``compute_answer``. Answers are shared: treat them as read-only.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from threading import Lock

import numpy as np
import pandas as pd

from ..settings import ANSWER_MEMO
from .atlas import Atlas, AtlasKey
from .query import Filters, counts_by_territory, keyword_hits, matching_priorities, priority_mask


@dataclass(frozen=True, eq=False)
class Answer:
    """What the filters of a view find (read-only).

    filters: the filters answered (the selected region included);
    hits: the keyword's search result (``query.keyword_hits``; empty without a keyword);
    mask: the atlas' priority rows the filters keep;
    priorities: those rows, with the keyword's match, score, matched words and rank when there is one;
    counts: matching priorities and strategies per strategy territory, as the map shows them (the
    selected region does not narrow it; with a keyword, exact matches counted apart from related).
    """
    filters: Filters
    hits: pd.DataFrame
    mask: np.ndarray
    priorities: pd.DataFrame
    counts: pd.DataFrame


def _empty_hits() -> pd.DataFrame:
    return pd.DataFrame({"priority_id": pd.Series(dtype=object), "match": pd.Series(dtype=object),
                         "score": pd.Series(dtype=float), "matched": pd.Series(dtype=object),
                         "rank": pd.Series(dtype=np.int64), "row": pd.Series(dtype=np.int64)})


def compute_answer(atlas: Atlas, f: Filters) -> Answer:
    """The answer of ``f``, computed (no memo)."""
    hits = keyword_hits(atlas, f.keyword) if f.keyword.strip() else _empty_hits()
    mask = priority_mask(atlas, f)
    mask.setflags(write=False)
    return Answer(filters=f, hits=hits, mask=mask, priorities=matching_priorities(atlas, f, mask),
                  counts=counts_by_territory(atlas, replace(f, region="")))


class _Memo:
    """The last ``size`` answers, per (atlas, filters); one computation per key at a time."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = Lock()
        self._computing: dict = {}

    def get(self, atlas: Atlas, f: Filters) -> Answer:
        if self.size <= 0:
            return compute_answer(atlas, f)
        key = (AtlasKey(atlas), f)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
            # a thread of this process already computing it: wait for its answer
            busy = self._computing.setdefault(key, Lock())
        with busy:
            with self._lock:
                found = self._items.get(key)
            if found is None:
                found = compute_answer(atlas, f)
                with self._lock:
                    self._items[key] = found
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            with self._lock:
                self._computing.pop(key, None)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_memo = _Memo(ANSWER_MEMO)


def view_answer(atlas: Atlas, f: Filters) -> Answer:
    """The answer of ``f``: from this process' memo when it was computed lately, else computed."""
    return _memo.get(atlas, f)


def clear_answers() -> None:
    """Forget the answers kept (tests compare answers with and without the memo)."""
    _memo.clear()
