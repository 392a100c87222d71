"""Mail: mbox files, Maildir folders and loose .eml files, headers only.

Each message becomes one interaction per recipient (To, Cc, Bcc), channel ``email`` (``email-list`` for
mail with a List-Id). Mail from a person through a mailing list (List-Id, Precedence: list or bulk) is kept
like any other. A message is rejected as a whole, each with its own reason, when it is automated
(Auto-Submitted other than ``no``), comes from an automated sender (a word of ``automated_senders`` in its
address), is bulk mail (Precedence: bulk or junk) while ``reject_bulk_mail`` is on, has no readable From or
recipient or more than ``max_recipients``, when a header line is over ``max_line_bytes`` or the header block
over ``max_header_bytes`` (read no further: memory stays bounded), or when its header block is binary data
(NUL or control bytes, as in a damaged region of an mbox): then only that message is skipped and the rest of
the file is read. A file is refused only when it
is not mail at all (neither a ``From `` line nor header lines at its start: an archive, a PDF, a PST).

The ``source_id`` of each row is ``mail:<identity>:<recipient number>``, the identity being the keyed digest
of the Message-ID together with the sender and the date: the same message in two folders, or in a file
ingested again, is counted once, while a Message-ID reused for another message (other sender or date) is
another message. ``thread_id`` is the keyed digest of the Message-ID of the thread's first message (from References or
In-Reply-To, else the message's own), so the first row of a thread in time is its initiative. The report's
row counts are recipient rows (a message rejected as a whole is one row); its notes count the messages.
Bodies are never read into the store.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..settings import Settings
from ..store import Store
from .edges import SOURCE_ID, EdgeBuffer, EdgeReader
from .limits import ReadLimits, raise_hint
from .mailheaders import (
    MailHeaders,
    has_binary_bytes,
    iter_mbox,
    parse_headers,
    read_header_block,
)
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Chunk, Progress

__all__ = ["ingest_mail", "mail_files", "messages", "not_a_contact"]

BATCH = 100_000  # interactions per chunk handed to the edge reader
HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")  # "Name: value", the first line of a message file
NOT_MAIL = {  # how files that are no mail start: what they are, and what to do
    b"PK\x03\x04": ("a ZIP archive", "unpack it and give the mbox file or mail folder inside"),
    b"\x1f\x8b": ("a gzip file", "decompress it first (gunzip)"),
    b"!BDN": ("an Outlook PST file", "turn it into mbox folders first: readpst -r -o OUT file.pst (Debian package "
              "pst-utils)"),
    b"%PDF": ("a PDF", "give the mail export instead"),
    b"\x89PNG": ("a PNG image", "give the mail export instead"),
}


def mail_files(path: Path) -> tuple[str, list[Path]]:
    """What ``path`` is (mbox, maildir, eml) and the files to read, in a stable order."""
    if not path.exists():
        raise InputError(f"{path}: not found; give an mbox file, a Maildir folder or a folder of .eml files.")
    if path.is_file():
        with path.open("rb") as fh:
            head = fh.read(4096)
        if not head.strip():
            raise InputError(f"{path}: the file is empty; expected an mbox file or an .eml message.")
        return _file_kind(path, head), [path]
    # (sorted by their parts: the order of paths, without comparing Path objects, some 10 µs a file)
    if (path / "cur").is_dir() or (path / "new").is_dir():
        files = sorted((p for sub in ("cur", "new") for p in (path / sub).glob("*") if p.is_file()), key=_parts)
        for child in sorted(path.glob(".*")):  # Maildir++ subfolders: .Sent, .Archive, ...
            if child.is_dir():
                files += sorted((p for sub in ("cur", "new") for p in (child / sub).glob("*") if p.is_file()),
                                key=_parts)  # fmt: skip
        return "maildir", files
    files = sorted((p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")), key=_parts)
    if not files:
        raise InputError(f"{path}: an empty folder; expected a Maildir (cur/, new/) or .eml files.")
    return "eml", files


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts


def _file_kind(path: Path, head: bytes) -> str:
    """mbox or eml, from the first bytes of a file; a file that is not mail at all is refused."""
    start = head.lstrip(b"\xef\xbb\xbf\r\n\t ")
    if start.startswith(b"From "):
        return "mbox"
    if HEADER_LINE.match(start):
        return "eml"
    unknown = ("binary data" if b"\x00" in head else "text without header lines", "give the mail export")
    found, fix = next((known for magic, known in NOT_MAIL.items() if start.startswith(magic)), unknown)
    raise InputError(f"{path}: not mail but {found}; expected an mbox file (starting with a 'From ' line) or an "
                     f".eml message (starting with header lines such as 'From: ...'); {fix}.")


def _automated_word(address: str, automated: set[str]) -> str | None:
    """The word of ``automated_senders`` in the address's local part (noreply, no-reply, bounce, ...)."""
    local = address.split("@")[0]
    if local in automated:
        return local
    return next((word for word in re.split(r"[.\-_+]", local) if word in automated), None)


