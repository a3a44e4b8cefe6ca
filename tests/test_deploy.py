"""The deployment recipes in deploy/: their settings load, and the image's build step really prepares the data."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from plankg.domain.config import load_config

from .support import ROOT

DEPLOY = ROOT / "deploy"


def test_the_example_settings_load_as_they_are() -> None:
    config = load_config(DEPLOY / "plankg.toml")  # an unknown or mistyped setting would raise
    assert config.workers == 2 and config.max_in_flight == 16 and config.rate_limit


def test_the_container_build_step_prepares_a_servable_store(tmp_path: Path) -> None:
    recipe = (DEPLOY / "Containerfile").read_text("utf-8")
    command = next(line for line in recipe.splitlines() if line.startswith("RUN python -c"))
    argv = shlex.split(command.removeprefix("RUN "))
    env_block = re.search(r"^ENV (.*?)(?=^\S)", recipe, re.MULTILINE | re.DOTALL)
    assert env_block is not None
    settings = dict(re.findall(r"(PLANKG_\w+)=(\S+)", env_block.group(1)))
    settings["PLANKG_CACHE_DIR"] = str(tmp_path / "cache")  # the image's path, here under tmp
    result = subprocess.run(
        [sys.executable, *argv[1:]], env={**os.environ, **settings}, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "cache").glob("builds/*/store-*/READY"))


def test_the_systemd_unit_reloads_with_sighup_and_stops_with_sigterm() -> None:
    unit = (DEPLOY / "plankg.service").read_text("utf-8")
    assert "ExecReload=/bin/kill -HUP $MAINPID" in unit and "KillSignal=SIGTERM" in unit
    assert re.search(r"^ExecStart=\S+plankg serve$", unit, re.MULTILINE)
