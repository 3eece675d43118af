"""A partnership member's role in a few normalised words, from the words its source uses. Used by
the build's readers and by publishing (contributed memberships)."""
from __future__ import annotations

SUPPORTING_WORDS = ("supporting", "represented region", "co-signator", "co-signed", "memorandum", "associated")


def normalise_role(text: str) -> str:
    """The role in a few normalised words (ROLE_ORDER): lead, co-lead, partner, member, or supporting
    for a region the source ties to the partnership without naming it a member (SUPPORTING_WORDS).
    A translation in brackets ("projectleider (co-lead)") counts as the source's word."""
    t = text.lower()
    if t.startswith("co-lead") or "(co-lead)" in t:
        return "co-lead"
    if t.startswith("lead") or "(lead)" in t:
        return "lead"
    if t.startswith("partner") or t.startswith("initiator"):
        return "partner"
    if any(w in t for w in SUPPORTING_WORDS):
        return "supporting"
    return "member"
