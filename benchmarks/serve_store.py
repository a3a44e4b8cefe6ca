"""Serve a prepared on-disk store with plankg's production settings (benchmarks only).

``python benchmarks/serve_store.py STORE_DIR PORT [trivial]``: plankg's app over the store, or, with
``trivial``, a one-route Flask app under the very same gunicorn settings (the ceiling of any Flask
endpoint). Validation is skipped here on purpose: it happens at build time and is cached.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from flask import Flask

from plankg.domain.config import load_config
from plankg.domain.store import Prepared
from plankg.web.server import GunicornServer


class TrivialServer(GunicornServer):
    """The same gunicorn settings around a route that does nothing."""

    def load(self) -> Flask:
        app = Flask("trivial")

        @app.get("/trivial")
        def trivial() -> str:
            return "ok"

        @app.get("/-/health")
        def health() -> str:
            return "ok"

        return app


def main() -> None:
    store, port = Path(sys.argv[1]), int(sys.argv[2])
    trivial = len(sys.argv) > 3 and sys.argv[3] == "trivial"
    config = load_config(overrides={"port": port, "query_timeout": 30, "queue_timeout": 30})
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    description = store.parent / "void.ttl"
    if not description.exists():  # synthetic data have no dataset description: serve an empty one
        description.write_text("", "utf-8")
    prepared = Prepared(store, store.parent, "benchmark", stamp, stamp, (), 0)
    (TrivialServer if trivial else GunicornServer)(config, prepared).run()


if __name__ == "__main__":
    main()
