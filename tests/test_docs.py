"""The README documents every command and every route."""

from __future__ import annotations

import re

import click

from plankg.cli import main

from .conftest import ROOT

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
