"""HTML pages: Danish by default, English by ``?lang=en`` or Accept-Language; every link stays on the server."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyoxigraph as ox
from flask import Blueprint, Response, render_template

from plankg.domain.containers import RDFS_MEMBER
from plankg.domain.evidence import Evidence, state_on
from plankg.domain.geo import Atlas
from plankg.domain.membership_lookup import membership_rows, memberships_of
from plankg.domain.resources import PAGE_SIZE, Document
from plankg.tables.formats import GEOJSON, TABLE, TITLES
from plankg.tables.vocab import PREFIXES
from plankg.web.facts import Labeller, Sources, compact, grouped_facts
from plankg.web.messages import MAP_TEXT, MEMBERSHIP_STATES, TEXT, human_date, ui_language
from plankg.web.params import day_param
from plankg.web.state import local_href, page_finder, state
from plankg.web.summary import Summary, region_entry

bp = Blueprint("pages", __name__)
#: Kinds the map does not show until asked: they cover the whole country or a region.
HIDDEN_KINDS = ("kommunekontaktraad", "planlaegningsomraade")
ORG_MEMBER = ox.NamedNode(PREFIXES["org"] + "member")
#: The registry identifiers and links a municipality or region page shows: predicate, datatype, kind.
REGISTRY_FACTS = (
    ("http://www.w3.org/ns/org#identifier", None, "code"),
    ("http://purl.org/dc/terms/identifier", PREFIXES["plankg"] + "DagiId", "dagi"),
    ("http://www.w3.org/2000/01/rdf-schema#seeAlso", None, "dawa"),
    ("http://schema.org/sameAs", None, "wikidata"),
)


def registry_rows(found: Document, sources: Sources, place_kind: str) -> list[dict[str, object]]:
    """The resource's registry identifiers and links, each with its graph's source (a linked title, a date)."""
    rows: list[dict[str, object]] = []
    for predicate, datatype, fact in REGISTRY_FACTS:
        for q in found.quads:
            value = q.object
            if not isinstance(q.subject, ox.NamedNode) or q.subject.value != found.iri:
                continue
            if q.predicate.value != predicate or not isinstance(value, (ox.NamedNode, ox.Literal)):
                continue
            if datatype and not (isinstance(value, ox.Literal) and value.datatype.value == datatype):
                continue
            rows.append(
                {
                    "kind": f"code_{place_kind}" if fact == "code" else fact,
                    "value": value.value,
                    "href": value.value if fact == "wikidata" else "",
                    "sources": sources.of(q.graph_name),
                }
            )
    return rows


def _map_mode(iri: str, atlas: Atlas) -> str:
    """What a page's map shows: a cooperation's members, a region, a municipality and its neighbours, or a list."""
    if iri in atlas.cooperations:
        return "members"
    if iri in atlas.places:
        return "region" if atlas.places[iri].kind == "region" else "place"
    return "all"


def region_summary(iri: str, atlas: Atlas, lang: str, today: date) -> dict[str, object] | None:
    """A region's lifetime and lineage (a municipality's regions are among its key facts: ``Summary``)."""
    place = atlas.places.get(iri)
    if place is None or place.kind != "region":
        return None
    return {
        "lifetime": region_entry(atlas, iri, lang, today, local_href),
        "formed_from": [region_entry(atlas, r, lang, today, local_href) for r in place.originals],
        "succeeded_by": [region_entry(atlas, r, lang, today, local_href) for r in place.successors],
    }


def cooperations_by_kind(
    atlas: Atlas, lang: str, today: date, shown: set[str]
) -> list[tuple[str, list[dict[str, object]]]]:
    """The cooperations (and planning areas) on a page of ``/id/samarbejde`` (``shown``) grouped by kind,
    with members today."""
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    href = page_finder()
    cooperations = [(uri, names) for uri, names in atlas.cooperations.items() if uri in shown]
    for uri, names in sorted(cooperations, key=lambda item: item[1].get(lang) or item[1].get("da", "")):
        states = [state_on(evidence, today.isoformat())[0] for _, evidence in atlas.memberships_of.get(uri, [])]
        entry: dict[str, object] = {
            "name": names.get(lang) or names.get("da", uri),
            "href": href(uri) or "",
            "colour": atlas.colour_index(uri),
            "members": states.count("member"),
            "documented": states.count("last documented"),
            "all": len(states),
        }
        grouped[atlas.kinds.get(uri, "")].append(entry)
    named = [(atlas.kind_names.get(kind, {}).get(lang) or compact(kind), items) for kind, items in grouped.items()]
    return sorted(named, key=lambda item: item[0])


def regions_by_state(atlas: Atlas, lang: str, today: date) -> dict[str, list[dict[str, str]]]:
    """The regions of ``/id/region``, current, former and coming apart."""
    grouped: dict[str, list[dict[str, str]]] = {"current": [], "former": [], "future": []}
    for place in sorted(atlas.places.values(), key=lambda p: (p.code or "~", p.uri)):
        if place.kind == "region":
            entry = region_entry(atlas, place.uri, lang, today, local_href)
            grouped[entry["state"]].append(entry)
    return grouped


def _describe_membership(row: dict[str, str], names: Labeller) -> dict[str, object]:
    """A membership row as a page shows it: links, the kind, dates as people write them, the state today."""
    atlas, today, lang = state().atlas, state().config.current_day().isoformat(), names.lang
    evidence = Evidence(
        str(row.get("fra", "")),
        str(row.get("til", "")),
        str(row.get("paa_dato", "")).split(),
        str(row.get("kendt_til", "")),
    )
    status, documented = state_on(evidence, today)
    kind = str(row.get("art", ""))
    return dict(
        row,
        cooperation_href=names.local_href(str(row["uri"])) or "",
        member_href=names.local_href(str(row["medlem"])) or "",
        colour=atlas.colour_index(str(row["uri"])),
        kind=atlas.kind_names.get(kind, {}).get(lang, "") or compact(kind),
        dates={key: human_date(str(row[key]), lang) for key in ("fra", "til") if row.get(key)},
        seen=[human_date(day, lang) for day in evidence.seen],
        state=status,
        state_text=MEMBERSHIP_STATES[lang][status] + (f" {human_date(documented, lang)}" if documented else ""),
        sources=[(names.label(iri), names.local_href(iri) or iri) for iri in str(row.get("kilder", "")).split()],
        notes=[note for note in str(row.get("noter", "")).split(" | ") if note],
    )


def _members(found: Document) -> set[str]:
    """The members a page of a collection shows."""
    return {
        q.object.value
        for q in found.quads
        if q.predicate == RDFS_MEMBER and isinstance(q.object, ox.NamedNode) and q.subject == ox.NamedNode(found.iri)
    }


def _linked_memberships(found: Document) -> list[ox.NamedNode]:
    """The memberships of the resource among the links a page of its document shows (a member of hundreds
    of cooperations is paged with its links)."""
    resource = ox.NamedNode(found.iri)
    return [
        q.subject
        for q in found.quads
        if q.predicate == ORG_MEMBER and q.object == resource and isinstance(q.subject, ox.NamedNode)
    ]


def render_document(found: Document, base: str, formats: list[tuple[str, str, str]]) -> str:
    """The HTML page of a resource document: what it is first, then its facts grouped, then the formats."""
    lang = ui_language()
    app_state = state()
    names = Labeller(found.quads, lang, app_state.store, page_finder())
    names.look_up(term for q in found.quads for term in (q.subject, q.predicate, q.object))
    sources = Sources(app_state.config.base_uri, names)
    sources.look_up(q.graph_name for q in found.quads)
    store, atlas, today = app_state.store, app_state.atlas, app_state.config.current_day()
    if found.iri in atlas.cooperations:  # lookups bounded by the resource (never a scan of every membership)
        memberships = memberships_of(store, cooperation=found.iri)
    else:
        memberships = membership_rows(store, _linked_memberships(found)) if found.iri in atlas.places else []
    names.look_up(ox.NamedNode(iri) for row in memberships for iri in str(row.get("kilder", "")).split())
    geojson = next((href for _, media_type, href in formats if media_type == GEOJSON.media_type), None)
    summary = Summary(found, names, sources, atlas, today)
    if summary.kind == "cooperation":  # its memberships as a table, as on the dataset page
        formats = [*formats, (TITLES["table"], TABLE.media_type, f"{base}.csv")]
    base_uri = app_state.config.base_uri
    return render_template(
        "resource.html",
        summary=summary,
        regions=region_summary(found.iri, atlas, lang, today),
        region_groups=regions_by_state(atlas, lang, today) if found.iri == f"{base_uri}id/region" else None,
        cooperation_groups=cooperations_by_kind(atlas, lang, today, _members(found))
        if found.iri == f"{base_uri}id/samarbejde"
        else None,
        today=human_date(today.isoformat(), lang),
        registry=registry_rows(found, sources, atlas.places[found.iri].kind) if found.iri in atlas.places else [],
        geojson=geojson,
        map_mode=_map_mode(found.iri, atlas),
        map_text=MAP_TEXT[lang],
        memberships=[_describe_membership(membership, names) for membership in memberships],
        title=summary.title(),
        iri=found.iri,
        sections=grouped_facts(found.quads, found.iri, names, sources),
        text=TEXT[lang],
        lang=lang,
        document=found,
        page_size=PAGE_SIZE,
        base=base,
        formats=formats,
    )


@bp.route("/")
def front() -> Response:
    """The front page: what the data are, and the way to everything."""
    lang = ui_language()
    response = Response(
        render_template("front.html", text=TEXT[lang], lang=lang), content_type="text/html; charset=utf-8"
    )
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.app_template_global()
def server_today() -> str:
    """The day the server treats as today (the setting, else the real date): pages and maps use it."""
    return state().config.current_day().isoformat()


@bp.route("/kort")
def overview_map() -> Response:
    """The map of cooperations: every municipality, coloured by its cooperations on a chosen day."""
    lang = ui_language()
    day_param(state().config.current_day())  # a ?dato= that is not a day is refused before the page is drawn
    body = render_template(
        "map.html",
        text=TEXT[lang],
        map_text=MAP_TEXT[lang],
        lang=lang,
        source="/doc/kommune.geojson",
        regions="/doc/region.geojson",
        hidden_kinds=" ".join(PREFIXES["samarbejdstype"] + k for k in HIDDEN_KINDS),
        attribution=state().atlas.attribution,
    )
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept-Language"
    return response
