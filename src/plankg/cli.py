"""The ``plankg`` command: thin wrappers around the domain functions.

Exit codes: 0 ok, 1 invalid data, 2 usage or parse error.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from plankg import __version__
from plankg.domain.csvfiles import DataError
from plankg.tables import project

EXIT_INVALID = 1
EXIT_USAGE = 2


def data_option(verb: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The repeatable ``--data PATH`` option, saying what the command does with it."""
    return click.option(
        "--data",
        "paths",
        multiple=True,
        type=click.Path(path_type=Path),
        help=f"{verb} these files or folders instead of the project's data (repeatable).",
    )


REGISTRY_DIR = click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the registry tables (default: the project's data/registry).",
)
CONFIG_HELP = "A TOML file with a [plankg] table of settings (also PLANKG_CONFIG)."
FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


@click.group()
@click.version_option(__version__, prog_name="plankg")
def main() -> None:
    """plankg: Danish inter-municipal planning cooperation as linked open data."""


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print an error and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@FORMAT
def validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Validate the project's data, or PATHS (files or folders) with the project's vocabulary."""
    from plankg.domain.assemble import load_project
    from plankg.domain.build import validate_paths
    from plankg.domain.validate import validate as run_validation

    started = time.perf_counter()
    try:
        report = validate_paths(list(paths))[0] if paths else run_validation(load_project())
    except DataError as error:
        fail(str(error))
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
    else:
        click.echo(report.as_text())
        click.echo(f"({time.perf_counter() - started:.1f} s)", err=True)
    sys.exit(0 if report.conforms else EXIT_INVALID)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("build"), show_default=True)
@data_option("Build")
@click.option("--force", is_flag=True, help="Rebuild even if the inputs have not changed.")
def build(out: Path, paths: tuple[Path, ...], force: bool) -> None:
    """Validate the project's data (or --data) and write the dumps and void.ttl into OUT."""
    from plankg.domain.build import InvalidData
    from plankg.domain.build import build as run_build

    started = time.perf_counter()
    try:
        result = run_build(out, list(paths) or None, force=force)
    except DataError as error:
        fail(str(error))
    except InvalidData as error:
        click.echo(error.report.as_text())
        fail("nothing was written", EXIT_INVALID)
    state = "unchanged inputs, kept" if result.cached else "wrote"
    click.echo(
        f"{state} {out}: {result.manifest['quads']} quads in {len(result.manifest['graphs'])} graphs "  # type: ignore[arg-type]
        f"({time.perf_counter() - started:.1f} s)"
    )


@main.group(name="import")
def import_() -> None:
    """Regenerate derived data from the project's source tables."""


@import_.command(name="registry")
@REGISTRY_DIR
def import_registry(folder: Path | None) -> None:
    """Generate registry.trig from the municipality and region tables and the boundaries."""
    from plankg.domain.registry import write_registry

    try:
        target = write_registry(folder or project.data_dir() / "registry")
    except DataError as error:
        fail(str(error))
    click.echo(f"wrote {target}")


