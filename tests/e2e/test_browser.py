"""Pages in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): a newcomer's path."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page

from ..support import LiveServer, select


def open_page(browser: Browser, server: LiveServer) -> tuple[Page, list[str], list[str]]:
    page = browser.new_page(locale="da-DK")  # a Danish browser; English is one click away
    errors: list[str] = []
    hosts: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: hosts.append(urlparse(request.url).netloc))
    return page, errors, hosts


def test_front_page_to_a_cooperation_to_a_member_and_into_english(browser: Browser, live_server: LiveServer) -> None:
    page, errors, hosts = open_page(browser, live_server)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "plankg"
    page.get_by_role("main").get_by_role("link", name="Samarbejder", exact=True).click()
    assert "Samarbejder" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Trekantområdet", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Trekantområdet"
    assert "Trekantområdets bestyrelse" in page.content()
    page.get_by_role("link", name="Kolding", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Kolding"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "All the facts" in page.locator("body").inner_text()
    assert errors == []
    assert set(hosts) == {f"127.0.0.1:{live_server.port}"}
    page.close()


def fill_of(page: Page, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => getComputedStyle(e).fill"))


def shown_states(page: Page) -> dict[str, set[tuple[str, str]]]:
    """(code, cooperation) per state, as every drawn municipality says it shows them (data-members, data-documented)."""
    marks = page.eval_on_selector_all(
        "path.kommune",
        "paths => paths.map(p => [p.getAttribute('class').match(/kommune-(\\d+)/)[1], "
        "p.getAttribute('data-members'), p.getAttribute('data-documented')])",
    )
    found: dict[str, set[tuple[str, str]]] = {"member": set(), "last documented": set()}
    for code, members, documented in marks:
        found["member"] |= {(code, uri) for uri in (members or "").split()}
        found["last documented"] |= {(code, uri) for uri in (documented or "").split()}
    return found


HIDDEN = ("kommunekontaktraad", "planlaegningsomraade")
KINDS = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?c ?label ?kind WHERE { ?c a org:OrganizationalCollaboration ; org:classification ?kind ;
skos:prefLabel ?label FILTER(LANG(?label) = "da") }"""


