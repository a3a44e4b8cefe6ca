"""Running the app: gunicorn in production, Flask's development server only with ``--debug``.

gunicorn manages the processes (workers, SIGHUP reload, SIGTERM, restarts); inside each worker,
waitress speaks HTTP (:class:`WaitressWorker`). Why: gunicorn's own thread workers hand a
connection to a thread as soon as its first byte arrives, and the thread then reads the headers
and body blocking — 32 clients that trickle a byte a second held every thread, and 16 slow POSTs
every admission slot (2026 review). waitress reads every request completely in its event loop
and only then gives it to a thread, so a slow client costs a socket, never a thread or a slot;
a request still incomplete after ``request_timeout`` seconds is dropped, and a body over
``max_request_bytes`` (chunked too) is refused with 413 before the app sees it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.base import Worker

from plankg.domain.config import Config
from plankg.domain.store import Prepared

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
        from plankg.domain.build import InvalidData
        from plankg.domain.csvfiles import DataError
        from plankg.domain.serving import check_store, prepare

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
        from plankg.web.app import create_app

        return create_app(self.plankg_config, self.prepared, self.reload_status)


def gunicorn_options(config: Config) -> dict[str, Any]:
    """gunicorn settings derived from plankg's configuration."""
    return {
        "bind": f"[{config.host}]:{config.port}" if ":" in config.host else f"{config.host}:{config.port}",
        "workers": config.workers,
        "worker_class": "plankg.web.server.WaitressWorker",
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
        "worker_exit": _worker_exit,
        **({"child_exit": _child_exit} if config.workers > 1 else {}),
    }


class WaitressWorker(Worker):  # type: ignore[misc]
    """A gunicorn worker whose HTTP is waitress's: complete requests only reach the app's threads."""

    def run(self) -> None:
        from waitress import wasyncore
        from waitress.server import BaseWSGIServer, create_server

        config: Config = self.app.plankg_config
        channels: dict[int, Any] = {}
        server = create_server(
            self.wsgi,
            map=channels,
            sockets=[listener.sock for listener in self.sockets],
            threads=config.threads,
            connection_limit=config.connection_limit,
            # waitress buffers up to twice the limit (de-chunked), so that the app answers a clear 413 for
            # bodies just over it while the client is still listening; past twice it cuts the connection.
            max_request_body_size=2 * config.max_request_bytes,
            channel_timeout=max(1, int(config.request_timeout)),
            cleanup_interval=1,
            clear_untrusted_proxy_headers=True,
            ident="plankg",
        )
        started: dict[int, float] = {}
        while self.alive and self.ppid == os.getppid():
            self.notify()  # the heartbeat gunicorn's arbiter watches
            wasyncore.loop(timeout=0.5, map=channels, count=1)
            _drop_slow_requests(channels, started, config.request_timeout)
        # Stopping (SIGTERM): accept nothing more, let the requests in flight finish, then close.
        for listener in [c for c in channels.values() if isinstance(c, BaseWSGIServer)]:
            listener.close()
        # Connections already accepted get a moment to send their request (as gunicorn's own workers do).
        linger, deadline = time.monotonic() + 2, time.monotonic() + config.query_timeout + 5
        while time.monotonic() < deadline and (
            time.monotonic() < linger or any(_busy(c) for c in list(channels.values()))
        ):
            self.notify()
            wasyncore.loop(timeout=0.2, map=channels, count=1)
        server.close()


def _busy(channel: Any) -> bool:
    """A request arriving, waiting, running or being written on this connection."""
    return bool(
        getattr(channel, "request", None)
        or getattr(channel, "requests", None)
        or getattr(channel, "total_outbufs_len", 0)
    )


def _drop_slow_requests(channels: dict[int, Any], started: dict[int, float], limit: float) -> None:
    """Close connections whose request (line, headers or body) has been arriving for more than ``limit`` s."""
    now = time.monotonic()
    receiving = {id(c): c for c in list(channels.values()) if getattr(c, "request", None) is not None}
    for key in list(started):
        if key not in receiving:
            del started[key]
    for key, channel in receiving.items():
        if now - started.setdefault(key, now) > limit:
            del started[key]
            channel.handle_close()


def _worker_exit(server: Any, worker: Any) -> None:
    """A worker ends here, in gunicorn's ``finally``, without the C library's exit handlers.

    The worker is forked from the master, which built the store: RocksDB's exit handler in the worker
    waits on a thread pool whose threads were never in this process, forever (so every stop took the
    master's graceful timeout and a SIGKILL, and a worker whose master was killed never ended). The
    Python clean-up is done first: the query processes are stopped and the logs flushed. The exit status
    is gunicorn's own (a worker that could not boot tells the master so).
    """
    ending = sys.exc_info()[1]
    status = ending.code if isinstance(ending, SystemExit) else (0 if ending is None else 1)
    try:
        app_state = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("plankg")
        if app_state is not None:
            app_state.pool.close()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:  # whatever the clean-up met, the worker ends
        os._exit(status if isinstance(status, int) else 1)


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
        from plankg.web.app import create_app

        create_app(config, prepared).run(host=config.host, port=config.port, debug=True, use_reloader=False)
        return
    if config.workers > 1:
        _metrics_across_workers(config)
    GunicornServer(config, prepared).run()
