"""One result writer whatever the size: small answers and answers past the counting threshold agree.

Before, answers over a size threshold were written by plankg's own Python writer, which dropped
RDF 1.2 text direction and mangled triple terms. Now the engine writes every answer; rows are only
counted when the answer might exceed the result limit. A corpus of tricky terms is asked for in
every results format, once in one row and once repeated past the threshold, and parsed back.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

CORPUS = [
    '"plain"',
    '"with \\"quotes\\" and \\\\ backslash"',
    '"line\\nbreak\\ttab"',
    '"dansk æøå ÆØÅ"@da',
    '"english"@en-GB',
    '"42"^^<http://www.w3.org/2001/XMLSchema#integer>',
    '"<tag> & amp"',
    "<http://example.org/a#b>",
    '"emoji \U0001f600"',
]
FORMATS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}


def ask(client, query: str, media_type: str) -> bytes:  # type: ignore[no-untyped-def]
    response = client.post(
        "/sparql", data=query, content_type="application/sparql-query", headers={"Accept": media_type}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return bytes(response.get_data())


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_small_and_large_answers_carry_the_same_terms(client, fmt: str) -> None:  # type: ignore[no-untyped-def]
    media_type, parse_format = FORMATS[fmt]
    values = " ".join(CORPUS)
    small = ask(client, f"SELECT ?t WHERE {{ VALUES ?t {{ {values} }} }}", media_type)
    # 99 copies (under the test server's limit of 1000 rows) write far more than 1000 times the smallest row
    large = ask(
        client,
        f"SELECT ?t ?n WHERE {{ VALUES ?t {{ {values} }} VALUES ?n {{ {' '.join(map(str, range(99)))} }} }}",
        media_type,
    )
    small_terms = [row["t"] for row in ox.parse_query_results(small, format=parse_format)]
    large_rows = list(ox.parse_query_results(large, format=parse_format))
    assert len(large_rows) == len(CORPUS) * 99
    assert sorted(map(str, small_terms)) == sorted(map(str, {row["t"] for row in large_rows}))
    expected = [row["t"] for row in ox.Store().query(f"SELECT ?t {{ VALUES ?t {{ {values} }} }}")]  # type: ignore[union-attr]
    assert sorted(map(str, small_terms)) == sorted(map(str, expected))


def test_past_the_limit_nothing_is_sent(client) -> None:  # type: ignore[no-untyped-def]
    numbers = " ".join(map(str, range(40)))
    query = f"SELECT ?n ?m {{ VALUES ?n {{ {numbers} }} VALUES ?m {{ {numbers} }} }}"
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 422


@pytest.mark.parametrize(
    "media_type",
    ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
@pytest.mark.parametrize(("rows", "status"), [(1000, 200), (1001, 422)])
def test_the_limit_is_counted_from_the_written_answer_in_every_format(client, media_type, rows, status) -> None:  # type: ignore[no-untyped-def]
    """Counted once, from the bytes the engine wrote: CSV's quoted line breaks and empty rows included."""
    numbers = " ".join(map(str, range(rows)))
    query = (
        f'SELECT ?n ?t {{ VALUES ?n {{ {numbers} }} BIND(IF(?n = 7, ?nothing, "two\\nlines, one \\"cell\\"") AS ?t) }}'
    )
    response = client.post(
        "/sparql", data=query, content_type="application/sparql-query", headers={"Accept": media_type}
    )
    assert response.status_code == status
    if status == 200:
        assert response.headers["X-Result-Count"] == str(rows)
