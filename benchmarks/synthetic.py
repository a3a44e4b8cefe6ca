"""Synthetic data of plankg's domain, at a chosen size, for benchmarks.

Starts from the project's own data (98 municipalities, the regions in time, the two real cooperations) and
adds generated cooperations shaped like the real ones and conforming to the project's shapes: labels in two
languages, a classification, themes, memberships with intervals of mixed precision, a board with its mayors' seats, a
secretariat and fora. The generator is deterministic (a seeded random source).
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plankg.domain.assemble import load_project
from plankg.domain.day_bounds import day_bounds
from plankg.domain.serving import create_store

ID = "https://w3id.org/plankg/id/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
PLANKG = "https://w3id.org/plankg/def/core/"
THEMES = [
    "erhverv",
    "byudvikling",
    "kultur",
    "uddannelse",
    "arbejde",
    "trafik",
    "plan",
    "arbejdsmarked",
    "sundhed",
    "miljoe",
    "turisme",
]
WORDS = ["Vest", "Øst", "Nord", "Syd", "Fjord", "Kyst", "Midt", "Trekant", "Bælt", "Hede", "Å", "Skov", "Sø", "By"]


def _n(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _lit(value: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=_n(datatype)) if datatype else ox.Literal(value)


def cooperation_quads(index: int, codes: list[str], rng: random.Random) -> list[ox.Quad]:
    """The quads of one generated cooperation (about 110 on average)."""
    graph = _n(f"https://w3id.org/plankg/graph/kilde/syntetisk-{index // 1000}")
    source = _n(f"{ID}kilde/syntetisk-{index // 1000}")
    coop = f"{ID}samarbejde/syntetisk-{index}"
    name = f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()}samarbejdet {index}"
    out: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (_n(coop), _n(RDF_TYPE), _n(ORG + "OrganizationalCollaboration")),
        (_n(coop), _n(SKOS + "prefLabel"), _lit(name, "da")),
        (_n(coop), _n(SKOS + "prefLabel"), _lit(f"{name} (cooperation)", "en")),
        (
            _n(coop),
            _n(ORG + "classification"),
            _n("https://w3id.org/plankg/def/samarbejdstype/formelt-planstrategisamarbejde"),
        ),
        (_n(coop), _n(DCT + "source"), source),
        (_n(coop), _n(DCT + "description"), _lit(f"Et samarbejde om planstrategien mellem {name}s kommuner.", "da")),
    ]
    for theme in rng.sample(THEMES, rng.randint(2, 4)):
        out.append((_n(coop), _n(PLANKG + "theme"), _n(f"https://w3id.org/plankg/def/tema/{theme}")))
    members = rng.sample(codes, rng.randint(2, 10))
    board = f"{coop}/bestyrelse"
    out += [
        (_n(board), _n(RDF_TYPE), _n(ORG + "OrganizationalUnit")),
        (_n(board), _n(ORG + "subOrganizationOf"), _n(coop)),
        (_n(board), _n(ORG + "classification"), _n("https://w3id.org/plankg/def/enhedstype/bestyrelse")),
        (_n(board), _n(SKOS + "prefLabel"), _lit(f"{name}s bestyrelse", "da")),
        (_n(board), _n(SKOS + "prefLabel"), _lit(f"Board of {name}", "en")),
        (_n(board), _n(DCT + "source"), source),
    ]
    for code in members:
        municipality = f"{ID}kommune/{code}"
        membership = f"{coop}/medlemskab/{code}"
        interval = f"{membership}/periode"
        year = rng.randint(2007, 2024)
        begin, datatype, predicate = rng.choice(
            [
                (str(year), "gYear", "inXSDgYear"),
                (f"{year}-{rng.randint(1, 12):02d}", "gYearMonth", "inXSDgYearMonth"),
                (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date", "inXSDDate"),
            ]
        )
        out += [
            (_n(coop), _n(ORG + "hasMember"), _n(municipality)),
            (_n(membership), _n(RDF_TYPE), _n(ORG + "Membership")),
            (_n(membership), _n(ORG + "member"), _n(municipality)),
            (_n(membership), _n(ORG + "organization"), _n(coop)),
            (_n(membership), _n(ORG + "role"), _n("https://w3id.org/plankg/def/rolle/medlem")),
            (_n(membership), _n(ORG + "memberDuring"), _n(interval)),
            (_n(membership), _n(DCT + "source"), source),
            (_n(interval), _n(RDF_TYPE), _n(TIME + "Interval")),
            (_n(interval), _n(TIME + "hasBeginning"), _n(f"{interval}/begyndelse")),
            (_n(f"{interval}/begyndelse"), _n(RDF_TYPE), _n(TIME + "Instant")),
            (_n(f"{interval}/begyndelse"), _n(TIME + predicate), _lit(begin, datatype=XSD + datatype)),
            (_n(board), _n(ORG + "hasMember"), _n(f"{municipality}/post/borgmester")),
        ]
        if rng.random() < 0.2:
            end = str(rng.randint(year, 2026))
            out += [
                (_n(interval), _n(TIME + "hasEnd"), _n(f"{interval}/slut")),
                (_n(f"{interval}/slut"), _n(RDF_TYPE), _n(TIME + "Instant")),
                (_n(f"{interval}/slut"), _n(TIME + "inXSDgYear"), _lit(end, datatype=XSD + "gYear")),
            ]
    for theme in rng.sample(THEMES, rng.randint(0, 3)):
        forum = f"{coop}/forum/{theme}"
        out += [
            (_n(forum), _n(RDF_TYPE), _n(ORG + "OrganizationalUnit")),
            (_n(forum), _n(ORG + "subOrganizationOf"), _n(coop)),
            (_n(forum), _n(ORG + "classification"), _n("https://w3id.org/plankg/def/enhedstype/forum")),
            (_n(forum), _n(PLANKG + "theme"), _n(f"https://w3id.org/plankg/def/tema/{theme}")),
            (_n(forum), _n(SKOS + "prefLabel"), _lit(f"Forum for {theme}", "da")),
            (_n(forum), _n(SKOS + "prefLabel"), _lit(f"Forum for {theme} (forum)", "en")),
            (_n(forum), _n(DCT + "source"), source),
        ]
    return [ox.Quad(s, p, o, graph) for s, p, o in out]


def generate(target_triples: int, seed: int = 2009) -> list[ox.Quad]:
    """The project's data plus generated cooperations, about ``target_triples`` quads in all."""
    rng = random.Random(seed)
    quads = list(load_project().quads)
    codes = sorted(
        {
            q.subject.value.rsplit("/", 1)[1]
            for q in quads
            if q.predicate.value == ORG + "identifier" and "/kommune/" in q.subject.value
        }
    )
    index = 0
    while len(quads) < target_triples:
        generated = cooperation_quads(index, codes, rng)
        quads += generated + day_bounds(generated)  # as the build derives them for the project's own data
        index += 1
    return quads


