"""Putting the project's dataset together: vocabulary, registry, sources, membership table."""

from __future__ import annotations

from pathlib import Path

from plankg import project
from plankg.dataset import Loaded, load_paths, read_file
from plankg.namespaces import DEF
from plankg.rdf import iri


def vocabulary_graph(path: Path) -> str:
    """The named graph a vocabulary file is served in: ``/def/{file stem}``."""
    return str(DEF[path.stem])


def load_vocabulary() -> Loaded:
    """The ontology and code lists, each file in a graph of its own."""
    loaded = Loaded()
    for path in project.vocabulary_files():
        loaded.add(read_file(path, iri(vocabulary_graph(path))), str(path))
        loaded.files.append(path)
    return loaded


def load_project() -> Loaded:
    """The whole project dataset: vocabulary, every RDF file under data/, the membership table."""
    from plankg.memberships import load_memberships

    loaded = load_vocabulary()
    loaded.extend(load_paths([project.data_dir()]))
    loaded.extend(load_memberships(project.data_dir(), loaded.quads))
    return loaded
