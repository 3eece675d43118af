"""The printable region profile (/region/<NUTS_ID>.pdf): an A4 document drawn from the profile
dict (``data.profile.region_profile``), the similar regions and the region outlines it is handed.

The sections follow the web profile: header with a locator map, statistics, strategies,
priorities, similar regions, partnerships, ecosystems, NABS and NACE, contact points and sources.
Text is set in DejaVu Sans (the TTF files matplotlib ships, subset into the PDF by fpdf2), so Greek,
Cyrillic and every Latin accent print as written. Each page carries its number ("page X of Y"),
the snapshot's version and the credit line. Missing figures stay "no data".
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from ..data.catalog import ATTRIBUTION, OUTERMOST_REGIONS
from ..data.profile import (DERIVED_LABEL, LEVEL_LABELS, code_label, format_value, missing_text,
                            profile_sources, source_words)
from .locator import Outlines, locator_png

FONT = "DejaVu"
# Regular and bold only: each font costs a parse per document (muted text is grey, not italic).
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
INK, MUTED, RULE, ACCENT = (25, 25, 25), (95, 95, 95), (185, 185, 185), (165, 30, 20)
MAP_W = 78.0  # mm; the map's pixel size sets its height
AUTO_MARK = "*"
BOUNDARY_CREDIT = "© EuroGeographics for the administrative boundaries"


@lru_cache(maxsize=1)
def font_files() -> dict[str, Path]:
    """The DejaVu Sans files in matplotlib's data folder (style -> path)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = {style: folder / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"fonts for the PDF are missing: {', '.join(missing)}")
    return files


