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
from plankg.tables.formats import HTML
from plankg.tables.negotiate import NotAcceptable, choose_format, prefers_json


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


def error_response(status: int, title: str, message: str, retry_after: str | None = None) -> Response:
    """An error in JSON when the client prefers JSON, plain text otherwise."""
    wants_json = prefers_json(request.headers.get("Accept"))
    if wants_json:
        body = json.dumps({"status": status, "error": title, "message": message}, ensure_ascii=False)
        response = Response(body, status=status, content_type="application/json; charset=utf-8")
    else:
        response = Response(f"{status} {title}\n\n{message}\n", status=status, content_type="text/plain; charset=utf-8")
    if retry_after:
        response.headers["Retry-After"] = retry_after
    response.headers["Vary"] = "Accept"
    return response


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


def _refused(error: Refused) -> Response:
    _outcome("refused")
    return error_response(400, "Query refused", str(error))


def _failed(error: QueryFailed) -> Response:
    status, title, outcome = _FAILURES.get(error.kind, _FAILURES["crashed"])
    _outcome(outcome)
    if status >= 500:
        current_app.logger.error("query failed (%s): %s", error.kind, error)
        return error_response(status, title, _PUBLIC_503.get(error.kind, str(error)), RETRY_AFTER)
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
    response = error_response(406, "Not Acceptable", str(error))
    response.headers["Link"] = ", ".join(
        f'<?format={f.name}>; rel="alternate"; type="{f.media_type}"' for f in error.offered
    )
    return response


def _not_held(error: NotHeld) -> Response:
    """The one 404: the bilingual page with the site's navigation for browsers, else text or JSON."""
    _outcome("refused")
    if not (_wants_page() if error.page is None else error.page):
        return error_response(404, "Not Found", str(error))
    from plankg.web.messages import TEXT, ui_language

    lang = ui_language()
    page = render_template("not_found.html", iri=error.iri or request.path, text=TEXT[lang], lang=lang)
    return Response(
        page, status=404, content_type="text/html; charset=utf-8", headers={"Vary": "Accept, Accept-Language"}
    )


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
    response = error_response(status, error.name, message)
    if status == 405 and getattr(error, "valid_methods", None):
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
