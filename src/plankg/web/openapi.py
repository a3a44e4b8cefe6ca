"""The OpenAPI 3.1 description of plankg's HTTP interface, served at ``/-/openapi.json``.

It documents every route, parameter and header a client may send, every status plankg answers
with, and the one form errors take (``{"status", "error", "message"}`` as JSON when the client
prefers JSON, the same in plain text otherwise). The property-based tests (schemathesis) fuzz the
live server against it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from plankg import __version__

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}
TEXT = {"schema": {"type": "string"}}
ANY_BODY: dict[str, Any] = {"*/*": {"schema": {}}}
LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"}, "description": "da or en"}
ACCEPT = {
    "name": "Accept",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The wanted media types (RFC 9110 §12.5.1)",
}
FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "A format name, extension or media type; overrides Accept",
}
PATH = {"name": "path", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[^/?#]+(/[^/?#]+)*$"}}


def _errors(*statuses: int) -> dict[str, Any]:
    """The documented error answers: JSON (when preferred) or plain text, one shape."""
    titles = {
        400: "Bad request, malformed or refused query",
        403: "SPARQL Update: the endpoint is read-only",
        404: "Nothing known about this URI",
        405: "Method not allowed",
        406: "No offered format is acceptable; the message lists the offer",
        413: "Request larger than the limit",
        415: "Unsupported media type",
        422: "Result or memory over the limit",
        429: "Rate limit exceeded (only when rate limiting is configured)",
        503: "Time limit, overload or store down; see Retry-After",
    }
    return {
        str(status): {
            "description": titles[status],
            "content": {"application/json": {"schema": ERROR}, "text/plain": TEXT, "text/html": TEXT},
        }
        for status in statuses
    }


def _get(summary: str, parameters: list[dict[str, Any]], ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {**ok, **_errors(*errors, 429)},
        }
    }


def _ok(description: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"200": {"description": description, "content": content or ANY_BODY}}


STRINGS = {"type": "array", "items": {"type": "string"}}
JSON_ANY: dict[str, Any] = {"application/json": {"schema": {}}}
NOT_MODIFIED = {"304": {"description": "Not modified (conditional GET)"}}


def document() -> dict[str, Any]:
    """The OpenAPI document."""
    sparql_parameters = [
        {"name": "query", "in": "query", "required": False, "schema": {"type": "string"}},
        {
            "name": "default-graph-uri",
            "in": "query",
            "required": False,
            "schema": {"type": "array", "items": {"type": "string"}},
        },
        {
            "name": "named-graph-uri",
            "in": "query",
            "required": False,
            "schema": {"type": "array", "items": {"type": "string"}},
        },
        FORMAT,
        ACCEPT,
    ]
    sparql_ok = {
        "200": {"description": "Query results, or the service description without a query", "content": ANY_BODY},
        **NOT_MODIFIED,
    }
    sparql_errors = _errors(400, 403, 406, 413, 415, 422, 429, 503)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "plankg",
            "version": __version__,
            "description": "Linked open data on Danish inter-municipal cooperation on the planning strategy: "
            "a read-only SPARQL 1.1 endpoint, dereferenceable URIs, GeoJSON, pages and dumps.",
            "license": {"name": "MIT (software); data CC BY 4.0, quotations excepted"},
        },
        "paths": {
            "/sparql": {
                "get": {
                    "summary": "SPARQL 1.1 Protocol query (or the service description / query page)",
                    "parameters": sparql_parameters,
                    "responses": {**sparql_ok, **sparql_errors},
                },
                "post": {
                    "summary": "SPARQL 1.1 Protocol query by POST",
                    "parameters": [FORMAT, ACCEPT],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "query": {"type": "string"},
                                        "default-graph-uri": {"type": "string"},
                                        "named-graph-uri": {"type": "string"},
                                    },
                                }
                            },
                            "application/sparql-query": {"schema": {"type": "string"}},
                        },
                    },
                    "responses": {"200": sparql_ok["200"], **sparql_errors},
                },
            },
            "/id/{path}": {
                "get": {
                    "summary": "A thing's URI: 303 See Other to its document",
                    "parameters": [PATH],
                    "responses": {
                        "303": {"description": "See Other: the document about the thing"},
                        **_errors(404, 429),  # 404: a path no route takes (a control character, say)
                    },
                }
            },
            "/doc/{path}": _get(
                "The document about /id/{path}, negotiated (HTML, RDF formats, GeoJSON, CSV)",
                [
                    PATH,
                    FORMAT,
                    LANG,
                    ACCEPT,
                    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer"}},
                ],
                {**_ok("The document"), **NOT_MODIFIED},
                400,
                404,
                406,
            ),
            "/def/{path}": _get(
                "A vocabulary, code-list or shapes term",
                [PATH, FORMAT, LANG, ACCEPT],
                {**_ok("The term's document"), **NOT_MODIFIED},
                400,
                404,
                406,
            ),
            "/": _get("The front page", [LANG], _ok("HTML", {"text/html": TEXT})),
            "/kort": _get(
                "The map of cooperations",
                [LANG, {"name": "dato", "in": "query", "required": False, "schema": {"type": "string"}}],
                _ok("HTML", {"text/html": TEXT}),
            ),
            "/data/plankg": _get(
                "The dataset description (DCAT-AP, VoID), negotiated", [FORMAT, LANG, ACCEPT], _ok("Description"), 406
            ),
            "/data/plankg.{extension}": _get(
                "A dump of the whole dataset (trig, nq, ttl, jsonld; also .gz)",
                [{"name": "extension", "in": "path", "required": True, "schema": {"type": "string"}}],
                _ok("The dump"),
                404,
            ),
            "/data/context.jsonld": _get("The JSON-LD context", [], _ok("JSON-LD context")),
            "/.well-known/void": _get("Redirect to the dataset description", [], _ok("Description"), 406),
            "/sitemap.xml": _get("Every document", [], _ok("Sitemap", {"application/xml": TEXT})),
            "/favicon.ico": _get("The site icon", [], _ok("Icon")),
            "/-/health": _get("200 while the server can answer", [], _ok("Health", JSON_ANY)),
            "/-/version": _get(
                "Software and data versions, load and reload times, the last reload error",
                [],
                _ok("Versions", {"application/json": {"schema": {"$ref": "#/components/schemas/Version"}}}),
            ),
            "/-/config": _get("The effective configuration", [], _ok("Settings", JSON_ANY)),
            "/-/metrics": _get("Prometheus metrics", [], _ok("Metrics", {"text/plain": TEXT})),
            "/-/openapi.json": _get("This description", [], _ok("OpenAPI", JSON_ANY)),
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["status", "error", "message"],
                    "properties": {
                        "status": {"type": "integer"},
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
                "Version": {
                    "type": "object",
                    "required": ["software_version", "data_version", "built_at", "loaded_at", "last_reload_error"],
                    "properties": {
                        "software_version": {"type": "string"},
                        "data_version": {"type": "string"},
                        "built_at": {"type": "string"},
                        "loaded_at": {"type": "string"},
                        "quads": {"type": "integer"},
                        "last_reload_at": {"type": ["string", "null"]},
                        "last_reload_error": {"type": ["string", "null"]},
                    },
                },
            }
        },
    }


@bp.get("/-/openapi.json")
def openapi() -> Response:
    """The OpenAPI description of this server."""
    return jsonify(document())
