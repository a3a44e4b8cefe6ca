"""The page texts in Danish and English: the one catalogue of what people read on plankg's pages.

The texts live in ``catalogue/da.json`` and ``catalogue/en.json`` (data, for translators, not code);
keys are the same in both languages (a test checks it); a page picks its language with
:func:`ui_language` (``negotiate.choose_language``: ``?lang=`` > Accept-Language > Danish).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Response, request

from plankg.tables.negotiate import LANGUAGES, choose_language

CATALOGUE = Path(__file__).resolve().parent / "catalogue"


def _read(lang: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((CATALOGUE / f"{lang}.json").read_text("utf-8"))
    return found


_CATALOGUES = {lang: _read(lang) for lang in LANGUAGES}
#: The page texts by language (``catalogue/{da,en}.json``).
TEXT: dict[str, dict[str, Any]] = {lang: c["text"] for lang, c in _CATALOGUES.items()}
#: The texts the map script shows, in each language.
MAP_TEXT: dict[str, dict[str, Any]] = {lang: c["map"] for lang, c in _CATALOGUES.items()}
MEMBERSHIP_STATES: dict[str, dict[str, str]] = {lang: c["membership_states"] for lang, c in _CATALOGUES.items()}
REGION_STATES: dict[str, dict[str, str]] = {lang: c["region_states"] for lang, c in _CATALOGUES.items()}
MONTHS: dict[str, tuple[str, ...]] = {lang: tuple(c["months"]) for lang, c in _CATALOGUES.items()}


def ui_language() -> str:
    """The page language of this request: ``?lang=``, then the remembered choice, then Accept-Language."""
    return choose_language(
        request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE), request.headers.get("Accept-Language")
    )


def language_switch(lang: str) -> str:
    """This page in ``lang``: the same path and query, only ``lang`` changed (the place is kept)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", lang)])


#: The cookie that remembers a language chosen with ``?lang=`` (a year; no other cookie is ever set).
LANGUAGE_COOKIE = "lang"


def remember_language(response: Response) -> Response:
    """Keep the language a visitor chose; pages that follow the language vary by the cookie too."""
    # The switch's links write ``lang=`` plainly: a SPARQL query in the address is not parsed a second time.
    chosen = request.args.get("lang") if b"lang=" in request.query_string else None
    if chosen in LANGUAGES and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    vary = response.headers.get("Vary", "")
    if "Accept-Language" in vary and "Cookie" not in vary:
        response.headers["Vary"] = vary + ", Cookie"
    return response


def message(lang: str, key: str) -> str:
    """One text of the catalogue, as a string."""
    return str(TEXT[lang][key])


def messages(lang: str, key: str) -> dict[str, str]:
    """A group of texts of the catalogue (sentences by kind, key-fact labels …)."""
    found = TEXT[lang][key]
    assert isinstance(found, dict)
    return found


def human_date(value: str, lang: str) -> str:
    """A date as people write it, at the precision it is given in: 2007, januar 2016, 2. december 2009."""
    parts = value.split("-")
    if len(parts) == 1 or not all(p.isdigit() for p in parts):
        return value
    month = MONTHS[lang][int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = int(parts[2])
    return f"{day}. {month} {parts[0]}" if lang == "da" else f"{day} {month} {parts[0]}"
