"""Content negotiation is a pure function: a table of real-world Accept headers."""

from __future__ import annotations

import pytest

from plankg.tables.negotiate import NotAcceptable, choose_format

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
SPARQLWRAPPER_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"
SPARQLWRAPPER_XML = "application/sparql-results+xml"
CURL = "*/*"
RDFLIB = "application/rdf+xml, text/rdf+n3;q=0.9, application/xhtml+xml;q=0.5, */*;q=0.1"
JENA = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.7, "
    "text/csv;q=0.5, application/json;q=0.2, application/xml;q=0.2, */*;q=0.1"
)
COMUNICA = "application/sparql-results+json;q=1.0,application/sparql-results+xml;q=0.7,text/turtle;q=0.6,*/*;q=0.1"


@pytest.mark.parametrize(
    ("accept", "family", "expected"),
    [
        (None, "results", "json"),
        ("", "graph", "turtle"),
        (CURL, "results", "json"),
        (CURL, "graph", "turtle"),
        (FIREFOX, "page", "html"),
        (CHROME, "page", "html"),
        (FIREFOX, "results", "xml"),  # application/xml;q=0.9 beats */*;q=0.8
        (SPARQLWRAPPER_JSON, "results", "json"),
        (SPARQLWRAPPER_XML, "results", "xml"),
        ("text/csv", "results", "csv"),
        ("text/tab-separated-values", "results", "tsv"),
        (JENA, "results", "json"),
        (COMUNICA, "results", "json"),
        (COMUNICA, "graph", "turtle"),
        (RDFLIB, "graph", "rdfxml"),
        ("application/ld+json", "graph", "jsonld"),
        ("application/json", "graph", "jsonld"),
        ("text/plain", "graph", "ntriples"),
        ("application/n-triples", "graph", "ntriples"),
        ("text/turtle;q=0.5, application/rdf+xml", "graph", "rdfxml"),
        ("application/trig", "graph", "trig"),
        ("application/n-quads", "dataset", "nquads"),
        ("TEXT/TURTLE", "graph", "turtle"),
        ("text/*", "graph", "turtle"),
        ("text/turtle;charset=utf-8", "graph", "turtle"),
        ("application/xml", "results", "xml"),
    ],
)
def test_accept_headers(accept: str | None, family: str, expected: str) -> None:
    assert choose_format(None, None, accept, family).name == expected


def test_precedence_is_extension_then_format_then_accept() -> None:
    assert choose_format("nt", "turtle", "application/ld+json", "graph").name == "ntriples"
    assert choose_format(None, "turtle", "application/ld+json", "graph").name == "turtle"
    assert choose_format(None, "text/turtle", None, "graph").name == "turtle"


@pytest.mark.parametrize(
    ("extension", "fmt", "accept"),
    [(None, None, "image/png"), (None, "pdf", None), ("docx", None, None), (None, None, "text/html;q=0")],
)
def test_nothing_acceptable_lists_what_is_offered(extension: str | None, fmt: str | None, accept: str | None) -> None:
    with pytest.raises(NotAcceptable) as error:
        choose_format(extension, fmt, accept, "results")
    assert "application/sparql-results+json" in str(error.value) and "text/csv" in str(error.value)


def test_a_zero_quality_excludes_a_format() -> None:
    assert choose_format(None, None, "application/sparql-results+json;q=0, */*", "results").name == "xml"


@pytest.mark.parametrize(
    ("lang", "accept_language", "expected"),
    [
        (None, None, "da"),
        (None, "en-GB,en;q=0.9,da;q=0.5", "en"),
        (None, "da-DK,da;q=0.9,en;q=0.8", "da"),
        (None, "sv-SE,sv;q=0.9", "da"),
        ("en", "da", "en"),
        ("fr", "en", "en"),
        (None, "*", "da"),
    ],
)
def test_the_page_language(lang: str | None, accept_language: str | None, expected: str) -> None:
    from plankg.tables.negotiate import choose_language

    assert choose_language(lang, accept_language) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),
        ("application/json", True),
        ("application/sparql-results+json, */*;q=0.1", True),
        ("text/plain, application/json;q=0.5", False),
        ("text/html,application/xhtml+xml,*/*;q=0.8", False),
    ],
)
def test_errors_are_json_when_the_client_prefers_it(accept: str | None, expected: bool) -> None:
    from plankg.tables.negotiate import prefers_json

    assert prefers_json(accept) is expected


def test_a_format_sent_to_a_query_process_is_the_table_s_own_object() -> None:
    """Query processes get formats as objects of the one table, never as strings to parse again."""
    import pickle

    from plankg.tables.formats import FAMILIES

    for offered in FAMILIES.values():
        for fmt in offered:
            assert pickle.loads(pickle.dumps(fmt)) is fmt
