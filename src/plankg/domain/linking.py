"""Reconciling plankg's registry tables with registry snapshots (DAGI via DAWA) and with Wikidata.

``plankg link dagi SOURCE`` compares the municipality and region tables (``data/registry``) with a
snapshot in DAWA's shape — the flat form (``struktur=flad``), the nested form, the autocomplete
form (``{"tekst": …, "kommune": {…}}``) or a CSV of the same fields — read from a file or a URL.
``plankg link wikidata`` compares the Wikidata links with what a SPARQL endpoint speaking
Wikidata's model says (P1168, the municipality code in three digits). Both report; with ``write``
they change the tables and regenerate the registry graph in one step, all or nothing, recording
the snapshot or the check as a source with its date (``sources.csv``), so that every link in the
data says where it comes from and when it was last confirmed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from plankg.domain.registry import Unit, read_municipalities, read_regions
from plankg.domain.registry_sources import read_sources
from plankg.tables.queries import internal
from plankg.tables.vocab import CANONICAL_BASE

TIMEOUT = 30.0
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
USER_AGENT = f"plankg-link/1 ({CANONICAL_BASE}; registry link check)"

#: The report's sections, in order, with what each means.
DAGI_CATEGORIES = {
    "matched": "same code, name, region and DAGI id",
    "name": "names that differ",
    "region": "municipalities whose region code differs",
    "code": "regions plankg holds without a code, found by name with their code (URI kept)",
    "successor": "municipalities the snapshot places in the region that succeeded theirs (as the data say)",
    "dagi_id": "DAGI ids that differ",
    "only-registry": "codes in the registry but not in plankg",
    "only-plankg": "codes in plankg but not in the registry snapshot",
    "no-code": "regions plankg holds without a code that the snapshot does not name either",
}
WIKIDATA_CATEGORIES = {
    "agree": "plankg's link is Wikidata's item for the code",
    "differ": "Wikidata gives another item for the code",
    "missing": "Wikidata has no municipality with the code",
    "only-wikidata": "codes in Wikidata but not in plankg",
}


class LinkError(Exception):
    """A source that cannot be read or queried, or a change that would not give valid data."""


@dataclass(frozen=True)
class Record:
    """One municipality or region as a registry snapshot gives it."""

    kind: str  # "kommune" or "region"
    code: str
    name: str
    dagi_id: str
    region_code: str = ""
    region_name: str = ""
    outside_division: bool = False
    label_point: tuple[float, float] | None = None
    nuts2: str = ""
    valid: tuple[str, str] = ("", "")  # validity as the registry gives it (DAGI VirkningFra, VirkningTil)


def _validity(item: dict[str, Any]) -> tuple[str, str]:
    """A record's validity fields (DAGI's ``virkningFra``/``virkningTil``, any case), as given."""
    lowered = {str(k).lower().replace("_", ""): v for k, v in item.items()}
    return (str(lowered.get("virkningfra") or ""), str(lowered.get("virkningtil") or ""))


@dataclass(frozen=True)
class Finding:
    """One line of a report."""

    category: str
    kind: str
    code: str
    name: str
    plankg: str = ""
    registry: str = ""
    note: str = ""
    explained: bool = False  # a known, expected difference (Christiansø is not a municipality)


@dataclass
class Report:
    """What a comparison found, and what was not compared."""

    source: str
    categories: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(1 for f in self.findings if f.category not in ("matched", "agree") and not f.explained)

    def count(self, category: str) -> int:
        return sum(1 for f in self.findings if f.category == category)

    def as_json(self) -> str:
        return json.dumps(
            {
                "source": self.source,
                "summary": {c: self.count(c) for c in self.categories},
                "findings": [asdict(f) for f in self.findings],
                "notes": self.notes,
                "written": self.written,
            },
            ensure_ascii=False,
            indent=2,
        )

    def as_table(self) -> str:
        lines = [f"source: {self.source}"]
        for category, meaning in self.categories.items():
            found = [f for f in self.findings if f.category == category]
            lines.append("")
            lines.append(f"{category}: {len(found)} — {meaning}")
            if category in ("matched", "agree"):
                continue  # counted, not listed
            for f in found:
                values = f"plankg {f.plankg or '—'} | registry {f.registry or '—'}"
                note = f"  ({f.note})" if f.note else ""
                lines.append(f"  {f.kind:8} {f.code}  {f.name:24} {values}{note}")
        lines += [f"note: {n}" for n in self.notes]
        lines += [f"wrote {w}" for w in self.written]
        return "\n".join(lines)


# --- reading a snapshot ------------------------------------------------------------------------


def fetch(source: str, timeout: float = TIMEOUT) -> tuple[bytes, str]:
    """The bytes of a file or URL, and a name for it in messages."""
    if re.match(r"^https?://", source):
        request = urllib.request.Request(
            source, headers={"Accept": "application/json, text/csv;q=0.9", "User-Agent": USER_AGENT}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read(), source
        except urllib.error.HTTPError as error:
            raise LinkError(f"{source}: HTTP {error.code} {error.reason}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise LinkError(f"{source}: cannot connect ({reason})") from error
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except OSError as error:
        raise LinkError(f"{source}: cannot read ({error.strerror or error})") from error


def parse_snapshot(data: bytes, name: str) -> list[Record]:
    """Records from DAWA-shaped JSON (flat, nested, autocomplete, one object) or CSV of the same fields."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LinkError(f"{name}: not UTF-8 ({error})") from error
    if text.lstrip()[:1] in ("[", "{"):
        try:
            parsed = json.loads(text)
        except ValueError as error:
            raise LinkError(f"{name}: not JSON ({error})") from error
        items = parsed if isinstance(parsed, list) else [parsed]
        return [_record(item, name, index) for index, item in enumerate(items, start=1)]
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "kode" not in rows[0]:
        raise LinkError(f"{name}: neither DAWA-shaped JSON nor a CSV with a 'kode' column")
    return [_record(row, name, index) for index, row in enumerate(rows, start=2)]


