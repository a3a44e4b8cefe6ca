"""Running SPARQL queries where a time limit can really stop them.

pyoxigraph cannot be interrupted inside the process that evaluates a query (DESIGN §5), so every
client query runs in a worker process of a small pool (except a lookup of one triple pattern or
one resource's description, whose work is bounded before it starts: :mod:`plankg.domain.lookup`).
Each worker opens the prepared on-disk store read-only; a query past its time limit gets its worker
killed and replaced, and the request is answered 503. Results are serialised in the worker,
counting rows (or triples) against the result limit, so nothing partial is ever sent as success.
This module and what it imports in the worker stay free of Flask and rdflib, so workers start fast
and small.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import dataclasses
import math
import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from plankg.domain.evaluate import QueryAnswer, QueryFailed, QueryRequest, execute, open_store
from plankg.domain.sandbox import SandboxUnavailable, deny_network, probe

_PR_SET_PDEATHSIG = 1

#: How long a fresh worker may take to open the store before it counts as broken.
STARTUP_SECONDS = 60.0


class QueryTimeout(Exception):
    """The query ran past its time limit and was stopped."""


class Overloaded(Exception):
    """No worker became free in time."""


def _memory_message(memory_bytes: int) -> str:
    return (
        f"the query needed more than {memory_bytes // (1024 * 1024)} MiB of memory (PLANKG_QUERY_MEMORY_MB)"
        " and was stopped; narrow it or add a LIMIT"
    )


def _worker_main(
    conn: Connection, store_path: str, result_limit: int, memory_bytes: int = 0, allow_network: bool = False
) -> None:
    """A worker: bound to its parent, without network, memory capped; opens the store, then answers requests.

    It dies with the process that started it (``PR_SET_PDEATHSIG``). The memory cap is on the data
    segment (``RLIMIT_DATA``: heap and anonymous mappings, not the store's mapped files); an
    allocation past it fails and the query is stopped. Each query gets a CPU-time cap
    (``RLIMIT_CPU``) just above its time limit, so that even a worker whose parent stopped watching
    cannot run past it. What fails at start is reported as ``("broken", why)``, never a hang.
    """
    parent = os.getppid()
    _die_with_parent(parent)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    sandboxed = _sandbox(allow_network)
    if isinstance(sandboxed, str):
        conn.send(("broken", sandboxed))
        return
    try:
        store = open_store(store_path)
        next(iter(store.quads_for_pattern(None, None, None, None)), None)
    except (OSError, RuntimeError, ValueError) as error:
        conn.send(("broken", f"the query process cannot open the store: {type(error).__name__}"))
        return
    conn.send(("ready", sandboxed))
    while True:
        try:
            request: QueryRequest = conn.recv()
        except (EOFError, OSError):
            return
        _cap_cpu(request.timeout)
        try:
            conn.send(("ok", execute(store, request, result_limit)))
        except QueryFailed as error:
            conn.send(("error", error.kind, str(error)))
        except MemoryError:
            conn.send(("error", "memory", _memory_message(memory_bytes)))
            return  # a worker that ran out of memory is replaced, not trusted again
        except Exception as error:  # anything else the engine raises: report it, keep serving
            conn.send(("error", "engine", f"{type(error).__name__}: {error}"))


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent ends (Linux); exit now if it already has."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def _sandbox(allow_network: bool) -> bool | str:
    """Take the network away (True), or say why it could not be done (a string); False when allowed."""
    if allow_network:
        return False
    try:
        deny_network()
    except SandboxUnavailable as error:
        return (
            f"the query process could not be denied the network ({error});"
            " set PLANKG_UNSAFE_QUERY_NETWORK=1 to run without that protection"
        )
    leftover = probe()
    return True if leftover is None else f"the network filter did not hold: {leftover}"


def _cap_cpu(seconds: float) -> None:
    """Let this process use at most ``seconds`` more CPU time; past it the kernel stops it (SIGXCPU)."""
    if seconds <= 0:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cap = math.ceil(usage.ru_utime + usage.ru_stime + seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cap, resource.RLIM_INFINITY))


class _Idle:
    """The idle workers: the one that answered last answers next, a fresh one last.

    A process that has just run is woken faster and finds its caches warm (a cheap query's round trip
    about 0.2 ms instead of 0.25–0.27 ms here: ``benchmarks/bench_overhead.py``); a worker that replaces
    a killed one is still opening the store, so the ready ones go first.
    """

    def __init__(self) -> None:
        self._workers: collections.deque[_Worker] = collections.deque()
        self._changed = threading.Condition()

    def put(self, worker: _Worker, fresh: bool = False) -> None:
        with self._changed:
            if fresh:
                self._workers.appendleft(worker)
            else:
                self._workers.append(worker)
            self._changed.notify()

    def get(self, timeout: float) -> _Worker:
        """The most recently used idle worker; ``queue.Empty`` when none is free within ``timeout`` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._workers, timeout):
                raise queue.Empty
            return self._workers.pop()


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    served: int = field(default=0)