def write_dumps(quads: list[ox.Quad], folder: Path, name: str = "synthetic") -> tuple[Path, Path]:
    """``quads`` as the build writes them for the store: N-Quads (named graphs) and N-Triples (their union)."""
    folder.mkdir(parents=True, exist_ok=True)
    dump, union = folder / f"{name}.nq", folder / f"{name}.nt"
    ox.serialize(quads, dump, ox.RdfFormat.N_QUADS)
    ox.serialize(dict.fromkeys(q.triple for q in quads), union, ox.RdfFormat.N_TRIPLES)
    return dump, union


def on_disk(quads: list[ox.Quad], folder: Path, name: str) -> Path:
    """``quads`` as plankg serves them: the build's dumps bulk-loaded into an on-disk store; its path."""
    dump, union = write_dumps(quads, folder, name)
    create_store(dump, folder / f"store-{name}", "https://w3id.org/plankg/", union)
    return folder / f"store-{name}" / "db"


def each_size(bench: Callable[[int, Path], None], default: tuple[int, ...] = (10_000, 100_000, 1_000_000)) -> None:
    """``bench(size, folder)`` for every size on the command line (else ``default``), in one scratch folder."""
    sizes = [int(a) for a in sys.argv[1:]] or list(default)
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            bench(size, Path(folder))


def capped(action: Callable[[], Any], cap: float) -> Any | None:
    """``action()`` in a forked child process, or None when it takes more than ``cap`` seconds."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=lambda: child.send(action()))
    process.start()
    value = parent.recv() if parent.poll(cap) else None
    process.kill()
    process.join()
    return value


def main() -> None:
    """Write ``generate(N)`` as N-Quads: ``python benchmarks/synthetic.py N OUT.nq``."""
    target, out = int(sys.argv[1]), Path(sys.argv[2])
    ox.serialize(generate(target), out, ox.RdfFormat.N_QUADS)


if __name__ == "__main__":
    main()
