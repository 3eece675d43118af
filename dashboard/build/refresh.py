"""Refresh the snapshot from Eurostat's dissemination API and GISCO's NUTS boundaries.

    python -m dashboard.build.refresh [--nuts-version 2021|2024] [--scale 20M] [--cache DIR]
                                     [--out geodata/snapshot] [--kit KIT/data]

Downloads the regional statistics (JSON-stat 2.0 from the "statistics" API) and the NUTS
boundaries, converts them into a temporary folder laid out like the data kit (the tidy CSVs
build.py reads), copies the kit's S3 and classification files into it and runs the ordinary
build on it, so validation and the atomic swap of the snapshot are the build's own. Nothing
touches the snapshot until every download has been read and checked; a failed or interrupted
refresh leaves it as it was and says what failed.

Downloads are cached in --cache, keyed by URL, with their ETag / Last-Modified and SHA-256: an
entry younger than --max-age hours is reused without asking (Eurostat updates its database
twice a day), an older one is revalidated with a conditional request.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import requests
from tqdm import tqdm

from ..settings import SETTINGS
from . import build as b
from ..data.catalog import INDICATORS
from .nuts_versions import harmonise
from ..data.schema import AGGREGATE_CODE, NUTS_CODE, DataError

ROOT = b.ROOT
API = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/{dataset}"
GISCO = "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/NUTS_RG_{scale}_{year}_4326.geojson"
FIRST_YEAR = b.FIRST_YEAR
# Outside the work tree, so cached downloads are never committed by accident.
DEFAULT_CACHE = Path.home() / ".cache" / "s3-atlas" / "refresh"
COLUMNS = ["nuts_id", "indicator", "year", "value", "unit", "source_dataset", "flag", "nuts_level", "vintage",
           "source_repo"]
# Kit files the refresh does not download: copied from the current kit as they are.
COPIED = ("eurostat/area_km2_nuts2021_computed.csv",)
COPIED_DIRS = ("classifications", "s3")
AGGREGATE_PREFIXES = ("EU", "EA", "EEA", "EFTA")  # Eurostat aggregates that look like NUTS codes (EA20, EU28)


class RefreshError(RuntimeError):
    """A download failed or did not have the expected form. ``str()`` says which and why."""


# --------------------------------------------------------------------------- what is downloaded

@dataclass(frozen=True)
class Query:
    dataset: str
    filters: tuple[tuple[str, str], ...]  # dimension=code; a dimension may repeat

    @property
    def url(self) -> str:
        params = [("format", "JSON"), ("lang", "EN"), *self.filters, ("sinceTimePeriod", str(FIRST_YEAR))]
        return API.format(dataset=self.dataset) + "?" + urlencode(params)


def _q(dataset: str, **filters) -> Query:
    pairs = []
    for dim, codes in filters.items():
        for code in (codes if isinstance(codes, tuple) else (codes,)):
            pairs.append((dim, code))
    return Query(dataset, tuple(pairs))


QUERIES = {
    "gdp2": _q("nama_10r_2gdp", unit=("MIO_EUR", "EUR_HAB", "PPS_EU27_2020_HAB", "PPS_HAB_EU27_2020")),
    "gdp3": _q("nama_10r_3gdp", unit=("MIO_EUR", "EUR_HAB", "PPS_HAB_EU27_2020")),
    "pop2": _q("demo_r_d2jan", unit="NR", sex="T", age="TOTAL"),
    "pop3": _q("demo_r_pjanaggr3", unit="NR", sex="T", age="TOTAL"),
    "unemp": _q("lfst_r_lfu3rt", unit="PC", sex="T", age="Y15-74", isced11="TOTAL"),
    "emp": _q("lfst_r_lfe2emprt", unit="PC", sex="T", age="Y15-64"),
    "gerd": _q("rd_e_gerdreg", unit="PC_GDP", sectperf="TOTAL"),
    "tert": _q("edat_lfse_04", unit="PC", sex="T", age="Y25-64", isced11="ED5-8"),
    "area": _q("demo_r_d3area", unit="KM2", landuse="TOTAL"),
}


@dataclass(frozen=True)
class Extract:
    """One indicator of a kit file, taken from one query (and one unit where a query has several)."""
    file: str
    query: str
    indicator: str
    unit: str | None = None


EXTRACTS = (
    Extract("gdp_mio_eur_nuts012.csv", "gdp2", "gdp_current_prices", "MIO_EUR"),
    Extract("gdp_per_inhabitant_eur_2021_2023_latest_vintage.csv", "gdp2", "gdp_per_inhabitant_eur", "EUR_HAB"),
    Extract("gdp_per_inhabitant_pps.csv", "gdp2", "gdp_per_inhabitant_pps", "PPS_EU27_2020_HAB"),
    Extract("gdp_per_inhabitant_pps_pct_eu27.csv", "gdp2", "gdp_per_inhabitant_pps_pct_eu27", "PPS_HAB_EU27_2020"),
    Extract("nama_10r_3gdp_all_units_nuts0123.csv.gz", "gdp3", "gdp_current_prices", "MIO_EUR"),
    Extract("nama_10r_3gdp_all_units_nuts0123.csv.gz", "gdp3", "gdp_per_inhabitant_eur", "EUR_HAB"),
    Extract("nama_10r_3gdp_all_units_nuts0123.csv.gz", "gdp3", "gdp_per_inhabitant_pps_pct_eu27", "PPS_HAB_EU27_2020"),
    Extract("population_1jan_nuts2.csv", "pop2", "population_1jan"),
    Extract("population_1jan_nuts0123_demo_r_pjangrp3.csv", "pop3", "population_1jan"),
    Extract("unemployment_rate.csv", "unemp", "unemployment_rate"),
    Extract("employment_rate_15_64.csv", "emp", "employment_rate_15_64"),
    Extract("gerd_pct_gdp.csv", "gerd", "gerd_pct_gdp"),
    Extract("tertiary_attainment_25_64.csv", "tert", "tertiary_attainment_25_64"),
    # Official area; the catalog still shows the computed area, so this file is written for the record.
    Extract("area_km2_demo_r_d3area.csv", "area", "area_km2"),
)


# --------------------------------------------------------------------------- HTTP with retries and a cache

@dataclass
class Downloader:
    """GET with retries, timeouts and a cache folder; ``session`` is anything with requests'
    ``get(url, headers=, timeout=, stream=)``, so tests can replay recorded responses."""
    cache: Path
    session: object = field(default_factory=requests.Session)
    retries: int = 3
    backoff: float = 2.0
    timeout: tuple[float, float] = (15.0, 300.0)
    max_age_hours: float = 12.0
    progress: bool = True
    sleep: object = time.sleep
    log: list = field(default_factory=list)  # one dict per URL: how it was obtained

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:24]
        return self.cache / f"{key}.body", self.cache / f"{key}.json"

    def get(self, url: str, label: str) -> bytes:
        body_path, meta_path = self._paths(url)
        meta = json.loads(meta_path.read_text()) if meta_path.exists() and body_path.exists() else None
        if meta and time.time() - meta["fetched_at"] < self.max_age_hours * 3600:
            self.log.append({"label": label, "url": url, "how": "cache (fresh)", "bytes": meta["size"]})
            return body_path.read_bytes()
        headers = {"Accept-Encoding": "gzip"}
        if meta and meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta and meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
        status, resp_headers, body = self._fetch(url, headers, label)
        if status == 304:
            if not meta:
                raise RefreshError(f"{label}: server answered 304 Not Modified to an unconditional request ({url})")
            meta["fetched_at"] = time.time()
            meta_path.write_text(json.dumps(meta))
            self.log.append({"label": label, "url": url, "how": "cache (not modified)", "bytes": meta["size"]})
            return body_path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()
        how = "downloaded, unchanged" if meta and meta.get("sha256") == digest else "downloaded"
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = body_path.with_suffix(".part")
        tmp.write_bytes(body)
        tmp.replace(body_path)
        meta_path.write_text(json.dumps({
            "url": url, "etag": resp_headers.get("ETag"), "last_modified": resp_headers.get("Last-Modified"),
            "sha256": digest, "size": len(body), "fetched_at": time.time(),
        }))
        self.log.append({"label": label, "url": url, "how": how, "bytes": len(body)})
        return body

    def _fetch(self, url: str, headers: dict, label: str) -> tuple[int, dict, bytes]:
        last = ""
        for attempt in range(1, self.retries + 1):
            try:
                resp = self.session.get(url, headers=headers, timeout=self.timeout, stream=True)
                status = resp.status_code
                if status == 304:
                    return status, dict(resp.headers), b""
                if status == 200:
                    return status, dict(resp.headers), self._read(resp, label)
                last = f"HTTP {status}{_error_text(resp)}"
                if status < 500 and status != 429:  # a client error does not get better by asking again
                    break
            except (requests.RequestException, OSError) as exc:
                last = f"{exc.__class__.__name__}: {exc}"
            if attempt < self.retries:
                self.sleep(self.backoff * 2 ** (attempt - 1))
        raise RefreshError(f"{label}: download failed after {attempt} attempt(s): {last} ({url})")

    def _read(self, resp, label: str) -> bytes:
        total = resp.headers.get("Content-Length")
        total = int(total) if total and total.isdigit() and "gzip" not in resp.headers.get("Content-Encoding", "") \
            else None
        chunks = []
        with tqdm(total=total, unit="B", unit_scale=True, desc=f"  {label}", leave=False,
                  disable=not self.progress) as bar:
            for chunk in resp.iter_content(chunk_size=1 << 16):
                chunks.append(chunk)
                bar.update(len(chunk))
        body = b"".join(chunks)
        if total is not None and len(body) != total:
            raise requests.exceptions.ChunkedEncodingError(f"got {len(body)} of {total} bytes")
        return body


def _error_text(resp) -> str:
    """Eurostat answers errors with {"error": [{"status", "id", "label"}]}; say what it said."""
    try:
        err = json.loads(resp.content)["error"]
        err = err[0] if isinstance(err, list) else err
        return f" ({err.get('label', '')})"
    except Exception:  # not JSON, or another shape: the status says enough
        return ""


# --------------------------------------------------------------------------- JSON-stat 2.0 -> tidy rows

def parse_jsonstat(raw: bytes, query: Query, keep: tuple[str, ...] = ("unit",)) -> tuple[pd.DataFrame, str]:
    """A JSON-stat 2.0 dataset as rows (geo, year, one column per kept dimension, value, flag),
    and its 'updated' stamp. Every dimension the query filters on must be present with one
    category (or only the requested ones, for kept dimensions); anything else is an error."""
    name = query.dataset
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RefreshError(f"{name}: response is not valid JSON ({exc}); the download may be truncated") from exc
    if not isinstance(doc, dict):
        raise RefreshError(f"{name}: response is not a JSON-stat dataset")
    if "error" in doc:
        raise RefreshError(f"{name}: the API answered with an error: {doc['error']}")
    for k in ("class", "id", "size", "dimension", "value"):
        if k not in doc:
            raise RefreshError(f"{name}: JSON-stat response has no '{k}'")
    if doc["class"] != "dataset" or len(doc["id"]) != len(doc["size"]):
        raise RefreshError(f"{name}: not a JSON-stat 2.0 dataset (class {doc['class']!r}, id/size mismatch)")
    ids, sizes, dims = doc["id"], doc["size"], doc["dimension"]
    wanted: dict[str, set[str]] = {}
    for dim, code in query.filters:
        wanted.setdefault(dim, set()).add(code)
    for dim in [*wanted, "geo", "time"]:
        if dim not in ids or dim not in dims:
            raise RefreshError(f"{name}: dimension '{dim}' is missing from the response (dimensions: {', '.join(ids)})")
    codes = {}
    for dim, n in zip(ids, sizes):
        index = dims[dim].get("category", {}).get("index")
        if isinstance(index, list):
            index = {c: i for i, c in enumerate(index)}
        if not isinstance(index, dict) or len(index) != n:
            raise RefreshError(f"{name}: dimension '{dim}' has {n} positions but its category index does not")
        codes[dim] = [c for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
        if dim in ("geo", "time"):
            continue
        extra = set(codes[dim]) - wanted[dim] if dim in wanted else set()
        if extra or (dim not in keep and n != 1):
            raise RefreshError(f"{name}: dimension '{dim}' has unexpected categories {sorted(set(codes[dim]))[:5]}")
    bad_years = [t for t in codes["time"] if not re.fullmatch(r"\d{4}", t)]
    if bad_years:
        raise RefreshError(f"{name}: time periods are not years ({bad_years[:3]})")
    strides = [1] * len(sizes)
    for i in range(len(sizes) - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    total = strides[0] * sizes[0] if sizes else 0
    values, status = doc["value"], doc.get("status") or {}
    items = values.items() if isinstance(values, dict) else enumerate(values)
    rows = []
    for key, val in items:
        if val is None:
            continue
        pos = int(key)
        if not 0 <= pos < total or isinstance(val, bool) or not isinstance(val, (int, float)):
            raise RefreshError(f"{name}: observation {key!r} = {val!r} is out of range or not a number")
        coord = {dim: codes[dim][(pos // s) % n] for dim, s, n in zip(ids, strides, sizes)}
        flag = status.get(str(key), "") if isinstance(status, dict) else (status[pos] or "")
        rows.append({"geo": coord["geo"], "year": int(coord["time"]), **{k: coord[k] for k in keep if k in coord},
                     "value": val, "flag": flag})
    if not rows:
        raise RefreshError(f"{name}: the response holds no observations")
    return pd.DataFrame(rows), str(doc.get("updated", ""))


def tidy(df: pd.DataFrame, ex: Extract, query: Query, updated: str, url: str) -> pd.DataFrame:
    """Rows of one indicator in the kit's tidy format; codes that are neither NUTS codes nor
    EU aggregates (e.g. EEA30_2007) are left out, as the build would refuse them."""
    sel = df[df["unit"] == ex.unit] if ex.unit else df
    sel = sel[sel.geo.str.match(NUTS_CODE) | sel.geo.str.match(AGGREGATE_CODE)]
    unit = ex.unit or (sel["unit"].iloc[0] if "unit" in sel and len(sel) else "")
    return pd.DataFrame({
        "nuts_id": sel.geo, "indicator": ex.indicator, "year": sel.year, "value": sel.value,
        "unit": unit, "source_dataset": query.dataset, "flag": sel.flag,
        "nuts_level": [str(len(g) - 2) if NUTS_CODE.match(g) and not g.startswith(AGGREGATE_PREFIXES) else ""
                       for g in sel.geo],
        "vintage": f"Eurostat API, updated {updated}" if updated else "Eurostat API",
        "source_repo": url,
    })


def derived_share_of_national(gdp: pd.DataFrame) -> pd.DataFrame:
    """Regional GDP (MIO_EUR) as % of its country's, for NUTS 1 and 2: as the kit's file."""
    nat = gdp[gdp.nuts_level == "0"].set_index(["nuts_id", "year"]).value
    reg = gdp[gdp.nuts_level.isin(["1", "2"])].copy()
    denom = [nat.get((c[:2], y)) for c, y in zip(reg.nuts_id, reg.year)]
    reg["value"] = [round(100 * v / d, 2) if d else None for v, d in zip(reg.value, denom)]
    reg = reg[reg.value.notna()]
    return reg.assign(indicator="gdp_share_of_national_pct", unit="PC_NATIONAL_GDP", flag="",
                      source_dataset="derived from nama_10r_2gdp (MIO_EUR region / MIO_EUR country)")


def derived_sum_of_nuts2(pop: pd.DataFrame) -> pd.DataFrame:
    """NUTS 0 and 1 population as sums of NUTS 2 values: the kit's last-resort input."""
    n2 = pop[pop.nuts_level == "2"]
    out = []
    for level, width in (("0", 2), ("1", 3)):
        s = n2.groupby([n2.nuts_id.str[:width], n2.year]).value.sum().reset_index()
        out.append(s.assign(nuts_level=level))
    s = pd.concat(out, ignore_index=True)
    first = pop.iloc[0] if len(pop) else None
    return s.assign(indicator="population_1jan_sum_of_nuts2", unit="NR (derived: sum of NUTS2 values)", flag="",
                    source_dataset="derived from demo_r_d2jan NUTS2",
                    vintage=first.vintage if first is not None else "", source_repo=first.source_repo if first is not None
                    else "")[COLUMNS]


