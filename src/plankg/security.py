"""Web safety on every answer: security headers, and optional per-client rate limiting.

The Content-Security-Policy allows only this server's own scripts, styles, images and fetches; the
pages carry no inline script or style (data for scripts travel in ``<script type="application/json">``
blocks, which are not executed), and the browser tests fail on any policy violation.
"""

from __future__ import annotations

from flask import Flask, Response

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


def install(app: Flask, rate_limit: str) -> None:
    """Add the headers to every response; limit requests per client address when ``rate_limit`` is set."""

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

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
