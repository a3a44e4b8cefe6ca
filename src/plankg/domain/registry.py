"""The registry layer: the 98 municipalities and the regions in time, generated from the copied tables.

``plankg import registry`` turns ``data/registry/*.csv`` and ``kommuner.geojson`` into
``data/registry/registry.trig``. Each source's facts go to a named graph of their own
(``/graph/register/{slug}``, DESIGN §3); geometric relations are computed with shapely.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import shapely
from rdflib import URIRef
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from plankg.domain import translations as translation
from plankg.domain.csvfiles import DataError, read_table
from plankg.domain.namespaces import (
    CV,
    DCT,
    GEO,
    ORG,
    PLANKG,
    RDF,
    RDFS,
    ROLLE,
    SCHEMA,
    SKOS,
    municipality,
    region,
    translation_graph,
)
from plankg.domain.rdf import GraphWriter, text, to_trig, typed
from plankg.domain.region_lifetimes import Lifetime, check_one_region_a_day, read_lifetime, write_lifetime
from plankg.domain.registry_sources import (
    BOUNDARIES,
    FIXED_SOURCES,
    POST_RULE,
    RegistrySource,
    describe_source,
    read_sources,
)
from plankg.domain.territories import geometry_literals, touching_pairs

DAWA_BASE = "https://api.dataforsyningen.dk"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

#: Official names that do not follow "<name> Kommune" (DESIGN §3).
OFFICIAL_NAMES = {"0101": "Københavns Kommune", "0400": "Bornholms Regionskommune"}

#: The posts every municipality has, as (slug, role, Danish label, English label).
POSTS = (
    ("borgmester", ROLLE.borgmester, "Borgmester", "Mayor"),
    ("kommunaldirektoer", ROLLE.kommunaldirektoer, "Kommunaldirektør", "Municipal director"),
)


TRANSLATIONS = translation_graph("register")
_CODE = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class Unit:
    """One row of the municipality or region table."""

    code: str
    name: str
    dagi_id: str
    wikidata: str
    label_point: tuple[float, float] | None
    region_code: str | None = None
    nuts2: str | None = None
    dawa_source: str = ""  # slug of the registry snapshot the code, name and DAGI id come from
    wikidata_source: str = ""  # slug of the source of the Wikidata item
    wikidata_check: str = ""  # slug of the check that confirmed it, if any
    slug: str = ""  # a region's URI key where it had no published code when it was first described
    lifetime: Lifetime | None = None  # a region's
    valid: tuple[str, str] = ("", "")  # a registry record's validity (DAGI VirkningFra/-Til), as given

    @property
    def key(self) -> str:
        """The key of the unit's URI: its slug if it has one (the URI never changes), else its code."""
        return self.slug or self.code


def read_municipalities(path: Path) -> list[Unit]:
    """The municipality table, checked row by row."""
    columns = ("kode", "navn", "regionskode", "wikidata", "dagi_id", "visueltcenter_lon", "visueltcenter_lat")
    units = []
    for number, row in enumerate(read_table(path, columns), start=2):
        _check_row(path, number, row)
        point = (float(row["visueltcenter_lon"]), float(row["visueltcenter_lat"]))
        units.append(
            Unit(row["kode"], row["navn"], row["dagi_id"], row["wikidata"], point, row["regionskode"], **_sources(row))
        )
    return units


def _sources(row: dict[str, str]) -> dict[str, Any]:
    return {
        "dawa_source": row.get("dawa_kilde") or "",
        "wikidata_source": row.get("wikidata_kilde") or "",
        "wikidata_check": row.get("wikidata_bekraeftet") or "",
    }


def read_regions(path: Path, sources: dict[str, RegistrySource]) -> list[Unit]:
    """The region table with the regions' lifetimes, checked row by row."""
    units = []
    kinds = {slug: s.kind for slug, s in sources.items()}
    columns = ("kode", "navn", "nuts2", "wikidata", "dagi_id", "fra", "fra_kilde")
    for number, row in enumerate(read_table(path, columns), start=2):
        slug = (row.get("slug") or "").strip()
        if slug and not re.match(r"^[a-z0-9-]+$", slug):
            raise DataError(f"row {number}: slug {slug!r} is not a lower-case ASCII slug", path)
        _check_row(path, number, row, code_optional=bool(slug))
        units.append(
            Unit(
                row["kode"],
                row["navn"],
                row["dagi_id"],
                row["wikidata"],
                None,
                nuts2=row["nuts2"],
                slug=slug,
                lifetime=read_lifetime(path, number, row, kinds),
                valid=(row.get("gyldig_fra") or "", row.get("gyldig_til") or ""),
                **_sources(row),
            )
        )
    return units


