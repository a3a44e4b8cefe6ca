"""Shared fixtures: the project's dataset, loaded once, in the real store; the app; a live server.

Helpers live in ``support.py``: tests import them from there, never from here.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from plankg.domain.assemble import load_project
from plankg.domain.dataset import Loaded
from plankg.domain.store import load_store

from .support import ARGS, CHROMIUM, LiveServer


@pytest.fixture(scope="session")
def project_loaded() -> Loaded:
    return load_project()


@pytest.fixture(scope="session")
def store(project_loaded: Loaded) -> ox.Store:
    return load_store(project_loaded.quads)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def app(cache_dir: Path):  # type: ignore[no-untyped-def]
    from plankg.web.app import create_app

    application = create_app({"cache_dir": cache_dir, "query_timeout": 3, "result_limit": 1000})
    yield application
    application.extensions["plankg"].pool.close()


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(cache_dir: Path):  # type: ignore[no-untyped-def]
    server = LiveServer(cache_dir, env={"PLANKG_QUERY_TIMEOUT": "3", "PLANKG_RESULT_LIMIT": "1000"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Headless Chromium (Debian's), one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
