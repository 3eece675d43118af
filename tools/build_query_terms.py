"""Write geodata/sources/query_terms.csv: EU-language words and phrases -> English terms of the
priorities, from the FreeDict bilingual dictionaries installed by Debian's dict-freedict-* packages.

    apt-get install dict-freedict-deu-eng dict-freedict-eng-deu ...   (see DICTIONARIES)
    .venv/bin/python tools/build_query_terms.py [--dictd /usr/share/dictd] [--data geodata/snapshot]

Each dictionary (dictd format: .index + .dict.dz) is read entry by entry. X->English entries give
(headword -> translations: 2 votes for the first sense, 1 for the others); English->X entries are
read backwards (translation -> headword, 1 vote); X->German and German->X entries chained with
German->English (half a vote). A source term's translations are ranked by their votes. Kept: English terms of at most four words
whose English Snowball stems occur as a sequence in the snapshot's English texts (titles,
descriptions), so every term kept finds something; at most three per source term. Run it again
after the snapshot's texts change; the app reads the CSV and needs neither the dictionaries nor
this script.
"""
from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.data import search as S  # noqa: E402
from dashboard.data.crosslang import COLUMNS, MAX_PHRASE, table_key  # noqa: E402

# (dictionary, language of the non-English side, direction); EU languages FreeDict has with English
DICTIONARIES = [
    (f"freedict-{x}-eng", x, "to_en") for x in
    ("deu", "fra", "ita", "spa", "pol", "ces", "fin", "swe", "por", "nld", "hun", "ell", "dan", "slk", "slv",
     "hrv", "lit")
] + [
    (f"freedict-eng-{x}", x, "from_en") for x in
    ("deu", "fra", "ita", "spa", "pol", "ces", "fin", "swe", "por", "nld", "hun", "ell", "dan", "hrv", "lit", "bul")
] + [("freedict-eng-rom", "ron", "from_en")]  # FreeDict's name for Romanian; the table's code is ISO 639-3
# X->German and German->X dictionaries, chained with German->English (weaker: after the direct ones)
PIVOTS = [(f"freedict-{x}-deu", x, "to_pivot") for x in ("ita", "nld", "por", "spa", "swe", "pol", "fin")] + [
    (f"freedict-deu-{x}", x, "from_pivot") for x in ("ita", "nld", "por", "swe")]
PER_SOURCE = 3
B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
SKIP_LINE = re.compile(r"^\s*(synonyms?|antonyms?|see|note|notes|usage|example|examples|plural|from)\b\s*:?",
                       re.I)
NOISE = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|/[^/]*/")


def b64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + B64[c]
    return n


def entries(base: Path):
    """(headword, [translation items]) of a dictd dictionary."""
    data = gzip.open(base.with_suffix(".dict.dz")).read()
    for line in base.with_suffix(".index").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].startswith("00-database") or parts[0].startswith("00database"):
            continue
        head = parts[0]
        text = data[b64(parts[1]):b64(parts[1]) + b64(parts[2])].decode("utf-8", errors="replace")
        items = []
        for ln in text.splitlines()[1:]:
            if not ln.strip() or SKIP_LINE.match(ln):
                continue
            ln = re.sub(r"^\s*\d+\.\s*", "", NOISE.sub(" ", ln))
            for item in re.split(r"[,;]", ln):
                item = " ".join(item.split()).strip(" .:!?\"'")
                if item:
                    items.append(item)
        yield head, items


def english_ngrams(priorities: pd.DataFrame) -> set:
    """English stem sequences (1..MAX_PHRASE) of the English texts."""
    grams = set()
    for col in ("title", "description"):
        for text in priorities[col].dropna().astype(str):
            st = [S.stem("english", w) for w in S.words(text)]
            for n in range(1, MAX_PHRASE + 1):
                for i in range(len(st) - n + 1):
                    grams.add(tuple(st[i:i + n]))
    return grams


@lru_cache(maxsize=None)
def english_key(term: str) -> tuple:
    return tuple(S.stem("english", w) for w in S.words(term))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dictd", default="/usr/share/dictd")
    ap.add_argument("--data", default=str(ROOT / "geodata" / "snapshot"))
    ap.add_argument("--out", default=str(ROOT / "geodata" / "sources" / "query_terms.csv"))
    args = ap.parse_args(argv)
    priorities = pd.read_csv(Path(args.data) / "priorities.csv", dtype=str)
    grams = english_ngrams(priorities)

    def useful(term: str) -> bool:
        key = english_key(term)
        return (0 < len(key) <= MAX_PHRASE and key in grams and all(w.isalpha() for w in S.words(term))
                and any(S.fold(w) not in S.STOP_WORDS for w in S.words(term)))

    # (lang, folded source) -> {english: [votes, first seen]}: a translation given by several
    # entries (both directions, or as an entry's first sense) ranks first
    votes: dict = defaultdict(dict)
    seen = 0

    def vote(lang, src, t, weight):
        nonlocal seen
        fsrc = " ".join(S.fold(w) for w in S.words(src))
        t = " ".join(S.words(t))
        if not fsrc or len(fsrc.split()) > MAX_PHRASE or not t or S.fold(t) == fsrc or not useful(t):
            return 0
        got = votes[(lang, fsrc)]
        if t not in got:
            seen += 1
            got[t] = [0.0, seen]
        got[t][0] += weight
        return 1

    german: dict = {}  # folded German headword -> English translations (for the pivots)
    for name, lang, direction in DICTIONARIES + PIVOTS:
        base = Path(args.dictd) / name
        if not base.with_suffix(".index").is_file():
            print(f"  {name}: not installed, left out")
            continue
        n = 0
        for head, items in entries(base):
            if direction == "to_en":
                for i, t in enumerate(items):
                    n += vote(lang, head, t, 2.0 if i == 0 else 1.0)
                if lang == "deu":
                    german.setdefault(S.fold(head), []).extend(items[:3])
            elif direction == "from_en":
                for src in items:
                    n += vote(lang, src, head, 1.0)
            else:  # through German: half a vote
                pairs = ([(head, g) for g in items[:2]] if direction == "to_pivot" else [(x, head) for x in items])
                for src, g in pairs:
                    for t in german.get(S.fold(g), ())[:2]:
                        n += vote(lang, src, t, 0.5)
        print(f"  {name}: {n} translations kept")
    rows = []
    for (lang, src), got in votes.items():
        ranked = sorted(got.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:PER_SOURCE]
        key = table_key(lang, src)
        rows.extend((lang, src, eng, "dictionary", f"{v:g}", key) for eng, (v, _) in ranked)
    out = pd.DataFrame(rows, columns=COLUMNS + ["weight", "key"]).sort_values(["lang", "source"], kind="stable")
    out.to_csv(args.out, index=False)
    print(f"{len(out)} rows, {out.source.nunique()} source terms, {out.lang.nunique()} languages -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
