"""Matching names to plankg's identifiers: the Reconciliation Service API 0.2, without the HTTP.

What OpenRefine sends (queries, suggest prefixes, extension requests) comes in as parsed JSON and
goes out as the structures the 0.2 JSON Schemas describe. Entities are the things under the base's
``id/`` (municipalities, regions, cooperations, their units, sources), named by their path there
(``kommune/0621``). A candidate is a ``match`` only when it is clearly right: an exact name or code
(score 100 after the properties are weighed) and no other candidate as good or nearly (95).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from plankg.domain.geo import Atlas
from plankg.domain.search import KINDS, Entry, Hit, SearchIndex, identifier_keys, keys_of

#: The types OpenRefine may pick, in the order the manifest offers them.
TYPES = {
    "municipality": "Kommune (municipality)",
    "region": "Region",
    "cooperation": "Samarbejde (cooperation)",
    "unit": "Enhed i et samarbejde (unit of a cooperation)",
    "source": "Kilde (source)",
}
DEFAULT_TYPES = ("municipality", "region", "cooperation")
#: The properties a query may carry to help decide, and the columns a sheet can be extended with.
PROPERTIES = {
    "kommunekode": "Kommunekode / regionskode (code)",
    "dagi_id": "DAGI id",
    "wikidata": "Wikidata item",
    "region": "Region",
    "cooperations": "Samarbejder (cooperations)",
    "cooperation_kinds": "Samarbejdernes art (kinds of the cooperations)",
    "neighbours": "Nabokommuner (neighbouring municipalities)",
}
ENTITY_PROPERTIES = {"region": "region", "cooperations": "cooperation", "neighbours": "municipality"}
CLOSE_SECOND = 95.0  # a second candidate this good makes the first one not clearly right


class BadRequest(ValueError):
    """A reconciliation request that does not follow the API; the message says what is wrong."""


@dataclass(frozen=True)
class Reconciler:
    """Reconciliation over one data version's index and atlas, with entity ids under ``id_base``."""

    index: SearchIndex
    atlas: Atlas
    id_base: str  # the configured base + "id/"
    today: dt.date  # the day "a municipality's region" is asked about

    def entity_id(self, entry: Entry) -> str:
        """The entity's id: its path under the base's id/."""
        return entry.uri[len(self.id_base) :]

    def entry(self, entity_id: str) -> Entry | None:
        """The entry of an entity id, if plankg holds it."""
        return self.index.entries.get(self.id_base + entity_id)

    def reconcile(self, queries: Any) -> dict[str, Any]:
        """A result batch for a query batch (``{"q0": {"query": …}, …}``)."""
        if not isinstance(queries, dict) or not queries:
            raise BadRequest("queries must be a JSON object of query objects")
        return {key: {"result": self._candidates(key, query)} for key, query in queries.items()}

    def _candidates(self, key: str, query: Any) -> list[dict[str, Any]]:
        if not isinstance(query, dict) or not isinstance(query.get("query"), str):
            raise BadRequest(f"query {key!r} must be an object with a string 'query'")
        limit = query.get("limit", 5)
        if not isinstance(limit, int) or not 0 < limit <= 100:
            raise BadRequest(f"query {key!r}: limit must be a whole number from 1 to 100")
        kinds = _kinds(query.get("type"))
        hits = [h for h in self.index.find(query["query"], 50, kinds) if h.entry.uri.startswith(self.id_base)]
        scored = sorted(
            ((min(100.0, h.score + self._weigh(h, query.get("properties", []))), h) for h in hits),
            key=lambda pair: (-pair[0], KINDS.index(pair[1].entry.kind)),
        )[:limit]
        candidates = [self.candidate(h.entry, score) for score, h in scored]
        if candidates and scored[0][0] >= 100 and (len(scored) == 1 or scored[1][0] < CLOSE_SECOND):
            candidates[0]["match"] = True
        return candidates

    def _weigh(self, hit: Hit, properties: Any) -> float:
        """Points for properties that agree with the candidate, minus points for those that do not."""
        if not isinstance(properties, list):
            raise BadRequest("properties must be a list of {pid, v}")
        points = 0.0
        for prop in properties:
            if not isinstance(prop, dict) or not isinstance(prop.get("pid"), str):
                raise BadRequest("every property needs a 'pid'")
            given = prop.get("v")
            values: list[Any] = given if isinstance(given, list) else [given]
            texts = [v if isinstance(v, str) else str(v.get("id", "")) for v in values if isinstance(v, (str, dict))]
            known = self.values(hit.entry, prop["pid"])
            if not known or not texts:
                continue
            agrees = any(_same(text, value) for text in texts for value in known)
            points += 20.0 if agrees else -30.0
        return points

    def values(self, entry: Entry, pid: str) -> list[str]:
        """What plankg holds for property ``pid`` of ``entry``, as text (names and ids of entities)."""
        place = self.atlas.places.get(entry.uri)
        if pid == "kommunekode":
            return [entry.identifiers["code"]] if "code" in entry.identifiers else []
        if pid == "dagi_id":
            return [entry.identifiers["dagi"]] if "dagi" in entry.identifiers else []
        if pid == "wikidata":
            return [entry.identifiers["wikidata"].rsplit("/", 1)[-1]] if "wikidata" in entry.identifiers else []
        if pid == "cooperation_kinds":
            cooperations = [e for e in self._related(entry, "cooperations", place) if e is not None]
            return [f"{e.name()}: {e.classifications.get('da', '')}".rstrip(": ") for e in cooperations]
        related = [e for e in self._related(entry, pid, place) if e is not None]
        return [text for e in related for text in (e.name(), *e.names.values(), self.entity_id(e))]

    def _related(self, entry: Entry, pid: str, place: Any) -> list[Entry | None]:
        if place is None:
            return []
        if pid == "region":
            region = self.atlas.region_on(entry.uri, self.today) if place.kind == "municipality" else None
            return [self.index.entries.get(region)] if region else []
        if pid == "neighbours":
            return [self.index.entries.get(n) for n in place.neighbours]
        if pid == "cooperations":
            seen = dict.fromkeys(place.memberships)
            return [self.index.entries.get(c) for c in seen]
        raise BadRequest(f"unknown property {pid!r}; there are: {', '.join(PROPERTIES)}")

    def candidate(self, entry: Entry, score: float) -> dict[str, Any]:
        """One candidate as the API has it."""
        return {
            "id": self.entity_id(entry),
            "name": entry.name(),
            "score": round(score, 1),
            "match": False,
            "type": [{"id": entry.kind, "name": TYPES.get(entry.kind, entry.kind)}],
            "description": self.describe(entry),
        }

    def describe(self, entry: Entry) -> str:
        """A short line: kind, code and region."""
        parts = [TYPES.get(entry.kind, entry.kind)]
        if "code" in entry.identifiers:
            parts.append(entry.identifiers["code"])
        place = self.atlas.places.get(entry.uri)
        region = self.atlas.region_on(entry.uri, self.today) if place and place.kind == "municipality" else None
        if region and region in self.index.entries:
            parts.append(self.index.entries[region].name())
        return ", ".join(parts)

    def suggest_entities(self, prefix: str, kinds: Any = None) -> dict[str, Any]:
        """Entities whose names begin like ``prefix`` (suggest-entities-response)."""
        hits = [h for h in self.index.find(prefix, 20, _kinds(kinds)) if h.entry.uri.startswith(self.id_base)]
        return {
            "result": [
                {"id": self.entity_id(h.entry), "name": h.entry.name(), "description": self.describe(h.entry)}
                for h in hits[:10]
            ]
        }

    def extend(self, request: Any) -> dict[str, Any]:
        """Columns for the given entities (data-extension-response)."""
        if not isinstance(request, dict) or not isinstance(request.get("ids"), list):
            raise BadRequest("extend must be an object with a list of 'ids' and of 'properties'")
        pids = [str(p.get("id")) if isinstance(p, dict) else "" for p in request.get("properties", [])]
        if not pids or any(p not in PROPERTIES for p in pids):
            raise BadRequest(f"properties must be among: {', '.join(PROPERTIES)}")
        meta = [_meta(pid) for pid in pids]
        rows = {}
        for entity_id in request["ids"]:
            entry = self.entry(str(entity_id))
            rows[str(entity_id)] = {pid: self._cells(entry, pid) if entry else [] for pid in pids}
        return {"meta": meta, "rows": rows}

    def _cells(self, entry: Entry, pid: str) -> list[dict[str, Any]]:
        if pid in ENTITY_PROPERTIES:
            related = [e for e in self._related(entry, pid, self.atlas.places.get(entry.uri)) if e is not None]
            return [{"id": self.entity_id(e), "name": e.name()} for e in related]
        return [{"str": value} for value in self.values(entry, pid)]


