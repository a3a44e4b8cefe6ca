"""Named-query results for people (a plain table) and in the SPARQL result formats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

import pyoxigraph as ox

from plankg.domain.sparql_results import Row, Term, write_boolean, write_solutions
from plankg.tables.queries import NamedQuery, run_query
from plankg.tables.vocab import PREFIXES


def write_results(store: ox.Store, query: NamedQuery, values: dict[str, str], fmt: str, out: BinaryIO) -> None:
    """Run a named query and write its results to ``out`` in ``fmt`` (``table`` or a SPARQL format)."""
    results = run_query(store, query, values)
    if isinstance(results, ox.QueryTriples):
        out.write(ox.serialize(results, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")
        return
    if isinstance(results, ox.QueryBoolean):
        out.write(f"{bool(results)}\n".encode() if fmt == "table" else write_boolean(bool(results), fmt))
        return
    variables = [v.value for v in results.variables]
    rows = [[solution[v] for v in variables] for solution in results]
    out.write(
        render_table(variables, rows).encode("utf-8") if fmt == "table" else write_solutions(variables, rows, fmt)
    )


def compact(term: Term | None) -> str:
    """A term as people read it: prefixed names, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value if not term.language else f"{term.value} @{term.language}"
    return str(term)


def render_table(variables: list[str], rows: Sequence[Row]) -> str:
    """A fixed-width text table (values longer than 70 characters are shortened)."""
    cells = [[_cut(compact(t)) for t in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(variables)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(variables, widths, strict=True)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cut(text: str) -> str:
    return text if len(text) <= 70 else text[:67] + "..."
