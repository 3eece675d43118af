"""TF-IDF over character n-grams, in numpy. Pure; no Dash.

Used by the classifier to compare a priority's text with the priorities whose
codes come from a source; its stop words serve the similar-regions index too.

Features
    The text is folded (lower case, accents removed) and split into words of
    three or more letters; ``STOP_WORDS`` (function words of the sources'
    languages and generic S3 words) are dropped. Each word, padded with spaces, gives its character
    n-grams of length ``N_MIN``..``N_MAX`` (" bio", "biot", ...). N-grams inside
    words make related forms meet ("pharmaceutical" and "pharma", "Biotechnologie"
    and "biotechnology") without a stemmer for each language.

Weights
    ``tf = 1 + ln(count)``, ``idf = ln((1 + N) / (1 + df)) + 1`` over the N
    documents the vectoriser was fitted on; rows are L2-normalised, so a dot
    product is a cosine in [0, 1].
"""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from .atlas import fold

N_MIN, N_MAX = 3, 5
WORD = re.compile(r"[^\W\d_]{3,}")

STOP_WORDS = frozenset("""
and the for with from into onto that this these those their its are was were been being have has had not but
all any can may more most other such than then also via per use using used based new including include
towards toward within between through under over about well both each which who whom whose where when what how
our out off own same very just only will shall should would could must one two three first second
smart specialisation specialization strategy strategies priority priorities domain domains area areas field fields
sector sectors related development developing develop activities activity services service systems system
technologies technology solutions innovation innovative industry industries
pro pri jako nebo ale jejich jeho oblast oblasti nove nova novych dalsi
och med samt till inom fran det den som seka etta und der die das fur mit von des les pour avec aux sur
del para con los las dos das per della delle dei degli nel oraz dla pentru sau van voor met het een""".split())
# English function words, generic S3 words, then function words of the sources' languages (Czech; Swedish,
# Finnish, German, French, Spanish, Portuguese, Italian, Polish, Romanian, Dutch), folded, three letters or more.


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(fold(text)) if w not in STOP_WORDS]


def grams(text: str) -> Counter:
    out: Counter = Counter()
    for w in words(text):
        padded = f" {w} "
        for n in range(N_MIN, N_MAX + 1):
            for i in range(len(padded) - n + 1):
                out[padded[i:i + n]] += 1
    return out


class TfidfIndex:
    """Vocabulary and idf fitted on a corpus; ``transform`` gives L2-normalised dense rows.

    The corpora here are small (about a thousand short texts): rows are dense
    float32 over the fitted vocabulary, made a few hundred at a time; n-grams not
    seen when fitting are ignored.
    """

    def __init__(self, corpus: list[str]):
        counts = [grams(t) for t in corpus]
        df: Counter = Counter()
        for c in counts:
            df.update(c.keys())
        self.vocab = {g: i for i, g in enumerate(sorted(df))}
        n = len(corpus)
        self.idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in sorted(df)], dtype=np.float32)

    def cosine(self, queries: list[str], refs: list[str], chunk: int = 256) -> np.ndarray:
        """Cosine of every query text with every reference text (len(queries) x len(refs))."""
        r = self.transform(refs)
        out = np.zeros((len(queries), len(refs)), dtype=np.float32)
        for s in range(0, len(queries), chunk):
            out[s:s + chunk] = self.transform(queries[s:s + chunk]) @ r.T
        return out

    def transform(self, texts: list[str]) -> np.ndarray:
        m = np.zeros((len(texts), len(self.vocab)), dtype=np.float32)
        for r, t in enumerate(texts):
            for g, c in grams(t).items():
                j = self.vocab.get(g)
                if j is not None:
                    m[r, j] = (1 + math.log(c)) * self.idf[j]
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
