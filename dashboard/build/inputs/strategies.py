"""S3 strategies and priorities: the kit's lists, the project's additions, descriptions,
updates, superseded strategies and the lists of what was looked for and not found."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...data.schema import (
    DataError,
    read_csv,
    require_known,
    require_numeric,
    require_unique,
    require_urls,
    require_values,
    sheet_row,
)
from . import plain_note

CZ_SOURCE_URL = "https://www.ris3.cz/en/analysis/essential-documents"

# --------------------------------------------------------------------------- S3 strategies and priorities

STRATEGY_COLS = ["strategy_id", "nuts_id", "region_name", "strategy_title", "period", "document_url", "source_url"]
PRIORITY_COLS = ["priority_id", "strategy_id", "nuts_id", "title", "title_original", "description", "keywords",
                 "source_url", "source_note"]
CZ_COLS = ["priority_id", "nuts3", "region_name_cs", "domain_name_cs", "cz_nace_divisions", "kind"]
UPDATES = "updates"  # geodata/sources/s3/updates/: later additions, superseded strategies, more not-found rows
DESCRIPTIONS = "descriptions"  # geodata/sources/s3/descriptions/: descriptions and keywords of listed priorities
DESCRIPTION_COLS = ["priority_id", "description", "keywords", "source_url", "source_note", "gathered_on"]
DESCRIPTION_GAP_COLS = ["strategy_id", "what_was_tried"]
DESCRIPTIONS_SOUGHT = "descriptions of the priorities"
SUPERSEDED_COLS = ["old_strategy_id", "new_strategy_id", "source_url"]
NOT_PRIORITY_COLS = ["priority_id", "text_as_parsed", "reason", "checked_on"]


def _read_strategies(path: Path, known: set[str]) -> pd.DataFrame:
    s = read_csv(path, STRATEGY_COLS)
    require_values(s, ["strategy_id", "nuts_id", "strategy_title", "source_url"], path)
    require_unique(s, "strategy_id", path)
    require_known(s, "nuts_id", known, path)
    require_urls(s, "source_url", path)
    require_urls(s, "document_url", path, allow_empty=True)
    return s


def _read_priorities(path: Path, known: set[str], strategy_ids: set[str]) -> pd.DataFrame:
    p = read_csv(path, PRIORITY_COLS)
    require_values(p, ["priority_id", "strategy_id", "title", "source_url"], path)
    require_unique(p, "priority_id", path)
    require_known(p, "strategy_id", strategy_ids, path, what="strategy id")
    require_known(p, "nuts_id", known, path)
    require_urls(p, "source_url", path)
    return p


def _append_new(base: pd.DataFrame, more: pd.DataFrame, id_col: str, path: Path) -> pd.DataFrame:
    """The project's additions after the kit's rows; an id the kit already has is an error."""
    clash = more[id_col].isin(set(base[id_col]))
    if clash.any():
        i = more.index[clash.to_numpy()][0]
        raise DataError(path, f"id '{more[id_col][i]}' is already in the kit", row=sheet_row(i), column=id_col)
    return pd.concat([base, more], ignore_index=True)


def load_listed(kit: Path, known: set[str], folders: list[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Strategies and priorities of the kit's list, then of each folder's own additions (same columns,
    plus an optional gathered_on date), in the snapshot's columns."""
    s = _read_strategies(kit / "s3" / "priorities" / "strategies.csv", known)
    s["gathered_on"] = ""
    for folder in folders:
        if (folder / "strategies.csv").exists():
            more = _read_strategies(folder / "strategies.csv", known)
            if "gathered_on" not in more:
                more["gathered_on"] = ""
            s = _append_new(s, more, "strategy_id", folder / "strategies.csv")
    p = _read_priorities(kit / "s3" / "priorities" / "priorities.csv", known, set(s.strategy_id))
    for folder in folders:
        if (folder / "priorities.csv").exists():
            more = _read_priorities(folder / "priorities.csv", known, set(s.strategy_id))
            p = _append_new(p, more, "priority_id", folder / "priorities.csv")
    strategies = pd.DataFrame({
        "strategy_id": s.strategy_id, "nuts_id": s.nuts_id, "territory_name": s.region_name,
        "title": s.strategy_title, "period": s.period, "document_url": s.document_url,
        "source_url": s.source_url, "source_note": "", "gathered_on": s.gathered_on,
    })
    priorities = pd.DataFrame({
        "priority_id": p.priority_id, "strategy_id": p.strategy_id, "title": p.title,
        "title_original": p.title_original, "description": p.description, "keywords": p.keywords,
        "kind": "priority", "source_url": p.source_url, "source_note": p.source_note,
    })
    return strategies, priorities