def test_the_map_of_cooperations(browser: Browser, live_server: LiveServer, store) -> None:  # type: ignore[no-untyped-def]
    from plankg.tables.queries import find_query, run_query

    page, errors, hosts = open_page(browser, live_server)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Kort over samarbejder om planstrategien").click()
    page.wait_for_selector("#kort[data-ready=true]")
    municipalities = select(
        store, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a <https://w3id.org/plankg/def/core/Municipality> }"
    )
    assert page.locator("path.kommune").count() == int(municipalities[0]["n"]) == 98
    # The legend lists the cooperations of the kinds shown by default: all but KKR (and the area)
    cooperations = select(store, KINDS)
    shown = {row["c"] for row in cooperations if not row["kind"].endswith(HIDDEN)}
    legend = page.locator("#legend").inner_text()
    assert len(shown) >= 14 and all(row["label"] in legend for row in cooperations if row["c"] in shown)
    assert not any(row["label"] in legend for row in cooperations if row["c"] not in shown)

    # Haderslev joined Trekantområdet in January 2016: uncoloured in 2009, Trekantområdet's colour today.
    swatch = page.eval_on_selector(
        "#legend li[data-cooperation$='trekantomraadet'] .swatch",
        "e => [e.className, getComputedStyle(e).backgroundColor]",
    )
    index = re.search(r"farve-(\d+)", swatch[0]).group(1)  # type: ignore[union-attr]
    trekant = swatch[1] if "moenster-solid" in swatch[0] else f'url("#moenster-{index}")'  # colour, or its pattern
    page.get_by_role("button", name="2. december 2009 (Plan09-artiklen)").click()
    in_2009 = fill_of(page, "path.kommune-0510")
    page.get_by_role("button", name="I dag").click()
    today = fill_of(page, "path.kommune-0510")
    assert in_2009 != today == trekant

    # On every day the map shows the states the named query members-on-date finds: members and
    # memberships last documented earlier apart, nothing for "not known".
    query = find_query("members-on-date")
    for day in ("2006-12-31", "2009-12-01", "2009-12-02", "2015-12-31", "2016-01-31", "2021-12-31", "2022-01-01"):
        page.fill("#dato", day)
        assert page.locator("#map-status").inner_text().endswith(day)
        rows = [s for s in run_query(store, query, {"date": day}) if s["cooperation"].value in shown]  # type: ignore[index, union-attr]
        expected = {
            state: {(s["code"].value, s["cooperation"].value) for s in rows if s["state"].value == state}  # type: ignore[index, union-attr]
            for state in ("member", "last documented")
        }
        assert shown_states(page) == expected, day
    vestegn = "https://w3id.org/plankg/id/samarbejde/vestegnssamarbejdet"
    page.fill("#dato", "2009-12-01")
    assert not any(c == vestegn for _, c in shown_states(page)["member"] | shown_states(page)["last documented"])
    page.get_by_role("button", name="I dag").click()
    assert ("0165", vestegn) in shown_states(page)["last documented"]
    # a membership last documented looks different from a member: light and dashed
    assert page.eval_on_selector("path.kommune-0165", "e => e.getAttribute('stroke-dasharray')") == "4 3"

    # KKR are off by default; switched on, every municipality is in its region's KKR
    assert not any("kkr-" in c for _, c in shown_states(page)["member"])
    page.get_by_label("kommunekontaktråd (KKR)").check()
    kkr = {code for code, c in shown_states(page)["member"] if "/kkr-" in c}
    assert len(kkr) == 98 and "arter=" in page.url and "kommunekontaktraad" in page.url
    # the legend zooms to a cooperation
    page.locator("#legend li[data-cooperation$='trekantomraadet'] button").click()
    assert page.get_attribute("#kort", "data-zoomed-to", timeout=5000).endswith("trekantomraadet")  # type: ignore[union-attr]

    page.locator("path.kommune-0621").hover()
    assert "Kolding" in page.locator(".leaflet-tooltip").inner_text()
    page.locator("path.kommune-0621").click()
    page.wait_for_url("**/doc/kommune/0621**")
    assert page.locator("h1").inner_text() == "Kolding"
    # Kolding's own page: the municipality and its neighbours, as the graph has them.
    page.wait_for_selector("#kort[data-ready=true]")
    neighbours = select(
        store,
        """PREFIX dct: <http://purl.org/dc/terms/> PREFIX geo: <http://www.opengis.net/ont/geosparql#>
        SELECT (COUNT(DISTINCT ?n) AS ?count) WHERE {
        <https://w3id.org/plankg/id/kommune/0621> dct:spatial/geo:sfTouches ?t .
        ?n a <https://w3id.org/plankg/def/core/Municipality> ; dct:spatial ?t }""",
    )
    assert page.locator("path.selv").count() == 1
    assert page.locator("path.nabo").count() == int(neighbours[0]["count"]) > 0
    # Trekantområdet's page draws its members in the colour the map gives it
    page.goto(live_server.url + "/doc/samarbejde/trekantomraadet")
    page.wait_for_selector("#kort[data-ready=true]")
    assert fill_of(page, "path.medlem.kommune-0621") == trekant
    assert errors == []
    assert set(hosts) == {f"127.0.0.1:{live_server.port}"}
    page.close()


def test_the_map_in_english_and_a_cooperation_page_map(browser: Browser, live_server: LiveServer) -> None:
    page, errors, hosts = open_page(browser, live_server)
    page.goto(live_server.url + "/kort?lang=en&dato=2009-12-02")
    page.wait_for_selector("#kort[data-ready=true]")
    assert page.locator("h1").inner_text() == "Map of cooperations on the planning strategy"
    assert "No known cooperation" in page.locator("#legend").inner_text()
    assert page.locator("#dato").input_value() == "2009-12-02"
    page.goto(live_server.url + "/doc/samarbejde/trekantomraadet")
    page.wait_for_selector("#kort[data-ready=true]")
    assert page.locator("path.medlem").count() == 7
    assert errors == []
    assert set(hosts) == {f"127.0.0.1:{live_server.port}"}
    page.close()


