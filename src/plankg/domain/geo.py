"""GeoJSON (RFC 7946) from the graph: territories as Features, with who they cooperate with and when.

Geometry comes from the served store, never from a side file: a territory's ``geo:asGeoJSON``
literal, or its ``geo:asWKT`` read with shapely when only WKT is given. A municipality's or a
region's document is a Feature; a cooperation's a FeatureCollection of its members' territories;
``/id/kommune`` and ``/id/region`` all of theirs. Each Feature carries its URI (as ``id``), name,
code, page, neighbours and the memberships with their dates, so that a client can colour a map for
any day with the rule of the named query ``members-on-date`` (see :data:`MEMBERSHIP_RULE`).

Regions live in time (``region_lifetimes``): a document is asked about a day (``?dato=``, default
the server's today); a municipality's Feature names the region it belongs to on that day and lists
all of its regions with their lifetimes, and the region collection holds the regions living that day.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import shapely.wkt
from shapely.geometry import mapping

from plankg.domain.evidence import Evidence, state_on
from plankg.domain.region_lifetimes import first_day, last_day
from plankg.domain.store import ReadStore
from plankg.tables.queries import internal

#: How a map decides a membership's state on a day: the rule of ``queries/members-on-date.rq`` (``evidence``).
MEMBERSHIP_RULE = (
    "On a day, a membership is 'member' when its beginning ('from') is on or before the day and its end ('to'), "
    "if any, not before it, or when a source shows it held on that day ('seen'); 'last documented' when no "
    "interval covers the day but a source shows it held on an earlier day (a 'seen' day, or the end): "
    "'lastDocumented' says which; otherwise 'not known'. Dates are compared at the precision they are given in."
)
#: Kenneth Kelly's 20 colours of maximum contrast (white and black left out): one per cooperation.
PALETTE = (
    "#f3c300",
    "#875692",
    "#f38400",
    "#a1caf1",
    "#be0032",
    "#c2b280",
    "#848482",
    "#008856",
    "#e68fac",
    "#0067a5",
    "#f99379",
    "#604e97",
    "#f6a600",
    "#b3446c",
    "#dcd300",
    "#882d17",
    "#8db600",
    "#654522",
    "#e25822",
    "#2b3d26",
)
#: Fills drawn over a colour, so that cooperations differ without hue too (greyscale, colour blindness).
PATTERNS = ("solid", "stripes", "dots", "cross")


def lightness(colour: str) -> float:
    """CIE L* (0 black … 100 white) of an sRGB colour ``#rrggbb``: what is left of it in greyscale."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * (y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116) - 16


#: The palette's places in order of lightness, darkest first.
BY_LIGHTNESS = tuple(sorted(range(len(PALETTE)), key=lambda i: lightness(PALETTE[i])))


def pattern(index: int) -> str:
    """The fill pattern of a palette colour: colours next to each other in lightness never share one."""
    return PATTERNS[BY_LIGHTNESS.index(index) % len(PATTERNS)] if index >= 0 else ""


@dataclass
class Place:
    """A municipality or region with its territory."""

    uri: str
    kind: str
    code: str
    names: dict[str, str]
    geometry: dict[str, Any] | None
    regions: list[str] = field(default_factory=list)  # a municipality's: every region holding its territory
    neighbours: list[str] = field(default_factory=list)
    memberships: dict[str, Evidence] = field(default_factory=dict)  # cooperation → what the sources say
    lifetime: tuple[str, str] = ("", "")  # a region's: beginning and end ("" when open), at their precision
    originals: list[str] = field(default_factory=list)  # a region's: the regions it was formed from
    successors: list[str] = field(default_factory=list)  # a region's: the regions formed from it


