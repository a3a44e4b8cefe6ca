"""A small real SPARQL endpoint for tests: pyoxigraph behind a threaded WSGI server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pyoxigraph as ox


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class SparqlServer:
    """Serves SELECT/ASK queries over ``turtle`` at ``url`` (GET ``?query=`` or POST form), JSON results."""

    def __init__(self, turtle: str) -> None:
        self.store = ox.Store()
        self.store.load(turtle.encode("utf-8"), ox.RdfFormat.TURTLE)
        self.requests: list[str] = []
        self.server = make_server("127.0.0.1", 0, self.app, server_class=_Server, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        fields = parse_qs(environ.get("QUERY_STRING", ""))
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            fields.update(parse_qs(environ["wsgi.input"].read(length).decode("utf-8")))
        query = (fields.get("query") or [""])[0]
        self.requests.append(query)
        try:
            result = self.store.query(query)
        except SyntaxError as error:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [str(error).encode()]
        body = result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        start_response("200 OK", [("Content-Type", "application/sparql-results+json")])
        return [body or b""]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
