"""HTML pages: Danish by default, English on request, every link on the server."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest


class Page(HTMLParser):
    """The links, headings and text of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.external: list[str] = []
        self.text: list[str] = []
        self.lang: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and values.get("rel") == "external":
            self.external.append(values["href"] or "")
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "html":
            self.lang = values.get("lang")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def page(client, path: str, **headers: str) -> Page:  # type: ignore[no-untyped-def]
    response = client.get(path, headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/html", path
    return Page(response.data.decode("utf-8"))


def test_the_front_page_leads_to_everything_in_both_languages(client) -> None:  # type: ignore[no-untyped-def]
    danish = page(client, "/")
    assert danish.lang == "da" and "Samarbejder" in danish.words and "Kommuner" in danish.words
    for target in ("/doc/samarbejde", "/doc/kommune", "/doc/region", "/sparql", "/data/plankg"):
        assert any(link.startswith(target) for link in danish.links), target
    english = page(client, "/", **{"Accept-Language": "en-GB,en;q=0.9"})
    assert english.lang == "en" and "Cooperations" in english.words
    assert page(client, "/?lang=en").lang == "en"


def test_a_cooperation_page_in_danish_and_english(client) -> None:  # type: ignore[no-untyped-def]
    danish = page(client, "/doc/samarbejde/trekantomraadet")
    assert "Trekantområdet" in danish.words and "Alle oplysninger" in danish.words
    assert "Trekantområdets bestyrelse" in danish.words and "Kolding" in danish.words
    english = page(client, "/doc/samarbejde/trekantomraadet?lang=en")
    assert "All the facts" in english.words and "Board of Trekantområdet" in english.words


def test_every_link_stays_on_the_server(client) -> None:  # type: ignore[no-untyped-def]
    """Links stay on the server; the one kind of outside link is a registry link, marked rel="external"."""
    for path in ("/", "/doc/kommune/0621", "/doc/samarbejde/vestegnssamarbejdet?lang=en", "/doc/kommune", "/kort"):
        found = page(client, path)
        assert found.links and all(link.startswith(("/", "?")) for link in found.links), path
        assert all(link.startswith("http://www.wikidata.org/entity/Q") for link in found.external), path


def test_a_municipality_page_shows_its_registry_identifiers_with_their_sources(client, store) -> None:  # type: ignore[no-untyped-def]
    from ..support import select

    row = select(
        store,
        """PREFIX org: <http://www.w3.org/ns/org#> PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX schema: <http://schema.org/>
        SELECT ?dagi ?wd WHERE { <https://w3id.org/plankg/id/kommune/0621> dct:identifier ?dagi ; schema:sameAs ?wd
        FILTER(DATATYPE(?dagi) = <https://w3id.org/plankg/def/core/DagiId>) }""",
    )[0]
    kolding = page(client, "/doc/kommune/0621")
    assert "Registre og links" in kolding.words and row["dagi"] in kolding.words
    assert kolding.external == [row["wd"]]
    assert "https://api.dataforsyningen.dk/kommuner/0621" in kolding.words and "historisk" in kolding.words
    assert "/doc/kilde/wikidata-p1168?lang=da" in kolding.links and "20. marts 2026" in kolding.words
    region = page(client, "/doc/region/1083?lang=en")
    assert "Region code" in region.words and "Registries and links" in region.words


def test_following_links_from_a_cooperation_to_a_member(client) -> None:  # type: ignore[no-untyped-def]
    cooperation = page(client, "/doc/samarbejde/trekantomraadet?lang=en")
    kolding = next(link for link in cooperation.links if link.startswith("/doc/kommune/0621?"))
    municipality = page(client, kolding)
    assert municipality.lang == "en" and "Kolding" in municipality.words


def test_html_answers_vary_by_language(client) -> None:  # type: ignore[no-untyped-def]
    assert "Accept-Language" in client.get("/doc/kommune/0621").headers["Vary"]


def test_a_cooperation_page_lists_its_members_with_dates(client) -> None:  # type: ignore[no-untyped-def]
    from ..support import names_in

    trekant_2009 = names_in(r"Trekantområdet består af (.+?) kommuner")

    html = client.get("/doc/samarbejde/trekantomraadet").data.decode("utf-8")
    table = html.split('<table class="memberships">', 1)[1].split("</table>", 1)[0]
    rows = Page(table).words
    for name in trekant_2009 | {"Haderslev"}:
        assert name in rows
    assert "Haderslev (0510) januar 2016" in rows and "Billund (0530) 2. december 2009" in rows


def test_a_municipality_page_lists_its_cooperations(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/doc/kommune/0165?lang=en").data.decode("utf-8")
    table = html.split('<table class="memberships">', 1)[1].split("</table>", 1)[0]
    assert "Vestegnssamarbejdet" in Page(table).words


def test_the_downloads_page_states_licence_and_attribution(client) -> None:  # type: ignore[no-untyped-def]
    words = page(client, "/data/plankg").words
    assert "CC BY 4.0" in words and "ophavsretslovens § 22" in words
    assert "Indeholder data fra Klimadatastyrelsen (DAGI via DAWA), hentet 2025-11-17." in words
    assert "Plan09" in words
    assert "Danish right of quotation" in page(client, "/data/plankg?lang=en").words


def test_the_catalogue_says_everything_in_both_languages() -> None:
    from plankg.web.messages import MAP_TEXT, TEXT

    def shape(value: object) -> object:  # the keys all the way down, and every text non-empty
        if isinstance(value, dict):
            return {key: shape(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [shape(inner) for inner in value]
        assert value, "an empty text"
        return type(value).__name__

    for catalogue in (TEXT, MAP_TEXT):
        assert set(catalogue) == {"da", "en"}
        assert shape(catalogue["da"]) == shape(catalogue["en"])


def test_the_language_choice_is_remembered(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()  # its own cookie jar
    first = client.get("/doc/kommune/0621?lang=en")
    assert "lang=en" in first.headers.get("Set-Cookie", "")
    later = client.get("/doc/samarbejde/trekantomraadet", headers={"Accept-Language": "da"})
    assert later.get_data(as_text=True).startswith('<!doctype html>\n<html lang="en" ')
    assert "Cookie" in later.headers["Vary"]
    back = client.get("/?lang=da")
    assert 'lang="da"' in back.get_data(as_text=True) and "lang=da" in back.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(("day", "status"), [("2009-12-02", 200), ("notadate", 400), ("2009-13-40", 400), ("", 400)])
def test_the_map_refuses_a_day_that_is_not_one(client, day: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/kort", query_string={"dato": day}).status_code == status
