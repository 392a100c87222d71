"""Times as the world writes them: ISO 8601, epoch seconds or milliseconds, and the local dates of
spreadsheets: day-first (31-01-2025, 31/01/2025, 31.01.2025, what Dutch and most European Excel writes) and
US month-first (01/31/2025 9:30 AM), with or without a time.

Whether a file's ``dd-mm-yyyy`` style dates are day-first or month-first is decided per file from its own
values (a first number above 12 says day-first, a second one above 12 month-first, a dot says day-first) and
kept for the rest of the file; a file whose values never tell is refused with the setting that decides it
(``date_format``). Everything is vectorised with Arrow; only values no common format reads are tried one by
one.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError

__all__ = ["TS", "TS_PROBLEM", "DateOrder", "parse_timestamps", "strptime", "DATE_FORMATS"]

TS = pa.timestamp("us")
EPOCH = datetime(1970, 1, 1)
TS_PROBLEM = "ts is not a time; expected ISO 8601 (2024-03-01T09:30:00), epoch seconds or a date like 31-01-2024 09:30"
MS_EPOCH_THRESHOLD = 1e11  # numbers above this are epoch milliseconds, below epoch seconds
ISO_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")
NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
LOCAL_DATE = (r"^(?P<a>[0-9]{1,2})(?P<sep>[-/.])(?P<b>[0-9]{1,2})[-/.][0-9]{4}"
              r"(?P<time>[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?: ?[AaPp][Mm])?)?$")
DATE_FORMATS = ("", "auto", "iso", "epoch", "day-first", "month-first")
_TIMES = ("", " %H:%M", " %H:%M:%S", "T%H:%M", "T%H:%M:%S", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p")


class DateOrder:
    """The order of day and month in one file's local dates: forced by ``date_format``, or decided from the
    file's values the first time they tell, and kept. ``where`` names the file and column in messages."""

    def __init__(self, date_format: str = "", where: str = "ts"):
        fmt = (date_format or "").strip().lower()
        if fmt not in DATE_FORMATS:
            raise InputError(f"date_format {date_format!r} is not one of {', '.join(DATE_FORMATS[1:])}.")
        self.where = where
        self.order: str | None = fmt if fmt in ("day-first", "month-first") else None
        self.local = fmt not in ("iso", "epoch")  # read local dates at all
        self.seen = 0

    def decide(self, first: pa.Array, second: pa.Array, dots: pa.Array, example: str) -> str:
        """The order, deciding it from these values (the two numbers of each local date, whether it is
        written with dots, and one value as written) if still open."""
        if self.order is not None:
            return self.order
        day_first = int(pc.sum(pc.or_(pc.greater(first, 12), dots).cast(pa.int64())).as_py() or 0)
        month_first = int(pc.sum(pc.greater(second, 12).cast(pa.int64())).as_py() or 0)
        self.seen += len(first)
        if day_first == month_first == 0:
            raise InputError(
                f"{self.where}: dates like {example!r} can be day-first or month-first, and none of the first "
                f"{self.seen:,} tells (no number above 12). Say which: date_format = \"day-first\" (31-01-2025) "
                "or \"month-first\" (01/31/2025) in orgsphere.toml, or --setting date_format=day-first."
            )
        self.order = "day-first" if day_first >= month_first else "month-first"
        return self.order

    def formats(self, separator: str) -> list[str]:
        date = "%d{0}%m{0}%Y" if self.order == "day-first" else "%m{0}%d{0}%Y"
        return [date.format(separator) + t for t in _TIMES]


_DATE_FIELDS = r"^(?P<f0>[0-9]+)[-/.](?P<f1>[0-9]+)[-/.](?P<f2>[0-9]+)"  # a date's three fields, in any order


def strptime(text: pa.Array, fmt: str) -> pa.Array:
    """Arrow's ``strptime`` of ``text`` in ``fmt`` (a date of %Y, %m and %d first, then a time), null where a
    value does not read; and null where its date does not exist: Arrow rolls 31-02-2025 over into 3 March,
    so the day and month read back are held to those written."""
    parsed = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
    if parsed.null_count == len(parsed):  # (nothing read: nothing to hold)
        return parsed
    order = [fmt[i + 1] for i in range(len(fmt) - 1) if fmt[i] == "%" and fmt[i + 1] in "Ymd"][:3]
    fields = pc.extract_regex(text, _DATE_FIELDS)
    matched = pc.is_valid(fields)  # (a value without a date there has fields of no meaning)

    def written(field: str) -> pa.Array:
        digits = pc.if_else(matched, fields.field(f"f{order.index(field)}"), pa.scalar(None, pa.string()))
        return digits.cast(pa.int64())

    exists = pc.and_(pc.equal(pc.day(parsed), written("d")), pc.equal(pc.month(parsed), written("m")))
    return pc.if_else(pc.fill_null(exists, True), parsed, pa.scalar(None, parsed.type))