CZ_CARDS = "cz_cards.csv"
CZ_CARD_COLS = ["nuts_id", "card_version", "period", "stated_domains", "evidence_url", "note"]


def czech_card_versions(path: Path, cz: pd.DataFrame) -> pd.DataFrame:
    """Which version of a region's card the domains of the kit are (``sources/s3/cz_cards.csv``): the
    card's version, the period it gives, the number of domains that version states and a public page
    saying so. A version whose stated number of domains differs from the kit's domains for that region
    is an error: the domains would then come from another version of the card."""
    cards = read_csv(path, CZ_CARD_COLS)
    require_values(cards, ["nuts_id", "card_version", "period", "evidence_url", "note"], path)
    require_unique(cards, "nuts_id", path)
    require_urls(cards, "evidence_url", path)
    require_known(cards, "nuts_id", set(cz.nuts3), path)
    stated = require_numeric(cards, "stated_domains", path, allow_empty=True)
    for i, c in cards.iterrows():
        have = int(((cz.nuts3 == c.nuts_id) & (cz.kind == "domain")).sum())
        if stated[i] == stated[i] and int(stated[i]) != have:
            raise DataError(path, f"the {c.card_version} of {c.nuts_id}'s card states {int(stated[i])} domains, the "
                                  f"kit's card has {have}: its domains are not that version's",
                            row=sheet_row(i), column="stated_domains")
    return cards.set_index("nuts_id")


def load_czech_domains(kit: Path, known: set[str], nace_divisions: set[str], report: dict,
                       extra: Path | None = None):
    """Czech regional domains (Annex 2 of the National RIS3 Strategy), parsed by a third party: one
    strategy per region, its domains as priorities, and their CZ-NACE divisions as source codes. The
    version of a region's card its domains come from (``extra/cz_cards.csv``, when given) goes into the
    strategy's title, period and note."""
    cp = kit / "s3" / "cz_nris3_regional_domains.csv"
    cz = read_csv(cp, CZ_COLS)
    require_values(cz, ["priority_id", "nuts3", "domain_name_cs"], cp)
    require_unique(cz, "priority_id", cp)
    require_known(cz, "nuts3", known, cp)
    cz_codes, invalid = [], []
    for i, row in cz.iterrows():
        for code in filter(None, (c.strip() for c in row.cz_nace_divisions.split(";"))):
            code = code.zfill(2)
            if code not in nace_divisions:
                # The parse is a third party's and unvalidated: report its faults, do not guess.
                invalid.append(f"{cp.name} row {sheet_row(i)} ({row.priority_id}): '{code}'")
                continue
            # CZ-NACE is the national version of NACE Rev. 2 and identical to it at division level.
            cz_codes.append({"priority_id": row.priority_id, "scheme": "nace", "code": code, "origin": "source",
                             "rule": "CZ-NACE division (identical to NACE Rev. 2)"})
    cz_note = ("Domain list of the regional RIS3 card (Annex 2, National RIS3 Strategy 2021-2027), "
               "parsed automatically by a third party and not validated; names in Czech.")
    cz_strat = cz.groupby("nuts3", sort=True).first().reset_index()
    strategies = pd.DataFrame({
        "strategy_id": cz_strat.nuts3 + "-RIS3-2021",
        "nuts_id": cz_strat.nuts3,
        "territory_name": cz_strat.region_name_cs,
        "title": "Regional RIS3 card of " + cz_strat.region_name_cs
                 + " (Annex 2 of the Czech National RIS3 Strategy 2021-2027)",
        "period": "2021-2027",
        "document_url": "",
        "source_url": CZ_SOURCE_URL,
        "source_note": cz_note,
        "gathered_on": "",
    })
    cards_path = extra / CZ_CARDS if extra else None
    if cards_path is not None and cards_path.exists():
        cards = czech_card_versions(cards_path, cz)
        dated = strategies.nuts_id.isin(cards.index)
        card = cards.reindex(strategies.nuts_id[dated])
        strategies.loc[dated, "title"] = strategies.title[dated] + ", " + card.card_version.to_numpy()
        strategies.loc[dated, "period"] = card.period.to_numpy()
        strategies.loc[dated, "source_note"] = (cz_note + " Card version: " + card.card_version.to_numpy() + ". "
                                                + card.note.to_numpy() + " (" + card.evidence_url.to_numpy() + ")")
        report["czech_card_versions"] = {n: cards.at[n, "card_version"] for n in cards.index}
    truncated = ~cz.domain_name_cs.str.match(r".*[\w)]$")
    priorities = pd.DataFrame({
        "priority_id": cz.priority_id,
        "strategy_id": cz.nuts3 + "-RIS3-2021",
        "title": cz.domain_name_cs,
        "title_original": cz.domain_name_cs,
        "description": "",
        "keywords": "",
        "kind": cz.kind.map({"domain": "domain", "emerging": "emerging topic"}).fillna(cz.kind),
        "source_url": CZ_SOURCE_URL,
        "source_note": cz_note + truncated.map({True: " Name cut off in the parse.", False: ""}),
    })
    report["czech_domains"] = {"rows": int(len(cz)), "nace_codes_from_source": len(cz_codes),
                               "names_cut_off": int(truncated.sum()),
                               "codes_not_in_nace_rev2_dropped": invalid}
    return strategies, priorities, pd.DataFrame(cz_codes)


