"""Finding things by what people call them: one index, built once per data version, asked in milliseconds.

Names are folded the ways Danes write them: case; æ/ø/å as ae/oe/aa and as a/o/a, and aa as a
("Kobenhavn", "Brondby", "Arhus"); accents; hyphens and spaces ("Høje Taastrup"); a trailing "Kommune" or
"Regionskommune" and a leading "Region". Codes match with or without leading zeros ("0621",
"621"), as do DAGI ids and Wikidata items. A hit is ranked exact > prefix > a typo or two (a
banded edit distance) > a long common beginning, and ties go to municipalities, then regions,
cooperations and the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

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
    """The index of one data version (built when the app loads the data, never per request)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = {e.uri: e for e in entries}
        self._keys: list[tuple[str, Entry]] = [(k, e) for e in self.entries.values() for k in sorted(e.keys)]
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
            for key, entry in self._keys:
                score = _score(query, key)
                if score and (entry.uri not in best or best[entry.uri].score < score):
                    best[entry.uri] = Hit(entry, score, key)
        hits = [h for h in best.values() if h.entry.kind in wanted]
        hits.sort(key=lambda h: (-h.score, KINDS.index(h.entry.kind), h.entry.name()))
        return hits[:limit]


def _score(query: str, key: str) -> float:
    if query == key:
        return 100.0
    if len(query) >= 2 and key.startswith(query):
        return 90.0 - min(20.0, (len(key) - len(query)) / 2)
    if len(query) >= 4 and abs(len(key) - len(query)) <= 2:
        distance = _distance(query, key, 2 if len(query) >= 7 else 1)
        if distance is not None:
            return 80.0 - 10 * distance
    common = len(_common_prefix(query, key))
    if common >= 5:
        return 40.0 + common
    return 0.0


def _common_prefix(a: str, b: str) -> str:
    index = 0
    while index < min(len(a), len(b)) and a[index] == b[index]:
        index += 1
    return a[:index]


def _distance(a: str, b: str, bound: int) -> int | None:
    """Levenshtein distance of ``a`` and ``b`` if it is at most ``bound`` (banded: linear in the length)."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i] + [bound + 1] * len(b)
        for j in range(max(1, i - bound), min(len(b), i + bound) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != b[j - 1]))
        if min(current) > bound:
            return None
        previous = current
    return previous[len(b)] if previous[len(b)] <= bound else None


def build_index(store: ReadStore) -> SearchIndex:
    """The index of everything the store holds that has a name."""
    entries: dict[str, Entry] = {}
    solutions = store.query(internal("search-entries"), use_default_graph_as_union=True)
    for row in solutions:
        uri, kind = row["uri"].value, row["kind"].value
        entry = entries.get(uri)
        if entry is None or KINDS.index(kind) < KINDS.index(entry.kind):  # the most specific kind wins
            entry = entries[uri] = _merged(entry, uri, kind)
        label, identifier = row["label"], row["identifier"]
        if label is not None and row["label_kind"].value == "classification":
            entry.classifications.setdefault(label.language or "da", label.value)
        elif label is not None:
            if row["label_kind"].value == "name" and label.language:
                entry.names.setdefault(label.language, label.value)
            elif label.value not in entry.alternatives:
                entry.alternatives.append(label.value)
            entry.keys |= keys_of(label.value)
        if identifier is not None:
            entry.identifiers.setdefault(row["identifier_kind"].value, identifier.value)
    return SearchIndex(e for e in entries.values() if e.names or e.alternatives)


def _merged(previous: Entry | None, uri: str, kind: str) -> Entry:
    if previous is None:
        return Entry(uri, kind)
    return Entry(
        uri, kind, previous.names, previous.alternatives, previous.identifiers, previous.classifications, previous.keys
    )
