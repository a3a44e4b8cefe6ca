"""The membership table (data/cooperations/medlemskaber.csv), turned into qualified memberships."""

from __future__ import annotations

from pathlib import Path

from plankg.dataset import Loaded


def load_memberships(data: Path) -> Loaded:
    """Quads for every row of the membership table (none until the table exists)."""
    return Loaded()
