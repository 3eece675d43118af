"""The locator map of the printed profile: equal-area projection, and a frame on the region for
every kind of territory (mainland, small, a country with overseas parts, outermost regions)."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from dashboard.figures.base import SELECTED
from dashboard.figures.locator import EARTH_KM, laea, locator_png

RED = tuple(int(SELECTED[i:i + 2], 16) for i in (1, 3, 5))


def test_projection_is_centred_on_10e_52n_and_keeps_areas():
    assert np.allclose(laea(np.array([10.0]), np.array([52.0])), 0.0)
    for lat in (28.0, 40.0, 52.0, 65.0):  # the Canaries to Lapland
        t = np.linspace(0, 1, 200)
        lon = np.concatenate([-5 + t, np.full(200, -4.0), -4 - t, np.full(200, -5.0)])
        la = np.concatenate([np.full(200, lat), lat + t, np.full(200, lat + 1), lat + 1 - t])
        xy = laea(lon, la)
        area = 0.5 * abs(np.dot(xy[:, 0], np.roll(xy[:, 1], -1)) - np.dot(xy[:, 1], np.roll(xy[:, 0], -1)))
        sphere = EARTH_KM ** 2 * np.radians(1.0) * (np.sin(np.radians(lat + 1)) - np.sin(np.radians(lat)))
        assert area == pytest.approx(sphere, rel=1e-3)


def red_extent(png: bytes) -> float:
    """The larger share of the picture's width or height that the region's red fill spans."""
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    ys, xs = np.nonzero(np.all(img == RED, axis=2))
    if len(xs) == 0:
        return 0.0
    return max((xs.max() - xs.min() + 1) / img.shape[1], (ys.max() - ys.min() + 1) / img.shape[0])


@pytest.mark.parametrize("nid", ["ES51", "EL30", "DE212", "ES70", "PT20", "FRY4", "FR", "MT", "BG31"])
def test_the_frame_is_on_the_region(atlas, nid):
    r = atlas.regions.loc[nid]
    level = int(r.level)
    png, shown = locator_png(nid, level, r.country, atlas.outlines(level), atlas.outlines(0))
    assert png.startswith(b"\x89PNG")
    # the region is in the picture, neither a speck nor beyond the frame
    assert 0.15 <= red_extent(png) < 0.95, red_extent(png)
    if nid == "FR":  # Guyane, La Réunion, ... are not squeezed into a map of France
        assert shown["far_parts_left_out"] and not shown["overview"]
    if nid in ("FRY4", "PT20"):  # outside the overview of Europe: no overview
        assert not shown["overview"]
    if nid in ("ES51", "DE212", "MT"):  # a small country gets the overview too
        assert shown["overview"] and not shown["far_parts_left_out"]


def test_a_region_outside_the_outlines_is_refused(atlas):
    with pytest.raises(KeyError):
        locator_png("XX99", 2, "XX", atlas.outlines(2), atlas.outlines(0))
