"""Preparing data for serving: a validated build, loaded once into an on-disk store per base URI.

``prepare`` builds (and so validates; cached by the hash of the inputs) into the cache folder,
then loads the quads into a pyoxigraph store that query workers open read-only. IRIs under the
canonical ``/id/``, ``/graph/`` and ``/data/`` are rewritten to the configured base (DESIGN §4);
``/def/`` IRIs stay canonical. The store's default graph holds the union of all named graphs,
deduplicated, so that the default graph is the RDF merge SPARQL expects (a plain union view would
repeat a triple once per graph that asserts it).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plankg.domain.build import build
from plankg.domain.config import Config
from plankg.domain.derived import has_derived, read_union, write_derived, write_readings
from plankg.domain.evaluate import open_store
from plankg.domain.store import Prepared, StoreUnavailable
from plankg.tables import project
from plankg.tables.vocab import CANONICAL_BASE, rewrite_iri

READY = "READY"
CHECKSUMS = "CHECKSUMS.json"  # SHA-256 of every file of the store, written when it is made
UNION_TRIPLES = "UNION-TRIPLES"  # how many triples the default graph (the union) holds, counted when it is made


def _rewrite_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph, base: str):  # type: ignore[no-untyped-def]
    if isinstance(term, ox.NamedNode):
        rewritten = rewrite_iri(term.value, base)
        return term if rewritten == term.value else ox.NamedNode(rewritten)
    return term


def rewritten_quads(path: Path, base: str) -> list[ox.Quad]:
    """The quads of an N-Quads dump with IRIs rewritten to ``base``."""
    return [
        ox.Quad(
            _rewrite_term(q.subject, base),
            _rewrite_term(q.predicate, base),
            _rewrite_term(q.object, base),
            _rewrite_term(q.graph_name, base),
        )
        for q in ox.parse(path=path, format=ox.RdfFormat.N_QUADS)
    ]


def create_store(dump: Path, target: Path, base: str, union: Path | None = None) -> None:
    """Load ``dump`` into a new on-disk store at ``target``, atomically (a folder rename), with the atlas
    and the search index beside it.

    ``union`` is the build's union of the named graphs as N-Triples (``plankg.nt``). With it, under the
    canonical base, pyoxigraph bulk-loads the dump and the union as one N-Quads file (an N-Triples line
    is a quad in the default graph; the two are copied into the staging folder and the copy removed after):
    its loader parses one batch while it indexes the one before, which two loads of a million quads each
    cannot (at 1M quads 15 s against 21 s). Both files are the build's own validated output, so IRIs are
    not checked again (``lenient``). Without it, or under another base, every quad is copied through Python.
    Meanwhile another thread reads the atlas and the search index from an in-memory copy of the union
    (:func:`read_union`; the engine loads outside Python's lock).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".store-", dir=target.parent))
    try:
        union_file = union if base == CANONICAL_BASE else None
        quads = [] if union_file else rewritten_quads(dump, base)
        with ThreadPoolExecutor(1) as pool:
            reading = pool.submit(read_union, union_file or quads)
            store = ox.Store(str(staging / "db"))
            if union_file:
                both = _concatenated(staging / "both.nq", dump, union_file)
                store.bulk_load(path=both, format=ox.RdfFormat.N_QUADS, lenient=True)
                both.unlink()
            else:
                store.bulk_extend(quads)
                # The union as the default graph; the store is a set, so a triple in several graphs counts once.
                store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
            store.flush()
            store.optimize()
            written = len(store)
            del store
            _read_back(staging / "db", written)
            readings = reading.result()
        write_readings(staging, readings.atlas, readings.index)
        # Counted once here, so that no worker counts the union when it starts (nothing at start grows with the data)
        (staging / UNION_TRIPLES).write_text(str(readings.union_triples), "utf-8")
        (staging / CHECKSUMS).write_text(json.dumps(_checksums(staging / "db"), indent=1, sort_keys=True), "utf-8")
        (staging / READY).write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _concatenated(target: Path, *paths: Path) -> Path:
    """``paths`` written one after the other into ``target``, a line break after each; the kernel copies
    (``sendfile``), so that no Python code stands between the files and the loader, which would otherwise
    wait for Python's lock while another thread reads the atlas (at 1M quads 1.5 s of the load)."""
    with target.open("wb") as out:
        for path in paths:
            with path.open("rb") as source:
                size, sent = path.stat().st_size, 0
                while sent < size:
                    if not (count := os.sendfile(out.fileno(), source.fileno(), sent, size - sent)):
                        raise OSError(f"{path} ended at {sent} of {size} bytes while it was copied")
                    sent += count
            out.write(b"\n")
            out.flush()
    return target


def _read_back(folder: Path, written: int) -> None:
    """Open the new store read-only and count every quad again (RocksDB checks each block it reads)."""
    try:
        held = len(ox.Store.read_only(str(folder)))
    except (OSError, RuntimeError, ValueError) as error:
        raise StoreUnavailable(f"the new store cannot be read back: {error}") from error
    if held != written:
        raise StoreUnavailable(f"the new store reads back {held} quads, {written} were written")


def description_triples(build_dir: Path, base: str) -> list[ox.Triple]:
    """The build's void.ttl with its IRIs under ``base`` (read once, when the app starts)."""

    def term(t: Any) -> Any:
        return ox.NamedNode(rewrite_iri(t.value, base)) if isinstance(t, ox.NamedNode) else t

    return [
        ox.Triple(term(q.subject), term(q.predicate), term(q.object))
        for q in ox.parse(path=build_dir / "void.ttl", format=ox.RdfFormat.TURTLE)
    ]


def data_key(paths: list[Path]) -> str:
    """A short key naming the build folder of a set of data paths."""
    return hashlib.sha256("\n".join(str(p.resolve()) for p in paths).encode()).hexdigest()[:16]


def _checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file the store reads (RocksDB's own log and lock files change, so they are left out)."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != "LOCK" and not path.name.startswith("LOG"):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
            found[path.name] = digest.hexdigest()
    return found


def verify_store(store_path: Path) -> None:
    """Every file of an on-disk store as it was made; raise :class:`StoreUnavailable` naming what differs."""
    manifest = store_path.parent / CHECKSUMS
    if not manifest.exists():
        raise StoreUnavailable(f"the store at {store_path} has no {CHECKSUMS}: prepare it again (delete the folder)")
    expected = json.loads(manifest.read_text("utf-8"))
    actual = _checksums(store_path)
    changed = sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name))
    if changed:
        raise StoreUnavailable(
            f"the store at {store_path} is damaged: {', '.join(changed[:5])} differ from when it was made;"
            " delete the folder and start again to rebuild it"
        )


