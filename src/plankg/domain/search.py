"""Finding things by what people call them: one index, built once per data version, asked in milliseconds.

Names are folded the ways Danes write them: case; æ/ø/å as ae/oe/aa and as a/o/a, and aa as a
("Kobenhavn", "Brondby", "Arhus"); accents; hyphens and spaces ("Høje Taastrup"); a trailing "Kommune" or
"Regionskommune" and a leading "Region". Codes match with or without leading zeros ("0621",
"621"), as do DAGI ids and Wikidata items. A hit is ranked exact > prefix > a typo or two (a
banded edit distance) > a long common beginning, and ties go to municipalities, then regions,
cooperations and the rest.
"""

from __future__ import annotations

import array
import bisect
import heapq
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rapidfuzz.distance import Levenshtein

from plankg.domain.store import ReadStore
from plankg.tables.queries import internal

#: The kinds, in the order ties are broken.
KINDS = ("municipality", "region", "cooperation", "unit", "source", "concept")
_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_LOOSE = str.maketrans({"æ": "a", "ø": "o", "å": "a"})
_AFFIXES = re.compile(r"^(region)(?=\w{3})|(regionskommune|kommune)$")
MAX_QUERY = 200  # characters; a longer query is refused


@dataclass
class Entry:
    """One thing that can be found: its URI, kind, names and identifiers."""

    uri: str
    kind: str
    names: dict[str, str] = field(default_factory=dict)  # language → preferred name
    alternatives: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)  # "code", "dagi", "wikidata" → value
    classifications: dict[str, str] = field(default_factory=dict)  # language → what kind of thing (org:classification)
    keys: set[str] = field(default_factory=set)

    def name(self, lang: str = "da") -> str:
        """The name in ``lang``, else in Danish, else any."""
        return self.names.get(lang) or self.names.get("da") or next(iter(self.names.values()), self.uri)


@dataclass(frozen=True)
class Hit:
    """An entry found, with its score (100: exact) and what matched."""

    entry: Entry
    score: float
    matched: str


def fold(text: str, loose: bool = False) -> str:
    """``text`` as the index keeps it: lower case, Danish letters spelled out, no accents, spaces or hyphens."""
    lowered = text.lower().translate(_LOOSE if loose else _LETTERS)
    plain = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    folded = re.sub(r"[\W_]+", "", plain)
    return folded.replace("aa", "a") if loose else folded  # "Aarhus" is also written "Århus", "Arhus"


def keys_of(text: str) -> set[str]:
    """The keys a name is found by: both foldings, with and without "Kommune"/"Region"."""
    keys = set()
    for loose in (False, True):
        key = fold(text, loose)
        keys |= {key, _AFFIXES.sub("", key)}
    return {k for k in keys if k}


def identifier_keys(identifier: str) -> set[str]:
    """A code with and without leading zeros; a Wikidata item by its QID; a DAGI id as it is."""
    value = identifier.rsplit("/", 1)[-1].lower()
    return {value, value.lstrip("0") or "0"}


