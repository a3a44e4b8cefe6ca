"""Errors as exceptions, mapped to HTTP statuses in one place, answered in the negotiated form.

400 bad query or request, 403 update on a read-only endpoint, 406 no acceptable format,
413 request too large, 415 wrong media type, 422 result or memory over the limit, 429 rate limit,
503 time limit, overload or store down (with ``Retry-After``), and the one 404 (a page for browsers).
No stack trace ever reaches a client.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException

from plankg.domain.evaluate import QueryFailed
from plankg.domain.executor import Overloaded, QueryTimeout
from plankg.domain.guard import Refused
from plankg.domain.store import StoreUnavailable
from plankg.domain.syntax import explain
from plankg.tables.formats import HTML, TITLES
from plankg.tables.negotiate import NotAcceptable, choose_format, prefers_json, wants_error_page


class ProtocolError(Exception):
    """A request that breaks the SPARQL 1.1 Protocol; ``status`` says how."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ReadOnly(ProtocolError):
    """An update request: plankg is read-only."""

    def __init__(self) -> None:
        super().__init__(403, "this endpoint is read-only: SPARQL Update requests are refused and change nothing")


RETRY_AFTER = "5"

#: QueryFailed kinds → status, title, outcome (for the access log and metrics).
_FAILURES = {
    "syntax": (400, "Malformed query", "syntax"),
    "refused": (400, "Query refused", "refused"),
    "outbound": (400, "Query refused", "refused"),
    "bad_request": (400, "Bad Request", "refused"),
    "engine": (400, "Query could not be evaluated", "error"),
    "not_xml": (406, "Not Acceptable", "refused"),
    "limit": (422, "Result too large", "too_large"),
    "memory": (422, "Query too large", "memory"),
    "unavailable": (503, "Store unavailable", "error"),
    "incomplete": (503, "Service Unavailable", "error"),
    "crashed": (503, "Service Unavailable", "error"),
}
#: What a 503 says in public: never an exit code, a path or an operating-system error (those go to the log).
_PUBLIC_503 = {
    "unavailable": "the store cannot be read just now; try again shortly",
    "crashed": "the query process stopped while evaluating the query; try again shortly",
    "incomplete": "the store did not answer this query in full (its own limits); try again or narrow the query",
}


def error_response(
    status: int,
    title: str,
    message: str,
    retry_after: str | None = None,
    fields: dict[str, object] | None = None,
    **page: object,
) -> Response:
    """An error as a page for browsers (in their language), in JSON for JSON clients, else plain text."""
    accept = request.headers.get("Accept")
    if wants_error_page(accept):
        response = _error_page(status, message, **page)
    elif prefers_json(accept):
        body = json.dumps({"status": status, "error": title, "message": message, **(fields or {})}, ensure_ascii=False)
        response = Response(body, status=status, content_type="application/json; charset=utf-8")
    else:
        parser = f"\nparser: {fields['parser']}\n" if fields and "parser" in fields else ""
        text = f"{status} {title}\n\n{message}\n{parser}"
        response = Response(text, status=status, content_type="text/plain; charset=utf-8")
    if retry_after:
        response.headers["Retry-After"] = retry_after
    response.headers["Vary"] = "Accept, Accept-Language" if wants_error_page(accept) else "Accept"
    return response


