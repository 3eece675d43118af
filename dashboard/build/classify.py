"""Transparent, reproducible assignment of NACE divisions, NABS chapters and
EU industrial ecosystems to priorities.

Codes from a source are kept with origin "source"; everything this module adds
has origin "auto" and its ``rule`` column says which method produced it and why.
Three methods:

1. Reviewed keyword map (geodata/sources/classification_rules.csv): a regular
   expression over a priority's title (English and original), description and
   keywords, and the codes it implies. Each distinct word a rule matches is a cue, weighted by the
   strongest field it is found in (``FIELDS``: title 1, keywords 0.5, description 0.25).
2. Nearest source-coded priorities (TF-IDF, see ``textmatch``): priorities whose
   NACE divisions come from a source (the Czech regional domains) are examples.
   For a priority without source codes, the ``KNN_K`` most similar examples from
   other strategies with cosine >= ``KNN_MIN_COS`` vote with their cosine. A
   division is assigned when at least ``KNN_MIN_SUPPORT`` of them carry it and
   its share of the votes is >= ``KNN_MIN_SHARE``; at most ``KNN_MAX_CODES``
   divisions, the best voted, per priority.

Every NACE division that method 2 assigns, or that a source gives, is a cue for its
ecosystem by the reviewed map geodata/sources/nace_ecosystem_map.csv (keyword
rules name their ecosystems themselves). The cues add up per code (``Classifier.evidence``).

3. Labelled examples (geodata/sources/tagging_examples.csv, ``load_examples``): 1,095 priorities
   (every priority of the snapshot but the 112 test priorities of tests/eval) whose NACE sections and
   ecosystems independent annotators chose from the texts. For NACE and
   ecosystems of every priority with a sentence vector (the search's multilingual-e5-small vectors,
   centred), a section's or ecosystem's score is the sum of three parts:

   * a linear model: per code, a ridge regression (penalty ``MODEL_RIDGE``, ``_ridge``) of its 0/1
     label on the examples' vectors, trained at build time from the examples file; an example's own
     value is that of the model trained on the other examples (exact leave-one-out), so no priority
     contributes to its own score;
   * a vote: the ``LABELLED_K`` closest examples, never the priority itself, vote with
     cosine ** ``LABELLED_POWER``; ``VOTE_WEIGHT`` times the vote share;
   * ``KEYWORD_WEIGHT`` times its keyword evidence (capped at ``KEYWORD_CAP``; a section's evidence is
     that of its divisions' cues).

   Kept: score and share of the best as in ``LABELLED_KEEP``, at most ``MAX_CODES``. A kept section
   is written as its divisions with evidence, else as the division the voting examples' own cues give
   in it (``Classifier.decide``). The rule text names the model's value, the vote share, the closest
   examples that carry the code and the keyword cues. Chosen by 5-fold cross-validation by country on
   the examples alone (the model alone, the vote with the cues, and weighted sums of the three); the
   112 test priorities of tests/eval were scored once, after.

NABS chapters, and NACE and ecosystems of a priority without a vector (new or changed since the
vectors were made) or when there are no examples, are kept with evidence ``MIN_EVIDENCE`` or more and
at least ``RELATIVE_TO_BEST`` of the priority's best code, at most ``MAX_CODES`` per scheme, so a long
description does not add codes from single passing words (chosen on the development half of
tests/eval/tagging_labels.csv).

Figures (tools/evaluate_tagging.py, one run, 2026-12-08, with 1,095 examples and the weights and
thresholds chosen on them: model 1, vote 0.5, cues 0.25; sections kept from 0.7 and half the best,
ecosystems from 0.65), micro P / R / F1 of NACE sections and ecosystems:

* against annotator A: 0.818 / 0.823 / 0.820 and 0.844 / 0.811 / 0.827;
* against the majority of A, B, C: 0.849 / 0.808 / 0.828 and 0.861 / 0.847 / 0.854;
* cross-validated on the 1,095 examples: 0.839 / 0.826 / 0.832 and 0.863 / 0.835 / 0.849 (keyword
  evidence alone: 0.780 / 0.724 / 0.751 and 0.784 / 0.765 / 0.774).

Tried and left out (same cross-validation): a second sentence vector per priority, the mean of its
title's stored word vectors, beside the passage's (F1 +0.002 on either scheme); a threshold per code,
chosen by nested cross-validation (+0.002 NACE, +0.008 ecosystems, 21 and 14 more settings).

Earlier figures (2026-12-08, 324 examples; model 1, vote 1, cues 0.5; sections from 0.925, ecosystems
from 0.9); "before the examples" is the keyword evidence alone:

* against annotator A (112 priorities): before the examples 0.736 / 0.722 / 0.728 and 0.740 / 0.740 /
  0.740; with them 0.788 / 0.848 / 0.817 and 0.748 / 0.843 / 0.793;
* against the majority of annotators A, B, C: before 0.755 / 0.701 / 0.727 and 0.740 / 0.758 / 0.749;
  with them 0.812 / 0.826 / 0.819 and 0.762 / 0.879 / 0.817;
* cross-validated on the 324 examples: before 0.767 / 0.723 / 0.744 and 0.827 / 0.747 / 0.785; with
  them 0.835 / 0.806 / 0.821 and 0.848 / 0.831 / 0.839 (the vote and cues without the model: 0.847 /
  0.741 / 0.790 and 0.857 / 0.781 / 0.817; the model alone, at its best thresholds: 0.772 / 0.788 /
  0.780 and 0.862 / 0.754 / 0.805).

Tried and left out (same cross-validation): adding to an ecosystem's score the scores of the
sections that imply it by the ecosystem map (F1 0.833-0.838, no better than without).

Annotators agree with each other at F1 0.92-0.95 (NACE sections) and 0.95-0.97 (ecosystems).

Matching the text against the official names of the codes was tried as a third
method and left out: most of what it assigned on the English priorities was wrong
("Personalised health" to "Other personal service activities").

Experimental, not used by ``classify`` (so not in the build): two methods on the
multilingual sentence vectors of the priorities (``vectors``, multilingual-e5-small),
available to ``candidates`` for the evaluation (tools/evaluate_classifier.py) when
it is given the vectors:

* ``vknn`` — method 2 with the centred e5 cosine (``VKNN_MIN_COS``) instead of TF-IDF;
  rule text "e5 vectors: carried by ...".
* ``vname`` — the e5 cosine of the priority with e5 vectors of the NACE division
  names; the best division and those within ``VNAME_BAND`` of it, at most
  ``VNAME_MAX_CODES``; rule text "e5 vectors: closest NACE division names ...".

Neither beat the keyword map on the 54 Czech domains (2026-11-30: P@3 0.414 and
0.389 against 0.475, micro precision 0.421 and 0.396 against 0.466; ``vname`` is
better only at P@1, 0.630 against 0.593), so they were not wired in. The
evaluation is Czech-to-Czech, which is where TF-IDF's character n-grams already
work; the vectors' cross-language reach is not measured by it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.schema import DataError, read_csv, require_known, require_unique, sheet_row
from ..data.textmatch import TfidfIndex
from ..data.vectors import centre, digest, load_vectors, passage_text

KNN_K = 5
KNN_MIN_COS = 0.35
KNN_MIN_SHARE = 0.5
KNN_MIN_SUPPORT = 2
KNN_MAX_CODES = 3
VKNN_MIN_COS = 0.35  # centred e5 cosine (experimental method "vknn")
VNAME_MAX_CODES = 3
VNAME_BAND = 0.02

# Evidence (see ``Classifier.classify``): where a keyword rule's word is found weighs what it counts for.
FIELDS = (("title", "title", 1.0), ("title_original", "original title", 1.0), ("keywords", "keywords", 0.5),
          ("description", "description", 0.25))
SOURCE_EVIDENCE = 2.0  # shared by the divisions a source gives, for the ecosystems they imply
MIN_EVIDENCE = 0.75
RELATIVE_TO_BEST = 0.5
MAX_CODES = {"nace": 3, "nabs": 3, "ecosystem": 3}

# Labelled examples (``Classifier.decide``; geodata/sources/tagging_examples.csv): a code's score is the value
# of a ridge regression on the centred e5 vectors (``MODEL_RIDGE``, ``_ridge``), plus the vote share of the
# ``LABELLED_K`` labelled priorities closest by centred e5 cosine (weights cosine ** ``LABELLED_POWER``) times
# ``VOTE_WEIGHT``, plus ``KEYWORD_WEIGHT`` times its keyword evidence (capped at ``KEYWORD_CAP``). Kept:
# score >= threshold and >= relative * the best score, at most ``MAX_CODES``. Chosen by 5-fold cross-validation
# by country on the labelled examples alone.
LABELLED_K = 20
LABELLED_POWER = 4
VOTE_WEIGHT = 0.5
KEYWORD_WEIGHT = 0.25
KEYWORD_CAP = 2.0
LABELLED_KEEP = {"nace": (0.7, 0.5), "ecosystem": (0.65, 0.0)}  # (threshold, relative to the best)
MODEL_RIDGE = 0.3  # ridge penalty of the per-code linear model on the sentence vectors (``_ridge``)
EXAMPLES_FILE = "tagging_examples.csv"


@dataclass(frozen=True)
class Rule:
    rule_id: str
    pattern: re.Pattern
    nace: tuple[str, ...]
    nabs: tuple[str, ...]
    ecosystems: tuple[str, ...]


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(";") if c.strip())


def priority_vectors(snapshot: Path, priorities: pd.DataFrame) -> np.ndarray | None:
    """The sentence vectors a snapshot holds for ``priorities`` (rows aligned; a zero row where the
    priority has none or its text changed since it was embedded); None when the snapshot has none."""
    digests = [digest(passage_text(r)) for r in priorities.to_dict("records")]
    vectors, _note = load_vectors(Path(snapshot), priorities.priority_id.tolist(), digests)
    return vectors


def load_examples(path: Path, sections: set[str], eco: set[str]) -> dict[str, dict[str, set[str]]]:
    """The labelled examples (priority_id, nace_sections, ecosystems; codes separated by ';', empty when
    none fits): {priority_id: {"nace": sections, "ecosystem": ecosystem ids}}. Unknown codes and
    priorities labelled twice are errors (the priority ids are checked against the priorities in
    ``Classifier.decide``)."""
    df = read_csv(path, ["priority_id", "nace_sections", "ecosystems"])
    require_unique(df, "priority_id", path)
    out = {}
    for i, r in df.iterrows():
        labels = {}
        for col, scheme, allowed, what in (("nace_sections", "nace", sections, "NACE section"),
                                           ("ecosystems", "ecosystem", eco, "ecosystem id")):
            labels[scheme] = set(_codes(r[col]))
            for code in labels[scheme]:
                if code not in allowed:
                    raise DataError(path, f"unknown {what} '{code}'", row=sheet_row(i), column=col)
        out[r.priority_id] = labels
    return out


class Classifier:
    def __init__(self, rules: list[Rule], nace_to_ecosystem: dict[str, str],
                 examples: dict[str, dict[str, set[str]]] | None = None,
                 section_of: dict[str, str] | None = None, examples_file: str = EXAMPLES_FILE):
        """``examples``: labelled priorities ({priority_id: {"nace": sections, "ecosystem": ids}}) for
        the neighbour vote; ``section_of``: NACE division -> section (needed with examples)."""
        self.rules = rules
        self.nace_to_ecosystem = nace_to_ecosystem
        self.examples = examples or {}
        self.section_of = section_of or {}
        self.examples_file = examples_file

    def with_examples(self, examples: dict[str, dict[str, set[str]]]) -> "Classifier":
        """The same classifier with other labelled examples (for cross-validation)."""
        return Classifier(self.rules, self.nace_to_ecosystem, examples, self.section_of, self.examples_file)

    @classmethod
    def from_files(cls, rules_path: Path, eco_map_path: Path, nace: set[str], nabs: set[str], eco: set[str],
                   examples_path: Path | None = None, section_of: dict[str, str] | None = None):
        """``nace``, ``nabs``, ``eco``: the codes that may be assigned. ``examples_path``: the labelled
        examples (``load_examples``; skipped when None or absent), with ``section_of`` (division ->
        section) to read their NACE sections."""
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
        examples = None
        if examples_path is not None and Path(examples_path).exists():
            if not section_of:
                raise ValueError("labelled examples need the NACE sections of the divisions (section_of)")
            examples = load_examples(Path(examples_path), set(section_of.values()), eco)
        return cls(rules, dict(zip(m.nace_division, m.ecosystem_id)), examples, section_of,
                   Path(examples_path).name if examples_path is not None else EXAMPLES_FILE)

    @staticmethod
    def text_of(p) -> str:
        return " ".join(str(getattr(p, c, "") or "") for c in ("title", "title_original", "description", "keywords"))

    def candidates(self, priorities: pd.DataFrame, source_codes: pd.DataFrame | None,
                   methods: tuple[str, ...] = ("rule", "knn"), thresholds: bool = True,
                   skip_coded: bool = True, vectors: np.ndarray | None = None,
                   code_vectors: dict | None = None) -> pd.DataFrame:
        """Every code each method proposes: priority_id, scheme, code, method, score, rule (the reason).

        ``thresholds=False`` keeps proposals below the thresholds too (for ranking in the evaluation);
        ``skip_coded=False`` lets method 2 propose codes for source-coded priorities as well (to
        evaluate it against their source codes).
        Examples for method 2 are the priorities with source NACE codes in ``source_codes``; a priority
        never votes for itself nor takes votes from its own strategy.
        ``vectors`` (rows aligned with ``priorities``; zero rows = no vector, such priorities get no
        vector codes and give no votes) and ``code_vectors`` ({NACE division: name vector}) feed the
        experimental methods "vknn" and "vname"; without them those methods propose nothing.
        """
        pri = priorities.reset_index(drop=True)
        texts = [self.text_of(p) for p in pri.itertuples(index=False)]
        ex = _Examples.of(pri, source_codes)
        vec = None if vectors is None else centre(vectors)
        usable = None if vec is None else np.linalg.norm(vec, axis=1) > 0
        # which priorities method 2 and the vector methods propose codes for
        open_ = np.array([not (skip_coded and pid in ex.coded) for pid in pri.priority_id], dtype=bool)
        rows: list[dict] = []
        if "rule" in methods:
            rows += self._rule_rows(pri)
        if "knn" in methods and len(ex.ids):
            sim = TfidfIndex(texts).cosine(texts, [texts[i] for i in ex.rows])
            rows += _vote_rows(sim, pri, ex, open_, "knn", "TF-IDF", KNN_MIN_COS if thresholds else None)
        if "vknn" in methods and vec is not None and len(ex.ids):
            rows += _vote_rows(vec @ vec[ex.rows].T, pri, ex, open_ & usable, "vknn", "e5 vectors",
                               VKNN_MIN_COS if thresholds else None, voters=usable[ex.rows])
        if "vname" in methods and vec is not None and code_vectors:
            rows += _name_rows(vectors, code_vectors, pri, open_ & usable, thresholds)
        return pd.DataFrame(rows, columns=["priority_id", "scheme", "code", "method", "score", "rule"])

    def _rule_rows(self, pri: pd.DataFrame) -> list[dict]:
        """Method 1: every keyword rule that matches a priority's text, one cue per distinct word it
        matches (the rule's stem), at the strongest field the word is found in (``FIELDS``); each cue
        gives all the codes its rule names, with the field's weight as its score."""
        rows = []
        for p in pri.itertuples(index=False):
            fields = [(name, label, weight, str(getattr(p, name, "") or "")) for name, label, weight in FIELDS]
            for rule in self.rules:
                cues: dict[str, tuple[float, str, str]] = {}  # stem -> (weight, field label, word shown)
                for _name, label, weight, text in fields:
                    for m in rule.pattern.finditer(text):
                        stem = m.group(0).lower()
                        if stem not in cues or weight > cues[stem][0]:
                            cues[stem] = (weight, label, _word_at(text, m.start(), m.end()))
                for weight, label, word in cues.values():
                    reason = f"{label}: '{word}' (keyword rule '{rule.rule_id}')"
                    for scheme, codes in (("nace", rule.nace), ("nabs", rule.nabs), ("ecosystem", rule.ecosystems)):
                        rows += [_row(p.priority_id, scheme, c, "rule", weight, reason) for c in codes]
        return rows

    def classify(self, priorities: pd.DataFrame, source_codes: pd.DataFrame | None,
                 only: set[str] | None = None, vectors: np.ndarray | None = None) -> pd.DataFrame:
        """Long table: priority_id, scheme, code, origin (source|auto), rule.

        ``only``: the codes of these priorities alone (the others still serve as examples, so each gets
        the codes the whole table would give it; for publishing new and changed priorities).
        ``vectors``: the priorities' sentence vectors (rows aligned with ``priorities``, a zero row for
        a priority without one), for the labelled examples' model and vote (``decide``).

        Codes from a source are kept as they are. Every other code must earn its place: the cues of
        ``candidates`` (keyword words weighted by where they were found, the neighbour vote by its
        share) and, for ecosystems, the NACE divisions that imply them, add up per code (``evidence``);
        then ``decide`` keeps codes."""
        return self.decide(priorities, source_codes, self.evidence(priorities, source_codes), vectors, only)

    def decide(self, priorities: pd.DataFrame, source_codes: pd.DataFrame | None, cues: pd.DataFrame,
               vectors: np.ndarray | None = None, only: set[str] | None = None) -> pd.DataFrame:
        """The codes kept from the evidence ``cues`` (``evidence``), as ``classify`` returns them.

        NACE and ecosystems of a priority with a vector, when there are labelled examples: a code's
        (NACE section's, ecosystem's) score is the value of the per-code ridge model on the vectors
        (``_ridge``; for a labelled priority, the model trained without it), plus the vote share of the
        ``LABELLED_K`` labelled priorities closest to it (never itself; weights cosine **
        ``LABELLED_POWER``), plus ``KEYWORD_WEIGHT`` times its evidence (capped at ``KEYWORD_CAP``; for
        a section, the evidence of its divisions' cues); kept by ``LABELLED_KEEP``, at most
        ``MAX_CODES``. A kept section is shown as its divisions with evidence (those within
        ``RELATIVE_TO_BEST`` of its best), else as the division the voting priorities' own cues give in
        it. Priorities with source NACE codes keep
        them and get no automatic NACE codes.

        NABS, and everything of a priority without a vector: a code is kept when its evidence is at
        least ``MIN_EVIDENCE`` and at least ``RELATIVE_TO_BEST`` of the priority's best code in that
        scheme, at most ``MAX_CODES[scheme]`` codes, the best first.
        The ``rule`` column gives the score and what it comes from."""
        source = [] if source_codes is None or source_codes.empty else source_codes.to_dict("records")
        voted = self._labelled(priorities, source_codes, cues, vectors)
        decided = {pid for pid, _s in voted}
        if only is not None:
            source = [r for r in source if r["priority_id"] in only]
            cues = cues[cues.priority_id.isin(only)]
            voted = {k: v for k, v in voted.items() if k[0] in only}
        rows = list(source)
        have = {(r["priority_id"], r["scheme"], r["code"]) for r in rows}

        def add(pid, scheme, code, rule):
            if (pid, scheme, code) not in have:
                have.add((pid, scheme, code))
                rows.append({"priority_id": pid, "scheme": scheme, "code": code, "origin": "auto", "rule": rule})

        for (pid, scheme), grp in cues.groupby(["priority_id", "scheme"], sort=False):
            if pid in decided and scheme in LABELLED_KEEP:
                continue
            for code, score, reason in _kept(grp, scheme):
                add(pid, scheme, code, f"evidence {score:.2f}: {reason}")
        for (pid, scheme), kept in voted.items():
            for code, rule in kept:
                add(pid, scheme, code, rule)
        df = pd.DataFrame(rows, columns=["priority_id", "scheme", "code", "origin", "rule"])
        return df.sort_values(["priority_id", "scheme", "code"]).reset_index(drop=True)

    def _labelled(self, priorities: pd.DataFrame, source_codes: pd.DataFrame | None, cues: pd.DataFrame,
                  vectors: np.ndarray | None) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """{(priority_id, scheme): [(code, rule)]} for NACE and ecosystems of every priority with a
        vector (an empty list when nothing is kept); {} without labelled examples or vectors."""
        if not self.examples or vectors is None:
            return {}
        pri = priorities.reset_index(drop=True)
        ids = pri.priority_id.tolist()
        pos = {pid: i for i, pid in enumerate(ids)}
        unknown = sorted(set(self.examples) - set(pos))
        if unknown:
            raise DataError(self.examples_file, f"{len(unknown)} labelled priorities are not among the priorities: "
                                                f"{', '.join(unknown[:5])}")
        if len(vectors) != len(pri):
            raise ValueError(f"{len(vectors)} vectors for {len(pri)} priorities")
        vec = centre(vectors)
        usable = np.linalg.norm(vec, axis=1) > 0
        ex = [pid for pid in sorted(self.examples) if usable[pos[pid]]]
        if not ex:
            return {}
        sim = vec @ vec[[pos[pid] for pid in ex]].T
        model = _ridge(vec, [pos[pid] for pid in ex], {s: [self.examples[pid][s] for pid in ex] for s in LABELLED_KEEP})
        titles = [str(t) for t in pri.title]
        source_nace = set() if source_codes is None or source_codes.empty else \
            set(source_codes.priority_id[(source_codes.scheme == "nace") & (source_codes.origin == "source")])
        ev, divisions = self._evidence_by_code(cues)
        typical = _typical_divisions(divisions)
        out = {}
        for r, pid in enumerate(ids):
            if not usable[r]:
                continue
            order = [j for j in np.argsort(-sim[r], kind="stable") if ex[j] != pid][:LABELLED_K]
            weight = {j: max(float(sim[r, j]), 0.0) ** LABELLED_POWER for j in order}
            total = sum(weight.values())
            for scheme in LABELLED_KEEP:
                if scheme == "nace" and pid in source_nace:
                    continue
                mine = ev.get((pid, scheme), {})
                votes: dict[str, float] = {}
                for j in order:
                    for code in self.examples[ex[j]][scheme]:
                        votes[code] = votes.get(code, 0.0) + (weight[j] / total if total else 0.0)
                fitted = model[scheme](r)
                scores = {code: fitted.get(code, 0.0) + VOTE_WEIGHT * votes.get(code, 0.0)
                          + KEYWORD_WEIGHT * min(mine.get(code, (0.0, ""))[0], KEYWORD_CAP)
                          for code in set(votes) | set(mine) | set(fitted)}
                if not scores:
                    out[(pid, scheme)] = []
                    continue
                threshold, relative = LABELLED_KEEP[scheme]
                best = max(scores.values())
                kept = sorted((c for c, v in scores.items() if v >= threshold - 1e-9 and v >= relative * best - 1e-9),
                              key=lambda c: (-scores[c], c))[:MAX_CODES[scheme]]
                rows = []
                for code in kept:
                    carriers = [j for j in order if code in self.examples[ex[j]][scheme]]
                    why = [f"{scores[code]:.2f}", f"model on the sentence vector (trained on "
                                                  f"{len(ex) - (pid in self.examples)} labelled priorities): "
                                                  f"{fitted.get(code, 0.0):.2f}"]
                    if carriers:
                        named = ", ".join(f"'{titles[pos[ex[j]]]}' ({ex[j]})" for j in carriers[:3])
                        why.append(f"similar labelled priorities {votes[code]:.2f} x {VOTE_WEIGHT} ({len(carriers)} of the "
                                   f"{len(order)} closest carry it; closest: {named})")
                    if code in mine:
                        why.append(f"cues {min(mine[code][0], KEYWORD_CAP):.2f} x {KEYWORD_WEIGHT}: {mine[code][1]}")
                    head = f"evidence {why[0]}: " + ("section " + code + ": " if scheme == "nace" else "")
                    text = head + "; ".join(why[1:])
                    if scheme == "ecosystem":
                        rows.append((code, text))
                        continue
                    rows.append([(div, f"{text}; division {div}: {div_why}")
                                 for div, div_why in self._divisions(pid, code, divisions, [ex[j] for j in carriers],
                                                                     typical)])
                if scheme == "nace":  # every kept section's best division first, then the others
                    rows = [per[0] for per in rows if per] + [d for per in rows for d in per[1:]]
                out[(pid, scheme)] = rows[:MAX_CODES[scheme]]
        return out

    def _evidence_by_code(self, cues: pd.DataFrame):
        """From the cues: {(priority_id, scheme): {code: (evidence, cues)}} with NACE divisions counted as
        their sections (a cue naming two divisions of one section counts once), and {priority_id:
        {section: {division: evidence}}}."""
        c = cues[cues.scheme.isin(list(LABELLED_KEEP))].copy()
        c["cue"] = c.rule.str.replace(_RULE_NAMED, "", regex=True)
        c["key"] = [self.section_of.get(code, code) if s == "nace" else code for s, code in zip(c.scheme, c.code)]
        ev = {}
        for (pid, scheme, key), g in c.drop_duplicates(["priority_id", "scheme", "key", "cue"]).groupby(
                ["priority_id", "scheme", "key"], sort=False):
            g = g.sort_values(["score", "rule"], ascending=[False, True], kind="stable")
            ev.setdefault((pid, scheme), {})[key] = (float(g.score.sum()), "; ".join(g.rule))
        divisions: dict[str, dict[str, dict[str, float]]] = {}
        n = c[c.scheme == "nace"].drop_duplicates(["priority_id", "code", "cue"])
        for (pid, code), g in n.groupby(["priority_id", "code"], sort=False):
            divisions.setdefault(pid, {}).setdefault(self.section_of.get(code, code), {})[code] = float(g.score.sum())
        return ev, divisions

    def _divisions(self, pid: str, section: str, divisions: dict, carriers: list[str],
                   typical: dict[str, str]) -> list[tuple[str, str]]:
        """The divisions a kept section is shown as, with why: the priority's own divisions with evidence
        in it, else the one the labelled priorities that carry it most often have evidence for, else the
        one most priorities have evidence for, else the section's first division."""
        own = divisions.get(pid, {}).get(section, {})
        if own:
            best = max(own.values())
            keep = sorted((d for d, v in own.items() if v >= RELATIVE_TO_BEST * best - 1e-9), key=lambda d: (-own[d], d))
            return [(d, f"keyword evidence {own[d]:.2f}") for d in keep]
        counts: dict[str, int] = {}
        for other in carriers:
            theirs = divisions.get(other, {}).get(section, {})
            if theirs:
                d = min(theirs, key=lambda d: (-theirs[d], d))
                counts[d] = counts.get(d, 0) + 1
        if counts:
            d = min(counts, key=lambda d: (-counts[d], d))
            return [(d, f"the section's division in the keywords of {counts[d]} of those similar priorities")]
        if section in typical:
            return [(typical[section], "the section's division most priorities' keywords give")]
        first = sorted(d for d, s in self.section_of.items() if s == section)
        return [(first[0], "the section's first division (no keyword gives one)")] if first else []

    def evidence(self, priorities: pd.DataFrame, source_codes: pd.DataFrame | None) -> pd.DataFrame:
        """Every cue for every automatic code: priority_id, scheme, code, score, rule (the cue named).

        The build's cues (``candidates``), minus NACE cues for priorities whose divisions come from a
        source; plus, for ecosystems, each NACE division a source gives or the neighbour vote assigns,
        through the reviewed map (a source's divisions share ``SOURCE_EVIDENCE`` between them, so an
        ecosystem most of them point to is kept and one of many is not). Keyword rules name their
        ecosystems themselves."""
        cand = self.candidates(priorities, source_codes)
        gold = pd.DataFrame(columns=["priority_id", "code"]) if source_codes is None or source_codes.empty \
            else source_codes[(source_codes.scheme == "nace") & (source_codes.origin == "source")]
        source_nace = set(gold.priority_id)
        cand = cand[~((cand.scheme == "nace") & cand.priority_id.isin(source_nace))]
        rows = cand[["priority_id", "scheme", "code", "score", "rule"]].to_dict("records")
        for c in cand[(cand.scheme == "nace") & (cand.method != "rule")].itertuples(index=False):
            if c.code in self.nace_to_ecosystem:
                rows.append({"priority_id": c.priority_id, "scheme": "ecosystem", "score": c.score,
                             "code": self.nace_to_ecosystem[c.code],
                             "rule": f"NACE {c.code} (assigned by TF-IDF, vote share {c.score:.0%}) -> ecosystem map"})
        for pid, grp in gold.drop_duplicates(["priority_id", "code"]).groupby("priority_id"):
            share = SOURCE_EVIDENCE / len(grp)
            for code in grp.code:
                if code in self.nace_to_ecosystem:
                    rows.append({"priority_id": pid, "scheme": "ecosystem", "code": self.nace_to_ecosystem[code],
                                 "score": share, "rule": f"NACE {code} (from source, 1 of {len(grp)}) -> ecosystem map"})
        return pd.DataFrame(rows, columns=["priority_id", "scheme", "code", "score", "rule"])


def _kept(grp: pd.DataFrame, scheme: str) -> list[tuple[str, float, str]]:
    """The codes of one priority and scheme that pass the evidence thresholds: (code, evidence, reason),
    the strongest first. Cues naming the same code add up; the same cue text counts once."""
    per_code = []
    for code, g in grp.groupby("code", sort=False):
        # one word found by two rules (e.g. 'agri-food' by 'agri' and 'food') is one cue
        g = g.assign(cue=g.rule.str.replace(_RULE_NAMED, "", regex=True)).drop_duplicates("cue")
        g = g.sort_values(["score", "rule"], ascending=[False, True], kind="stable")  # the same order on any input order
        per_code.append((code, float(g.score.sum()), "; ".join(g.rule)))
    if not per_code:
        return []
    best = max(score for _c, score, _r in per_code)
    kept = [c for c in per_code if c[1] >= MIN_EVIDENCE - 1e-9 and c[1] >= RELATIVE_TO_BEST * best - 1e-9]
    return sorted(kept, key=lambda c: (-c[1], c[0]))[:MAX_CODES[scheme]]


_RULE_NAMED = r" \(keyword rule '[^']*'\)$"


def _ridge(vec: np.ndarray, rows: list[int], labels: dict[str, list[set[str]]]):
    """Per scheme, a function: priority row -> {code: fitted value} of a ridge regression (``MODEL_RIDGE``,
    intercept unpenalised) of each code's 0/1 label on the centred sentence vectors of the labelled
    priorities at ``rows``. A labelled priority's own value comes from the model trained without it:
    exact leave-one-out, from the inverse of the full kernel (the others' inverse is its downdate; the
    terms it needs are precomputed once, so each labelled priority costs a few vector products)."""
    x = vec[rows]
    n = len(rows)
    kernel = x @ x.T
    inv = np.linalg.inv(kernel + MODEL_RIDGE * np.eye(n))
    ones = inv.sum(axis=1)  # inv @ 1
    # row i: the kernel row of example i without itself, times inv (k~ inv = (K inv)_i - K_ii inv_i)
    w_all = kernel @ inv - np.diag(kernel)[:, None] * inv
    own = {row: i for i, row in enumerate(rows)}
    out = {}
    for scheme, sets in labels.items():
        codes = sorted(set().union(*sets))
        y = np.array([[c in s for c in codes] for s in sets], dtype=np.float64)
        mean = y.mean(axis=0)
        alpha = inv @ (y - mean)
        p = inv @ y

        def fitted(r: int, codes=codes, y=y, mean=mean, alpha=alpha, p=p) -> dict[str, float]:
            if r not in own:
                values = mean + (x @ vec[r]) @ alpha
            else:
                i = own[r]
                m = (n * mean - y[i]) / (n - 1)  # the others' mean label
                w = w_all[i]
                d = y[i] - m
                inv_v = w @ y - w.sum() * m - w[i] * d  # k~ . inv . (y - m, row i zeroed)
                inv_v_i = p[i] - ones[i] * m - inv[i, i] * d  # (inv . (y - m, row i zeroed))_i
                values = m + inv_v - w[i] * inv_v_i / inv[i, i]
            return {c: float(v) for c, v in zip(codes, values)}
        out[scheme] = fitted
    return out


def _typical_divisions(divisions: dict) -> dict[str, str]:
    """{section: the division most priorities have the most evidence for in it}."""
    counts: dict[str, dict[str, int]] = {}
    for by_section in divisions.values():
        for section, divs in by_section.items():
            d = min(divs, key=lambda d: (-divs[d], d))
            counts.setdefault(section, {})[d] = counts.setdefault(section, {}).get(d, 0) + 1
    return {s: min(c, key=lambda d: (-c[d], d)) for s, c in counts.items()}


def _word_at(text: str, start: int, end: int) -> str:
    """The whole word (or words) a match falls in, for the reason text."""
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "-"):
        end += 1
    return text[start:end]


