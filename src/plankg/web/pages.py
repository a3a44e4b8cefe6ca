"""HTML pages: Danish by default, English by ``?lang=en`` or Accept-Language; every link stays on the server."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyoxigraph as ox
from flask import Blueprint, Response, render_template

from plankg.domain.evidence import Evidence, state_on
from plankg.domain.geo import Atlas
from plankg.domain.membership_lookup import memberships_of
from plankg.domain.region_lifetimes import first_day
from plankg.domain.resources import LABELS, Document
from plankg.tables.formats import GEOJSON, TABLE, TITLES
from plankg.tables.vocab import PREFIXES
from plankg.web.facts import Labeller, Sources, compact, grouped_facts
from plankg.web.messages import MAP_TEXT, MEMBERSHIP_STATES, REGION_STATES, TEXT, human_date, message, ui_language
from plankg.web.params import day_param
from plankg.web.state import local_href, state
from plankg.web.summary import Summary

bp = Blueprint("pages", __name__)
#: Kinds the map does not show until asked: they cover the whole country or a region.
HIDDEN_KINDS = ("kommunekontaktraad", "planlaegningsomraade")
#: The registry identifiers and links a municipality or region page shows: predicate, datatype, kind.
REGISTRY_FACTS = (
    ("http://www.w3.org/ns/org#identifier", None, "code"),
    ("http://purl.org/dc/terms/identifier", PREFIXES["plankg"] + "DagiId", "dagi"),
    ("http://www.w3.org/2000/01/rdf-schema#seeAlso", None, "dawa"),
    ("http://schema.org/sameAs", None, "wikidata"),
)
DCT_DATE = ox.NamedNode("http://purl.org/dc/terms/date")


def registry_rows(found: Document, names: Labeller, place_kind: str) -> list[dict[str, str]]:
    """The resource's registry identifiers and links, each with the source graph's source and date."""
    base = state().config.base_uri
    rows = []
    for predicate, datatype, fact in REGISTRY_FACTS:
        for q in found.quads:
            value = q.object
            if not isinstance(q.subject, ox.NamedNode) or q.subject.value != found.iri:
                continue
            if q.predicate.value != predicate or not isinstance(value, (ox.NamedNode, ox.Literal)):
                continue
            if datatype and not (isinstance(value, ox.Literal) and value.datatype.value == datatype):
                continue
            graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            source, label, date = _registry_source(graph, base, names.lang)
            rows.append(
                {
                    "kind": f"code_{place_kind}" if fact == "code" else fact,
                    "value": value.value,
                    "href": value.value if fact == "wikidata" else "",
                    "source": label or compact(graph),
                    "source_href": (local_href(source) or "") if source else "",
                    "date": human_date(date, names.lang) if date else "",
                }
            )
    return rows


def _registry_source(graph: str, base: str, lang: str) -> tuple[str, str, str]:
    """The source of a registry graph (``/graph/register/{slug}`` → ``/id/kilde/{slug}``), its label and date."""
    prefix = base + "graph/register/"
    if not graph.startswith(prefix):
        return "", "", ""
    source = ox.NamedNode(f"{base}id/kilde/{graph.removeprefix(prefix)}")
    store = state().store
    labels: dict[str | None, str] = {}
    date = ""
    for q in store.quads_for_pattern(source, None, None, None):
        if isinstance(q.object, ox.Literal) and q.predicate.value == LABELS[0]:
            labels[q.object.language] = q.object.value
        elif isinstance(q.object, ox.Literal) and q.predicate == DCT_DATE:
            date = q.object.value
    return source.value, labels.get(lang) or labels.get("da") or "", date


def _map_mode(iri: str, atlas: Atlas) -> str:
    """What a page's map shows: a cooperation's members, a region, a municipality and its neighbours, or a list."""
    if iri in atlas.cooperations:
        return "members"
    if iri in atlas.places:
        return "region" if atlas.places[iri].kind == "region" else "place"
    return "all"


def _region_entry(atlas: Atlas, region: str, lang: str, today: date) -> dict[str, str]:
    """A region as a page shows it: name, link, lifetime in words, and its state today."""
    place = atlas.places[region]
    begin, end = place.lifetime
    words = [message(lang, "region_from").format(date=human_date(begin, lang))] if begin else []
    if end:
        words.append(message(lang, "region_until").format(date=human_date(end, lang)))
    state_today = "current" if atlas.lives_on(region, today) else "former"
    if begin and first_day(begin) > today:
        state_today = "future"
    return {
        "name": place.names.get(lang) or place.names.get("da", region),
        "href": local_href(region) or "",
        "life": ", ".join(words),
        "state": state_today,
        "state_text": REGION_STATES[lang][state_today],
    }


def region_summary(iri: str, atlas: Atlas, lang: str, today: date) -> dict[str, object] | None:
    """What a page says about regions in time: a municipality's regions, a region's lifetime and lineage."""
    place = atlas.places.get(iri)
    if place is None:
        return None
    if place.kind == "municipality":
        return {"regions": [_region_entry(atlas, r, lang, today) for r in place.regions if r in atlas.places]}
    return {
        "lifetime": _region_entry(atlas, iri, lang, today),
        "formed_from": [_region_entry(atlas, r, lang, today) for r in place.originals],
        "succeeded_by": [_region_entry(atlas, r, lang, today) for r in place.successors],
    }


def cooperations_by_kind(atlas: Atlas, lang: str, today: date) -> list[tuple[str, list[dict[str, object]]]]:
    """The cooperations (and planning areas) of ``/id/samarbejde`` grouped by kind, with members today."""
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    for uri, names in sorted(atlas.cooperations.items(), key=lambda item: item[1].get(lang) or item[1].get("da", "")):
        states = [
            state_on(p.memberships[uri], today.isoformat())[0] for p in atlas.places.values() if uri in p.memberships
        ]
        entry: dict[str, object] = {
            "name": names.get(lang) or names.get("da", uri),
            "href": local_href(uri) or "",
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
            entry = _region_entry(atlas, place.uri, lang, today)
            grouped[entry["state"]].append(entry)
    return grouped


def _source_title(iri: str, lang: str) -> str:
    """A source's title in the page language (its label), for a link."""
    labels = {
        q.object.language: q.object.value
        for q in state().store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(LABELS[0]), None, None)
        if isinstance(q.object, ox.Literal)
    }
    return labels.get(lang) or labels.get("da") or compact(iri)


