"""A byte stream read line-wise with a cap on the length of a line, for the line-based readers (CSV, mbox).

:class:`CappedLines` wraps a binary file and hands out its bytes, whole lines at a time, with every line longer
than the cap replaced by an empty line: such a line is skipped as it streams past, never held in memory whole,
and its number lands in :attr:`CappedLines.too_long`, so the reader rejects it alone (by its number) and reads
on. Line numbers stay those of the file. Finding the long lines costs a few ``rfind`` calls per cap's worth
of bytes (the last line end in each window of ``limit + 1`` bytes), not a look at every line.
"""

from __future__ import annotations

import io
from typing import Protocol

__all__ = ["ByteStream", "CappedLines"]


class ByteStream(Protocol):
    """What the line readers need of a binary stream: ``read(n)``, b"" (or None) at the end. A plain or gzip
    file, or a :class:`CappedLines`."""

    def read(self, size: int = -1, /) -> bytes | None: ...


class CappedLines(io.RawIOBase):
    """``fh`` with its lines of more than ``limit`` bytes (line end not counted) each replaced by an empty line;
    ``first_line`` is the number of the line ``fh`` is at. Read it with :meth:`take` (about ``n`` bytes of
    whole lines) or, wrapped in :class:`io.BufferedReader`, line by line."""

    def __init__(self, fh: ByteStream, limit: int, first_line: int = 1, block: int = 1 << 20):
        super().__init__()
        self.fh, self.limit, self.block = fh, limit, block
        self.line = first_line  # number of the next line handed out
        self.too_long: dict[int, int] = {}  # number of each line over the cap -> its length in bytes
        self._tail = b""  # the start of a line whose end has not been read yet (at most ``limit`` bytes)
        self._skipping: int | None = None  # number of the long line being skipped
        self._skipped = 0  # its bytes so far
        self._out = memoryview(b"")  # bytes taken but not yet handed to readinto

    def readable(self) -> bool:
        return True

    def take(self, n: int) -> bytes:
        """The next bytes of whole lines (about ``n``, the last line of the stream may lack its end); b"" at
        the end."""
        while True:
            block = self.fh.read(n)
            if not block:
                return self._finish()
            out = self._feed(block)
            if out:
                return out

    # (io.RawIOBase takes any writable buffer; BufferedReader, the one caller, passes a bytearray or memoryview)
    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._out:
            self._out = memoryview(self.take(self.block))
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _finish(self) -> bytes:
        if self._skipping is not None:  # the stream ends inside a long line: it still has its (empty) line
            self.too_long[self._skipping] = self._skipped
            self._skipping = None
            self.line += 1
            return b"\n"
        tail, self._tail = self._tail, b""
        return tail

    def _feed(self, block: bytes) -> bytes:
        out: list[bytes] = []
        if self._skipping is not None:
            end = block.find(b"\n")
            if end < 0:
                self._skipped += len(block)
                return b""
            self.too_long[self._skipping] = self._skipped + end
            self._skipping = None
            out.append(b"\n")
            self.line += 1
            block = block[end + 1:]
        data = self._tail + block if self._tail else block
        limit = self.limit
        kept = start = 0  # data[kept:start] is whole lines of at most ``limit`` bytes; a line starts at start
        while True:
            window = start + limit + 1  # a line of at most ``limit`` bytes ends (\n) before this position
            last = data.rfind(b"\n", start, window)
            if last >= 0:
                start = last + 1
                continue
            if window > len(data):  # the line at start has not ended yet, and is not too long yet
                break
            out.append(data[kept:start])  # the line at start is too long
            self.line += data.count(b"\n", kept, start)
            end = data.find(b"\n", window)
            if end < 0:
                self._skipping, self._skipped = self.line, len(data) - start
                self._tail = b""
                return b"".join(out)
            self.too_long[self.line] = end - start
            out.append(b"\n")
            self.line += 1
            kept = start = end + 1
        out.append(data[kept:start])
        self.line += data.count(b"\n", kept, start)
        self._tail = data[start:]
        return b"".join(out)