def _row(pid, scheme, code, method, score, reason) -> dict:
    return {"priority_id": pid, "scheme": scheme, "code": code, "method": method, "score": float(score),
            "rule": reason}


@dataclass(frozen=True)
class _Examples:
    """The priorities whose NACE divisions come from a source: method 2's examples."""
    rows: list[int]  # their positions among the priorities
    ids: list[str]
    strategies: list
    titles: list[str]
    codes: dict[str, set[str]]
    coded: set[str]  # every priority id with source NACE codes

    @classmethod
    def of(cls, pri: pd.DataFrame, source_codes: pd.DataFrame | None) -> "_Examples":
        gold = pd.DataFrame(columns=["priority_id", "code"]) if source_codes is None or source_codes.empty else \
            source_codes[(source_codes.scheme == "nace") & (source_codes.origin == "source")]
        coded = set(gold.priority_id)
        ex = pri[pri.priority_id.isin(coded)]
        strategy = pri.strategy_id.tolist() if "strategy_id" in pri else [None] * len(pri)
        return cls(rows=ex.index.tolist(), ids=ex.priority_id.tolist(), strategies=[strategy[i] for i in ex.index],
                   titles=[str(t) for t in ex.title],
                   codes=gold.groupby("priority_id").code.apply(set).to_dict() if len(ex) else {}, coded=coded)


