"""Writing query results: SPARQL result formats, and a plain table for people."""

from __future__ import annotations

from typing import BinaryIO

import pyoxigraph as ox

from plankg.namespaces import PREFIXES
from plankg.queries import NamedQuery, run_query

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def write_results(store: ox.Store, query: NamedQuery, values: dict[str, str], fmt: str, out: BinaryIO) -> None:
    """Run ``query`` and write its results to ``out`` in ``fmt`` (``table`` or a SPARQL format)."""
    results = run_query(store, query, values)
    if isinstance(results, ox.QueryTriples):
        out.write(ox.serialize(results, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")
        return
    if fmt == "table":
        out.write(render_table(results).encode("utf-8"))
        return
    results.serialize(out, RESULT_FORMATS[fmt])


def compact(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
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


def render_table(results: ox.QuerySolutions | ox.QueryBoolean) -> str:
    """A fixed-width text table (values longer than 70 characters are shortened)."""
    if isinstance(results, ox.QueryBoolean):
        return f"{bool(results)}\n"
    names = [v.value for v in results.variables]
    rows = [[_cut(compact(solution[name])) for name in names] for solution in results]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    lines = [line, "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cut(text: str) -> str:
    return text if len(text) <= 70 else text[:67] + "..."
