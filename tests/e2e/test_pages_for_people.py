"""Every kind of page, as a visitor meets it: headless Chromium at a phone's and a desktop's width, in
Danish and English, checked with axe-core (vendored in tests/vendor, injected by the test, never served).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from plankg.web.messages import TEXT

from ..support import LiveServer, select

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
BASE = "https://w3id.org/plankg/"
#: One page of every kind.
PAGES = {
    "front": "/",
    "map": "/kort",
    "municipality": "/doc/kommune/0621",
    "region": "/doc/region/1083",
    "cooperation": "/doc/samarbejde/trekantomraadet",
    "unit": "/doc/samarbejde/vestegnssamarbejdet/sekretariatsgruppe",
    "membership": "/doc/samarbejde/trekantomraadet/medlemskab/0621",
    "source": "/doc/kilde/plan09-2009-12-02",
    "concept": "/def/samarbejdstype/byregion",
    "collection": "/doc/kommune",
    "dataset": "/data/plankg",
    "sparql": "/sparql",
    "results": "/sparql?query=" + "SELECT%20%3Fm%20%3Fname%20WHERE%20%7B%20%3Fm%20a%20%3Chttps%3A%2F%2Fw3id.org"
    "%2Fplankg%2Fdef%2Fcore%2FMunicipality%3E%20%3B%20%3Chttp%3A%2F%2Fwww.w3.org%2F2004%2F02%2Fskos%2Fcore%23"
    "prefLabel%3E%20%3Fname%20%7D%20LIMIT%205",
    "search": "/search?q=Kolding",
    "error": "/foo/bar",
}
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}
READY = {"map": "#kort[data-ready=true]", "municipality": "#kort[data-ready=true]", "sparql": "#yasgui[data-ready]"}


def _leaves(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            for path, leaf in _leaves(inner):
                yield f"{key}.{path}" if path else key, leaf
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            for path, leaf in _leaves(inner):
                yield f"{index}.{path}", leaf
    elif isinstance(value, str):
        yield "", value


def danish_only_strings() -> set[str]:
    """The catalogue's Danish texts that are not also English (names and codes are the same in both)."""
    english = {leaf for _, leaf in _leaves(TEXT["en"])}
    english_words = {w for leaf in english for w in re.findall(r"\w+", leaf)}
    found = set()
    for key, leaf in _leaves(TEXT["da"]):
        if key == "language":  # the switch names the other language in that language ("English")
            continue
        for part in re.split(r"\{[^}]*\}", leaf):  # the fixed words around {placeholders}
            part = part.strip(" .,:;()–-")
            one_word = re.fullmatch(r"\w+", part) is not None
            sentence = " " in part and len(part) >= 6
            if part not in english and (sentence or (one_word and len(part) >= 5 and part not in english_words)):
                found.add(part)
    return found


def ui_text(page: Page) -> str:
    """The page's text without what it quotes in Danish (lang="da") and its identifiers (code: file names, IRIs)."""
    return str(
        page.evaluate(
            "() => { const copy = document.body.cloneNode(true);"
            " copy.querySelectorAll('[lang=da], code, script, noscript').forEach(e => e.remove());"
            " document.body.appendChild(copy); copy.hidden = false; const text = copy.innerText;"
            " copy.remove(); return text; }"
        )
    )


def left_in(text: str) -> list[str]:
    text = re.sub(r"\S+://\S+|/\S+", " ", text)  # addresses and paths (…/id/kommune/0621) are not UI text
    return sorted(s for s in danish_only_strings() if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text))


def visit(browser: Browser, server: LiveServer, path: str, lang: str, size: tuple[int, int]) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="da-DK")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + path + ("&" if "?" in path else "?") + f"lang={lang}")
    return page, errors


