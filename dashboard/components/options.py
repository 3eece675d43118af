"""Option lists for the app's dropdowns, one definition each."""
from __future__ import annotations

from ..data.atlas import Atlas


def region_options(atlas: Atlas) -> list[dict]:
    """Every region by name (Latin script, national script after a dot when it differs) and code,
    in alphabetical order: the region finder of the explorer, profile and compare pages."""
    r = atlas.regions.reset_index(drop=True).sort_values(["name_latn", "nuts_id"], key=lambda s: s.str.casefold())
    return [{"label": f"{n} ({i})" + (f" · {nn}" if nn and nn != n else ""), "value": i}
            for i, n, nn in zip(r.nuts_id, r.name_latn, r.name_national)]


def nace_options(atlas: Atlas) -> list[dict]:
    """NACE sections and their divisions ('C.26 — ...')."""
    return [{"label": f"{r.code} — {r.name}" if r.level == "section" else f"{r.section}.{r.code} — {r.name}",
             "value": r.code} for r in atlas.nace.itertuples()]


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
