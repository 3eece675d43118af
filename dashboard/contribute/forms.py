"""The proposal forms: which fields each kind of proposal asks for, and a filled form as a proposal.

A form builds the same JSON a machine sends to ``POST /api/proposals``; both are checked by one
validator (dashboard/write/validate.py), whose messages are keyed by the JSON's field paths
(``fields.title``, ``proposer.email``...): ``Field.key`` maps each input to its path.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str  # the form input's name
    key: str  # the proposal JSON path validation messages are keyed by
    label: str
    type: str = "text"  # text, textarea, email, url, checkbox
    required: bool = False
    help: str = ""
    maxlength: int = 300
    rows: int = 4
    check_label: str = ""


LIST_HELP = "Separate them with semicolons (;)."
PRIORITY = [
    Field("title", "fields.title", "Title in English", maxlength=300),
    Field("title_original", "fields.title_original", "Title as the strategy writes it (original language)", maxlength=300),
    Field("description", "fields.description", "Description, in your own words", "textarea", maxlength=5000, rows=6,
          help="What the priority covers: its fields, technologies and industries. Do not paste the strategy's text."),
    Field("keywords", "fields.keywords", "Keywords", help=LIST_HELP, maxlength=4000),
    Field("nace", "fields.nace", "NACE codes", help="Sections or divisions, e.g. C; C.21; J.62. " + LIST_HELP, maxlength=600),
    Field("nabs", "fields.nabs", "NABS codes", help="e.g. 06; 07. " + LIST_HELP, maxlength=600),
    Field("ecosystems", "fields.ecosystems", "Industrial ecosystems", help="Their numbers in the atlas's list. " + LIST_HELP,
          maxlength=600),
]
STRATEGY = [
    Field("title", "fields.title", "Strategy title", maxlength=300),
    Field("period", "fields.period", "Period", help="e.g. 2021-2027", maxlength=20),
    Field("document_url", "fields.document_url", "Link to the strategy document", "url", maxlength=2000),
]
MEMBERSHIP = [
    Field("role", "fields.role", "Role, in the source's words", required=True, maxlength=200,
          help="e.g. lead, partner, supporting region, co-signatory of the memorandum."),
]
CONTACT = [
    Field("name", "fields.name", "Name", required=True, maxlength=200),
    Field("position", "fields.position", "Position", maxlength=200),
    Field("organisation", "fields.organisation", "Organisation (the strategy's managing body)", required=True, maxlength=200),
    Field("email", "fields.email", "Public e-mail address", "email", required=True, maxlength=320),
    Field("consent_to_publish", "fields.consent_to_publish", "Consent", "checkbox", required=True,
          check_label="I speak for the managing body and agree that these contact details are published in the atlas."),
]
REMOVE = []  # a row marked as wrong: the source and a note say why
SOURCE = [
    Field("source_url", "source_url", "Public page that states it", "url", required=True, maxlength=2000,
          help="The address (https://…) of the strategy document or official page the reviewer checks it against."),
    Field("note", "note", "Note to the reviewer", "textarea", maxlength=2000, rows=3),
]
PROPOSER = [
    Field("proposer_name", "proposer.name", "Your name", required=True, maxlength=200),
    Field("proposer_organisation", "proposer.organisation", "Your organisation", required=True, maxlength=200),
    Field("proposer_email", "proposer.email", "Your e-mail address", "email", required=True, maxlength=320),
]

FIELDS = {
    ("priority", "add"): PRIORITY, ("priority", "change"): PRIORITY, ("priority", "remove"): REMOVE,
    ("strategy", "add"): STRATEGY, ("strategy", "change"): STRATEGY, ("strategy", "remove"): REMOVE,
    ("membership", "add"): MEMBERSHIP, ("membership", "change"): MEMBERSHIP, ("membership", "remove"): REMOVE,
    ("contact", "add"): CONTACT, ("contact", "change"): CONTACT, ("contact", "remove"): REMOVE,
}
LISTS = {"keywords", "nace", "nabs", "ecosystems"}


def _value(form, name: str) -> str:
    v = form.get(name, "")
    return v if isinstance(v, str) else ""


def sender(form) -> dict:
    """The parts of a proposal every form asks for: its source, a note and the proposer."""
    return {"source_url": _value(form, "source_url").strip(), "note": _value(form, "note").strip(),
            "proposer": {"name": _value(form, "proposer_name").strip(),
                         "organisation": _value(form, "proposer_organisation").strip(),
                         "email": _value(form, "proposer_email").strip()}}


def proposal_from_form(form, kind: str, action: str, target: dict, current: dict | None = None) -> dict:
    """The proposal a filled form states. On a change, a field left as it is in the snapshot is not
    part of the proposal (only what the proposer changed is)."""
    fields = {}
    for f in FIELDS[(kind, action)]:
        if f.type == "checkbox":
            fields[f.name] = _value(form, f.name) == "yes"
            continue
        raw = _value(form, f.name).strip()
        if action == "change" and current is not None and raw == (current.get(f.name) or "").strip():
            continue
        if action == "change" and not raw:
            continue
        if action == "add" and not raw:
            continue
        fields[f.name] = [v.strip() for v in raw.replace("\n", ";").split(";") if v.strip()] if f.name in LISTS else raw
    return {"kind": kind, "action": action, "target": target, "fields": fields, **sender(form)}


def errors_by_input(errors: dict[str, str], fields: list[Field]) -> dict[str, str]:
    """Validation messages keyed by the form's inputs (what has no input goes under "_")."""
    keys = {f.key for f in fields}
    out = {k: v for k, v in errors.items() if k in keys}
    rest = [v if k in ("fields", "_") else f"{k}: {v}" for k, v in errors.items() if k not in keys]
    if rest:
        out["_"] = "; ".join(rest)
    return out
