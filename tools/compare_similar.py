"""Similar regions before (TF-IDF text part) and after (multilingual sentence vectors).

    python tools/compare_similar.py [--data-dir geodata/snapshot] [--top 5] [REGION ...]

For each region (default: a few well-known ones) it prints the top-k similar regions of both
indexes side by side: score, text part, and whether the region is in the same country. A region
without strategies of its own is replaced by the nearest territory that has them (its only
child, else its closest ancestor), and the substitution is printed.

Then, over every participating region: how many of the top-k stay, and the share of top-k
neighbours in the region's own country (text similarity within one language is easy for both
methods; a method that crosses languages should lower it).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.data.atlas import load_atlas  # noqa: E402
from dashboard.data.profile import resolve  # noqa: E402
from dashboard.data.similarity import _build  # noqa: E402

DEFAULT = ("ES51", "FI1B", "PL91", "ITC4", "DE2", "CZ064")


def participating(atlas, index, raw: str) -> tuple[str | None, str]:
    nid = resolve(atlas, raw)
    if nid is None:
        return None, f"{raw}: unknown region"
    if nid in index.regions:
        return nid, ""
    kids = [k for k in atlas.children.get(nid, ()) if k in index.regions]
    if len(kids) == 1:
        return kids[0], f"{nid} has no strategy of its own: using {kids[0]}"
    for anc in atlas.ancestors(nid):
        if anc in index.regions:
            return anc, f"{nid} has no strategy of its own: using its parent {anc}"
    return None, f"{nid}: no strategy of its own nor of a parent"


def country(atlas, nid: str) -> str:
    return atlas.regions.at[nid, "country"] if nid in atlas.regions.index else nid[:2]


def line(atlas, r: dict, home: str) -> str:
    same = "*" if country(atlas, r["nuts_id"]) == home else " "
    return f"{r['nuts_id']:<6}{same}{r['name'][:24]:<25}{r['score']:.2f} ({r['text_cosine']:.2f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("regions", nargs="*", default=list(DEFAULT))
    ap.add_argument("--data-dir", type=Path, default=ROOT / "geodata" / "snapshot")
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args(argv)
    k = args.top
    atlas = load_atlas(args.data_dir)
    before = _build(atlas, use_vectors=False)
    after = _build(atlas)
    print(f"before: {before.note}\nafter:  {after.note}")
    print(f"score (text part); * = same country as the region. Top {k}.\n")
    width = 48
    for raw in args.regions:
        nid, note = participating(atlas, after, raw)
        if note:
            print(note)
        if nid is None:
            continue
        home = country(atlas, nid)
        b, a = before.similar.get(nid, ())[:k], after.similar.get(nid, ())[:k]
        print(f"{nid} {atlas.region_name(nid)}")
        print(f"  {'before (TF-IDF)':<{width}}after ({after.text_method})")
        for x in range(max(len(b), len(a))):
            left = line(atlas, b[x], home) if x < len(b) else ""
            right = line(atlas, a[x], home) if x < len(a) else ""
            print(f"  {left:<{width}}{right}")
        kept = {r["nuts_id"] for r in b} & {r["nuts_id"] for r in a}
        print(f"  kept {len(kept)} of {k}")
        if a and a[0].get("closest_pairs"):
            print(f"  closest priority pairs with {a[0]['nuts_id']}:")
            for p in a[0]["closest_pairs"]:
                print(f"    {p['a_title'][:45]!r} ~ {p['b_title'][:45]!r} ({p['similarity']:.2f})")
        if a:
            print(f"  shared codes with {a[0]['nuts_id']}: {'; '.join(a[0]['reasons']['codes'][:6])}")
        print()

    ids = after.regions
    n = len(ids)
    kept = same_b = same_a = 0
    for nid in ids:
        home = country(atlas, nid)
        b = [r["nuts_id"] for r in before.similar.get(nid, ())[:k]]
        a = [r["nuts_id"] for r in after.similar.get(nid, ())[:k]]
        kept += len(set(a) & set(b))
        same_b += sum(country(atlas, x) == home for x in b)
        same_a += sum(country(atlas, x) == home for x in a)
    print(f"All {n} regions: {kept / (n * k):.0%} of the top-{k} neighbours stay; "
          f"same-country share of the top {k}: before {same_b / (n * k):.0%}, after {same_a / (n * k):.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
