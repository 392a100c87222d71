"""Finding the columns a reader needs in a header, by an explicit mapping or by their usual names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import InputError

__all__ = ["find_columns", "canonical_name"]


def canonical_name(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def find_columns(
    path: Path,
    header: Sequence[str],
    fields: Mapping[str, Sequence[str]],
    required: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    what: str = "file",
) -> dict[str, str]:
    """Map each field to a column of ``header``.

    ``fields`` gives, per field, the usual column names (compared case-insensitively, spaces and dashes as
    underscores); ``mapping`` names columns explicitly and wins. A mapped column that is missing, or a
    required field with no column, is an :class:`InputError` that lists the columns the file has.
    """
    by_canon = {canonical_name(c): c for c in header}
    found: dict[str, str] = {}
    have = ", ".join(header)
    for field, column in (mapping or {}).items():
        if field not in fields:
            raise InputError(
                f"column mapping names the unknown field {field!r}; the fields of a {what} are "
                f"{', '.join(fields)}."
            )
        if column in header:
            found[field] = column
        elif canonical_name(column) in by_canon:
            found[field] = by_canon[canonical_name(column)]
        else:
            raise InputError(
                f"{path}: the column mapping says {field}={column}, but the file has no column {column!r}. "
                f"Its columns are: {have}. Fix the mapping (--map {field}=COLUMN)."
            )
    for field, names in fields.items():
        if field in found:
            continue
        for name in (field, *names):
            if canonical_name(name) in by_canon:
                found[field] = by_canon[canonical_name(name)]
                break
    missing = [f for f in required if f not in found]
    if missing:
        hints = "; ".join(f"{f}: one of {', '.join((f, *fields[f]))}" for f in missing)
        raise InputError(
            f"{path}: line 1: no column for {', '.join(missing)} in the {what}. Expected ({hints}); "
            f"the file has: {have}. Rename the column or map it, e.g. --map {missing[0]}=COLUMN."
        )
    return found
