"""Validation: the project conforms; each broken file trips its rule and names node and file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from plankg.domain.build import validate_paths
from plankg.domain.csvfiles import DataError
from plankg.domain.validate import validate

from ..support import TEST_DATA, run_cli

INVALID = sorted(p for p in (TEST_DATA / "invalid").iterdir() if p.suffix in (".ttl", ".trig"))


def expectations(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^# expect-(\w+): (.+)$", path.read_text("utf-8"), flags=re.MULTILINE))


def test_the_project_data_conform(project_loaded) -> None:  # type: ignore[no-untyped-def]
    report = validate(project_loaded)
    assert report.violations == []
    assert report.warnings == []


def test_the_minimal_dataset_the_broken_files_start_from_conforms() -> None:
    report, _ = validate_paths([TEST_DATA / "valid" / "minimal.ttl"])
    assert report.findings == []


def test_there_is_a_broken_file_for_every_rule_family() -> None:
    rules = {expectations(p)["rule"] for p in INVALID}
    assert {
        "sh:PatternConstraintComponent",
        "sh:MaxCountConstraintComponent",
        "sh:DatatypeConstraintComponent",
        "sh:QualifiedMinCountConstraintComponent",
        "sh:NodeConstraintComponent",
        "sh:EqualsConstraintComponent",
        "sh:SPARQLConstraintComponent",
        "sh:MinCountConstraintComponent",
    } <= rules


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_each_broken_file_trips_its_rule_and_names_node_and_file(path: Path) -> None:
    expected = expectations(path)
    report, _ = validate_paths([path])
    hits = [
        f
        for f in report.findings
        if f.rule == expected["rule"]
        and (f.path or "") == expected.get("path", "")
        and f.focus == expected["focus"]
        and f.severity == expected["severity"]
    ]
    assert hits, report.as_text()
    finding = hits[0]
    assert str(path) in finding.files
    text = finding.as_text()
    assert expected["focus"] in text and str(path) in text and finding.message in text
    assert report.conforms == (expected["severity"] != "Violation")


def test_a_warning_is_shown_but_does_not_fail_the_command() -> None:
    path = TEST_DATA / "invalid" / "missing-english-label.ttl"
    result = run_cli("validate", str(path))
    assert result.returncode == 0
    assert "Warning: https://w3id.org/plankg/id/kommune/9902" in result.stdout


def test_validate_exits_0_on_the_project() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout
    assert "valid: 0 violation(s)" in result.stdout


def test_validate_exits_1_on_broken_data_and_explains_in_json() -> None:
    path = TEST_DATA / "invalid" / "begins-after-it-ends.ttl"
    result = run_cli("validate", "--format", "json", str(path))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False and report["violations"] == 1
    (finding,) = report["results"]
    assert finding["message"] == "The interval begins (2007) after it ends (2006-12)."
    assert finding["files"] == [str(path)]


def test_validate_exits_2_on_a_parse_error_naming_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n', "utf-8")
    result = run_cli("validate", str(broken))
    assert result.returncode == 2
    assert str(broken) in result.stderr and "line 3" in result.stderr


def test_validate_exits_2_on_a_missing_file_or_unknown_format(tmp_path: Path) -> None:
    assert run_cli("validate", str(tmp_path / "missing.ttl")).returncode == 2
    (tmp_path / "data.xyz").write_text("x", "utf-8")
    result = run_cli("validate", str(tmp_path / "data.xyz"))
    assert result.returncode == 2 and "unknown RDF format" in result.stderr


def test_validate_reads_folders_recursively_and_every_rdf_syntax(tmp_path: Path) -> None:
    import pyoxigraph as ox

    quads = list(ox.parse(path=TEST_DATA / "valid" / "minimal.ttl"))
    half = len(quads) // 2
    (tmp_path / "a" / "b").mkdir(parents=True)
    ox.serialize(quads[:half], tmp_path / "a" / "part1.nt", ox.RdfFormat.N_TRIPLES)
    graph = ox.NamedNode("https://w3id.org/plankg/graph/kilde/test")
    ox.serialize(
        [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads[half:]],
        tmp_path / "a" / "b" / "part2.jsonld",
        ox.RdfFormat.JSON_LD,
    )
    report, loaded = validate_paths([tmp_path])
    assert report.findings == []
    assert len(loaded.files) >= 2


def test_a_remote_jsonld_context_is_refused_not_fetched(tmp_path: Path) -> None:
    document = tmp_path / "remote.jsonld"
    document.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a"}', "utf-8")
    with pytest.raises(DataError, match="remote JSON-LD context"):
        validate_paths([document])