def _record(item: Any, name: str, index: int) -> Record:
    where = f"{name}: item {index}"
    if not isinstance(item, dict):
        raise LinkError(f"{where}: not an object")
    if isinstance(item.get("kommune"), dict):  # the autocomplete form
        item = item["kommune"]
    elif isinstance(item.get("region"), dict) and "kode" not in item:
        item = item["region"]
    code = str(item.get("kode") or "")
    if not re.fullmatch(r"[0-9]{4}", code):
        raise LinkError(f"{where}: code {code!r} is not 4 digits")
    nested_region = item.get("region") if isinstance(item.get("region"), dict) else {}
    is_municipality = "regionskode" in item or bool(nested_region) or "udenforkommuneinddeling" in item
    point = None
    if isinstance(item.get("visueltcenter"), list) and len(item["visueltcenter"]) == 2:
        point = (float(item["visueltcenter"][0]), float(item["visueltcenter"][1]))
    elif item.get("visueltcenter_x") not in (None, "") and item.get("visueltcenter_y") not in (None, ""):
        point = (float(item["visueltcenter_x"]), float(item["visueltcenter_y"]))
    outside = item.get("udenforkommuneinddeling")
    return Record(
        kind="kommune" if is_municipality else "region",
        code=code,
        name=str(item.get("navn") or ""),
        dagi_id=str(item.get("dagi_id") or ""),
        region_code=str(item.get("regionskode") or nested_region.get("kode") or ""),
        region_name=str(item.get("regionsnavn") or nested_region.get("navn") or ""),
        outside_division=outside is True or str(outside).lower() == "true",
        label_point=point,
        nuts2=str(item.get("nuts2") or ""),
        valid=_validity(item),
    )


def read_snapshot(source: str, timeout: float = TIMEOUT) -> list[Record]:
    """The records of a snapshot file or URL."""
    data, name = fetch(source, timeout)
    return parse_snapshot(data, name)


# --- comparing ---------------------------------------------------------------------------------


def reconcile(records: list[Record], folder: Path, source: str) -> Report:
    """Compare a snapshot with the municipality and region tables in ``folder``."""
    report = Report(source, DAGI_CATEGORIES)
    tables = {
        "kommune": read_municipalities(folder / "municipalities.csv"),
        "region": read_regions(folder / "regions.csv", read_sources(folder / "sources.csv")),
    }
    successors = successor_codes(tables["region"], records)
    for kind, units in tables.items():
        snapshot = {r.code: r for r in records if r.kind == kind}
        if not snapshot:
            report.notes.append(f"the snapshot holds no {'municipalities' if kind == 'kommune' else 'regions'}")
            continue
        if kind == "region":
            report.findings += _regions_without_code(units, snapshot)
        ours = {u.code: u for u in units if u.code}
        for code in sorted(set(ours) | set(snapshot)):
            unit, record = ours.get(code), snapshot.get(code)
            if unit is None and record is not None:
                reason = (
                    "outside the municipal division (udenforkommuneinddeling), not a municipality"
                    if record.outside_division
                    else "not in plankg: adding it needs its boundary and Wikidata item"
                )
                report.findings.append(
                    Finding("only-registry", kind, code, record.name, "", record.name, reason, record.outside_division)
                )
            elif record is None and unit is not None:
                report.findings.append(
                    Finding("only-plankg", kind, code, unit.name, unit.name, "", "not in the snapshot; kept")
                )
            elif unit is not None and record is not None:
                differences = [
                    Finding("name", kind, code, unit.name, unit.name, record.name)
                    if unit.name != record.name
                    else None,
                    _region_finding(unit, record, successors) if kind == "kommune" else None,
                    Finding("dagi_id", kind, code, unit.name, unit.dagi_id, record.dagi_id)
                    if record.dagi_id and unit.dagi_id != record.dagi_id
                    else None,
                ]
                found = [d for d in differences if d is not None]
                report.findings += found or [Finding("matched", kind, code, unit.name, unit.name, record.name)]
    return report


