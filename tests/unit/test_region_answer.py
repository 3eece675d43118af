"""The answer by region ("which regions bet on X?"), the map's tier classes and their colours, on
the real snapshot."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from dashboard.data.export import regions_csv, regions_frame
from dashboard.data.query import Filters, counts_by_territory, matching_priorities, region_answer
from dashboard.data.search import fold, words
from dashboard.figures.base import NO_DATA
from dashboard.figures.explorer import (NO_MATCH_COLOR, RELATED_COLOR, RELATED_ONLY, count_bands, count_classes,
                                        ramp)
from dashboard.state import ViewState
from dashboard.views.explorer import answer_line, map_values, table_view


def texts(atlas, pid: str) -> str:
    r = atlas.priorities.set_index("priority_id").loc[pid]
    return " ".join(str(r[c]) for c in ("title", "title_original", "description", "keywords"))


def test_hydrogen_regions_name_it_with_their_evidence(atlas):
    f = Filters(keyword="hydrogen")
    answer = region_answer(atlas, f)
    named = answer[answer.tier == "exact"]
    # every territory with a priority holding the word "hydrogen" (as a word), and no other
    p = atlas.priorities
    has_word = [any(w.startswith("hydrogen") for w in (fold(x) for x in words(texts(atlas, pid))))
                for pid in p.priority_id]
    assert set(named.nuts_id) == set(p.nuts_id[has_word]) and len(named) >= 5
    assert {"DE8", "FRD", "ITF5"} <= set(named.nuts_id)
    for r in named.itertuples():  # the evidence is the region's own priority, and it holds the word
        row = p[p.priority_id == r.evidence_id].iloc[0]
        assert row.nuts_id == r.nuts_id and row.title == r.evidence_title and row.strategy_title == r.evidence_strategy
        assert "hydrogen" in fold(texts(atlas, r.evidence_id)) and "hydrogen" in r.evidence_matched
        # where the title lacks the word, the excerpt shows it
        assert "hydrogen" in fold(r.evidence_title) or "hydrogen" in fold(r.evidence_quote)
    # one row per territory with a strategy in view, ranked: those that name it first
    assert answer.nuts_id.is_unique and set(answer.nuts_id) == set(p.nuts_id)
    assert list(answer.tier[: len(named)]) == ["exact"] * len(named)
    assert (answer.tier[len(named):] != "exact").all()


def test_ranking_counts_and_related_tier(atlas):
    f = Filters(keyword="circular economy")
    matches = matching_priorities(atlas, f)
    answer = region_answer(atlas, f, matches)
    counts = matches.groupby(["nuts_id", "match"]).size().unstack(fill_value=0)
    for r in answer[answer.tier != "none"].itertuples():
        assert r.exact == counts.at[r.nuts_id, "exact"] if "exact" in counts else 0
        assert r.related == counts.get("related", pd.Series(dtype=int)).get(r.nuts_id, 0)
    related = answer[answer.tier == "related"]
    assert len(related) >= 1 and (related.exact == 0).all() and (related.related >= 1).all()
    assert (related.evidence_match == "related").all()
    # ranked by tier, then by how many priorities name it
    tiers = answer.tier.map({"exact": 0, "related": 1, "none": 2}).to_numpy()
    assert (np.diff(tiers) >= 0).all()
    exact = answer.exact[answer.tier == "exact"].to_numpy()
    assert (np.diff(exact) <= 0).all() and exact[0] >= 2
    # the map counts the same territories in the same tiers (the region selection aside)
    c = counts_by_territory(atlas, f)
    assert set(c.nuts_id[c.priorities > 0]) == set(answer.nuts_id[answer.tier == "exact"])
    assert set(c.nuts_id[(c.priorities == 0) & (c.related > 0)]) == set(answer.nuts_id[answer.tier == "related"])


def test_filters_and_selection_narrow_the_answer(atlas):
    answer = region_answer(atlas, Filters(keyword="tourism", region="EL"))
    assert len(answer) and answer.nuts_id.str.startswith("EL").all()
    assert (answer.tier == "exact").sum() >= 3
    nuts2 = region_answer(atlas, Filters(keyword="tourism", level=2))
    assert (nuts2.level == 2).all()


def test_count_line_says_how_many_regions_name_it(atlas):
    v = table_view(atlas, ViewState(q="hydrogen"))
    answer = region_answer(atlas, Filters(keyword="hydrogen"))
    n = int((answer.tier == "exact").sum())
    assert v["count_text"].startswith(f"{n} regions name it, none more is close in meaning · 6 priorities")
    assert answer_line(pd.DataFrame({"tier": ["exact", "related", "related", "none"]})) == \
        "1 region names it, 2 more are close in meaning"
    assert answer_line(pd.DataFrame({"tier": ["related", "none"]})) == "No region names it, 1 is close in meaning"
    # with a keyword the table lists the regions; the priorities one click away (by=priorities)
    rows = v["rows"].tree
    assert len(rows) == 1 + n and getattr(rows[1], "data-region") == answer.nuts_id.iat[0]
    prio = table_view(atlas, ViewState(q="hydrogen", by="priorities"))["rows"].tree
    assert getattr(prio[1], "data-priority")


def test_regions_export_has_tier_counts_evidence_and_credits(atlas):
    text = regions_csv(atlas, Filters(keyword="circular economy"), "relevance", "?q=circular+economy")
    df = pd.read_csv(io.StringIO(text))
    assert {"tier", "exact_priorities", "related_priorities", "evidence_priority",
            "evidence_priority_source_url", "snapshot", "credits", "view"} <= set(df.columns)
    assert set(df.tier) == {"names it", "close in meaning", "no match"}
    assert df.snapshot.eq(atlas.version).all() and df.view.eq("?q=circular+economy").all()
    named = df[df.tier == "names it"]
    assert named.evidence_priority_source_url.str.startswith("http").all()
    assert list(df["rank"]) == list(range(1, len(df) + 1))
    assert list(regions_frame(atlas, Filters(keyword="circular economy"), "region").region_name) == \
        sorted(df.region_name, key=str.casefold)


def test_map_classes_follow_the_maximum_with_no_empty_band(atlas):
    assert count_bands([0, 1, 1, -1]) == [(1, 1)]
    assert count_bands([1, 3]) == [(1, 1), (2, 3)]
    assert count_bands([2, 3, 9]) == [(1, 3), (4, 9)]  # 4–6 held nothing: it joins 7–9
    assert count_bands([1, 2, 5, 8, 24]) == [(1, 1), (2, 3), (4, 6), (7, 10), (11, 24)]
    for q in ("hydrogen", "circular economy", "tourism", "Wasserstoff"):
        values = map_values(atlas, ViewState(q=q))
        cb = values["coloraxis"]["colorbar"]
        z = np.concatenate([np.asarray(t["z"], dtype=float) for t in values["traces"]])
        top = int(z.max())
        assert values["coloraxis"]["cmax"] == top + 0.5  # the legend ends at the largest count
        assert cb["ticktext"][:3] == ["No strategy in the data", "No match", "Close in meaning only"]
        assert all(t.startswith("Names it") for t in cb["ticktext"][3:])
        # every band of counts holds at least one territory
        classes = count_classes(z[z >= 0], True)
        for lo, hi in zip(classes.edges[3:], classes.edges[4:]):
            assert ((z > lo) & (z < hi)).any(), (q, lo, hi)
    hydrogen = map_values(atlas, ViewState(q="hydrogen"))["coloraxis"]["colorbar"]["ticktext"]
    assert hydrogen == ["No strategy in the data", "No match", "Close in meaning only", "Names it"]
    assert not any("or more" in t or "7–10" in t for t in hydrogen)
    assert count_classes([0, RELATED_ONLY, 1], True).colors[:3] == (NO_DATA, NO_MATCH_COLOR, RELATED_COLOR)


# ---------------------------------------------------------------- colour-vision check of the tiers
# Machado, Oliveira & Fernandes (2009) matrices, severity 1.0, applied to linear RGB.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def to_linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(linear: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2) -> float:
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    C1, C2 = np.hypot(a1, b1), np.hypot(a2, b2)
    Cm = (C1 + C2) / 2
    G = 0.5 * (1 - np.sqrt(Cm ** 7 / (Cm ** 7 + 25 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    dLp, dCp = L2 - L1, C2p - C1p
    dh = h2p - h1p
    if C1p * C2p == 0:
        dh = 0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dh / 2))
    Lm, Cmp = (L1 + L2) / 2, (C1p + C2p) / 2
    hm = h1p + h2p
    if C1p * C2p != 0:
        hm = (h1p + h2p + 360) / 2 if abs(h1p - h2p) > 180 else (h1p + h2p) / 2
    T = (1 - 0.17 * np.cos(np.radians(hm - 30)) + 0.24 * np.cos(np.radians(2 * hm))
         + 0.32 * np.cos(np.radians(3 * hm + 6)) - 0.20 * np.cos(np.radians(4 * hm - 63)))
    SL = 1 + 0.015 * (Lm - 50) ** 2 / np.sqrt(20 + (Lm - 50) ** 2)
    SC, SH = 1 + 0.045 * Cmp, 1 + 0.015 * Cmp * T
    RT = -2 * np.sqrt(Cmp ** 7 / (Cmp ** 7 + 25 ** 7)) * np.sin(np.radians(60 * np.exp(-((hm - 275) / 25) ** 2)))
    return float(np.sqrt((dLp / SL) ** 2 + (dCp / SC) ** 2 + (dHp / SH) ** 2 + RT * (dCp / SC) * (dHp / SH)))


def seen_as(hex_colour: str, vision: str) -> np.ndarray:
    return lab(CVD[vision] @ to_linear(hex_colour))


def test_ciede2000_matches_published_pairs():
    # Sharma, Wu & Dalal (2005), test data pairs 1 and 17
    assert abs(ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) - 2.0425) < 1e-3
    assert abs(ciede2000((50, 2.5, 0), (73, 25, -18)) - 27.1492) < 1e-3


def test_tier_colours_are_told_apart_under_colour_vision_deficiencies():
    """Names it (each shade the map may use), close in meaning, no match and no strategy: far apart
    for normal vision and under simulated protanopia, deuteranopia and tritanopia; "no match" the
    lightest, receding behind the tiers that answer."""
    names = set(ramp(1)) | set(ramp(2)) | set(ramp(3)) | set(ramp(4)) | set(ramp(5))
    for vision in CVD:
        for shade in names:
            assert ciede2000(seen_as(shade, vision), seen_as(RELATED_COLOR, vision)) >= 20, (vision, shade)
            assert ciede2000(seen_as(shade, vision), seen_as(NO_MATCH_COLOR, vision)) >= 20, (vision, shade)
            assert ciede2000(seen_as(shade, vision), seen_as(NO_DATA, vision)) >= 15, (vision, shade)
        assert ciede2000(seen_as(RELATED_COLOR, vision), seen_as(NO_MATCH_COLOR, vision)) >= 20, vision
        assert ciede2000(seen_as(RELATED_COLOR, vision), seen_as(NO_DATA, vision)) >= 20, vision
        assert ciede2000(seen_as(NO_MATCH_COLOR, vision), seen_as(NO_DATA, vision)) >= 8, vision
        for k in range(2, 6):  # the shades of counts follow one another, each step visible
            shades = ramp(k)
            assert all(ciede2000(seen_as(a, vision), seen_as(b, vision)) >= 7 for a, b in zip(shades, shades[1:]))
        lightness = {c: seen_as(c, vision)[0] for c in (*names, RELATED_COLOR, NO_DATA, NO_MATCH_COLOR)}
        assert max(lightness, key=lightness.get) == NO_MATCH_COLOR, vision