def not_a_contact(headers: MailHeaders, automated: set[str], reject_bulk: bool, max_recipients: int) -> str | None:
    """Why a message is not a contact between people, or None. Mail through a list is a contact.
    ``automated`` holds the lowercase words of ``automated_senders``; ``reject_bulk`` is ``reject_bulk_mail``,
    ``max_recipients`` the setting of that name."""
    if headers.sender is None:
        return "message has no readable From address"
    if not headers.recipients:
        return "message has no readable To, Cc or Bcc address"
    if len(headers.recipients) > max_recipients:
        return (f"more recipients than max_recipients ({max_recipients:,}): a mass mailing, not a contact between "
                f"people; {raise_hint('max_recipients')}")  # fmt: skip
    if headers.auto_submitted not in (None, "no"):
        return f"automated message (Auto-Submitted: {headers.auto_submitted}); not a contact between people"
    word = _automated_word(headers.sender, automated)
    if word:
        return (f"automated sender (its address has the word {word!r} of automated_senders); not a contact "
                "between people; take the word out of automated_senders to keep such mail")  # fmt: skip
    if reject_bulk and headers.precedence in ("bulk", "junk"):
        return (f"bulk mail (Precedence: {headers.precedence}), rejected because reject_bulk_mail is on; turn "
                "it off to keep mailing-list mail marked bulk")  # fmt: skip
    return None


class _MailEdges(EdgeReader):
    """The edge reader, counting the messages of which at least one recipient row is kept. A message's rows
    come in one run (a run may span two chunks), so a message is counted where its run of kept rows starts."""

    def __init__(self, store: Store, settings: Settings, session: IngestSession):
        super().__init__(store, settings, session, EdgeBuffer.COLUMNS)
        self.kept_messages = 0
        self._last: str | None = None  # the message of the last kept row

    def chunk(self, chunk: Chunk) -> pa.Array:
        keep = super().chunk(chunk)
        kept = chunk.table.column(SOURCE_ID).combine_chunks().filter(keep)
        messages = pc.replace_substring_regex(kept, r":[0-9]+$", "")  # mail:<identity>:<k> -> mail:<identity>
        if len(messages):
            self.kept_messages += pc.count_distinct(messages).as_py() - (messages[0].as_py() == self._last)
            self._last = messages[-1].as_py()
        return keep