def _vote_rows(sim: np.ndarray, pri: pd.DataFrame, ex: _Examples, open_: np.ndarray, method: str, label: str,
               min_cos: float | None, voters: np.ndarray | None = None) -> list[dict]:
    """Method 2 (and its vector variant): for each open priority, the ``KNN_K`` most similar examples
    from other strategies (``voters`` only, when given) vote with their similarity. ``min_cos=None``:
    no thresholds, every division voted for is proposed."""
    ids = pri.priority_id.tolist()
    strategy = pri.strategy_id.tolist() if "strategy_id" in pri else [None] * len(pri)
    rows = []
    for r, pid in enumerate(ids):
        if not open_[r]:
            continue
        order = [j for j in np.argsort(-sim[r], kind="stable")
                 if ex.ids[j] != pid and ex.strategies[j] != strategy[r] and (voters is None or voters[j])][:KNN_K]
        order = [j for j in order if sim[r, j] >= (1e-6 if min_cos is None else min_cos)]
        total = float(sum(sim[r, j] for j in order))
        if not total:
            continue
        votes: dict[str, float] = {}
        support: dict[str, int] = {}
        for j in order:
            for c in ex.codes[ex.ids[j]]:
                votes[c] = votes.get(c, 0.0) + float(sim[r, j])
                support[c] = support.get(c, 0) + 1
        ranked = sorted(votes, key=lambda c: (-votes[c], c))
        if min_cos is not None:
            ranked = [c for c in ranked if support[c] >= KNN_MIN_SUPPORT
                      and votes[c] / total >= KNN_MIN_SHARE][:KNN_MAX_CODES]
        best = order[0]
        for c in ranked:
            share = votes[c] / total
            rows.append(_row(pid, "nace", c, method, share,
                             f"{label}: carried by {support[c]} of the {len(order)} most similar source-coded "
                             f"priorities ({share:.0%} of the votes; closest: '{ex.titles[best]}', {ex.ids[best]}, "
                             f"cosine {sim[r, best]:.2f})"))
    return rows


def _name_rows(vectors: np.ndarray, code_vectors: dict, pri: pd.DataFrame, open_: np.ndarray,
               thresholds: bool) -> list[dict]:
    """Experimental "vname": the divisions whose name vectors are closest to the priority's vector."""
    codes = sorted(code_vectors)
    names = np.array([code_vectors[c] for c in codes], dtype=np.float64)
    names = names / np.linalg.norm(names, axis=1, keepdims=True)
    raw = np.asarray(vectors, dtype=np.float64)
    raw = raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-12)
    sim = raw @ names.T
    rows = []
    for r, pid in enumerate(pri.priority_id):
        if not open_[r]:
            continue
        order = np.argsort(-sim[r], kind="stable")
        top = float(sim[r, order[0]])
        keep = [j for j in order[:VNAME_MAX_CODES] if sim[r, j] >= top - VNAME_BAND] if thresholds else list(order)
        rows += [_row(pid, "nace", codes[j], "vname", float(sim[r, j]),
                      f"e5 vectors: closest NACE division names (cosine {sim[r, j]:.2f}, best {top:.2f})") for j in keep]
    return rows
