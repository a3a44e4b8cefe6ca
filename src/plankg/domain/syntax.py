"""A SPARQL syntax error in words: line, column, the text there, and what would have fitted.

The engine says ``error at 3:18: expected one of ABS, AVG, …, [_]`` and may list Unicode ranges; the
guard says ``at offset 23``. People read "line 3, column 18, near ``) }``: expected one of ABS, AVG …".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AT_LINE = re.compile(r"error at (\d+):(\d+): ?")
AT_OFFSET = re.compile(r"at offset (\d+)")
CHARACTER_CLASS = re.compile(r"\[('.*?'\s*\.\.=.*?)\]", re.DOTALL)
NEAR = 16
SHOWN = 12  # expected tokens named before "…"


@dataclass(frozen=True)
class SyntaxProblem:
    message: str
    line: int | None = None
    column: int | None = None


def _position(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _near(query: str, line: int, column: int) -> str:
    """The text where the parser stopped (its column points just past the character it could not take)."""
    lines = query.split("\n")
    start = max(0, column - 2)
    text = lines[line - 1][start : start + NEAR] if 0 < line <= len(lines) else ""
    return text.strip() or "(end of line)"


def _expected(rest: str) -> str:
    """The expected tokens, character classes named as such, the catch-all ``[_]`` dropped, long lists cut."""
    rest = CHARACTER_CLASS.sub("a letter", rest.replace("\n", " "))
    body = rest.removeprefix("expected one of ").removeprefix("expected ")
    tokens = [t.strip() for t in body.split(", ") if t.strip() and t.strip() != "[_]"]
    if not tokens:
        return "unexpected text"
    shown = ", ".join(tokens[:SHOWN]) + (f" … ({len(tokens) - SHOWN} more)" if len(tokens) > SHOWN else "")
    return f"expected {'one of ' if len(tokens) > 1 else ''}{shown}"


def explain(message: str, query: str) -> SyntaxProblem:
    """``message`` (the engine's or the guard's) with the line and column it points at, in words."""
    detail = message.removeprefix("SPARQL syntax error: ")
    found = AT_LINE.search(detail)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        what = _expected(detail[found.end() :])
    else:
        offset = AT_OFFSET.search(detail)
        if offset is None:
            return SyntaxProblem(message)
        line, column = _position(query, int(offset.group(1)))
        what = AT_OFFSET.sub("here", detail)
    near = _near(query, line, column)
    return SyntaxProblem(f"SPARQL syntax error at line {line}, column {column} (near “{near}”): {what}", line, column)
