"""Dereferenceable URIs (DESIGN §4): ``/id/…`` answers 303 See Other to ``/doc/…``; documents are negotiated.

Precedence: extension (``/doc/kommune/0621.ttl``) > ``?format=`` > Accept; HTML by default. Every
negotiated answer says ``Vary: Accept``, names its variant in ``Content-Location`` and the other
variants in ``Link: rel="alternate"``. See https://www.w3.org/TR/cooluris/ and RFC 9110 §15.4.4.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox
from flask import Blueprint, Response, request, url_for
from werkzeug.http import http_date

from plankg.domain import geo
from plankg.domain.containers import collection_csv, collection_document, collection_name
from plankg.domain.resources import Document, describe
from plankg.tables.formats import FAMILIES, GEOJSON, HTML, TITLES, Format
from plankg.tables.negotiate import NotAcceptable, choose_format
from plankg.tables.vocab import CANONICAL_BASE, PREFIXES
from plankg.web.caching import etag, not_modified
from plankg.web.errors import NotHeld
from plankg.web.messages import ui_language
from plankg.web.pages import render_document
from plankg.web.params import day_param
from plankg.web.state import page_finder, state

bp = Blueprint("linkeddata", __name__)
DOCUMENT_FORMATS = FAMILIES["page"]


@bp.route("/id/<path:path>")
def identifier(path: str) -> Response:
    """The thing itself cannot be sent: 303 See Other to the document about it (Cool URIs §4.3)."""
    target = url_for("linkeddata.document", path=path)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return Response(status=303, headers={"Location": target, "Vary": "Accept"})


def _split_extension(path: str, formats: tuple[Format, ...] = DOCUMENT_FORMATS) -> tuple[str, str | None]:
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension and any(f.extension == extension for f in formats):
        return stem, extension
    return path, None


@bp.route("/doc/<path:path>")
def document(path: str) -> Response:
    """The document about ``/id/{path}``, negotiated; the collections also as CSV tables."""
    resource_path, extension = _split_extension(path, FAMILIES["place-collection"])
    iri = f"{state().config.base_uri}id/{resource_path}"
    base = url_for("linkeddata.document", path=resource_path)
    slug = collection_name(iri, state().config.base_uri)
    if slug is not None:
        return _collection(iri, slug, extension, base)
    if extension == "csv" or request.args.get("format") == "csv":
        cooperation = resource_path.startswith("samarbejde/") and resource_path.count("/") == 1
        if not cooperation or describe(state().store, iri) is None:
            raise NotAcceptable(DOCUMENT_FORMATS, "CSV (tables are offered for the collections and the cooperations)")
        return Response(
            collection_csv(state().store, "samarbejde", iri),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Location": f"{base}.csv"},
        )
    atlas = state().atlas
    family = "place" if iri in atlas.places or iri in atlas.cooperations else "page"
    return _negotiated(iri, extension, base, family)


def _geojson(iri: str) -> bytes:
    """The GeoJSON of a place (a Feature), a cooperation (its members) or a place collection, on ``?dato=``."""
    atlas = state().atlas
    day = day_param(state().config.current_day())
    if iri in atlas.places:
        return geo.to_bytes({**geo.feature(atlas, iri, page_finder(), day), "attribution": atlas.attribution})
    base = state().config.base_uri
    if iri in atlas.cooperations:
        return geo.to_bytes(geo.feature_collection(atlas, geo.members_of(atlas, iri), page_finder(), day, iri))
    kind = {f"{base}id/kommune": "municipality", f"{base}id/region": "region"}[iri]
    return geo.to_bytes(geo.feature_collection(atlas, geo.of_kind(atlas, kind, day), page_finder(), day, iri))


def _collection(iri: str, slug: str, extension: str | None, base: str) -> Response:
    family = "collection" if slug == "samarbejde" else "place-collection"
    chosen = choose_format(extension, request.args.get("format"), request.headers.get("Accept"), family)
    store = state().store
    paged = chosen is not GEOJSON and chosen.extension != "csv"  # the map and the table are whole
    page = max(0, request.args.get("page", 0, type=int) or 0) if paged else 0
    found = collection_document(store, iri, slug, state().collections[slug], page) if paged else None
    if found is not None and found.past_the_last_page:
        raise NotHeld(f"<{iri}> has {found.members_total} members: page {page} is past the last", iri, chosen is HTML)
    tag = _etag(iri, page, chosen)
    links = [
        f'<{base}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in FAMILIES[family] if f is not chosen
    ]
    if found is not None and found.has_next:
        links.append(f'<{base}?page={page + 1}>; rel="next"')
    if page > 0:
        links.append(f'<{base}?page={page - 1}>; rel="prev"')
    headers = _variant_headers(chosen, base, tag, links)
    unchanged = not_modified(tag, headers)
    if unchanged:
        return unchanged
    if found is not None:
        body = _render(found, chosen, base, FAMILIES[family])
    elif chosen is GEOJSON:
        body = _geojson(iri)
    else:
        body = collection_csv(store, slug)
    return Response(body, content_type=chosen.content_type, headers=headers)


def _alternates(chosen: Format, base: str, family: str) -> list[str]:
    return [
        f'<{base}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in FAMILIES[family] if f is not chosen
    ]


def _variant_headers(chosen: Format, base: str, etag: str, links: list[str]) -> dict[str, str]:
    """The headers of a negotiated document; a 304 carries the same ones as its 200 (RFC 9110 §15.4.5)."""
    return {
        "Vary": "Accept, Accept-Language" if chosen is HTML else "Accept",
        "Content-Location": f"{base}.{chosen.extension}",
        "ETag": f'"{etag}"',
        "Cache-Control": "public, max-age=300",
        "Last-Modified": http_date(_built_at()),
        "Link": ", ".join(links),
    }


@bp.route("/def/<path:path>")
def vocabulary(path: str) -> Response:
    """A vocabulary, code-list or shapes term (``/def/…`` IRIs stay canonical whatever the base)."""
    resource_path, extension = _split_extension(path)
    iri = f"{CANONICAL_BASE}def/{resource_path}"
    return _negotiated(iri, extension, url_for("linkeddata.vocabulary", path=resource_path))


def _negotiated(iri: str, extension: str | None, base: str, family: str = "page") -> Response:
    """The document of ``iri`` in the negotiated format; ``base`` is its path without extension."""
    chosen = choose_format(extension, request.args.get("format"), request.headers.get("Accept"), family)
    app_state = state()
    page = max(0, request.args.get("page", 0, type=int) or 0)
    # GeoJSON is drawn from the atlas alone: the RDF document (and its incoming links) is not read for it
    found = None if chosen is GEOJSON else describe(app_state.store, iri, page)
    if found is None and chosen is not GEOJSON:
        raise NotHeld(f"plankg holds nothing about <{iri}>", iri, page=chosen is HTML)
    if found is not None and found.past_the_last_page:
        raise NotHeld(f"<{iri}> has {found.incoming_total} links: page {page} is past the last", iri, chosen is HTML)
    tag = _etag(iri, page, chosen)
    links = [
        f'<{base}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in FAMILIES[family] if f is not chosen
    ]
    if found is not None and found.has_next:
        links.append(f'<{base}?page={page + 1}>; rel="next"')
    if found is not None and page > 0:
        links.append(f'<{base}?page={page - 1}>; rel="prev"')
    headers = _variant_headers(chosen, base, tag, links)
    unchanged = not_modified(tag, headers)
    if unchanged:
        return unchanged
    body = _geojson(iri) if found is None else _render(found, chosen, base, FAMILIES[family])
    return Response(body, content_type=chosen.content_type, headers=headers)


def _etag(iri: str, page: int, chosen: Format) -> str:
    """Document, page, variant, the day asked about (pages and maps change with it) and the page language."""
    day = day_param(state().config.current_day()).isoformat() if chosen in (HTML, GEOJSON) else ""
    return etag(iri, str(page), chosen.media_type, day, ui_language() if chosen is HTML else "")


def _built_at() -> datetime:
    """When the served data were built: the documents' Last-Modified."""
    return datetime.strptime(state().prepared.built_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _render(found: Document, chosen: Format, base: str, offered: tuple[Format, ...] = DOCUMENT_FORMATS) -> bytes:
    if chosen is HTML:
        formats = [(TITLES[f.name], f.media_type, f"{base}.{f.extension}") for f in offered if f is not HTML]
        return render_document(found, base, formats).encode("utf-8")
    # Sorted: the same bytes whatever order a store gives them in (in memory, on disk, remote).
    if chosen.datasets:
        return ox.serialize(sorted(found.quads, key=str), format=chosen.rdf, prefixes=PREFIXES) or b""
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in found.quads}, key=str)
    return ox.serialize(triples, format=chosen.rdf, prefixes=PREFIXES) or b""
