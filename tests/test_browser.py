"""Pages in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): a newcomer's path."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .conftest import LiveServer

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google's services.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


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
    page.get_by_role("link", name="Samarbejder").click()
    assert "Samarbejder" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Trekantområdet", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Trekantområdet"
    assert "Trekantområdets bestyrelse" in page.content()
    page.get_by_role("link", name="Kolding", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Kolding"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Facts" in page.locator("body").inner_text()
    assert errors == []
    assert set(hosts) == {f"127.0.0.1:{live_server.port}"}
    page.close()