def _describe_membership(row: dict[str, str], lang: str) -> dict[str, object]:
    """A membership row as a page shows it: links, the kind, dates as people write them, the state today."""
    atlas, today = state().atlas, state().config.current_day().isoformat()
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
        cooperation_href=local_href(str(row["uri"])) or "",
        member_href=local_href(str(row["medlem"])) or "",
        colour=atlas.colour_index(str(row["uri"])),
        kind=atlas.kind_names.get(kind, {}).get(lang, "") or compact(kind),
        dates={key: human_date(str(row[key]), lang) for key in ("fra", "til") if row.get(key)},
        seen=[human_date(day, lang) for day in evidence.seen],
        state=status,
        state_text=MEMBERSHIP_STATES[lang][status] + (f" {human_date(documented, lang)}" if documented else ""),
        sources=[(_source_title(iri, lang), local_href(iri) or iri) for iri in str(row.get("kilder", "")).split()],
        notes=[note for note in str(row.get("noter", "")).split(" | ") if note],
    )


def render_document(found: Document, base: str, formats: list[tuple[str, str, str]]) -> str:
    """The HTML page of a resource document: what it is first, then its facts grouped, then the formats."""
    lang = ui_language()
    app_state = state()
    names = Labeller(found.quads, lang, app_state.store, local_href)
    sources = Sources(app_state.config.base_uri, names)
    store, atlas, today = app_state.store, app_state.atlas, app_state.config.current_day()
    if found.iri in atlas.cooperations:  # lookups bounded by the resource (never a scan of every membership)
        memberships = memberships_of(store, cooperation=found.iri)
    else:
        memberships = memberships_of(store, member=found.iri) if found.iri in atlas.places else []
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
        cooperation_groups=cooperations_by_kind(atlas, lang, today)
        if found.iri == f"{base_uri}id/samarbejde"
        else None,
        today=human_date(today.isoformat(), lang),
        registry=registry_rows(found, names, atlas.places[found.iri].kind) if found.iri in atlas.places else [],
        geojson=geojson,
        map_mode=_map_mode(found.iri, atlas),
        map_text=MAP_TEXT[lang],
        memberships=[_describe_membership(membership, lang) for membership in memberships],
        title=summary.title(),
        iri=found.iri,
        sections=grouped_facts(found.quads, found.iri, names, sources),
        text=TEXT[lang],
        lang=lang,
        document=found,
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
