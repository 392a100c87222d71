"""Chat: a Slack workspace export (the .zip, or the folder it unpacks to).

The export holds users.json, channels.json (public), groups.json (private), dms.json and mpims.json, and one
folder per conversation with a file per day of messages. A message in a channel is an interaction from its
author to each of the channel's active members (those who posted in it during the export), each weighted
1 / (active members - 1), so a message weighs 1 in all; channels with more active members than
``broadcast_size`` are ``chat-broadcast``. In a direct message it goes to the other person (weight 1), in a
group DM to the others. Replies keep their thread. Joins, leaves and other system events are skipped, bot
messages are rejected; message texts are never read into the store. A zipped export is read within the zip
limits (:mod:`.ziplimits`): a day file that breaks one is rejected with the reason, a users.json or
conversation list that does refuses the export; in a folder the same file-size limit holds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError
from ..settings import Settings
from ..store import Store
from .edges import EdgeBuffer, EdgeReader
from .limits import ReadLimits, raise_hint
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress
from .ziplimits import BoundedZip, MemberRefused

__all__ = ["ingest_slack"]

KEPT_FIELDS = ("user", "subtype", "bot_id", "ts", "thread_ts")  # of a message, until the second pass; no text

SYSTEM_SUBTYPES = {"channel_join", "channel_leave", "group_join", "group_leave", "channel_topic", "channel_purpose",
                   "channel_name", "channel_archive", "channel_unarchive", "pinned_item", "unpinned_item",
                   "tombstone", "joiner_notification_for_inviter"}  # fmt: skip


class _Export:
    """Read access to the files of an export, zipped or unpacked."""

    def __init__(self, path: Path, limits: ReadLimits):
        self.path, self.limits = path, limits
        if path.is_file():
            self.zip: BoundedZip | None = BoundedZip(path, limits, "Slack export")
            names = self.zip.names()
            roots = {n.split("/")[0] for n in names if n.endswith("users.json")}
            prefix = "" if "users.json" in names else (next(iter(roots)) + "/" if len(roots) == 1 else "")
            self.names = [n[len(prefix):] for n in names if n.startswith(prefix)]
            self.prefix = prefix
        elif path.is_dir():
            self.zip = None
            self.prefix = ""
            self.names = [p.relative_to(path).as_posix() for p in path.rglob("*.json") if p.is_file()]
        else:
            raise InputError(f"{path}: not found; give a Slack export .zip or the folder it unpacks to.")
        if "users.json" not in self.names:
            raise InputError(f"{path}: no users.json; this does not look like a Slack workspace export.")

    def load(self, name: str) -> Any:
        """The JSON of the file ``name`` ([] when it is not there); :class:`MemberRefused` when it breaks a
        limit, :class:`InputError` when it is no JSON."""
        try:
            if self.zip is not None:
                data: bytes | bytearray = self.zip.read(self.prefix + name)
            else:
                data = self._read_file(name)
            return json.loads(data)
        except (KeyError, FileNotFoundError):
            return []
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{self.path}: {name} is not valid JSON ({exc}).") from None

    def _read_file(self, name: str) -> bytes:
        """A file of an unpacked export, within the size a file of a zipped one may unpack to."""
        path, limit = self.path / name, self.limits.zip_max_member_bytes
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise MemberRefused(self.path, name, f"is larger than zip_max_member_bytes ({limit}); "
                                                 f"{raise_hint('zip_max_member_bytes')}")  # fmt: skip
        return data

    def files(self) -> list[Path]:
        return [self.path] if self.zip is not None else sorted(self.path / n for n in self.names)

    def days(self) -> Iterator[tuple[str, str]]:
        """(conversation folder, file name) of every day file, in order."""
        for name in sorted(self.names):
            parts = PurePosixPath(name).parts
            if len(parts) == 2 and parts[1].endswith(".json"):
                yield parts[0], name


def _conversations(export: _Export) -> dict[str, tuple[str, list[str]]]:
    """folder name -> (kind channel|dm|mpim, member ids)."""
    out: dict[str, tuple[str, list[str]]] = {}
    for file, kind in (("channels.json", "channel"), ("groups.json", "channel"), ("dms.json", "dm"),
                       ("mpims.json", "mpim")):  # fmt: skip
        for conv in export.load(file) or []:
            if isinstance(conv, dict):
                folder = conv.get("name") or conv.get("id")
                if folder:
                    out[str(folder)] = (kind, [str(m) for m in conv.get("members") or []])
    return out


def ingest_slack(store: Store, path: Path, settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Ingest a Slack workspace export (zip or folder)."""
    path = Path(path)
    export = _Export(path, ReadLimits.of(settings))
    who: dict[str, str] = {}  # user id -> the address it is known by (its id where it has none)
    bots: set[str] = set()
    for user in export.load("users.json") or []:
        if isinstance(user, dict) and user.get("id"):
            email = ((user.get("profile") or {}).get("email") or "").strip()
            who[str(user["id"])] = email or str(user["id"])
            if user.get("is_bot"):
                bots.add(str(user["id"]))
    conversations = _conversations(export)

    def read(session: IngestSession) -> None:
        reader = EdgeReader(store, settings, session, EdgeBuffer.COLUMNS)
        buffer = EdgeBuffer(reader, "message")
        seen = set(session.stored_messages("slack"))
        # first pass: who is active where
        messages: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        skipped = duplicates = 0
        for folder, name in export.days():
            try:
                day = export.load(name)
            except MemberRefused as refused:  # (a day file: the rest of the export is read)
                session.report.rows += 1
                session.reject(name, f"day file refused: {refused.reason}")
                continue
            for message in day if isinstance(day, list) else []:
                if not isinstance(message, dict) or message.get("type", "message") != "message":
                    continue
                if message.get("subtype") in SYSTEM_SUBTYPES:
                    skipped += 1
                    continue
                messages[folder].append((name, {k: message[k] for k in KEPT_FIELDS if k in message}))
            del day
        def is_bot(message: dict[str, Any]) -> bool:
            author = str(message.get("user") or "")
            return bool(message.get("subtype") == "bot_message" or message.get("bot_id")
                        or author in bots)  # fmt: skip

        total = len(messages)
        for done, (folder, items) in enumerate(sorted(messages.items()), start=1):
            kind, members = conversations.get(folder, ("channel", []))
            active = sorted({str(m.get("user")) for _, m in items if m.get("user") and not is_bot(m)})
            audience = active if kind == "channel" else (members or active)
            broadcast = kind == "channel" and len(audience) > settings.broadcast_size
            channel = "chat-broadcast" if broadcast else "chat"
            for n, (name, message) in enumerate(items):
                author = str(message.get("user") or message.get("bot_id") or "")
                where = f"{name} message {n + 1}"
                if is_bot(message):
                    session.report.rows += 1
                    session.reject(where, "bot message; not a contact between people")
                    continue
                ts_text = str(message.get("ts") or "")
                key = session.digest("chat message", f"{folder}|{ts_text}")
                if key in seen:
                    duplicates += 1
                    session.report.recognised += 1
                    session.report.rows += 1
                    continue
                seen.add(key)
                session.renew(key)
                others = [m for m in audience if m != author]
                if not others:
                    session.report.rows += 1
                    session.reject(where, "nobody else is in this conversation")
                    continue
                try:
                    ts = datetime.fromtimestamp(float(ts_text), tz=UTC).replace(tzinfo=None)
                except ValueError:
                    ts = None
                thread = session.digest("chat thread", f"{folder}|{message.get('thread_ts') or ts_text}")
                weight = 1.0 / len(others)
                for k, other in enumerate(others):
                    buffer.add(f"{where}, recipient {k + 1}", who.get(author, author),
                               who.get(other, other), ts, channel, thread, f"slack:{key}:{k}",
                               weight)  # fmt: skip
            if progress:
                progress(done, total)
        buffer.flush()
        session.on_commit(lambda: reader.resolver.flush(store))
        notes = session.report.notes
        notes.append(f"{sum(len(v) for v in messages.values()):,} messages in {len(messages):,} conversations")
        if skipped:
            notes.append(f"{skipped:,} joins, leaves and other system events skipped")
        if duplicates:
            notes.append(f"{duplicates:,} messages already in the store counted once")

    return run_ingest(store, export.files(), "slack", read, label=path if path.is_dir() else None)
