"""Web safety on every answer: security headers, load shedding, and optional per-client rate limiting.

The Content-Security-Policy allows only this server's own scripts, styles, images and fetches; the
pages carry no inline script or style (data for scripts travel in ``<script type="application/json">``
blocks, which are not executed), and the browser tests fail on any policy violation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, g
from werkzeug.datastructures import Headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: The query page's editor (YASGUI and its table plugin) writes inline styles; scripts stay 'self' only.
QUERY_PAGE_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}


class Admission:
    """At most ``limit`` requests in flight in this process; more are shed at once with 503 + Retry-After.

    Below the limit every request is queued and served (a SPARQL request waits for a free query
    process); above it the server answers quickly instead of letting every client's latency grow.
    The health check is never shed.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight = 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        with self._lock:
            if self.in_flight >= self.limit:
                return False
            self.in_flight += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


#: The longest address a page answers (a styled 414 beyond it); the HTTP server itself cuts at 256 KB.
MAX_URL = 32 * 1024


def install(app: Flask, rate_limit: str, max_in_flight: int) -> None:
    """Add the headers to every response; shed load above ``max_in_flight``; rate-limit when configured."""
    from plankg.domain.executor import Overloaded

    admission = Admission(max_in_flight)
    app.extensions["plankg-admission"] = admission

    @app.before_request
    def admit() -> None:
        from flask import request
        from werkzeug.exceptions import RequestURITooLarge

        if len(request.environ.get("RAW_URI") or request.full_path) > MAX_URL:
            raise RequestURITooLarge(f"the address is longer than {MAX_URL} bytes; send a long query with POST")
        if request.endpoint == "system.health":
            return
        if not admission.enter():
            raise Overloaded(f"{admission.limit} requests are in flight here (PLANKG_MAX_IN_FLIGHT)")
        g.plankg_admitted = True

    @app.teardown_request
    def release(_: BaseException | None) -> None:
        if g.pop("plankg_admitted", False):
            admission.leave()

    app.wsgi_app = ConstantHeaders(app.wsgi_app, HEADERS)  # type: ignore[method-assign]

    if rate_limit:
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        limiter = Limiter(
            get_remote_address,
            app=app,
            default_limits=[rate_limit],
            storage_uri="memory://",
            headers_enabled=True,
            default_limits_exempt_when=lambda: False,
        )
        limiter.exempt(app.view_functions["system.health"])  # health checks of a load balancer are not limited
        app.extensions["plankg-limiter"] = limiter


#: CORS for any origin, without credentials (https://fetch.spec.whatwg.org/#http-cors-protocol).
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "X-Result-Count, Retry-After, Content-Location, Link",
    "Access-Control-Max-Age": "86400",
}


def open_cors(response: Response) -> Response:
    """Open the answer to scripts of any origin (the SPARQL endpoint, search, reconciliation)."""
    _add_missing(response, CORS)
    return response


class ConstantHeaders:
    """Around the app (WSGI): each of ``headers`` the answer does not already carry, added as it starts.

    Every answer gets them, an error's too, for the price of a list: werkzeug's ``Headers`` checks each value it
    is given against a pattern, request after request, where these values are constants checked once here.
    """

    def __init__(self, app: WSGIApplication, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(name.lower(), (name, value)) for name, value in headers.items()]
        for name, value in headers.items():
            Headers().add(name, value)  # the check werkzeug would make (no line breaks), made once

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            return start_response(status, headers + [h for lower, h in self.headers if lower not in present], exc_info)

        return self.app(environ, start)


def _add_missing(response: Response, headers: dict[str, str]) -> None:
    """Add each of ``headers`` the response does not already carry (one pass: werkzeug's ``setdefault``
    scans every header for each name it is given)."""
    present = {name.lower() for name in response.headers.keys()}  # noqa: SIM118 (Headers iterates pairs)
    response.headers.extend([(name, value) for name, value in headers.items() if name.lower() not in present])
