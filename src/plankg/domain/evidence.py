"""How sure we are on a day: the three states of a membership, at the precision the sources give.

The rule (DESIGN §3a), the same as the named query ``members-on-date`` and the map's script:

- *member*: a beginning on or before the day and no end before it, or a source showing the
  membership held on that day (``time:inside``; a year or a month covers each of its days);
- *last documented*: no interval covers the day, but a source shows it held on an earlier day — a
  ``time:inside`` instant, or the end of an interval that ended — the latest such day, as given;
- *not known*: no source says. Nothing is extended beyond what a source shows: an open interval
  documented only until a day (``plankg:documentedUntil``) counts as ending there.

Dates of different precision are compared on the part both have (``2007`` ≤ ``2007-05-01``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MEMBER, DOCUMENTED, UNKNOWN = "member", "last documented", "not known"
STATES = (MEMBER, DOCUMENTED, UNKNOWN)


@dataclass
class Evidence:
    """What the sources say about one membership: its interval (if any) and the days it is seen to hold."""

    begin: str = ""
    end: str = ""
    seen: list[str] = field(default_factory=list)
    horizon: str = ""  # the day an open interval is documented until

    def as_dict(self) -> dict[str, object]:
        pairs = (("from", self.begin), ("to", self.end), ("documentedUntil", self.horizon))
        found: dict[str, object] = {k: v for k, v in pairs if v}
        if self.seen:
            found["seen"] = sorted(self.seen)
        return found


def _at(day: str, value: str) -> str:
    """The day cut to the precision of ``value`` (2009-12-02 at a year's precision is 2009)."""
    return day[: len(value)]


def state_on(evidence: Evidence, day: str) -> tuple[str, str]:
    """The state of the membership on ``day`` (YYYY-MM-DD), and the last documented day where that is the state."""
    end = evidence.end or evidence.horizon
    in_interval = bool(evidence.begin) and _at(day, evidence.begin) >= evidence.begin
    in_interval = in_interval and (not end or _at(day, end) <= end)
    if in_interval or any(_at(day, seen) == seen for seen in evidence.seen):
        return MEMBER, ""
    before = [seen for seen in evidence.seen if seen < _at(day, seen)]
    before += [bound for bound in (evidence.end, evidence.horizon) if bound and bound < _at(day, bound)]
    if before:
        return DOCUMENTED, max(before)
    return UNKNOWN, ""
