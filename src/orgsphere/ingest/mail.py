"""Mail: mbox files, Maildir folders and loose .eml files, headers only.

Each message becomes one interaction per recipient (To, Cc, Bcc), channel ``email`` (``email-list`` for
mail with a List-Id). The ``source_id`` of each row is ``mail:<hashed Message-ID>:<recipient number>``, so a
message found in two folders, or in a file ingested again, is counted once; ``thread_id`` is the hashed id
of the thread's first message, so a row is a reply exactly when its thread id differs from the message id
in its ``source_id``. Messages from automated senders (no-reply addresses, Auto-Submitted, Precedence:
bulk) are rejected with that reason. Bodies are never read into the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..settings import Settings
from ..store import Store
from .edges import EdgeBuffer, EdgeReader
from .mailheaders import MailHeaders, iter_mbox, parse_headers, read_header_block
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress

__all__ = ["ingest_mail", "mail_files"]

BATCH = 100_000  # interactions per chunk handed to the edge reader


def mail_files(path: Path) -> tuple[str, list[Path]]:
    """What ``path`` is (mbox, maildir, eml) and the files to read, in a stable order."""
    if not path.exists():
        raise InputError(f"{path}: not found; give an mbox file, a Maildir folder or a folder of .eml files.")
    if path.is_file():
        with path.open("rb") as fh:
            head = fh.read(4096)
        if not head.strip():
            raise InputError(f"{path}: the file is empty; expected an mbox file or an .eml message.")
        if b"\x00" in head:
            raise InputError(f"{path}: binary data, not mail; expected an mbox file or an .eml message.")
        return ("mbox" if head.startswith(b"From ") else "eml"), [path]
    if (path / "cur").is_dir() or (path / "new").is_dir():
        files = sorted(p for sub in ("cur", "new") for p in (path / sub).glob("*") if p.is_file())
        for child in sorted(path.glob(".*")):  # Maildir++ subfolders: .Sent, .Archive, ...
            if child.is_dir():
                files += sorted(p for sub in ("cur", "new") for p in (child / sub).glob("*") if p.is_file())
        return "maildir", files
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise InputError(f"{path}: an empty folder; expected a Maildir (cur/, new/) or .eml files.")
    return "eml", files


class _MailReader:
    def __init__(self, store: Store, settings: Settings, session: IngestSession):
        self.session = session
        self.edges = EdgeReader(store, settings, session, EdgeBuffer.COLUMNS)
        self.buffer = EdgeBuffer(self.edges, "message", BATCH)
        self.automated = {a.lower() for a in settings.automated_senders}
        self.seen: set[str] = {
            r[0] for r in store.raw.execute(
                "SELECT DISTINCT split_part(source_id, ':', 2) FROM interactions WHERE starts_with(source_id, 'mail:')"
            ).fetchall()
        }  # fmt: skip
        self.messages = self.duplicates = self.undated = self.no_id = 0

    def _is_automated(self, address: str | None) -> bool:
        local = (address or "").split("@")[0]
        return any(word in self.automated for word in re.split(r"[.\-_+]", local)) or local in self.automated

    def message(self, where: str, lines: list[bytes]) -> None:
        self.messages += 1
        headers: MailHeaders = parse_headers(lines)
        if headers.message_id in self.seen:
            self.duplicates += 1
            return
        self.seen.add(headers.message_id)
        session = self.session
        if headers.sender is None:
            session.report.rows += 1
            session.reject(where, "message has no readable From address")
            return
        if not headers.recipients:
            session.report.rows += 1
            session.reject(where, "message has no readable To, Cc or Bcc address")
            return
        if headers.automated or self._is_automated(headers.sender):
            session.report.rows += 1
            session.reject(where, "automated message (no-reply sender, Auto-Submitted or bulk); not a contact "
                           "between people")  # fmt: skip
            return
        self.undated += headers.date is None
        self.no_id += not headers.has_message_id
        channel = "email-list" if headers.list_id else "email"
        for k, recipient in enumerate(headers.recipients):
            self.buffer.add(f"{where}, recipient {k + 1}", headers.sender, recipient, headers.date, channel,
                            headers.thread_id, f"mail:{headers.message_id}:{k}", subject=headers.subject)  # fmt: skip

    def notes(self) -> list[str]:
        out = [f"{self.messages:,} messages read"]
        if self.duplicates:
            out.append(f"{self.duplicates:,} duplicate messages (same Message-ID, e.g. in two folders) counted once")
        if self.undated:
            out.append(f"{self.undated:,} messages without a readable Date kept as undated")
        if self.no_id:
            out.append(f"{self.no_id:,} messages without a Message-ID, recognised again by their headers")
        return out


def _messages(kind: str, files: list[Path], progress: Progress | None) -> Iterator[tuple[str, list[bytes]]]:
    total = sum(f.stat().st_size for f in files)
    done = 0
    for f in files:
        with f.open("rb") as fh:
            if kind == "mbox":
                for line, headers in iter_mbox(fh):
                    yield f"{f.name} message at line {line}", headers
                    if progress and line % 5000 == 0:
                        progress(done + fh.tell(), total)
            else:
                yield f.name, read_header_block(fh)
        done += f.stat().st_size
        if progress:
            progress(done, total)


def ingest_mail(store: Store, path: Path, settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Ingest the headers of an mbox file, a Maildir folder (with Maildir++ subfolders) or .eml files."""
    path = Path(path)
    kind, files = mail_files(path)

    def read(session: IngestSession) -> None:
        reader = _MailReader(store, settings, session)
        for where, lines in _messages(kind, files, progress):
            reader.message(where, lines)
        reader.buffer.flush()
        session.report.notes.extend(reader.notes())
        session.on_commit(lambda: reader.edges.resolver.flush(store))

    return run_ingest(store, files, "mail", read, label=path if path.is_dir() else None)
