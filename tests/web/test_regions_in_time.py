"""New Year's Day 2027 without anyone touching the server: the clock is a setting, the store is the real one.

The same data served with "today" set to 2026-12-31 and to 2027-01-01: five regions and then four in
the collections, GeoJSON, pages and named queries; Albertslund moves to Region Østdanmark, Kolding
stays in Region Syddanmark.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from plankg.tables import project
from plankg.tables.queries import find_query, runnable_text

ID = "https://w3id.org/plankg/id/"
EVE, NEW_YEAR = "2026-12-31", "2027-01-01"


def region_names() -> dict[str, str]:
    with (project.data_dir() / "registry" / "regions.csv").open(encoding="utf-8") as handle:
        return {row["slug"] or row["kode"]: row["navn"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module", params=[EVE, NEW_YEAR])
def day_client(request: pytest.FixtureRequest, cache_dir: Path) -> Iterator[tuple[str, object]]:
    from plankg.web.app import create_app

    app = create_app({"cache_dir": cache_dir, "query_timeout": 5, "today": request.param})
    yield request.param, app.test_client()
    app.extensions["plankg"].pool.close()


def expected_regions(day: str) -> set[str]:
    keys = set(region_names())
    return keys - {"oestdanmark"} if day == EVE else keys - {"1084", "1085"}


def test_the_region_geojson_holds_the_regions_living_today(day_client) -> None:  # type: ignore[no-untyped-def]
    day, client = day_client
    collection = client.get("/doc/region.geojson").get_json()
    assert collection["day"] == day
    keys = {f["id"].rsplit("/", 1)[1] for f in collection["features"]}
    assert keys == expected_regions(day) and len(keys) == (5 if day == EVE else 4)
    # another day can be asked for, whatever today is
    other = NEW_YEAR if day == EVE else EVE
    asked = client.get("/doc/region.geojson", query_string={"dato": other}).get_json()
    assert {f["id"].rsplit("/", 1)[1] for f in asked["features"]} == expected_regions(other)
    assert client.get("/doc/region.geojson", query_string={"dato": "2027-13-01"}).status_code == 400


def test_a_municipalitys_feature_names_its_region_on_the_day(day_client) -> None:  # type: ignore[no-untyped-def]
    day, client = day_client
    albertslund = client.get("/doc/kommune/0165.geojson").get_json()["properties"]
    kolding = client.get("/doc/kommune/0621.geojson").get_json()["properties"]
    assert albertslund["region"] == ID + ("region/1084" if day == EVE else "region/oestdanmark")
    assert kolding["region"] == ID + "region/1083"
    lives = [(r["uri"].rsplit("/", 1)[1], r["from"], r.get("to")) for r in albertslund["regions"]]
    assert lives == [("1084", "2007", "2026-12-31"), ("oestdanmark", "2027-01-01", None)]
    every = client.get("/doc/kommune.geojson").get_json()["features"]
    assert {f["properties"]["region"].rsplit("/", 1)[1] for f in every} == expected_regions(day)


def listed(page: str, state: str) -> list[str]:
    block = re.search(rf'<ul class="regions" data-state="{state}">(.*?)</ul>', page, re.S)
    return [unescape(name) for name in re.findall(r">([^<]+)</a>", block.group(1))] if block else []


def test_the_region_list_keeps_current_and_former_regions_apart(day_client) -> None:  # type: ignore[no-untyped-def]
    day, client = day_client
    page = client.get("/doc/region", headers={"Accept": "text/html"}).get_data(as_text=True)
    names = region_names()
    current, former, future = listed(page, "current"), listed(page, "former"), listed(page, "future")
    assert set(current) == {names[k] for k in expected_regions(day)}
    if day == EVE:
        assert former == [] and future == [names["oestdanmark"]]
    else:
        assert set(former) == {names["1084"], names["1085"]} and future == []


def test_albertslunds_page_shows_both_regions_with_their_dates(day_client) -> None:  # type: ignore[no-untyped-def]
    day, client = day_client
    danish = client.get("/doc/kommune/0165?lang=da").get_data(as_text=True)
    summary = re.search(r'<dd data-fact="regions">(.*?)</dd>', danish, re.S).group(1)  # type: ignore[union-attr]
    text = unescape(re.sub(r"<[^>]+>", "", summary))
    assert "Region Hovedstaden (fra 2007, til og med 31. december 2026;" in text
    assert "Region Østdanmark (fra 1. januar 2027;" in text
    current = re.findall(r'<li data-state="current"><a [^>]*>([^<]+)</a>', summary)
    assert current == (["Region Hovedstaden"] if day == EVE else ["Region Østdanmark"])
    # The sentence says the region of the day, and the regions' facts name their source
    lead = unescape(re.sub(r"<[^>]+>", "", re.search(r'<p class="lead"[^>]*>(.*?)</p>', danish, re.S).group(1)))  # type: ignore[union-attr]
    assert lead.endswith(f"I dag ligger den i {current[0]}.")
    assert "kilde: DAGI" in text
    english = client.get("/doc/kommune/0165?lang=en").get_data(as_text=True)
    assert "until 31 December 2026" in english and "from 1 January 2027" in english
    kolding = client.get("/doc/kommune/0621?lang=da").get_data(as_text=True)
    regions = re.search(r'<dd data-fact="regions">(.*?)</dd>', kolding, re.S).group(1)  # type: ignore[union-attr]
    assert "Region Syddanmark" in regions and "Østdanmark" not in regions


def test_region_pages_show_lifetime_and_lineage(day_client) -> None:  # type: ignore[no-untyped-def]
    day, client = day_client
    new = client.get("/doc/region/oestdanmark?lang=en").get_data(as_text=True)
    assert 'href="/doc/region/1084?lang=en"' in new and 'href="/doc/region/1085?lang=en"' in new
    assert ("begins later" if day == EVE else "exists today") in new
    old = client.get("/doc/region/1084?lang=da").get_data(as_text=True)
    assert 'href="/doc/region/oestdanmark?lang=da"' in old
    assert ("findes i dag" if day == EVE else "ophørt") in old


def test_the_named_queries_answer_for_the_servers_today(day_client) -> None:  # type: ignore[no-untyped-def]
    day, client = day_client
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    query = find_query("region-on-date")
    assert f'"{day}"' in unescape(page)  # the example carries the server's today
    response = client.post(
        "/sparql",
        data={"query": runnable_text(query, today=dt.date.fromisoformat(day))},
        headers={"Accept": "application/sparql-results+json"},
    )
    rows = response.get_json()["results"]["bindings"]
    regions = {r["code"]["value"]: r["region"]["value"].rsplit("/", 1)[1] for r in rows}
    assert regions["0165"] == ("1084" if day == EVE else "oestdanmark") and regions["0621"] == "1083"
    assert set(regions.values()) == expected_regions(day)


def test_the_server_date_is_the_default_today(app) -> None:  # type: ignore[no-untyped-def]
    assert app.extensions["plankg"].config.current_day() == dt.date.today()
