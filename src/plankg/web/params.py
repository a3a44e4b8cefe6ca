"""Checking request parameters once, with 400s that say what is wrong."""

from __future__ import annotations

from datetime import date

from flask import request

from plankg.domain.search import MAX_QUERY
from plankg.web.errors import ProtocolError


def read_query(text: str | None) -> str:
    """The query, or a ProtocolError (400) saying what is wrong with it."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY:
        raise ProtocolError(400, f"a search is at most {MAX_QUERY} characters long")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise ProtocolError(400, "a search may not hold control characters")
    return text


def int_param(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within [low, high], or a 400 that says so."""
    given = request.args.get(name)
    if given is None:
        return default
    if not given.strip().lstrip("+-").isdigit() or not low <= int(given) <= high:
        raise ProtocolError(400, f"{name} must be a whole number from {low} to {high}")
    return int(given)


def day_param(today: date, name: str = "dato") -> date:
    """The day a page or document is asked about (``?dato=YYYY-MM-DD``), by default ``today`` (the server's)."""
    given = request.args.get(name)
    if given is None:
        return today
    try:
        if len(given) != 10:
            raise ValueError(given)
        return date.fromisoformat(given)
    except ValueError:
        raise ProtocolError(400, f"{name} must be a day written YYYY-MM-DD (2009-12-02), not {given[:40]!r}") from None
