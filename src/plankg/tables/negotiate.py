"""Content negotiation as pure functions: the only code that reads ``Accept`` or ``Accept-Language``.

:func:`choose_format` decides with precedence extension > ``format`` parameter > ``Accept``
(RFC 9110 §12.5.1, parsed by werkzeug, never by hand); :func:`choose_language` picks the page
language (``?lang=`` > ``Accept-Language`` > Danish); :func:`prefers_json` tells whether an error
should be JSON rather than plain text.
"""

from __future__ import annotations

import functools

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

from plankg.tables.formats import FAMILIES, Format

#: The page languages, the first the default.
LANGUAGES = ("da", "en")


class NotAcceptable(Exception):
    """No offered format satisfies the request; ``offered`` lists what there is."""

    def __init__(self, offered: tuple[Format, ...], asked: str) -> None:
        self.offered = offered
        names = ", ".join(f"{f.media_type} (.{f.extension}, format={f.name})" for f in offered)
        super().__init__(f"cannot answer with {asked}; offered: {names}")


def by_name(family: str, name: str) -> Format | None:
    """The format of ``family`` with short name, extension or media type ``name``."""
    name = name.strip().lower()
    folded = name.replace("-", "").replace("_", "")  # json-ld, n-triples, N_QUADS
    for candidate in FAMILIES[family]:
        if name in (candidate.media_type, *candidate.aliases) or folded in (candidate.name, candidate.extension):
            return candidate
    return None


def choose_format(extension: str | None, format_param: str | None, accept: str | None, family: str) -> Format:
    """Pick the answer's format: extension > ``format`` parameter > Accept; the family's first by default.

    Raises :class:`NotAcceptable` (naming what was asked and listing what is offered) when none fits.
    """
    chosen = _choose(extension, format_param, accept, family)
    if isinstance(chosen, str):
        raise NotAcceptable(FAMILIES[family], chosen)
    return chosen


@functools.lru_cache(maxsize=1024)
def _choose(extension: str | None, format_param: str | None, accept: str | None, family: str) -> Format | str:
    """The chosen format, or what was asked when nothing fits (a string): a pure function of its strings,
    remembered for the 1,024 latest, refusals included (clients send the same few Accept headers; the
    SPARQL endpoint asks three families for every query, and a JSON client's Accept refuses the page)."""
    offered = FAMILIES[family]
    for explicit, what in ((extension, "extension"), (format_param, "format")):
        if explicit:
            chosen = by_name(family, explicit)
            if chosen is None and what == "format" and "/" in explicit:
                return _choose(None, None, explicit, family)  # a list of media types, as SPARQLWrapper sends
            if chosen is None:
                return f"{what} {explicit!r}"
            return chosen
    if not accept or not accept.strip():
        return offered[0]
    # Media-type parameters (charset, profile) do not change the choice; werkzeug would not match them.
    raw = parse_accept_header(accept, MIMEAccept)
    parsed = MIMEAccept([(value.split(";", 1)[0].strip().lower(), quality) for value, quality in raw])
    scored = [(_score(parsed, candidate, index), candidate) for index, candidate in enumerate(offered)]
    score, best = max(scored, key=lambda pair: pair[0])
    if score[0] <= 0:
        return f"Accept: {accept}"
    return best


def _score(parsed: MIMEAccept, candidate: Format, index: int) -> tuple[float, bool, int]:
    """Quality first; then a media type the client named over one reached by wildcard or alias; then ours.

    A media type the client names explicitly decides its own quality (``q=0`` excludes it even when a
    wildcard would admit it); an alias counts only where the client names it.
    """
    named = {value: quality for value, quality in parsed}
    if candidate.media_type in named:
        return named[candidate.media_type], True, -index
    quality = parsed.quality(candidate.media_type)
    for alias in candidate.aliases:
        if alias in named:
            quality = max(quality, named[alias])
    return quality, False, -index


def choose_language(lang_param: str | None, accept_language: str | None) -> str:
    """``?lang=`` first, then the browser's Accept-Language; Danish by default."""
    if lang_param in LANGUAGES:
        return lang_param
    parsed = parse_accept_header(accept_language or "", LanguageAccept)
    return parsed.best_match(LANGUAGES) or LANGUAGES[0]


def wants_error_page(accept: str | None) -> bool:
    """True for a browser: it names HTML and ranks it above plain text and JSON (``*/*`` alone is not asking)."""
    parsed = parse_accept_header(accept or "", MIMEAccept)
    html = max((q for value, q in parsed if value in ("text/html", "application/xhtml+xml")), default=0)
    others = max(parsed.quality("text/plain"), parsed.quality("application/json"))
    return html > 0 and html >= others and "text/html" in (accept or "")


def prefers_json(accept: str | None) -> bool:
    """True when the client ranks JSON (plain or SPARQL results) above plain text."""
    parsed = parse_accept_header(accept or "", MIMEAccept)
    text = parsed.quality("text/plain")
    return parsed.quality("application/json") > text or parsed.quality("application/sparql-results+json") > text
