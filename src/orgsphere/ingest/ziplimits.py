"""Zip archives (a Slack export, an XLSX workbook, a DOCX document) read within limits.

Before its directory is read, a zip's end record tells how many files it holds (over ``zip_max_members``:
refused); then the sizes its directory declares are checked: all files together (over
``zip_max_total_bytes``: refused), each file (over ``zip_max_member_bytes``, or compressed more than
``zip_max_ratio`` times: that file is refused). A header can lie, so a file is unpacked as a stream and its
bytes counted: more than it declares, or than the limit, stops it at once. A refused file raises
:class:`MemberRefused`, an :class:`InputError` naming the archive, the file, the limit and the setting that
raises it; a reader that can do without the file rejects it and reads on.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from ..errors import InputError
from .limits import ReadLimits, raise_hint

__all__ = ["BoundedZip", "MemberRefused", "check_zip", "RATIO_FLOOR"]

RATIO_FLOOR = 1 << 20  # a file of at most this many bytes unpacked is harmless, however well it compressed
READ_BYTES = 1 << 20
_END = b"PK\x05\x06"  # end of central directory record
_END64_LOCATOR = b"PK\x06\x07"
_END64 = b"PK\x06\x06"


class MemberRefused(InputError):
    """A file inside a zip that breaks a limit or cannot be unpacked; ``reason`` says why, without the path."""

    def __init__(self, archive: Path, member: str, reason: str):
        super().__init__(f"{archive}: {member}: {reason}")
        self.member, self.reason = member, reason


def declared_members(path: Path) -> int | None:
    """How many files the zip's end record says it holds (zip64 too), or None where there is no end record
    (then :mod:`zipfile` says what is wrong)."""
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        tail_size = min(size, 22 + 0xFFFF + 20)  # the end record, its comment, and a zip64 locator before it
        fh.seek(size - tail_size)
        tail = fh.read(tail_size)
        at = tail.rfind(_END)
        if at < 0 or at + 22 > len(tail):
            return None
        total: int = struct.unpack("<H", tail[at + 10:at + 12])[0]
        locator = at - 20
        if total == 0xFFFF and locator >= 0 and tail[locator:locator + 4] == _END64_LOCATOR:
            (offset,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
            fh.seek(offset)
            record = fh.read(56)
            if record[:4] == _END64 and len(record) == 56:
                (total,) = struct.unpack("<Q", record[32:40])
        return total


class BoundedZip:
    """A zip archive opened within ``limits``; ``what`` names it in messages (e.g. "Slack export")."""

    def __init__(self, path: Path, limits: ReadLimits, what: str):
        self.path, self.limits, self.what = path, limits, what
        members = declared_members(path)
        if members is not None and members > limits.zip_max_members:
            raise InputError(f"{path}: the {what} holds {members:,} files, more than zip_max_members "
                             f"({limits.zip_max_members:,}); {raise_hint('zip_max_members')}.")  # fmt: skip
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise InputError(f"{path}: not a zip file ({exc}); expected a {what}.") from None
        self.infos = {i.filename: i for i in self.zip.infolist() if not i.is_dir()}
        total = sum(i.file_size for i in self.infos.values())
        if total > limits.zip_max_total_bytes:
            raise InputError(f"{path}: the files in this {what} unpack to {total:,} bytes, more than "
                             f"zip_max_total_bytes ({limits.zip_max_total_bytes}); "
                             f"{raise_hint('zip_max_total_bytes')}.")  # fmt: skip
        self.unpacked = 0  # bytes unpacked so far, counted

    def names(self) -> list[str]:
        return list(self.infos)

    def problem(self, name: str) -> str | None:
        """Why the file ``name`` is refused by what the directory declares, or None."""
        info = self.infos[name]
        limits = self.limits
        if info.file_size > limits.zip_max_member_bytes:
            return (f"unpacks to {info.file_size:,} bytes, more than zip_max_member_bytes "
                    f"({limits.zip_max_member_bytes}); {raise_hint('zip_max_member_bytes')}")  # fmt: skip
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.zip_max_ratio:
            return (f"compressed {ratio:,.0f} times ({info.compress_size:,} bytes unpacking to "
                    f"{info.file_size:,}), more than zip_max_ratio ({limits.zip_max_ratio}): a zip bomb; "
                    f"{raise_hint('zip_max_ratio')}")  # fmt: skip
        return None

    def read(self, name: str) -> bytearray:
        """The bytes of the file ``name``, unpacked as a stream and counted; :class:`MemberRefused` when it
        breaks a limit (declared or real) or cannot be unpacked."""
        if name not in self.infos:
            raise KeyError(name)
        problem = self.problem(name)
        if problem:
            raise MemberRefused(self.path, name, problem)
        info = self.infos[name]
        data = bytearray()
        try:
            with self.zip.open(info) as member:
                while block := member.read(READ_BYTES):
                    data += block
                    if len(data) > info.file_size or len(data) > self.limits.zip_max_member_bytes:
                        raise MemberRefused(self.path, name, f"holds more than the {info.file_size:,} bytes its "
                                            "header declares: a damaged or forged zip")  # fmt: skip
                    self._count(name, len(block))
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise MemberRefused(self.path, name, f"cannot be unpacked ({exc})") from None
        return data

    def _count(self, name: str, n: int) -> None:
        self.unpacked += n
        if self.unpacked > self.limits.zip_max_total_bytes:
            raise InputError(f"{self.path}: at {name}, the files of this {self.what} unpack to more than "
                             f"zip_max_total_bytes ({self.limits.zip_max_total_bytes}); "
                             f"{raise_hint('zip_max_total_bytes')}.")  # fmt: skip

    def close(self) -> None:
        self.zip.close()


def check_zip(path: Path, limits: ReadLimits, what: str) -> None:
    """Refuse a zip-based file (an XLSX, a DOCX) that breaks a limit, before a library unpacks it whole:
    one :class:`InputError` naming the file inside, the limit and the setting. (The library then unpacks no
    file past its declared size: :mod:`zipfile` stops at it, and a file that holds more fails its CRC.)"""
    archive = BoundedZip(path, limits, what)
    try:
        for name in archive.names():
            problem = archive.problem(name)
            if problem:
                raise InputError(f"{path}: {name} in this {what} {problem}.")
    finally:
        archive.close()
