"""A reconciliation session as OpenRefine runs it, over HTTP against a live server on loopback.

Fetch the manifest, reconcile a batch of real-world spellings, check the matches (the expected
codes are read from the registry tables by the registry's own names), check that an ambiguous or
unknown name gets candidates but no match, then extend the matched rows and compare with the graph.
"""

from __future__ import annotations

import csv
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from ..support import ROOT, SPELLINGS, LiveServer, registry_ids

COOPERATIONS = [
    ("Trekantområdet", "samarbejde/trekantomraadet"),
    ("Vestegnssamarbejdet", "samarbejde/vestegnssamarbejdet"),
]
#: Names that are not clearly one thing: candidates, but no match.
UNCLEAR = ["Lyngby", "Trekanten"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("reconcile"), "--base-uri", "http://127.0.0.1:{port}/")
    yield live
    live.stop()


def call(server: LiveServer, path: str, form: dict[str, str] | None = None) -> Any:
    data = urllib.parse.urlencode(form).encode() if form else None
    request = urllib.request.Request(server.url + path, data=data, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        return json.load(response)


def test_an_openrefine_session(server: LiveServer) -> None:
    manifest = call(server, "/reconcile")
    assert manifest["view"]["url"] == server.url + "/id/{{id}}"  # the configured base, this server
    names = registry_ids()
    rows = [*SPELLINGS, *((text, name) for text, name in COOPERATIONS)]
    queries = {f"q{i}": {"query": text} for i, (text, _) in enumerate(rows)}
    queries |= {f"u{i}": {"query": text} for i, text in enumerate(UNCLEAR)}
    batch = call(server, "/reconcile", {"queries": json.dumps(queries)})
    matched = {}
    for i, (text, expected) in enumerate(rows):
        result = batch[f"q{i}"]["result"]
        wanted = names.get(expected, expected)
        assert result and result[0]["id"] == wanted and result[0]["match"] is True, (text, result[:2])
        matched[text] = result[0]["id"]
    for i, text in enumerate(UNCLEAR):
        result = batch[f"u{i}"]["result"]
        assert result and not any(c["match"] for c in result), (text, result[:2])
    assert batch["u0"]["result"][0]["id"] == names["Lyngby-Taarbæk"]

    ids = sorted({v for v in matched.values() if v.startswith("kommune/")})
    extended = call(
        server,
        "/reconcile",
        {
            "extend": json.dumps(
                {"ids": ids, "properties": [{"id": "kommunekode"}, {"id": "region"}, {"id": "wikidata"}]}
            )
        },
    )
    with (ROOT / "data" / "registry" / "municipalities.csv").open(encoding="utf-8") as handle:
        table = {f"kommune/{row['kode']}": row for row in csv.DictReader(handle)}
    for entity in ids:
        row, cells = table[entity], extended["rows"][entity]
        assert cells["kommunekode"] == [{"str": row["kode"]}]
        assert cells["region"] == [{"id": f"region/{row['regionskode']}", "name": row["regionsnavn"]}]
        assert cells["wikidata"] == [{"str": row["wikidata"]}]


def test_preview_and_suggest_over_http(server: LiveServer) -> None:
    suggestions = call(server, "/reconcile/suggest/entity?prefix=" + urllib.parse.quote("Høje"))
    assert suggestions["result"][0]["id"] == registry_ids()["Høje-Taastrup"]
    with urllib.request.urlopen(server.url + "/reconcile/preview?id=kommune/0621", timeout=30) as response:
        assert "Kolding" in response.read().decode()


def test_search_over_http_finds_the_same_spellings_first(server: LiveServer) -> None:
    names = registry_ids()
    for text, expected in SPELLINGS[:10]:
        found = call(server, "/search?q=" + urllib.parse.quote(text))
        assert found["results"][0]["id"].endswith("/id/" + names[expected]), text
