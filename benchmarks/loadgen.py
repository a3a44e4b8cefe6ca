"""The bounded load generator shared by the benchmarks: N client threads, then latency figures."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def run_clients(clients: int, client: Callable[[int], None]) -> float:
    """Run ``client(i)`` in ``clients`` threads until all return; the wall-clock seconds it took."""
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def figures(latencies: list[float], wall: float) -> dict[str, float]:
    """Requests per second, and the median and 99th percentile latency in milliseconds."""
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / wall,
        "p50": ordered[len(ordered) // 2] * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "n": len(ordered),
    }
