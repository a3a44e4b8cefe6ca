"""The dataset under ``/data/``: its description (DCAT-AP + VoID), the dumps, the JSON-LD context."""

from __future__ import annotations

import gzip
import json
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, send_file, url_for

from plankg.tables import project
from plankg.tables.formats import HTML
from plankg.tables.negotiate import choose_format
from plankg.tables.vocab import CANONICAL_BASE, PREFIXES
from plankg.web.caching import etag
from plankg.web.errors import NotHeld
from plankg.web.state import state

bp = Blueprint("dumps", __name__)
DUMPS = {
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_lock = threading.Lock()


@bp.route("/.well-known/void")
def well_known_void() -> Response:
    """The VoID well-known location (VoID §7.2) points at the dataset description."""
    return Response(status=303, headers={"Location": url_for("dumps.dataset"), "Vary": "Accept"})


@bp.route("/data/plankg")
def dataset() -> Response:
    """The dataset description, negotiated (the dumps have the extensions)."""
    chosen = choose_format(None, request.args.get("format"), request.headers.get("Accept"), "page")
    triples = state().description
    if chosen is HTML:
        body = _dataset_page(triples).encode("utf-8")
    else:
        body = ox.serialize(triples, format=chosen.rdf, prefixes=PREFIXES) or b""
    response = Response(body, content_type=chosen.content_type)
    response.headers["Vary"] = "Accept, Accept-Language"  # the HTML variant follows the page language
    response.headers["Content-Location"] = f"{url_for('dumps.dataset')}?format={chosen.name}"
    return response


def _dataset_page(triples: Sequence[ox.Triple]) -> str:
    """The downloads page: the dumps with their sizes and uses, the CSV tables, the licence (quotations
    excepted) and every attribution line; the DCAT-AP description folded below."""
    from plankg.web.facts import compact
    from plankg.web.messages import TEXT, ui_language

    lang = ui_language()
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    rights = [
        t.object.value
        for t in triples
        if t.predicate.value == label and isinstance(t.object, ox.Literal) and t.object.language == lang
    ]
    citations = sorted(
        {
            q.object.value
            for q in state().store.quads_for_pattern(
                None, ox.NamedNode("http://purl.org/dc/terms/bibliographicCitation"), None, None
            )
            if isinstance(q.object, ox.Literal)
        }
    )
    dumps = []
    for extension in DUMPS:  # the sizes of the files as they are: a page view writes no dump
        path = _dump_path(extension, make=False)
        dumps.append((extension, _size(path), _size(path.with_name(path.name + ".gz"))))
    description = [
        tuple(compact(term.value) if isinstance(term, ox.NamedNode) else str(term.value) for term in t)
        for t in sorted(triples, key=str)
    ]
    return render_template(
        "dataset.html",
        dumps=dumps,
        tables=("kommune", "region", "samarbejde"),
        description=description,
        rights=rights,
        citations=citations,
        text=TEXT[lang],
        lang=lang,
    )


def _size(path: Path) -> str:
    """A file's size as people read it (kB, MB); empty while the file is not written yet."""
    if not path.is_file():
        return ""
    size = path.stat().st_size
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} kB"


def _dump_path(extension: str, make: bool = True) -> Path:
    """The file a dump is served from (written once, when first asked for, under another base or from a
    remote store; ``make=False`` only says where it is or will be)."""
    app_state = state()
    if app_state.config.base_uri == CANONICAL_BASE and not app_state.prepared.remote:
        return app_state.prepared.build_dir / f"plankg.{extension}"
    folder = app_state.prepared.build_dir if app_state.prepared.remote else app_state.prepared.store_path.parent
    return _rewritten_dump(folder / "dumps", extension) if make else folder / "dumps" / f"plankg.{extension}"


@bp.route("/data/plankg.<extension>")
@bp.route("/data/plankg.<extension>.gz")
def dump(extension: str) -> Response:
    """A whole-dataset dump (also gzipped); under another base it is written from the store once."""
    if extension not in DUMPS:
        raise NotHeld(f"no dump .{extension}; there are: {', '.join(DUMPS)}")
    path = _dump_path(extension)
    # werkzeug's send_file answers the conditional (and Range) requests, with plankg's ETag.
    tag = etag("dump", extension)
    if request.path.endswith(".gz"):
        gz = _gzipped(path)
        return send_file(gz, mimetype="application/gzip", etag=f"{tag}-gz", conditional=True, max_age=3600)
    response = send_file(path, mimetype=_media_type(extension), etag=tag, conditional=True, max_age=3600)
    response.headers["Content-Type"] = _media_type(extension)
    return response


def _gzipped(path: Path) -> Path:
    """``path`` gzipped beside it, written once (atomically)."""
    target = path.with_name(path.name + ".gz")
    with _lock:
        if not target.exists():
            staging = target.with_suffix(".tmp")
            # No name and no time in the gzip header: every replica writes the same bytes.
            with (
                path.open("rb") as source,
                staging.open("wb") as raw,
                gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as sink,
            ):
                shutil.copyfileobj(source, sink)
            staging.replace(target)
    return target


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """Every document a search engine may want: the dataset, the collections and their members."""
    root = state().config.base_uri.rstrip("/")  # the configured base, never the Host header
    base = state().config.base_uri + "id/"
    paths = [url_for("pages.front"), url_for("pages.overview_map"), url_for("dumps.dataset")]
    for slug, members in state().collections.items():
        paths.append(url_for("linkeddata.document", path=slug))
        paths += [url_for("linkeddata.document", path=member.value[len(base) :]) for member in members]
    urls = "".join(f"<url><loc>{escape(root + p)}</loc></url>\n" for p in paths)
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    return Response(body, content_type="application/xml; charset=utf-8")


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The site icon (SVG, which browsers accept at this path too)."""
    return send_file(Path(__file__).parent / "static" / "favicon.svg", mimetype="image/svg+xml", max_age=86400)


def _media_type(extension: str) -> str:
    return DUMPS[extension].media_type + ("; charset=utf-8" if extension in ("ttl", "jsonld") else "")


def _rewritten_dump(folder: Path, extension: str) -> Path:
    target = folder / f"plankg.{extension}"
    with _lock:
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            store = state().store
            quads = [
                q
                for q in store.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph)
            ]
            staging = target.with_suffix(".tmp")
            if DUMPS[extension].supports_datasets:
                ox.serialize(quads, staging, DUMPS[extension], prefixes=PREFIXES)
            else:
                triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
                ox.serialize(triples, staging, DUMPS[extension], prefixes=PREFIXES)
            staging.replace(target)
    return target


@bp.route("/data/context.jsonld")
def context() -> Response:
    """plankg's JSON-LD context (never fetched from elsewhere)."""
    return Response(json.dumps(project.jsonld_context(), indent=1), content_type="application/ld+json; charset=utf-8")
