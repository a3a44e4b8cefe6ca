"""Search: what people call a thing finds it first; bad queries are clear 400s."""

from __future__ import annotations

import pytest

from ..support import SPELLINGS, registry_ids


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_a_spelling_finds_the_right_thing_first(client, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    found = client.get("/search", query_string={"q": text}, headers={"Accept": "application/json"}).get_json()
    assert found["results"][0]["id"] == "https://w3id.org/plankg/id/" + registry_ids()[expected]


@pytest.mark.parametrize(("code", "name"), [("0621", "Kolding"), ("621", "Kolding"), ("1085", "Region Sjælland")])
def test_codes_with_and_without_zeros(client, code: str, name: str) -> None:  # type: ignore[no-untyped-def]
    found = client.get("/search", query_string={"q": code}, headers={"Accept": "application/json"}).get_json()
    assert found["results"][0]["name"] == name


def test_a_typo_or_two_and_kinds(client) -> None:  # type: ignore[no-untyped-def]
    found = client.get("/search", query_string={"q": "Koldnig"}, headers={"Accept": "application/json"}).get_json()
    assert found["results"][0]["name"] == "Kolding" and found["results"][0]["kind"] == "municipality"
    regions = client.get("/search?q=region&kind=region&format=json").get_json()["results"]
    assert regions and {r["kind"] for r in regions} == {"region"}


def test_the_page_shows_hits_with_their_kind(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/search?q=Brondby&lang=en").get_data(as_text=True)
    assert "Brøndby" in page and "(municipality)" in page and 'href="/doc/kommune/0153?lang=en"' in page


@pytest.mark.parametrize("text", ["x" * 10_000, "Kol\x00ding", "a\x1bb", "\x7f"])
def test_a_long_or_controlled_query_is_a_clear_400(client, text: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/search", query_string={"q": text}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["message"]
