"""The Reconciliation Service API 0.2: every answer validates against the official JSON Schemas.

The schemas are registered locally (never fetched). The spec's own examples pass and fail as
upstream's test.sh expects, as a check of the validator itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7

from ..support import TEST_DATA

SPEC = TEST_DATA / "reconciliation-api"
SCHEMAS = {p.stem: json.loads(p.read_text("utf-8")) for p in (SPEC / "schemas").glob("*.json")}
# The schemas say "$schema": "http://json-schema.org/schema#" and use draft-07 keywords.
REGISTRY: Registry = Registry().with_resources(  # type: ignore[type-arg]
    (schema["$id"], DRAFT7.create_resource(schema)) for schema in SCHEMAS.values() if "$id" in schema
)


def validator(name: str) -> Draft7Validator:
    return Draft7Validator(SCHEMAS[name], registry=REGISTRY)


def assert_valid(name: str, document: Any) -> None:
    errors = sorted(validator(name).iter_errors(document), key=str)
    assert errors == [], [e.message for e in errors]


EXAMPLES = sorted((SPEC / "examples").glob("*/*/*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: "/".join(p.parts[-3:]))
def test_the_validator_agrees_with_the_spec_examples(path: Path) -> None:
    name, verdict = path.parts[-3], path.parts[-2]
    if name not in SCHEMAS:
        pytest.skip(f"no schema {name}.json in the spec's folder")
    document = json.loads(path.read_text("utf-8"))
    if "authentication" in document and name == "manifest":
        pytest.skip("needs the Swagger 2.0 schema, which is not copied and never fetched (SOURCE.md)")
    try:
        errors = list(validator(name).iter_errors(document))
    except Unresolvable:
        pytest.skip("refers to a schema outside the spec's folder")
    assert (errors == []) == (verdict == "valid"), [e.message for e in errors]


def post(client, **form: str) -> Any:  # type: ignore[no-untyped-def]
    response = client.post("/reconcile", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def test_manifest(client) -> None:  # type: ignore[no-untyped-def]
    manifest = client.get("/reconcile").get_json()
    assert_valid("manifest", manifest)
    assert [t["id"] for t in manifest["defaultTypes"]] == ["municipality", "region", "cooperation"]
    assert manifest["view"]["url"].endswith("id/{{id}}") and "extend" in manifest


def test_a_batch_is_a_valid_result_batch(client) -> None:  # type: ignore[no-untyped-def]
    queries = {
        "q0": {"query": "Kobenhavn"},
        "q1": {"query": "Ringsted", "type": "municipality", "limit": 3},
        "q2": {"query": "Trekanten"},
        "q3": {"query": "zzzz nothing like it"},
    }
    assert_valid("reconciliation-query-batch", queries)
    batch = post(client, queries=json.dumps(queries))
    assert_valid("reconciliation-result-batch", batch)
    assert batch["q0"]["result"][0]["id"] == "kommune/0101" and batch["q0"]["result"][0]["match"] is True
    assert len(batch["q1"]["result"]) <= 3
    assert not any(c["match"] for c in batch["q2"]["result"]) and batch["q2"]["result"]
    assert batch["q3"]["result"] == []


def test_properties_help_decide(client) -> None:  # type: ignore[no-untyped-def]
    right = {"query": "Ringsted", "properties": [{"pid": "region", "v": "Region Sjælland"}]}
    wrong = {"query": "Ringsted", "properties": [{"pid": "region", "v": "Region Syddanmark"}]}
    code = {"query": "Kolding Kommune", "properties": [{"pid": "kommunekode", "v": "621"}]}
    batch = post(client, queries=json.dumps({"right": right, "wrong": wrong, "code": code}))
    assert batch["right"]["result"][0]["match"] is True
    assert batch["wrong"]["result"][0]["name"] == "Ringsted" and batch["wrong"]["result"][0]["match"] is False
    assert batch["wrong"]["result"][0]["score"] < batch["right"]["result"][0]["score"]
    assert batch["code"]["result"][0]["id"] == "kommune/0621" and batch["code"]["result"][0]["match"] is True


def test_suggest_responses(client) -> None:  # type: ignore[no-untyped-def]
    entities = client.get("/reconcile/suggest/entity?prefix=Kold").get_json()
    assert_valid("suggest-entities-response", entities)
    assert entities["result"][0]["id"] == "kommune/0621"
    types = client.get("/reconcile/suggest/type?prefix=reg").get_json()
    assert_valid("suggest-types-response", types)
    assert [t["id"] for t in types["result"]] == ["region"]
    properties = client.get("/reconcile/suggest/property?prefix=nab").get_json()
    assert_valid("suggest-properties-response", properties)
    assert [p["id"] for p in properties["result"]] == ["neighbours"]


def test_extension_and_its_proposal(client, store) -> None:  # type: ignore[no-untyped-def]
    from ..support import select

    proposal = client.get("/reconcile/propose_properties?type=municipality").get_json()
    assert_valid("data-extension-property-proposal", proposal)
    request = {"ids": ["kommune/0621", "kommune/0101"], "properties": [{"id": p["id"]} for p in proposal["properties"]]}
    assert_valid("data-extension-query", request)
    extended = post(client, extend=json.dumps(request))
    assert_valid("data-extension-response", extended)
    kolding = extended["rows"]["kommune/0621"]
    assert kolding["kommunekode"] == [{"str": "0621"}]
    neighbours = select(
        store,
        "PREFIX geo: <http://www.opengis.net/ont/geosparql#> PREFIX dct: <http://purl.org/dc/terms/> "
        "SELECT DISTINCT ?n { <https://w3id.org/plankg/id/kommune/0621> dct:spatial/geo:sfTouches ?t . "
        "?n dct:spatial ?t }",
    )
    assert sorted(c["id"] for c in kolding["neighbours"]) == sorted(
        r["n"].removeprefix("https://w3id.org/plankg/id/") for r in neighbours
    )
    kinds = select(
        store,
        "PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT DISTINCT ?name ?kind { ?c org:hasMember <https://w3id.org/plankg/id/kommune/0621> ; "
        "skos:prefLabel ?name ; org:classification/skos:prefLabel ?kind "
        "FILTER(LANG(?name) = 'da' && LANG(?kind) = 'da') }",
    )
    assert kinds and sorted(c["str"] for c in kolding["cooperation_kinds"]) == sorted(
        f"{r['name']}: {r['kind']}" for r in kinds
    )


def test_a_regions_dagi_id_is_its_dagi_id_not_its_nuts_code(client) -> None:  # type: ignore[no-untyped-def]
    """A region has two dct:identifier values, told apart by their datatypes; the column and a search by
    either find the right one, whatever order the engine reads them in."""
    import csv

    from plankg.tables import project

    with (project.data_dir() / "registry" / "regions.csv").open(encoding="utf-8") as handle:
        regions = {f"region/{r['kode']}": r for r in csv.DictReader(handle) if r["dagi_id"]}
    assert len(regions) >= 5
    request = {"ids": sorted(regions), "properties": [{"id": "dagi_id"}]}
    extended = post(client, extend=json.dumps(request))
    assert_valid("data-extension-response", extended)
    assert {i: row["dagi_id"] for i, row in extended["rows"].items()} == {
        i: [{"str": r["dagi_id"]}] for i, r in regions.items()
    }
    for identifier, region in regions.items():
        for typed in (region["dagi_id"], region["nuts2"]):
            found = client.get("/search", query_string={"q": typed}, headers={"Accept": "application/json"}).get_json()
            assert found["results"][0]["id"].endswith(identifier), (typed, found["results"][:2])


@pytest.mark.parametrize(
    "form",
    [
        {"queries": "{not json"},
        {"queries": "[1, 2]"},
        {"queries": json.dumps({"q0": {"query": "Kolding", "type": "planet"}})},
        {"queries": json.dumps({"q0": {"query": "Kolding", "limit": -1}})},
        {"extend": json.dumps({"ids": ["kommune/0621"], "properties": [{"id": "colour"}]})},
    ],
)
def test_bad_requests_say_what_is_wrong(client, form: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/reconcile", data=form, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["message"]


def test_preview_is_a_small_escaped_card(client) -> None:  # type: ignore[no-untyped-def]
    card = client.get("/reconcile/preview?id=kommune/0621").get_data(as_text=True)
    assert "Kolding" in card and "/doc/kommune/0621" in card
    assert client.get("/reconcile/preview?id=kommune/9999").status_code == 404