def check_store(prepared: Prepared) -> None:
    """Verify the prepared store's files and open it read-only once, so that a broken store stops the start."""
    if prepared.remote:
        return  # prepare_remote has read the live version from it
    if not str(prepared.store_path).endswith(".nq"):
        verify_store(prepared.store_path)
    try:
        store = open_store(str(prepared.store_path))
        next(iter(store.quads_for_pattern(None, None, None, None)), None)
    except (OSError, RuntimeError, ValueError) as error:
        raise StoreUnavailable(f"cannot open the store at {prepared.store_path}: {error}") from error


def prepare_remote(config: Config) -> Prepared:
    """The live version of the data at a remote store (nothing is built or loaded here)."""
    from plankg.domain.remote import DEFAULT_GRAPH, Endpoints, RemoteQueryError, read_version

    if config.base_uri != CANONICAL_BASE:
        raise ValueError("--base-uri is not supported with a remote store: publish the data under their own IRIs")
    try:
        live = read_version(Endpoints.from_config(config), timeout=config.query_timeout)
    except (StoreUnavailable, RemoteQueryError, TimeoutError) as error:
        raise StoreUnavailable(f"cannot read the live version at {config.store}: {error}") from error
    if live is None:
        raise StoreUnavailable(f"nothing is published at {config.store}: run plankg publish --to {config.store}")
    cache = config.cache_dir / "remote" / live.version
    cache.mkdir(parents=True, exist_ok=True)
    return Prepared(
        store_path=cache / "db",
        build_dir=cache,
        version=live.version,
        built_at=live.built_at,
        loaded_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        graphs=tuple(sorted(g for g in live.graphs if g != DEFAULT_GRAPH)),
        quads=sum(live.graphs.values()),
        remote=config.store,
    )


def prepare(config: Config, keep: Path | None = None) -> Prepared:
    """Validate and build the configured data (cached), and make its store for the configured base.

    Stores of earlier data versions are removed, except ``keep`` (the store still being served
    while a reload starts new workers). With a remote store, the live version is read from it.
    """
    if config.store.startswith("sparql:"):
        return prepare_remote(config)
    data = list(config.data) or [project.data_dir()]
    build_dir = config.cache_dir / "builds" / data_key(data)
    result = build(build_dir, data)
    digest = str(result.manifest["input_hash"])
    base_key = hashlib.sha256(config.base_uri.encode()).hexdigest()[:12]
    graphs = tuple(rewrite_iri(g, config.base_uri) for g in result.manifest["graphs"])  # type: ignore[attr-defined]
    prepared = functools.partial(
        Prepared,
        build_dir=build_dir,
        version=digest[:12],
        built_at=str(result.manifest["built_at"]),
        loaded_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        graphs=graphs,
        quads=int(result.manifest["quads"]),  # type: ignore[call-overload]
    )
    if config.store == "oxigraph:memory":  # every process loads the validated dump into its own memory
        if config.base_uri != CANONICAL_BASE:
            raise ValueError("oxigraph:memory serves the data under their own IRIs: leave --base-uri unset")
        return prepared(build_dir / "plankg.nq")
    stores = Path(config.store.removeprefix("oxigraph:")) if config.store.startswith("oxigraph:/") else build_dir
    store_dir = stores / f"store-{digest[:12]}-{base_key}"
    made = all((store_dir / name).exists() for name in (READY, CHECKSUMS, UNION_TRIPLES))
    if not made:  # none yet, or made before the checksums and the union's count were written
        create_store(build_dir / "plankg.nq", store_dir, config.base_uri, build_dir / "plankg.nt")
    elif not has_derived(store_dir):  # made before the atlas and the search index were written beside it
        write_derived(store_dir)
    for old in stores.glob("store-*"):
        in_use = keep is not None and keep.parent == old
        if not old.name.startswith(f"store-{digest[:12]}-") and not in_use:  # data that have changed since
            shutil.rmtree(old, ignore_errors=True)
    union_triples = int((store_dir / UNION_TRIPLES).read_text("utf-8"))
    return prepared(store_dir / "db", union_triples=union_triples, derived=store_dir)
