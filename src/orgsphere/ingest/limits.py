"""The limits every reader keeps to, so that hostile input (a zip that inflates a thousandfold, a line of
100 MB, a message to two million recipients) ends in a reject or one clear error, never in a machine out of
memory or a traceback. Each limit is a setting; a breach names it and says how to raise it."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..settings import SETTINGS, ByteSize, Settings

__all__ = ["ReadLimits", "raise_hint", "line_too_long"]

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class ReadLimits:
    max_line_bytes: int
    max_header_bytes: int
    max_recipients: int
    zip_max_member_bytes: int
    zip_max_total_bytes: int
    zip_max_ratio: int
    zip_max_members: int

    @classmethod
    def of(cls, settings: Settings | None = None) -> ReadLimits:
        """The limits of ``settings``; without settings, their defaults."""
        values = settings.as_dict() if settings is not None else {s.name: s.default for s in SETTINGS}
        return cls(**{f.name: values[f.name] for f in fields(cls)})


def raise_hint(name: str) -> str:
    """How to raise the limit ``name``: its setting, option and environment variable."""
    setting = _BY_NAME[name]
    return f"raise {name} ({setting.option} or {setting.env}) if the input is trusted"


def line_too_long(limit: int) -> str:
    """The reason a line over ``max_line_bytes`` (``limit``) is rejected (the same for every such line, so
    they count together)."""
    return (f"line longer than max_line_bytes ({ByteSize(limit)}); skipped unread, the rest of the file is "
            f"read; {raise_hint('max_line_bytes')}")
