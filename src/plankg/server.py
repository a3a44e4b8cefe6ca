"""Running the app: gunicorn in production, Flask's development server only with ``--debug``.

Worker type and count (measured, see README "Serving"): gthread workers — query work happens in
plankg's query processes, so a request thread mostly waits on a pipe; threads let up to
``threads`` clients per worker be served at once, and further connections wait in the listen
backlog instead of being refused.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from plankg.config import Config
from plankg.serving import Prepared

LOG = logging.getLogger("gunicorn.error")  # the master's log (standard error)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn with plankg's app factory called in each worker.

    SIGHUP (gunicorn's reload) first rebuilds and validates the data into a new store; only when
    that succeeds do the new workers serve it. When it fails, the new workers serve the last valid
    data, and ``/-/version`` and the log say why (DESIGN §5). SIGTERM lets the workers finish the
    requests in flight (``graceful_timeout``) before they exit.
    """

    def __init__(self, config: Config, prepared: Prepared) -> None:
        self.plankg_config = config
        self.prepared = prepared
        self.reload_status: dict[str, str | None] = {"last_reload_at": None, "last_reload_error": None}
        super().__init__()

    def reload(self) -> None:
        from plankg.build import InvalidData
        from plankg.dataset import DataError
        from plankg.serving import check_store, prepare

        # Milliseconds: two reloads within one second are still told apart.
        at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        try:
            prepared = prepare(self.plankg_config, keep=self.prepared.store_path)
            check_store(prepared)
        except InvalidData as error:
            self._failed(at, f"invalid data: {error.report.as_text().strip()}")
        except Exception as error:  # any failure keeps the last valid data served
            reason = str(error) if isinstance(error, DataError) else f"{type(error).__name__}: {error}"
            self._failed(at, reason)
        else:
            self.prepared = prepared
            self.reload_status = {"last_reload_at": at, "last_reload_error": None}
            LOG.warning("reload: now serving data version %s", prepared.version)
        super().reload()

    def _failed(self, at: str, reason: str) -> None:
        self.reload_status = {"last_reload_at": at, "last_reload_error": reason}
        LOG.error("reload failed, still serving data version %s: %s", self.prepared.version, reason)

    def load_config(self) -> None:
        for key, value in gunicorn_options(self.plankg_config).items():
            if key in self.cfg.settings:  # settings of newer gunicorn releases are skipped on older ones
                self.cfg.set(key, value)

    def load(self) -> Flask:
        from plankg.app import create_app

        return create_app(self.plankg_config, self.prepared, self.reload_status)


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
        "accesslog": None,  # plankg writes its own structured access log (observability.py)
        "errorlog": "-",
        "loglevel": "info",
        "limit_request_line": 8190,
        "control_socket_disable": True,
        **({"child_exit": _child_exit} if config.workers > 1 else {}),
    }


def _child_exit(server: Any, worker: Any) -> None:
    """A gunicorn worker ended: its metrics files no longer count as live (prometheus_client multiprocess)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def _metrics_across_workers(config: Config) -> None:
    """With several workers, make the Prometheus counts add up over them (before any worker starts)."""
    import os
    import shutil

    folder = config.cache_dir / "metrics" / str(os.getpid())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def run(config: Config, prepared: Prepared) -> None:
    """Serve until stopped: gunicorn, or Flask's development server with ``debug``."""
    if config.debug:
        from plankg.app import create_app

        create_app(config, prepared).run(host=config.host, port=config.port, debug=True, use_reloader=False)
        return
    if config.workers > 1:
        _metrics_across_workers(config)
    GunicornServer(config, prepared).run()
