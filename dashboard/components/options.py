"""Option lists for the app's dropdowns, one definition each."""
from __future__ import annotations

from ..data.atlas import Atlas, fold


def _region_option(nuts_id: str, name: str, national: str) -> dict:
    label = f"{name} ({nuts_id})" + (f" · {national}" if national and national != name else "")
    # "search": the label without accents, so "Malopolskie" finds "Małopolskie"
    return {"label": label, "value": nuts_id, "search": fold(label)}


def region_options(atlas: Atlas) -> list[dict]:
    """Every region by name (Latin script, national script after a dot when it differs) and code,
    in alphabetical order: the list the region finders search (served as JSON, see region_list_url)."""
    r = atlas.regions.reset_index(drop=True).sort_values(["name_latn", "nuts_id"], key=lambda s: s.str.casefold())
    return [_region_option(i, n, nn) for i, n, nn in zip(r.nuts_id, r.name_latn, r.name_national)]


def chosen_region_options(atlas: Atlas, ids) -> list[dict]:
    """The options of the regions a finder shows as chosen (the finder's only options until the
    user types: its full list is fetched and searched in the browser)."""
    ids = [ids] if isinstance(ids, str) else list(ids or [])
    known = [i for i in ids if i in atlas.regions.index]
    r = atlas.regions.loc[known]
    return [_region_option(i, n, nn) for i, n, nn in zip(r.index, r.name_latn, r.name_national)]


def nace_options(atlas: Atlas) -> list[dict]:
    """NACE sections first ('C — Manufacturing (section)'), then the divisions ('C.10 — Food
    products'). ``search`` is the option's code and name, folded ('c.10 food products'): the
    browser ranks the options by it as the user types (assets/app.js, ``codeOptions``), so that
    "C" puts section C first and a name puts the options that start with it before the others."""
    nace = atlas.nace
    sections = [r for r in nace.itertuples() if r.level == "section"]
    divisions = sorted((r for r in nace.itertuples() if r.level != "section"), key=lambda r: r.code)
    out = [{"label": f"{r.code} — {r.name} (section)", "value": r.code, "search": fold(f"{r.code} {r.name}")}
           for r in sections]
    out += [{"label": f"{r.section}.{r.code} — {r.name}", "value": r.code,
             "search": fold(f"{r.section}.{r.code} {r.name}")} for r in divisions]
    return out


def nabs_options(atlas: Atlas) -> list[dict]:
    return [{"label": f"{r.code} — {r.name}", "value": r.code} for r in atlas.nabs.itertuples()]


def ecosystem_options(atlas: Atlas) -> list[dict]:
    return [{"label": r.name, "value": r.code} for r in atlas.ecosystems.itertuples()]


def platform_options(atlas: Atlas) -> list[dict]:
    return [{"label": r.name, "value": r.platform_id} for r in atlas.platforms.itertuples()]


def partnership_options(atlas: Atlas) -> list[dict]:
    """Partnerships by name, with their platform in brackets."""
    names = dict(zip(atlas.platforms.platform_id, atlas.platforms.name))
    return [{"label": f"{r.name}" + (f" ({names[r.platform_id]})" if r.platform_id in names else ""),
             "value": r.partnership_id} for r in atlas.partnerships.sort_values("name").itertuples()]
