"""Shared fixtures: the project's dataset, loaded once, in the real store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from plankg.assemble import load_project
from plankg.dataset import Loaded
from plankg.store import load_store

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def project_loaded() -> Loaded:
    return load_project()


@pytest.fixture(scope="session")
def store(project_loaded: Loaded) -> ox.Store:
    return load_store(project_loaded.quads)


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Run a SELECT over the union of graphs; rows as {variable: lexical value}."""
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]  # type: ignore[union-attr]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the real ``plankg`` command line in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "plankg", *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )
