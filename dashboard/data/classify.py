"""Transparent, reproducible assignment of NACE divisions, NABS chapters and
EU industrial ecosystems to priorities.

Two reviewed tables in geodata/sources drive it:
- classification_rules.csv: a regular expression over a priority's title
  (English and original), description and keywords, and the codes it implies;
- nace_ecosystem_map.csv: the ecosystem a NACE division belongs to, used for
  NACE codes that come from a source (the Czech domains).
Codes from a source are kept with origin "source"; everything this module adds
has origin "auto" and names the rule that produced it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .schema import DataError, read_csv, require_known, require_unique, sheet_row


@dataclass(frozen=True)
class Rule:
    rule_id: str
    pattern: re.Pattern
    nace: tuple[str, ...]
    nabs: tuple[str, ...]
    ecosystems: tuple[str, ...]


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(";") if c.strip())


class Classifier:
    def __init__(self, rules: list[Rule], nace_to_ecosystem: dict[str, str]):
        self.rules = rules
        self.nace_to_ecosystem = nace_to_ecosystem

    @classmethod
    def from_files(cls, rules_path: Path, eco_map_path: Path, nace: set[str], nabs: set[str], eco: set[str]):
        df = read_csv(rules_path, ["rule_id", "pattern", "nace_divisions", "nabs_chapters", "ecosystem_ids"])
        require_unique(df, "rule_id", rules_path)
        rules = []
        for i, r in df.iterrows():
            try:
                pat = re.compile(r.pattern, re.IGNORECASE)
            except re.error as exc:
                raise DataError(rules_path, f"bad pattern ({exc})", row=sheet_row(i), column="pattern") from exc
            for col, allowed in (("nace_divisions", nace), ("nabs_chapters", nabs), ("ecosystem_ids", eco)):
                for code in _codes(r[col]):
                    if code not in allowed:
                        raise DataError(rules_path, f"unknown code '{code}'", row=sheet_row(i), column=col)
            rules.append(Rule(r.rule_id, pat, _codes(r.nace_divisions), _codes(r.nabs_chapters), _codes(r.ecosystem_ids)))
        m = read_csv(eco_map_path, ["nace_division", "ecosystem_id"])
        require_unique(m, "nace_division", eco_map_path)
        require_known(m, "nace_division", nace, eco_map_path, what="NACE division")
        require_known(m, "ecosystem_id", eco, eco_map_path, what="ecosystem id")
        return cls(rules, dict(zip(m.nace_division, m.ecosystem_id)))

    @staticmethod
    def text_of(p) -> str:
        return " ".join(str(getattr(p, c, "") or "") for c in ("title", "title_original", "description", "keywords"))

    def classify(self, priorities: pd.DataFrame, source_codes: pd.DataFrame) -> pd.DataFrame:
        """Long table: priority_id, scheme, code, origin (source|auto), rule."""
        rows = [] if source_codes is None or source_codes.empty else source_codes.to_dict("records")
        have = {(r["priority_id"], r["scheme"], r["code"]) for r in rows}

        def add(pid, scheme, code, rule):
            if (pid, scheme, code) not in have:
                have.add((pid, scheme, code))
                rows.append({"priority_id": pid, "scheme": scheme, "code": code, "origin": "auto", "rule": rule})

        for p in priorities.itertuples(index=False):
            text = self.text_of(p)
            for rule in self.rules:
                if rule.pattern.search(text):
                    for c in rule.nace:
                        add(p.priority_id, "nace", c, f"keyword rule '{rule.rule_id}'")
                    for c in rule.nabs:
                        add(p.priority_id, "nabs", c, f"keyword rule '{rule.rule_id}'")
                    for c in rule.ecosystems:
                        add(p.priority_id, "ecosystem", c, f"keyword rule '{rule.rule_id}'")
        # Ecosystems implied by NACE divisions that a source gave.
        for r in list(rows):
            if r["scheme"] == "nace" and r["origin"] == "source" and r["code"] in self.nace_to_ecosystem:
                add(r["priority_id"], "ecosystem", self.nace_to_ecosystem[r["code"]],
                    f"NACE {r['code']} (from source) -> ecosystem map")
        df = pd.DataFrame(rows, columns=["priority_id", "scheme", "code", "origin", "rule"])
        return df.sort_values(["priority_id", "scheme", "code"]).reset_index(drop=True)
