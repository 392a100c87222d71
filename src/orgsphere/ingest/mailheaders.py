"""Reading the headers of email messages, fast and without ever touching a body.

:func:`iter_mbox` walks an mbox file a block at a time and hands out the header block of each message (the
lines up to the first blank line); a body is skipped by searching for the next ``From `` line after a blank
line, never looked at line by line (an attachment is thousands of lines).
:func:`parse_headers` turns a header block into the fields orgsphere keeps: sender, recipients, date and the
ids that make threads, the Auto-Submitted and Precedence values (the reader decides what they mean), and the
subject, which is held only while the message is read, to recognise its topic where ``read_subjects``
allows. :func:`has_binary_bytes` tells a header block of binary data (NUL and other control bytes, as in a
damaged region of an mbox) from one of text. A message's identity is its Message-ID together with its
sender and date: the same message in two folders has all three alike, while a Message-ID reused by another
client for another message does not. Every id is kept only as a keyed digest (the ``digest`` handed to
:func:`parse_headers`, the store's :meth:`~orgsphere.privacy.Pseudonymiser.digest`): ids carry host and
sometimes personal names, and an unkeyed hash of one would let anyone holding the id find the message.
Addresses are read with :func:`email.utils.getaddresses` (groups, comments, ``undisclosed-recipients:;``);
display names, subjects and bodies are never kept.

Both readers keep to the limits: a line over ``max_line_bytes`` is skipped as it streams past (a body line
silently, a header line refuses its message), and a header block over ``max_header_bytes`` is read no further
than that; such a message comes with the reason it is refused instead of its headers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime
from typing import BinaryIO

from ..settings import ByteSize
from .cappedlines import ByteStream, CappedLines
from .limits import ReadLimits, raise_hint

__all__ = ["MailHeaders", "iter_mbox", "read_header_block", "parse_headers", "has_binary_bytes"]

WANTED = frozenset({b"from", b"sender", b"to", b"cc", b"bcc", b"date", b"message-id", b"in-reply-to",
                    b"references", b"list-id", b"auto-submitted", b"precedence", b"subject"})  # fmt: skip
WANTED_NO_SUBJECT = WANTED - {b"subject"}
MSG_ID = re.compile(r"<([^<>\s]+)>")
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
COMMENT = re.compile(r"\([^()]*\)")
# once quoted names and comments are cut out: addresses in angle brackets or bare
SIMPLE_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>|([^\s<>,;:\"()]+@[^\s<>,;:\"()]+)")
COMMON_DATE = re.compile(r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?"
                         r"\s+([+-])(\d{4})\s*(?:\([^()]*\))?\s*$")  # fmt: skip
MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"))}  # fmt: skip
KEYWORD = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")  # auto-generated, bulk: what Auto-Submitted, Precedence hold
# control bytes that text headers never hold (tab, LF, FF, CR and the ESC of ISO-2022-JP are text)
BINARY = bytes(c for c in range(32) if c not in b"\t\n\x0c\r\x1b")


@dataclass
class MailHeaders:
    sender: str | None
    recipients: list[str]
    date: datetime | None
    date_problem: str | None
    identity: str  # keyed digest of Message-ID + sender + date; of the headers when there is no Message-ID
    message_id: str  # keyed digest of the Message-ID alone (what replies point at); the identity when none
    has_message_id: bool
    thread_id: str  # keyed digest of the Message-ID of the first message of the thread
    is_reply: bool
    list_id: str | None
    subject: str | None  # decoded; held only while the message is read, for its topic (read_subjects)
    auto_submitted: str | None  # the Auto-Submitted keyword, lowercase: no, auto-generated, auto-replied, ...
    precedence: str | None  # the Precedence keyword, lowercase: bulk, list, junk, ...


def _long_header_line(limits: ReadLimits) -> str:
    return (f"a header line longer than max_line_bytes ({ByteSize(limits.max_line_bytes)}); the message is "
            f"rejected as a whole, the rest is read; {raise_hint('max_line_bytes')}")


def _large_header(limits: ReadLimits) -> str:
    return (f"a header block larger than max_header_bytes ({ByteSize(limits.max_header_bytes)}), read no further; "
            f"the message is rejected as a whole, the rest is read; {raise_hint('max_header_bytes')}")


class _HeaderBlock:
    """The header lines of one message as they stream past, within the limits."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.lines: list[bytes] = []
        self.size = 0
        self.problem: str | None = None

    def add(self, line: bytes, too_long: bool) -> None:
        if self.problem is not None:
            return
        self.size += len(line)
        if too_long:
            self.problem, self.lines = _long_header_line(self.limits), []
        elif self.size > self.limits.max_header_bytes:
            self.problem, self.lines = _large_header(self.limits), []
        else:
            self.lines.append(line)

    def take(self, number: int, line: bytes, too_long: dict[int, int]) -> bool:
        """Add line ``number`` of a header block; False when it is the blank line that ends the block (a line
        over the cap, in ``too_long`` and handed out empty, is not blank)."""
        long = line == b"\n" and number in too_long
        if line in (b"\n", b"\r\n") and not long:
            return False
        self.add(line, long)
        return True


