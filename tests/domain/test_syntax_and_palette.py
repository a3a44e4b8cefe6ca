"""A syntax error in words; a palette whose colours differ without hue too."""

from __future__ import annotations

import itertools

import pyoxigraph as ox
import pytest

from plankg.domain.geo import PALETTE, PATTERNS, lightness, pattern
from plankg.domain.syntax import explain


def parser_message(query: str) -> str:
    try:
        ox.Store().query(query)
    except SyntaxError as error:
        return f"SPARQL syntax error: {error}"
    raise AssertionError("the query parsed")


@pytest.mark.parametrize(
    ("query", "line"),
    [
        ("SELECT * WHERE { ?s ?p }", 1),
        ("SELECT * WHERE {\n  ?s ?p ?o\n  FILTER(?o = ) }", 3),
        ("SELECT ?x WHERE { ?s <http://a> ?x } ORDER BY", 1),
    ],
)
def test_the_engines_message_becomes_line_column_and_words(query: str, line: int) -> None:
    message = parser_message(query)
    problem = explain(message, query)
    assert problem.line == line and f"at line {line}, column {problem.column}" in problem.message
    assert message.split("error at ")[1].startswith(f"{problem.line}:{problem.column}:")
    assert "\\u{" not in problem.message and "[_]" not in problem.message  # no character ranges
    assert len(problem.message) < 300


def test_the_guards_offsets_become_lines_too() -> None:
    query = 'SELECT * WHERE {\n ?s ?p "abc }'
    problem = explain("SPARQL syntax error: a string starting at offset 24 does not end", query)
    assert (problem.line, problem.column) == (2, 8) and "starting here does not end" in problem.message


def test_an_unrelated_message_is_left_as_it_is() -> None:
    assert explain("SERVICE is not allowed", "SELECT").message == "SERVICE is not allowed"


def test_colours_close_in_lightness_differ_in_pattern() -> None:
    by_lightness = sorted(range(len(PALETTE)), key=lambda i: lightness(PALETTE[i]))
    for a, b in itertools.pairwise(by_lightness):
        assert pattern(a) != pattern(b)
    for a, b in itertools.combinations(range(len(PALETTE)), 2):
        if pattern(a) == pattern(b):
            assert abs(lightness(PALETTE[a]) - lightness(PALETTE[b])) >= 5
    assert {pattern(i) for i in range(len(PALETTE))} == set(PATTERNS)
    assert round(lightness("#ffffff")) == 100 and round(lightness("#000000")) == 0
