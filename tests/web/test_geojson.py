"""GeoJSON from the graph: negotiated like any document, valid RFC 7946, and true to the graph."""

from __future__ import annotations

import json
from typing import Any

import geojson
import pyoxigraph as ox
import shapely.geometry
import shapely.wkt

from ..support import select

BASE = "https://w3id.org/plankg/"
GEO = "application/geo+json"


def municipalities_in_graph(store: ox.Store) -> dict[str, dict[str, str]]:
    rows = select(
        store,
        """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dct: <http://purl.org/dc/terms/> PREFIX geo: <http://www.opengis.net/ont/geosparql#>
        PREFIX plankg: <https://w3id.org/plankg/def/core/>
        SELECT DISTINCT ?m ?code ?name ?wkt WHERE {
          ?m a plankg:Municipality ; org:identifier ?code ; skos:prefLabel ?name FILTER(LANG(?name) = "da")
          ?m dct:spatial/geo:hasGeometry/geo:asWKT ?wkt }""",
    )
    return {r["m"]: r for r in rows}


def memberships_in_graph(store: ox.Store) -> set[tuple[str, str, str, str, tuple[str, ...]]]:
    """(member, cooperation or area, from, to, days seen) per membership, and per municipality inside an area."""
    rows = select(
        store,
        """PREFIX org: <http://www.w3.org/ns/org#> PREFIX time: <http://www.w3.org/2006/time#>
        PREFIX dct: <http://purl.org/dc/terms/> PREFIX geo: <http://www.opengis.net/ont/geosparql#>
        PREFIX plankg: <https://w3id.org/plankg/def/core/>
        SELECT ?member ?c ?from ?to (GROUP_CONCAT(DISTINCT STR(?seen)) AS ?days) WHERE {
          { ?c a org:OrganizationalCollaboration . ?ms org:organization ?c ; org:member ?member .
            ?member a plankg:Municipality .
            OPTIONAL { ?ms org:memberDuring/time:hasBeginning ?b . ?b ?bp ?from
                       FILTER(STRSTARTS(STR(?bp), "http://www.w3.org/2006/time#inXSD")) }
            OPTIONAL { ?ms org:memberDuring/time:hasEnd ?e . ?e ?ep ?to
                       FILTER(STRSTARTS(STR(?ep), "http://www.w3.org/2006/time#inXSD")) }
            OPTIONAL { ?ms org:memberDuring/time:inside ?n . ?n ?np ?seen
                       FILTER(STRSTARTS(STR(?np), "http://www.w3.org/2006/time#inXSD")) } }
          UNION
          { ?c a plankg:PlanningArea . ?member dct:spatial/geo:sfWithin ?c .
            OPTIONAL { ?c plankg:lifetime/time:hasBeginning ?b . ?b ?bp ?from
                       FILTER(STRSTARTS(STR(?bp), "http://www.w3.org/2006/time#inXSD")) } }
        } GROUP BY ?member ?c ?from ?to""",
    )
    return {
        (r["member"], r["c"], r.get("from", ""), r.get("to", ""), tuple(sorted(r.get("days", "").split())))
        for r in rows
    }


def valid(document: dict[str, Any]) -> None:
    """RFC 7946 structure, checked by the geojson package (closed rings, positions, member types)."""
    parsed = geojson.loads(json.dumps(document))
    assert parsed.is_valid, parsed.errors()
    features = document["features"] if document["type"] == "FeatureCollection" else [document]
    for feature in features:
        lon_min, lat_min, lon_max, lat_max = shapely.geometry.shape(feature["geometry"]).bounds
        assert 7 < lon_min < lon_max < 16 and 54 < lat_min < lat_max < 58  # WGS 84 lon/lat order: Denmark


