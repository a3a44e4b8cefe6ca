"""Resource pages for people, through the real app: labels for every term, values merged across graphs
with their sources, errors as pages in the visitor's language."""

from __future__ import annotations

import re
from html import unescape

import pyoxigraph as ox
import pytest

from plankg.web.facts import vocabulary_labels
from plankg.web.messages import TEXT

from ..support import select

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_every_property_and_type_in_the_data_has_a_label_in_both_languages(store) -> None:  # type: ignore[no-untyped-def]
    terms = {row["t"] for row in select(store, "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s ?t ?o } }")}
    terms |= {row["t"] for row in select(store, "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s a ?t } }")}
    labelled = select(
        store,
        "SELECT DISTINCT ?t (LANG(?l) AS ?lang) "
        "WHERE { GRAPH ?g { ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l } }",
    )
    own = {(row["t"], row["lang"]) for row in labelled}
    shipped = vocabulary_labels()
    missing = [
        (t, lang)
        for t in sorted(terms)
        for lang in ("da", "en")
        if (t, lang) not in own and not shipped.get(t, {}).get(lang)
    ]
    assert missing == []
    assert len(terms) > 80


def _data_view(html: str) -> str:
    return html[html.index('id="data"') :]


def test_a_value_stated_by_several_sources_is_shown_once_with_all_of_them(client, store) -> None:  # type: ignore[no-untyped-def]
    cooperation = "https://w3id.org/plankg/id/samarbejde/trekantomraadet"
    rows = select(
        store,
        f"SELECT ?m (COUNT(DISTINCT ?g) AS ?n) "
        f"WHERE {{ GRAPH ?g {{ <{cooperation}> <http://www.w3.org/ns/org#hasMember> ?m }} }} GROUP BY ?m",
    )
    assert any(int(row["n"]) > 1 for row in rows)  # the case the page must merge
    html = client.get("/doc/samarbejde/trekantomraadet?lang=da", headers={"Accept": "text/html"}).get_data(as_text=True)
    view = _data_view(html)
    block = re.search(r'<dt><a href="/def/[^"]*">har medlem</a>|<dt>har medlem</dt>', view)
    assert block is not None
    members = view[block.end() : view.index("</dd>", block.end())]
    items = re.findall(r"<li>(.*?)</li>", members, re.S)
    assert len(items) == len(rows)
    for row in rows:  # each member once, with as many sources as graphs state it
        path = row["m"].split("/id/")[1]
        item = next(i for i in items if f'href="/doc/{path}?lang=da"' in i)
        assert item.count('href="/doc/kilde/') == int(row["n"])
        titles = [unescape(t) for t in re.findall(r'href="/doc/kilde/[^"]*">([^<]*)</a>', item)]
        assert titles == sorted(titles, key=str.casefold)  # by title, whatever order the store gives the graphs in


def test_a_preferred_label_names_a_term_whatever_order_the_labels_come_in() -> None:
    from plankg.web.facts import Labeller

    term, graph = ox.NamedNode("https://example.org/term"), ox.NamedNode("https://example.org/graph")
    preferred = ox.Quad(
        term, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("B", language="da"), graph
    )
    other = ox.Quad(
        term, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("A", language="da"), graph
    )
    for quads in ([preferred, other], [other, preferred]):
        assert Labeller(quads, "da", None, lambda iri: None).label(term.value) == "B"
        learnt = Labeller([], "da", None, lambda iri: None)
        learnt.learn([term.value], quads)
        assert learnt.label(term.value) == "B"


def test_dates_are_written_as_people_write_them(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/doc/kilde/plan09-2009-12-02?lang=da", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "2. december 2009" in html and ">2009-12-02<" not in html
    english = client.get("/doc/kilde/plan09-2009-12-02?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "2 December 2009" in english


def test_downloads_are_named_by_format(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/doc/samarbejde/trekantomraadet", headers={"Accept": "text/html"}).get_data(as_text=True)
    downloads = html[html.index('<ul class="downloads">') :]
    names = re.findall(r'type="[^"]+">([^<]+)</a>', downloads[: downloads.index("</ul>")])
    assert names == ["Turtle", "JSON-LD", "RDF/XML", "N-Triples", "TriG", "N-Quads", "GeoJSON", "CSV"]


def test_a_unit_and_a_membership_link_up_to_their_cooperation(client) -> None:  # type: ignore[no-untyped-def]
    unit = client.get("/doc/samarbejde/vestegnssamarbejdet/sekretariatsgruppe?lang=en", headers={"Accept": "text/html"})
    crumbs = re.search(r'<nav class="crumbs"[^>]*>(.*?)</nav>', unit.get_data(as_text=True), re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r"<a [^>]*>([^<]+)</a>", crumbs) == ["Home", "Cooperations", "Vestegnssamarbejdet"]
    membership = client.get("/doc/samarbejde/trekantomraadet/medlemskab/0621?lang=da", headers={"Accept": "text/html"})
    html = membership.get_data(as_text=True)
    lead = unescape(re.sub(r"<[^>]+>", "", re.search(r'<p class="lead"[^>]*>(.*?)</p>', html, re.S).group(1)))  # type: ignore[union-attr]
    assert lead.count("Kolding") == 1 and lead.count("Trekantområdet") == 1  # said in two sources, named once
    heading = unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))).strip()  # type: ignore[union-attr]
    assert heading == "Kolding – Trekantområdet"
    assert 'href="/doc/kommune/0621?lang=da"' in html and 'href="/doc/samarbejde/trekantomraadet?lang=da"' in html


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize(
    ("status", "method", "path", "headers"),
    [
        (404, "GET", "/foo/bar", {}),
        (405, "DELETE", "/doc/kommune/0621", {}),
        (406, "GET", "/doc/kommune/0621?format=pdf", {}),
        (414, "GET", "/doc/" + "a" * 40_000, {}),
    ],
)
def test_errors_are_pages_in_the_visitors_language(client, status, method, path, headers, lang) -> None:  # type: ignore[no-untyped-def]
    response = client.open(path, method=method, headers={"Accept": BROWSER, "Accept-Language": lang, **headers})
    assert response.status_code == status and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    heading = TEXT[lang]["errors"][str(status)][0]
    assert f"<h1>{heading}</h1>" in unescape(html) and f'lang="{lang}"' in html
    assert "<main>" in html and 'href="/static/plankg.css?v=' in html
    # a client that does not ask for HTML still gets text (or JSON), as before
    plain = client.open(path, method=method, headers={"Accept": "*/*"})
    if status != 404:  # the one 404 is a page for clients that say nothing (as documents are)
        assert plain.status_code == status and plain.mimetype == "text/plain"
    as_json = client.open(path, method=method, headers={"Accept": "application/json"})
    assert as_json.status_code == status and as_json.get_json()["status"] == status


def test_the_dataset_page_gives_the_dumps_sizes_and_writes_no_file(app, client) -> None:  # type: ignore[no-untyped-def]
    build = app.extensions["plankg"].prepared.build_dir
    written = sorted(p.name for p in build.iterdir())
    html = client.get("/data/plankg?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    for extension in ("trig", "nq", "ttl", "nt", "jsonld"):
        row = re.search(rf'<tr data-dump="{extension}">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
        number, unit = re.search(r"\(([\d.]+) (kB|MB)\)", row).groups()  # type: ignore[union-attr]
        shown = float(number) * (1_000_000 if unit == "MB" else 1000)
        actual = (build / f"plankg.{extension}").stat().st_size
        assert abs(shown - actual) <= 0.06 * actual, (extension, shown, actual)
    assert sorted(p.name for p in build.iterdir()) == written  # a page view writes no dump and no gzip
