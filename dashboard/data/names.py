"""Region names written in one script.

Some national names in the GISCO boundaries mix scripts inside a word: "Aττική" begins with a Latin
A, "Сpбија" has a Latin p. They look right but are not the words (a search for "Αττική" misses
them, a font may draw them apart). Inside a word that is otherwise Greek or Cyrillic, Latin
letters drawn the same are replaced by that script's letter; other words are left as they are.
"""
from __future__ import annotations

import re
import unicodedata

_GREEK = dict(zip("ABEZHIKMNOPTYXo", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο"))
_CYRILLIC = dict(zip("ABEKMHOPCTXaeopcxy", "АВЕКМНОРСТХаеорсху"))
_WORD = re.compile(r"\w+")


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ")[0]


def _one_script(word: str) -> str:
    scripts = {_script(c) for c in word if c.isalpha()}
    for script, table in (("GREEK", _GREEK), ("CYRILLIC", _CYRILLIC)):
        if scripts == {script, "LATIN"}:
            latin = [c for c in word if _script(c) == "LATIN"]
            if all(c in table for c in latin):
                return "".join(table.get(c, c) if _script(c) == "LATIN" else c for c in word)
    return word


def one_script(name: str) -> str:
    """The name with every mixed Greek/Latin or Cyrillic/Latin word written in one script."""
    return _WORD.sub(lambda m: _one_script(m.group(0)), name) if isinstance(name, str) else name
