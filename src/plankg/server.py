"""Running the app: gunicorn in production, Flask's development server only with ``--debug``.

Worker type and count (measured, see README "Serving"): gthread workers — query work happens in
plankg's query processes, so a request thread mostly waits on a pipe; threads let up to
``threads`` clients per worker be served at once, and further connections wait in the listen
backlog instead of being refused.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from plankg.config import Config
from plankg.serving import Prepared


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn with plankg's app factory called in each worker."""

    def __init__(self, config: Config, prepared: Prepared) -> None:
        self.plankg_config = config
        self.prepared = prepared
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self.plankg_config).items():
            if key in self.cfg.settings:  # settings of newer gunicorn releases are skipped on older ones
                self.cfg.set(key, value)

    def load(self) -> Flask:
        from plankg.app import create_app

        return create_app(self.plankg_config, self.prepared)


def gunicorn_options(config: Config) -> dict[str, Any]:
    """gunicorn settings derived from plankg's configuration."""
    return {
        "bind": f"[{config.host}]:{config.port}" if ":" in config.host else f"{config.host}:{config.port}",
        "workers": config.workers,
        "worker_class": "gthread",
        "threads": config.threads,
        # A request may wait for a free query process and then run to the time limit.
        "timeout": int(config.queue_timeout + config.query_timeout + 30),
        "graceful_timeout": int(config.query_timeout + 5),
        "keepalive": 5,
        "backlog": 2048,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "limit_request_line": 8190,
        "control_socket_disable": True,
    }


def run(config: Config, prepared: Prepared) -> None:
    """Serve until stopped: gunicorn, or Flask's development server with ``debug``."""
    if config.debug:
        from plankg.app import create_app

        create_app(config, prepared).run(host=config.host, port=config.port, debug=True, use_reloader=False)
        return
    GunicornServer(config, prepared).run()