def test_the_query_page_runs_an_example(browser: Browser, live_server: LiveServer) -> None:
    import json
    import urllib.parse
    import urllib.request

    from plankg.tables.queries import find_query, runnable_text

    page, errors, hosts = open_page(browser, live_server)
    page.goto(live_server.url + "/sparql")
    page.wait_for_selector("#yasgui[data-ready=true]")
    query = find_query("board-members")  # fewer rows than YASR shows on one page (50)
    page.get_by_role("button", name=query.title_in("da")).click()
    page.wait_for_selector(".yasr table tbody tr")
    rows = page.locator(".yasr table tbody tr")
    # The same text over plain HTTP: the table shows every binding.
    body = urllib.parse.urlencode({"query": runnable_text(query)}).encode()
    request = urllib.request.Request(
        live_server.url + "/sparql", data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        bindings = json.load(response)["results"]["bindings"]
    assert rows.count() == len(bindings) > 0
    names = {b["name"]["value"] for b in bindings}
    table = page.locator(".yasr table tbody").inner_text()
    assert all(name in table for name in names)
    assert errors == []
    assert set(hosts) == {f"127.0.0.1:{live_server.port}"}
    page.close()


def test_hostile_literals_run_no_script_in_the_browser(browser: Browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Untrusted text on every kind of page, and in the map's tooltips and legend: shown, never run."""
    from ..support import TEST_DATA

    hostile = '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">'
    escaped = hostile.replace('"', '\\"')
    text = (TEST_DATA / "valid" / "minimal.ttl").read_text("utf-8")
    data = tmp_path / "hostile.ttl"
    data.write_text(text.replace('skos:prefLabel "Aby"@da', f'skos:prefLabel "{escaped}"@da'), "utf-8")
    server = LiveServer(tmp_path / "cache", "--data", str(data))
    try:
        page, errors, hosts = open_page(browser, server)
        page.goto(server.url + "/kort")
        page.wait_for_selector("#kort[data-ready=true]")
        page.locator("path.kommune-9901").hover()
        assert hostile in page.locator(".leaflet-tooltip").inner_text()
        for path in ("/doc/kommune/9901", "/doc/kommune", "/doc/samarbejde/test"):
            page.goto(server.url + path)
            page.wait_for_load_state("load")
            assert hostile in page.locator("body").inner_text(), path
            assert page.evaluate("window.__pwned") is None, path
        page.goto(server.url + "/doc/kommune/9902")  # its neighbour's name in the small map's tooltip
        page.wait_for_selector("#kort[data-ready=true]")
        page.locator("path.nabo").first.hover()
        assert hostile in page.locator(".leaflet-tooltip").inner_text()
        assert page.evaluate("window.__pwned") is None
        assert errors == []  # no script ran, and the Content-Security-Policy had nothing to block
        assert set(hosts) == {f"127.0.0.1:{server.port}"}
        page.close()
    finally:
        server.stop()


def test_the_query_page_shows_and_downloads_rdf_results(browser: Browser, live_server: LiveServer, store) -> None:  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    construct = (
        "CONSTRUCT { ?m <http://www.w3.org/ns/org#identifier> ?c } WHERE { "
        "<https://w3id.org/plankg/id/samarbejde/trekantomraadet> <http://www.w3.org/ns/org#hasMember> ?m . "
        "?m <http://www.w3.org/ns/org#identifier> ?c }"
    )
    expected = set(store.query(construct, use_default_graph_as_union=True))
    page = browser.new_page(accept_downloads=True)
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).netloc))
    page.goto(live_server.url + "/sparql")
    page.wait_for_selector("#yasgui[data-ready=true]")
    page.evaluate(
        "query => { const tab = window.plankgYasgui.getTab(); tab.setQuery(query); tab.getYasqe().query(); }",
        construct,
    )
    page.wait_for_selector(".yasr table tbody tr")
    assert page.locator(".yasr table tbody tr").count() == len(expected) == 7
    page.click(".yasr .select_response")
    with page.expect_download() as download:
        page.click(".yasr .yasr_downloadIcon")
    downloaded = Path(download.value.path()).read_bytes()
    parsed = {q.triple for q in ox.parse(downloaded, format=ox.RdfFormat.TURTLE)}
    assert parsed == expected
    assert set(hosts) == {f"127.0.0.1:{live_server.port}"}
    page.close()


def test_the_search_box_by_keyboard(browser: Browser, live_server: LiveServer) -> None:
    """Tab to the box, type, see suggestions from plankg itself, Enter, Tab to the first hit, Enter."""
    page, errors, hosts = open_page(browser, live_server)
    page.goto(live_server.url + "/kort")
    box = page.locator("#search-q")
    for _ in range(30):  # bounded: the box sits right after the navigation
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-q":
            break
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.type("Brondby")
    suggestion = page.locator("#search-suggestions option").first
    suggestion.wait_for(state="attached", timeout=10_000)  # (wait_for_function would need eval, which the CSP forbids)
    assert suggestion.get_attribute("value") == "Brøndby"
    box.press("Enter")
    page.wait_for_url("**/search?**")
    assert "Brøndby" in page.locator("main").inner_text()
    page.locator("main a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/doc/kommune/0153**")
    assert page.locator("h1").inner_text() == "Brøndby"
    assert errors == [] and set(hosts) == {f"127.0.0.1:{live_server.port}"}
    page.close()