def load_s3(kit: Path, known: set[str], nace_divisions: set[str], report: dict, extra: Path | None = None):
    """Strategies and priorities: the kit's list, then the project's own additions in
    geodata/sources/s3/ and then in geodata/sources/s3/updates/ (same columns, plus an optional
    gathered_on date), then the Czech domains."""
    strategies, priorities = load_listed(kit, known, [extra, extra / UPDATES] if extra else [])
    cz_strategies, cz_priorities, cz_codes = load_czech_domains(kit, known, nace_divisions, report, extra)
    return (pd.concat([strategies, cz_strategies], ignore_index=True),
            pd.concat([priorities, cz_priorities], ignore_index=True), cz_codes)


def merge_keywords(*lists: str) -> str:
    """';'-separated keyword lists merged: first spelling kept, repeats (ignoring case) dropped, order kept."""
    out, seen = [], set()
    for text in lists:
        for kw in (k.strip() for k in str(text or "").split(";")):
            if kw and kw.casefold() not in seen:
                seen.add(kw.casefold())
                out.append(kw)
    return ";".join(out)


def _description_files(folder: Path, gaps: bool = False) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.glob("*.csv") if f.name.endswith("_not_found.csv") == gaps)


def apply_descriptions(priorities: pd.DataFrame, folder: Path, report: dict) -> pd.DataFrame:
    """Descriptions and keywords gathered for listed priorities (``descriptions/*.csv``, one row per
    priority across all files). A description fills an empty one only (an existing description is
    never overwritten) and keeps its source in ``description_source_url`` / ``description_note``;
    keywords are added to the priority's own. Every priority id must exist."""
    p = priorities.copy()
    p["description_source_url"] = ""
    p["description_note"] = ""
    pos = {pid: i for i, pid in zip(p.index, p.priority_id)}
    seen: dict[str, str] = {}
    added, kept, with_keywords, rows = 0, [], 0, 0
    for path in _description_files(folder):
        d = read_csv(path, DESCRIPTION_COLS)
        require_values(d, ["priority_id", "source_url"], path)
        require_unique(d, "priority_id", path)
        require_known(d, "priority_id", set(pos), path, what="priority id")
        require_urls(d, "source_url", path)
        for i, r in d.iterrows():
            if r.priority_id in seen:
                raise DataError(path, f"priority id '{r.priority_id}' is already described in {seen[r.priority_id]}",
                                row=sheet_row(i), column="priority_id")
            seen[r.priority_id] = f"{path.name} row {sheet_row(i)}"
            if not (r.description or r.keywords):
                raise DataError(path, "neither a description nor keywords given", row=sheet_row(i),
                                column="description")
            rows += 1
            j = pos[r.priority_id]
            if r.description:
                if p.at[j, "description"]:
                    kept.append(r.priority_id)
                else:
                    p.at[j, "description"] = r.description
                    p.at[j, "description_source_url"] = r.source_url
                    p.at[j, "description_note"] = plain_note(r.source_note)
                    added += 1
            merged = merge_keywords(p.at[j, "keywords"], r.keywords)
            if merged != p.at[j, "keywords"]:
                p.at[j, "keywords"] = merged
                with_keywords += 1
    report["descriptions_gathered"] = {"rows": rows, "descriptions_added": added,
                                       "priorities_with_keywords_added": with_keywords,
                                       "not_applied_priority_already_described": kept}
    return p