def _check_row(path: Path, number: int, row: dict[str, str], code_optional: bool = False) -> None:
    if not _CODE.match(row["kode"] or "") and not (code_optional and not row["kode"]):
        raise DataError(f"row {number}: code {row['kode']!r} is not 4 digits", path)
    if not row["navn"]:
        raise DataError(f"row {number}: empty name", path)
    if not re.match(r"^Q[0-9]+$", row["wikidata"] or ""):
        raise DataError(f"row {number}: Wikidata id {row['wikidata']!r} is not a QID", path)


def read_boundaries(path: Path) -> dict[str, BaseGeometry]:
    """Municipality code → boundary geometry, from the GeoJSON file."""
    try:
        collection = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read: {error}", path) from error
    geometries = {}
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            raise DataError(f"invalid geometry for {feature['properties']['kode']}", path)
        geometries[feature["properties"]["kode"]] = geometry
    return geometries


def build_registry(folder: Path) -> list[ox.Quad]:
    """All registry quads, generated from the tables in ``folder``."""
    municipalities = read_municipalities(folder / "municipalities.csv")
    snapshots = read_sources(folder / "sources.csv")
    regions = read_regions(folder / "regions.csv", snapshots)
    boundaries = read_boundaries(folder / "kommuner.geojson")
    english = {row["kode"]: row["navn_en"] for row in read_table(folder / "translations.csv", ("kode", "navn_en"))}
    _check_consistency(folder, municipalities, regions, boundaries)
    _check_sources(folder, snapshots, municipalities, regions)
    homes = region_homes(municipalities, regions)
    lifetimes = {r.key: r.lifetime for r in regions if r.lifetime}
    check_one_region_a_day(folder / "regions.csv", lifetimes, homes)

    sources = {**snapshots, **{s.slug: s for s in FIXED_SOURCES}}
    writers = {s.slug: GraphWriter(s.graph) for s in sources.values()}
    for registry_source in sources.values():
        describe_source(writers[registry_source.slug], registry_source)
    translations = GraphWriter(TRANSLATIONS)
    originals = {r.code: region(r.key) for r in regions if r.code}
    for unit in regions:
        english_name = english.get(unit.key) or english.get(unit.code)
        _add_region(writers, sources, translations, unit, english_name)
        if unit.lifetime:
            names = (unit.name, english_name or unit.name)
            write_lifetime(writers, lambda slug: sources[slug].uri, region(unit.key), unit.lifetime, originals, names)
    for unit in municipalities:
        _add_municipality(writers, sources, unit)
    _add_geometry(writers[BOUNDARIES.slug], municipalities, regions, boundaries, homes)
    translation.describe(translations, "registrenes navne", "the registries' names")
    return [q for w in (*writers.values(), translations) for q in w.quads]


def region_homes(municipalities: list[Unit], regions: list[Unit]) -> dict[str, list[str]]:
    """Municipality code → the regions (by URI key) that hold it: its own, and every region succeeding that."""
    successors: dict[str, list[str]] = {}
    for r in regions:
        for code in r.lifetime.predecessors if r.lifetime else ():
            successors.setdefault(code, []).append(r.key)
    homes = {}
    for m in municipalities:
        chain, todo = [], [str(m.region_code)]
        while todo:
            key = todo.pop()
            chain.append(key)
            todo += successors.get(key, [])
        homes[m.code] = chain
    return homes


def _check_consistency(
    folder: Path, municipalities: list[Unit], regions: list[Unit], boundaries: dict[str, BaseGeometry]
) -> None:
    region_codes = {r.code for r in regions if r.code}
    for r in regions:
        for code in r.lifetime.predecessors if r.lifetime else ():
            if code not in region_codes:
                raise DataError(f"{r.key}: unknown predecessor region {code} (forgaengere)", folder / "regions.csv")
    keys = [r.key for r in regions]
    if len(set(keys)) != len(keys) or len(region_codes) != sum(1 for r in regions if r.code):
        raise DataError("duplicate region codes or slugs", folder / "regions.csv")
    codes = [m.code for m in municipalities]
    if len(set(codes)) != len(codes):
        raise DataError("duplicate municipality codes", folder / "municipalities.csv")
    for unit in municipalities:
        if unit.region_code not in region_codes:
            raise DataError(f"{unit.code}: unknown region {unit.region_code}", folder / "municipalities.csv")
    if set(codes) != set(boundaries):
        difference = sorted(set(codes) ^ set(boundaries))
        raise DataError(f"codes without a boundary or a row: {difference}", folder / "kommuner.geojson")