def _block_end(buf: bytes, start: int, stop: int, crlf: bool = False) -> int | None:
    """Where the header block at ``buf[start]`` ends, at its first blank line (LF or CRLF) within
    ``buf[start:stop]``: the index of the last header line's line end (``start - 1``: the first line is blank);
    None when no blank line is there. ``crlf``: the text's line ends are CRLF, searched for first (a text of
    one kind of line end has none of the other: the second search stops where the first found its line)."""
    if buf.startswith((b"\n", b"\r\n"), start):
        return start - 1
    first, other = (b"\n\r\n", b"\n\n") if crlf else (b"\n\n", b"\n\r\n")
    found = buf.find(first, start, stop)
    earlier = buf.find(other, start, found + 3 if found >= 0 else stop)
    ends = [i for i in (found, earlier) if i >= 0]
    return min(ends) if ends else None


def _split_lines(block: bytes) -> list[bytes]:
    """The lines of ``block``, each with its line end (the last may have none)."""
    parts = block.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _capped(fh: ByteStream, limits: ReadLimits) -> tuple[io.BufferedReader, dict[int, int]]:
    """``fh`` read line by line with lines over ``max_line_bytes`` as empty lines, and their numbers."""
    capped = CappedLines(fh, limits.max_line_bytes)
    return io.BufferedReader(capped, 1 << 20), capped.too_long


MBOX_READ = 1 << 20  # the bytes of an mbox read at a time (whole lines: see CappedLines.take)


def iter_mbox(fh: BinaryIO, limits: ReadLimits | None = None,
              block: int = MBOX_READ) -> Iterator[tuple[int, list[bytes], str | None]]:  # fmt: skip
    """(line number of the ``From `` line, header lines, None) of each message of an mbox stream; for a
    message over a limit ``limits`` (default: the settings' defaults), (line, [], why it is refused). A
    ``From `` line starts a message where it follows a blank line (or starts the file). The header lines are
    taken one by one; the body is skipped ``block`` bytes at a time, by searching for the next ``From `` line
    (a body of many short lines costs a few searches, not a look at each line)."""
    limits = limits or ReadLimits.of()
    scan = _MboxScan(CappedLines(fh, limits.max_line_bytes), block)
    start = scan.to_separator()
    while start is not None:
        scan.take_line()  # the From line itself
        whole = scan.header_block(limits.max_header_bytes)
        if whole is not None:  # (the common case: the block at once)
            yield start, whole, None
            start = scan.to_separator()
            continue
        header = _HeaderBlock(limits)
        while (line := scan.take_line()) is not None and header.take(*line, scan.too_long):
            pass
        yield start, header.lines, header.problem
        start = scan.to_separator() if line is not None else None


