"""SPARQL 1.1 Query Results in JSON, XML, CSV and TSV, written by plankg.

plankg writes SELECT/ASK results itself so that rows are counted against the result limit before
anything is sent. No rdflib here: query worker processes import this module.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        result: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            result["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
            result["datatype"] = term.datatype.value
        return result
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def write_solutions(variables: list[str], rows: Sequence[Row], fmt: str) -> bytes:
    """SELECT results in ``fmt`` (json, xml, csv, tsv)."""
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode(
            "utf-8"
        )
    if fmt == "xml":
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
            "<head>",
            *(f"<variable name={quoteattr(v)}/>" for v in variables),
            "</head><results>",
        ]
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            ]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(
                [
                    ""
                    if t is None
                    else f"_:{t.value}"
                    if isinstance(t, ox.BlankNode)
                    else t.value
                    if isinstance(t, (ox.NamedNode, ox.Literal))
                    else str(t)
                    for t in row
                ]
            )
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown result format {fmt}")


def write_boolean(value: bool, fmt: str) -> bytes:
    """ASK results in ``fmt`` (json, xml, csv, tsv)."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    if fmt in ("csv", "tsv"):
        return f"{'_askResult' if fmt == 'csv' else '?_askResult'}\n{'true' if value else 'false'}\n".encode()
    raise ValueError(f"unknown result format {fmt}")
