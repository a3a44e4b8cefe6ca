"""Territory geometry for the registry graph: literals rounded to about a metre, neighbours by shape."""

from __future__ import annotations

import json

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry


def geometry_literals(geometry: BaseGeometry) -> tuple[str, str]:
    """The geometry as WKT and as GeoJSON, both rounded to 5 decimals (about 1 m)."""
    wkt = shapely.to_wkt(geometry, rounding_precision=5, trim=True)
    return wkt, json.dumps(_rounded(mapping(geometry)), separators=(",", ":"))


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def touching_pairs(geometries: dict[str, BaseGeometry]) -> list[tuple[str, str]]:
    """Pairs of codes (a < b) whose geometries touch (share boundary, no interior)."""
    codes = sorted(geometries)
    tree = shapely.STRtree([geometries[c] for c in codes])
    left, right = tree.query([geometries[c] for c in codes], predicate="touches")
    return sorted({(codes[i], codes[j]) for i, j in zip(left, right, strict=True) if i < j})