def axe_violations(page: Page, exclude: list[str]) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page, outside ``exclude`` (CSS selectors)."""
    page.evaluate(AXE.read_text("utf-8") + "\n;0")  # evaluated by the browser's debugger: the page's CSP stays on
    context = {"exclude": [[s] for s in exclude]} if exclude else {}
    result = page.evaluate(
        "async (context) => (await axe.run(Object.keys(context).length ? context : document)).violations",
        context,
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_every_kind_of_page_fits_reads_and_passes_axe(
    browser: Browser, live_server: LiveServer, kind: str, lang: str, viewport: str
) -> None:
    page, errors = visit(browser, live_server, PAGES[kind], lang, VIEWPORTS[viewport])
    if kind in READY:
        page.wait_for_selector(READY[kind])
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("main").count() == 1 and page.locator("nav.top").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport][0], f"{kind} lays out {width} px wide at {viewport} width"
    expected = ["404"] if kind == "error" else []  # the browser notes the 404 of the page itself
    assert [e for e in errors if not any(code in e for code in expected)] == []
    # YASGUI's own markup is left out (README: what axe finds inside it, and why it stays)
    violations = axe_violations(page, ["#yasgui"] if kind == "sparql" else [])
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
    if lang == "en":
        assert left_in(ui_text(page)) == [], f"Danish UI text on the English {kind} page"
    page.close()


def test_the_english_check_knows_danish_when_it_sees_it(browser: Browser, live_server: LiveServer) -> None:
    """The check above can fail: the Danish page holds many of the strings it looks for."""
    page, _ = visit(browser, live_server, "/kort", "da", VIEWPORTS["desktop"])
    assert len(left_in(ui_text(page))) >= 10
    page.close()


def test_axe_finds_what_it_should(browser: Browser, live_server: LiveServer) -> None:
    """The accessibility check can fail: a search field without its label is a critical violation."""
    page, _ = visit(browser, live_server, "/", "da", VIEWPORTS["desktop"])
    page.evaluate("document.querySelectorAll('label[for=search-q]').forEach(l => l.remove()); 0")
    page.evaluate("document.getElementById('search-q').removeAttribute('placeholder'); 0")
    found = {v["id"] for v in axe_violations(page, [])}
    assert "label" in found
    page.close()


#: What axe still finds inside YASGUI's own markup, and why it stays (README, "Pages for people"):
#: its tab list holds the "+" (new tab) button beside the tabs; CodeMirror's scrolling box is reached
#: through the editor's own text field, which axe does not count.
LEFT_IN_YASGUI = {"aria-required-children", "scrollable-region-focusable"}


def test_what_axe_finds_inside_yasgui_is_what_the_readme_lists(browser: Browser, live_server: LiveServer) -> None:
    page, _ = visit(browser, live_server, "/sparql", "en", VIEWPORTS["desktop"])
    page.wait_for_selector("#yasgui[data-ready]")
    page.evaluate(AXE.read_text("utf-8") + "\n;0")
    found = page.evaluate("async () => (await axe.run({include: [['#yasgui']]})).violations.map(v => [v.id, v.impact])")
    assert {name for name, impact in found if impact in ("serious", "critical")} <= LEFT_IN_YASGUI
    # plankg names YASGUI's fields itself: no field without a label is left
    assert "label" not in {name for name, _ in found}
    page.close()


def _iris(page: Page, fact: str) -> set[str]:
    return set(page.eval_on_selector_all(f'dd[data-fact="{fact}"] a[data-iri]', "as => as.map(a => a.dataset.iri)"))


def test_the_summaries_say_what_the_graph_says(browser: Browser, live_server: LiveServer, store) -> None:  # type: ignore[no-untyped-def]
    geo = "http://www.opengis.net/ont/geosparql#"
    page, _ = visit(browser, live_server, "/doc/kommune/0621", "da", VIEWPORTS["phone"])
    neighbours = select(
        store,
        f"SELECT ?n WHERE {{ <{BASE}id/kommune/0621/omraade> <{geo}sfTouches> ?t . ?n <{geo}hasGeometry>?g "
        f"FILTER(STRSTARTS(STR(?t), STR(?n))) ?n a <{BASE}def/core/Municipality> }}",
    )
    touching = select(store, f"SELECT ?t WHERE {{ <{BASE}id/kommune/0621/omraade> <{geo}sfTouches> ?t }}")
    assert _iris(page, "neighbours") == {row["t"].removesuffix("/omraade") for row in touching}
    assert len(touching) >= 3 and len(neighbours) <= len(touching)
    regions = select(
        store,
        f"SELECT DISTINCT ?r WHERE {{ <{BASE}id/kommune/0621/omraade> <{geo}sfWithin> ?t . "
        f"?r a <{BASE}def/core/Region> FILTER(STR(?t) = CONCAT(STR(?r), '/omraade')) }}",
    )
    assert _iris(page, "regions") == {row["r"] for row in regions}
    org = "http://www.w3.org/ns/org#"
    cooperations = select(
        store,
        f"SELECT ?c WHERE {{ ?c <{org}hasMember> <{BASE}id/kommune/0621> ; a <{org}OrganizationalCollaboration> }}",
    )
    assert _iris(page, "cooperations") == {row["c"] for row in cooperations} and len(cooperations) >= 2
    # the sentence names the region of today, as the named query region-on-date does
    lead = page.locator("p.lead").inner_text()
    assert lead.startswith("Kolding er en dansk kommune") and "Region Syddanmark" in lead
    # every key fact names its source, a link to the source's own page
    assert page.locator('dd[data-fact="regions"] .sources a[href^="/doc/kilde/"]').count() >= 1
    page.close()

    page, _ = visit(browser, live_server, "/doc/samarbejde/vestegnssamarbejdet", "en", VIEWPORTS["desktop"])
    bodies = select(
        store, f"SELECT ?u WHERE {{ ?u <{org}subOrganizationOf> <{BASE}id/samarbejde/vestegnssamarbejdet> }}"
    )
    kinds = select(store, f"SELECT ?k WHERE {{ <{BASE}id/samarbejde/vestegnssamarbejdet> <{org}classification> ?k }}")
    assert _iris(page, "bodies") == {row["u"] for row in bodies} and len(bodies) >= 3
    assert _iris(page, "kind") == {row["k"] for row in kinds}
    members = select(store, f"SELECT ?m WHERE {{ <{BASE}id/samarbejde/vestegnssamarbejdet> <{org}hasMember> ?m }}")
    assert f"with {len(members)} known members" in page.locator("p.lead").inner_text()
    page.close()


def test_a_region_page_lists_its_municipalities_of_today(browser: Browser, live_server: LiveServer, store) -> None:  # type: ignore[no-untyped-def]
    from plankg.tables.queries import find_query, run_query

    page, _ = visit(browser, live_server, "/doc/region/1083", "da", VIEWPORTS["phone"])
    today = page.locator("html").get_attribute("data-today")
    rows = run_query(store, find_query("region-on-date"), {"date": today})
    expected = {row["municipality"].value for row in rows if row["region"].value == f"{BASE}id/region/1083"}  # type: ignore[index, union-attr]
    assert _iris(page, "municipalities_today") == expected and len(expected) == 22
    page.close()


def test_the_map_by_keyboard_alone(browser: Browser, live_server: LiveServer, store) -> None:  # type: ignore[no-untyped-def]
    page, errors = visit(browser, live_server, "/kort", "da", VIEWPORTS["desktop"])
    page.wait_for_selector("#kort[data-ready=true]")
    page.focus("form.search button")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "kort"
    page.keyboard.press("Tab")  # one Tab stop: the next one is the date beside the map
    assert page.evaluate("document.activeElement.id") == "dato"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowRight")
    first = page.get_attribute("#kort", "data-chosen")
    page.keyboard.press("ArrowRight")
    second = page.get_attribute("#kort", "data-chosen")
    page.keyboard.press("ArrowLeft")
    assert page.get_attribute("#kort", "data-chosen") == first != second
    names = {row["code"]: row["name"] for row in select(store, MUNICIPALITIES)}
    assert first in names and names[first] in page.locator("#map-status").inner_text()
    assert page.locator(f"path.kommune-{first}.valgt").count() == 1
    assert page.locator(".leaflet-tooltip", has_text=names[first]).count() == 1
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/doc/kommune/{first}?lang=da")
    assert page.locator("h1").inner_text() == names[first]
    assert errors == []
    page.close()


MUNICIPALITIES = """SELECT ?code ?name WHERE { ?m a <https://w3id.org/plankg/def/core/Municipality> ;
<http://www.w3.org/ns/org#identifier> ?code ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name
FILTER(LANG(?name) = "da") }"""


def test_a_tap_shows_the_place_before_it_opens_its_page(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/kort?lang=en")
    page.wait_for_selector("#kort[data-ready=true]")
    page.locator("path.kommune-0621").tap()
    assert "Kolding" in page.locator(".leaflet-tooltip").inner_text()
    assert "/kort" in page.url
    page.locator("path.kommune-0621").tap()
    page.wait_for_url("**/doc/kommune/0621?lang=en")
    context.close()


def test_the_language_is_kept_in_place_and_remembered(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.goto(live_server.url + "/kort?dato=2009-12-02")
    page.wait_for_selector("#kort[data-ready=true]")
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("#kort[data-ready=true]")
    assert "dato=2009-12-02" in page.url and page.locator("html").get_attribute("lang") == "en"
    assert page.input_value("#dato") == "2009-12-02"
    page.goto(live_server.url + "/doc/kommune/0621")  # no ?lang=: the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_the_map_refuses_a_day_that_is_not_one(browser: Browser, live_server: LiveServer) -> None:
    page, _ = visit(browser, live_server, "/kort?dato=notadate", "en", VIEWPORTS["phone"])
    assert page.locator("h1").inner_text() == TEXT["en"]["errors"]["400"][0]
    assert "notadate" in page.locator("main").inner_text()
    page.close()


def test_a_cooperation_has_one_colour_and_pattern_on_the_map_and_its_pages(
    browser: Browser, live_server: LiveServer
) -> None:
    page, _ = visit(browser, live_server, "/kort", "en", VIEWPORTS["desktop"])
    page.wait_for_selector("#kort[data-ready=true]")
    on_map = page.eval_on_selector(
        "#legend li[data-cooperation$='trekantomraadet'] .swatch",
        "e => [e.className, getComputedStyle(e).backgroundColor]",
    )
    page.goto(live_server.url + "/doc/kommune/0621?lang=en")
    row = page.locator("table.memberships tr", has_text="Trekantområdet").locator(".swatch")
    on_page = row.evaluate("e => [e.className, getComputedStyle(e).backgroundColor]")
    assert on_map == on_page and "moenster-" in on_map[0]
    page.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_sparql_editor_shows_a_syntax_error_in_words(
    browser: Browser, live_server: LiveServer, viewport: str
) -> None:
    page, _ = visit(browser, live_server, "/sparql", "en", VIEWPORTS[viewport])
    page.wait_for_selector("#yasgui[data-ready]")
    page.evaluate("window.plankgYasgui.getTab().setQuery('SELECT * WHERE {\\n  ?s ?p\\n}'); 0")
    page.evaluate("window.plankgYasgui.getTab().getYasqe().query(); 0")
    problem = page.wait_for_selector(".yasr .problem")
    assert problem.get_attribute("data-line") == "3"
    assert "The error is at line 3" in problem.inner_text() and "[_]" not in problem.inner_text()
    # the message wraps: the page stays as wide as the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]
    page.close()


def test_a_shared_query_link_opens_as_a_page_with_labels(browser: Browser, live_server: LiveServer, store) -> None:  # type: ignore[no-untyped-def]
    page, errors = visit(browser, live_server, PAGES["results"], "da", VIEWPORTS["phone"])
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 5
    first = rows.first.locator("a").first
    iri = first.get_attribute("title")
    label = select(
        store,
        f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(LANG(?l) = 'da') }}",
    )
    assert first.inner_text() == label[0]["l"] and first.get_attribute("href") == "/doc/" + iri.split("/id/")[1]
    assert "SELECT ?m ?name" in page.input_value("textarea#query")  # the query stays editable
    page.fill("textarea#query", "SELECT * WHERE { ?s ?p }")
    page.get_by_role("button", name=TEXT["da"]["run"]).click()
    problem = page.locator(".problem")
    assert problem.get_attribute("data-line") == "1" and "linje 1" in problem.inner_text()
    assert [e for e in errors if "status of 400" not in e] == []  # the browser notes the page's own 400
    page.close()
