"""Validation of proposals against the real snapshot: every field's limits, plain-English messages
keyed by field path, clean output, and no exception whatever JSON arrives."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.settings import MAX_BULK_ROWS
from dashboard.write.validate import validate

PRIORITY = "BE3-S3-2021-P1"
STRATEGY = "BE3-S3-2021"
PROPOSER = {"name": "Ana Proposer", "organisation": "SPW Économie", "email": "ana@example.org"}
SOURCE = "https://www.wallonie.be/s3"


def base(kind="priority", action="change", target=None, fields=None, **extra) -> dict:
    target = target if target is not None else {"priority_id": PRIORITY}
    fields = fields if fields is not None else {"description": "A description."}
    return {"kind": kind, "action": action, "target": target, "fields": fields, "source_url": SOURCE,
            "proposer": dict(PROPOSER), **extra}


def errors_of(data, known) -> dict:
    clean, errors = validate(data, known)
    assert (clean is None) == bool(errors)
    return errors


def test_a_priority_change_comes_out_clean(known):
    clean, errors = validate(base(fields={
        "title": "  Circular materials ", "description": "Line one.\n\tLine two.\r\n",
        "keywords": "recycling; Recycling ;eco-design;;", "nace": ["C.21", "21", "c", 38],
        "nabs": ["02", 2], "ecosystems": "14;14"}, note="  Seen on the page. "), known)
    assert errors == {}
    assert clean == {
        "kind": "priority", "action": "change", "target": {"priority_id": PRIORITY},
        "fields": {"title": "Circular materials", "description": "Line one.\n\tLine two.",
                   "keywords": ["recycling", "eco-design"], "nace": ["21", "C", "38"], "nabs": ["2"],
                   "ecosystems": ["14"]},
        "source_url": SOURCE, "proposer": PROPOSER, "note": "Seen on the page."}
    # the clean form is valid as it is and JSON all the way
    assert validate(json.loads(json.dumps(clean)), known) == (clean, {})


@pytest.mark.parametrize("data, expected", [
    ({"kind": "priority", "action": "add", "target": {"strategy_id": STRATEGY}, "fields": {"title": "Hydrogen"}},
     {"strategy_id": STRATEGY}),
    ({"kind": "priority", "action": "remove", "target": {"priority_id": PRIORITY}, "fields": {},
      "note": "Not in the 2021 strategy."}, {"priority_id": PRIORITY}),
    ({"kind": "strategy", "action": "add", "target": {"nuts_id": "BE3"},
      "fields": {"title": "S3 Wallonia", "period": "2021 – 2027", "document_url": "https://example.org/s3.pdf"}},
     {"nuts_id": "BE3"}),
    ({"kind": "strategy", "action": "change", "target": {"strategy_id": STRATEGY}, "fields": {"period": "2021-2027"}},
     {"strategy_id": STRATEGY}),
    ({"kind": "membership", "action": "add", "target": {"partnership_id": "cybersecurity-smart-regions",
                                                        "nuts_id": "PL91"}, "fields": {"role": "supporting region"}},
     {"partnership_id": "cybersecurity-smart-regions", "nuts_id": "PL91"}),
    ({"kind": "membership", "action": "remove", "target": {"partnership_id": "cybersecurity-smart-regions",
                                                           "nuts_id": "FRH0"}, "note": "Left in 2023."},
     {"partnership_id": "cybersecurity-smart-regions", "nuts_id": "FRH0"}),
    ({"kind": "contact", "action": "add", "target": {"strategy_id": STRATEGY},
      "fields": {"name": "Jo Contact", "position": "S3 manager", "organisation": "SPW",
                 "email": "s3@wallonie.be", "consent_to_publish": True}}, {"strategy_id": STRATEGY}),
])
def test_each_kind_of_proposal_is_accepted_with_its_target(known, data, expected):
    clean, errors = validate({"source_url": SOURCE, "proposer": PROPOSER, **data}, known)
    assert errors == {}
    assert clean["target"] == expected
    if data["kind"] == "strategy" and data["action"] == "add":
        assert clean["fields"]["period"] == "2021-2027"


@pytest.mark.parametrize("data, field, words", [
    ({"kind": "budget"}, "kind", "must be one of"),
    ({"action": "rename"}, "action", "must be one of"),
    ({"kind": "bulk", "action": "add", "target": {"strategy_id": STRATEGY}}, "action", "can only change"),
    ({"target": {"priority_id": "XX-NOPE"}}, "target.priority_id", "is not in the atlas"),
    ({"target": {}}, "target.priority_id", "say which priority"),
    ({"target": "BE3"}, "target", "must be an object"),
    ({"target": {"priority_id": PRIORITY, "nuts_id": "BE3"}}, "target.nuts_id", "not a field"),
    ({"kind": "priority", "action": "add", "target": {"strategy_id": STRATEGY}, "fields": {}}, "fields.title",
     "required"),
    ({"fields": {}}, "fields", "nothing to change"),
    ({"fields": {"colour": "red"}}, "fields.colour", "not a field of a priority proposal"),
    ({"action": "remove", "fields": {}}, "note", "say why"),
    ({"kind": "strategy", "action": "add", "target": {"nuts_id": "ZZ9"}, "fields": {"title": "x"}},
     "target.nuts_id", "not in the atlas"),
    ({"kind": "strategy", "action": "change", "target": {"strategy_id": STRATEGY}, "fields": {"period": "2027-2021"}},
     "fields.period", "two years"),
    ({"kind": "strategy", "action": "change", "target": {"strategy_id": STRATEGY},
      "fields": {"document_url": "ftp://example.org/s3.pdf"}}, "fields.document_url", "http"),
    ({"kind": "membership", "action": "add", "target": {"partnership_id": "cybersecurity-smart-regions",
                                                        "nuts_id": "FRH0"}, "fields": {"role": "lead"}},
     "target.nuts_id", "already a member"),
    ({"kind": "membership", "action": "change", "target": {"partnership_id": "cybersecurity-smart-regions",
                                                           "nuts_id": "PL91"}, "fields": {"role": "lead"}},
     "target.nuts_id", "not a member"),
    ({"kind": "membership", "action": "add", "target": {"partnership_id": "no-such", "nuts_id": "BE3"},
      "fields": {"role": "lead"}}, "target.partnership_id", "not in the atlas"),
    ({"kind": "contact", "action": "add", "target": {"strategy_id": STRATEGY},
      "fields": {"name": "Jo", "email": "jo@example.org"}}, "fields.consent_to_publish", "consent"),
    ({"kind": "contact", "action": "add", "target": {"strategy_id": STRATEGY},
      "fields": {"name": "Jo", "email": "jo@example.org", "consent_to_publish": "maybe"}},
     "fields.consent_to_publish", "true or false"),
    ({"kind": "contact", "action": "add", "target": {"strategy_id": STRATEGY},
      "fields": {"name": "Jo", "email": "not an address", "consent_to_publish": True}}, "fields.email", "e-mail"),
    ({"source_url": None}, "source_url", "a source is required"),
    ({"source_url": "javascript:alert(1)"}, "source_url", "http:// or https://"),
    ({"source_url": "https://localhost/x"}, "source_url", "public web address"),
    ({"source_url": "https://example.org/" + "a" * 2000}, "source_url", "too long"),
    ({"source_url": "https://exa mple.org/"}, "source_url", "http"),
    ({"proposer": None}, "proposer", "name, organisation and e-mail"),
    ({"proposer": {"name": "A", "organisation": "B"}}, "proposer.email", "e-mail address is required"),
    ({"proposer": {"name": "A", "organisation": "", "email": "a@b.eu"}}, "proposer.organisation", "required"),
    ({"proposer": {"name": "A" * 201, "organisation": "B", "email": "a@b.eu"}}, "proposer.name", "at most 200"),
    ({"proposer": {"name": "A", "organisation": "B", "email": "a@localhost"}}, "proposer.email", "e-mail"),
    ({"note": "n" * 2001}, "note", "at most 2,000"),
    ({"extra": "x"}, "extra", "not a field of a proposal"),
])
def test_each_fault_is_named_with_its_field(known, data, field, words):
    errors = errors_of({**base(), **data}, known)
    assert field in errors, errors
    assert words in errors[field]


@pytest.mark.parametrize("field, limit", [("title", 300), ("title_original", 300), ("description", 5000)])
def test_text_limits(known, field, limit):
    assert errors_of(base(fields={field: "x" * limit}), known) == {}
    assert f"at most {limit:,}" in errors_of(base(fields={field: "x" * (limit + 1)}), known)[f"fields.{field}"]


def test_keyword_and_code_limits(known):
    assert errors_of(base(fields={"keywords": [f"k{i}" for i in range(40)]}), known) == {}
    assert "too many keywords" in errors_of(base(fields={"keywords": [f"k{i}" for i in range(41)]}),
                                            known)["fields.keywords"]
    assert "too long" in errors_of(base(fields={"keywords": ["k" * 81]}), known)["fields.keywords"]
    assert errors_of(base(fields={"keywords": ["k" * 80]}), known) == {}
    assert "unknown NACE code 'Z.99'" in errors_of(base(fields={"nace": ["Z.99"]}), known)["fields.nace"]
    assert "unknown NACE code" in errors_of(base(fields={"nace": ["A.21"]}), known)["fields.nace"]  # 21 is in C
    assert "unknown NABS code" in errors_of(base(fields={"nabs": ["15"]}), known)["fields.nabs"]
    assert "unknown ecosystem code" in errors_of(base(fields={"ecosystems": [0]}), known)["fields.ecosystems"]
    assert "must be text" in errors_of(base(fields={"nabs": [True]}), known)["fields.nabs[0]"]
    assert "must be a list" in errors_of(base(fields={"keywords": {"a": 1}}), known)["fields.keywords"]
    all_nace = list(known.nace)[:50]
    assert errors_of(base(fields={"nace": all_nace}), known) == {}
    assert "too many" in errors_of(base(fields={"nace": list(known.nace)[:51]}), known)["fields.nace"]


@pytest.mark.parametrize("text", ["<script>alert('x')</script>", "\"><img src=x onerror=alert(1)>",
                                  "{{7*7}} ${7*7} <%= 7*7 %>", "'; DROP TABLE proposals; --"])
def test_markup_is_kept_as_text(known, text):
    clean, errors = validate(base(fields={"title": text, "description": text, "keywords": [text]},
                                  proposer={**PROPOSER, "name": text, "organisation": text}, note=text), known)
    assert errors == {}
    assert clean["fields"]["title"] == clean["fields"]["description"] == clean["note"] == text
    assert clean["proposer"]["organisation"] == text


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\ud800"])
def test_control_characters_are_refused_in_every_text(known, char):
    assert "control character" in errors_of(base(fields={"title": f"a{char}b"}), known)["fields.title"]
    assert "control character" in errors_of(base(fields={"description": f"a{char}b"}), known)["fields.description"]
    assert "control character" in errors_of(base(note=f"a{char}b"), known)["note"]
    assert "control character" in errors_of(base(fields={"keywords": [f"a{char}"]}), known)["fields.keywords[0]"]
    assert "control character" in errors_of(base(proposer={**PROPOSER, "name": f"a{char}"}), known)["proposer.name"]
    assert "control character" in errors_of(base(source_url=f"https://example.org/{char}"), known)["source_url"]


def test_line_breaks_only_where_text_runs_over_lines(known):
    assert errors_of(base(fields={"description": "one\ntwo\tthree"}, note="a\nb"), known) == {}
    assert "line breaks" in errors_of(base(fields={"title": "one\ntwo"}), known)["fields.title"]
    assert "line breaks" in errors_of(base(proposer={**PROPOSER, "organisation": "a\tb"}),
                                      known)["proposer.organisation"]


def bulk(rows, **fields) -> dict:
    return base(kind="bulk", action="change", target={"strategy_id": STRATEGY}, fields={"rows": rows, **fields})


def test_a_bulk_proposal_checks_each_row(known):
    clean, errors = validate(bulk([
        {"priority_id": PRIORITY, "title": "Circular materials", "keywords": "a;b", "nace": "C;21"},
        {"priority_id": "", "title": "Hydrogen", "description": "New.", "nabs": "2", "ecosystems": ""},
    ], remove_missing="yes"), known)
    assert errors == {}
    assert clean["fields"]["remove_missing"] is True
    assert clean["fields"]["rows"][1] == {"priority_id": "", "title": "Hydrogen", "title_original": "",
                                          "description": "New.", "keywords": [], "nace": [], "nabs": ["2"],
                                          "ecosystems": []}
    errors = errors_of(bulk([
        {"priority_id": PRIORITY, "title": "ok"},
        {"priority_id": PRIORITY, "title": "twice"},
        {"priority_id": "AT-S3-2021-P3", "title": "other strategy"},
        {"priority_id": "", "title": "x" * 301},
        {"priority_id": "", "title": ""},
        "not a row",
        {"priority_id": "", "title": "codes", "nace": ["ZZ"], "colour": "red"},
    ]), known)
    assert "more than one row" in errors["fields.rows[1].priority_id"]
    assert "another strategy" in errors["fields.rows[2].priority_id"]
    assert "at most 300" in errors["fields.rows[3].title"]
    assert "required" in errors["fields.rows[4].title"]
    assert "must be an object" in errors["fields.rows[5]"]
    assert "unknown NACE" in errors["fields.rows[6].nace"]
    assert "not a field" in errors["fields.rows[6].colour"]
    assert "fields.rows[0].title" not in errors


def test_bulk_row_count_limits(known):
    rows = [{"priority_id": "", "title": f"Priority {i}"} for i in range(MAX_BULK_ROWS)]
    assert errors_of(bulk(rows), known) == {}
    assert "too many rows" in errors_of(bulk(rows + [{"title": "one more"}]), known)["fields.rows"]
    assert "at least one" in errors_of(bulk([]), known)["fields.rows"]


@pytest.mark.parametrize("data", [None, [], "proposal", 3, 1.5, True, [{"kind": "priority"}], {}, {"kind": None},
                                  {"kind": ["priority"]}, {"kind": {"x": 1}}, {1: 2}, {"target": [[[]]]},
                                  {"kind": "priority", "action": "change", "target": {"priority_id": ["x"]}},
                                  {"kind": "x" * 1_000_000}, {"fields": {"rows": "x"}}])
def test_junk_is_answered_with_messages(known, data):
    clean, errors = validate(data, known)
    assert clean is None and errors and all(isinstance(v, str) and v for v in errors.values())


def test_deep_nesting_is_answered(known):
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    clean, errors = validate(base(fields={"keywords": deep, "title": {"a": deep}}), known)
    assert clean is None and "fields.keywords[0]" in errors and "fields.title" in errors


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
                    lambda children: st.lists(children, max_size=5)
                    | st.dictionaries(st.text(max_size=10), children, max_size=5), max_leaves=30)
KINDS = st.sampled_from(["priority", "strategy", "membership", "contact", "bulk", "other", ""])
ACTIONS = st.sampled_from(["add", "change", "remove", "", "x"])
IDS = st.sampled_from([PRIORITY, STRATEGY, "BE3", "FRH0", "cybersecurity-smart-regions", "", "nope"])
TEXT = st.text(max_size=400) | st.sampled_from(["", " ", "https://example.org/a", "a@b.eu", "<b>x</b>"])
SHAPED = st.fixed_dictionaries(
    {"kind": KINDS, "action": ACTIONS},
    optional={
        "target": st.dictionaries(st.sampled_from(["priority_id", "strategy_id", "nuts_id", "partnership_id"]),
                                  IDS | JSON),
        "fields": st.dictionaries(st.sampled_from(["title", "title_original", "description", "keywords", "nace",
                                                   "nabs", "ecosystems", "period", "document_url", "role", "name",
                                                   "email", "consent_to_publish", "rows", "remove_missing"]),
                                  TEXT | JSON | st.lists(TEXT | st.fixed_dictionaries({"title": TEXT}))),
        "source_url": TEXT | JSON,
        "proposer": st.fixed_dictionaries({"name": TEXT, "organisation": TEXT, "email": TEXT}) | JSON,
        "note": TEXT | JSON,
    })


def check(data, known) -> None:
    clean, errors = validate(data, known)
    if clean is None:
        assert errors and all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())
        json.dumps(errors)
    else:
        assert errors == {}
        json.dumps(clean)
        assert validate(clean, known) == (clean, {})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=JSON)
def test_any_json_gets_an_answer_never_an_exception(known, data):
    check(data, known)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=SHAPED)
def test_proposal_shaped_junk_gets_an_answer_never_an_exception(known, data):
    check(data, known)
