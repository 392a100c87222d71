"""CSV records as the world writes them: quoted fields that span lines, and broken records rejected alone.

Python's ``csv`` module parses; this module feeds it physical lines and keeps, for every record, the line
where it starts. A record with the wrong number of fields is rejected with that line. When such a record
spans several lines, a quote opened on its first line did not close where it should (a stray quote): the
first line alone is rejected and reading starts again on the next line, so one broken record costs one
record, never the rest of the file. A quoted field may span at most ``MAX_RECORD_LINES`` lines.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

__all__ = ["Records", "Record", "MAX_RECORD_LINES"]

MAX_RECORD_LINES = 10_000
READ_BYTES = 1 << 20


class _Runaway(Exception):
    """A record ran over more lines than a quoted field may span."""


@dataclass
class Record:
    """A parsed record, or a broken one (``fields`` None and ``reason`` set), and its first physical line."""

    line: int
    fields: list[str] | None
    reason: str | None = None


class _Lines:
    """The physical lines of a byte stream, decoded, numbered, and returned to when a record is re-read."""

    def __init__(self, head: bytes, fh: IO[bytes], encoding: str, first_line: int):
        self.fh, self.encoding = fh, encoding
        self.number = first_line  # number of the next line cut from the stream
        self.partial = b""
        self.cut: deque[bytes] = deque()
        self._split(head)
        self.pending: deque[tuple[int, str, bool]] = deque()  # lines handed back after a broken record
        self.taken: list[tuple[int, str, bool]] = []  # (number, text, decoded cleanly) of the current record
        self.unterminated = False

    def _split(self, data: bytes) -> None:
        parts = (self.partial + data).split(b"\n")
        self.partial = parts.pop()
        self.cut.extend(p + b"\n" for p in parts)

    def _next_raw(self) -> bytes | None:
        while not self.cut:
            data = self.fh.read(READ_BYTES)
            if not data:
                if self.partial:
                    tail, self.partial = self.partial, b""
                    return tail
                return None
            self._split(data)
        return self.cut.popleft()

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.popleft()
        else:
            raw = self._next_raw()
            if raw is None:
                self.unterminated = bool(self.taken)  # the end came inside a record: a quote never closed
                raise StopIteration
            try:
                item = (self.number, raw.decode(self.encoding), True)
            except UnicodeDecodeError:
                item = (self.number, raw.decode(self.encoding, errors="replace"), False)
            self.number += 1
        self.taken.append(item)
        if len(self.taken) > MAX_RECORD_LINES:
            raise _Runaway
        return item[1]

    def take(self) -> list[tuple[int, str, bool]]:
        """The lines of the record just read (and forget them)."""
        taken, self.taken = self.taken, []
        return taken

    def give_back(self, lines: list[tuple[int, str, bool]]) -> None:
        """Read these lines again, before any other."""
        self.pending.extendleft(reversed(lines))


class Records:
    """Iterate the records of CSV text after its header: ``head`` is the first bytes (already read from
    ``fh``, starting at a record boundary), ``fh`` the rest; ``first_line`` the physical number of its first
    line. Blank records are skipped."""

    def __init__(self, head: bytes, fh: IO[bytes], encoding: str, delimiter: str, width: int, first_line: int):
        self.lines = _Lines(head, fh, encoding, first_line)
        self.encoding, self.delimiter, self.width = encoding, delimiter, width

    def __iter__(self) -> Iterator[Record]:
        lines = self.lines
        while True:
            reader = csv.reader(lines, delimiter=self.delimiter, strict=False)
            try:
                for fields in reader:
                    taken = lines.take()
                    record = self._judge(fields, taken, lines.unterminated)
                    if record is None:
                        continue
                    yield record
                    if record.fields is None and (len(taken) > 1 or lines.unterminated):
                        lines.unterminated = False
                        lines.give_back(taken[1:])
                        break  # a new reader from the line after the broken one
                else:
                    return
            except (csv.Error, _Runaway) as exc:
                taken = lines.take()
                why = (f"a quoted field runs over more than {MAX_RECORD_LINES:,} lines"
                       if isinstance(exc, _Runaway) else str(exc))  # fmt: skip
                yield Record(taken[0][0], None, f"{why}; check the quotes of this line")
                lines.give_back(taken[1:])

    def _judge(self, fields: list[str], taken: list[tuple[int, str, bool]], unterminated: bool) -> Record | None:
        start = taken[0][0]
        if unterminated:
            return Record(start, None, "a quote opened on this line never closes; check the quotes of this line")
        if not fields or (len(fields) == self.width and not any(fields)):
            return None  # a blank line is no record
        if not all(ok for _, _, ok in taken):
            bad = next(n for n, _, ok in taken if not ok)
            return Record(start, None, f"line {bad} is not valid {self.encoding} text; save the file as UTF-8")
        if len(fields) == self.width:
            return Record(start, fields)
        if len(taken) > 1:
            return Record(start, None, f"a quote opened on this line does not close at the end of a record "
                                       f"({len(fields)} fields over {len(taken)} lines, expected {self.width}); "
                                       "check the quotes of this line")  # fmt: skip
        return Record(start, None, f"expected {self.width} fields, found {len(fields)}")