def _kinds(requested: Any) -> list[str]:
    if requested in (None, ""):
        return []
    wanted = requested if isinstance(requested, list) else [requested]
    kinds = [str(w.get("id")) if isinstance(w, dict) else str(w) for w in wanted]
    unknown = [k for k in kinds if k not in TYPES]
    if unknown:
        raise BadRequest(f"unknown type {unknown[0]!r}; there are: {', '.join(TYPES)}")
    return kinds


def _same(text: str, value: str) -> bool:
    """Does ``text`` (from the sheet) say ``value`` (plankg's)? Names fold, codes lose their zeros."""
    return bool(keys_of(text) & keys_of(value)) or bool(identifier_keys(text) & identifier_keys(value))


def _meta(pid: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": pid, "name": PROPERTIES[pid]}
    if pid in ENTITY_PROPERTIES:
        kind = ENTITY_PROPERTIES[pid]
        meta["type"] = {"id": kind, "name": TYPES[kind]}
    return meta


def suggest_types(prefix: str) -> dict[str, Any]:
    """The types whose id or name begins like ``prefix`` (suggest-types-response)."""
    folded = keys_of(prefix)
    return {"result": [{"id": k, "name": n} for k, n in TYPES.items() if _begins(folded, k, n)]}


def suggest_properties(prefix: str) -> dict[str, Any]:
    """The properties whose id or name begins like ``prefix`` (suggest-properties-response)."""
    folded = keys_of(prefix)
    return {"result": [{"id": k, "name": n} for k, n in PROPERTIES.items() if _begins(folded, k, n)]}


def _begins(folded: set[str], *names: str) -> bool:
    return not folded or any(key.startswith(f) for name in names for key in keys_of(name) for f in folded)


def propose_properties(kind: str, limit: int = 10) -> dict[str, Any]:
    """The columns offered for a type (data-extension-property-proposal)."""
    if kind not in TYPES:
        raise BadRequest(f"unknown type {kind!r}; there are: {', '.join(TYPES)}")
    ids = {"municipality": tuple(PROPERTIES), "region": ("kommunekode", "dagi_id", "wikidata")}.get(kind, ())
    offered = {k: PROPERTIES[k] for k in ids}
    return {"type": kind, "properties": [{"id": k, "name": n} for k, n in offered.items()][:limit]}
