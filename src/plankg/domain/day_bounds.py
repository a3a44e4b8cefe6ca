"""Day bounds of dated instants, written at build time beside the precision the source gives.

An instant dated ``2009`` (``time:inXSDgYear``) covers 2009-01-01 to 2009-12-31; the build writes
those two days as ``plankg:firstDay`` and ``plankg:lastDay`` (``xsd:date``) in the instant's own
graph, so a question about a day (``members-on-date``) compares dates instead of cutting strings to
each value's precision. The source's value stays as it was given; the bounds are derived from it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from plankg.domain.namespaces import PLANKG, XSD
from plankg.domain.region_lifetimes import PRECISIONS, first_day, last_day

_DATED = frozenset(str(prop) for _, _, prop in PRECISIONS)  # time:inXSDgYear, …gYearMonth, …Date
_FIRST, _LAST = ox.NamedNode(str(PLANKG.firstDay)), ox.NamedNode(str(PLANKG.lastDay))
_DATE = ox.NamedNode(str(XSD.date))


def day_bounds(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The first and last day of every instant's date in ``quads``, in the graph that dates it.

    A value that is no date of its kind is left alone (the shapes report it). A bound the data state
    themselves is not repeated; one that disagrees stays beside the derived one, and the instant shape
    (at most one of each) reports it.
    """
    quads = list(quads)
    stated = {q for q in quads if q.predicate in (_FIRST, _LAST)}
    bounds: list[ox.Quad] = []
    for quad in quads:
        if quad.predicate.value not in _DATED or not isinstance(quad.object, ox.Literal):
            continue
        try:
            first, last = first_day(quad.object.value), last_day(quad.object.value)
        except ValueError:
            continue
        for predicate, day in ((_FIRST, first), (_LAST, last)):
            value = ox.Literal(day.isoformat(), datatype=_DATE)
            bound = ox.Quad(quad.subject, predicate, value, quad.graph_name)
            if bound not in stated:
                bounds.append(bound)
    return bounds
