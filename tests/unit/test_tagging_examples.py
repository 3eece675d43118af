"""The labelled examples (geodata/sources/tagging_examples.csv): read and checked strictly, and a
priority's own label never decides its codes (it never votes for itself)."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.build.classify import Classifier, load_examples
from dashboard.data.schema import DataError
from tools.evaluate_tagging import EXAMPLES, classifier, inputs

ROOT = Path(__file__).resolve().parents[2]
SNAP = ROOT / "geodata" / "snapshot"
SECTIONS = set("ABCDEFGHIJKLMNOPQRSTU")
ECO = {str(i) for i in range(1, 15)}


@pytest.fixture(scope="module")
def real():
    clf = classifier(SNAP)
    pri, source, vectors = inputs(SNAP)
    assert vectors is not None
    return clf, pri, source, vectors, clf.evidence(pri, source)


def _write(tmp_path, text):
    path = tmp_path / "tagging_examples.csv"
    path.write_text("priority_id,nace_sections,ecosystems\n" + text, encoding="utf-8")
    return path


def test_the_project_examples_are_valid_and_apart_from_the_test_priorities():
    examples = load_examples(EXAMPLES, SECTIONS, ECO)
    assert len(examples) == 1095
    test = set(pd.read_csv(ROOT / "tests" / "eval" / "tagging_labels.csv", dtype=str).priority_id)
    assert not set(examples) & test
    assert examples["AT11-S3-2024-P1"] == {"nace": {"Q"}, "ecosystem": {"9"}}
    assert examples["AT-S3-2021-P1"] == {"nace": set(), "ecosystem": set()}  # horizontal: no codes


@pytest.mark.parametrize("row, message", [
    ("AT-S3-2021-P1,C;Z,5\n", "row 2, column 'nace_sections': unknown NACE section 'Z'"),
    ("AT-S3-2021-P1,C,5;15\n", "row 2, column 'ecosystems': unknown ecosystem id '15'"),
    ("AT-S3-2021-P1,C,5\nAT-S3-2021-P1,J,5\n", "duplicate"),
])
def test_unknown_codes_and_repeated_priorities_are_errors(tmp_path, row, message):
    with pytest.raises(DataError) as exc:
        load_examples(_write(tmp_path, row), SECTIONS, ECO)
    assert "tagging_examples.csv" in str(exc.value) and message in str(exc.value)


def test_an_unknown_priority_is_an_error(tmp_path, real):
    clf, pri, source, vectors, cues = real
    examples = load_examples(_write(tmp_path, "XX-S3-2099-P1,C,5\nAT-S3-2021-P1,J,5\n"), SECTIONS, ECO)
    with pytest.raises(DataError, match=r"tagging_examples.csv: 1 labelled priorities are not among the "
                                        r"priorities: XX-S3-2099-P1"):
        clf.with_examples(examples).decide(pri, source, cues, vectors)


def test_a_priority_never_votes_for_itself(real):
    clf, pri, source, vectors, cues = real
    examples = clf.examples
    pid = "AT11-S3-2024-P1"  # labelled Q / 9
    assert pid in examples
    before = clf.decide(pri, source, cues, vectors, only={pid})
    # its own label changed to codes nothing else points to: its codes stay the same
    changed = clf.with_examples({**examples, pid: {"nace": {"U"}, "ecosystem": {"13"}}})
    after = changed.decide(pri, source, cues, vectors, only={pid})
    pd.testing.assert_frame_equal(before, after)
    assert not after.rule.str.contains(f"({pid})", regex=False).any()  # never named among its neighbours
    # the same label on another priority is a vote: with its vector made identical to pid's, it is the closest
    other = "AT-S3-2021-P3"
    twin = vectors.copy()
    twin[pri.index[pri.priority_id == other][0]] = twin[pri.index[pri.priority_id == pid][0]]
    voted = clf.decide(pri, source, cues, twin, only={other})
    assert "9" in set(voted.code[voted.scheme == "ecosystem"])
    assert voted.rule.str.contains(f"closest: '{pri.title[pri.priority_id == pid].iloc[0]}' ({pid})",
                                   regex=False).any()


def test_without_vectors_or_examples_the_keyword_evidence_decides(real):
    clf, pri, source, vectors, cues = real
    plain = Classifier(clf.rules, clf.nace_to_ecosystem)
    a = plain.decide(pri, source, cues, vectors)
    b = clf.decide(pri, source, cues, None)
    pd.testing.assert_frame_equal(a, b)
    assert not a.rule.str.contains("similar labelled priorities").any()
    # a priority without a vector (zero row) keeps the keyword evidence's codes
    pid = "LU-S3-2014-P4"
    gone = vectors.copy()
    gone[pri.index[pri.priority_id == pid][0]] = 0
    mine = clf.decide(pri, source, cues, gone, only={pid})
    pd.testing.assert_frame_equal(mine.reset_index(drop=True),
                                  a[a.priority_id == pid].reset_index(drop=True))
    assert np.count_nonzero(gone) < np.count_nonzero(vectors)
