"""Regions in time: each region's lifetime, the changes between regions, and one region a day.

A region begins (the 2007 reform) and may end (Region Hovedstaden and Region Sjælland on
2026-12-31); a region that succeeds others (Region Østdanmark, 2027-01-01) holds all of their
municipalities, and the change is an ``org:ChangeEvent`` dated by its successor's beginning. Each
date is written at the precision its source gives, in that source's graph (DESIGN §3a). Geometry
has no date: a municipality's territory lies within every region territory that covers it, and the
lifetimes decide which one it belongs to on a day. The rule (``docs/regions.md``): from the reform
on, every municipality lies in exactly one living region on every day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from plankg.domain.csvfiles import DataError
from plankg.domain.namespaces import DCT, ORG, PLANKG, PROV, RDF, TIME, XSD
from plankg.domain.rdf import GraphWriter, text, typed

#: The first day every municipality must lie in a region on: the 2007 reform.
REFORM = dt.date(2007, 1, 1)

#: A date's precision: its pattern, datatype and OWL-Time property.
PRECISIONS = (
    (re.compile(r"^[0-9]{4}$"), XSD.gYear, TIME.inXSDgYear),
    (re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$"), XSD.gYearMonth, TIME.inXSDgYearMonth),
    (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), XSD.date, TIME.inXSDDate),
)

#: The project's note beside a beginning given as a year (Danish as written; English translation).
YEAR_NOTE = (
    "Regionerne blev oprettet ved kommunalreformen i 2007; kilden giver kun året.",
    "The regions were created by the 2007 municipal reform; the source gives the year only "
    "(the project's translation).",
)


@dataclass(frozen=True)
class Lifetime:
    """When a region lived, and which sources say so (slugs of ``sources.csv``)."""

    begin: str
    begin_source: str
    end: str = ""
    end_source: str = ""
    predecessors: tuple[str, ...] = ()  # the region codes whose municipalities it took over

    def first_day(self) -> dt.date:
        return first_day(self.begin)

    def last_day(self) -> dt.date | None:
        return last_day(self.end) if self.end else None


def precision(value: str) -> tuple[URIRef, URIRef] | None:
    """The datatype and OWL-Time property of a date at its precision, or None when it is no date."""
    for pattern, datatype, prop in PRECISIONS:
        if pattern.match(value):
            if datatype == XSD.date:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    return None
            return datatype, prop
    return None


def first_day(value: str) -> dt.date:
    """The first day a date of any precision covers (2007 → 2007-01-01)."""
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def last_day(value: str) -> dt.date:
    """The last day a date of any precision covers (2026 → 2026-12-31, 2016-01 → 2016-01-31)."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    year, month = parts[0], (parts[1] if len(parts) == 2 else 12)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def read_lifetime(path: Path, number: int, row: dict[str, str], sources: dict[str, str]) -> Lifetime:
    """The lifetime columns of one row of ``regions.csv``; ``sources`` maps slug → kind."""

    def error(message: str) -> DataError:
        return DataError(f"row {number}: {message}", path)

    values = {key: (row.get(key) or "").strip() for key in ("fra", "fra_kilde", "til", "til_kilde", "forgaengere")}
    if not values["fra"]:
        raise error("a region needs a beginning (fra): the 2007 reform, or the day it was formed")
    for column in ("fra", "til"):
        if values[column] and precision(values[column]) is None:
            raise error(f"{column} {values[column]!r} is not a year (2007), a month (2016-01) or a date (2026-12-31)")
        if values[column] and values[f"{column}_kilde"] not in sources:
            raise error(f"{column}_kilde {values[f'{column}_kilde']!r} is not a source in sources.csv")
    if values["til"] and len(values["til"]) != 10:
        raise error(f"til {values['til']!r}: an end must be a day, so that the next region's first day is known")
    lifetime = Lifetime(
        values["fra"], values["fra_kilde"], values["til"], values["til_kilde"], tuple(values["forgaengere"].split())
    )
    if lifetime.last_day() and lifetime.last_day() < lifetime.first_day():  # type: ignore[operator]
        raise error(f"the region ends ({values['til']}) before it begins ({values['fra']})")
    return lifetime


def check_one_region_a_day(path: Path, lifetimes: dict[str, Lifetime], homes: dict[str, list[str]]) -> None:
    """Every municipality lies in exactly one living region on every day from the reform on.

    ``homes`` maps a municipality code to the regions (by key) whose territory holds it.
    """
    for code, regions in homes.items():
        spans = sorted((lifetimes[r].first_day(), lifetimes[r].last_day(), r) for r in regions)
        day: dt.date | None = REFORM
        for begin, end, key in spans:
            if day is None or begin < day:
                raise DataError(f"municipality {code} lies in two regions at once ({key} begins {begin})", path)
            if begin > day:
                raise DataError(f"municipality {code} lies in no region from {day} to {begin}", path)
            day = end + dt.timedelta(days=1) if end else None
        if day is not None:
            raise DataError(f"municipality {code} lies in no region from {day}", path)


def write_lifetime(
    writers: dict[str, GraphWriter],
    source_of: Callable[[str], URIRef],
    uri: URIRef,
    lifetime: Lifetime,
    originals: dict[str, URIRef],
    names: tuple[str, str],
) -> None:
    """The region's lifetime, each bound in its source's graph, and the change that ended it."""
    interval = URIRef(f"{uri}/levetid")
    for value, slug, link, name in (
        (lifetime.begin, lifetime.begin_source, TIME.hasBeginning, "begyndelse"),
        (lifetime.end, lifetime.end_source, TIME.hasEnd, "slut"),
    ):
        if not value:
            continue
        w = writers[slug]
        instant = URIRef(f"{interval}/{name}")
        datatype, prop = precision(value)  # type: ignore[misc]
        w.add(uri, PLANKG.lifetime, interval)
        w.add(interval, RDF.type, TIME.Interval)
        w.add(interval, link, instant)
        w.add(instant, RDF.type, TIME.Instant)
        w.add(instant, prop, typed(value, datatype))
        w.add(instant, DCT.source, source_of(slug))
        if datatype == XSD.gYear and link == TIME.hasBeginning:
            for note, lang in zip(YEAR_NOTE, ("da", "en"), strict=True):
                w.add(instant, PLANKG.note, text(note, lang))
    if lifetime.predecessors:
        w = writers[lifetime.begin_source]
        _write_change(w, source_of(lifetime.begin_source), uri, lifetime, originals, names)


def _write_change(
    w: GraphWriter, by: URIRef, uri: URIRef, lifetime: Lifetime, originals: dict[str, URIRef], names: tuple[str, str]
) -> None:
    event = URIRef(f"{uri}/dannelse")
    w.label(event, f"Dannelsen af {names[0]}", f"Formation of the {names[1]}")
    w.add(event, RDF.type, ORG.ChangeEvent)
    w.add(event, RDF.type, PROV.Activity)
    w.add(event, DCT.date, typed(lifetime.begin, XSD.date))
    w.add(event, DCT.source, by)
    w.add(event, ORG.resultingOrganization, uri)
    w.add(uri, ORG.resultedFrom, event)
    for code in lifetime.predecessors:
        w.add(event, ORG.originalOrganization, originals[code])
        w.add(originals[code], ORG.changedBy, event)
