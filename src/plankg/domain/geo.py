"""GeoJSON (RFC 7946) from the graph: territories as Features, with who they cooperate with and when.

Geometry comes from the served store, never from a side file: a territory's ``geo:asGeoJSON``
literal, or its ``geo:asWKT`` read with shapely when only WKT is given. A municipality's or a
region's document is a Feature; a cooperation's a FeatureCollection of its members' territories;
``/id/kommune`` and ``/id/region`` all of theirs. Each Feature carries its URI (as ``id``), name,
code, page, neighbours and the memberships with their dates, so that a client can colour a map for
any day with the rule of the named query ``members-on-date`` (see :data:`MEMBERSHIP_RULE`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import shapely.wkt
from shapely.geometry import mapping

from plankg.domain.store import ReadStore
from plankg.tables.queries import internal

#: How a map decides membership on a day: the rule of ``queries/members-on-date.rq``, stated for clients.
MEMBERSHIP_RULE = (
    "A membership holds on a day from its beginning ('from'; when that is unknown, from a day a source "
    "shows it held, 'seen') until its end ('to'), comparing the day at the precision each date is given in."
)


@dataclass
class Place:
    """A municipality or region with its territory."""

    uri: str
    kind: str
    code: str
    names: dict[str, str]
    geometry: dict[str, Any] | None
    region: str | None = None
    neighbours: list[str] = field(default_factory=list)
    memberships: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Atlas:
    """Every place of the served data, by URI, and the cooperations by URI with their names."""

    places: dict[str, Place]
    cooperations: dict[str, dict[str, str]]
    attribution: list[dict[str, str]]  # the geometries' sources with their citations


def _value(solution: ox.QuerySolution, name: str) -> str | None:
    term = solution[name]
    return None if term is None else term.value


def _geometry(geojson: str | None, wkt: str | None) -> dict[str, Any] | None:
    if geojson:
        parsed: dict[str, Any] = json.loads(geojson)
        return parsed
    if wkt:
        text = wkt.split(">", 1)[1].strip() if wkt.startswith("<") else wkt  # a CRS IRI may lead the WKT
        return dict(mapping(shapely.wkt.loads(text)))
    return None


def _select(store: ReadStore, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def load_atlas(store: ReadStore) -> Atlas:
    """Read every territory, neighbourhood and membership from the store (its default graph is the union)."""
    places: dict[str, Place] = {}
    for s in _select(store, internal("places")):
        uri = _value(s, "uri") or ""
        place = places.get(uri)
        if place is None:
            kind = "municipality" if (_value(s, "kind") or "").endswith("Municipality") else "region"
            names = {lang: v for lang, v in (("da", _value(s, "name")), ("en", _value(s, "name_en"))) if v}
            geometry = _geometry(_value(s, "geojson"), _value(s, "wkt"))
            place = places[uri] = Place(uri, kind, _value(s, "code") or "", names, geometry)
        place.region = place.region or _value(s, "region")
    for s in _select(store, internal("neighbours")):
        uri, neighbour = _value(s, "uri") or "", _value(s, "neighbour") or ""
        if uri in places and neighbour != uri and neighbour not in places[uri].neighbours:
            places[uri].neighbours.append(neighbour)
    cooperations: dict[str, dict[str, str]] = {}
    for s in _select(store, internal("memberships")):
        cooperation = _value(s, "cooperation") or ""
        names = {lang: v for lang, v in (("da", _value(s, "name")), ("en", _value(s, "name_en"))) if v}
        cooperations.setdefault(cooperation, names)
        member = places.get(_value(s, "member") or "")
        if member is None:
            continue
        membership = {"cooperation": cooperation}
        for key in ("from", "to", "seen"):
            if (value := _value(s, key)) is not None:
                membership[key] = value
        if membership not in member.memberships:
            member.memberships.append(membership)
    for place in places.values():
        place.neighbours.sort()
    attribution = [
        {"source": _value(s, "source") or "", "citation": _value(s, "citation") or ""}
        for s in _select(store, internal("geometry-sources"))
    ]
    return Atlas(places, cooperations, attribution)


def feature(atlas: Atlas, uri: str, page_of: Any) -> dict[str, Any]:
    """The Feature of one place; ``page_of`` maps a URI to its page on this server."""
    place = atlas.places[uri]
    memberships = [
        {**m, "name": atlas.cooperations.get(m["cooperation"], {}).get("da", ""), "page": page_of(m["cooperation"])}
        for m in place.memberships
    ]
    properties: dict[str, Any] = {
        "uri": place.uri,
        "type": place.kind,
        "code": place.code,
        "name": place.names.get("da", ""),
        "names": place.names,
        "page": page_of(place.uri),
        "memberships": memberships,
    }
    if place.kind == "municipality":
        properties["region"] = place.region
        properties["neighbours"] = [{"uri": n, "geojson": _geojson_href(page_of(n))} for n in place.neighbours]
    return {"type": "Feature", "id": place.uri, "geometry": place.geometry, "properties": properties}


def _geojson_href(page: str | None) -> str | None:
    return f"{page}.geojson" if page else None


def feature_collection(atlas: Atlas, uris: list[str], page_of: Any, about: str | None = None) -> dict[str, Any]:
    """A FeatureCollection of ``uris``, with the cooperations its features mention and the membership rule."""
    features = [feature(atlas, uri, page_of) for uri in uris if uri in atlas.places]
    mentioned = sorted({m["cooperation"] for f in features for m in f["properties"]["memberships"]})
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    if about:
        collection["id"] = about
    collection["cooperations"] = [
        {"uri": c, "names": atlas.cooperations.get(c, {}), "page": page_of(c)} for c in mentioned
    ]
    collection["membershipRule"] = MEMBERSHIP_RULE
    collection["attribution"] = atlas.attribution
    collection["features"] = features
    return collection


def members_of(atlas: Atlas, cooperation: str) -> list[str]:
    """The places that were ever members of ``cooperation``, by code."""
    members = [p for p in atlas.places.values() if any(m["cooperation"] == cooperation for m in p.memberships)]
    return [p.uri for p in sorted(members, key=lambda p: p.code)]


def of_kind(atlas: Atlas, kind: str) -> list[str]:
    """Every place of ``kind`` (``municipality`` or ``region``), by code."""
    return [p.uri for p in sorted(atlas.places.values(), key=lambda p: p.code) if p.kind == kind]


def to_bytes(document: dict[str, Any]) -> bytes:
    """Compact JSON (the geometries are large), UTF-8."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
