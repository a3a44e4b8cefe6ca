"""What plankg checks in a query before any engine sees it.

A small SPARQL lexer (SPARQL 1.1 Query §19) finds the query form, the dataset clauses, and the
keywords plankg refuses: ``SERVICE`` (pyoxigraph would make the outbound request, DESIGN §5),
``LOAD`` and every update operation (the endpoint is read-only), and ``FROM``/``FROM NAMED`` of
graphs the server does not hold. Codepoint escapes (``\\u0053ERVICE``) are undone first, as the
grammar requires (§19.2), so they cannot hide a keyword. Groups, expressions and lists nested
deeper than :data:`MAX_NESTING` are refused: the engine's parser and evaluator recurse, and a few
thousand levels exhaust a process's stack (measured: 5,000 nested parentheses crash it). Syntax
errors are left to the engine's parser, which reports them with their position.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from urllib.parse import urljoin

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d][\w.\-]*)?:[\w.:%\\\-]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
MAX_NESTING = 128
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING")


class Refused(Exception):
    """A query plankg will not run; the message says why."""


@dataclass(frozen=True)
class Inspection:
    """What the lexer found in a query."""

    form: str
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        """True when the query names its own dataset (FROM / FROM NAMED)."""
        return bool(self.from_graphs or self.from_named)


def unescape(text: str) -> str:
    """Undo ``\\uXXXX`` and ``\\UXXXXXXXX`` codepoint escapes (SPARQL 1.1 Query §19.2)."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(f"invalid codepoint escape {match.group(0)}")
        return chr(code)

    return _ESCAPE.sub(replace, text)


def tokens(text: str) -> list[tuple[str, str]]:
    """The query's tokens as (kind, text), without space and comments."""
    return [
        (m.lastgroup or "other", m.group(0)) for m in _TOKEN.finditer(text) if m.lastgroup not in ("space", "comment")
    ]


def inspect_query(text: str, held_graphs: Container[str]) -> Inspection:
    """Check a query before execution; raise :class:`Refused` for what plankg does not run."""
    found = tokens(unescape(text))
    words = [(i, value.upper()) for i, (kind, value) in enumerate(found) if kind == "word"]
    for _, word in words:
        if word == "SERVICE":
            raise Refused("SERVICE is not allowed: this endpoint makes no outbound requests (no federated queries)")
        if word in UPDATE_KEYWORDS:
            raise Refused(f"{word}: this endpoint is read-only; SPARQL Update is not accepted")
    depth = deepest = 0
    for kind, value in found:
        if kind == "other" and value in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and value in "})]":
            depth -= 1
    if deepest > MAX_NESTING:
        raise Refused(
            f"the query nests groups, expressions or lists {deepest} levels deep; plankg accepts at most {MAX_NESTING}"
        )
    form = next((word for _, word in words if word in FORMS), None)
    if form is None:
        raise Refused("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    prefixes, base = _prologue(found)
    default: list[str] = []
    named: list[str] = []
    for index, word in words:
        if word != "FROM":
            continue
        target = index + 1
        is_named = target < len(found) and found[target][0] == "word" and found[target][1].upper() == "NAMED"
        graph = _resolve(found[target + is_named] if target + is_named < len(found) else ("", ""), prefixes, base)
        if graph is None:
            continue  # a syntax error: the engine's parser will say where
        if graph not in held_graphs:
            raise Refused(
                f"FROM{' NAMED' if is_named else ''} <{graph}>: this endpoint holds no such graph "
                "and never fetches graphs from elsewhere"
            )
        (named if is_named else default).append(graph)
    return Inspection(form, default, named)


def _prologue(found: list[tuple[str, str]]) -> tuple[dict[str, str], str]:
    prefixes: dict[str, str] = {}
    base = ""
    for index, (kind, value) in enumerate(found[:-1]):
        upper = value.upper() if kind == "word" else ""
        if upper == "BASE" and found[index + 1][0] == "iri":
            base = urljoin(base, found[index + 1][1][1:-1])
        elif upper == "PREFIX" and index + 2 < len(found) and found[index + 2][0] == "iri":
            prefixes[found[index + 1][1].rstrip(":")] = urljoin(base, found[index + 2][1][1:-1])
    return prefixes, base


def _resolve(token: tuple[str, str], prefixes: dict[str, str], base: str) -> str | None:
    kind, value = token
    if kind == "iri":
        return urljoin(base, value[1:-1])
    if kind == "pname":
        prefix, _, local = value.rstrip(".").partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None