# --------------------------------------------------------------------------- the refresh

def read_values(snapshot: Path) -> pd.DataFrame | None:
    path = Path(snapshot) / "indicators.csv"
    return pd.read_csv(path, usecols=["nuts_id", "indicator", "year", "value"]) if path.exists() else None


def summarise(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: rows added, removed and changed against the previous snapshot, and the
    newest year before and after."""
    key = ["nuts_id", "indicator", "year"]
    old = old if old is not None else pd.DataFrame(columns=key + ["value"])
    m = old.merge(new[key + ["value"]], on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    out = []
    for ind in sorted(set(m.indicator)):
        g = m[m.indicator == ind]
        both = g[g._merge == "both"]
        changed = ~((both.value_old - both.value_new).abs() <= 1e-9 * both.value_old.abs().clip(lower=1))
        out.append({
            "indicator": ind, "added": int((g._merge == "right_only").sum()),
            "removed": int((g._merge == "left_only").sum()), "changed": int(changed.sum()),
            "newest_year_before": _max_year(old[old.indicator == ind]),
            "newest_year_now": _max_year(new[new.indicator == ind]),
        })
    return pd.DataFrame(out)


def _max_year(df: pd.DataFrame):
    return int(df.year.max()) if len(df) else None


def assemble_kit(kit_dir: Path, current_kit: Path, downloader: Downloader, nuts_version: str, scale: str,
                 report: dict, progress: bool = True) -> None:
    """Download everything and write a kit-like folder at ``kit_dir``."""
    current_kit = Path(current_kit)
    steps = list(QUERIES.items())
    parsed: dict[str, tuple[pd.DataFrame, str]] = {}
    for name, query in tqdm(steps, desc="Eurostat datasets", unit="dataset", disable=not progress):
        raw = downloader.get(query.url, query.dataset)
        parsed[name] = parse_jsonstat(raw, query)

    files: dict[str, list[pd.DataFrame]] = {}
    for ex in EXTRACTS:
        df, updated = parsed[ex.query]
        rows = tidy(df, ex, QUERIES[ex.query], updated, QUERIES[ex.query].url)
        if rows.empty:
            raise RefreshError(f"{QUERIES[ex.query].dataset}: no rows for unit {ex.unit} ({ex.indicator})")
        files.setdefault(ex.file, []).append(rows)
    gdp = pd.concat(files["gdp_mio_eur_nuts012.csv"])
    files["gdp_share_national.csv"] = [derived_share_of_national(gdp)[COLUMNS]]
    files["population_1jan_nuts01_derived_sum.csv"] = [derived_sum_of_nuts2(pd.concat(files["population_1jan_nuts2.csv"]))]

    notes = []
    out_dir = kit_dir / "eurostat"
    out_dir.mkdir(parents=True)
    for file, frames in files.items():
        df, n = harmonise(pd.concat(frames, ignore_index=True), nuts_version)
        notes.append(n.assign(file=file))
        df.to_csv(out_dir / file, index=False, lineterminator="\n",
                  compression="gzip" if file.endswith(".gz") else None)
    notes = pd.concat(notes, ignore_index=True)
    report["nuts_codes_harmonised"] = notes.to_dict("records")
    missing = [ind.id for ind in INDICATORS for inp in ind.inputs
               if not (out_dir / inp.file).exists() and f"eurostat/{inp.file}" not in COPIED]
    if missing:
        raise RefreshError(f"no refreshed input for indicator(s) {', '.join(sorted(set(missing)))}")

    url = GISCO.format(scale=scale, year=nuts_version)
    raw = downloader.get(url, f"NUTS {nuts_version} {scale}")
    try:
        geo = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RefreshError(f"GISCO NUTS {nuts_version}: not valid GeoJSON ({exc}); the download may be truncated "
                           f"({url})") from exc
    if not isinstance(geo, dict) or geo.get("type") != "FeatureCollection" or not geo.get("features"):
        raise RefreshError(f"GISCO NUTS {nuts_version}: not a GeoJSON FeatureCollection with features ({url})")
    nuts = kit_dir / b.nuts_file(nuts_version)  # the build reads this one file name, whatever the scale
    nuts.parent.mkdir(parents=True)
    nuts.write_bytes(raw)

    for rel in COPIED:
        (kit_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        _copy(current_kit / rel, kit_dir / rel)
    for rel in COPIED_DIRS:
        if not (current_kit / rel).is_dir():
            raise RefreshError(f"the current kit has no {rel}/ folder ({current_kit / rel})")
        shutil.copytree(current_kit / rel, kit_dir / rel)


def _copy(src: Path, dst: Path) -> None:
    if not src.exists():
        raise RefreshError(f"the current kit has no {src.name} ({src})")
    shutil.copy2(src, dst)


def refresh(kit: Path, out: Path = b.DEFAULT_OUT, cache: Path = DEFAULT_CACHE, nuts_version: str = "2021",
            scale: str = "20M", session=None, max_age_hours: float = 12.0, progress: bool = True,
            retries: int = 3, sleep=None) -> dict:
    """Download, convert, build. Returns the build's manifest plus 'downloads' and 'summary'."""
    t0 = time.perf_counter()
    out = Path(out)
    dl = Downloader(Path(cache), session=session or requests.Session(), retries=retries,
                    max_age_hours=max_age_hours, progress=progress, sleep=sleep or time.sleep)
    old = read_values(out)
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="s3-refresh-kit-") as tmp:
        kit_dir = Path(tmp) / "kit"
        assemble_kit(kit_dir, Path(kit), dl, str(nuts_version), scale, report, progress)
        if progress:
            print("building the snapshot ...", file=sys.stderr)
        manifest = b.build(kit_dir, out, nuts_version=str(nuts_version))
    manifest["downloads"] = dl.log
    manifest["harmonised"] = report["nuts_codes_harmonised"]
    manifest["summary"] = summarise(old, read_values(out)).to_dict("records")
    manifest["refresh_seconds"] = round(time.perf_counter() - t0, 2)
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nuts-version", choices=b.NUTS_VERSIONS, default=SETTINGS.nuts_version)
    ap.add_argument("--scale", choices=["60M", "20M", "10M"], default="20M",
                    help="GISCO scale of the boundaries (the build's geometry precision suits 20M)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=b.DEFAULT_OUT)
    ap.add_argument("--kit", type=Path, default=ROOT.parent / "shared" / "data",
                    help="current data kit: its S3, classification and computed-area files are reused")
    ap.add_argument("--max-age", type=float, default=12.0, help="hours a cached download is reused without asking")
    args = ap.parse_args(argv)
    try:
        m = refresh(args.kit, args.out, args.cache, args.nuts_version, args.scale, max_age_hours=args.max_age)
    except (RefreshError, DataError) as exc:
        print(f"refresh failed, snapshot left unchanged: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("refresh interrupted, snapshot left unchanged", file=sys.stderr)
        return 130
    for d in m["downloads"]:
        print(f"  {d['label']:22s} {d['how']:22s} {d['bytes'] / 1e6:8.2f} MB")
    mapped = [h for h in m["harmonised"] if h["mapped_to"]]
    print(f"  NUTS codes of the other version: {len(mapped)} mapped one-to-one, "
          f"{len(m['harmonised']) - len(mapped)} left missing (see manifest)")
    print(f"snapshot {m['version']} (NUTS {m['nuts_version']}) written to {args.out} in {m['refresh_seconds']} s")
    print(f"  {'indicator':22s} {'added':>7s} {'changed':>7s} {'removed':>7s}  newest year")
    for s in m["summary"]:
        print(f"  {s['indicator']:22s} {s['added']:7d} {s['changed']:7d} {s['removed']:7d}  "
              f"{s['newest_year_before']} -> {s['newest_year_now']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
