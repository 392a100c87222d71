"""Calendars: iCalendar (.ics) files, one or a folder of them (e.g. one export per person).

Each occurrence of an event (recurring events expanded within the period asked for) becomes one
interaction between each pair of its participants, the organiser and the attendees who accepted, channel
``meeting``, weighted by its duration in minutes. Meetings with more than ``broadcast_size`` participants
are broadcasts: channel ``meeting-broadcast``, one row from the organiser to each attendee. The same
meeting in several people's exports is counted once (by UID and occurrence). Declined attendees, rooms and
resources, cancelled events and all-day entries are left out and counted in the summary. An event that
cannot be read (no DTSTART or one that is no date, a start given twice, a broken recurrence rule) is rejected
alone with its reason. A recurrence rule is expanded one occurrence at a time: a rule that repeats by the
second or minute is rejected unexpanded, and a meeting with more than ``max_occurrences`` occurrences in the
period is rejected once it passes that number, so no rule, however unbounded, fills the memory; an occurrence
with more attendees than ``max_recipients`` is rejected alone, like a mass mailing. Titles,
descriptions and locations are never read into the store; with ``read_subjects`` the title is looked at for
the internal-customer machinery it announces (an SLA review, a satisfaction survey) and only that is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import combinations, islice
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..settings import Settings
from ..store import Store
from .edges import EdgeBuffer, EdgeReader
from .limits import raise_hint
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress

__all__ = ["ingest_calendar"]

NOT_PEOPLE = {"ROOM", "RESOURCE"}
ONE_VALUE = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "ORGANIZER", "STATUS")  # an event has one of each
READ = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE")  # read to place it in time
TOO_OFTEN = {"SECONDLY": "every second", "MINUTELY": "by the minute"}  # no meeting recurs this often


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
        raise InputError(
            f"{path}: not an iCalendar file (no BEGIN:VCALENDAR at the start); export the calendar as .ics."
        )
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
        for event in cal.walk("VEVENT"):  # (unreadable events were taken out by _unreadable)
            dt = event["DTSTART"].dt
            starts.append(_utc(dt) or datetime.combine(dt, datetime.min.time()))
    if not starts:
        now = datetime.now(UTC).replace(tzinfo=None)
        starts = [now]
    first = datetime.combine(start, datetime.min.time()) if start else min(starts)
    last = datetime.combine(end, datetime.min.time()) if end else max(max(starts), first + timedelta(days=365))
    return first, min(last, datetime.max - timedelta(days=1)) + timedelta(days=1)


def _rules(event: Any) -> list[Any]:
    rules = event.get("RRULE")
    return [] if rules is None else rules if isinstance(rules, list) else [rules]


def _unreadable(event: Any) -> tuple[str, str] | None:
    """Why an event cannot be placed in time, with the excerpt that shows it; None for an event that can."""
    import icalendar

    for name in ONE_VALUE:
        if isinstance(event.get(name), list):
            return f"{name} given {len(event[name])} times; an event has one", ""
    if event.get("DTSTART") is None:
        return "event has no DTSTART; every meeting needs its start time", ""
    for name in READ:
        values = event.get(name)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, icalendar.vBroken):
                return f"{name} cannot be read ({value.parse_error or 'expected ' + value.expected_type})", \
                    f"{name}:{value}"  # fmt: skip
    if not isinstance(event["DTSTART"].dt, date):  # (a datetime is a date too)
        return "DTSTART is not a date or a date and time", f"DTSTART:{event['DTSTART'].to_ical().decode()}"
    for name in ("RDATE", "EXDATE"):
        values = event.get(name)
        for value in values if isinstance(values, list) else [values] if values is not None else []:
            if any(not isinstance(d.dt, (date, tuple)) for d in value.dts):  # (a tuple: a period)
                return f"{name} holds a time without a date", f"{name}:{value.to_ical().decode()}"
    for rule in _rules(event):
        excerpt = "RRULE:" + rule.to_ical().decode("utf-8", "replace")
        if any(not isinstance(i, int) or i < 1 for i in rule.get("INTERVAL") or [1]):
            return "RRULE INTERVAL must be a whole number of at least 1 (0 would repeat without moving on)", excerpt
        if rule.get("RSCALE") or rule.get("SKIP"):
            return "RRULE uses RSCALE or SKIP (RFC 7529, other calendar scales), which is not expanded", excerpt
        freq = str((rule.get("FREQ") or [""])[0]).upper()
        if freq in TOO_OFTEN:
            return (f"RRULE repeats {TOO_OFTEN[freq]} (FREQ={freq}); no meeting recurs that often, so the rule is "
                    "not expanded"), excerpt  # fmt: skip
        if len(rule.get("BYSECOND") or []) > 1:
            return ("RRULE repeats several times a minute (more than one BYSECOND); no meeting recurs that often, "
                    "so the rule is not expanded"), excerpt  # fmt: skip
    return None


class _LazyRule:
    """One rule of a series of recurring_ical_events, giving its starts one at a time. The library asks dateutil
    for the list of every start in the period (``rule.between``) of a rule made with ``cache=True``, which
    keeps every start it ever made: an unbounded rule would fill the memory before max_occurrences is
    looked at. Iterated here, without the cache, memory holds only the starts counted so far."""

    def __init__(self, rule: Any):
        from dateutil.rrule import rrule

        self.until = getattr(rule, "until", None)  # (the library reads it; dateutil keeps its own as _until)
        self.rule = rule.replace(cache=False) if isinstance(rule, rrule) else rule  # (an rruleset: its RDATEs)

    def between(self, after: datetime, before: datetime, inc: bool = False) -> Iterator[datetime]:
        for start in self.rule.xafter(after, inc=inc):
            if start > before or (start == before and not inc):
                return
            yield start


def _lazy(series: Any) -> Any:
    """The series with its rules iterated lazily (:class:`_LazyRule`)."""
    rules = getattr(series.recurrence, "rrules", None)  # (a series without a core event has none)
    if rules is not None:
        series.recurrence.rrules = [_LazyRule(rule) for rule in rules]
    return series


def _series(path: Path, cal: Any) -> Iterator[tuple[Any, str | None]]:
    """The series of recurring_ical_events (one per UID) of a calendar, each with None; where the library
    cannot make them for the whole calendar, one UID at a time, and for a UID it cannot, the UID with why."""
    import icalendar
    import recurring_ical_events

    scale = str(cal.get("CALSCALE", "GREGORIAN")).upper()
    if scale != "GREGORIAN":
        raise InputError(f"{path}: the calendar counts in another scale than the Gregorian (CALSCALE:{scale}); "
                         "export it in the Gregorian calendar.")  # fmt: skip
    try:
        whole = recurring_ical_events.of(cal).series
    except Exception:  # the library raises many kinds on one event it cannot expand: find it below
        whole = None
    if whole is not None:
        yield from ((series, None) for series in whole)
        return
    zones = [c for c in cal.subcomponents if c.name == "VTIMEZONE"]
    uids: dict[str, list[Any]] = {}
    for event in cal.walk("VEVENT"):
        uids.setdefault(str(event.get("UID", "")), []).append(event)
    for uid, events in uids.items():
        one = icalendar.Calendar({k: v for k, v in cal.items()})
        one.subcomponents = [*zones, *events]
        try:
            found = recurring_ical_events.of(one).series
        except Exception as exc:  # (as above)
            yield uid, f"cannot expand this recurring event ({type(exc).__name__}: {exc})"
            continue
        yield from ((series, None) for series in found)


class _CalendarReader:
    def __init__(self, store: Store, settings: Settings, session: IngestSession):
        self.session = session
        self.edges = EdgeReader(store, settings, session, EdgeBuffer.COLUMNS)
        self.buffer = EdgeBuffer(self.edges, "event")
        self.broadcast = settings.broadcast_size
        self.cap = settings.max_occurrences
        self.max_attendees = settings.max_recipients
        self.seen = set(session.stored_messages("ics"))
        self.counts = {"occurrences": 0, "duplicates": 0, "cancelled": 0, "all_day": 0, "declined": 0,
                       "rooms": 0, "broadcasts": 0, "alone": 0}  # fmt: skip

    def reject(self, locator: str, reason: str, excerpt: str = "") -> None:
        """One event (all its occurrences) rejected: one row in, one rejected."""
        self.session.report.rows += 1
        self.session.reject(locator, reason, excerpt)

    def screen(self, where: str, cal: Any) -> None:
        """Reject, and take out of the calendar, the events that cannot be placed in time."""
        for n, event in enumerate(cal.walk("VEVENT"), 1):
            problem = _unreadable(event)
            if problem is not None:
                self.reject(f"{where} event {n}", *problem)
                for parent in cal.walk():  # (an event sits in the calendar, or in a component of it)
                    kept = [c for c in parent.subcomponents if c is not event]
                    if len(kept) < len(parent.subcomponents):
                        parent.subcomponents[:] = kept
                        break

    def series(self, where: str, series: Any, first: datetime, last: datetime) -> None:
        """The occurrences of one event (a UID: its rule, its dates and its changed occurrences) in the period,
        counted before any is read, so a meeting with more than max_occurrences is rejected whole."""
        locator = f"{where} event {self.session.digest('event uid', str(series.uid))}"
        try:
            n = sum(1 for _ in islice(_lazy(series).between(first, last), self.cap + 1))
            if n == 0:
                return
            if n > self.cap:
                self.reject(locator, f"recurring meeting with more than max_occurrences ({self.cap:,}) occurrences "
                                     f"from {first:%Y-%m-%d} to {last:%Y-%m-%d}; read a shorter period (--from, "
                                     "--to) or raise max_occurrences")  # fmt: skip
                return
            occurrences = [o.as_component(False) for o in series.between(first, last)]
        except Exception as exc:  # the library raises many kinds on a rule or date it cannot expand
            self.reject(locator, f"cannot expand this recurring event ({type(exc).__name__}: {exc})")
            return
        for event in occurrences:
            self.occurrence(where, event)

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
        self.session.renew(key)
        organiser = _address(event.get("ORGANIZER"))
        attendees = event.get("ATTENDEE") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        if len(attendees) > self.max_attendees:  # the count is no personal data: in the reason
            self.reject(f"{where} event {self.session.digest('event uid', uid)} at {start:%Y-%m-%d %H:%M}",
                        f"more attendees than max_recipients ({self.max_attendees:,}): an event for a crowd, not a "
                        f"contact between people; {raise_hint('max_recipients')}")  # fmt: skip
            return
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
            "occurrences": "event occurrences read",
            "duplicates": "already counted (the same meeting in another export)",
            "cancelled": "cancelled", "all_day": "all-day entries (no meeting time) left out",
            "declined": "attendees who did not accept left out", "rooms": "rooms and resources left out",
            "broadcasts": "broadcasts (more participants than broadcast_size)", "alone": "with fewer than two people",
        }  # fmt: skip
        return [f"{c[k]:,} {words[k]}" for k in words if c[k]]


def ingest_calendar(store: Store, path: Path, settings: Settings, start: date | None = None,
                    end: date | None = None, progress: Progress | None = None) -> IngestReport:  # fmt: skip
    """Ingest meetings from an .ics file or a folder of .ics files; recurring events are expanded between
    ``start`` and ``end`` (default: from the first to the last event in the files, at least a year)."""
    path = Path(path)
    files = _ics_files(path)
    calendars = [_load(f) for f in files]

    def read(session: IngestSession) -> None:
        reader = _CalendarReader(store, settings, session)
        for f, cal in zip(files, calendars, strict=True):
            reader.screen(f.name, cal)
        first, last = _period(calendars, start, end)
        for i, (f, cal) in enumerate(zip(files, calendars, strict=True)):
            for found, problem in _series(f, cal):  # (a series, or the UID of one the library cannot make)
                if problem is None:
                    reader.series(f.name, found, first, last)
                else:
                    reader.reject(f"{f.name} event {reader.session.digest('event uid', str(found))}", problem)
            if progress:
                progress(i + 1, len(files))
        reader.buffer.flush()
        session.report.notes.extend(reader.notes())
        session.report.notes.append(f"recurring events expanded from {first:%Y-%m-%d} to {last:%Y-%m-%d}")
        session.on_commit(lambda: reader.edges.resolver.flush(store))

    return run_ingest(store, files, "calendar", read, label=path if path.is_dir() else None)
