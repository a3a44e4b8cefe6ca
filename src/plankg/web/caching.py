"""HTTP validators: one ETag recipe and one conditional answer (RFC 9110 §8.8.3, §13.1.2, §15.4.5).

An ETag names the data version and what the answer varies by (the document, the query, the
variant, the page language), so that every replica serving the same data gives the same tag.
A 304 carries the headers its 200 would (validators, ``Vary``, ``Cache-Control``,
``Content-Location``, ``Link``).
"""

from __future__ import annotations

import hashlib

from flask import Response, request

from plankg.web.state import state


def etag(*parts: str) -> str:
    """The tag of the answer that varies by ``parts``, under the served data version."""
    key = "\n".join([state().prepared.version, *parts])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def not_modified(tag: str, headers: dict[str, str]) -> Response | None:
    """A 304 with the 200's ``headers`` when the client already holds ``tag`` (GET and HEAD only)."""
    held = {t.removesuffix(":gzip") for t in request.if_none_match.as_set()}  # the tag of the compressed variant
    if request.method in ("GET", "HEAD") and (tag in held or request.if_none_match.star_tag):
        return Response(status=304, headers=headers)
    return None