def _numeric_to_ts(values: pa.Array) -> pa.Array:
    seconds = values.cast(pa.float64())
    scaled = pc.if_else(pc.greater(pc.abs(seconds), MS_EPOCH_THRESHOLD), pc.multiply(seconds, 1e3),
                        pc.multiply(seconds, 1e6))  # fmt: skip
    return pc.round(scaled).cast(pa.int64()).cast(TS)


def _one_ts(text: str) -> datetime | None:
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(number):
            return None
        seconds = number / (1e3 if abs(number) > MS_EPOCH_THRESHOLD else 1)
        return datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _local_dates(text: pa.Array, parsed: pa.Array, dates: DateOrder) -> pa.Array:
    """``parsed`` with the local dates (31-01-2025 ...) of ``text`` read in the file's order."""
    match = pc.extract_regex(pc.if_else(pc.is_null(parsed), text, pa.scalar(None, pa.string())), LOCAL_DATE)
    is_local = pc.fill_null(pc.is_valid(match), False)
    if not pc.any(is_local).as_py():
        return parsed
    found = match.filter(is_local)
    dates.decide(found.field("a").cast(pa.int32()), found.field("b").cast(pa.int32()),
                 pc.equal(found.field("sep"), "."), text.filter(is_local)[0].as_py())  # fmt: skip
    local = pc.if_else(is_local, text, pa.scalar(None, pa.string()))
    for sep in "-/.":
        for fmt in dates.formats(sep):
            parsed = pc.coalesce(parsed, strptime(local, fmt))
    return parsed


def parse_timestamps(values: pa.Array, dates: DateOrder | None = None) -> tuple[pa.Array, pa.Array]:
    """Timestamps from text, numbers (epoch seconds or milliseconds) or Arrow timestamps, as UTC-naive
    microseconds; and a problem per row (null where fine or empty). ``dates``: the file's order of day and
    month, kept across its chunks (without it, local dates like 31-01-2025 are not read).

    Vectorised: a whole chunk of one clean format converts at once; in a mixed or dirty chunk each common
    format is tried on all rows, and only the rows none of them reads are parsed one by one."""
    no_problem = pa.nulls(len(values), pa.string())
    if pa.types.is_timestamp(values.type):
        return values.cast(TS), no_problem
    if pa.types.is_date(values.type):
        return values.cast(pa.date32()).cast(TS), no_problem
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        return _numeric_to_ts(values), no_problem
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    try:
        return text.cast(TS), no_problem  # ISO 8601 without offset: the common case, all at once
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    numeric = pc.fill_null(pc.match_substring_regex(text, NUMBER), False)
    parsed = pc.if_else(numeric, _numeric_to_ts(pc.if_else(numeric, text, pa.scalar(None, pa.string()))),
                        pa.scalar(None, TS))  # fmt: skip
    for fmt in ISO_FORMATS:
        parsed = pc.coalesce(parsed, strptime(text, fmt))
    if dates is not None and dates.local:
        parsed = _local_dates(text, parsed, dates)
    left = np.flatnonzero(pc.and_(pc.is_valid(text), pc.is_null(parsed)).to_numpy(zero_copy_only=False))
    if left.size == 0:
        return parsed, no_problem
    micros = pc.fill_null(parsed.cast(pa.int64()), 0).to_numpy().copy()
    missing = pc.is_null(parsed).to_numpy(zero_copy_only=False).copy()
    problems: list[str | None] = [None] * len(parsed)
    problem = TS_PROBLEM if dates is None or dates.order is None else f"{TS_PROBLEM} ({dates.order}, as this file)"
    for i, raw in zip(left, pc.take(text, pa.array(left)).to_pylist(), strict=True):
        value = _one_ts(raw)
        if value is None:
            problems[i] = problem
        else:
            micros[i] = (value - EPOCH) // timedelta(microseconds=1)
            missing[i] = False
    return pa.array(micros, pa.int64(), mask=missing).cast(TS), pa.array(problems, pa.string())