def _check_sources(
    folder: Path, sources: dict[str, RegistrySource], municipalities: list[Unit], regions: list[Unit]
) -> None:
    """Every row names a listed source of the right kind for each of its links."""
    for table, units in (("municipalities.csv", municipalities), ("regions.csv", regions)):
        for unit in units:
            for column, slug, kinds in (
                ("dawa_kilde", unit.dawa_source, ("dawa", "law") if table == "regions.csv" else ("dawa",)),
                ("wikidata_kilde", unit.wikidata_source, ("wikidata", "wikidata-check")),
                ("wikidata_bekraeftet", unit.wikidata_check, ("wikidata-check",)),
            ):
                if column == "wikidata_bekraeftet" and not slug:
                    continue
                if slug not in sources or sources[slug].kind not in kinds:
                    raise DataError(
                        f"{unit.code}: {column} {slug!r} is not a source of kind {' or '.join(kinds)} in sources.csv",
                        folder / table,
                    )


def _add_organisation(w: GraphWriter, uri: URIRef, cls: URIRef, unit: Unit, datatype: URIRef, by: URIRef) -> None:
    """The triples a municipality and a region share (DESIGN §3, first rows); ``by`` is their source."""
    for klass in (cls, CV.PublicOrganisation, ORG.FormalOrganization):
        w.add(uri, RDF.type, klass)
    if unit.code:  # a region formed before its code is published has none (and no DAGI id)
        w.add(uri, ORG.identifier, typed(unit.code, datatype))
    if unit.dagi_id:
        w.add(uri, DCT.identifier, typed(unit.dagi_id, PLANKG.DagiId))
    for prop, value in zip((SCHEMA.validFrom, SCHEMA.validThrough), unit.valid, strict=True):
        if value:
            w.add(uri, prop, text(value))
    w.add(uri, DCT.source, by)
    w.add(uri, DCT.spatial, URIRef(f"{uri}/omraade"))
    territory = URIRef(f"{uri}/omraade")
    w.add(territory, RDF.type, GEO.Feature)
    w.add(territory, DCT.source, by)


def _add_links(writers: dict[str, GraphWriter], sources: dict[str, RegistrySource], uri: URIRef, unit: Unit) -> None:
    """The Wikidata link in its source's graph, and again in the graph of the check that confirmed it."""
    item = URIRef(WIKIDATA_ENTITY + unit.wikidata)
    writers[unit.wikidata_source].add(uri, SCHEMA.sameAs, item)
    if unit.wikidata_check:
        writers[unit.wikidata_check].add(uri, SCHEMA.sameAs, item)
        writers[unit.wikidata_check].add(uri, DCT.source, sources[unit.wikidata_check].uri)


def _add_region(
    writers: dict[str, GraphWriter],
    sources: dict[str, RegistrySource],
    translations: GraphWriter,
    unit: Unit,
    english: str | None,
) -> None:
    uri = region(unit.key)
    w = writers[unit.dawa_source]
    _add_organisation(w, uri, PLANKG.Region, unit, PLANKG.RegionCode, sources[unit.dawa_source].uri)
    w.label(uri, unit.name)
    if unit.nuts2:
        w.add(uri, DCT.identifier, typed(unit.nuts2, PLANKG.NutsCode))
    if unit.code and sources[unit.dawa_source].kind == "dawa":
        w.add(uri, RDFS.seeAlso, URIRef(f"{DAWA_BASE}/regioner/{unit.code}"))
    w.label(URIRef(f"{uri}/omraade"), f"{unit.name}s område", f"Territory of {english or unit.name}")
    if english:
        translations.add(uri, SKOS.prefLabel, text(english, "en"))
    _add_links(writers, sources, uri, unit)


