"""Transparent, reproducible assignment of NACE divisions, NABS chapters and
EU industrial ecosystems to priorities.

Codes from a source are kept with origin "source"; everything this module adds
has origin "auto" and its ``rule`` column says which method produced it and why.
Three methods, in order of trust:

1. Reviewed keyword map (geodata/sources/classification_rules.csv): a regular
   expression over a priority's title (English and original), description and
   keywords, and the codes it implies. Every match is assigned.
2. Nearest source-coded priorities (TF-IDF, see ``textmatch``): priorities whose
   NACE divisions come from a source (the Czech regional domains) are examples.
   For a priority without source codes, the ``KNN_K`` most similar examples from
   other strategies with cosine >= ``KNN_MIN_COS`` vote with their cosine; a
   division is assigned when its share of the votes is >= ``KNN_MIN_SHARE``.
3. Code names (TF-IDF): the priority's text against the official name of each
   NACE division, NABS chapter and ecosystem; the best name of each scheme is
   assigned when its cosine is >= ``NAME_MIN_COS``.

Then every NACE division (from a source or assigned) implies its ecosystem by
the reviewed map geodata/sources/nace_ecosystem_map.csv.

The thresholds below were set once, before the evaluation
(tools/evaluate_classifier.py) was run with them, and are not tuned to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import DataError, read_csv, require_known, require_unique, sheet_row
from .textmatch import TfidfIndex

KNN_K = 5
KNN_MIN_COS = 0.35
KNN_MIN_SHARE = 0.5
NAME_MIN_COS = 0.35
SCHEMES = ("nace", "nabs", "ecosystem")


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
    def __init__(self, rules: list[Rule], nace_to_ecosystem: dict[str, str],
                 names: dict[str, dict[str, str]] | None = None):
        self.rules = rules
        self.nace_to_ecosystem = nace_to_ecosystem
        # scheme -> code -> official name; without names, method 3 is off.
        self.names = names or {}

    @classmethod
    def from_files(cls, rules_path: Path, eco_map_path: Path, nace: dict[str, str], nabs: dict[str, str],
                   eco: dict[str, str]):
        """``nace``, ``nabs``, ``eco``: code -> official name of the codes that may be assigned."""
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
        require_known(m, "nace_division", set(nace), eco_map_path, what="NACE division")
        require_known(m, "ecosystem_id", set(eco), eco_map_path, what="ecosystem id")
        return cls(rules, dict(zip(m.nace_division, m.ecosystem_id)),
                   names={"nace": dict(nace), "nabs": dict(nabs), "ecosystem": dict(eco)})

    @staticmethod
    def text_of(p) -> str:
        return " ".join(str(getattr(p, c, "") or "") for c in ("title", "title_original", "description", "keywords"))

    def candidates(self, priorities: pd.DataFrame, source_codes: pd.DataFrame | None,
                   methods: tuple[str, ...] = ("rule", "knn", "name"), thresholds: bool = True,
                   skip_coded: bool = True) -> pd.DataFrame:
        """Every code each method proposes: priority_id, scheme, code, method, score, rule (the reason).

        ``thresholds=False`` keeps proposals below the thresholds too (for ranking in the evaluation);
        ``skip_coded=False`` lets method 2 propose codes for source-coded priorities as well (to
        evaluate it against their source codes).
        Examples for method 2 are the priorities with source NACE codes in ``source_codes``; a priority
        never votes for itself nor takes votes from its own strategy.
        """
        rows: list[dict] = []
        pri = priorities.reset_index(drop=True)
        texts = [self.text_of(p) for p in pri.itertuples(index=False)]
        ids = pri.priority_id.tolist()
        strategy = pri.strategy_id.tolist() if "strategy_id" in pri else [None] * len(pri)

        def add(pid, scheme, code, method, score, reason):
            rows.append({"priority_id": pid, "scheme": scheme, "code": code, "method": method,
                         "score": float(score), "rule": reason})

        if "rule" in methods:
            for pid, text in zip(ids, texts):
                for rule in self.rules:
                    if rule.pattern.search(text):
                        for scheme, codes in (("nace", rule.nace), ("nabs", rule.nabs), ("ecosystem", rule.ecosystems)):
                            for c in codes:
                                add(pid, scheme, c, "rule", 1.0, f"keyword rule '{rule.rule_id}'")

        gold = pd.DataFrame(columns=["priority_id", "code"]) if source_codes is None or source_codes.empty else \
            source_codes[(source_codes.scheme == "nace") & (source_codes.origin == "source")]
        coded = set(gold.priority_id)
        want_knn = "knn" in methods and len(coded) > 0
        want_names = "name" in methods and bool(self.names)
        if not (want_knn or want_names):
            return pd.DataFrame(rows, columns=["priority_id", "scheme", "code", "method", "score", "rule"])

        ex = pri[pri.priority_id.isin(coded)]
        ex_texts = [texts[i] for i in ex.index]
        label_docs = [(scheme, code, name) for scheme in SCHEMES for code, name in self.names.get(scheme, {}).items()]
        index = TfidfIndex(texts + [d[2] for d in label_docs])

        if want_knn and len(ex):
            ex_codes = gold.groupby("priority_id").code.apply(set).to_dict()
            ex_ids = ex.priority_id.tolist()
            ex_strategy = [strategy[i] for i in ex.index]
            ex_title = [str(t) for t in ex.title]
            sim = index.cosine(texts, ex_texts)
            for r, pid in enumerate(ids):
                if pid in coded and skip_coded:
                    continue  # its codes come from the source
                order = [j for j in np.argsort(-sim[r], kind="stable")
                         if ex_ids[j] != pid and ex_strategy[j] != strategy[r]][:KNN_K]
                order = [j for j in order if sim[r, j] >= (KNN_MIN_COS if thresholds else 1e-6)]
                total = float(sum(sim[r, j] for j in order))
                if not total:
                    continue
                votes: dict[str, float] = {}
                for j in order:
                    for c in ex_codes[ex_ids[j]]:
                        votes[c] = votes.get(c, 0.0) + float(sim[r, j])
                best = order[0]
                for c, v in votes.items():
                    share = v / total
                    if share >= KNN_MIN_SHARE or not thresholds:
                        add(pid, "nace", c, "knn", share,
                            f"TF-IDF: {share:.0%} of the votes of the {len(order)} most similar source-coded "
                            f"priorities (closest: '{ex_title[best]}', {ex_ids[best]}, cosine {sim[r, best]:.2f})")

        if want_names and label_docs:
            sim = index.cosine(texts, [d[2] for d in label_docs])
            schemes = np.array([d[0] for d in label_docs])
            for scheme in SCHEMES:
                cols = np.flatnonzero(schemes == scheme)
                if not len(cols):
                    continue
                sub = sim[:, cols]
                for r, pid in enumerate(ids):
                    picks = [int(np.argmax(sub[r]))] if thresholds else list(np.flatnonzero(sub[r] > 0))
                    for k in picks:
                        cos = float(sub[r, k])
                        if cos >= NAME_MIN_COS or (not thresholds and cos > 0):
                            _, code, name = label_docs[cols[k]]
                            add(pid, scheme, code, "name", cos,
                                f"TF-IDF: text close to the name '{name}' (cosine {cos:.2f})")
        return pd.DataFrame(rows, columns=["priority_id", "scheme", "code", "method", "score", "rule"])

    def classify(self, priorities: pd.DataFrame, source_codes: pd.DataFrame | None) -> pd.DataFrame:
        """Long table: priority_id, scheme, code, origin (source|auto), rule."""
        rows = [] if source_codes is None or source_codes.empty else source_codes.to_dict("records")
        have = {(r["priority_id"], r["scheme"], r["code"]) for r in rows}

        def add(pid, scheme, code, rule):
            if (pid, scheme, code) not in have:
                have.add((pid, scheme, code))
                rows.append({"priority_id": pid, "scheme": scheme, "code": code, "origin": "auto", "rule": rule})

        implied = [(r["priority_id"], r["code"], "from source") for r in rows if r["scheme"] == "nace"]
        for c in self.candidates(priorities, source_codes).itertuples(index=False):
            add(c.priority_id, c.scheme, c.code, c.rule)
            if c.scheme == "nace" and c.method != "rule":  # keyword rules name their ecosystems themselves
                implied.append((c.priority_id, c.code, "assigned by TF-IDF"))
        # Ecosystems implied by NACE divisions through the reviewed map.
        for pid, code, how in implied:
            if code in self.nace_to_ecosystem:
                add(pid, "ecosystem", self.nace_to_ecosystem[code], f"NACE {code} ({how}) -> ecosystem map")
        df = pd.DataFrame(rows, columns=["priority_id", "scheme", "code", "origin", "rule"])
        return df.sort_values(["priority_id", "scheme", "code"]).reset_index(drop=True)
