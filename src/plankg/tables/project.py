"""Where the project's own files are: ontology, shapes, data, queries.

In a source checkout (an editable install) they sit at the top of the repository; a wheel
carries them inside the package (see ``pyproject.toml``). Nothing here reads ``../shared``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plankg.tables.vocab import PREFIXES

_PACKAGE = Path(__file__).resolve().parent.parent  # the plankg package


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"plankg's {name}/ folder is missing from this installation")


def ontology_dir() -> Path:
    """The folder of the ontology, code lists and shapes."""
    return _locate("ontology")


def data_dir() -> Path:
    """The folder of the project's data (registry tables, sources, cooperations)."""
    return _locate("data")


def queries_dir() -> Path:
    """The folder of the competency questions (``*.rq``)."""
    return _locate("queries")


def shapes_file() -> Path:
    """The SHACL shapes of plankg's data."""
    return ontology_dir() / "shapes.ttl"


def vocabulary_files() -> list[Path]:
    """The ontology and code-list files (everything in ontology/ but the shapes)."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def dcat_ap_dir() -> Path:
    """The copy of the official DCAT-AP 3.0.1 SHACL shapes."""
    return _PACKAGE / "dcat_ap"


def jsonld_context() -> dict[str, Any]:
    """plankg's JSON-LD context document (``/data/context.jsonld``): its prefixes."""
    return {"@context": dict(PREFIXES)}