class _MboxScan:
    """An mbox's lines (:class:`CappedLines`: long lines as empty ones, their numbers in ``too_long``) held a
    block at a time: :meth:`take_line` hands out the next line, :meth:`to_separator` skips to the next line
    that starts a message."""

    def __init__(self, lines: CappedLines, block: int):
        self.lines, self.block, self.too_long = lines, block, lines.too_long
        self.buf, self.pos, self.line = b"", 0, 1  # buf[pos] starts line number ``line``
        self.ended = False  # every byte of the stream is in buf

    def _more(self) -> bool:
        """Read the next block into the buffer (dropping what lies before ``pos``); False at the end."""
        chunk = b"" if self.ended else self.lines.take(self.block)
        if not chunk:
            self.ended = True
            return False
        self.buf, self.pos = self.buf[self.pos:] + chunk, 0
        return True

    def _advance(self, to: int) -> None:
        self.line += self.buf.count(b"\n", self.pos, to)
        self.pos = to

    def take_line(self) -> tuple[int, bytes] | None:
        """(number, the line with its end) of the next line (the last line of the stream may lack its end);
        None at the end."""
        while (end := self.buf.find(b"\n", self.pos)) < 0:
            if not self._more():
                if self.pos == len(self.buf):
                    return None
                end = len(self.buf) - 1  # the last line, without a line end
                break
        number, text = self.line, self.buf[self.pos:end + 1]
        self.pos, self.line = end + 1, number + (text[-1:] == b"\n")
        return number, text

    def header_block(self, max_bytes: int) -> list[bytes] | None:
        """The header lines from ``pos`` up to the first blank line, each with its line end, ``pos`` then past
        that blank line; None (nothing taken) unless the block and its blank line are in the buffer, within
        ``max_bytes`` and :data:`HEAD_READ`, and no line among them is a line over the cap (handed out empty,
        not blank)."""
        buf, pos = self.buf, self.pos
        # (in the line ends of the From line before it; searched no further than HEAD_READ: once per message)
        end = _block_end(buf, pos, pos + min(max_bytes, HEAD_READ) + 3, crlf=buf[pos - 2] == 0x0D)
        if end is None or end + 1 - pos > max_bytes:
            return None
        lines = _split_lines(buf[pos:end + 1])
        if self.too_long and any(n in self.too_long for n in range(self.line, self.line + len(lines) + 1)):
            return None
        blank = 1 if buf[end + 1] == 0x0A else 2
        self.pos, self.line = end + 1 + blank, self.line + len(lines) + 1
        return lines

    def _blank_before(self, newline: int) -> bool:
        """Whether the line that ends with the line end at ``newline`` (at or after ``pos``) is blank: empty,
        and not a line over the cap handed out empty."""
        first = self.buf.rfind(b"\n", self.pos, newline) + 1 or self.pos
        text = self.buf[first:newline + 1]
        if text == b"\r\n":
            return True
        return text == b"\n" and self.line + self.buf.count(b"\n", self.pos, first) not in self.too_long

    def to_separator(self) -> int | None:
        """Skip to the next ``From `` line that follows a blank line (called where the line before ``pos`` is
        blank, or at the start); its number, ``pos`` at its start; None at the end of the stream."""
        after_blank = True  # the line before pos is blank
        while True:
            if len(self.buf) - self.pos < 5 and not self.ended:
                self._more()
                continue
            if after_blank and self.buf.startswith(b"From ", self.pos):
                return self.line
            found = self.buf.find(b"\nFrom ", self.pos)
            if found >= 0:
                after_blank = self._blank_before(found)
                self._advance(found + 1)
                continue
            if self.ended:
                return None
            last = self.buf.rfind(b"\n", self.pos)  # keep the last line, which may start with "From "
            if last >= 0:
                after_blank = self._blank_before(last)
                self._advance(last + 1)
            self._more()


HEAD_READ = 1 << 16  # the bytes of a message file read at once, in which its header block nearly always ends


