"""Property-based tests: schemathesis fuzzes the live server against its OpenAPI description;
hypothesis drives the request checks (negotiation, the query guard) with arbitrary input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plankg.domain.guard import Inspection, Refused, inspect_query
from plankg.tables.formats import FAMILIES
from plankg.tables.negotiate import NotAcceptable, choose_format

from ..support import LiveServer


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path_factory.mktemp("fuzz"), env={"PLANKG_QUERY_TIMEOUT": "3", "PLANKG_RESULT_LIMIT": "1000"}
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(fuzzed_server: LiveServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(fuzzed_server.url + "/-/openapi.json")


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_answers_as_documented(case: schemathesis.Case) -> None:
    """No 5xx but the documented 503s, no hang, every status and error body as the description says.

    Schemathesis's "schema-valid data must be accepted" check is left out: a well-formed Accept header
    may still name nothing plankg offers (406), and a well-formed string need not be a SPARQL query (400).
    """
    response = case.call_and_validate(timeout=20, excluded_checks=[schemathesis.checks.positive_data_acceptance])
    assert response.status_code < 500 or response.status_code == 503


def test_the_description_covers_every_route(fuzzed_server: LiveServer) -> None:
    import json
    import re
    import urllib.request

    from plankg.web.app import create_app

    with urllib.request.urlopen(fuzzed_server.url + "/-/openapi.json", timeout=10) as response:
        described = set(json.load(response)["paths"])
    app = create_app({"cache_dir": fuzzed_server.log_path.parent / "fuzz-app-cache"})
    try:
        rules = {
            re.sub(r"<(?:path:)?([^>]+)>", r"{\1}", rule.rule)
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and not rule.rule.endswith(".gz")
        }
    finally:
        app.extensions["plankg"].pool.close()
    assert rules <= described, rules - described


@given(accept=st.text(max_size=200), fmt=st.one_of(st.none(), st.text(max_size=40)))
@settings(max_examples=300, deadline=None)
def test_negotiation_never_fails_otherwise(accept: str, fmt: str | None) -> None:
    for family, offered in FAMILIES.items():
        try:
            chosen = choose_format(None, fmt, accept, family)
        except NotAcceptable as error:
            assert error.offered == offered
        else:
            assert chosen in offered


@given(text=st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_the_guard_accepts_or_refuses_any_text(text: str) -> None:
    try:
        assert isinstance(inspect_query(text, frozenset()), Inspection)
    except Refused as error:
        assert str(error)
