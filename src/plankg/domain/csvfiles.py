"""Reading the project's CSV tables (registry tables, membership table)."""

from __future__ import annotations

import csv
from pathlib import Path


class DataError(Exception):
    """Input that cannot be read: a parse error, a missing file, an unknown format."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message if path is None else f"{path}: {message}")
        self.path = path


def read_table(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV file with a header, checking that the required columns are there."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"missing column(s) {', '.join(missing)}", path)
            return list(reader)
    except OSError as error:
        raise DataError(f"cannot read: {error}", path) from error
    except UnicodeDecodeError as error:
        raise DataError(f"not UTF-8: {error}", path) from error
