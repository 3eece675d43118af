"""Publish a snapshot: a published snapshot plus the reviewed contributions -> a new snapshot folder.

    python -m dashboard.build.publish --base geodata/snapshot --contributions geodata/sources/contributions --out var/snapshots

Faster than the full build (no kit, no geometry): the base snapshot's tables are read, the
contributions applied (``contributions.apply_contributions``), the new and changed priorities
classified (the others keep their codes), the query terms recomputed as the build does, the search
vectors of new and changed priorities embedded (``dashboard.data.embed`` in a process of its own:
the sentence model must not be loaded in a process that later forks server workers), and the
manifest written. Everything goes to a temporary folder in ``out_root`` that is renamed to
``out_root/<version>`` when complete; the version is a hash of the tables and geometry, so the same
inputs give the same folder (publishing twice returns the existing one).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..data.crosslang import bilingual_terms
from ..data.schema import DataError, read_csv
from ..data.vectors import FILES as VECTOR_FILES
from .classify import EXAMPLES_FILE, Classifier, priority_vectors
from .contributions import apply_contributions, contributed_wins, load_contributions
from ..settings import ROOT, SOURCES_DIR as SOURCES

# the tables publishing reads; it rewrites the first six, the others only inform it
CHANGED = ("strategies", "priorities", "priority_codes", "partnership_members", "s3_not_found", "query_terms")
READ = CHANGED + ("regions", "partnerships", "nace", "nabs", "ecosystems")
TEXT = ["title", "title_original", "description", "keywords"]  # what the classifier and the vectors read
NOT_HASHED = (*VECTOR_FILES, "manifest.json")  # written after the tables, outside the version


def read_tables(base: Path) -> dict[str, pd.DataFrame]:
    """The tables publishing reads, as strings (empty frames for optional ones the base lacks)."""
    tables = {}
    for name in READ:
        path = base / f"{name}.csv"
        if path.exists():
            tables[name] = read_csv(path, [])
        elif name not in ("s3_not_found", "query_terms"):
            raise DataError(path, "file is missing from the base snapshot")
    if (base / "contacts.csv").exists():
        tables["contacts"] = read_csv(base / "contacts.csv", [])
    return tables


def changed_priorities(before: pd.DataFrame, after: pd.DataFrame) -> set[str]:
    """Priorities that are new, or whose text (title, original title, description, keywords) changed."""
    old = before.set_index("priority_id")[TEXT]
    new = after.set_index("priority_id")[TEXT]
    fresh = set(new.index) - set(old.index)
    both = new.index.intersection(old.index)
    differ = (new.loc[both] != old.loc[both]).any(axis=1)
    return fresh | set(differ.index[differ.to_numpy()])


def reclassify(tables: dict, ids: set[str], sources: Path, base: Path | None = None) -> pd.DataFrame:
    """The codes with the automatic ones of ``ids`` recomputed as the build's classify step does (every
    priority in view, so examples and vocabulary are the full build's; the labelled examples vote
    through the sentence vectors of the ``base`` snapshot, which new and changed priorities do not have
    yet: theirs come from their keyword evidence); the others' codes as they are."""
    codes = tables["priority_codes"]
    if not ids:
        return codes
    nace, nabs, eco = tables["nace"], tables["nabs"], tables["ecosystems"]
    div = nace[nace.level == "division"]
    classifier = Classifier.from_files(sources / "classification_rules.csv", sources / "nace_ecosystem_map.csv",
                                       set(div.code), set(nabs.code), set(eco.code),
                                       examples_path=sources / EXAMPLES_FILE, section_of=dict(zip(div.code, div.section)))
    vectors = None if base is None or not classifier.examples else priority_vectors(base, tables["priorities"])
    given = codes[codes.origin != "auto"]
    fresh = contributed_wins(classifier.classify(tables["priorities"], given, only=ids, vectors=vectors))
    kept = codes[~codes.priority_id.isin(ids)]
    out = pd.concat([kept, fresh[fresh.priority_id.isin(ids)]], ignore_index=True)
    return out.sort_values(["priority_id", "scheme", "code"]).reset_index(drop=True)