def load_description_gaps(folder: Path, strategies: pd.DataFrame) -> pd.DataFrame:
    """Strategies whose priority descriptions were looked for and not found
    (``descriptions/*_not_found.csv``), as rows of the not-found list for the strategy's territory."""
    territory = dict(zip(strategies.strategy_id, strategies.nuts_id))
    names = dict(zip(strategies.strategy_id, strategies.territory_name))
    frames, seen = [], {}
    for path in _description_files(folder, gaps=True):
        g = read_csv(path, DESCRIPTION_GAP_COLS)
        require_values(g, DESCRIPTION_GAP_COLS, path)
        require_unique(g, "strategy_id", path)
        require_known(g, "strategy_id", set(territory), path, what="strategy id")
        for i, sid in zip(g.index, g.strategy_id):
            if sid in seen:
                raise DataError(path, f"strategy id '{sid}' is already listed in {seen[sid]}", row=sheet_row(i),
                                column="strategy_id")
            seen[sid] = f"{path.name} row {sheet_row(i)}"
        frames.append(pd.DataFrame({
            "nuts_id": g.strategy_id.map(territory), "region_name": g.strategy_id.map(names),
            "sought": DESCRIPTIONS_SOUGHT, "what_was_tried": g.what_was_tried, "source_urls": "",
            "strategy_id": g.strategy_id,
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=NOT_FOUND_COLS + ["strategy_id"])


def apply_superseded(strategies: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Strategies a later one replaces (``updates/superseded.csv``): kept, marked with ``superseded_by``
    and the page that says so (``superseded_source_url``); both ids must be strategies of the build."""
    s = strategies.copy()
    s["superseded_by"] = ""
    s["superseded_source_url"] = ""
    if not path.exists():
        return s
    sup = read_csv(path, SUPERSEDED_COLS)
    require_values(sup, SUPERSEDED_COLS, path)
    require_unique(sup, "old_strategy_id", path)
    ids = set(s.strategy_id)
    require_known(sup, "old_strategy_id", ids, path, what="strategy id")
    require_known(sup, "new_strategy_id", ids, path, what="strategy id")
    require_urls(sup, "source_url", path)
    same = sup.index[sup.old_strategy_id == sup.new_strategy_id]
    if len(same):
        raise DataError(path, "a strategy cannot supersede itself", row=sheet_row(same[0]), column="new_strategy_id")
    by = dict(zip(sup.old_strategy_id, sup.new_strategy_id))
    url = dict(zip(sup.old_strategy_id, sup.source_url))
    s["superseded_by"] = s.strategy_id.map(by).fillna("")
    s["superseded_source_url"] = s.strategy_id.map(url).fillna("")
    return s


def drop_not_priorities(priorities: pd.DataFrame, codes: pd.DataFrame, path: Path, report: dict
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows a parse took for priorities that a reading of the source shows are not
    (``updates/not_priorities.csv``: layout text, headings, institutions, sentence pieces): dropped
    with their codes and listed in the build report with the reason. Each id must be a priority of
    the build and its text must still be the one reviewed."""
    if not path.exists():
        return priorities, codes
    drop = read_csv(path, NOT_PRIORITY_COLS)
    require_values(drop, NOT_PRIORITY_COLS, path)
    require_unique(drop, "priority_id", path)
    require_known(drop, "priority_id", set(priorities.priority_id), path, what="priority id")
    title = dict(zip(priorities.priority_id, priorities.title))
    for i, r in drop.iterrows():
        if title[r.priority_id] != r.text_as_parsed:
            raise DataError(path, f"the text of '{r.priority_id}' is no longer the one reviewed", row=sheet_row(i),
                            column="text_as_parsed")
    ids = set(drop.priority_id)
    report["rows_dropped_not_priorities"] = [f"{r.priority_id}: {r.reason}" for r in drop.itertuples()]
    return (priorities[~priorities.priority_id.isin(ids)].reset_index(drop=True),
            codes[~codes.priority_id.isin(ids)].reset_index(drop=True) if len(codes) else codes)


# --------------------------------------------------------------------------- not found

NOT_FOUND_COLS = ["nuts_id", "region_name", "sought", "what_was_tried", "source_urls"]  # last: optional
NO_MEMBERS_COLS = ["partnership", "platform", "source_url", "what_was_tried"]


def _read_not_found(path: Path, territories: set[str]) -> pd.DataFrame:
    nf = read_csv(path, NOT_FOUND_COLS[:-1])
    nf["source_urls"] = nf["source_urls"] if "source_urls" in nf else ""
    require_values(nf, ["nuts_id", "what_was_tried"], path)
    require_known(nf, "nuts_id", territories, path)
    require_unique(nf, ["nuts_id", "sought"], path)
    each = nf.source_urls.str.split(";").explode().str.strip()
    require_urls(pd.DataFrame({"source_urls": each[each != ""]}), "source_urls", path)
    return nf[NOT_FOUND_COLS]


def _read_no_members(path: Path) -> pd.DataFrame:
    nm = read_csv(path, NO_MEMBERS_COLS)
    require_values(nm, ["partnership", "what_was_tried"], path)
    require_unique(nm, "partnership", path)
    require_urls(nm, "source_url", path, allow_empty=True)
    return nm[NO_MEMBERS_COLS]


def load_not_found(extra: Path, territories: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What was looked for in public pages and not found: strategies (``not_found.csv``, then
    ``updates/not_found.csv``; optional ``source_urls``, ';'-separated pages that state a finding, e.g.
    that a country's S3 is regional) and partnerships named by a source whose members were not found
    (``partnerships_without_members.csv``, then ``partnerships/*_without_members.csv``). All files
    optional; shown on the coverage page so that missing is visible as missing.

    A territory may be listed more than once, for different things sought: (nuts_id, sought) is unique
    across the not-found files. A partnership named in several without-members files keeps one row:
    the first file's platform and page, what was tried joined, the other pages in ``other_source_urls``."""
    nf = pd.DataFrame(columns=NOT_FOUND_COLS)
    for path in (extra / "not_found.csv", extra / UPDATES / "not_found.csv"):
        if not path.exists():
            continue
        more = _read_not_found(path, territories)
        have = set(zip(nf.nuts_id, nf.sought))
        clash = [i for i, k in zip(more.index, zip(more.nuts_id, more.sought)) if k in have]
        if clash:
            raise DataError(path, f"'{more.nuts_id[clash[0]]}, {more.sought[clash[0]]}' is already in the not-found list",
                            row=sheet_row(clash[0]), column="nuts_id")
        nf = pd.concat([nf, more], ignore_index=True)
    nf["strategy_id"] = ""
    rows: dict[str, dict] = {}
    folder = extra / "partnerships"
    more_files = sorted(folder.glob("*_without_members.csv")) if folder.is_dir() else []
    for path in [extra / "partnerships_without_members.csv", *more_files]:
        if not path.exists():
            continue
        for r in _read_no_members(path).to_dict("records"):
            have = rows.get(r["partnership"])
            if have is None:
                rows[r["partnership"]] = {**r, "other_source_urls": ""}
                continue
            have["platform"] = have["platform"] or r["platform"]
            have["what_was_tried"] = f"{have['what_was_tried']} Later: {r['what_was_tried']}"
            urls = [u for u in have["other_source_urls"].split(";") if u]
            if not have["source_url"]:
                have["source_url"] = r["source_url"]
            elif r["source_url"] and r["source_url"] not in urls + [have["source_url"]]:
                have["other_source_urls"] = ";".join(urls + [r["source_url"]])
    nm = pd.DataFrame(list(rows.values()), columns=NO_MEMBERS_COLS + ["other_source_urls"])
    return nf, nm
