"""Checking a proposal (the JSON a proposer sends, or what a form builds) against the snapshot.

``validate(data, known)`` never raises: it answers either the clean proposal and no errors, or
None and ``{field path: message}`` in plain words, e.g. ``{"source_url": "...",
"fields.rows[3].title": "..."}`` (bulk rows are counted from 0). Text is kept as text: escaping
it is the business of whatever shows it.

The clean proposal has the keys kind, action, target (only the ids its kind uses), fields (only
the fields given with a value; keywords and codes as lists without duplicates, codes as the
snapshot writes them), source_url, proposer (name, organisation, email) and note, every string
stripped.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.data.schema import DataError
from dashboard.settings import MAX_BULK_ROWS

MAX_TITLE = 300
MAX_DESCRIPTION = 5000
MAX_KEYWORDS = 40
MAX_KEYWORD = 80
MAX_CODES = 50
MAX_NOTE = 2000
MAX_NAME = 200
MAX_URL = 2000
MAX_EMAIL = 254
MAX_ROLE = 100
MAX_ID = 100

# Which target ids each kind of proposal names, per action.
TARGETS = {
    "priority": {"add": ("strategy_id",), "change": ("priority_id",), "remove": ("priority_id",)},
    "strategy": {"add": ("nuts_id",), "change": ("strategy_id",), "remove": ("strategy_id",)},
    "membership": {a: ("partnership_id", "nuts_id") for a in ("add", "change", "remove")},
    "contact": {a: ("strategy_id",) for a in ("add", "change", "remove")},
    "bulk": {"change": ("strategy_id",)},
}
TOP_LEVEL = ("kind", "action", "target", "fields", "source_url", "proposer", "note")
PRIORITY_TEXT = {"title": MAX_TITLE, "title_original": MAX_TITLE, "description": MAX_DESCRIPTION}
CODE_SCHEMES = ("nace", "nabs", "ecosystems")
FIELDS = {
    "priority": (*PRIORITY_TEXT, "keywords", *CODE_SCHEMES),
    "strategy": ("title", "period", "document_url"),
    "membership": ("role",),
    "contact": ("name", "position", "organisation", "email", "consent_to_publish"),
    "bulk": ("rows", "remove_missing"),
}
ROW_FIELDS = ("priority_id", *FIELDS["priority"])
# Fields whose text may run over several lines.
MULTILINE = {"description", "note"}
# Refused in any text: control characters (Unicode category Cc), lone surrogates, and the
# bidirectional embedding, override and isolate marks (they make text read otherwise than it is).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
PERIOD = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")
NACE = re.compile(r"^(?:([A-Z])\s*\.?\s*)?(\d{1,2})$")
TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off", ""}
# How a missing value is asked for, where the field's name alone would not say it.
REQUIRED = {
    "source_url": "a source is required: the address of the public page that states this",
    "strategy_id": "say which strategy (its strategy_id)",
    "priority_id": "say which priority (its priority_id)",
    "nuts_id": "say which region (its NUTS code)",
    "partnership_id": "say which partnership (its partnership_id)",
    "email": "an e-mail address is required",
}


def _required(name: str) -> str:
    return REQUIRED.get(name, f"{name.replace('_', ' ')} is required")


@dataclass(frozen=True)
class Known:
    """What the snapshot holds: the ids a proposal may name and the codes it may use."""

    regions: frozenset[str] = frozenset()
    strategies: frozenset[str] = frozenset()
    priorities: dict[str, str] = field(default_factory=dict)  # priority_id -> strategy_id
    partnerships: frozenset[str] = frozenset()
    members: frozenset[tuple[str, str]] = frozenset()  # (partnership_id, nuts_id)
    nace: dict[str, str] = field(default_factory=dict)  # code -> section letter
    nabs: frozenset[str] = frozenset()
    ecosystems: frozenset[str] = frozenset()

    @classmethod
    def from_snapshot(cls, path: str | Path) -> "Known":
        """Read the ids and codes from a snapshot folder's CSV files."""
        path = Path(path)

        def rows(name: str, *columns: str) -> list[tuple[str, ...]]:
            file = path / name
            if not file.exists():
                raise DataError(file, "file is missing")
            with file.open(newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                missing = [c for c in columns if c not in (reader.fieldnames or [])]
                if missing:
                    raise DataError(file, f"missing required column(s): {', '.join(missing)}", row=1)
                return [tuple((r[c] or "").strip() for c in columns) for r in reader]

        return cls(
            regions=frozenset(r for (r,) in rows("regions.csv", "nuts_id")),
            strategies=frozenset(s for (s,) in rows("strategies.csv", "strategy_id")),
            priorities=dict(rows("priorities.csv", "priority_id", "strategy_id")),
            partnerships=frozenset(p for (p,) in rows("partnerships.csv", "partnership_id")),
            members=frozenset(rows("partnership_members.csv", "partnership_id", "nuts_id")),
            nace=dict(rows("nace.csv", "code", "section")),
            nabs=frozenset(c for (c,) in rows("nabs.csv", "code")),
            ecosystems=frozenset(c for (c,) in rows("ecosystems.csv", "code")),
        )


class _Errors(dict):
    def add(self, path: str, message: str) -> None:
        self.setdefault(path, message)


def _shown(value: object, limit: int = 40) -> str:
    """A short quotation of what was sent, for a message."""
    text = value if isinstance(value, str) else repr(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _bad_character(text: str, multiline: bool) -> str | None:
    found = (CONTROL_MULTILINE if multiline else CONTROL).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _text(errors: _Errors, path: str, value: object, limit: int, *, required: bool = False,
          multiline: bool = False) -> str | None:
    """A stripped string within ``limit`` characters, or None (with an error if it was wrong)."""
    name = path.rsplit(".", 1)[-1]
    if value is None or value == "":
        if required:
            errors.add(path, _required(name))
        return None
    if not isinstance(value, str):
        errors.add(path, "must be text")
        return None
    bad = _bad_character(value, multiline or name in MULTILINE)
    if bad:
        errors.add(path, f"contains a control character ({bad}); remove it"
                   + ("" if multiline or name in MULTILINE else " (line breaks and tabs are not allowed here)"))
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if required:
            errors.add(path, _required(name))
        return None
    if len(text) > limit:
        errors.add(path, f"is too long ({len(text):,} characters; at most {limit:,})")
        return None
    return text


def _url(errors: _Errors, path: str, value: object, *, required: bool = False) -> str | None:
    text = _text(errors, path, value, MAX_URL, required=required)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme.lower() not in ("http", "https") or any(c.isspace() for c in text):
        errors.add(path, "must be a web address starting with http:// or https://")
        return None
    if "." not in host or host.endswith("."):
        errors.add(path, "must be a public web address (a host name such as www.example.org)")
        return None
    return text


def _email(errors: _Errors, path: str, value: object, *, required: bool = False) -> str | None:
    text = _text(errors, path, value, MAX_EMAIL, required=required)
    if text is not None and not EMAIL.match(text):
        errors.add(path, "must be an e-mail address such as name@example.org")
        return None
    return text


def _flag(errors: _Errors, path: str, value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
        return value.strip().lower() in TRUE
    errors.add(path, "must be true or false")
    return None


def _items(errors: _Errors, path: str, value: object, most: int) -> list[str] | None:
    """A list of strings (or numbers) or one string separated by ';': stripped, empty ones dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list):
        errors.add(path, "must be a list (or one text with items separated by ';')")
        return None
    if len(value) > most * 4:
        errors.add(path, f"has too many items ({len(value):,}; at most {most})")
        return None
    out = []
    for i, item in enumerate(value):
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            errors.add(f"{path}[{i}]", "must be text")
            return None
        bad = _bad_character(item, False)
        if bad:
            errors.add(f"{path}[{i}]", f"contains a control character ({bad}); remove it")
            return None
        item = item.strip()
        if item:
            out.append(item)
    return out


def _keywords(errors: _Errors, path: str, value: object) -> list[str] | None:
    items = _items(errors, path, value, MAX_KEYWORDS)
    if items is None:
        return None
    seen, out = set(), []
    for item in items:
        if len(item) > MAX_KEYWORD:
            errors.add(path, f"keyword {_shown(item)} is too long (at most {MAX_KEYWORD} characters)")
            return None
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    if len(out) > MAX_KEYWORDS:
        errors.add(path, f"has too many keywords ({len(out)}; at most {MAX_KEYWORDS})")
        return None
    return out


def _nace_code(code: str, known: Known) -> str | None:
    code = code.upper()
    if code in known.nace:
        return code
    match = NACE.match(code)
    if not match:
        return None
    section, division = match.group(1), match.group(2).zfill(2)
    if division in known.nace and (section is None or known.nace[division] == section):
        return division
    return None


def _codes(errors: _Errors, path: str, value: object, scheme: str, known: Known) -> list[str] | None:
    items = _items(errors, path, value, MAX_CODES)
    if items is None:
        return None
    out = []
    for item in items:
        if scheme == "nace":
            code = _nace_code(item, known)
            hint = "a section letter such as C or a division such as 21"
        else:
            allowed = known.nabs if scheme == "nabs" else known.ecosystems
            code = item.lstrip("0") if item.lstrip("0") in allowed else None
            hint = f"a number from the {'NABS chapters' if scheme == 'nabs' else 'industrial ecosystems'} list"
        if code is None:
            errors.add(path, f"unknown {scheme.upper() if scheme != 'ecosystems' else 'ecosystem'} code "
                             f"{_shown(item, 20)} (use {hint})")
            return None
        if code not in out:
            out.append(code)
    if len(out) > MAX_CODES:
        errors.add(path, f"has too many codes ({len(out)}; at most {MAX_CODES})")
        return None
    return out


def _priority_fields(errors: _Errors, prefix: str, data: dict, known: Known) -> dict:
    out = {}
    for name, limit in PRIORITY_TEXT.items():
        text = _text(errors, f"{prefix}.{name}", data.get(name), limit)
        if text:
            out[name] = text
    keywords = _keywords(errors, f"{prefix}.keywords", data.get("keywords"))
    if keywords:
        out["keywords"] = keywords
    for scheme in CODE_SCHEMES:
        codes = _codes(errors, f"{prefix}.{scheme}", data.get(scheme), scheme, known)
        if codes:
            out[scheme] = codes
    return out


def _unexpected(errors: _Errors, prefix: str, data: dict, allowed: tuple[str, ...], what: str) -> None:
    for key in data:
        if key not in allowed and data[key] not in (None, "", [], {}):
            shown = key if isinstance(key, str) and len(key) <= 60 and key.isprintable() else "?"
            errors.add(f"{prefix}.{shown}" if prefix else shown, f"is not a field of {what}")


def _target(errors: _Errors, kind: str, action: str, value: object, known: Known) -> dict:
    if not isinstance(value, dict):
        errors.add("target", "must be an object naming what the proposal is about")
        return {}
    keys = TARGETS[kind][action]
    _unexpected(errors, "target", value, keys, f"the target of a {kind} {action} proposal")
    out = {}
    for key in keys:
        raw = value.get(key)
        if isinstance(raw, str) and raw.strip():
            raw = raw.strip()
        path = f"target.{key}"
        if raw is None or raw == "":
            errors.add(path, _required(key))
            continue
        if not isinstance(raw, str) or len(raw) > MAX_ID:
            errors.add(path, "must be an id from the atlas")
            continue
        exists = {"strategy_id": known.strategies, "priority_id": known.priorities,
                  "nuts_id": known.regions, "partnership_id": known.partnerships}[key]
        if raw not in exists:
            errors.add(path, f"{_shown(raw)} is not in the atlas")
            continue
        out[key] = raw
    if kind == "membership" and len(out) == 2:
        member = (out["partnership_id"], out["nuts_id"]) in known.members
        if action == "add" and member:
            errors.add("target.nuts_id", "this region is already a member of the partnership; "
                                         "propose a change of its role instead")
        elif action != "add" and not member:
            errors.add("target.nuts_id", "this region is not a member of the partnership in the atlas")
    return out


def _fields(errors: _Errors, kind: str, action: str, target: dict, value: object, known: Known) -> dict:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors.add("fields", "must be an object")
        return {}
    _unexpected(errors, "fields", value, FIELDS[kind], f"a {kind} proposal")
    out: dict = {}
    if kind == "priority":
        out = _priority_fields(errors, "fields", value, known)
        if action == "add" and "title" not in out:
            errors.add("fields.title", "title is required")
    elif kind == "strategy":
        title = _text(errors, "fields.title", value.get("title"), MAX_TITLE, required=action == "add")
        period = _text(errors, "fields.period", value.get("period"), 20)
        if period:
            match = PERIOD.match(period)
            if not match or not (1990 <= int(match.group(1)) < int(match.group(2)) <= 2100):
                errors.add("fields.period", "must be two years such as 2021-2027")
            else:
                period = f"{match.group(1)}-{match.group(2)}"
        document = _url(errors, "fields.document_url", value.get("document_url"))
        out = {k: v for k, v in (("title", title), ("period", period), ("document_url", document)) if v}
    elif kind == "membership":
        role = _text(errors, "fields.role", value.get("role"), MAX_ROLE, required=action != "remove")
        out = {"role": role} if role and action != "remove" else {}
    elif kind == "contact":
        required = action == "add"
        for name in ("name", "position", "organisation"):
            text = _text(errors, f"fields.{name}", value.get(name), MAX_NAME, required=required and name == "name")
            if text:
                out[name] = text
        email = _email(errors, "fields.email", value.get("email"), required=required)
        if email:
            out["email"] = email
        if action != "remove":
            consent = _flag(errors, "fields.consent_to_publish", value.get("consent_to_publish"))
            if consent is False:
                errors.add("fields.consent_to_publish", "the contact point is published: consent to "
                                                        "publish it is required")
            elif consent:
                out["consent_to_publish"] = True
        else:
            out = {}
    elif kind == "bulk":
        out = _bulk(errors, target.get("strategy_id"), value, known)
    if action == "change" and kind != "bulk" and not out and not any(k.startswith("fields") for k in errors):
        errors.add("fields", "nothing to change: give at least one field")
    return out


def _bulk(errors: _Errors, strategy_id: str | None, value: dict, known: Known) -> dict:
    rows = value.get("rows")
    remove_missing = _flag(errors, "fields.remove_missing", value.get("remove_missing"))
    if not isinstance(rows, list) or not rows:
        errors.add("fields.rows", "must be a list of at least one priority row")
        return {}
    if len(rows) > MAX_BULK_ROWS:
        errors.add("fields.rows", f"has too many rows ({len(rows):,}; at most {MAX_BULK_ROWS})")
        return {}
    out_rows, seen = [], set()
    for i, row in enumerate(rows):
        prefix = f"fields.rows[{i}]"
        if not isinstance(row, dict):
            errors.add(prefix, "must be an object with the template's columns")
            continue
        _unexpected(errors, prefix, row, ROW_FIELDS, "a priority row")
        priority_id = _text(errors, f"{prefix}.priority_id", row.get("priority_id"), MAX_ID) or ""
        if priority_id:
            owner = known.priorities.get(priority_id)
            if owner is None:
                errors.add(f"{prefix}.priority_id", f"{_shown(priority_id)} is not in the atlas "
                                                    "(leave it empty for a new priority)")
            elif strategy_id and owner != strategy_id:
                errors.add(f"{prefix}.priority_id", f"{_shown(priority_id)} belongs to another strategy ({owner})")
            elif priority_id in seen:
                errors.add(f"{prefix}.priority_id", f"{_shown(priority_id)} appears in more than one row")
            seen.add(priority_id)
        clean = _priority_fields(errors, prefix, row, known)
        if "title" not in clean:
            errors.add(f"{prefix}.title", "title is required")
        out_rows.append({"priority_id": priority_id, "title": clean.get("title", ""),
                         "title_original": clean.get("title_original", ""),
                         "description": clean.get("description", ""),
                         "keywords": clean.get("keywords", []), **{s: clean.get(s, []) for s in CODE_SCHEMES}})
    return {"rows": out_rows, "remove_missing": bool(remove_missing)}


def validate(data: object, known: Known) -> tuple[dict | None, dict[str, str]]:
    """The clean proposal and no errors, or None and ``{field path: message}``."""
    try:
        return _validate(data, known)
    except RecursionError:
        return None, {"proposal": "is nested too deeply"}


def _validate(data: object, known: Known) -> tuple[dict | None, dict[str, str]]:
    errors = _Errors()
    if not isinstance(data, dict):
        return None, {"proposal": "must be a JSON object with kind, action, target, fields, source_url and proposer"}
    _unexpected(errors, "", data, TOP_LEVEL, "a proposal")

    kind, action = data.get("kind"), data.get("action")
    if not isinstance(kind, str) or kind.strip() not in TARGETS:
        errors.add("kind", f"must be one of: {', '.join(TARGETS)}")
        kind = None
    else:
        kind = kind.strip()
    if not isinstance(action, str) or action.strip() not in ("add", "change", "remove"):
        errors.add("action", "must be one of: add, change, remove")
        action = None
    else:
        action = action.strip()
    if kind and action and action not in TARGETS[kind]:
        errors.add("action", f"a {kind} proposal can only {' or '.join(TARGETS[kind])}")
        action = None

    target, fields = {}, {}
    if kind and action:
        target = _target(errors, kind, action, data.get("target"), known)
        fields = _fields(errors, kind, action, target, data.get("fields"), known)

    source_url = _url(errors, "source_url", data.get("source_url"), required=True)
    proposer = data.get("proposer")
    clean_proposer = {}
    if not isinstance(proposer, dict):
        errors.add("proposer", "must give the proposer's name, organisation and e-mail")
    else:
        _unexpected(errors, "proposer", proposer, ("name", "organisation", "email"), "the proposer")
        clean_proposer = {
            "name": _text(errors, "proposer.name", proposer.get("name"), MAX_NAME, required=True),
            "organisation": _text(errors, "proposer.organisation", proposer.get("organisation"), MAX_NAME,
                                  required=True),
            "email": _email(errors, "proposer.email", proposer.get("email"), required=True),
        }
    note = _text(errors, "note", data.get("note"), MAX_NOTE, multiline=True,
                 required=action == "remove") or ""
    if action == "remove" and "note" in errors and errors["note"] == "note is required":
        errors["note"] = "say why this should be removed"

    if errors:
        return None, dict(errors)
    return {"kind": kind, "action": action, "target": target, "fields": fields, "source_url": source_url,
            "proposer": clean_proposer, "note": note}, {}
