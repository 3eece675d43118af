"""Notes of the sources in words a reader of the atlas understands.

The source tables keep how each row was gathered, in the words of whoever gathered it ("stored
excerpt", "PARTIAL:", "not captured", "extracted in repo's panel_master.csv"). The atlas shows
those notes to its users: these pure functions put them in plain words, and split a strategy's
period ("2014-2020 (period not stated on the page; ...)") into the period a table shows and the
note its detail shows. The snapshot is left as it was gathered (the downloads carry it whole).
"""
from __future__ import annotations

import re

PERIOD_NOT_STATED = "period not stated in the source"
PERIOD_IN_DETAIL = "period: see the details"  # a period told in a sentence, not in years

# Whole notes that only a rewrite makes plain.
NOTES = {
    "unclear in sources (S3P; platform not stated in excerpts)":
        "not stated in the sources, which name it an S3 partnership without its platform",
}

# Words of the gathering, wherever they occur (applied in this order, case-insensitive).
REWRITES = (
    (r"\s*\((?:region-page-test|new) layout\)", ""),
    (r"\s*\(extracted in [^)]*\)", ""),
    (r"\bPARTIAL( list)?\s*:", r"Incomplete\1:"),
    (r"\bPARTIAL\b", "incomplete"),
    (r"\s+[–-]\s+Incomplete", "; incomplete"),
    (r"\b(?:the )?(?:official page )?(?:stored )?(?:excerpt|page text|copy|text|page)\s+(?:was |is )?"
     r"(?:cut(?: off| short)?|truncated|ends)\b", "the page text that was read stops"),
    (r"\b(?:the )?stored (?:excerpts?|page text|page|copy|text)\b", "the copy of the page that was read"),
    (r"\b(?:the )?(?:official page )?excerpts\b", "the pages that were read"),
    (r"\b(?:the )?(?:official page )?excerpt\b", "the copy of the page that was read"),
    (r"\bcopy of the page reads\b", "copy of the page that was read"),
    (r"\bEye@RIS3 encoding\b", "Eye@RIS3 listing"),
    (r"\bEye@RIS3 encoded\b", "Eye@RIS3 listed"),
    (r"\bnot captured\b", "not in this atlas"),
    (r"\bthe work-list\b", "the listed"),
    (r"\bnot stated on page\b", "not stated on the page"),
    (r" assumed for the id\b", " assumed"),
    (r"(?<=; )Incomplete", "incomplete"),
)
_REWRITES = tuple((re.compile(p, re.IGNORECASE), r) for p, r in REWRITES)


def plain(note: str) -> str:
    """A source note in plain words ('' stays '')."""
    text = str(note or "").strip()
    if text in NOTES:
        return NOTES[text]
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text[:1].upper() + text[1:] if text.startswith("incomplete") else text


# A period as a table shows it: years ("2021-2027", "2014-2020+", "2017-"), "to 2030", "until 2029",
# "from 2020", or "current".
_PERIOD = re.compile(r"^(?:\d{4}\s*[-–]\s*(?:\d{4}\+?)?|(?:to|until|from)\s+\d{4}|current)(?=[\s(;,–]|$)",
                     re.IGNORECASE)
_NOT_STATED = re.compile(r"^not stated(?: on (?:the )?page| in (?:the )?source)?", re.IGNORECASE)
SHORT_PERIOD = 30  # longer text before the first bracket is a note, not a period


def _note(rest: str) -> str:
    rest = rest.strip().lstrip("–-;, ").strip()
    if rest.startswith("(") and rest.count("(") >= 1:
        close = rest.find(")")
        inner, after = (rest[1:close], rest[close + 1:]) if close > 0 else (rest[1:], "")
        rest = inner + (("; " + after.strip().lstrip("–-;, ")) if after.strip() else "")
    return plain(rest)


def split_period(period: str) -> tuple[str, str]:
    """(the period a table shows, '' when the source states none; the rest of the note, in plain
    words). '2014-2020 (update approved 11 July 2016)' -> ('2014-2020', 'update approved 11 July
    2016'); 'not stated on page' -> ('', '')."""
    text = str(period or "").strip()
    m = _NOT_STATED.match(text)
    if m or not text:
        return "", _note(text[m.end():] if m else "")
    m = _PERIOD.match(text)
    if m:
        return m.group(0).strip(), _note(text[m.end():])
    head = text.split(" (", 1)[0]
    if len(head) <= SHORT_PERIOD and head != text:
        return head, _note(text[len(head):])
    return (PERIOD_IN_DETAIL, plain(text)) if len(text) > SHORT_PERIOD else (text, "")


def period_label(short: str) -> str:
    """What a table shows for a strategy's period."""
    return short or PERIOD_NOT_STATED