@main.command()
@click.option("--to", "target", required=True, metavar="sparql:URL", help="The store (also PLANKG_STORE).")
@data_option("Publish")
@click.option("--rollback", is_flag=True, help="Make the previous version live again instead.")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds per request to the store.")
def publish(target: str, paths: tuple[Path, ...], rollback: bool, timeout: float) -> None:
    """Publish the validated data to a remote store as a new version, switched to when complete.

    The update URL and the credentials come from PLANKG_STORE_UPDATE_URL, PLANKG_STORE_USER and
    PLANKG_STORE_PASSWORD.
    """
    from plankg.domain.build import InvalidData, build
    from plankg.domain.config import _store_setting, load_config
    from plankg.domain.publish import publish as publish_version
    from plankg.domain.publish import rollback as rollback_version
    from plankg.domain.remote import Endpoints, RemoteQueryError
    from plankg.domain.serving import data_key
    from plankg.domain.store import StoreUnavailable

    try:
        config = load_config(environ=dict(os.environ), overrides={"data": list(paths) or None})
        endpoints = Endpoints.from_config(config, _store_setting(target))
    except ValueError as error:
        fail(str(error))
    try:
        if rollback:
            live = rollback_version(endpoints, timeout)
            click.echo(f"rolled back: version {live.version} (built {live.built_at}) is live again")
            return
        data = list(config.data) or [project.data_dir()]
        result = build(config.cache_dir / "builds" / data_key(data), data)
        version = str(result.manifest["input_hash"])[:12]
        import pyoxigraph as ox

        from plankg.domain.serving import description_triples
        from plankg.tables.vocab import CANONICAL_BASE

        quads = list(ox.parse(path=result.out / "plankg.nq", format=ox.RdfFormat.N_QUADS))  # what was validated
        description = description_triples(result.out, CANONICAL_BASE)

        def progress(graph: str, triples: int) -> None:
            click.echo(f"staged {graph}: {triples} triples", err=True)

        live = publish_version(
            endpoints, quads, version, str(result.manifest["built_at"]), description, timeout, progress
        )
    except InvalidData as error:
        click.echo(error.report.as_text())
        fail("the data are invalid; nothing was published", EXIT_INVALID)
    except (StoreUnavailable, RemoteQueryError, TimeoutError, DataError) as error:
        fail(f"{error}; the live version is unchanged")
    click.echo(f"published version {live.version}: {sum(live.graphs.values())} triples in {len(live.graphs)} graphs")


@main.group()
def link() -> None:
    """Reconcile the registry links with a registry snapshot or with Wikidata.

    Exit status: 0 when nothing differs (or the change was written), 1 when the report lists
    differences to review, 2 when the source cannot be read or the change would not be valid data.
    """


REPORT_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
TIMEOUT = click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for a remote source."
)


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


def _finish(report: Any, fmt: str, wrote: bool) -> None:
    click.echo(report.as_json() if fmt == "json" else report.as_table())
    if report.differences and not wrote:
        raise SystemExit(1)


@link.command(name="dagi")
@click.argument("source")
@REGISTRY_DIR
@REPORT_FORMAT
@click.option("--write", is_flag=True, help="Take the snapshot's values into the tables and regenerate the registry.")
@click.option("--retrieved", default=None, metavar="YYYY-MM-DD", help="When the snapshot was taken (default today).")
@click.option("--upstream", default=None, help="The snapshot's origin (URL); default SOURCE when it is a URL.")
@TIMEOUT
def link_dagi(
    source: str, folder: Path | None, fmt: str, write: bool, retrieved: str | None, upstream: str | None, timeout: float
) -> None:
    """Compare the municipalities and regions with a DAWA-shaped registry snapshot (file or URL)."""
    import re

    from plankg.domain.linking import LinkError, read_snapshot, reconcile
    from plankg.domain.registry_update import write_snapshot

    folder = folder or project.data_dir() / "registry"
    retrieved = retrieved or _today()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", retrieved):
        fail(f"--retrieved {retrieved!r} is not YYYY-MM-DD")
    origin = upstream or (source if re.match(r"^https?://", source) else None)
    if write and origin is None:
        fail("--write needs --upstream URL: where the snapshot file came from (its provenance)")
    try:
        records = read_snapshot(source, timeout)
        report = reconcile(records, folder, source)
        if write:
            report.written = write_snapshot(records, folder, str(origin), retrieved)
    except (LinkError, DataError) as error:
        fail(str(error))
    _finish(report, fmt, write)


@link.command(name="wikidata")
@click.option("--endpoint", default=None, help="A SPARQL endpoint with Wikidata's model (default: Wikidata's).")
@REGISTRY_DIR
@REPORT_FORMAT
@click.option("--write", is_flag=True, help="Record the confirmed links with the date of the check.")
@click.option("--date", "checked", default=None, metavar="YYYY-MM-DD", help="The date of the check (default today).")
@TIMEOUT
def link_wikidata(
    endpoint: str | None, folder: Path | None, fmt: str, write: bool, checked: str | None, timeout: float
) -> None:
    """Check the municipalities' Wikidata links (schema:sameAs) against P1168 at a SPARQL endpoint."""
    from plankg.domain.linking import WIKIDATA_ENDPOINT, LinkError, check_wikidata, wikidata_items
    from plankg.domain.registry_update import write_wikidata_check

    folder = folder or project.data_dir() / "registry"
    endpoint = endpoint or WIKIDATA_ENDPOINT
    try:
        report = check_wikidata(wikidata_items(endpoint, timeout), folder, endpoint)
        if write:
            report.written = write_wikidata_check(report, folder, endpoint, checked or _today())
    except (LinkError, DataError) as error:
        fail(str(error))
    _finish(report, fmt, write)