def _add_municipality(writers: dict[str, GraphWriter], sources: dict[str, RegistrySource], unit: Unit) -> None:
    uri = municipality(unit.code)
    w = writers[unit.dawa_source]
    _add_organisation(w, uri, PLANKG.Municipality, unit, PLANKG.MunicipalityCode, sources[unit.dawa_source].uri)
    w.label(uri, unit.name, unit.name)
    official = OFFICIAL_NAMES.get(unit.code, f"{unit.name} Kommune")
    w.add(uri, SKOS.altLabel, text(official, "da"))
    w.add(uri, RDFS.seeAlso, URIRef(f"{DAWA_BASE}/kommuner/{unit.code}"))
    territory = URIRef(f"{uri}/omraade")
    w.label(territory, f"{official}s område", f"Territory of {unit.name}")
    if unit.label_point:
        point = URIRef(f"{territory}/etiketpunkt")
        w.add(territory, PLANKG.labelPoint, point)
        w.add(point, RDF.type, GEO.Geometry)
        w.label(point, f"Etiketpunkt for {unit.name}", f"Label point of {unit.name}")
        w.add(point, GEO.asWKT, typed(f"POINT({unit.label_point[0]} {unit.label_point[1]})", GEO.wktLiteral))
    _add_links(writers, sources, uri, unit)
    _add_posts(writers[POST_RULE.slug], uri, unit.name, official)


def _add_posts(w: GraphWriter, uri: URIRef, name: str, official: str) -> None:
    for slug, role, label_da, label_en in POSTS:
        post = URIRef(f"{uri}/post/{slug}")
        w.add(uri, ORG.hasPost, post)
        w.add(post, RDF.type, ORG.Post)
        w.add(post, ORG.postIn, uri)
        w.add(post, ORG.role, role)
        w.add(post, DCT.source, POST_RULE.uri)
        w.label(post, f"{label_da}, {official}", f"{label_en} of {name}")


def _add_geometry(
    w: GraphWriter,
    municipalities: list[Unit],
    regions: list[Unit],
    boundaries: dict[str, BaseGeometry],
    homes: dict[str, list[str]],
) -> None:
    """Territories: a region's is the union of the municipalities it holds.

    Each municipality's territory lies within every region territory that covers it.
    """
    names = {u.key: u.name for u in (*municipalities, *regions)}
    region_shapes = {
        r.key: shapely.unary_union([boundaries[m.code] for m in municipalities if r.key in homes[m.code]])
        for r in regions
    }
    for key, geometry in region_shapes.items():
        _add_feature_geometry(w, region(key), names[key], geometry)
    for unit in municipalities:
        uri = municipality(unit.code)
        _add_feature_geometry(w, uri, unit.name, boundaries[unit.code])
        within = sorted(k for k, g in region_shapes.items() if g.covers(boundaries[unit.code]))
        if within != sorted(homes[unit.code]):
            raise DataError(f"{unit.code} {unit.name} lies within regions {within}, the tables say {homes[unit.code]}")
        for key in within:
            w.add(URIRef(f"{uri}/omraade"), GEO.sfWithin, URIRef(f"{region(key)}/omraade"))
    for a, b in touching_pairs({m.code: boundaries[m.code] for m in municipalities}):
        w.add(URIRef(f"{municipality(a)}/omraade"), GEO.sfTouches, URIRef(f"{municipality(b)}/omraade"))
        w.add(URIRef(f"{municipality(b)}/omraade"), GEO.sfTouches, URIRef(f"{municipality(a)}/omraade"))


def _add_feature_geometry(w: GraphWriter, uri: URIRef, name: str, geometry: BaseGeometry) -> None:
    territory = URIRef(f"{uri}/omraade")
    node = URIRef(f"{territory}/geometri")
    w.add(territory, GEO.hasGeometry, node)
    w.add(territory, DCT.source, BOUNDARIES.uri)
    w.add(node, RDF.type, GEO.Geometry)
    w.label(node, f"Geometri for {name}", f"Geometry of {name}")
    wkt, geojson = geometry_literals(geometry)
    w.add(node, GEO.asWKT, typed(wkt, GEO.wktLiteral))
    w.add(node, GEO.asGeoJSON, typed(geojson, GEO.geoJSONLiteral))
    w.add(node, DCT.source, BOUNDARIES.uri)


def registry_file(folder: Path) -> Path:
    """Where the generated registry graph is written."""
    return folder / "registry.trig"


def write_registry(folder: Path) -> Path:
    """Regenerate ``registry.trig`` from the tables in ``folder``; return its path."""
    target = registry_file(folder)
    target.write_bytes(to_trig(build_registry(folder)))
    return target
