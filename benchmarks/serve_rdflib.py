"""Serve an N-Quads dump with rdflib-endpoint (benchmarks only): the peer on rdflib's own engine.

``python benchmarks/serve_rdflib.py DUMP.nq PORT``: the dump in an rdflib Dataset whose default
graph is the union of its graphs (as plankg serves it), behind rdflib-endpoint's FastAPI app, served
by uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import sys

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    dump, port = sys.argv[1], int(sys.argv[2])
    dataset = Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    app = SparqlEndpoint(graph=dataset, public_url=f"http://127.0.0.1:{port}/")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
