"""A structured access log and Prometheus metrics at ``/-/metrics``.

Every request writes one JSON line to the ``plankg.access`` logger (standard error): time, client,
method, path, route, status, bytes, milliseconds, and for SPARQL requests the query's size, a
short hash of its text (never the text) and its outcome. The same outcomes are counted for
Prometheus (``prometheus_client``): requests by route and status, latency by route, SPARQL outcomes
(``ok``, ``syntax``, ``refused``, ``timeout``, ``overloaded``, ``too_large``, ``memory``, ``error``).
With several gunicorn workers, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``plankg serve``) makes the
counts add up over the worker processes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

ACCESS = logging.getLogger("plankg.access")
OUTCOMES = ("ok", "syntax", "refused", "timeout", "overloaded", "too_large", "memory", "error")

KNOWN_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"))
REQUESTS = Counter("plankg_http_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "plankg_http_request_duration_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUERIES = Counter("plankg_sparql_queries", "SPARQL queries by outcome", ["outcome"])
WORKERS_KILLED = Gauge(
    "plankg_query_workers_replaced", "Query processes killed and replaced (time limit, memory)", multiprocess_mode="sum"
)


def set_outcome(outcome: str) -> None:
    """Record how the current SPARQL request ended (``ok``, ``timeout``, …)."""
    g.plankg_outcome = outcome


def _configure_logger() -> None:
    if not ACCESS.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        ACCESS.addHandler(handler)
        ACCESS.setLevel(logging.INFO)
        ACCESS.propagate = False


def install(app: Flask, across_workers: bool) -> None:
    """Log and count every request; serve ``/-/metrics`` (summed over gunicorn's workers when ``across_workers``)."""
    _configure_logger()
    registry = _registry(across_workers)

    @app.before_request
    def start() -> None:
        g.plankg_started = time.perf_counter()

    @app.after_request
    def record(response: Response) -> Response:
        started = getattr(g, "plankg_started", None)
        elapsed = time.perf_counter() - started if started is not None else 0.0
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"  # bounded label values
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        LATENCY.labels(route).observe(elapsed)
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "client": request.remote_addr,
            "method": request.method,
            "path": request.path,
            "route": route,
            "status": response.status_code,
            "bytes": response.calculate_content_length(),
            "ms": round(elapsed * 1000, 2),
        }
        outcome = getattr(g, "plankg_outcome", None)
        if outcome is not None:
            QUERIES.labels(outcome).inc()
            entry["outcome"] = outcome
            text = getattr(g, "plankg_query", None)
            if text is not None:
                entry["query_bytes"] = len(text.encode("utf-8", "replace"))
                entry["query_sha256"] = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
        ACCESS.info(json.dumps(entry, ensure_ascii=False))
        return response

    @app.get("/-/metrics")
    def metrics() -> Response:
        """Prometheus text format (version 0.0.4)."""
        from plankg.web.state import state

        WORKERS_KILLED.set(state().pool.killed)
        return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _registry(across_workers: bool) -> Any:
    """This process's registry, or the sum over gunicorn's worker processes in multiprocess mode."""
    if across_workers:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY
