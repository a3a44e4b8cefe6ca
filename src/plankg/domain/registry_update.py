"""Writing what a link check found into the registry tables: all of it, or nothing.

``plankg link dagi --write`` takes a snapshot's names, region codes and DAGI ids into the tables;
``plankg link wikidata --write`` records the confirmed Wikidata links with the date of the check.
Either records its source in ``sources.csv`` and regenerates the registry graph in a scratch copy
first, so that a change that would not make valid registry data changes nothing.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path
from typing import Any

from plankg.domain.csvfiles import DataError
from plankg.domain.linking import CC0, CC_BY, LinkError, Record, Report, successor_codes
from plankg.domain.registry import read_regions, write_registry
from plankg.domain.registry_sources import read_sources


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write_rows(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _add_source(folder: Path, row: dict[str, str]) -> None:
    if row["slug"] in read_sources(folder / "sources.csv"):
        raise LinkError(f"sources.csv already lists {row['slug']}: a snapshot or check is recorded once")
    fields, rows = _read_rows(folder / "sources.csv")
    _write_rows(folder / "sources.csv", fields, [*rows, row])


def _commit(folder: Path, change: Any) -> list[str]:
    """Apply ``change`` to a copy of ``folder``, regenerate the registry there, then replace the originals.

    Nothing in ``folder`` changes unless the tables still make a valid registry graph.
    """
    with tempfile.TemporaryDirectory(prefix="plankg-link-") as scratch:
        copy = Path(scratch) / "registry"
        shutil.copytree(folder, copy)
        for path in copy.iterdir():
            path.chmod(0o644)
        change(copy)
        try:
            write_registry(copy)
        except DataError as error:
            raise LinkError(f"not written: the changed tables do not make valid registry data: {error}") from error
        written = []
        for name in ("municipalities.csv", "regions.csv", "sources.csv", "registry.trig"):
            if (copy / name).read_bytes() != (folder / name).read_bytes():
                target = folder / name
                target.chmod(0o644) if target.exists() else None
                shutil.copyfile(copy / name, target)
                written.append(str(target))
        return written


def write_snapshot(records: list[Record], folder: Path, upstream: str, retrieved: str) -> list[str]:
    """Take names, region codes and DAGI ids from the snapshot; record it as the rows' source.

    Rows the snapshot does not hold are kept as they are; codes only in the snapshot are not added.
    A region plankg holds without a code (by slug) takes the code, DAGI id and validity of the
    snapshot's region of the same name; its URI stays. A municipality that the snapshot places in the
    region succeeding its own keeps its region code: the regions' lifetimes say when it moved.
    """
    slug = f"dawa-{retrieved}"
    by_kind = {kind: {r.code: r for r in records if r.kind == kind} for kind in ("kommune", "region")}
    regions = read_regions(folder / "regions.csv", read_sources(folder / "sources.csv"))
    successors = successor_codes(regions, records)  # the same reading as the report's

    def change(copy: Path) -> None:
        _add_source(
            copy,
            {
                "slug": slug,
                "kind": "dawa",
                "title_da": f"Registeruddrag i DAWA-form (DAGI), hentet {retrieved}",
                "title_en": f"Registry snapshot in DAWA's shape (DAGI), retrieved {retrieved}",
                "citation": f"Indeholder data fra Klimadatastyrelsen (DAGI via DAWA), hentet {retrieved}.",
                "licence": CC_BY,
                "upstream": upstream,
                "date": retrieved,
            },
        )
        by_name = {r.name: r for r in by_kind["region"].values()}
        for table, kind in (("regions.csv", "region"), ("municipalities.csv", "kommune")):
            fields, rows = _read_rows(copy / table)
            for row in rows:
                record = by_kind[kind].get(row["kode"]) if row["kode"] else by_name.get(row["navn"])
                if record is None:
                    continue
                if kind == "region" and not row["kode"]:
                    row["kode"] = record.code
                    row["gyldig_fra"], row["gyldig_til"] = record.valid
                row["navn"] = record.name or row["navn"]
                row["dagi_id"] = record.dagi_id or row["dagi_id"]
                row["dawa_kilde"] = slug
                moved = record.region_code in successors.get(row.get("regionskode", ""), set())
                if kind == "kommune" and not moved:
                    row["regionskode"] = record.region_code or row["regionskode"]
                    row["regionsnavn"] = record.region_name or row["regionsnavn"]
                if kind == "kommune":
                    if record.label_point:
                        row["visueltcenter_lon"], row["visueltcenter_lat"] = map(str, record.label_point)
                elif record.nuts2:
                    row["nuts2"] = record.nuts2
            _write_rows(copy / table, fields, rows)

    return _commit(folder, change)


def write_wikidata_check(report: Report, folder: Path, endpoint: str, checked: str) -> list[str]:
    """Record the links the check confirmed, with the check (endpoint, date) as their source."""
    slug = f"wikidata-kontrol-{checked}"
    confirmed = {f.code for f in report.findings if f.category == "agree"}

    def change(copy: Path) -> None:
        _add_source(
            copy,
            {
                "slug": slug,
                "kind": "wikidata-check",
                "title_da": f"Kontrol af Wikidata-links (P1168) mod {endpoint}, {checked}",
                "title_en": f"Check of the Wikidata links (P1168) against {endpoint}, {checked}",
                "citation": "Wikidata (CC0 1.0).",
                "licence": CC0,
                "upstream": endpoint,
                "date": checked,
            },
        )
        fields, rows = _read_rows(copy / "municipalities.csv")
        for row in rows:
            if row["kode"] in confirmed:
                row["wikidata_bekraeftet"] = slug
        _write_rows(copy / "municipalities.csv", fields, rows)

    return _commit(folder, change)