def query_terms(tables: dict) -> pd.DataFrame:
    """The bilingual query terms from the priorities' own titles, as the build writes them."""
    s = tables["strategies"][["strategy_id", "nuts_id"]]
    return bilingual_terms(tables["priorities"].merge(s, on="strategy_id", how="left"))


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def copy_unchanged(base: Path, tmp: Path, written: set[str]) -> None:
    """Every file and folder of the base snapshot publishing does not write, hard-linked where the
    file system allows (the geometry, the statistics, ...); the manifest is written anew."""
    for item in sorted(base.iterdir()):
        if item.name in written or item.name == "manifest.json" or item.name.startswith("."):
            continue
        if item.name in VECTOR_FILES:  # rewritten by the vectors step: a copy, never a link
            shutil.copy2(item, tmp / item.name)
        elif item.is_dir():
            shutil.copytree(item, tmp / item.name, copy_function=_link_or_copy)
        else:
            _link_or_copy(item, tmp / item.name)


def version_of(folder: Path) -> str:
    """A hash over every file but the vectors and the manifest (as the build's version: their bytes in
    the order of their paths)."""
    digest = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file() and f.name not in NOT_HASHED:
            digest.update(f.read_bytes())
    return digest.hexdigest()[:12]


def embed(snapshot: Path) -> str:
    """Search vectors for new and changed priorities (the CLI re-embeds only those), in a child process;
    returns what it printed. Raises RuntimeError when it fails."""
    # run from the project's folder: "-m" puts it first on the path, so this very package is the one run
    done = subprocess.run([sys.executable, "-m", "dashboard.data.embed", "--snapshot", str(snapshot.resolve())],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"search vectors could not be built: {(done.stderr or done.stdout).strip()[-2000:]}")
    return done.stdout.strip().replace(f"{snapshot.resolve()}/", "")


def publish_snapshot(base_dir: Path, contributions_dir: Path, out_root: Path, sources: Path | None = None,
                     vectors: bool = True) -> Path:
    """A new snapshot of ``base_dir`` with the contributions in ``contributions_dir`` applied, written to
    ``out_root/<version>`` (atomically: a temporary folder renamed when complete) and returned. The same
    inputs give the same version; when that folder exists already it is returned as it is.
    ``sources``: the folder of the classification rules (geodata/sources); ``vectors=False`` skips the
    search vectors (the base's are kept; new and changed priorities are then found by their words only).
    A fault in the contributions raises ``DataError`` naming the file, row and column."""
    t0 = time.perf_counter()
    base, out_root = Path(base_dir), Path(out_root)
    sources = Path(SOURCES if sources is None else sources)
    contributions = load_contributions(contributions_dir)
    manifest_base = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    tables = read_tables(base)
    applied = apply_contributions(tables, contributions)
    ids = changed_priorities(tables["priorities"], applied["priorities"])
    applied["priority_codes"] = reclassify(applied, ids, sources, base_dir)
    if "query_terms" in tables:
        applied["query_terms"] = query_terms(applied)
    written = {name: applied[name] for name in CHANGED + ("contacts",) if name in applied}
    out_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".publish-", dir=out_root))
    try:
        for name, df in written.items():
            df.to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")
        copy_unchanged(base, tmp, {f"{name}.csv" for name in written})
        version = version_of(tmp)
        final = out_root / version
        if final.exists():  # published before from the same inputs
            shutil.rmtree(tmp)
            return final
        note = embed(tmp) if vectors else ""
        report = {
            "published_from": manifest_base.get("version", "?"),
            "contributions": {**contributions.summary(), "priorities_classified_and_embedded": sorted(ids)},
            "search_vectors": note or "not rebuilt (the base snapshot's kept)",
        }
        manifest = {
            "version": version,
            "built_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "nuts_version": manifest_base.get("nuts_version", "2021"),
            "rows": {**manifest_base.get("rows", {}), **{k: int(len(v)) for k, v in written.items()}},
            "regions_by_level": manifest_base.get("regions_by_level", {}),
            "report": {**manifest_base.get("report", {}), "publish": report},
            "seconds": round(time.perf_counter() - t0, 2),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.chmod(0o755)
        try:
            tmp.rename(final)
        except OSError:
            if not final.exists():  # not another publisher that finished first with the same inputs
                raise
            shutil.rmtree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, default=ROOT / "geodata" / "snapshot")
    ap.add_argument("--contributions", type=Path, default=SOURCES / "contributions")
    ap.add_argument("--out", type=Path, required=True, help="folder the new snapshot folder is written in")
    args = ap.parse_args(argv)
    try:
        path = publish_snapshot(args.base, args.contributions, args.out)
    except DataError as exc:
        print(f"publishing failed, nothing written: {exc}", file=sys.stderr)
        return 1
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    print(f"snapshot {manifest['version']} written to {path} in {manifest.get('seconds', '?')} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