class _MailReader:
    def __init__(self, store: Store, settings: Settings, session: IngestSession):
        self.session = session
        self.edges = _MailEdges(store, settings, session)
        self.buffer = EdgeBuffer(self.edges, "message", BATCH)
        self.automated = {a.lower() for a in settings.automated_senders}
        self.reject_bulk = settings.reject_bulk_mail
        self.digest = session.digest
        self.subjects = settings.read_subjects  # (a subject is not even decoded without it)
        self.max_recipients = settings.max_recipients
        # the mail in the store: identity -> its rows there (a message's rows rejected then are not there)
        self.stored = session.stored_messages("mail")
        self.seen: set[str] = set()  # identities of the messages handed on in this ingest
        self.repeated: Counter[str] = Counter()  # of those, the ones read again: identity -> times
        self.messages = self.duplicates = self.rejected = self.handed_on = self.undated = self.no_id = 0

    def _reject(self, where: str, reason: str, excerpt: str = "") -> None:
        """Reject a message as a whole: one row of the report."""
        self.rejected += 1
        self.session.report.rows += 1
        self.session.reject(where, reason, excerpt)

    def message(self, where: str, lines: list[bytes], refused: str | None = None) -> None:
        """Read one message: its header ``lines``, or ``refused``, why it was not read (over a limit)."""
        self.messages += 1
        if refused is not None:
            self._reject(where, refused)
            return
        if has_binary_bytes(lines):
            self._reject(where, "binary data (NUL or control bytes) in the header block, not a readable message; "
                         "this message is skipped, the rest of the file is read")  # fmt: skip
            return
        headers = parse_headers(lines, self.digest, self.subjects)
        self.session.renew(headers.identity)
        if headers.identity in self.stored:  # its rows in the store are its rows here, counted once
            self.duplicates += 1
            self._recognise(self.stored[headers.identity])
            return
        if headers.identity in self.seen:  # its rows kept from the first copy are known at the end: finish()
            self.duplicates += 1
            self.repeated[headers.identity] += 1
            return
        reason = not_a_contact(headers, self.automated, self.reject_bulk, self.max_recipients)
        if reason is not None:  # (each copy of a message rejected so is rejected, as in a later ingest)
            if len(headers.recipients) > self.max_recipients:  # the count is no personal data: in the reason
                reason += f" ({len(headers.recipients):,} recipients)"
            self._reject(where, reason, "")
            return
        assert headers.sender is not None
        self.seen.add(headers.identity)
        self.handed_on += 1
        self.undated += headers.date is None
        self.no_id += not headers.has_message_id
        channel = "email-list" if headers.list_id else "email"
        for k, recipient in enumerate(headers.recipients):
            self.buffer.add(f"{where}, recipient {k + 1}", headers.sender, recipient, headers.date, channel,
                            headers.thread_id, f"mail:{headers.identity}:{k}", subject=headers.subject)  # fmt: skip

    def _recognise(self, rows: int) -> None:
        self.session.report.recognised += rows
        self.session.report.rows += rows

    def finish(self) -> None:
        """After the last message: stage the rows in hand, and count the rows of the messages read twice in
        this ingest as those kept from their first copy."""
        self.buffer.flush()
        if self.repeated:
            kept = self.session.staged_per_message(pa.array(list(self.repeated), pa.string()))
            self._recognise(sum(n * self.repeated[m] for m, n in kept.items()))

    def notes(self) -> list[str]:
        kept = self.edges.kept_messages
        no_recipient_kept = self.handed_on - kept
        why = [f"{n:,} {what}" for n, what in ((self.rejected, "as a whole"),
                                                (no_recipient_kept, "with every recipient row rejected")) if n]
        why_text = f" ({', '.join(why)})" if why else ""
        out = [f"{self.messages:,} messages read, {kept:,} kept as {self.session.report.kept:,} recipient rows; "
               f"{self.rejected + no_recipient_kept:,} rejected{why_text}",
               "rows in, kept and rejected count recipient rows (one per To, Cc or Bcc address); a message "
               "rejected as a whole is one row"]  # fmt: skip
        if self.duplicates:
            out.append(f"{self.duplicates:,} duplicate messages (same Message-ID, sender and date, e.g. in two "
                       "folders or an earlier ingest) counted once")  # fmt: skip
        if self.undated:
            out.append(f"{self.undated:,} messages without a readable Date kept as undated")
        if self.no_id:
            out.append(f"{self.no_id:,} messages without a Message-ID, recognised again by their headers")
        return out


def messages(kind: str, files: list[Path], limits: ReadLimits, progress: Progress | None = None
             ) -> Iterator[tuple[str, list[bytes], str | None]]:  # fmt: skip
    """Each message of ``files`` (of ``kind`` mbox, maildir or eml, as :func:`mail_files` gives them): where it
    is, its header block and None, or for a message over one of ``limits``, [] and why it was not read;
    ``progress`` gets the bytes read."""
    total = sum(f.stat().st_size for f in files)
    done = 0
    for f in files:
        with f.open("rb") as fh:
            if kind == "mbox":
                for line, headers, refused in iter_mbox(fh, limits):
                    yield f"{f.name} message at line {line}", headers, refused
                    if progress and line % 5000 == 0:
                        progress(done + fh.tell(), total)
            else:
                yield f.name, *read_header_block(fh, limits)
        done += f.stat().st_size
        if progress:
            progress(done, total)


def ingest_mail(store: Store, path: Path, settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Ingest the headers of an mbox file, a Maildir folder (with Maildir++ subfolders) or .eml files."""
    path = Path(path)
    kind, files = mail_files(path)

    def read(session: IngestSession) -> None:
        reader = _MailReader(store, settings, session)
        for where, lines, refused in messages(kind, files, ReadLimits.of(settings), progress):
            reader.message(where, lines, refused)
        reader.finish()
        session.report.notes.extend(reader.notes())
        session.on_commit(lambda: reader.edges.resolver.flush(store))

    return run_ingest(store, files, "mail", read, label=path if path.is_dir() else None)
