"""The one URL query-string codec every page uses.

Pages describe their parameters as small validators (raw text -> value, or a note saying why
it was dropped); ``decode`` applies them and never raises, ``encode`` writes parameters in a
fixed order so one view has one URL. The display flags (embed, present, controls) are read
and written here for every page.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

MAX_QUERY_LENGTH = 4000
DISPLAY_KEYS = ("embed", "present", "controls")
# Parameters read by other parts of the app (compare, the presentation stepper): pass silently.
PASS_THROUGH = frozenset({"regions", "story", "step"})


def short(text, n: int = 40) -> str:
    """Text fit to quote back to a user: printable characters only, at most n."""
    text = "".join(ch for ch in str(text) if ch.isprintable())
    return text if len(text) <= n else text[: n - 1] + "…"


def whole(text: str) -> bool:
    """A plain ASCII whole number of at most 9 digits (str.isdigit also accepts '²' and '٣')."""
    return re.fullmatch(r"[0-9]{1,9}", text) is not None


def pairs(query: str | Mapping | None) -> tuple[list[tuple[str, str]], list[str]]:
    """(key, stripped value) pairs of '?a=b&c=d', 'a=b' or a dict of strings, and notes."""
    if query is None:
        return [], []
    if isinstance(query, Mapping):
        return [(k, v.strip()) for k, v in query.items() if isinstance(v, str)], []
    if len(query) > MAX_QUERY_LENGTH:
        return [], [f"The link was longer than {MAX_QUERY_LENGTH} characters and was ignored."]
    return [(k, v.strip()) for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False)], []


STORY_KEYS = ("story", "step")  # the presentation stepper's place


def carry(query: str, current: str | None, keys: Collection[str] = DISPLAY_KEYS + STORY_KEYS) -> str:
    """``query`` with the parameters ``keys`` that ``current`` has and ``query`` lacks: a page that
    writes its URL from its own state keeps the display mode (embed, presentation) and the place
    in a story, which that state does not hold."""
    own = pairs(query)[0]
    have = {k for k, _ in own}
    return encode(own + [(k, v) for k, v in pairs(current)[0] if k in keys and k not in have])


def same(a: str | None, b: str | None) -> bool:
    """Two query strings with the same parameters, in any order (writing one over the other would
    only add a step to the browser's history)."""
    return sorted(pairs(a)[0]) == sorted(pairs(b)[0])


def first(query: str | None, key: str) -> str:
    """The first value of one parameter ('' when absent)."""
    return next((v for k, v in pairs(query)[0] if k == key), "")


def encode(items: Iterable[tuple[str, str]]) -> str:
    """'?a=b&...' of the non-empty items, or '' (commas of lists left readable)."""
    out = [(k, v) for k, v in items if v not in ("", None)]
    return "?" + urlencode(out, safe=",") if out else ""


# --------------------------------------------------------------------------- validators

class Drop:
    """A validator's answer for a value that is dropped: with a note, or silently (None)."""

    def __init__(self, note: str | None = None):
        self.note = note


class Kept:
    """A validator's answer for a value kept after a change the user should hear of (cut short)."""

    def __init__(self, value, note: str):
        self.value, self.note = value, note


Validator = Callable[[str], object]  # raw text -> value, Kept or Drop


def one_of(allowed: Collection[str], note: str, empty: Collection[str] = ()) -> Validator:
    """A value from a fixed set; ``note`` formats the rejected value ('{}'), ``empty`` values drop silently."""
    def check(raw: str):
        if raw in allowed:
            return raw
        return Drop(None if raw in empty else note.format(short(raw)))
    return check


def integer(lo: int, hi: int, note: str, empty: Collection[str] = ()) -> Validator:
    def check(raw: str):
        if whole(raw) and lo <= int(raw) <= hi:
            return int(raw)
        return Drop(None if raw in empty else note.format(short(raw)))
    return check


# Characters a typed text never holds: controls, invisible format characters (bidirectional
# overrides, soft hyphens), surrogates, private-use and unassigned code points, and U+FFFD, which
# stands for bytes that were not valid UTF-8 in the link.
UNWANTED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
INVALID = "\ufffd"


def clean(raw: str) -> tuple[str, list[str]]:
    """(text without control or invalid characters, the removed ones as U+XXXX, each once).
    Line breaks and tabs become spaces (they separate words)."""
    kept, removed = [], []
    for ch in raw:
        if ch.isspace():
            kept.append(" " if unicodedata.category(ch) == "Cc" else ch)
        elif ch == INVALID or unicodedata.category(ch) in UNWANTED:
            removed.append(f"U+{ord(ch):04X}")
        else:
            kept.append(ch)
    return "".join(kept).strip(), list(dict.fromkeys(removed))


def text(limit: int, what: str = "keyword") -> Validator:
    """Free text: control and invalid characters removed, cut to ``limit`` characters; the user
    is told of each change."""
    def check(raw: str):
        value, removed = clean(raw)
        notes = []
        if removed:
            shown = ", ".join(removed[:5]) + (f" and {len(removed) - 5} more" if len(removed) > 5 else "")
            notes.append(f"Control or invalid characters were removed from the {what}: {shown}.")
        if len(value) > limit:
            value = value[:limit].rstrip()
            notes.append(f"The {what} was cut to {limit} characters.")
        if not value:
            return Drop(" ".join(notes) or None)
        return Kept(value, " ".join(notes)) if notes else value
    return check


def flag(key: str) -> Validator:
    def check(raw: str):
        if raw in {"1", "true", "yes", "on"}:
            return True
        if raw in {"0", "false", "no", "off"}:
            return False
        return Drop(f"'{key}' takes 1 or 0, not '{short(raw)}'.")
    return check


@dataclass(frozen=True)
class Field:
    """One URL parameter: its validator and, for lists, how many items are kept."""
    check: Validator
    max_items: int = 0  # > 0: a comma-separated list, each item checked


def decode(query: str | Mapping | None, schema: Mapping[str, Field],
           pass_through: Collection[str] = PASS_THROUGH) -> tuple[dict, list[str]]:
    """(values, notes): each known parameter checked by its field; unknown ones noted and dropped."""
    items, notes = pairs(query)
    values: dict = {}
    for key, raw in items:
        field = schema.get(key)
        if field is None:
            if key not in pass_through:
                notes.append(f"Unknown parameter '{short(key)}' was ignored.")
            continue
        if field.max_items:
            good, bad = [], []
            for item in (c.strip() for c in raw.split(",")):
                if item:
                    v = field.check(item)
                    (bad if isinstance(v, Drop) else good).append(item if isinstance(v, Drop) else v)
            good = list(dict.fromkeys(good))
            if bad:
                notes.append(f"Unknown {key.upper() if key != 'eco' else 'ecosystem'} code(s) ignored: "
                             f"{', '.join(short(b) for b in bad[:5])}.")
            if len(good) > field.max_items:
                notes.append(f"Only the first {field.max_items} {key} codes were kept.")
                good = good[: field.max_items]
            values[key] = tuple(good)
            continue
        v = field.check(raw)
        if isinstance(v, (Drop, Kept)) and v.note:
            notes.append(v.note)
        if not isinstance(v, Drop):
            values[key] = v.value if isinstance(v, Kept) else v
    return values, notes


# --------------------------------------------------------------------------- display flags

def display_of(query: str) -> dict:
    """The display flags (embed, present, controls) of any page's query string."""
    flags = dict(pairs(query or "")[0])
    return {"embed": flags.get("embed") in {"1", "true"}, "present": flags.get("present") in {"1", "true"},
            "controls": flags.get("controls") not in {"0", "false"}}


def display_query(display: dict) -> str:
    """'embed=1&present=1&controls=0' parts for links that keep the display mode."""
    parts = [f"{k}=1" for k in ("embed", "present") if display.get(k)]
    if display.get("controls") is False:
        parts.append("controls=0")
    return "&".join(parts)


def without(search: str, keys: Collection[str]) -> str:
    """The query string with some parameters removed (blank values kept)."""
    kept = [(k, v) for k, v in parse_qsl((search or "").lstrip("?"), keep_blank_values=True) if k not in keys]
    return "?" + urlencode(kept) if kept else ""