class QueryPool:
    """A fixed number of query worker processes over one read-only store."""

    def __init__(
        self, store_path: Path, size: int, result_limit: int, memory_bytes: int = 0, allow_network: bool = False
    ) -> None:
        self.store_path = store_path
        self.result_limit = result_limit
        self.memory_bytes = memory_bytes
        self.allow_network = allow_network
        self.broken: str | None = None  # why the last worker could not start, until one does
        self._context = multiprocessing.get_context("spawn")
        self._idle = _Idle()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0
        workers = [self._start() for _ in range(size)]
        for worker in workers:  # wait for them once, so that a store they cannot open is known at once
            with contextlib.suppress(QueryFailed):
                self._wait_ready(worker)
            self._idle.put(worker)

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child, str(self.store_path), self.result_limit, self.memory_bytes, self.allow_network),
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (it may be running away) and put a fresh one in its place."""
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._all.discard(worker)
            self.killed += 1
        self._idle.put(self._start(), fresh=True)

    def _wait_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        if not worker.conn.poll(STARTUP_SECONDS):
            raise QueryFailed("unavailable", "a query process did not start in time")
        message = worker.conn.recv()
        if message[0] == "broken":
            self.broken = str(message[1])
            raise QueryFailed("unavailable", self.broken)
        worker.ready = True
        self.broken = None

    def _take(self, queue_timeout: float) -> _Worker:
        """A free worker that is alive: one that died while idle is replaced before it is used."""
        deadline = time.monotonic() + queue_timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty as error:
                raise Overloaded(f"all {len(self._all)} query workers stayed busy for {queue_timeout:g} s") from error
            if worker.process.is_alive():
                return worker
            self._retire(worker)

    def run(
        self, request: QueryRequest, timeout: float, queue_timeout: float, limit: float | None = None
    ) -> QueryAnswer:
        """Run ``request`` on a free worker within ``timeout`` seconds; wait at most ``queue_timeout`` for one.

        ``limit`` is the configured time limit to name in the message, when ``timeout`` is what is left of it.
        """
        worker = self._take(queue_timeout)
        try:
            self._wait_ready(worker)
            started = time.monotonic()
            worker.conn.send(dataclasses.replace(request, timeout=timeout))
            if not worker.conn.poll(timeout):
                self._retire(worker)
                raise QueryTimeout(
                    f"the query ran longer than {limit or timeout:g} s (PLANKG_QUERY_TIMEOUT) and was stopped"
                    f" after {time.monotonic() - started:.1f} s of evaluation"
                )
            reply = worker.conn.recv()
        except (EOFError, OSError) as error:
            worker.process.join(2)
            died = worker.process.exitcode
            self._retire(worker)
            if died in (-signal.SIGXCPU, -signal.SIGKILL):  # the kernel's CPU cap stopped it
                raise QueryTimeout(
                    f"the query ran longer than {limit or timeout:g} s (PLANKG_QUERY_TIMEOUT) and was stopped"
                ) from error
            if died in (-signal.SIGABRT, 134) and self.memory_bytes:  # aborted: an allocation past the cap failed
                raise QueryFailed("memory", _memory_message(self.memory_bytes)) from error
            raise QueryFailed("crashed", "the query process stopped while evaluating the query") from error
        except QueryFailed:
            self._retire(worker)
            raise
        except QueryTimeout:
            raise
        worker.served += 1
        if reply[0] == "error" and reply[1] == "memory":
            self._retire(worker)
        else:
            self._idle.put(worker)
        if reply[0] == "ok":
            answer: QueryAnswer = reply[1]
            return answer
        raise QueryFailed(reply[1], reply[2])

    @property
    def pids(self) -> list[int]:
        """The process ids of the workers (for memory measurements)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def check(self) -> None:
        """Raise when the query processes cannot open the store (known at once: they are awaited at start)."""
        if self.broken:
            raise QueryFailed("unavailable", self.broken)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.conn.close()
            worker.process.kill()
            worker.process.join(5)