@dataclass(frozen=True)
class Atlas:
    """Every place of the served data, by URI, and the cooperations by URI with their names."""

    places: dict[str, Place]
    cooperations: dict[str, dict[str, str]]  # cooperation (or planning area) → its names by language
    attribution: list[dict[str, str]]  # the geometries' sources with their citations
    kinds: dict[str, str] = field(default_factory=dict)  # cooperation → its kind (a samarbejdstype IRI)
    kind_names: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → its names by language

    def colour_index(self, cooperation: str) -> int:
        """The cooperation's place in the palette, the same on every page and map (the CSS class ``farve-N``)."""
        return self._places.get(cooperation, -1)

    @functools.cached_property
    def _places(self) -> dict[str, int]:
        """Each cooperation's place in the palette: by its place among all cooperations (sorted once)."""
        return {uri: place % len(PALETTE) for place, uri in enumerate(sorted(self.cooperations))}

    @functools.cached_property
    def memberships_of(self) -> dict[str, list[tuple[Place, Evidence]]]:
        """Each cooperation's members (places by code) with what the sources say: built once, so that a page
        of cooperations visits its own memberships, not every membership of every place."""
        found: dict[str, list[tuple[Place, Evidence]]] = {}
        for place in sorted(self.places.values(), key=lambda p: p.code):
            for cooperation, evidence in place.memberships.items():
                found.setdefault(cooperation, []).append((place, evidence))
        return found

    def colour(self, cooperation: str) -> str:
        """The cooperation's colour: by its place among all cooperations."""
        index = self.colour_index(cooperation)
        return PALETTE[index] if index >= 0 else ""

    def lives_on(self, region: str, day: dt.date) -> bool:
        """Whether ``region`` lives on ``day``: its beginning on or before it, its end (if any) not before it."""
        begin, end = self.places[region].lifetime
        return bool(begin) and first_day(begin) <= day and (not end or day <= last_day(end))

    def region_on(self, uri: str, day: dt.date) -> str | None:
        """The region a municipality belongs to on ``day`` (None before the first region began)."""
        living = [r for r in self.places[uri].regions if r in self.places and self.lives_on(r, day)]
        return living[0] if living else None


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


_PLACE_ORDER = ("uri", "region", "code", "name", "name_en")


def load_atlas(store: ReadStore) -> Atlas:
    """Read every territory, neighbourhood and membership from the store (its default graph is the union)."""
    places: dict[str, Place] = {}
    # in order, so that the atlas does not depend on how the engine happens to store the data
    rows = sorted(_select(store, internal("places")), key=lambda s: [_value(s, k) or "" for k in _PLACE_ORDER])
    for s in rows:
        uri = _value(s, "uri") or ""
        place = places.get(uri)
        if place is None:
            kind = "municipality" if (_value(s, "kind") or "").endswith("Municipality") else "region"
            names = {lang: v for lang, v in (("da", _value(s, "name")), ("en", _value(s, "name_en"))) if v}
            geometry = _geometry(_value(s, "geojson"), _value(s, "wkt"))
            place = places[uri] = Place(uri, kind, _value(s, "code") or "", names, geometry)
        region = _value(s, "region")
        if region and region not in place.regions:
            place.regions.append(region)
    _read_lifetimes(store, places)
    for s in _select(store, internal("neighbours")):
        uri, neighbour = _value(s, "uri") or "", _value(s, "neighbour") or ""
        if uri in places and neighbour != uri and neighbour not in places[uri].neighbours:
            places[uri].neighbours.append(neighbour)
    cooperations: dict[str, dict[str, str]] = {}
    kinds: dict[str, str] = {}
    kind_names: dict[str, dict[str, str]] = {}
    for s in _select(store, internal("memberships")):
        cooperation = _value(s, "cooperation") or ""
        names = {lang: v for lang, v in (("da", _value(s, "name")), ("en", _value(s, "name_en"))) if v}
        cooperations.setdefault(cooperation, names)
        kinds.setdefault(cooperation, _value(s, "kind") or "")
        kind_names.setdefault(kinds[cooperation], {k: v for k in ("da", "en") if (v := _value(s, f"kind_{k}"))})
        member = places.get(_value(s, "member") or "")
        if member is None:
            continue
        evidence = member.memberships.setdefault(cooperation, Evidence())
        evidence.begin = _value(s, "from") or evidence.begin
        evidence.end = _value(s, "to") or evidence.end
        evidence.horizon = _value(s, "until") or evidence.horizon
        seen = _value(s, "seen")
        if seen and seen not in evidence.seen:
            evidence.seen.append(seen)
    for place in places.values():
        place.neighbours.sort()
    attribution = [
        {"source": _value(s, "source") or "", "citation": _value(s, "citation") or ""}
        for s in _select(store, internal("geometry-sources"))
    ]
    return Atlas(places, cooperations, attribution, kinds, kind_names)


def _read_lifetimes(store: ReadStore, places: dict[str, Place]) -> None:
    for s in _select(store, internal("region-lifetimes")):
        region = places.get(_value(s, "region") or "")
        if region is None:
            continue
        region.lifetime = (_value(s, "from") or "", _value(s, "to") or "")
        original = _value(s, "original")
        if original and original in places and original not in region.originals:
            region.originals.append(original)
            places[original].successors.append(region.uri)
    for place in places.values():
        # a municipality's regions in the order they lived
        place.regions.sort(key=lambda r: places[r].lifetime[0] if r in places else "")


