"""plankg: Danish inter-municipal planning cooperation as linked open data.

The public surface: :func:`create_app` (the Flask app factory), :class:`Config` and
:func:`load_config` (the settings), :func:`build` (validate, then write the dumps) and
:func:`validate` (SHACL over a loaded dataset). They are loaded on first use, so that importing a
part of plankg (a query process imports ``plankg.domain.executor``) never loads Flask or rdflib.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("plankg")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

_PUBLIC = {
    "create_app": "plankg.web.app",
    "Config": "plankg.domain.config",
    "load_config": "plankg.domain.config",
    "build": "plankg.domain.build",
    "validate": "plankg.domain.validate",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    """The public names, imported when first asked for (PEP 562)."""
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'plankg' has no attribute {name!r}")
