"""Dereferenceable URIs: 303 from /id/ to /doc/, negotiated documents with their sources."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

KOLDING = "https://w3id.org/plankg/id/kommune/0621"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TREKANT = "https://w3id.org/plankg/id/samarbejde/trekantomraadet"
RDF_EXTENSIONS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "nq": "application/n-quads",
}


def test_an_id_uri_answers_303_to_its_document(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/id/kommune/0621", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/kommune/0621")


def parse(response) -> set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]]:  # type: ignore[no-untyped-def]
    fmt = ox.RdfFormat.from_media_type(response.mimetype)
    return {(q.subject, q.predicate, q.object) for q in ox.parse(response.data, format=fmt)}


@pytest.mark.parametrize("extension", list(RDF_EXTENSIONS))
def test_the_document_in_every_format_by_extension_accept_and_format(client, extension: str) -> None:  # type: ignore[no-untyped-def]
    media = RDF_EXTENSIONS[extension]
    by_extension = client.get(f"/doc/kommune/0621.{extension}", headers={"Accept": "text/html"})
    by_accept = client.get("/doc/kommune/0621", headers={"Accept": media})
    assert by_extension.mimetype == by_accept.mimetype == media
    assert by_accept.headers["Content-Location"] == f"/doc/kommune/0621.{extension}"
    assert by_accept.headers["Vary"] == "Accept"
    triples = parse(by_extension)
    assert triples == parse(by_accept)
    code = ox.NamedNode("http://www.w3.org/ns/org#identifier")
    assert (
        ox.NamedNode(KOLDING),
        code,
        ox.Literal("0621", datatype=ox.NamedNode("https://w3id.org/plankg/def/core/MunicipalityCode")),
    ) in triples


def test_links_name_every_other_variant(client) -> None:  # type: ignore[no-untyped-def]
    links = client.get("/doc/kommune/0621.ttl").headers["Link"]
    for extension in ("html", "jsonld", "rdf", "nt", "trig", "nq"):
        assert f'</doc/kommune/0621.{extension}>; rel="alternate"' in links
    assert "0621.ttl>" not in links


def test_html_is_the_default_and_escapes_literals(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/doc/kommune/0621")
    assert response.mimetype == "text/html"
    assert b"Kolding" in response.data and b'rel="alternate"' in response.data


def test_the_document_holds_sub_resources_incoming_links_and_labels(client) -> None:  # type: ignore[no-untyped-def]
    triples = parse(client.get("/doc/kommune/0621.nt"))
    subjects = {s.value for s, _, _ in triples}  # type: ignore[union-attr]
    assert {KOLDING + "/omraade", KOLDING + "/omraade/geometri", KOLDING + "/post/borgmester"} <= subjects
    has_member = ox.NamedNode("http://www.w3.org/ns/org#hasMember")
    assert (ox.NamedNode(TREKANT), has_member, ox.NamedNode(KOLDING)) in triples  # its cooperation
    board = ox.NamedNode(TREKANT + "/bestyrelse")
    assert (board, has_member, ox.NamedNode(KOLDING + "/post/borgmester")) in triples  # its board seat
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert (ox.NamedNode(TREKANT), label, ox.Literal("Trekantområdet", language="da")) in triples


def test_each_fact_keeps_its_source_graph_in_trig(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/doc/samarbejde/trekantomraadet.trig")
    quads = list(ox.parse(response.data, format=ox.RdfFormat.TRIG))
    graphs = {
        q.graph_name.value
        for q in quads
        if q.predicate.value == "http://www.w3.org/ns/org#hasMember"  # type: ignore[union-attr]
        and q.object.value == KOLDING
    }  # type: ignore[union-attr]
    assert graphs == {
        "https://w3id.org/plankg/graph/kilde/plan09-2009-12-02",
        "https://w3id.org/plankg/graph/kilde/trekantomraadet-om",
    }


def test_vocabulary_terms_answer_too(client) -> None:  # type: ignore[no-untyped-def]
    triples = parse(client.get("/def/core/Municipality", headers={"Accept": "text/turtle"}))
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    municipality = ox.NamedNode("https://w3id.org/plankg/def/core/Municipality")
    assert (municipality, label, ox.Literal("Kommune", language="da")) in triples


def test_unknown_uris_get_404_for_people_and_machines(client) -> None:  # type: ignore[no-untyped-def]
    machine = client.get("/doc/kommune/9999", headers={"Accept": "text/turtle"})
    assert machine.status_code == 404 and machine.mimetype == "text/plain"
    person = client.get("/doc/kommune/9999")
    assert person.status_code == 404 and person.mimetype == "text/html"
    assert "Ikke fundet" in person.get_data(as_text=True)
    english = client.get("/doc/kommune/9999?lang=en")
    assert english.status_code == 404 and "Not found" in english.get_data(as_text=True)
    assert "https://w3id.org/plankg/id/kommune/9999" in english.get_data(as_text=True)


def test_406_lists_the_formats_and_head_has_no_body(client) -> None:  # type: ignore[no-untyped-def]
    refused = client.get("/doc/kommune/0621", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and b"text/turtle" in refused.data
    head = client.head("/doc/kommune/0621.ttl")
    assert head.status_code == 200 and head.data == b"" and int(head.headers["Content-Length"]) > 0


def test_etag_and_conditional_get(client) -> None:  # type: ignore[no-untyped-def]
    etag = client.get("/doc/kommune/0621.ttl").headers["ETag"]
    assert client.get("/doc/kommune/0621.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/doc/kommune/0621.nt").headers["ETag"] != etag


def test_the_dataset_description_is_negotiated(client, project_loaded) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/data/plankg", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle"
    triples = parse(response)
    dataset = ox.NamedNode("https://w3id.org/plankg/data/plankg")
    void_triples = ox.NamedNode("http://rdfs.org/ns/void#triples")
    counts = [o for s, p, o in triples if s == dataset and p == void_triples]
    union = {(q.subject, q.predicate, q.object) for q in project_loaded.quads}
    assert counts == [ox.Literal(str(len(union)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))]
    assert client.get("/data/plankg").mimetype == "text/html"


@pytest.mark.parametrize("extension", ["trig", "nq", "ttl", "nt", "jsonld"])
def test_the_dumps_hold_the_data(client, project_loaded, extension: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/data/plankg.{extension}")
    assert response.status_code == 200
    fmt = ox.RdfFormat.from_media_type(response.mimetype)
    parsed = list(ox.parse(response.data, format=fmt))
    ground = {
        (q.subject, q.predicate, q.object)
        for q in parsed
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }
    expected = {
        (q.subject, q.predicate, q.object)
        for q in project_loaded.quads
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }
    assert ground == expected
    response.close()


def test_the_jsonld_context_is_served(client) -> None:  # type: ignore[no-untyped-def]
    context = client.get("/data/context.jsonld").get_json()
    assert context["@context"]["org"] == "http://www.w3.org/ns/org#"


def csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    import csv
    import io

    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))


def test_the_collections_list_their_members(client) -> None:  # type: ignore[no-untyped-def]
    import csv

    from plankg.tables import project

    with (project.data_dir() / "registry" / "regions.csv").open(encoding="utf-8") as handle:
        regions = sum(1 for _ in handle) - 1  # current and former ones alike
    with (project.data_dir() / "samarbejder" / "samarbejder.csv").open(encoding="utf-8") as handle:
        # the article's two, and every organisation of the table (the Finger Plan area is no organisation)
        cooperations = 2 + sum(1 for row in csv.DictReader(handle) if row["art"] != "planlaegningsomraade")
    for slug, expected in (("kommune", 98), ("region", regions), ("samarbejde", cooperations)):
        assert client.get(f"/id/{slug}").status_code == 303
        triples = parse(client.get(f"/doc/{slug}.nt"))
        members = {o for _, p, o in triples if p == ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#member")}
        assert len(members) == expected, slug


def test_the_municipality_table_as_csv(client) -> None:  # type: ignore[no-untyped-def]
    import csv

    from plankg.tables import project

    rows = csv_rows(client.get("/doc/kommune", headers={"Accept": "text/csv"}))
    with (project.data_dir() / "registry" / "municipalities.csv").open(encoding="utf-8") as handle:
        registry = {r["kode"]: (r["navn"], r["regionskode"], r["dagi_id"]) for r in csv.DictReader(handle)}
    assert {r["kode"]: (r["navn"], r["regionskode"], r["dagi_id"]) for r in rows} == registry


def test_a_cooperations_members_with_dates_as_csv(client) -> None:  # type: ignore[no-untyped-def]
    rows = csv_rows(client.get("/doc/samarbejde/trekantomraadet.csv"))
    by_name = {r["kommune"]: r for r in rows}
    assert by_name["Haderslev"]["fra"] == "2016-01" and by_name["Billund"]["paa_dato"] == "2009-12-02"
    assert len(by_name) == 7
    assert client.get("/doc/kommune/0621.csv").status_code == 406


def test_well_known_void_and_last_modified(client) -> None:  # type: ignore[no-untyped-def]
    found = client.get("/.well-known/void")
    assert found.status_code == 303 and found.headers["Location"].endswith("/data/plankg")
    document = client.get("/doc/kommune/0621.ttl")
    assert document.last_modified is not None


def test_gzipped_dumps_sitemap_and_favicon(client) -> None:  # type: ignore[no-untyped-def]
    import gzip
    import xml.etree.ElementTree as ET

    plain = client.get("/data/plankg.nq")
    packed = client.get("/data/plankg.nq.gz")
    assert packed.mimetype == "application/gzip" and gzip.decompress(packed.data) == plain.data
    plain.close()
    packed.close()
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)
    locations = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    # absolute URLs from the configured base (here the canonical one), never the Host header
    root = "https://w3id.org/plankg"
    assert f"{root}/doc/kommune/0621" in locations and len(locations) >= 1 + 3 + 98 + 5 + 2
    assert {f"{root}/", f"{root}/kort"} <= set(locations)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    icon.close()


def test_the_jsonld_document_expands_with_pyld(client) -> None:  # type: ignore[no-untyped-def]
    import json

    from pyld import jsonld

    document = json.loads(client.get("/doc/kommune/0621.jsonld").data)
    expanded = jsonld.expand(document)  # no remote context: nothing is fetched
    ids = {node.get("@id") for graph in expanded for node in graph.get("@graph", [graph])}
    assert KOLDING in ids


def test_hostile_literals_are_shown_as_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from plankg.web.app import create_app

    from ..support import TEST_DATA

    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    data = tmp_path / "hostile.ttl"
    text = (TEST_DATA / "valid" / "minimal.ttl").read_text("utf-8")
    data.write_text(
        text.replace('skos:prefLabel "Aby"@da', f'skos:prefLabel "{hostile.replace(chr(34), chr(92) + chr(34))}"@da'),
        "utf-8",
    )
    app = create_app({"cache_dir": tmp_path / "cache", "data": [data]})
    try:
        client = app.test_client()
        for path in ("/doc/kommune/9901", "/doc/kommune", "/doc/samarbejde/test"):
            page = client.get(path).data.decode("utf-8")
            assert "<script>alert" not in page and "<img src=x" not in page, path
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    finally:
        app.extensions["plankg"].pool.close()


@pytest.mark.parametrize(
    "path",
    [
        "kommune/0621",
        "region/1083",
        "samarbejde/vestegnssamarbejdet",
        "samarbejde/vestegnssamarbejdet/forum/trafik",
        "samarbejde/trekantomraadet/medlemskab/0510",
        "samarbejde/trekantomraadet/bestyrelse/medlemskab/0621",
        "kilde/plan09-2009-12-02",
        "organisation/plan09",
        "undersoegelse/plan09-rundspoerge",
        "kommune/0621/post/borgmester",
    ],
)
def test_every_kind_of_resource_dereferences(client, path: str) -> None:  # type: ignore[no-untyped-def]
    found = client.get(f"/id/{path}", headers={"Accept": "application/n-triples"})
    assert found.status_code == 303
    document = client.get(found.headers["Location"], headers={"Accept": "application/n-triples"})
    subjects = {s.value for s, _, _ in parse(document)}  # type: ignore[union-attr]
    assert f"https://w3id.org/plankg/id/{path}" in subjects


@pytest.mark.parametrize("path", ["/def/tema/erhverv", "/def/rolle/borgmester", "/def/core/theme"])
def test_vocabulary_and_code_list_terms_dereference(client, path: str) -> None:  # type: ignore[no-untyped-def]
    triples = parse(client.get(path, headers={"Accept": "text/turtle"}))
    assert {s.value for s, _, _ in triples} >= {"https://w3id.org/plankg" + path}  # type: ignore[union-attr]


def test_a_path_that_makes_no_iri_is_a_404_not_a_server_error(client) -> None:  # type: ignore[no-untyped-def]
    # Found by schemathesis: an escape character and '<' in the path cannot form an IRI.
    for path in ("/doc/%3F%C3%95%1B%3C", "/def/%3F%1B%3C"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 404 and "plankg holds nothing" in response.get_data(as_text=True)


def test_every_404_is_the_same_page_for_people_and_text_for_machines(client) -> None:  # type: ignore[no-untyped-def]
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for path in ("/foo/bar", "/data/plankg.xyz", "/doc/kommune/9999"):
        person = client.get(path + "?lang=da", headers=browser)  # (a chosen language is remembered)
        assert person.status_code == 404 and person.mimetype == "text/html", path
        assert "Ikke fundet" in person.get_data(as_text=True) and "<nav" in person.get_data(as_text=True)
        english = client.get(path + "?lang=en", headers=browser)
        assert "Not found" in english.get_data(as_text=True)
        machine = client.get(path, headers={"Accept": "application/json"})
        assert machine.status_code == 404 and machine.get_json()["status"] == 404, path


def test_the_union_is_counted_when_the_store_is_made_not_when_a_worker_starts(app, client, project_loaded) -> None:  # type: ignore[no-untyped-def]
    prepared = app.extensions["plankg"].prepared
    union = {(q.subject, q.predicate, q.object) for q in project_loaded.quads}
    assert prepared.union_triples == len(union)  # read from the store's folder, written by create_store
    description = parse(client.get("/sparql", headers={"Accept": "text/turtle"}))
    counts = [o.value for s, p, o in description if p == ox.NamedNode("http://rdfs.org/ns/void#triples")]
    assert counts == [str(len(union))]


def path_of(iri: str) -> str:
    return "/doc/" + iri.split("/id/", 1)[1]


def test_incoming_links_are_paged_as_triples_each_with_all_its_graphs(client, project_loaded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The resource linked by the most triples of which some are stated in two graphs: its links come a page
    of triples at a time, in order, each triple on one page with every graph that states it, and all of
    them over the pages (counted from the loaded quads)."""
    from plankg.domain import resources

    quads: dict[str, set[ox.Quad]] = {}
    for quad in project_loaded.quads:
        linked = isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith("https://w3id.org/plankg/id/")
        if linked and not quad.subject.value.startswith(quad.object.value):  # type: ignore[union-attr]  # not a part
            quads.setdefault(quad.object.value, set()).add(quad)  # type: ignore[union-attr]
    twice = [iri for iri, found in quads.items() if len(found) > len({q.triple for q in found})]
    target = max(twice, key=lambda iri: (len({q.triple for q in quads[iri]}), iri))
    node, expected = ox.NamedNode(target), quads[target]
    size = max(2, len({q.triple for q in expected}) // 3)
    monkeypatch.setattr(resources, "PAGE_SIZE", size)
    path = "/doc/" + target.split("/id/", 1)[1]
    seen: list[set[ox.Quad]] = []
    for page in range(100):
        response = client.get(f"{path}.nq?page={page}")
        found = set(ox.parse(response.data, format=ox.RdfFormat.N_QUADS))
        seen.append({q for q in found if q.object == node and not q.subject.value.startswith(target)})  # type: ignore[union-attr]
        assert (f'<{path}?page={page - 1}>; rel="prev"' in response.headers["Link"]) == (page > 0)
        if 'rel="next"' not in response.headers["Link"]:
            break
    assert client.get(f"{path}.nq?page={page + 1}").status_code == 404  # past the last page of links
    pages = [sorted({(str(q.subject), q.predicate.value) for q in linking}) for linking in seen if linking]
    assert len(pages) >= 3 and all(len(linking) <= size for linking in pages)
    assert all(pages[k][-1] < pages[k + 1][0] for k in range(len(pages) - 1))  # in order, none on two pages
    assert set().union(*seen) == expected


def test_a_members_memberships_are_paged_with_its_links(app, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A municipality's table of memberships shows those among its page's incoming links: over the pages,
    each of its memberships once, and on each page just the memberships the page's document links; the key
    fact says how many cooperations there are in all."""
    import re
    from html import unescape

    from plankg.domain import resources
    from plankg.domain.membership_lookup import memberships_of
    from plankg.web import pages

    served = app.extensions["plankg"].store
    places = [iri for iri, place in app.extensions["plankg"].atlas.places.items() if place.kind == "municipality"]
    iri = max(places, key=lambda place: (len(memberships_of(served, member=place)), place))
    expected = sorted(row["navn"] for row in memberships_of(served, member=iri))
    links = resources.describe(served, iri).incoming_total  # type: ignore[union-attr]
    assert len(expected) >= 2 and links >= 6
    size = links // 3  # three pages or four
    whole = client.get(path_of(iri) + "?lang=en", headers={"Accept": "text/html"}).data.decode()
    listed = re.search(r'<dd data-fact="cooperations"><ul class="inline">(.*?)</ul>', whole, re.S)
    cooperations = len(re.findall("<li", listed.group(1))) if listed else 0
    assert cooperations >= len(expected)  # every cooperation on one page (planning areas too)
    for module in (resources, pages):
        monkeypatch.setattr(module, "PAGE_SIZE", size)
    member = ox.NamedNode("http://www.w3.org/ns/org#member")
    path = path_of(iri)
    shown: list[str] = []
    for page in range((links - 1) // size + 1):
        html = client.get(f"{path}?page={page}&lang=en", headers={"Accept": "text/html"}).data.decode()
        table = re.search(r'<table class="memberships">(.*?)</table>', html, re.S)
        row = r'<tr data-state="[^"]*"><td>.*?<a [^>]*>([^<]*)</a>'
        rows = [unescape(name) for name in re.findall(row, table.group(1) if table else "")]
        linked = {
            s for s, p, o in parse(client.get(f"{path}.nt?page={page}")) if p == member and o == ox.NamedNode(iri)
        }
        assert len(rows) == len(linked), page  # the table holds the memberships this page links, no other
        assert rows == sorted(rows)
        shown += rows
        last = min(links, (page + 1) * size)
        assert f"Incoming links {page * size + 1}–{last} of {links}." in html
        if rows:
            assert f"The memberships among incoming links {page * size + 1}–{last} of {links}" in html
        assert ('rel="prev"' in html) == (page > 0) and ('rel="next"' in html) == (last < links)
        assert f"Cooperations ({cooperations} in all; here those among this page&#39;s links)" in html
    assert sorted(shown) == expected


def test_a_collection_pages_through_its_members(client, store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Five to a page (the project's few cooperations span pages): every member once, next and prev links."""
    from plankg.domain import containers, resources
    from plankg.web import pages

    for module in (resources, containers, pages):
        monkeypatch.setattr(module, "PAGE_SIZE", 5)
    member = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#member")
    kind = ox.NamedNode("http://www.w3.org/ns/org#OrganizationalCollaboration")
    everyone = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), kind, None)}
    assert len(everyone) > 10
    seen: list[ox.NamedNode] = []
    page = 0
    while True:
        response = client.get(f"/doc/samarbejde.nt?page={page}")
        members = [o for _, p, o in parse(response) if p == member]
        assert 1 <= len(members) <= 5
        seen += members
        links = response.headers.get("Link", "")
        assert ('rel="prev"' in links) == (page > 0)
        if 'rel="next"' not in links:
            break
        assert f"?page={page + 1}>" in links
        page += 1
    assert len(seen) == len(set(seen)) and set(seen) == everyone and page == (len(everyone) - 1) // 5
    html = client.get("/doc/samarbejde?page=1&lang=en").data.decode()
    assert f"Members 6–10 of {len(everyone)}." in html
    assert 'rel="prev" href="?page=0&amp;lang=en"' in html and 'rel="next" href="?page=2&amp;lang=en"' in html
    assert client.get(f"/doc/samarbejde.nt?page={page + 1}").status_code == 404  # past the last page
    # the groups by kind list this page's cooperations, with today's members
    assert html.count('<li><span class="swatch farve-') == 5