@main.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 5000).")
@data_option("Serve (after building and validating)")
@click.option(
    "--base-uri", default=None, help="Base of the served /id/, /graph/ and /data/ IRIs (also PLANKG_BASE_URI)."
)
@click.option("--workers", type=int, default=None, help="gunicorn worker processes (default 1).")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), help=CONFIG_HELP)
@click.option("--debug", is_flag=True, help="Flask's development server instead of gunicorn.")
def serve(
    host: str | None,
    port: int | None,
    paths: tuple[Path, ...],
    base_uri: str | None,
    workers: int | None,
    config_file: Path | None,
    debug: bool,
) -> None:
    """Serve the data: SPARQL endpoint, documents, pages."""
    from plankg.domain.build import InvalidData
    from plankg.domain.config import load_config
    from plankg.domain.serving import check_store, prepare
    from plankg.domain.store import StoreUnavailable
    from plankg.web.server import run

    overrides = {
        "host": host,
        "port": port,
        "data": list(paths) or None,
        "base_uri": base_uri,
        "workers": workers,
        "debug": debug or None,
    }
    try:
        config = load_config(config_file, dict(os.environ), overrides)
        prepared = prepare(config)
        check_store(prepared)
        _check_sandbox(config.unsafe_query_network)
    except StoreUnavailable as error:
        fail(f"{error}; the server was not started")
    except OSError as error:
        fail(f"cannot prepare the data in {config.cache_dir} ({error}); the server was not started")
    except ValueError as error:
        fail(str(error))
    except DataError as error:
        fail(str(error))
    except InvalidData as error:
        click.echo(error.report.as_text())
        fail("the data are invalid; the server was not started", EXIT_INVALID)
    click.echo(
        f"plankg {__version__}: data version {prepared.version}, {prepared.quads} quads; "
        f"serving on http://{config.host}:{config.port}/sparql",
        err=True,
    )
    run(config, prepared)


def _check_sandbox(unsafe: bool) -> None:
    """Refuse to serve when query processes would keep the network, unless the operator said so (loudly)."""
    from plankg.domain.sandbox import check

    if unsafe:
        click.echo(
            "WARNING: PLANKG_UNSAFE_QUERY_NETWORK is set: query processes keep the network, and SERVICE is"
            " stopped by the query guard alone",
            err=True,
        )
        return
    problem = check()
    if problem is not None:
        fail(
            f"query processes cannot be denied the network here ({problem}); the server was not started."
            " Set PLANKG_UNSAFE_QUERY_NETWORK=1 only behind other egress controls"
        )


@main.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]), default="table", show_default=True
)
@data_option("Query")
def query(name: str | None, params: tuple[str, ...], fmt: str, paths: tuple[Path, ...]) -> None:
    """Run a named query (queries/NAME.rq) or a query file; with no NAME, list the queries."""
    from plankg.domain.results import write_results
    from plankg.tables.queries import QueryError, find_query, list_queries

    if name is None:
        for named in list_queries():
            declared = " ".join(f"[{p.name}={p.default or '…'}]" for p in named.parameters)
            click.echo(f"{named.name:40} {named.title} {declared}")
        return
    try:
        named = find_query(name)
        values = dict(_split_param(p) for p in params)
        store = _query_store(paths)
        write_results(store, named, values, fmt, sys.stdout.buffer)
    except (QueryError, DataError) as error:
        fail(str(error))
    except SyntaxError as error:
        fail(f"{name}: SPARQL syntax error: {error}")


def _split_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        fail(f"--param takes NAME=VALUE, got {text!r}")
    return name.strip(), value


def _query_store(paths: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    from plankg.domain.assemble import load_dataset, load_project
    from plankg.domain.store import load_store

    loaded = load_dataset(paths) if paths else load_project()
    return load_store(loaded.quads)
