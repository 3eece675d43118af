"""The comparison page's callbacks, read from the app's own callback map: one job each, and none
reads a component property it also writes (such a callback races with the user under load)."""
from __future__ import annotations

import re

import pytest

from dashboard.app import create_app


def _outputs(key: str) -> set[str]:
    """'..a.b...c.d@hash..' or 'a.b' → {'a.b', 'c.d'} (allow_duplicate's @hash dropped)."""
    return {re.sub(r"@[0-9a-f]+$", "", part) for part in key.strip(".").split("...") if part}


@pytest.fixture(scope="module")
def compare_callbacks(atlas):
    cmap = create_app(atlas=atlas).callback_map
    found = {}
    for key, cb in cmap.items():
        outs = _outputs(key)
        reads = {f"{d['id']}.{d['property']}" for d in cb["inputs"] + cb["state"]}
        if any(x.startswith("cmp-") for x in outs | reads):
            found[key] = (outs, reads)
    return found


def test_no_compare_callback_reads_what_it_writes(compare_callbacks):
    assert len(compare_callbacks) >= 3  # finder → URL, URL → body, URL → finder (and the finder's options)
    for key, (outs, reads) in compare_callbacks.items():
        assert not outs & reads, f"{key} reads and writes {sorted(outs & reads)}"


def test_compare_is_joined_through_its_url(compare_callbacks):
    by_output = {o: reads for outs, reads in compare_callbacks.values() for o in outs}
    assert "cmp-regions.value" in by_output["cmp-url.search"]  # the finder writes the URL
    assert by_output["cmp-body.children"] == {"cmp-url.search"}  # the page follows the URL alone
    assert "cmp-url.search" in by_output["cmp-regions.value"]  # the finder follows the URL
    assert "cmp-regions.value" not in by_output["cmp-regions.value"]

