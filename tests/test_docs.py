"""The README documents every command and every route."""

from __future__ import annotations

import re

import click

from plankg.cli import main

from .support import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def commands(group: click.Group, prefix: str = "plankg") -> list[str]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix} {name}")
        else:
            found.append(f"{prefix} {name}")
    return found


def test_every_command_is_in_the_readme() -> None:
    names = commands(main)
    assert len(names) >= 5
    assert [n for n in names if f"`{n}" not in README] == []


def test_every_route_is_in_the_readme(app) -> None:  # type: ignore[no-untyped-def]
    rules = {re.sub(r"<[^>]+>", "…", rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert {"/sparql", "/-/health", "/-/version", "/-/config"} <= rules
    assert [r for r in rules if f"`{r}`" not in README] == []


def _pinned() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text("utf-8").splitlines()
    pairs = (line.split("==") for line in lines if line and not line.startswith("#"))
    return {name.lower().replace("_", "-"): version for name, version in pairs}


def test_the_readme_commands_install_the_proven_versions() -> None:
    setup = [line for line in README.splitlines() if line.startswith("python3 -m pip install")]
    assert len(setup) == 2
    assert all("-c constraints.txt" in line for line in setup)
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert setup[1] in ci.splitlines()


def test_every_declared_dependency_is_pinned() -> None:
    import tomllib
    from importlib import metadata

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    names = {re.split(r"[<>=!~\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in declared}
    pinned = _pinned()
    assert sorted(names - pinned.keys()) == []
    # what is installed is what the file pins (a machine that drifted from the proven set fails here)
    drift = {n: (metadata.version(n), pinned[n]) for n in names if metadata.version(n) != pinned[n]}
    assert drift == {}
