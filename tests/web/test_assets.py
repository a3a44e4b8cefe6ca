"""Static files and big documents for a slow phone: compressed for browsers, cached by content; the
SPARQL endpoint's answers to its clients unchanged (no compression, the same Vary)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "src" / "plankg" / "web" / "static"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Accept-Encoding": "gzip"}


def test_pages_name_static_files_by_their_content_and_those_are_kept_a_year(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/sparql", headers={"Accept": BROWSER["Accept"]}).get_data(as_text=True)
    script = re.search(r'src="(/static/vendor/yasgui/yasgui\.min\.js\?v=([0-9a-f]+))"', page)
    assert script is not None
    content = (STATIC / "vendor" / "yasgui" / "yasgui.min.js").read_bytes()
    assert script.group(2) == hashlib.sha256(content).hexdigest()[:12]
    response = client.get(script.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == content and len(response.data) < len(content) / 2
    response.close()
    # an old (or no) version is only kept an hour, and revalidated
    stale = client.get("/static/vendor/yasgui/yasgui.min.js?v=000000000000")
    assert stale.headers["Cache-Control"] == "public, max-age=3600" and stale.headers.get("ETag")
    assert "Content-Encoding" not in stale.headers and stale.data == content  # no gzip asked, none given
    stale.close()


def test_the_geojson_and_pages_are_compressed_for_browsers(client) -> None:  # type: ignore[no-untyped-def]
    plain = client.get("/doc/kommune.geojson")
    packed = client.get("/doc/kommune.geojson", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.data)) == json.loads(plain.data)
    assert len(packed.data) * 3 < len(plain.data)
    again = client.get(
        "/doc/kommune.geojson", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304
    page = client.get("/doc/kommune/0621", headers=BROWSER)
    assert page.headers["Content-Encoding"] == "gzip" and b"Kolding" in gzip.decompress(page.data)


def test_sparql_clients_get_exactly_what_they_got(client) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/plankg/def/core/Region> }"
    for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv"):
        response = client.get(
            "/sparql", query_string={"query": query}, headers={"Accept": accept, "Accept-Encoding": "gzip"}
        )
        assert response.status_code == 200 and response.mimetype == accept
        assert "Content-Encoding" not in response.headers and response.headers["Vary"] == "Accept"
    dump = client.get("/data/plankg.ttl", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in dump.headers  # dumps have their own .gz files
    dump.close()


def test_a_browser_gets_a_results_page_from_a_shared_query_link(client) -> None:  # type: ignore[no-untyped-def]
    query = (
        "SELECT ?r ?name WHERE { ?r a <https://w3id.org/plankg/def/core/Region> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name FILTER(LANG(?name) = 'da') }"
    )
    page = client.get("/sparql", query_string={"query": query, "lang": "en"}, headers={"Accept": BROWSER["Accept"]})
    assert page.mimetype == "text/html" and page.headers["Vary"].startswith("Accept, Accept-Language, Cookie")
    html = page.get_data(as_text=True)
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(answer.data)["results"]["bindings"]
    for row in rows:  # each region's IRI links to its page, with its label as the link text
        iri, name = row["r"]["value"], row["name"]["value"]
        assert f'<a href="/doc/{iri.split("/id/")[1]}" title="{iri}">' in html and name in html
    assert html.count("<tr>") == len(rows) + 1
