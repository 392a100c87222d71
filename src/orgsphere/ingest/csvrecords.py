"""CSV records as the world writes them: quoted fields that span lines, and broken records rejected alone.

Python's ``csv`` module parses; this module feeds it physical lines and keeps, for every record, the line
where it starts. A record with the wrong number of fields is rejected with that line. When such a record
spans several lines, a quote opened on its first line did not close where it should (a stray quote): the
first line alone is rejected and reading starts again on the next line, so one broken record costs one
record, never the rest of the file. A quoted field may span at most ``MAX_RECORD_LINES`` lines. A line over
``max_line_bytes`` reaches this module as an empty line whose number the caller knows (:mod:`.cappedlines`):
it is rejected as such, as is a record that runs over it.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .cappedlines import ByteStream
from .limits import line_too_long

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


Line = tuple[int, str, str | None]  # number, text, flaw: None, "encoding" (not valid text) or "long" (over the cap)


class _Lines:
    """The physical lines of a byte stream, decoded, numbered, and returned to when a record is re-read;
    ``too_long`` holds the numbers of the lines over the cap (empty in the stream)."""

    def __init__(self, head: bytes, fh: ByteStream, encoding: str, first_line: int, too_long: Mapping[int, int]):
        self.fh, self.encoding, self.too_long = fh, encoding, too_long
        self.number = first_line  # number of the next line cut from the stream
        self.partial = b""
        self.cut: deque[bytes] = deque()
        self._split(head)
        self.pending: deque[Line] = deque()  # lines handed back after a broken record
        self.taken: list[Line] = []  # the lines of the current record
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
        item: Line
        if self.pending:
            item = self.pending.popleft()
        else:
            raw = self._next_raw()
            if raw is None:
                self.unterminated = bool(self.taken)  # the end came inside a record: a quote never closed
                raise StopIteration
            if self.number in self.too_long:
                item = (self.number, raw.decode(self.encoding, errors="replace"), "long")
            else:
                try:
                    item = (self.number, raw.decode(self.encoding), None)
                except UnicodeDecodeError:
                    item = (self.number, raw.decode(self.encoding, errors="replace"), "encoding")
            self.number += 1
        self.taken.append(item)
        if len(self.taken) > MAX_RECORD_LINES:
            raise _Runaway
        return item[1]

    def take(self) -> list[Line]:
        """The lines of the record just read (and forget them)."""
        taken, self.taken = self.taken, []
        return taken

    def give_back(self, lines: list[Line]) -> None:
        """Read these lines again, before any other."""
        self.pending.extendleft(reversed(lines))


class Records:
    """Iterate the records of CSV text after its header: ``head`` is the first bytes (already read from
    ``fh``, starting at a record boundary), ``fh`` the rest; ``first_line`` the physical number of its first
    line. Blank records are skipped. ``too_long``: the numbers of the lines over ``max_line_bytes``
    (``max_line``), which ``fh`` gives as empty lines."""

    def __init__(self, head: bytes, fh: ByteStream, encoding: str, delimiter: str, width: int, first_line: int,
                 too_long: Mapping[int, int] | None = None, max_line: int = 0):  # fmt: skip
        self.lines = _Lines(head, fh, encoding, first_line, too_long if too_long is not None else {})
        self.encoding, self.delimiter, self.width, self.max_line = encoding, delimiter, width, max_line

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

    def _judge(self, fields: list[str], taken: list[Line], unterminated: bool) -> Record | None:
        start, first_flaw = taken[0][0], taken[0][2]
        if first_flaw == "long":
            return Record(start, None, line_too_long(self.max_line))
        if unterminated:
            return Record(start, None, "a quote opened on this line never closes; check the quotes of this line")
        flawed = next(((n, flaw) for n, _, flaw in taken if flaw), None)
        if flawed is not None and flawed[1] == "long":
            return Record(start, None, f"a quoted field runs into line {flawed[0]}, which is longer than "
                                       "max_line_bytes; check the quotes of this line")  # fmt: skip
        if not fields or (len(fields) == self.width and not any(fields)):
            return None  # a blank line is no record
        if flawed is not None:
            return Record(start, None, f"line {flawed[0]} is not valid {self.encoding} text; save the file as UTF-8")
        if len(fields) == self.width:
            return Record(start, fields)
        if len(taken) > 1:
            return Record(start, None, f"a quote opened on this line does not close at the end of a record "
                                       f"({len(fields)} fields over {len(taken)} lines, expected {self.width}); "
                                       "check the quotes of this line")  # fmt: skip
        return Record(start, None, f"expected {self.width} fields, found {len(fields)}")