@pytest.mark.parametrize(("path", "kind"), [("/doc/kommune", "municipality"), ("/doc/region", "region")])
def test_the_list_pages_draw_every_place(
    browser: Browser, live_server: LiveServer, store, path: str, kind: str
) -> None:  # type: ignore[no-untyped-def]
    """Review finding: the list pages' maps failed ("Cannot read properties of undefined") under a wrong caption."""
    from plankg.tables.queries import find_query, run_query

    # the places of the list on the server's today: every municipality, the regions living today
    today = run_query(store, find_query("region-on-date"), {})
    expected = len({s["municipality" if kind == "municipality" else "region"] for s in today})  # type: ignore[index]
    page, errors, hosts = open_page(browser, live_server)
    page.goto(live_server.url + path)
    page.locator("#kort[data-ready=true]").wait_for(timeout=20_000)
    assert page.locator("#kort path.sted").count() == int(expected)
    caption = page.locator(".attribution").first.inner_text()
    assert "nabokommuner" not in caption and "Alle på listen" in caption
    assert "Kortet kunne ikke hentes" not in page.locator("body").inner_text()
    assert errors == [] and set(hosts) == {f"127.0.0.1:{live_server.port}"}
    page.close()


def test_a_region_page_says_what_its_map_shows(browser: Browser, live_server: LiveServer) -> None:
    page, errors, _ = open_page(browser, live_server)
    page.goto(live_server.url + "/doc/region/1083?lang=en")
    page.locator("#kort[data-ready=true]").wait_for(timeout=20_000)
    assert page.locator(".attribution").first.inner_text().startswith("The region's territory.")
    assert errors == []
    page.close()


def test_a_shared_query_link_opens_as_a_page_with_labels(browser: Browser, live_server: LiveServer) -> None:
    """Review finding: a GET /sparql?query= link opened in a browser downloaded a file named 'sparql'."""
    from urllib.parse import quote

    query = (
        "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?member WHERE { "
        "<https://w3id.org/plankg/id/samarbejde/trekantomraadet> org:hasMember ?member }"
    )
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="da-DK")
    downloads: list[str] = []
    page.on("download", lambda download: downloads.append(download.suggested_filename))
    page.goto(live_server.url + "/sparql?query=" + quote(query))
    assert downloads == [] and page.locator("h1").inner_text() == "Svar på forespørgslen"
    cells = page.locator("table.results tbody td a")
    assert "Kolding" in cells.all_inner_texts()  # labels, not IRIs; the IRI is the link's title
    assert cells.first.get_attribute("title", timeout=5_000).startswith("https://w3id.org/plankg/id/kommune/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


@pytest.mark.parametrize(("today", "regions"), [("2026-12-31", 5), ("2027-01-01", 4)])
def test_the_map_draws_the_regions_of_the_servers_today(
    browser: Browser, cache_dir: Path, today: str, regions: int
) -> None:
    """With the server's clock set (a setting), /kort draws five regions on New Year's Eve and four the day after."""
    server = LiveServer(cache_dir, env={"PLANKG_TODAY": today})
    try:
        page, errors, hosts = open_page(browser, server)
        page.goto(server.url + "/kort")
        page.wait_for_selector("#kort[data-ready=true]")
        assert page.input_value("#dato") == today
        assert page.locator("path.region-graense").count() == regions
        status = page.locator("#region-status").inner_text()
        assert status.startswith(f"Regioner pr. {today}: {regions}")
        assert ("Region Østdanmark" in status) == (regions == 4)
        assert ("Region Hovedstaden" in status) == (regions == 5)
        # Albertslund's tooltip names its region on the chosen day
        page.locator("path.kommune-0165").hover()
        tip = page.locator(".leaflet-tooltip").inner_text()
        assert ("Region Østdanmark" in tip) == (regions == 4) and ("Region Hovedstaden" in tip) == (regions == 5)
        # the other day, chosen on the map, draws the other number of regions
        other = "2027-01-01" if regions == 5 else "2026-12-31"
        page.fill("#dato", other)
        page.wait_for_selector(f"#kort[data-regions-on='{other}']")
        assert page.locator("path.region-graense").count() == 9 - regions
        assert errors == []
        assert set(hosts) == {f"127.0.0.1:{server.port}"}
        page.close()
    finally:
        server.stop()
