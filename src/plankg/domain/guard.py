"""What plankg checks in a query before the engine evaluates it: the second line of defence.

The first line is the operating system: query processes cannot open a socket (``sandbox``). This
guard gives clear answers before that: it refuses ``SERVICE`` (pyoxigraph would make the request),
update operations (the endpoint is read-only), ``FROM``/``FROM NAMED`` of graphs the server does
not hold, and nesting deeper than :data:`MAX_NESTING` (the engine's parser and evaluator recurse;
5,000 nested parentheses crash it).

It reads the query in one linear pass with the terminals of the SPARQL 1.1 grammar (Query §19.8),
as the engine's PEG parser matches them: codepoint escapes are undone first (§19.2); ``<`` starts
an ``IRIREF`` except right after an operand inside an expression, where it is less-than; prefixed
names take ``PN_LOCAL_ESC`` escapes (``\\#``, ``\\'``); strings take only ``ECHAR`` escapes; ``#``
starts a comment only where a token may start. Every pattern is possessive or atomic, and a name
run that is known not to end in ``:`` is not scanned again, so no input makes it quadratic. An
unterminated string or a ``<`` that cannot start an IRI is a syntax error here (the engine would
fail on it too), so the guard never guesses past a point it cannot read.

The engine matches keywords without word boundaries (``SERVICE:x`` is ``SERVICE`` and ``:x``;
``trueSERVICE<…>`` is ``true`` then ``SERVICE``), so any name that contains ``SERVICE`` or
``FROM`` without being exactly that keyword is refused too: a prefix called ``service:`` is the
price of that certainty.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
MAX_NESTING = 128
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING")
SERVICE_REFUSED = "SERVICE is not allowed: this endpoint makes no outbound requests (no federated queries)"

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"""\\[tbnrf\\"']"""

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SPACE = re.compile(r"[ \t\r\n]++")
_COMMENT = re.compile(r"#[^\r\n]*+")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*+>')
_STRING = {
    "'''": re.compile(rf"'''(?>(?>''|')?(?>[^'\\]|{_ECHAR}))*+'''"),
    '"""': re.compile(rf'"""(?>(?>""|")?(?>[^"\\]|{_ECHAR}))*+"""'),
    "'": re.compile(rf"'(?>[^'\\\n\r]|{_ECHAR})*+'"),
    '"': re.compile(rf'"(?>[^"\\\n\r]|{_ECHAR})*+"'),
}
_VAR = re.compile(f"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+")
_BNODE = re.compile(rf"_:[{_U}0-9](?:\.*+[{_CHARS}])*+")
_LANGTAG = re.compile(r"@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+")
_NUMBER = re.compile(
    r"[0-9]++\.[0-9]*+[eE][+-]?[0-9]++|\.[0-9]++[eE][+-]?[0-9]++|[0-9]++[eE][+-]?[0-9]++|[0-9]*+\.[0-9]++|[0-9]++"
)
_NAME_START = re.compile(f"[{_BASE}]")
_PREFIX_RUN = re.compile(f"[{_BASE}](?:\\.*+[{_CHARS}])*+")
_LOCAL = re.compile(rf"(?:[{_U}:0-9]|{_PLX})(?:\.*+(?:[{_CHARS}:]|{_PLX}))*+")
_WORD = re.compile(r"[A-Za-z0-9_]++")
#: terminals told apart by their first character ("0" stands for any digit)
_BY_FIRST_CHAR = {
    "?": ("var", _VAR),
    "$": ("var", _VAR),
    "@": ("langtag", _LANGTAG),
    "_": ("bnode", _BNODE),
    "0": ("number", _NUMBER),
    ".": ("number", _NUMBER),
}
_OPERATORS = ("<=", "^^", "&&", "||", "!=", ">=")
_OPERAND_ENDS = frozenset(("var", "number", "string", "iri", "pname", "langtag"))
_NOT_CALLS = frozenset(("VALUES", "A", "UNDEF"))
_HIDDEN = ("SERVICE", "FROM")


class Refused(Exception):
    """A query plankg will not run; the message says why."""


class Unreadable(Refused):
    """A query the guard cannot read to the end: a syntax error the engine would report too."""


@dataclass(frozen=True)
class Inspection:
    """What the guard found in a query."""

    form: str
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        """True when the query names its own dataset (FROM / FROM NAMED)."""
        return bool(self.from_graphs or self.from_named)


def unescape(text: str) -> str:
    """Undo ``\\uXXXX`` and ``\\UXXXXXXXX`` codepoint escapes (SPARQL 1.1 Query §19.2)."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(f"invalid codepoint escape {match.group(0)}")
        return chr(code)

    return _ESCAPE.sub(replace, text)


@dataclass
class _Frame:
    kind: str  # "top", "group" ({), "expr" (an expression's parenthesis), "paren" (list, path), "bnode" ([)
    mode: str = ""  # "select" in a SELECT clause, "modifiers" after GROUP BY / ORDER BY / HAVING


class _Lexer:
    """One pass over the query, yielding (kind, text, position) with the grammar's terminals."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.frames = [_Frame("top")]
        self.previous = ("", "")
        self.call_pending = False  # after FILTER / HAVING: a function name, then its "(" opens an expression
        self.no_colon_before = -1  # name runs that start before this index do not end in ":"
        self.deepest = 0

    def __iter__(self) -> Iterator[tuple[str, str, int]]:
        text, position = self.text, 0
        while position < len(text):
            skip = _SPACE.match(text, position) or _COMMENT.match(text, position)
            if skip:
                position = skip.end()
                continue
            kind, end = self._token(position)
            value = text[position:end]
            self._follow(kind, value)
            yield kind, value, position
            position = end

    def _token(self, at: int) -> tuple[str, int]:
        text, char = self.text, self.text[at]
        if char == "<":
            return self._angle(at)
        if char in "'\"":
            # the long form first, then the short one, as the engine's ordered choice does
            for quote in (char * 3, char):
                match = _STRING[quote].match(text, at) if text.startswith(quote, at) else None
                if match:
                    return "string", match.end()
            raise Unreadable(f"SPARQL syntax error: a string starting at offset {at} does not end")
        starts = _BY_FIRST_CHAR.get("0" if char.isdigit() else char)
        match = starts[1].match(text, at) if starts else None
        if match and starts:
            return starts[0], match.end()
        if char == ":" or _NAME_START.match(text, at):
            return self._name(at)
        for operator in _OPERATORS:
            if text.startswith(operator, at):
                return "other", at + 2
        return "other", at + 1

    def _angle(self, at: int) -> tuple[str, int]:
        frame, (kind, value) = self.frames[-1], self.previous
        if frame.kind == "expr" and (kind in _OPERAND_ENDS or value == ")" or value.upper() in ("TRUE", "FALSE")):
            return "other", at + (2 if self.text.startswith("<=", at) else 1)
        match = _IRIREF.match(self.text, at)
        if match is None:
            raise Unreadable(f"SPARQL syntax error: '<' at offset {at} starts no IRI")
        return "iri", match.end()

    def _name(self, at: int) -> tuple[str, int]:
        """A prefixed name (``PN_PREFIX? ':' PN_LOCAL?``) or a keyword."""
        text, colon = self.text, at
        if text[at] != ":":
            if at >= self.no_colon_before:
                run = _PREFIX_RUN.match(text, at)
                assert run is not None
                if text.startswith(":", run.end()):
                    colon = run.end()
                else:
                    self.no_colon_before = run.end()
            if colon == at:
                word = _WORD.match(text, at)
                return ("word", word.end()) if word else ("other", at + 1)
        local = _LOCAL.match(text, colon + 1)
        return "pname", local.end() if local else colon + 1

    def _follow(self, kind: str, value: str) -> None:
        """Track where an expression is open, so that the next ``<`` is read as the grammar does."""
        frame, upper = self.frames[-1], value.upper()
        if kind == "word":
            if upper == "SELECT":
                frame.mode = "select"
            elif upper in ("GROUP", "ORDER", "HAVING"):
                frame.mode = "modifiers"
            elif upper in ("WHERE", "LIMIT", "OFFSET", "VALUES"):
                frame.mode = ""
        if value in ("(", "{", "["):
            self._open(value)
        elif value in (")", "}", "]"):
            if len(self.frames) == 1:
                raise Unreadable(f"SPARQL syntax error: an unmatched '{value}'")
            self.frames.pop()
        if kind == "word" and upper in ("FILTER", "HAVING"):
            self.call_pending = True
        elif kind not in ("iri", "pname"):
            self.call_pending = False
        self.previous = (kind, value)

    def _open(self, bracket: str) -> None:
        frame, (kind, value) = self.frames[-1], self.previous
        if bracket == "{":
            frame.mode = "" if frame.mode == "select" else frame.mode
            self.frames.append(_Frame("group"))
        elif bracket == "[":
            self.frames.append(_Frame("bnode"))
        else:
            expression = (
                frame.kind == "expr"
                or self.call_pending
                or frame.mode in ("select", "modifiers")
                or (kind == "word" and value.upper() not in _NOT_CALLS)
            )
            self.frames.append(_Frame("expr" if expression else "paren"))
        if len(self.frames) - 1 > MAX_NESTING:
            raise Refused(
                f"the query nests groups, expressions or lists more than {MAX_NESTING} levels deep;"
                f" plankg accepts at most {MAX_NESTING}"
            )


def located_tokens(text: str) -> list[tuple[str, str, int]]:
    """The tokens of ``text`` as (kind, text, offset), without space and comments; no escapes are undone."""
    return list(_Lexer(text))


def tokens(text: str) -> list[tuple[str, str]]:
    """The query's tokens as (kind, text), without space and comments (after codepoint escapes)."""
    return [(kind, value) for kind, value, _ in _Lexer(unescape(text))]


def inspect_query(text: str, held_graphs: Container[str]) -> Inspection:
    """Check a query before execution; raise :class:`Refused` for what plankg does not run."""
    form: str | None = None
    prefixes: dict[str, str] = {}
    base = ""
    default: list[str] = []
    named: list[str] = []
    recent: list[tuple[str, str]] = []  # the last three tokens, for PREFIX, BASE and FROM [NAMED]
    for kind, value, _ in _Lexer(unescape(text)):
        _refuse_keywords(kind, value)
        upper = value.upper() if kind == "word" else ""
        if form is None and upper in FORMS:
            form = upper
        recent = [*recent[-2:], (kind, upper or value)]
        if len(recent) >= 2 and recent[-2] == ("word", "BASE") and kind == "iri":
            base = urljoin(base, value[1:-1])
        if len(recent) == 3 and recent[0] == ("word", "PREFIX") and kind == "iri":
            prefixes[recent[1][1].rstrip(":")] = urljoin(base, value[1:-1])
        graph_named = _from_clause(recent)
        if graph_named is not None:
            graph = _resolve(recent[-1], prefixes, base)
            if graph is not None:
                _check_held(graph, graph_named, held_graphs)
                (named if graph_named else default).append(graph)
    if form is None:
        raise Refused("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return Inspection(form, default, named)


def _refuse_keywords(kind: str, value: str) -> None:
    if kind not in ("word", "pname"):
        return
    name = value.upper() if kind == "word" else value.partition(":")[0].upper()
    if kind == "word" and name in UPDATE_KEYWORDS:
        raise Refused(f"{name}: this endpoint is read-only; SPARQL Update is not accepted")
    if "SERVICE" in name:
        raise Refused(SERVICE_REFUSED)
    hidden = [keyword for keyword in _HIDDEN if keyword in name and (kind == "pname" or name != keyword)]
    if hidden:
        raise Refused(f"{value!r} hides the keyword {hidden[0]}: write keywords apart from names")


def _from_clause(recent: list[tuple[str, str]]) -> bool | None:
    """True/False when the last token is the graph of a FROM NAMED / FROM clause; else None."""
    if len(recent) < 2 or recent[-1][0] not in ("iri", "pname"):
        return None
    if recent[-2] == ("word", "FROM"):
        return False
    if len(recent) == 3 and recent[0] == ("word", "FROM") and recent[1] == ("word", "NAMED"):
        return True
    return None


def _check_held(graph: str, is_named: bool, held_graphs: Container[str]) -> None:
    if graph not in held_graphs:
        raise Refused(
            f"FROM{' NAMED' if is_named else ''} <{graph}>: this endpoint holds no such graph "
            "and never fetches graphs from elsewhere"
        )


def _resolve(token: tuple[str, str], prefixes: dict[str, str], base: str) -> str | None:
    kind, value = token
    if kind == "iri":
        return urljoin(base, value[1:-1])
    prefix, _, local = value.partition(":")
    if prefix in prefixes:
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None  # an undeclared prefix: the engine's parser reports it