def _error_page(status: int, detail: str, **page: object) -> Response:
    """The site's page for an error: what happened in the visitor's language, the details folded below."""
    from plankg.web.messages import TEXT, messages, ui_language

    lang = ui_language()
    texts: dict[str, list[str]] = messages(lang, "errors")  # type: ignore[assignment]
    heading, explanation = texts.get(str(status)) or texts[str(status // 100 * 100)]
    values = {"iri": None, "allowed": None, "offered": None, **page}
    body = render_template(
        "error.html",
        status=status,
        heading=heading,
        explanation=explanation,
        detail=detail,
        text=TEXT[lang],
        lang=lang,
        **values,
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def _outcome(outcome: str) -> None:
    """Note how a SPARQL request ended, for the access log and the metrics."""
    if request.endpoint == "sparql.endpoint":
        g.plankg_outcome = outcome


class NotHeld(Exception):
    """Nothing here by that name (404): a page for browsers, text or JSON for other clients."""

    def __init__(self, message: str, iri: str | None = None, page: bool | None = None) -> None:
        super().__init__(message)
        self.iri = iri
        self.page = page  # True/False when the view has negotiated already; None: negotiate here


def _protocol(error: ProtocolError) -> Response:
    titles = {400: "Bad Request", 403: "Forbidden", 415: "Unsupported Media Type"}
    _outcome("refused")
    return error_response(error.status, titles.get(error.status, "Error"), str(error))


def _syntax(status: int, title: str, message: str) -> Response:
    """A syntax error in words, with the line and column it points at (also as JSON fields)."""
    problem = explain(message, g.get("plankg_query") or "")
    fields: dict[str, object] = {"parser": message.removeprefix("SPARQL syntax error: ")}
    if problem.line:
        fields.update(line=problem.line, column=problem.column)
    return error_response(status, title, problem.message, fields=fields)


def _refused(error: Refused) -> Response:
    _outcome("refused")
    if str(error).startswith("SPARQL syntax error"):
        return _syntax(400, "Malformed query", str(error))
    return error_response(400, "Query refused", str(error))


def _failed(error: QueryFailed) -> Response:
    status, title, outcome = _FAILURES.get(error.kind, _FAILURES["crashed"])
    _outcome(outcome)
    if status >= 500:
        current_app.logger.error("query failed (%s): %s", error.kind, error)
        return error_response(status, title, _PUBLIC_503.get(error.kind, str(error)), RETRY_AFTER)
    if error.kind == "syntax":
        return _syntax(status, title, str(error))
    return error_response(status, title, str(error))


def _store_down(error: StoreUnavailable) -> Response:
    current_app.logger.error("store unavailable: %s", error)
    _outcome("error")
    return error_response(503, "Store unavailable", _PUBLIC_503["unavailable"], RETRY_AFTER)


def _store_slow(error: TimeoutError) -> Response:
    _outcome("timeout")
    return error_response(503, "Store timeout", "the store did not answer in time; try again shortly", RETRY_AFTER)


def _timeout(error: QueryTimeout) -> Response:
    _outcome("timeout")
    return error_response(503, "Query timeout", str(error), RETRY_AFTER)


def _overloaded(error: Overloaded) -> Response:
    _outcome("overloaded")
    return error_response(503, "Overloaded", f"{error}; try again shortly", RETRY_AFTER)


def _not_acceptable(error: NotAcceptable) -> Response:
    _outcome("refused")
    offered = [(TITLES.get(f.name, f.name), f"?format={f.name}") for f in error.offered]
    response = error_response(406, "Not Acceptable", str(error), offered=offered)
    response.headers["Link"] = ", ".join(
        f'<?format={f.name}>; rel="alternate"; type="{f.media_type}"' for f in error.offered
    )
    return response


def _not_held(error: NotHeld) -> Response:
    """The one 404: the site's page for browsers (and clients that say nothing), else text or JSON."""
    _outcome("refused")
    if not (_wants_page() if error.page is None else error.page):
        return error_response(404, "Not Found", str(error))
    response = _error_page(404, "", iri=error.iri or request.path)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _wants_page() -> bool:
    """As a document would be negotiated: browsers (and clients that say nothing) get the HTML page."""
    try:
        return choose_format(None, request.args.get("format"), request.headers.get("Accept"), "page") is HTML
    except NotAcceptable:
        return False


def _http(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 404:
        return _not_held(NotHeld(error.description or "not found"))
    _outcome("refused" if status < 500 else "error")
    message = error.description or ""
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"the request body is larger than {limit} bytes (PLANKG_MAX_REQUEST_BYTES)"
    allowed = ", ".join(getattr(error, "valid_methods", None) or ())
    response = error_response(status, error.name, message, allowed=allowed or None)
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return response


def _unexpected(error: Exception) -> Response:
    _outcome("error")
    current_app.logger.exception("unexpected error")
    return error_response(500, "Internal Server Error", "an unexpected error occurred; it has been logged")


#: Every exception a request can end in, and who answers it (the most specific class wins).
HANDLERS: dict[type[Exception], Callable[[Any], Response]] = {
    ProtocolError: _protocol,
    Refused: _refused,
    QueryFailed: _failed,
    StoreUnavailable: _store_down,
    TimeoutError: _store_slow,
    QueryTimeout: _timeout,
    Overloaded: _overloaded,
    NotAcceptable: _not_acceptable,
    NotHeld: _not_held,
    HTTPException: _http,
    Exception: _unexpected,
}


def register_error_handlers(app: Flask) -> None:
    """Map every plankg exception (and werkzeug's) to its status, in one place."""
    for exception, handler in HANDLERS.items():
        app.register_error_handler(exception, handler)
