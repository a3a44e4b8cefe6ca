"""``plankg build``: validate the project's data and write the dumps and the dataset description.

Writes into the output folder: ``plankg.trig`` and ``plankg.nq`` (named graphs), ``plankg.ttl`` and
``plankg.nt`` (the union as triples; the store loads the N-Triples with the N-Quads), ``plankg.jsonld``
(named graphs, context embedded), ``context.jsonld``, ``void.ttl`` (DCAT-AP 3.0.1 + VoID) and
``manifest.json`` (input hash, counts). Nothing is written when the data are invalid. A build whose
inputs have not changed is not redone.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from plankg import __version__
from plankg.domain.assemble import load_dataset
from plankg.domain.dataset import Loaded
from plankg.domain.rdf import to_jsonld, to_trig
from plankg.domain.validate import Report, validate
from plankg.domain.void import describe_dataset
from plankg.tables import project
from plankg.tables.vocab import PREFIXES

MANIFEST = "manifest.json"
DUMPS = ("plankg.trig", "plankg.nq", "plankg.ttl", "plankg.nt", "plankg.jsonld", "context.jsonld", "void.ttl")


class InvalidData(Exception):
    """The data do not conform to the shapes; the report says why."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"invalid data: {len(report.violations)} violation(s)")
        self.report = report


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and whether it had to validate."""

    out: Path
    manifest: dict[str, object]
    report: Report | None
    cached: bool


def input_files(data: list[Path]) -> list[Path]:
    """Every file a build depends on: ontology, shapes, the data, and plankg's own code."""
    folders = (project.ontology_dir(), *data, Path(__file__).resolve().parent.parent)  # all of plankg's code
    files = (p for folder in folders for p in (folder.rglob("*") if folder.is_dir() else [folder]) if p.is_file())
    return sorted(p for p in files if "__pycache__" not in p.parts)


def input_hash(files: list[Path]) -> str:
    """A hash of the inputs' names and contents and of plankg's version."""
    digest = hashlib.sha256(__version__.encode())
    for path in files:
        digest.update(path.as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build(out: Path, data: list[Path] | None = None, force: bool = False) -> BuildResult:
    """Validate the data (the project's, or ``data``) and write the dumps into ``out`` (atomically)."""
    data = data or [project.data_dir()]
    files = input_files(data)
    digest = input_hash(files)
    previous = read_manifest(out)
    if not force and previous and previous.get("input_hash") == digest and all((out / d).exists() for d in DUMPS):
        return BuildResult(out, previous, None, cached=True)
    loaded = load_dataset(data)
    report = validate(loaded)
    if not report.conforms:
        raise InvalidData(report)
    manifest = write_dumps(loaded, out, digest)
    return BuildResult(out, manifest, report, cached=False)


def read_manifest(out: Path) -> dict[str, object] | None:
    """The manifest of an earlier build in ``out``, if any."""
    try:
        loaded: dict[str, object] = json.loads((out / MANIFEST).read_text("utf-8"))
        return loaded
    except (OSError, ValueError):
        return None


def write_dumps(loaded: Loaded, out: Path, digest: str) -> dict[str, object]:
    """Write every dump into a fresh folder next to ``out``, then move it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out.parent))
    try:
        store = ox.Store()
        store.extend(loaded.quads)
        quads = list(store)
        (staging / "plankg.trig").write_bytes(to_trig(quads))
        ox.serialize(quads, staging / "plankg.nq", ox.RdfFormat.N_QUADS)
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        ox.serialize(triples, staging / "plankg.ttl", ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        ox.serialize(triples, staging / "plankg.nt", ox.RdfFormat.N_TRIPLES)
        context = project.jsonld_context()
        (staging / "plankg.jsonld").write_bytes(to_jsonld(quads, context["@context"]))
        (staging / "context.jsonld").write_text(json.dumps(context, indent=1), "utf-8")
        sizes = {
            name: (staging / name).stat().st_size
            for name in ("plankg.trig", "plankg.nq", "plankg.ttl", "plankg.nt", "plankg.jsonld")
        }
        description = describe_dataset(store, sizes)
        for prefix, namespace in PREFIXES.items():
            description.bind(prefix, namespace, override=True, replace=True)
        description.serialize(staging / "void.ttl", format="turtle")
        manifest = {
            "input_hash": digest,
            "software_version": __version__,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "quads": len(quads),
            "graphs": sorted(str(g.value) for g in store.named_graphs()),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), "utf-8")
        _replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _replace(staging: Path, out: Path) -> None:
    """Put the staged build where ``out`` was, keeping other files the folder holds."""
    out.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        item.replace(out / item.name)


def validate_paths(paths: list[Path]) -> tuple[Report, Loaded]:
    """Validate files or folders as a complete dataset, with plankg's ontology and code lists."""
    loaded = load_dataset(paths)
    return validate(loaded), loaded