def _document(profile: dict):
    from fpdf import FPDF

    h = profile["header"]
    running = f"{h['name_latn']} ({h['nuts_id']}) · S3 Atlas region profile"
    snapshot = f"Data snapshot {profile['snapshot']}"

    class ProfilePDF(FPDF):
        def header(self):
            if self.page_no() > 1:
                self.set_font(FONT, size=7)
                self.set_text_color(*MUTED)
                self.cell(0, 4, running, new_x="LMARGIN", new_y="NEXT")
                self.set_draw_color(*RULE)
                self.line(self.l_margin, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
                self.set_y(self.get_y() + 3)
                self.set_text_color(*INK)

        def footer(self):
            self.set_y(-14)
            self.set_draw_color(*RULE)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.set_y(-13)
            self.set_font(FONT, size=7)
            self.set_text_color(*MUTED)
            self.cell(self.epw * 0.75, 4, f"{ATTRIBUTION} · {snapshot}")
            self.cell(self.epw * 0.25, 4, f"page {self.page_no()} of {{nb}}", align="R",
                      new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(*INK)

    pdf = ProfilePDF(format="A4", unit="mm")
    for style, path in font_files().items():
        pdf.add_font(FONT, style, path)
    pdf.set_title(f"S3 Atlas profile: {h['name_latn']} ({h['nuts_id']})")
    pdf.set_subject("Smart Specialisation Strategy profile of a NUTS territory")
    pdf.set_author("S3 Atlas")
    pdf.set_creator("S3 Atlas")
    pdf.set_lang("en")
    pdf.alias_nb_pages()
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_text_color(*INK)
    pdf.add_page()
    return pdf


# ---------------------------------------------------------------- text helpers
# Lines are broken here, word by word, rather than by fpdf2's multi_cell, whose line breaking
# measures each line again for every character it adds (a profile took seconds).
def _wrap(pdf, text: str, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` (mm) in the current font: broken between words, a word
    wider than a line (a URL) broken where it must."""
    # the font's advance widths, as fpdf2 measures text without text shaping
    cw, scale = pdf.current_font.cw, pdf.font_size_pt / 1000 / pdf.k

    def measure(word: str) -> float:
        return sum(cw[ord(c)] for c in word) * scale

    space = measure(" ")
    lines = []
    for para in str(text).split("\n"):
        line, lw = "", 0.0
        for word in para.split(" "):
            ww = measure(word)
            while ww > width:  # break the long word: as much as fits on the current line
                room = width - (lw + space if line else 0.0)
                cut = 0
                for k in range(1, len(word) + 1):
                    if measure(word[:k]) > room:
                        break
                    cut = k
                if cut == 0 and line:
                    lines.append(line)
                    line, lw = "", 0.0
                    continue
                cut = max(cut, 1)
                lines.append(f"{line} {word[:cut]}" if line else word[:cut])
                line, lw = "", 0.0
                word = word[cut:]
                ww = measure(word)
            if line and lw + space + ww > width:
                lines.append(line)
                line, lw = word, ww
            else:
                lw += (space if line else 0.0) + ww
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _text(pdf, text: str, size: float = 9, style: str = "", h: float | None = None, color=INK,
          w: float | None = None, link: str | None = None, align: str = "L") -> None:
    """A paragraph wrapped at word boundaries, starting at the current x (the left margin when ``w``
    is not given); the cursor ends at the start of the next line."""
    pdf.set_font(FONT, style=style, size=size)
    pdf.set_text_color(*color)
    x = pdf.get_x() if w is not None else pdf.l_margin
    width = w if w is not None else pdf.epw
    for line in _wrap(pdf, text, width):
        pdf.set_x(x)
        pdf.cell(width, h or size * 0.5, line, align=align, link=link or "", new_x="LEFT", new_y="NEXT")
    pdf.set_x(x)
    pdf.set_text_color(*INK)


def _table(pdf, head: tuple[str, ...], rows: list[tuple], widths: tuple[float, ...], aligns: str,
           size: float = 7.8, lh: float = 3.6, pad: float = 1.1) -> None:
    """A table whose cells wrap; a row never splits across pages; the heading row repeats on each
    page. ``rows``: tuples of cells, each a string or (string, style, colour); ``aligns``: L/R/C per
    column."""
    def lines_of(row, style0=""):
        out = []
        for cell, w in zip(row, widths):
            text, style, color = (cell, style0, INK) if isinstance(cell, str) else cell
            pdf.set_font(FONT, style=style, size=size)
            out.append((_wrap(pdf, text, w - 2 * pad), style, color))
        return out

    def draw(cells, fill=None):
        y = pdf.get_y()
        height = max(len(c[0]) for c in cells) * lh + 2 * pad
        if fill:
            pdf.set_fill_color(*fill)
            pdf.rect(pdf.l_margin, y, sum(widths), height, style="F")
        x = pdf.l_margin
        for (lines, style, color), w, align in zip(cells, widths, aligns):
            pdf.set_font(FONT, style=style, size=size)
            pdf.set_text_color(*color)
            for k, line in enumerate(lines):
                pdf.set_xy(x + pad, y + pad + k * lh)
                pdf.cell(w - 2 * pad, lh, line, align=align)
            x += w
        pdf.set_text_color(*INK)
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(widths), y + height)
        pdf.set_xy(pdf.l_margin, y + height)

    heading = lines_of(head, "B") if head else None
    if heading:
        _room(pdf, 2 * (max(len(c[0]) for c in heading) * lh + 2 * pad))
        draw(heading, fill=(236, 239, 243))
    for row in rows:
        cells = lines_of(row)
        height = max(len(c[0]) for c in cells) * lh + 2 * pad
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if heading:
                draw(heading, fill=(236, 239, 243))
        draw(cells)


def _room(pdf, mm: float) -> None:
    """A new page unless ``mm`` fit above the bottom margin (keeps a heading with what follows)."""
    if pdf.get_y() + mm > pdf.page_break_trigger:
        pdf.add_page()


def _heading(pdf, text: str) -> None:
    _room(pdf, 24)
    pdf.ln(3)
    _text(pdf, text, size=12.5, style="B", h=6.5)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y() + 0.3, pdf.l_margin + pdf.epw, pdf.get_y() + 0.3)
    pdf.set_line_width(0.2)
    pdf.ln(2.2)


def _subheading(pdf, text: str) -> None:
    _room(pdf, 16)
    pdf.ln(1.2)
    _text(pdf, text, size=10, style="B", h=5)


def _bullets(pdf, items: list[str], size: float = 8.5, indent: float = 4) -> None:
    for item in items:
        _room(pdf, 5)
        pdf.set_font(FONT, size=size)
        pdf.set_x(pdf.l_margin)
        pdf.cell(indent, size * 0.5, "•")
        _text(pdf, item, size=size, w=pdf.epw - indent)


def _muted(pdf, text: str, size: float = 8) -> None:
    _text(pdf, text, size=size, color=MUTED)


# ---------------------------------------------------------------- sections
def _header(pdf, profile: dict, regions: Outlines | None, countries: Outlines | None) -> None:
    h = profile["header"]
    top = pdf.get_y()
    left_w = pdf.epw - MAP_W - 6
    map_bottom = top
    if regions is not None and countries is not None and h["nuts_id"] in regions:
        png, shown = locator_png(h["nuts_id"], h["level"], h["country"], regions, countries)
        x = pdf.l_margin + pdf.epw - MAP_W
        info = pdf.image(io.BytesIO(png), x=x, y=top, w=MAP_W)
        pdf.set_draw_color(*RULE)
        pdf.rect(x, top, MAP_W, info.rendered_height)
        pdf.set_xy(x, top + info.rendered_height + 0.8)
        notes = [BOUNDARY_CREDIT]
        far = h["nuts_id"] in OUTERMOST_REGIONS or any(a["nuts_id"] in OUTERMOST_REGIONS for a in h["ancestors"])
        if far:
            notes.append("An outermost region of the EU: the map shows it on its own.")
        if shown["far_parts_left_out"]:
            notes.append("Parts far from the mainland are outside the map.")
        _text(pdf, ". ".join(n.rstrip(".") for n in notes) + ".", size=6.5, color=MUTED, w=MAP_W, h=3)
        map_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top)
    _text(pdf, "S3 ATLAS · REGION PROFILE", size=7.5, style="B", color=ACCENT, w=left_w, h=4)
    pdf.set_x(pdf.l_margin)
    _text(pdf, f"{h['name_latn']} ({h['nuts_id']})", size=19, style="B", h=8.5, w=left_w)
    if h["name_national"] and h["name_national"] != h["name_latn"]:
        pdf.set_x(pdf.l_margin)
        _text(pdf, h["name_national"], size=13, h=6.5, w=left_w, color=MUTED)
    pdf.ln(1.5)
    lines = [h["level_label"] if h["level"] else "Country (NUTS 0)",
             f"Country: {h['country_name']} ({h['country']})" if h["country"] != h["nuts_id"] else ""]
    if h["parent"] and h["parent"]["nuts_id"] != h["country"]:
        lines.append(f"Part of {h['parent']['name']} ({h['parent']['nuts_id']})")
    for line in filter(None, lines):
        pdf.set_x(pdf.l_margin)
        _text(pdf, line, size=9.5, h=5, w=left_w)
    if h["children"]:
        pdf.ln(1)
        pdf.set_x(pdf.l_margin)
        _text(pdf, "Sub-regions: " + ", ".join(f"{c['name']} ({c['nuts_id']})" for c in h["children"]),
              size=8, h=4, w=left_w, color=MUTED)
    own = sum(1 for s in profile["strategies"] if s["own"])
    counts = (f"In the data: {len(profile['strategies'])} strateg{'y' if len(profile['strategies']) == 1 else 'ies'} "
              f"({own} of its own), {len(profile['priorities'])} priorit"
              f"{'y' if len(profile['priorities']) == 1 else 'ies'}, "
              f"{len({m['partnership_id'] for m in profile['partnerships']})} thematic partnership"
              f"{'' if len({m['partnership_id'] for m in profile['partnerships']}) == 1 else 's'}.")
    pdf.ln(1.5)
    pdf.set_x(pdf.l_margin)
    _text(pdf, counts, size=8.5, h=4.3, w=left_w)
    pdf.set_x(pdf.l_margin)
    _text(pdf, f"Data snapshot {profile['snapshot']}.", size=8.5, h=4.3, w=left_w, color=MUTED)
    pdf.set_y(max(pdf.get_y(), map_bottom) + 2)


def _statistics(pdf, profile: dict) -> None:
    stats = profile["statistics"]
    h = profile["header"]
    _heading(pdf, "Statistics")
    notes, rows = [], []
    for s in stats:
        label = s["label"]
        if s.get("derived") or s.get("why_missing") or s.get("note"):
            notes.append(s)
            label += f" [{len(notes)}]"
        missing = s["value"] is None
        value = ("no data", "", MUTED) if missing else format_value(s) + (
            f"\n({DERIVED_LABEL})" if s.get("derived") else "")
        rows.append((label, value, "" if missing else str(s["year"]), source_words(s) or "",
                     s["rank"]["text"] if s["rank"] else ""))
    _table(pdf, ("Indicator", "Latest value", "Year", "Source (dataset)", "Rank"), rows,
           widths=(50, 27, 11, 74, 18), aligns="LRCLL")
    pdf.ln(1.5)
    for k, s in enumerate(notes, 1):
        why = (f"{DERIVED_LABEL}: {s['derived']}" if s.get("derived") else
               missing_text(s) if s.get("why_missing") else s["note"])
        if s.get("note") and (s.get("derived") or s.get("why_missing")):
            why += f" {s['note']}"
        _text(pdf, f"[{k}] {s['label']}: {why}", size=7, h=3.4, color=MUTED)
    among = "all countries in the data" if h["level"] == 0 else f"the {h['level_label']} regions of {h['country_name']}"
    lower = ", ".join(s["short"].lower() for s in stats if s.get("better") == "lower")
    order = "1 = highest" + (f"; 1 = lowest where lower is better: {lower}" if lower else "")
    _text(pdf, f"Latest year in the snapshot for each figure. Rank: position by value ({order}) among {among} "
               "with data in the same year. 'no data': the snapshot has no value. Eurostat flags: b break in series, "
               "e estimated, p provisional, u low reliability, d definition differs.", size=7, h=3.4, color=MUTED)


def _strategies(pdf, profile: dict) -> None:
    _heading(pdf, "Smart Specialisation Strategies")
    with_priorities = {p["strategy_id"] for p in profile["priorities"]}
    if not profile["strategies"]:
        _muted(pdf, "No strategy for this territory, or for a larger territory containing it, is in the data.")
    for s in profile["strategies"]:
        _room(pdf, 14)
        _text(pdf, s["title"] + (f" ({s['period_label']})" if s.get("period_label") else ""), size=9.5, style="B", h=4.8)
        where = (f"Own strategy · {s['territory_name']} ({s['territory']})" if s["own"] else
                 f"Strategy of a larger territory: {s['territory_name']} ({s['territory']}, "
                 f"{LEVEL_LABELS[s['territory_level']]})")
        if s["strategy_id"] not in with_priorities:
            where += " · its priority list was not found in public sources"
        _text(pdf, where, size=8, h=4, color=MUTED)
        if s.get("period_note"):
            _text(pdf, f"About the period: {s['period_note']}", size=7.5, h=3.6, color=MUTED)
        if s["source_note"]:
            _text(pdf, s["source_note"], size=7.5, h=3.6, color=MUTED)
        pdf.ln(1.5)


def _codes(p: dict) -> list[str]:
    out = []
    for scheme, label in (("nace", "NACE"), ("nabs", "NABS"), ("ecosystem", "Ecosystems")):
        codes = [c for c in p["codes"] if c["scheme"] == scheme]
        if codes:
            names = [code_label(c).removeprefix(f"{'Ecosystem: ' if scheme == 'ecosystem' else label + ' '}")
                     + (AUTO_MARK if c["origin"] == "auto" else "") for c in codes]
            out.append(f"{label}: " + "; ".join(names))
    return out


def _priorities(pdf, profile: dict) -> None:
    ps = profile["priorities"]
    _heading(pdf, f"Priorities ({len(ps)})")
    if not ps:
        _muted(pdf, "No priorities in the data.")
        return
    _text(pdf, f"Codes with names; {AUTO_MARK} marks a code assigned automatically (keyword map or text "
               "similarity), not stated in the source.", size=7.5, h=3.6, color=MUTED)
    titles = {s["strategy_id"]: s for s in profile["strategies"]}
    current = None
    for p in ps:
        if p["strategy_id"] != current:
            current = p["strategy_id"]
            s = titles.get(current)
            whose = "Own strategy" if p["own"] else \
                f"Strategy of {s['territory_name'] if s else p['territory']} ({p['territory']})"
            _subheading(pdf, f"{whose}: {s['title'] if s else p['strategy_title']}")
        _room(pdf, 14)
        pdf.ln(1)
        kind = "" if p["kind"] == "priority" else f" [{p['kind']}]"
        _text(pdf, p["title"] + kind, size=9, style="B", h=4.5)
        if p["title_original"] and p["title_original"] != p["title"]:
            _text(pdf, p["title_original"], size=8.5, h=4.2, color=MUTED)
        if p["description"]:
            _text(pdf, p["description"], size=8, h=3.9)
        if p["keywords"]:
            _text(pdf, "Keywords: " + ", ".join(p["keywords"]), size=7.5, h=3.7, color=MUTED)
        for line in _codes(p):
            _text(pdf, line, size=7.5, h=3.7)


def _similar(pdf, similar: list[dict]) -> None:
    _heading(pdf, "Similar regions")
    if not similar:
        _muted(pdf, "Similar regions are computed only for territories with priorities of their own in the data.")
        return
    _text(pdf, "Score = 0.6 × similarity in meaning of the priorities (each priority paired with the other region's "
               "closest, across languages; multilingual sentence vectors, or word overlap (TF-IDF) where vectors are "
               "missing) + 0.4 × mean overlap (Jaccard) of NACE divisions, NABS chapters and ecosystems; own "
               "strategies only.", size=7, h=3.4, color=MUTED)
    pdf.ln(1)
    for k, r in enumerate(similar, 1):
        _room(pdf, 12)
        _text(pdf, f"{k}. {r['name']} ({r['nuts_id']}) · score {r['score']:.2f}", size=9, style="B", h=4.6)
        why = r.get("reasons") or {}
        themes = why.get("themes") or []
        _text(pdf, ("Closest priorities: " + "; ".join(themes[:3])) if themes
              else "No pair of close priorities in the texts.", size=7.8, h=3.8)
        codes = why.get("codes") or []
        more = f" (and {len(codes) - 3} more)" if len(codes) > 3 else ""
        _text(pdf, ("Shared codes: " + "; ".join(codes[:3]) + more) if codes else "No shared codes.", size=7.5,
              h=3.7, color=MUTED)
        pdf.ln(1)


def _partnerships(pdf, profile: dict) -> None:
    _heading(pdf, "Thematic partnerships")
    if not profile["partnerships"]:
        _muted(pdf, "No thematic partnership in the data lists this territory or a territory containing it.")
        return
    for m in profile["partnerships"]:
        _room(pdf, 10)
        _text(pdf, m["name"] + (f" · {m['platform']}" if m["platform"] else ""), size=9, style="B", h=4.5)
        role = m["role"] + (f" (as in the source: {m['role_as_in_source']})"
                            if m["role_as_in_source"] and m["role_as_in_source"] != m["role"] else "")
        _text(pdf, f"Role: {role} · {m['membership']}", size=8, h=3.9)
        if m.get("inferred"):
            _text(pdf, f"inferred: {m['inferred']}", size=8, h=3.9)
        pdf.ln(0.8)


def _classifications(pdf, profile: dict) -> None:
    cl = profile["classifications"]
    _heading(pdf, "European industrial ecosystems")
    if not cl["has_own_strategy"]:
        _muted(pdf, "No strategy of its own in the data, so no ecosystems or codes are derived for it "
                    "(see the strategies of the larger territories above).")
    else:
        _text(pdf, cl["basis"] + f" {AUTO_MARK} assigned automatically.", size=7.5, h=3.6, color=MUTED)
        pdf.ln(1)
        eco = cl["ecosystems"]
        half = (len(eco) + 1) // 2

        def pair(e):
            if e is None:
                return ("", "")
            yes = ("Yes" + (AUTO_MARK if e["origin"] == "auto" else ""), "B", (20, 100, 40))
            return (e["name"], yes if e["present"] else ("No", "", MUTED))
        _table(pdf, (), [pair(eco[i]) + pair(eco[i + half] if i + half < len(eco) else None) for i in range(half)],
               widths=(70, 20, 70, 20), aligns="LLLL", size=8, lh=3.8, pad=0.9)
        _subheading(pdf, "Scientific domains (NABS 2007)")
        if cl["nabs"]:
            _bullets(pdf, [f"{n['code']} {n['name']}" + (AUTO_MARK if n["origin"] == "auto" else "") for n in cl["nabs"]])
        else:
            _muted(pdf, "none")
        _subheading(pdf, "Economic domains (NACE Rev. 2)")
        if not cl["nace"]:
            _muted(pdf, "none")
        for sec in cl["nace"]:
            _room(pdf, 10)
            _text(pdf, f"{sec['code']} {sec['name']}", size=8.5, style="B", h=4.3)
            _bullets(pdf, [f"{sec['code']}.{d['code']} {d['name']}" + (AUTO_MARK if d["origin"] == "auto" else "")
                           for d in sec["divisions"]], size=8)


def _contacts(pdf, profile: dict) -> None:
    _heading(pdf, "Contact points")
    if not profile["contact_points"]:
        _muted(pdf, "No contact points for this territory are in the data.")
        return
    for c in profile["contact_points"]:
        _text(pdf, " · ".join(x for x in (c.get("name", ""), c.get("position", ""), c.get("organisation", ""),
                                          c.get("email", ""), f"strategy {c.get('strategy_id', '')}",
                                          c.get("provenance", ""), c.get("source_url", "")) if x), size=8.5)


def _sources(pdf, profile: dict) -> None:
    _heading(pdf, "Sources")
    for src in profile_sources(profile):
        _room(pdf, 8)
        _text(pdf, src["what"], size=7.8, h=3.7)
        _text(pdf, src["url"], size=7.3, h=3.5, color=(30, 70, 150), link=src["url"])
        pdf.ln(0.6)
    _text(pdf, "Boundaries: Eurostat/GISCO, NUTS 2021. © EuroGeographics for the administrative boundaries.",
          size=7.8, h=3.7)
    pdf.ln(2)
    _text(pdf, f"{profile['attribution']} · data snapshot {profile['snapshot']} · S3 Atlas", size=8, style="B", h=4)


def profile_pdf(profile: dict, similar: list[dict] | None = None, regions: Outlines | None = None,
                countries: Outlines | None = None) -> bytes:
    """The profile as PDF bytes. ``similar``: the similar regions (``data.similarity.similar_regions``);
    ``regions``/``countries``: outlines of the region's NUTS level and of the countries, for the map
    (without them the PDF has no map)."""
    pdf = _document(profile)
    _header(pdf, profile, regions, countries)
    _statistics(pdf, profile)
    _strategies(pdf, profile)
    _priorities(pdf, profile)
    _similar(pdf, similar or [])
    _partnerships(pdf, profile)
    _classifications(pdf, profile)
    _contacts(pdf, profile)
    _sources(pdf, profile)
    return bytes(pdf.output())
