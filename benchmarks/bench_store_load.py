"""Making the on-disk store, as the data grow: plankg's load against the way it loaded before.

Per size (synthetic data of that many triples, written as the build writes them), in turn, each run in
a new process (so that its peak memory is its own):

- **plankg**: ``create_store``: the N-Quads and the union's N-Triples as one bulk load, while another
  thread reads the atlas and the search index from an in-memory copy of the union; compaction,
  read-back, the two files written;
- **baseline**, as plankg did it before: the N-Quads bulk-loaded, then the union's Turtle into the
  default graph, compaction, read-back; then the atlas and the search index read from the finished
  store (``write_derived``, two threads).

Both end with the same store and the same files beside it (the benchmark checks the quad count and the
union's count). Prints per-variant medians, the ratio, and each run's peak memory (max RSS).
Run: ``python benchmarks/bench_store_load.py [SIZES...]`` (default ``100000 1000000``), ``--repeat N``.
"""

from __future__ import annotations

import multiprocessing
import resource
import shutil
import statistics
import sys
import tempfile
import time
from multiprocessing.queues import Queue
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate, write_dumps

from plankg.domain.derived import write_derived
from plankg.domain.serving import UNION_TRIPLES, _read_back, create_store
from plankg.tables.vocab import CANONICAL_BASE


def baseline(dump: Path, turtle: Path, target: Path) -> None:
    """The load before this round: two bulk loads, then the derived files read from the store on disk."""
    target.mkdir(parents=True)
    store = ox.Store(str(target / "db"))
    store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS, lenient=True)
    named = len(store)
    store.bulk_load(path=turtle, format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph(), lenient=True)
    store.flush()
    store.optimize()
    written = len(store)
    (target / UNION_TRIPLES).write_text(str(written - named), "utf-8")
    del store
    _read_back(target / "db", written)
    write_derived(target)


def _run(name: str, files: tuple[Path, Path, Path], target: Path, results: Queue[tuple[float, int]]) -> None:
    dump, union, turtle = files
    started = time.perf_counter()
    if name == "plankg":
        create_store(dump, target, CANONICAL_BASE, union)
    else:
        baseline(dump, turtle, target)
    results.put((time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))


def timed(name: str, files: tuple[Path, Path, Path], target: Path) -> tuple[float, int]:
    """Seconds and peak memory (MB) of one variant in a new process (spawned: the engine's threads in
    this one make a fork unsafe)."""
    context = multiprocessing.get_context("spawn")
    results: Queue[tuple[float, int]] = context.Queue()
    child = context.Process(target=_run, args=(name, files, target, results))
    child.start()
    outcome = results.get()
    child.join()
    if child.exitcode:
        raise RuntimeError(f"the run failed ({child.exitcode})")
    return outcome


def bench_size(size: int, folder: Path, repeat: int) -> None:
    quads = generate(size)
    dump, union = write_dumps(quads, folder, f"synthetic-{size}")
    turtle = folder / f"synthetic-{size}.ttl"
    ox.serialize(dict.fromkeys(q.triple for q in quads), turtle, ox.RdfFormat.TURTLE)
    del quads
    files = (dump, union, turtle)
    variants = ("plankg", "baseline")
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    memory: dict[str, list[int]] = {name: [] for name in variants}
    held: dict[str, tuple[int, str]] = {}
    for _ in range(repeat):
        for name in variants:
            target = folder / f"store-{name}"
            shutil.rmtree(target, ignore_errors=True)
            took, peak = timed(name, files, target)
            seconds[name].append(took)
            memory[name].append(peak)
            held[name] = (len(ox.Store.read_only(str(target / "db"))), (target / UNION_TRIPLES).read_text("utf-8"))
            shutil.rmtree(target)
    same = "the same quads and union count" if len(set(held.values())) == 1 else f"DIFFERENT: {held}"
    mine, before = statistics.median(seconds["plankg"]), statistics.median(seconds["baseline"])
    print(f"\n=== ~{size:,} triples ({held['plankg'][0]:,} quads in the store; {same}) ===")
    for name in variants:
        runs = ", ".join(f"{s:.1f}" for s in seconds[name])
        median = statistics.median(seconds[name])
        print(f"{name:9} median {median:6.1f} s  (runs {runs});  peak RSS {max(memory[name])} MB")
    print(f"ratio plankg / baseline: {mine / before:.2f}", flush=True)


def main() -> None:
    arguments = sys.argv[1:]
    repeat = 3
    if "--repeat" in arguments:
        at = arguments.index("--repeat")
        repeat = int(arguments[at + 1])
        del arguments[at : at + 2]
    sizes = [int(a) for a in arguments] or [100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            bench_size(size, Path(folder), repeat)


if __name__ == "__main__":
    main()