def read_header_block(fh: BinaryIO, limits: ReadLimits | None = None) -> tuple[list[bytes], str | None]:
    """The header lines of one message file (.eml, Maildir), reading nothing past the first blank line, and
    None; for a message over a limit, [] and why it is refused. A header block that ends within the first
    :data:`HEAD_READ` bytes, within the limits, is split there at once (:func:`_header_lines`); any other goes
    through the line reader that keeps the limits (the same answer, slower: it sets up a buffer per file)."""
    limits = limits or ReadLimits.of()
    head = fh.read(HEAD_READ)
    lines = _header_lines(head, limits, whole=len(head) < HEAD_READ)
    if lines is not None:
        return lines, None
    return _read_header_block_capped(_Prefixed(head, fh), limits)


def _header_lines(head: bytes, limits: ReadLimits, whole: bool) -> list[bytes] | None:
    """The header lines at the start of ``head`` (``whole``: the file's every byte), each with its line end, as
    the line reader gives them; None where that reader must decide: no blank line in ``head`` though the file
    goes on, a line over ``max_line_bytes``, or a block over ``max_header_bytes``."""
    end = _block_end(head, 0, len(head))
    if end is not None:
        block = head[: end + 1]
    elif whole:
        block = head
    else:
        return None
    if len(block) > limits.max_header_bytes:
        return None
    lines = _split_lines(block)  # (the last without a line end where the file ends so)
    if any(len(line) - line.endswith(b"\n") > limits.max_line_bytes for line in lines):
        return None
    return lines


class _Prefixed:
    """``head``, the bytes already read of ``fh``, then the rest of ``fh``."""

    def __init__(self, head: bytes, fh: BinaryIO):
        self.head, self.fh = head, fh

    def read(self, size: int = -1, /) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out
        return self.fh.read(size)


def _read_header_block_capped(fh: ByteStream, limits: ReadLimits) -> tuple[list[bytes], str | None]:
    lines, too_long = _capped(fh, limits)
    block = _HeaderBlock(limits)
    for number, line in enumerate(lines, start=1):
        if not block.take(number, line, too_long) or block.problem is not None:
            break
    return block.lines, block.problem


def has_binary_bytes(lines: list[bytes]) -> bool:
    """Whether a header block holds NUL or other control bytes: binary data, not a header."""
    block = b"".join(lines)
    return len(block.translate(None, BINARY)) != len(block)  # (deleting them is faster than searching)


def _unfold(lines: list[bytes], wanted: frozenset[bytes]) -> dict[bytes, list[str]]:
    fields: dict[bytes, list[list[bytes]]] = {}  # each field's values, each value as its folded pieces
    name: bytes | None = None
    for raw in lines:
        if raw[:1] in (b" ", b"\t"):
            if name is not None:
                fields[name][-1].append(raw.strip())
            continue
        key, colon, value = raw.partition(b":")
        if not colon:
            name = None
            continue
        name = key.strip().lower()
        if name in wanted:
            fields.setdefault(name, []).append([value.strip()])
        else:
            name = None
    return {k: [_text(b" ".join(pieces)) for pieces in vs] for k, vs in fields.items()}


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")  # addresses are ASCII; names we do not keep may be anything


def _addresses(values: list[str]) -> list[str]:
    out = []
    for value in values:
        bare = COMMENT.sub(" ", QUOTED.sub(" ", value))
        if '"' in bare or "(" in bare or ")" in bare:  # nested comments, stray quotes: the full parser
            found = [address for _name, address in getaddresses([value])]
        else:
            found = [a or b for a, b in SIMPLE_ADDRESS.findall(bare)]
        for address in found:
            address = address.strip().strip("<>").lower()
            if "@" in address and " " not in address:
                out.append(address)
    return out