def test_all_municipalities_as_a_feature_collection_true_to_the_graph(client, store) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/id/kommune", headers={"Accept": GEO}, follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == GEO
    document = response.get_json(force=True)
    valid(document)
    expected = municipalities_in_graph(store)
    assert len(document["features"]) == len(expected) == 98
    for feature in document["features"]:
        row = expected[feature["id"]]
        assert feature["properties"]["uri"] == feature["id"]
        assert (feature["properties"]["code"], feature["properties"]["name"]) == (row["code"], row["name"])
        # The GeoJSON geometry is the graph's: the same shape as the WKT literal of the territory.
        assert shapely.geometry.shape(feature["geometry"]).equals(shapely.wkt.loads(row["wkt"]))
        assert feature["properties"]["page"] == "/doc/" + feature["id"].removeprefix(BASE + "id/")
    from_features = {
        (f["id"], m["cooperation"], m.get("from", ""), m.get("to", ""), tuple(m.get("seen", [])))
        for f in document["features"]
        for m in f["properties"]["memberships"]
    }
    assert from_features == memberships_in_graph(store)
    # each membership carries its state on the day asked about, by the rule of members-on-date
    from plankg.domain.evidence import Evidence, state_on

    day = document["day"]
    for feature in document["features"]:
        for m in feature["properties"]["memberships"]:
            state, documented = state_on(Evidence(m.get("from", ""), m.get("to", ""), m.get("seen", [])), day)
            assert (m["state"], m.get("lastDocumented", "")) == (state, documented)
    labels = select(
        store,
        """SELECT DISTINCT ?c ?label { VALUES ?class { <http://www.w3.org/ns/org#OrganizationalCollaboration>
        <https://w3id.org/plankg/def/core/PlanningArea> } ?c a ?class ;
        <http://www.w3.org/2004/02/skos/core#prefLabel> ?label FILTER(LANG(?label) = "da") }""",
    )
    cooperations = {c["uri"]: c["names"]["da"] for c in document["cooperations"]}
    assert cooperations == {row["c"]: row["label"] for row in labels} and len(cooperations) == 20
    assert len({c["colour"] for c in document["cooperations"]}) == len(cooperations)  # one colour each
    assert document["attribution"] and all(a["citation"] for a in document["attribution"])


def test_a_municipality_is_a_feature_with_its_neighbours(client, store) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/doc/kommune/0621.geojson")
    assert response.status_code == 200 and response.mimetype == GEO
    feature = response.get_json(force=True)
    valid(feature)
    assert feature["type"] == "Feature" and feature["id"] == BASE + "id/kommune/0621"
    neighbours = select(
        store,
        """PREFIX dct: <http://purl.org/dc/terms/> PREFIX geo: <http://www.opengis.net/ont/geosparql#>
        SELECT DISTINCT ?n WHERE { <https://w3id.org/plankg/id/kommune/0621> dct:spatial/geo:sfTouches ?t .
        ?n a <https://w3id.org/plankg/def/core/Municipality> ; dct:spatial ?t }""",
    )
    assert {n["uri"] for n in feature["properties"]["neighbours"]} == {r["n"] for r in neighbours}
    for neighbour in feature["properties"]["neighbours"]:  # each neighbour's own Feature is on the server
        assert client.get(neighbour["geojson"]).get_json(force=True)["id"] == neighbour["uri"]


def test_a_cooperation_is_its_members_territories(client, store) -> None:  # type: ignore[no-untyped-def]
    iri = BASE + "id/samarbejde/trekantomraadet"
    document = client.get("/doc/samarbejde/trekantomraadet", headers={"Accept": GEO}).get_json(force=True)
    valid(document)
    members = {m for m, c, *_ in memberships_in_graph(store) if c == iri}
    assert document["id"] == iri
    assert {f["id"] for f in document["features"]} == members and len(members) == 7


def test_geojson_is_offered_where_there_is_geometry_and_refused_elsewhere(client) -> None:  # type: ignore[no-untyped-def]
    place = client.get("/doc/kommune/0621")
    assert '</doc/kommune/0621.geojson>; rel="alternate"; type="application/geo+json"' in place.headers["Link"]
    assert b'type="application/geo+json" href="/doc/kommune/0621.geojson"' in place.data
    regions = client.get("/doc/region.geojson").get_json(force=True)
    assert len(regions["features"]) == 5
    for path in ("/doc/kilde/plan09-2009-12-02.geojson", "/doc/samarbejde.geojson"):
        refused = client.get(path)
        assert refused.status_code == 406
        assert "offered:" in refused.get_data(as_text=True) and "text/turtle" in refused.get_data(as_text=True)
    assert client.get("/doc/samarbejde/trekantomraadet/bestyrelse", headers={"Accept": GEO}).status_code == 406


def test_a_cooperation_has_one_colour_on_maps_and_pages(client) -> None:  # type: ignore[no-untyped-def]
    """The stylesheet's colour classes are the map's palette, and a page's swatch is the map's colour."""
    import re

    from plankg.domain.geo import PALETTE

    response = client.get("/static/plankg.css")
    css = response.get_data(as_text=True)
    response.close()
    classes = dict(re.findall(r"\.farve-(\d+) \{ background: (#[0-9a-f]{6}); \}", css))
    assert [classes[str(i)] for i in range(len(PALETTE))] == list(PALETTE)
    colours = {c["uri"]: c["colour"] for c in client.get("/doc/kommune.geojson").get_json()["cooperations"]}
    page = client.get("/doc/kommune/0621?lang=da").get_data(as_text=True)
    for index, uri in re.findall(r'<span class="swatch farve-(\d+)"></span> <a href="/doc/samarbejde/([^"?]+)', page):
        assert PALETTE[int(index)] == colours[f"{BASE}id/samarbejde/{uri}"]
    assert 'style="' not in page  # the pages' content security policy allows no inline style
