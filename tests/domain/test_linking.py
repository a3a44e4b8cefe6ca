"""`plankg link dagi` and `plankg link wikidata` against real payloads and a real local SPARQL endpoint."""

from __future__ import annotations

import csv
import http.server
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from plankg.domain.registry import build_registry

from ..sparql_server import SparqlServer
from ..support import ROOT, run_cli

DAWA = ROOT / "tests" / "data" / "dawa"
REGISTRY = ROOT / "data" / "registry"
BASE = "https://w3id.org/plankg/"


def table(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def report(*args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("link", *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def codes(found: dict[str, Any], category: str) -> list[str]:
    return [f["code"] for f in found["findings"] if f["category"] == category]


@pytest.fixture()
def registry_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "registry"
    shutil.copytree(REGISTRY, copy)
    for path in copy.iterdir():
        path.chmod(0o644)
    return copy


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture()
def modified(tmp_path: Path) -> Path:
    """The recorded flat DAWA payload with one municipality renamed, one removed and one added."""
    items = json.loads((DAWA / "dawa-sample-kommuner.json").read_text("utf-8"))
    items = [i for i in items if i["kode"] != "0101"]  # removed
    for item in items:
        if item["kode"] == "0860":
            item["navn"] = "Hjørring Nord"  # renamed
    added = dict(next(i for i in items if i["kode"] == "0621"), kode="0999", navn="Prøvekommune", dagi_id="999999")
    items.append(added)
    path = tmp_path / "modified.json"
    path.write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    return path


def test_the_recorded_flat_payloads_match_except_christianso() -> None:
    code, found = report("dagi", str(DAWA / "dawa-sample-kommuner.json"))
    assert found["summary"]["matched"] == 98
    assert codes(found, "only-registry") == ["0411"]
    christianso = next(f for f in found["findings"] if f["code"] == "0411")
    assert "outside the municipal division" in christianso["note"] and christianso["explained"]
    assert [f for f in found["findings"] if f["category"] not in ("matched", "only-registry")] == []
    assert code == 0  # Christiansø is an explained difference, nothing to review
    code, regions = report("dagi", str(DAWA / "dawa-sample-regioner.json"))
    assert regions["summary"]["matched"] == 5 and code == 0
    # the 2025 registry does not name Region Østdanmark: an explained difference, no code invented
    (uncoded,) = [f for f in regions["findings"] if f["category"] == "no-code"]
    assert uncoded["name"] == "Region Østdanmark" and uncoded["explained"] and uncoded["code"] == ""


def test_the_nested_forms_are_read() -> None:
    _, municipality = report("dagi", str(DAWA / "dawa-sample-kommune-nested.json"))
    assert codes(municipality, "matched") == ["0810"] and len(codes(municipality, "only-plankg")) == 97
    _, region = report("dagi", str(DAWA / "dawa-sample-region-nested.json"))
    assert codes(region, "matched") == ["1084"] and len(codes(region, "only-plankg")) == 4


def test_a_modified_snapshot_reports_exactly_its_differences(modified: Path) -> None:
    code, found = report("dagi", str(modified))
    assert code == 1
    assert codes(found, "name") == ["0860"]
    rename = next(f for f in found["findings"] if f["category"] == "name")
    assert (rename["plankg"], rename["registry"]) == ("Hjørring", "Hjørring Nord")
    assert codes(found, "only-plankg") == ["0101"]
    assert codes(found, "only-registry") == ["0411", "0999"]
    assert codes(found, "region") == codes(found, "dagi_id") == []
    assert found["summary"]["matched"] == 96
    text = run_cli("link", "dagi", str(modified)).stdout  # the readable table says the same
    assert "0860" in text and "Hjørring Nord" in text and "0999" in text and "not in the snapshot; kept" in text


@pytest.fixture()
def served(modified: Path) -> Iterator[str]:
    """The modified payload, and a CSV of the same fields, over HTTP on 127.0.0.1."""
    folder = modified.parent
    items = json.loads(modified.read_text("utf-8"))
    with (folder / "modified.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["kode", "navn", "regionskode", "dagi_id", "udenforkommuneinddeling"]
        )
        writer.writeheader()
        writer.writerows(
            {k: str(i[k]).lower() if isinstance(i[k], bool) else i[k] for k in writer.fieldnames} for i in items
        )

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name", ["modified.json", "modified.csv"])
def test_a_snapshot_from_a_url_json_or_csv(served: str, name: str) -> None:
    code, found = report("dagi", f"{served}/{name}")
    assert code == 1 and found["source"] == f"{served}/{name}"
    assert (codes(found, "name"), codes(found, "only-plankg"), codes(found, "only-registry")) == (
        ["0860"],
        ["0101"],
        ["0411", "0999"],
    )


def test_write_takes_the_snapshot_and_records_it_never_dropping_a_municipality(
    modified: Path, registry_copy: Path
) -> None:
    result = run_cli(
        "link", "dagi", str(modified), "--dir", str(registry_copy), "--write",
        "--retrieved", "2026-11-20", "--upstream", "https://api.dataforsyningen.dk/kommuner?struktur=flad",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {r["kode"]: r for r in table(registry_copy, "municipalities.csv")}
    assert len(rows) == 98 and "0101" in rows and "0999" not in rows  # kept; not added without a boundary
    assert rows["0860"]["navn"] == "Hjørring Nord" and rows["0860"]["dawa_kilde"] == "dawa-2026-11-20"
    assert rows["0101"]["dawa_kilde"] == "dawa-2025-11-17"  # not in the snapshot: its old source stays
    sources = {r["slug"]: r for r in table(registry_copy, "sources.csv")}
    assert sources["dawa-2026-11-20"]["upstream"] == "https://api.dataforsyningen.dk/kommuner?struktur=flad"
    # The regenerated graph: the new name in the new snapshot's graph, with the snapshot's date.
    store = ox.Store()
    store.extend(ox.parse(path=str(registry_copy / "registry.trig"), format=ox.RdfFormat.TRIG))
    graph = ox.NamedNode(BASE + "graph/register/dawa-2026-11-20")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    hjorring = ox.NamedNode(BASE + "id/kommune/0860")
    assert ox.Literal("Hjørring Nord", language="da") in {
        q.object for q in store.quads_for_pattern(hjorring, label, None, graph)
    }
    date = ox.NamedNode("http://purl.org/dc/terms/date")
    source = ox.NamedNode(BASE + "id/kilde/dawa-2026-11-20")
    assert [q.object.value for q in store.quads_for_pattern(source, date, None, graph)] == ["2026-11-20"]
    assert set(build_registry(registry_copy)) == set(
        ox.parse(path=str(registry_copy / "registry.trig"), format=ox.RdfFormat.TRIG)
    )


def test_a_change_that_breaks_the_data_is_refused_and_nothing_is_written(tmp_path: Path, registry_copy: Path) -> None:
    items = json.loads((DAWA / "dawa-sample-kommuner.json").read_text("utf-8"))
    for item in items:
        if item["kode"] == "0621":
            item["regionskode"] = "1086"  # no such region in plankg (Region Østdanmark has no code yet)
    path = tmp_path / "region.json"
    path.write_text(json.dumps(items), "utf-8")
    code, found = report("dagi", str(path), "--dir", str(registry_copy))
    assert code == 1 and codes(found, "region") == ["0621"]
    before = snapshot(registry_copy)
    result = run_cli(
        "link", "dagi", str(path), "--dir", str(registry_copy), "--write", "--upstream", "https://example.org/x"
    )
    assert result.returncode == 2
    assert "not written" in result.stderr and "0621" in result.stderr
    assert snapshot(registry_copy) == before


def test_an_unreachable_or_broken_source_is_a_clear_error(tmp_path: Path, registry_copy: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = snapshot(registry_copy)
    result = run_cli("link", "dagi", f"http://127.0.0.1:{port}/kommuner", "--dir", str(registry_copy), "--write")
    assert result.returncode == 2 and "cannot connect" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('[{"kode": "621", "navn": "Kolding"}]', "utf-8")
    result = run_cli("link", "dagi", str(broken), "--dir", str(registry_copy))
    assert result.returncode == 2 and "item 1: code '621' is not 4 digits" in result.stderr
    assert snapshot(registry_copy) == before


WRONG, MISSING = "0621", "0860"


def wikidata_extract() -> str:
    """Wikidata's model for the municipalities: P31 municipality of Denmark, P1168 the 3-digit code.

    One item is wrong (Kolding's town, Q27119, instead of the municipality) and one is missing;
    Christiansø carries a code but is not in plankg.
    """
    lines = ["@prefix wd: <http://www.wikidata.org/entity/> .", "@prefix wdt: <http://www.wikidata.org/prop/direct/> ."]
    for row in table(REGISTRY, "municipalities.csv"):
        if row["kode"] == MISSING:
            continue
        qid = "Q27119" if row["kode"] == WRONG else row["wikidata"]
        lines.append(f'wd:{qid} wdt:P31 wd:Q2177636 ; wdt:P1168 "{int(row["kode"])}" .')
    lines.append('wd:Q1234567 wdt:P31 wd:Q2177636 ; wdt:P1168 "411" .')
    return "\n".join(lines)


@pytest.fixture()
def wikidata() -> Iterator[SparqlServer]:
    server = SparqlServer(wikidata_extract())
    yield server
    server.stop()


def test_wikidata_links_are_checked_against_a_live_endpoint(wikidata: SparqlServer, registry_copy: Path) -> None:
    code, found = report("wikidata", "--endpoint", wikidata.url, "--dir", str(registry_copy))
    assert code == 1
    assert codes(found, "differ") == [WRONG] and codes(found, "missing") == [MISSING]
    assert codes(found, "only-wikidata") == ["0411"]
    assert found["summary"]["agree"] == 96
    wrong = next(f for f in found["findings"] if f["category"] == "differ")
    assert (wrong["plankg"], wrong["registry"]) == ("Q21101", "Q27119")
    assert wikidata.requests and all(q.lstrip().upper().startswith("PREFIX") for q in wikidata.requests)

    result = run_cli(
        "link", "wikidata", "--endpoint", wikidata.url, "--dir", str(registry_copy), "--write", "--date", "2026-11-27"
    )
    assert result.returncode == 0, result.stderr
    rows = {r["kode"]: r for r in table(registry_copy, "municipalities.csv")}
    confirmed = {c for c, r in rows.items() if r["wikidata_bekraeftet"] == "wikidata-kontrol-2026-11-27"}
    assert len(confirmed) == 96 and WRONG not in confirmed and MISSING not in confirmed
    assert rows[WRONG]["wikidata"] == "Q21101"  # a difference is for a human to resolve, not overwritten
    check = {r["slug"]: r for r in table(registry_copy, "sources.csv")}["wikidata-kontrol-2026-11-27"]
    assert (check["upstream"], check["date"]) == (wikidata.url, "2026-11-27")
    quads = build_registry(registry_copy)
    graph = ox.NamedNode(BASE + "graph/register/wikidata-kontrol-2026-11-27")
    same_as = [q for q in quads if q.graph_name == graph and q.predicate.value == "http://schema.org/sameAs"]
    assert len(same_as) == 96


def test_an_unreachable_or_silent_endpoint_changes_nothing(registry_copy: Path) -> None:
    before = snapshot(registry_copy)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    result = run_cli(
        "link", "wikidata", "--endpoint", f"http://127.0.0.1:{closed}/sparql", "--dir", str(registry_copy), "--write"
    )
    assert result.returncode == 2 and "cannot query" in result.stderr
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        result = run_cli(
            "link", "wikidata", "--endpoint", url, "--timeout", "1", "--dir", str(registry_copy), "--write"
        )
    assert result.returncode == 2 and "cannot query" in result.stderr and "timed out" in result.stderr
    assert snapshot(registry_copy) == before