def parse_headers(lines: list[bytes], digest: Callable[[str, str], str], subjects: bool = False) -> MailHeaders:
    """The fields of a header block; its ids as ``digest(kind, id)`` (the store's keyed digest); the subject
    only with ``subjects`` (the setting read_subjects: without it the subject is not even decoded)."""
    fields = _unfold(lines, WANTED if subjects else WANTED_NO_SUBJECT)

    def hash_id(kind: str, value: str) -> str:
        return digest(kind, value.strip().lower())

    senders = _addresses(fields.get(b"from", []) or fields.get(b"sender", []))
    recipients = list(dict.fromkeys(a for key in (b"to", b"cc", b"bcc") for a in _addresses(fields.get(key, []))))
    date, problem = None, None
    raw_date = (fields.get(b"date") or [""])[0]
    if not raw_date:
        problem = "no Date header"
    else:
        date = _common_date(raw_date)
        if date is None:
            try:
                parsed = parsedate_to_datetime(raw_date)
            except (TypeError, ValueError, IndexError):
                problem = "Date header is not a date"
            else:
                if parsed.tzinfo is not None:
                    parsed = parsed.astimezone(UTC).replace(tzinfo=None)
                date = parsed
    own_ids = MSG_ID.findall((fields.get(b"message-id") or [""])[0])
    has_id = bool(own_ids)
    if has_id:  # a Message-ID is not always unique: with another sender or date it is another message
        message_id = hash_id("message-id", own_ids[0])
        when = date.isoformat() if date else raw_date
        identity = hash_id("message", "|".join([own_ids[0], senders[0] if senders else "", when]))
    else:  # no (readable) Message-ID: the same message in two folders still has the same headers
        basis = "|".join([",".join(senders), ",".join(recipients), raw_date])
        message_id = identity = hash_id("message without id", basis)
    references = MSG_ID.findall(" ".join(fields.get(b"references", [])))
    reply_to = MSG_ID.findall(" ".join(fields.get(b"in-reply-to", [])))
    root = references[0] if references else reply_to[0] if reply_to else None
    list_ids = MSG_ID.findall(" ".join(fields.get(b"list-id", [])))
    list_id = list_ids[0] if list_ids else (_first(fields.get(b"list-id")) or None)
    return MailHeaders(
        sender=senders[0] if senders else None,
        recipients=recipients,
        date=date,
        date_problem=problem,
        identity=identity,
        message_id=message_id,
        has_message_id=has_id,
        thread_id=hash_id("message-id", root) if root else message_id,
        is_reply=root is not None,
        list_id=list_id,
        subject=_subject(_first(fields.get(b"subject"))),
        auto_submitted=_keyword(fields.get(b"auto-submitted", [])),
        precedence=_keyword(fields.get(b"precedence", [])),
    )


def _common_date(raw: str) -> datetime | None:
    """A Date header in the form nearly every client writes ("Mon, 1 Jan 2024 10:00:00 +0100") as the
    naive UTC time :func:`email.utils.parsedate_to_datetime` gives, read directly (it is most of the time a
    message takes otherwise); None for any other form, which the full parser then reads."""
    m = COMMON_DATE.match(raw)
    if m is None:
        return None
    day, month, year, hour, minute, second, sign, zone = m.groups()
    offset = timedelta(hours=int(zone[:2]), minutes=int(zone[2:]))
    if month.lower() not in MONTHS or offset >= timedelta(hours=24):
        return None
    try:
        clock = datetime(int(year), MONTHS[month.lower()], int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
    return clock - offset if sign == "+" else clock + offset


def _first(values: list[str] | None) -> str | None:
    """A field's first value; None when the field is absent."""
    return values[0] if values else None


def _keyword(values: list[str]) -> str | None:
    """The keyword of a header such as Auto-Submitted or Precedence, without comments and parameters
    ("auto-replied; owner-email=..." -> "auto-replied"); other text (it may name a person) is not kept."""
    word = COMMENT.sub(" ", values[0]).split(";")[0].strip().lower() if values else ""
    return (word if KEYWORD.fullmatch(word) else "unrecognised value") if word else None


def _subject(raw: str | None) -> str | None:
    """A Subject header with its RFC 2047 encoded words decoded ("=?utf-8?q?...?=")."""
    if not raw:
        return None
    try:
        return str(make_header(decode_header(raw)))
    except (HeaderParseError, LookupError, UnicodeDecodeError):
        return raw
