"""The house's layers, read from the code: what may import what (README "The code's layers")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .support import ROOT

PACKAGE = ROOT / "src" / "plankg"


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def test_each_layer_imports_only_what_lies_below_it() -> None:
    allowed = {
        "tables": ("plankg.tables",),
        "domain": ("plankg.tables", "plankg.domain"),
        "web": ("plankg.tables", "plankg.domain", "plankg.web"),
    }
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        own = layer(path)
        for module in imports_of(path):
            if module.startswith("plankg.") and own in allowed and not module.startswith(allowed[own]):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert wrong == []


def test_flask_only_in_web_click_only_in_the_cli_rdflib_never_in_tables() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        own, modules = layer(path), {m.split(".")[0] for m in imports_of(path)}
        if "flask" in modules and own != "web":
            wrong.append(f"Flask in {path.relative_to(PACKAGE)}")
        if "click" in modules and path.name != "cli.py":
            wrong.append(f"click in {path.relative_to(PACKAGE)}")
        if "rdflib" in modules and own == "tables":
            wrong.append(f"rdflib in {path.relative_to(PACKAGE)}")
    assert wrong == []


def test_a_query_process_loads_neither_flask_nor_rdflib() -> None:
    """What the worker imports (executor → evaluate → guard, sandbox, tables), in a fresh interpreter."""
    program = (
        "import sys, plankg.domain.executor\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'rdflib', 'click', 'werkzeug'}))"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_the_public_surface() -> None:
    import plankg

    assert set(plankg.__all__) >= {"create_app", "Config", "load_config", "build", "validate"}
    assert plankg.load_config().query_timeout > 0
    assert callable(plankg.create_app) and callable(plankg.build) and callable(plankg.validate)
