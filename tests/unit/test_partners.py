"""The partner finder on the real snapshot: input limits, uploads, ranking and the page."""
from __future__ import annotations

import base64
import io

import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.data.partners import (MAX_LINES, InputError, find_partners, read_lines, read_upload,
                                     template_frame)
from dashboard.data.query import search_index
from dashboard.data.search import similar_to_texts
from dashboard.pages.match import matches, share_query


def data_url(raw: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


@pytest.mark.parametrize("text, message", [
    ("", "at least one"), ("  \n \n", "at least one"), (None, "as text"),
    ("\n".join(f"line {i}" for i in range(MAX_LINES + 1)), "at most"),
    ("x" * 21000, "longer than"), ("PK\x03\x04\x00\x00binary", "does not look like text"),
])
def test_bad_input_is_refused_with_a_clear_message(text, message):
    with pytest.raises(InputError, match=message):
        read_lines(text)


def test_lines_are_trimmed_and_blank_ones_dropped():
    assert read_lines("  Smart   grids \n\n Turismo sostenibile\r\n") == ["Smart grids", "Turismo sostenibile"]


def test_the_templates_read_back_as_lines():
    csv = template_frame().to_csv(index=False).encode()
    assert read_upload(data_url(csv), "mine.csv").splitlines() == list(template_frame().priority)
    buf = io.BytesIO()
    template_frame().to_excel(buf, index=False)
    assert read_upload(data_url(buf.getvalue()), "mine.xlsx").splitlines() == list(template_frame().priority)
    for raw, name, message in ((b"\x00\x01\x02" * 10, "x.csv", "binary"), (b"abc", "x.pdf", ".csv or .xlsx"),
                               (b"not a workbook", "x.xlsx", "could not be read"), (b"a" * 200_000, "x.csv", "larger")):
        with pytest.raises(InputError, match=message):
            read_upload(data_url(raw), name)


def test_regions_are_ranked_by_lines_matched_and_the_own_region_is_left_out(atlas):
    lines = ["Modern textile and fashion industry", "Sustainable tourism", "Health"]
    hits = similar_to_texts(search_index(atlas), lines, k=20)
    m = find_partners(atlas, lines, hits, own="PL71")
    assert "PL71" not in set(m.regions.nuts_id)
    counts = list(m.regions.lines_matched)
    assert counts == sorted(counts, reverse=True) and counts[0] >= 2
    # every reason names one of the region's own priorities, found for that line
    top = m.regions.iloc[0]
    own_titles = set(atlas.priorities.title[atlas.priorities.nuts_id == top.nuts_id])
    assert all(title in own_titles for _line, title, _match, _score in top.reasons)
    # per line, the closest priorities; the textile line finds a textile priority by its words
    textile = m.per_line[0]
    assert (textile.match == "exact").any() and textile.priority.str.contains("textile", case=False).any()


def test_the_page_answers_from_the_url_and_links_to_compare(atlas):
    client = create_app(atlas=atlas).server.test_client()
    r = client.get("/match?lines=Textiles%20and%20fashion%0ASustainable%20tourism&region=ES51")
    assert r.status_code == 200
    m = matches(atlas, "Textiles and fashion\nSustainable tourism", "ES51")
    assert len(m.regions) and m.regions.nuts_id.iloc[0] != "ES51"
    assert share_query("a\nb", "ES51") == "?lines=a%0Ab&region=ES51"
    assert share_query("x" * 3000, "") is None
    assert client.get("/match/template.csv").data.decode().startswith("priority")
