"""Reading form bodies: plankg's reader gives what the standard library's ``parse_qsl`` gives, for any bytes."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plankg.tables.queries import list_queries, runnable_text
from plankg.web.errors import ProtocolError
from plankg.web.protocol import _pairs, form_pairs

#: Pieces a form body is made of, awkward ones included: escapes of any byte (not UTF-8 alone), escapes
#: that are none, a bare ``%``, backslashes (which the reader doubles before decoding), ``+``, separators,
#: raw control characters.
PIECES = st.one_of(
    st.sampled_from(
        ["%", "%z", "%zz", "%4", "%4g", "\\", "\\x41", "\\\\", "+", "&", "=", "&&", "==", ";", "%%", "%25"]
    ),
    st.sampled_from(["\n", "\r\n", "\t", " ", "\x00", "\x7f"]),  # raw control characters and spaces
    st.integers(0, 255).map(lambda b: f"%{b:02X}"),
    st.integers(0, 255).map(lambda b: f"%{b:02x}"),
    st.text(alphabet="abcXYZ019-_.~*'()!?{}<>#/:", max_size=6),
    st.text(max_size=4).map(lambda t: quote_plus(t)),
)


def reference(raw: bytes) -> list[tuple[str, str]] | str:
    try:
        return parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return "not UTF-8"


def ours(raw: bytes) -> list[tuple[str, str]] | str:
    try:
        return _pairs(raw, "request body")
    except ProtocolError:
        return "not UTF-8"


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=12).map(lambda parts: "".join(parts).encode("ascii")))
def test_any_body_reads_as_the_standard_library_reads_it(raw: bytes) -> None:
    assert ours(raw) == reference(raw)


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_every_named_query_posted_as_a_form_reads_back_whole(query) -> None:  # type: ignore[no-untyped-def]
    text = runnable_text(query)
    body = urlencode({"query": text, "default-graph-uri": "https://w3id.org/plankg/graph/ø"}).encode("ascii")
    assert form_pairs(body) == [("query", text), ("default-graph-uri", "https://w3id.org/plankg/graph/ø")]


def test_an_escape_that_is_none_is_kept_as_the_standard_library_keeps_it() -> None:
    assert _pairs(b"query=100%25+%zz%", "request body") == [("query", "100% %zz%")]
    with pytest.raises(ValueError):
        form_pairs(b"query=%zz")


def test_bytes_that_are_not_utf8_are_a_clear_400() -> None:
    with pytest.raises(ProtocolError) as raised:
        _pairs(b"query=%FF%FE", "request body")
    assert raised.value.status == 400 and "not UTF-8" in str(raised.value)