class SearchIndex:
    """The index of one data version (built when the app loads the data, never per request).

    A query costs with what it may find, not with the index's size: its exact and prefix hits and the
    keys sharing its first five letters are one range of the distinct keys in order; its typo hits are
    among the keys holding a piece of it near the same place (:class:`_Pieces`). Only those candidates
    are scored, each once, by the one rule (:func:`_score`), and taken in the order the keys were
    indexed, so the hits are those of scoring every key.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = {e.uri: e for e in entries}
        self._keys: list[tuple[str, Entry]] = [(k, e) for e in self.entries.values() for k in sorted(e.keys)]
        holders: dict[str, list[int]] = {}
        for position, (key, _) in enumerate(self._keys):
            holders.setdefault(key, []).append(position)
        self._distinct = sorted(holders)  # each key once, in order: a beginning is a range of them
        self._holders = [holders[key] for key in self._distinct]  # where each is in self._keys
        self._pieces = _Pieces(self._distinct)
        self._ids: dict[str, list[Entry]] = {}
        for entry in self.entries.values():
            for identifier in entry.identifiers.values():
                for key in identifier_keys(identifier):
                    self._ids.setdefault(key, []).append(entry)

    def find(self, text: str, limit: int = 10, kinds: Iterable[str] = ()) -> list[Hit]:
        """The best hits for ``text`` (of the given kinds, or of all), best first."""
        wanted = set(kinds) or set(KINDS)
        best: dict[str, Hit] = {}
        for entry in self._ids.get(text.strip().lower(), []) + self._ids.get(text.strip().lstrip("0"), []):
            best[entry.uri] = Hit(entry, 100.0, text.strip())
        for query in keys_of(text):
            scored: list[tuple[int, float]] = []  # (position, score) of each key that scores, taken in index order
            for candidate in self._candidates(query):
                score = _score(query, self._distinct[candidate])
                if score:
                    scored.extend((position, score) for position in self._holders[candidate])
            for position, score in sorted(scored):
                key, entry = self._keys[position]
                if entry.uri not in best or best[entry.uri].score < score:
                    best[entry.uri] = Hit(entry, score, key)
        hits = (h for h in best.values() if h.entry.kind in wanted)  # the first `limit` of them sorted:
        return heapq.nsmallest(limit, hits, key=lambda h: (-h.score, KINDS.index(h.entry.kind), h.entry.name()))

    def _candidates(self, query: str) -> set[int]:
        """Every key (by its place among the distinct keys) that :func:`_score` may score above 0 for ``query``,
        and a few more."""
        found = set(self._pieces.near(query, _typos(query))) if len(query) >= TYPO_FROM else set()
        start = query[:COMMON] if len(query) >= PREFIX_FROM else None
        if start is None:  # one letter: only the key itself
            low = bisect.bisect_left(self._distinct, query)
            high = bisect.bisect_right(self._distinct, query)
        else:  # the keys that begin with the query, or with its first COMMON letters
            low = bisect.bisect_left(self._distinct, start)
            high = bisect.bisect_left(self._distinct, start + _LAST)
        found.update(range(low, high))
        return found


class _Pieces:
    """Which keys hold a piece of text at a place: the positions of each key's pairs of letters.

    A key within ``k`` edits of a query holds one of the query's ``k + 1`` pieces unchanged, at most ``k``
    places from where the query has it (each edit breaks at most one piece, and shifts the rest by at most
    one). So the candidates for a typo are the keys of a length within ``k`` of the query's that have a
    piece's first two letters at such a place, and the piece after them. Kept as two arrays sorted by
    (length, place, the two letters): a few lookups by bisection per query, whatever the index's size.
    """

    def __init__(self, keys: list[str]) -> None:
        coded = sorted(
            _code(len(key), place, pair) << _INDEX_BITS | index
            for index, key in enumerate(keys)
            if len(key) <= _LONGEST
            for place, pair in enumerate(itertools.pairwise(key))
        )
        self.keys = keys
        self.longer = [index for index, key in enumerate(keys) if len(key) > _LONGEST]  # not coded: always asked
        self.codes = array.array("Q", (c >> _INDEX_BITS for c in coded))
        self.positions = array.array("I", (c & ((1 << _INDEX_BITS) - 1) for c in coded))

    def near(self, query: str, edits: int) -> Iterable[int]:
        """The places (in ``keys``) of the keys of a length within ``edits`` of ``query``'s that hold one of its
        pieces near where it has it (a key may come more than once)."""
        if len(query) + edits > _LONGEST:  # a query folded that long (a few letters unfold to many) may meet them
            yield from self.longer
        size, count = divmod(len(query), edits + 1)
        start = 0
        for number in range(edits + 1):
            piece = query[start : start + size + (number < count)]
            for length in range(max(2, len(query) - edits), min(_LONGEST, len(query) + edits) + 1):
                for place in range(max(0, start - edits), min(start + edits, length - len(piece)) + 1):
                    code = _code(length, place, (piece[0], piece[1]))
                    low = bisect.bisect_left(self.codes, code)
                    high = bisect.bisect_right(self.codes, code, low)
                    for position in self.positions[low:high]:
                        if self.keys[position].startswith(piece, place):
                            yield position
            start += len(piece)


#: The rule's thresholds (:func:`_score`): a prefix from two letters, a typo from four, a common beginning of five.
PREFIX_FROM, TYPO_FROM, COMMON = 2, 4, 5
_LAST = chr(0x10FFFF)  # after any letter a key holds: the end of a range of keys with one beginning
_LONGEST = 1023  # the longest key coded by its pairs of letters (the few longer ones are candidates of any long query)
_INDEX_BITS = 32


def _code(length: int, place: int, pair: tuple[str, str]) -> int:
    """(length, place, two letters) as one number that sorts as the tuple does."""
    return (((length << 10) | place) << 42) | (ord(pair[0]) << 21) | ord(pair[1])


def _typos(query: str) -> int:
    """How many edits a typo hit may be from ``query``."""
    return 2 if len(query) >= 7 else 1


def _score(query: str, key: str) -> float:
    if query == key:
        return 100.0
    if len(query) >= PREFIX_FROM and key.startswith(query):
        return 90.0 - min(20.0, (len(key) - len(query)) / 2)
    if len(query) >= TYPO_FROM and abs(len(key) - len(query)) <= 2:
        distance = _distance(query, key, _typos(query))
        if distance is not None:
            return 80.0 - 10 * distance
    common = len(_common_prefix(query, key))
    if common >= COMMON:
        return 40.0 + common
    return 0.0


def _common_prefix(a: str, b: str) -> str:
    index = 0
    while index < min(len(a), len(b)) and a[index] == b[index]:
        index += 1
    return a[:index]


def _distance(a: str, b: str, bound: int) -> int | None:
    """Levenshtein distance of ``a`` and ``b`` if it is at most ``bound`` (rapidfuzz: stops past the bound)."""
    distance = Levenshtein.distance(a, b, score_cutoff=bound)
    return distance if distance <= bound else None


def build_index(store: ReadStore) -> SearchIndex:
    """The index of everything the store holds that has a name."""
    entries: dict[str, Entry] = {}
    solutions = store.query(internal("search-entries"), use_default_graph_as_union=True)
    # In order, so that the index does not depend on how the engine happens to store the data
    # (which name or identifier comes first, and so ties); sorted here, where strings compare cheaply.
    for uri, kind, label_kind, label, language, identifier_kind, identifier in sorted(map(_row, solutions)):
        entry = entries.get(uri)
        if entry is None or KINDS.index(kind) < KINDS.index(entry.kind):  # the most specific kind wins
            entry = entries[uri] = _merged(entry, uri, kind)
        if label_kind == "classification":
            entry.classifications.setdefault(language or "da", label)
        elif label_kind:
            if label_kind == "name" and language:
                entry.names.setdefault(language, label)
            elif label not in entry.alternatives:
                entry.alternatives.append(label)
            entry.keys |= keys_of(label)
        if identifier_kind:
            entry.identifiers.setdefault(identifier_kind, identifier)
    return SearchIndex(e for e in entries.values() if e.names or e.alternatives)


def _row(row: ox.QuerySolution) -> tuple[str, str, str, str, str, str, str]:
    """A row of the search entries as text ("" where unbound): URI, kind, the label's kind, the label, its
    language, the identifier's kind and the identifier."""
    label, identifier = row["label"], row["identifier"]
    return (
        row["uri"].value,
        row["kind"].value,
        row["label_kind"].value if label is not None else "",
        label.value if label is not None else "",
        label.language or "" if isinstance(label, ox.Literal) else "",
        row["identifier_kind"].value if identifier is not None else "",
        identifier.value if identifier is not None else "",
    )


def _merged(previous: Entry | None, uri: str, kind: str) -> Entry:
    if previous is None:
        return Entry(uri, kind)
    return Entry(
        uri, kind, previous.names, previous.alternatives, previous.identifiers, previous.classifications, previous.keys
    )
