"""The search index asks only its candidates, and finds what scoring every key finds.

The oracle here is the rule itself: every key of the index scored by ``search._score`` in the order
the keys were indexed, as the index did before it had candidates (``benchmarks/bench_search.py``'s
baseline). Probes: every name's beginnings, each key with a letter changed, dropped, added or swapped
(the typos a person makes: one, two and three of them), words the data do not hold, codes; on the
project's data and on generated data with thousands of names that share long stretches
("…samarbejdet 5621", "Forum for …"), where a weak filter would show.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from plankg.domain import search
from plankg.domain.search import Entry, SearchIndex, build_index, keys_of

from ..support import benchmark_module, synthetic_module

BENCH = benchmark_module("bench_search")


def scan(index: SearchIndex, text: str, limit: int) -> list[tuple[str, float, str]]:
    """What scoring every key finds, best first: the rule applied without any index (the benchmark's baseline)."""
    return [(h.entry.uri, h.score, h.matched) for h in BENCH.scan(index, text, limit)]


def levenshtein(a: str, b: str) -> int:
    """The plain dynamic programme, every cell."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def typos(key: str, rng: random.Random, edits: int) -> str:
    letters = list(key)
    for _ in range(edits):
        at = rng.randrange(len(letters) + 1)
        kind = rng.randrange(4)
        if kind == 0 and at < len(letters):
            letters[at] = rng.choice("aeiouæøåkstr0123")
        elif kind == 1 and at < len(letters) and len(letters) > 1:
            del letters[at]
        elif kind == 2:
            letters.insert(at, rng.choice("aeiouæøåkstr0123"))
        elif at + 1 < len(letters):
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
    return "".join(letters)


def probes(index: SearchIndex, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    keys = [key for key, _ in index._keys]
    names = [entry.name() for entry in index.entries.values()]
    found = ["a", "å", "ko", "kol", "kold", "Kolding", "kolding kommune", "Koldnig", "Kldoing", "Region", "0621", "621"]
    found += ["xyzzy", "samarbejde", "samarbejdet", "forum", "Forum for plan", "Frum for pln", "zzzzzzzz"]
    for key in rng.sample(keys, min(count, len(keys))):
        found += [key[: rng.randrange(1, len(key) + 1)], typos(key, rng, 1), typos(key, rng, 2), typos(key, rng, 3)]
    found += [typos(name, rng, 1) for name in rng.sample(names, min(count, len(names)))]
    return found


@pytest.fixture(scope="module")
def project_index() -> SearchIndex:
    from plankg.domain.assemble import load_project

    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in load_project().quads)
    return build_index(store)


@pytest.fixture(scope="module")
def generated_index() -> SearchIndex:
    store = ox.Store()
    quads = synthetic_module().generate(60_000)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return build_index(store)


def test_on_the_projects_data_the_index_finds_what_scoring_every_key_finds(project_index: SearchIndex) -> None:
    for text in probes(project_index, 300, 11):
        assert [(h.entry.uri, h.score, h.matched) for h in project_index.find(text, 25)] == scan(
            project_index, text, 25
        ), text


def test_on_generated_names_that_share_long_stretches_too(generated_index: SearchIndex) -> None:
    shared = sum(1 for key, _ in generated_index._keys if "samarbejdet" in key)
    assert shared > 1000  # the generated data are what they are meant to be: many names alike
    for text in probes(generated_index, 150, 12):
        assert [(h.entry.uri, h.score, h.matched) for h in generated_index.find(text, 25)] == scan(
            generated_index, text, 25
        ), text


def test_a_typo_query_asks_its_neighbours_not_every_key(generated_index: SearchIndex) -> None:
    """The candidates of a real name are a handful, of the index's thousands of keys."""
    keys = len(generated_index._distinct)
    for text in ("Kolding", "Koldnig", "Fredriksberg", "Høje-Taastrup"):
        candidates = set().union(*(generated_index._candidates(query) for query in keys_of(text)))
        assert len(candidates) < keys / 100, (text, len(candidates), keys)
    assert generated_index.find("Koldnig")[0].entry.name() == "Kolding"


def test_the_distance_is_levenshteins_up_to_its_bound() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        a = "".join(rng.choice("abæ1") for _ in range(rng.randrange(0, 9)))
        b = "".join(rng.choice("abæ1") for _ in range(rng.randrange(0, 9)))
        for bound in (1, 2):
            exact = levenshtein(a, b)
            assert search._distance(a, b, bound) == (exact if exact <= bound else None), (a, b, bound)


def test_a_key_too_long_for_the_pairs_index_is_still_found_by_a_typo() -> None:
    """Keys over a thousand letters are not coded by their pairs: a query as long finds them all the same."""
    long = "ab" * 600
    index = SearchIndex(
        [
            Entry(f"https://example.org/{n}", "unit", {"da": name}, keys={name})
            for n, name in enumerate((long, "kolding"))
        ]
    )
    text = "x" + long[1:]  # one letter changed at the start: no common beginning, a typo of one
    assert (
        [h.entry.uri for h in index.find(text)] == ["https://example.org/0"] == [u for u, _, _ in scan(index, text, 10)]
    )