def successor_codes(regions: list[Unit], records: list[Record]) -> dict[str, set[str]]:
    """Region code → the codes of the regions that succeed it (a code-less one found by name in ``records``)."""
    by_name = {r.name: r.code for r in records if r.kind == "region"}
    result: dict[str, set[str]] = {}
    for region in regions:
        code = region.code or by_name.get(region.name, "")
        for original in region.lifetime.predecessors if region.lifetime and code else ():
            result.setdefault(original, set()).add(code)
    return result


def _region_finding(unit: Unit, record: Record, successors: dict[str, set[str]]) -> Finding | None:
    if not record.region_code or record.region_code == unit.region_code:
        return None
    if record.region_code in successors.get(unit.region_code or "", set()):
        note = "the region that succeeded its own; the regions' lifetimes say when it moved"
        return Finding(
            "successor", "kommune", unit.code, unit.name, unit.region_code or "", record.region_code, note, True
        )
    return Finding("region", "kommune", unit.code, unit.name, unit.region_code or "", record.region_code)


def _regions_without_code(units: list[Unit], snapshot: dict[str, Record]) -> list[Finding]:
    """Regions plankg holds by slug (no code yet): found in the snapshot by name, or not."""
    findings = []
    for unit in (u for u in units if not u.code):
        found = next((r for r in snapshot.values() if r.name == unit.name), None)
        if found is None:
            note = f"{unit.slug}: no code published in the snapshot; kept without one (no invented code)"
            findings.append(Finding("no-code", "region", "", unit.name, unit.name, "", note, explained=True))
        else:
            valid = " to ".join(v for v in found.valid if v)
            note = f"{unit.slug}: takes code {found.code}" + (f", valid {valid}" if valid else "")
            findings.append(Finding("code", "region", found.code, unit.name, "", found.name, note))
    return findings


def wikidata_items(endpoint: str, timeout: float = TIMEOUT) -> dict[str, set[str]]:
    """Municipality code (4 digits) → the QIDs a Wikidata-shaped endpoint gives for it (read query only)."""
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(internal("wikidata-municipalities"))
    client.setReturnFormat(JSON)
    client.setTimeout(int(max(1, timeout)))
    client.setMethod("GET")
    try:
        result = client.queryAndConvert()
    except urllib.error.HTTPError as error:
        raise LinkError(f"{endpoint}: HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise LinkError(f"{endpoint}: cannot query ({getattr(error, 'reason', error)})") from error
    except (SPARQLWrapperException, ValueError) as error:
        raise LinkError(f"{endpoint}: the endpoint's answer is not usable ({error})") from error
    if not isinstance(result, dict) or "results" not in result:
        raise LinkError(f"{endpoint}: the answer is not SPARQL JSON results")
    items: dict[str, set[str]] = {}
    for binding in result["results"].get("bindings", []):
        item = binding.get("item", {}).get("value", "")
        code = binding.get("code", {}).get("value", "")
        if item.startswith(WIKIDATA_ENTITY) and re.fullmatch(r"[0-9]{1,4}", code):
            items.setdefault(code.zfill(4), set()).add(item.removeprefix(WIKIDATA_ENTITY))
    return items


def check_wikidata(items: dict[str, set[str]], folder: Path, endpoint: str) -> Report:
    """Compare the municipalities' Wikidata links with the endpoint's items."""
    report = Report(endpoint, WIKIDATA_CATEGORIES)
    municipalities = {u.code: u for u in read_municipalities(folder / "municipalities.csv")}
    for code in sorted(set(municipalities) | set(items)):
        unit, theirs = municipalities.get(code), sorted(items.get(code, ()))
        if unit is None:
            report.findings.append(
                Finding("only-wikidata", "kommune", code, "", "", ", ".join(theirs), "not a municipality in plankg")
            )
        elif not theirs:
            report.findings.append(Finding("missing", "kommune", code, unit.name, unit.wikidata, ""))
        elif unit.wikidata in theirs:
            note = (
                f"Wikidata also gives {', '.join(q for q in theirs if q != unit.wikidata)}" if len(theirs) > 1 else ""
            )
            report.findings.append(Finding("agree", "kommune", code, unit.name, unit.wikidata, unit.wikidata, note))
        else:
            report.findings.append(Finding("differ", "kommune", code, unit.name, unit.wikidata, ", ".join(theirs)))
    report.notes.append("regions are not checked: the check matches municipalities on P1168")
    return report