def _region_entry(atlas: Atlas, region: str, page_of: Any) -> dict[str, Any]:
    place = atlas.places[region]
    entry: dict[str, Any] = {"uri": region, "names": place.names, "page": page_of(region), "from": place.lifetime[0]}
    if place.lifetime[1]:
        entry["to"] = place.lifetime[1]
    return entry


def feature(atlas: Atlas, uri: str, page_of: Any, day: dt.date) -> dict[str, Any]:
    """The Feature of one place on ``day``; ``page_of`` maps a URI to its page on this server."""
    place = atlas.places[uri]
    memberships = []
    for cooperation, evidence in sorted(place.memberships.items()):
        state, documented = state_on(evidence, day.isoformat())
        entry: dict[str, Any] = {"cooperation": cooperation, **evidence.as_dict(), "state": state}
        if documented:
            entry["lastDocumented"] = documented
        entry.update(name=atlas.cooperations.get(cooperation, {}).get("da", ""), page=page_of(cooperation))
        memberships.append(entry)
    properties: dict[str, Any] = {
        "uri": place.uri,
        "type": place.kind,
        "code": place.code,
        "name": place.names.get("da", ""),
        "names": place.names,
        "page": page_of(place.uri),
        "memberships": memberships,
    }
    properties["day"] = day.isoformat()
    if place.kind == "region":
        properties["from"] = place.lifetime[0]
        if place.lifetime[1]:
            properties["to"] = place.lifetime[1]
        properties["lives"] = atlas.lives_on(uri, day)
        properties["formedFrom"] = [_region_entry(atlas, r, page_of) for r in place.originals]
        properties["succeededBy"] = [_region_entry(atlas, r, page_of) for r in place.successors]
    if place.kind == "municipality":
        properties["region"] = atlas.region_on(uri, day)
        properties["regions"] = [_region_entry(atlas, r, page_of) for r in place.regions if r in atlas.places]
        properties["neighbours"] = [{"uri": n, "geojson": _geojson_href(page_of(n))} for n in place.neighbours]
    return {"type": "Feature", "id": place.uri, "geometry": place.geometry, "properties": properties}


def _geojson_href(page: str | None) -> str | None:
    return f"{page}.geojson" if page else None


def feature_collection(
    atlas: Atlas, uris: list[str], page_of: Any, day: dt.date, about: str | None = None
) -> dict[str, Any]:
    """A FeatureCollection of ``uris`` on ``day``, with the cooperations it mentions and the membership rule."""
    features = [feature(atlas, uri, page_of, day) for uri in uris if uri in atlas.places]
    mentioned = sorted({m["cooperation"] for f in features for m in f["properties"]["memberships"]})
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    if about:
        collection["id"] = about
    collection["cooperations"] = [
        {
            "uri": c,
            "names": atlas.cooperations.get(c, {}),
            "page": page_of(c),
            "kind": atlas.kinds.get(c, ""),
            "colour": atlas.colour(c),
            "colourIndex": atlas.colour_index(c),
            "pattern": pattern(atlas.colour_index(c)),
        }
        for c in mentioned
    ]
    collection["kinds"] = {
        atlas.kinds[c]: atlas.kind_names.get(atlas.kinds[c], {}) for c in mentioned if c in atlas.kinds
    }
    collection["day"] = day.isoformat()
    collection["membershipRule"] = MEMBERSHIP_RULE
    collection["attribution"] = atlas.attribution
    collection["features"] = features
    return collection


def members_of(atlas: Atlas, cooperation: str) -> list[str]:
    """The places that were ever members of ``cooperation``, by code."""
    return [place.uri for place, _ in atlas.memberships_of.get(cooperation, [])]


def of_kind(atlas: Atlas, kind: str, day: dt.date) -> list[str]:
    """Every place of ``kind`` (``municipality`` or ``region``) by code; of regions, those living on ``day``."""
    places = sorted(atlas.places.values(), key=lambda p: (p.code or "~", p.uri))
    return [p.uri for p in places if p.kind == kind and (kind != "region" or atlas.lives_on(p.uri, day))]


def to_bytes(document: dict[str, Any]) -> bytes:
    """Compact JSON (the geometries are large), UTF-8."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
