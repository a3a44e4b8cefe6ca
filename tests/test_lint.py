"""The code we want to live in: ruff lint and format, mypy strict, on every run of the tests."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .support import ROOT


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "src", "tests", "benchmarks"],
        ["ruff", "format", "--check", "src", "tests", "benchmarks"],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_lint(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_benchmark_imports() -> None:
    """A benchmark that no longer starts is found here, not when its figures are wanted (run in a process of
    its own: the benchmarks put their folder on the import path)."""
    program = (
        "import importlib.util, pathlib, sys\n"
        "failed = []\n"
        "for path in sorted(pathlib.Path('benchmarks').glob('*.py')):\n"
        "    spec = importlib.util.spec_from_file_location('benchmark_' + path.stem, path)\n"
        "    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # as an import would\n"
        "    try:\n"
        "        spec.loader.exec_module(module)\n"
        "    except Exception as error:\n"
        "        failed.append(f'{path}: {type(error).__name__}: {error}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
