"""Calendars: iCalendar (.ics) files, one or a folder of them (e.g. one export per person).

Each occurrence of an event (recurring events expanded within the period asked for) becomes one
interaction between each pair of its participants, the organiser and the attendees who accepted, channel
``meeting``, weighted by its duration in minutes. Meetings with more than ``broadcast_size`` participants
are broadcasts: channel ``meeting-broadcast``, one row from the organiser to each attendee. The same
meeting in several people's exports is counted once (by UID and occurrence). Declined attendees, rooms and
resources, cancelled events and all-day entries are left out and counted in the summary. Titles,
descriptions and locations are never read into the store; with ``read_subjects`` the title is looked at for
the internal-customer machinery it announces (an SLA review, a satisfaction survey) and only that is kept.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..settings import Settings
from ..store import Store
from .edges import EdgeBuffer, EdgeReader
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress

__all__ = ["ingest_calendar"]

NOT_PEOPLE = {"ROOM", "RESOURCE"}


def _address(value: Any) -> str | None:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.lower() if "@" in text else None


def _utc(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    return None  # a date: an all-day entry


def _ics_files(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError(f"{path}: not found; give an .ics file or a folder of .ics files.")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.ics") if p.is_file())
    if not files:
        raise InputError(f"{path}: no .ics files in this folder.")
    return files


def _load(path: Path) -> Any:
    import icalendar

    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: the file is empty; expected an iCalendar file (BEGIN:VCALENDAR).")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise InputError(f"{path}: not an iCalendar file (no BEGIN:VCALENDAR at the start); export the calendar as .ics.")
    try:
        return icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise InputError(f"{path}: cannot read this iCalendar file ({exc}).") from None


def _period(calendars: list[Any], start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """The window to expand recurring events in: as asked, else from the first to the last event start."""
    if start is not None and end is not None:
        return datetime.combine(start, datetime.min.time()), datetime.combine(end, datetime.min.time())
    starts = []
    for cal in calendars:
        for event in cal.walk("VEVENT"):
            value = event.get("DTSTART")
            if value is not None:
                dt = value.dt
                starts.append(_utc(dt) or datetime.combine(dt, datetime.min.time()))
    if not starts:
        now = datetime.now(UTC).replace(tzinfo=None)
        starts = [now]
    first = datetime.combine(start, datetime.min.time()) if start else min(starts)
    last = datetime.combine(end, datetime.min.time()) if end else max(max(starts), first + timedelta(days=365))
    return first, last + timedelta(days=1)


class _CalendarReader:
    def __init__(self, store: Store, settings: Settings, session: IngestSession):
        self.session = session
        self.edges = EdgeReader(store, settings, session, EdgeBuffer.COLUMNS)
        self.buffer = EdgeBuffer(self.edges, "event")
        self.broadcast = settings.broadcast_size
        self.seen: set[str] = {
            r[0] for r in store.raw.execute(
                "SELECT DISTINCT split_part(source_id, ':', 2) FROM interactions WHERE starts_with(source_id, 'ics:')"
            ).fetchall()
        }  # fmt: skip
        self.counts = {"occurrences": 0, "duplicates": 0, "cancelled": 0, "all_day": 0, "declined": 0,
                       "rooms": 0, "broadcasts": 0, "alone": 0}  # fmt: skip

    def occurrence(self, where: str, event: Any) -> None:
        self.counts["occurrences"] += 1
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            self.counts["cancelled"] += 1
            return
        start = _utc(event.get("DTSTART").dt) if event.get("DTSTART") is not None else None
        if start is None:
            self.counts["all_day"] += 1
            return
        end_prop = event.get("DTEND")
        end = _utc(end_prop.dt) if end_prop is not None else None
        if end is None and event.get("DURATION") is not None:
            end = start + event.get("DURATION").dt
        minutes = max(0.0, (end - start).total_seconds() / 60) if end else 0.0
        uid = str(event.get("UID") or f"{where}:{start.isoformat()}")
        key = self.session.digest("event", f"{uid}|{start.isoformat()}")
        if key in self.seen:
            self.counts["duplicates"] += 1
            self.session.report.recognised += 1
            self.session.report.rows += 1
            return
        self.seen.add(key)
        organiser = _address(event.get("ORGANIZER"))
        attendees = event.get("ATTENDEE") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        with_status = any("PARTSTAT" in a.params for a in attendees)
        people = [organiser] if organiser else []
        for attendee in attendees:
            if str(attendee.params.get("CUTYPE", "INDIVIDUAL")).upper() in NOT_PEOPLE:
                self.counts["rooms"] += 1
                continue
            status = str(attendee.params.get("PARTSTAT", "ACCEPTED" if not with_status else "NEEDS-ACTION")).upper()
            if status != "ACCEPTED":
                self.counts["declined"] += 1
                continue
            address = _address(attendee)
            if address and address not in people:
                people.append(address)
        if len(people) < 2:
            self.counts["alone"] += 1
            return
        thread = self.session.digest("event uid", uid)
        label = f"{where} event {thread} at {start:%Y-%m-%d %H:%M}"
        if len(people) > self.broadcast:
            self.counts["broadcasts"] += 1
            pairs = [(people[0], other) for other in people[1:]]
            channel = "meeting-broadcast"
        else:
            pairs = list(combinations(people, 2))
            channel = "meeting"
        title = str(event.get("SUMMARY") or "") or None  # for its topic only (read_subjects)
        for k, (a, b) in enumerate(pairs):
            self.buffer.add(f"{label}, pair {k + 1}", a, b, start, channel, thread, f"ics:{key}:{k}", minutes, title)

    def notes(self) -> list[str]:
        c = self.counts
        words = {
            "occurrences": "event occurrences read", "duplicates": "already counted (the same meeting in another export)",
            "cancelled": "cancelled", "all_day": "all-day entries (no meeting time) left out",
            "declined": "attendees who did not accept left out", "rooms": "rooms and resources left out",
            "broadcasts": "broadcasts (more participants than broadcast_size)", "alone": "with fewer than two people",
        }  # fmt: skip
        return [f"{c[k]:,} {words[k]}" for k in words if c[k]]


def ingest_calendar(store: Store, path: Path, settings: Settings, start: date | None = None,
                    end: date | None = None, progress: Progress | None = None) -> IngestReport:  # fmt: skip
    """Ingest meetings from an .ics file or a folder of .ics files; recurring events are expanded between
    ``start`` and ``end`` (default: from the first to the last event in the files, at least a year)."""
    import recurring_ical_events

    path = Path(path)
    files = _ics_files(path)
    calendars = [_load(f) for f in files]
    first, last = _period(calendars, start, end)

    def read(session: IngestSession) -> None:
        reader = _CalendarReader(store, settings, session)
        for i, (f, cal) in enumerate(zip(files, calendars, strict=True)):
            try:
                occurrences = recurring_ical_events.of(cal).between(first, last)
            except Exception as exc:  # the library raises many kinds on a broken RRULE
                raise InputError(f"{f}: cannot expand the recurring events ({type(exc).__name__}: {exc}).") from None
            for event in occurrences:
                reader.occurrence(f.name, event)
            if progress:
                progress(i + 1, len(files))
        reader.buffer.flush()
        session.report.notes.extend(reader.notes())
        session.report.notes.append(f"recurring events expanded from {first:%Y-%m-%d} to {last:%Y-%m-%d}")
        session.on_commit(lambda: reader.edges.resolver.flush(store))

    return run_ingest(store, files, "calendar", read, label=path if path.is_dir() else None)
