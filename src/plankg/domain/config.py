"""Configuration, flowing one way: defaults → config file → ``PLANKG_*`` environment → flags or a test mapping.

Nothing reads the environment at import or request time: the command line (or a test) builds a
:class:`Config` once and hands it to the app factory.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from plankg.tables.vocab import CANONICAL_BASE


def default_cache_dir() -> Path:
    """Where prepared builds and stores are kept (``$XDG_CACHE_HOME/plankg`` or ``~/.cache/plankg``)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "plankg"


@dataclass(frozen=True)
class Config:
    """Every setting of a plankg server, with its default."""

    data: tuple[Path, ...] = ()
    base_uri: str = CANONICAL_BASE
    query_timeout: float = 10.0
    result_limit: int = 100_000
    max_request_bytes: int = 1024 * 1024
    query_processes: int = 2
    queue_timeout: float = 10.0
    cache_dir: Path = field(default_factory=default_cache_dir)
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 1
    threads: int = 32
    max_in_flight: int = 16  # per server process; more concurrent requests are answered 503 + Retry-After
    debug: bool = False
    query_memory_mb: int = 1024  # per query process (RLIMIT_DATA); a query needing more is stopped
    rate_limit: str = ""  # per client address, e.g. "120/minute"; empty: no rate limiting
    store: str = ""  # "" / oxigraph, oxigraph:memory, oxigraph:/path, or sparql:URL (an existing engine)
    # Query processes may open network connections (no seccomp filter). Only for a system without
    # seccomp, and only behind other egress controls: SERVICE would then depend on the guard alone.
    unsafe_query_network: bool = False
    request_timeout: float = 10.0  # seconds a client may take to send its request line, headers and body
    connection_limit: int = 1000  # open connections per server process (slow ones included)
    # An existing SPARQL engine's update endpoint and credentials (for publishing); never shown.
    store_update_url: str = ""
    store_user: str = ""
    store_password: str = ""
    # The day the server treats as "today" (YYYY-MM-DD): empty for the real date. For tests and for
    # "as of" views; with it empty, every page changes by itself at midnight (e.g. on 2027-01-01).
    today: str = ""

    def current_day(self) -> dt.date:
        """The day "today" means: the setting if there is one, else the real date."""
        return dt.date.fromisoformat(self.today) if self.today else dt.date.today()

    def as_public_dict(self) -> dict[str, Any]:
        """The effective configuration for ``/-/config``, as a public visitor may see it: no file paths."""
        hidden = {"data", "cache_dir", "store_user", "store_password"}
        public = {k: v for k, v in asdict(self).items() if k not in hidden}
        public["store_credentials"] = "set" if self.store_user or self.store_password else "none"
        public["data"] = f"{len(self.data)} path(s) given" if self.data else "the embedded data"
        if self.store.startswith("oxigraph:/"):
            public["store"] = "oxigraph:(a folder)"
        return public


_CONVERTERS: dict[str, Any] = {
    "data": lambda v: tuple(Path(p) for p in (v.split(os.pathsep) if isinstance(v, str) else v) if p),
    "base_uri": lambda v: normalise_base(str(v)),
    "query_timeout": float,
    "result_limit": int,
    "max_request_bytes": int,
    "query_processes": int,
    "queue_timeout": float,
    "cache_dir": Path,
    "host": str,
    "port": int,
    "workers": int,
    "threads": int,
    "max_in_flight": int,
    "query_memory_mb": int,
    "rate_limit": str,
    "store": lambda v: _store_setting(str(v)),
    "debug": lambda v: _flag(v),
    "unsafe_query_network": lambda v: _flag(v),
    "request_timeout": float,
    "connection_limit": int,
    "store_update_url": str,
    "store_user": str,
    "store_password": str,
    "today": lambda v: _day(str(v)),
}


def _day(value: str) -> str:
    if value:
        dt.date.fromisoformat(value)  # a ValueError names the bad value
        if len(value) != 10:
            raise ValueError("expected YYYY-MM-DD")
    return value


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")


def _store_setting(value: str) -> str:
    """``oxigraph`` (the prepared on-disk store, the default), ``oxigraph:memory``, ``oxigraph:/path``
    (the on-disk store kept under that folder) or ``sparql:http(s)://…`` (an existing engine)."""
    if value in ("", "oxigraph"):
        return ""
    if value == "oxigraph:memory" or value.startswith(("oxigraph:/", "sparql:http://", "sparql:https://")):
        return value
    raise ValueError(
        f"store {value!r}: expected oxigraph, oxigraph:memory, oxigraph:/path or sparql:http(s)://host:port/path"
    )


def normalise_base(base: str) -> str:
    """A base URI ending in exactly one slash."""
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"base URI {base!r} must be an http(s) URI")
    return base.rstrip("/") + "/"


def _apply(config: Config, values: Mapping[str, Any], origin: str) -> Config:
    known = {f.name for f in fields(Config)}
    changes = {}
    for key, value in values.items():
        if key not in known:
            raise ValueError(f"{origin}: unknown setting {key!r}")
        if value is None:
            continue
        try:
            changes[key] = _CONVERTERS[key](value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{origin}: bad value for {key}: {value!r} ({error})") from error
    return replace(config, **changes)


def load_config(
    file: Path | None = None, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Config:
    """Defaults, then the TOML ``file`` (or ``PLANKG_CONFIG``), then ``PLANKG_*`` of ``environ``, then ``overrides``."""
    config = Config()
    if file is None and environ is not None and environ.get("PLANKG_CONFIG"):
        file = Path(environ["PLANKG_CONFIG"])
    if file is not None:
        with file.open("rb") as handle:
            config = _apply(config, tomllib.load(handle).get("plankg", {}), str(file))
    if environ is not None:
        known = {f.name for f in fields(Config)}
        from_env = {
            key[len("PLANKG_") :].lower(): value
            for key, value in environ.items()
            if key.startswith("PLANKG_") and key[len("PLANKG_") :].lower() in known
        }
        config = _apply(config, from_env, "environment")
    return _apply(config, overrides or {}, "settings")
