"""Privacy by design: the pseudonymisation key, keyed hashing of identities, and the minimum group size.

- Persons (and individually declared outside parties) are replaced on the way in by an HMAC-SHA256 of their
  normalised identifier, under a key kept in a file outside the store. The key is created on first use and
  never replaced; the store keeps only a fingerprint of it, so a store opened with another key is refused.
- Every other identifier read from a source (a Message-ID, a ticket number, an event UID, a thread, the path
  of the source file) is stored as a keyed digest of it (:meth:`Pseudonymiser.digest`), so that nobody with
  the store but without the key can confirm which message, ticket or file a row stands for.
- External addresses that nobody declared are reduced to their domain.
- A rejected value is described by its kind (:func:`value_kind`: "an address", "a number"), never stored.
- :func:`suppress_small_groups` is the one place where the minimum group size is enforced; every table that
  leaves the library (API, report, export) passes through it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import warnings
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .errors import OrgsphereWarning, StoreError

__all__ = [
    "load_or_create_key",
    "key_fingerprint",
    "Pseudonymiser",
    "normalise_identity",
    "domain_of",
    "suppress_small_groups",
    "PSEUDONYM_HEX_CHARS",
    "ID_HEX_CHARS",
    "value_kind",
]

PSEUDONYM_HEX_CHARS = 20  # 80 bits: no collision to expect at 10^6 persons
ID_HEX_CHARS = 16  # 64 bits: a collision among 10^8 messages or tickets is a chance of 1 in 3,700
_KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """Read the key at ``path``; create it (mode 0600) when no file is there. Never overwrites a key."""
    path = Path(path).expanduser()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it a moment ago: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(_KEY_BYTES) + "\n")
    _warn_if_open(path)
    try:
        text = path.read_text().strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError) as exc:
        raise StoreError(
            f"{path}: cannot read the pseudonymisation key ({exc}); expected {2 * _KEY_BYTES} hex characters. "
            "Restore the key file from your backup, or point key_file at the right one."
        ) from None
    if len(key) < 16:
        raise StoreError(
            f"{path}: the pseudonymisation key is {len(key)} bytes, expected at least 16. "
            "Restore the key file from your backup."
        )
    return key


def _warn_if_open(path: Path) -> None:
    """Warn (not refuse: the key is needed to go on) when users other than the owner may read or change the
    key: with it anyone who has the store can re-identify the persons in it."""
    if os.name != "posix":
        return  # (permission bits mean nothing elsewhere)
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return  # (reading it says what is wrong)
    if mode & 0o077:
        who = " and ".join(w for bits, w in ((0o070, "its group"), (0o007, "every user")) if mode & bits)
        warnings.warn(OrgsphereWarning(
            f"{path}: the pseudonymisation key is open to {who} (mode {mode:03o}); whoever reads it can "
            f"re-identify the persons in the store. Make it yours alone: chmod 600 {path}"
        ), stacklevel=3)  # fmt: skip


def key_fingerprint(key: bytes) -> str:
    """A public fingerprint of the key, stored in the store to detect a different key."""
    return hmac.new(key, b"orgsphere key fingerprint v1", hashlib.sha256).hexdigest()[:16]


def normalise_identity(value: str) -> str:
    """Identifiers compare case-insensitively and without surrounding blanks, mailto: prefixes or a display
    name (``Piet Jansen <piet@example.nl>`` is ``piet@example.nl``)."""
    text = value.strip().lower()
    if text.endswith(">") and "<" in text:
        inside = text[text.rindex("<") + 1 : -1]
        if "@" in inside and "@" not in text[: text.rindex("<")]:
            text = inside
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip("<> ")


def domain_of(value: str) -> str | None:
    """The domain of an email address, or None when ``value`` is not an address."""
    text = normalise_identity(value)
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain:
        return None
    return domain


class _HmacSha256:
    """HMAC-SHA256 (RFC 2104) under one key, the same digest as :func:`hmac.new`, at half its cost per
    message: the key's inner and outer pads are hashed once and their states copied per message, where
    ``hmac.new`` pads and hashes the key again each time (millions of thread ids and Message-IDs per ingest).
    ``prefix`` is hashed once too: the message is ``prefix`` followed by the bytes given."""

    _BLOCK = 64  # SHA-256's block size in bytes

    def __init__(self, key: bytes, prefix: bytes = b""):
        if len(key) > self._BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(self._BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + prefix)
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


class Pseudonymiser:
    """Keyed hashing of identities, with a cache (organisations repeat the same people millions of times)."""

    def __init__(self, key: bytes):
        self._key = key
        self._cache: dict[str, str] = {}
        self._hmac = _HmacSha256(key)
        self._kinds: dict[str, _HmacSha256] = {}  # kind of identifier -> HMAC with its prefix hashed

    def one(self, identity: str) -> str:
        norm = normalise_identity(identity)
        hit = self._cache.get(norm)
        if hit is None:
            hit = self._cache[norm] = self._hmac.hexdigest(norm.encode("utf-8"))[:PSEUDONYM_HEX_CHARS]
        return hit

    def array(self, values: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Pseudonymise a string array; each distinct value is hashed once. Nulls stay null."""
        return _each_distinct(self.one, values)

    def digest(self, kind: str, value: str) -> str:
        """The keyed id of an identifier of ``kind`` (``"message-id"``, ``"ticket"``, ``"event"``, ...) read from
        a source: HMAC-SHA256 under the store's key of the kind and the value as given (the reader normalises
        it), :data:`ID_HEX_CHARS` hex characters. Kinds keep apart equal text meaning different things; no
        cache, as such ids rarely repeat."""
        keyed = self._kinds.get(kind)
        if keyed is None:
            prefix = f"orgsphere id v1\x1f{kind}\x1f".encode("utf-8", "replace")
            keyed = self._kinds[kind] = _HmacSha256(self._key, prefix)
        return keyed.hexdigest(value.encode("utf-8", "replace"))[:ID_HEX_CHARS]

    def digests(self, kind: str, values: pa.Array | pa.ChunkedArray) -> pa.Array:
        """:meth:`digest` of each value of a string array; each distinct value is hashed once. Nulls stay null."""
        return _each_distinct(lambda v: self.digest(kind, v), values)


def _each_distinct(function: Callable[[str], str], values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``function`` of each value of a string array, called once per distinct value. Nulls stay null."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values.cast(pa.string()))
    dictionary = pa.array([function(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(dictionary, encoded.indices)


_ADDRESS = re.compile(r"[^\s@<>;,:\"']+@[^\s@<>;,:\"']+")
_DATE_LIKE = re.compile(r"[0-9]{1,4}([-/. :T][0-9]{1,4})+[a-z ]*|[0-9]{1,2} ?[a-z]{3,9}\.? ?[0-9]{2,4}", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?[0-9]+([.,][0-9]+)?([eE][-+]?[0-9]+)?")


def value_kind(value: object) -> str | None:
    """What kind of value a rejected field held, said without the value itself (it may be an address, a
    name or worse): "an address", "text with an address", "a date-like text", "a number", "text of N
    characters". None for no value."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return "empty text" if str(value) else None
    if _ADDRESS.search(text):
        if _ADDRESS.fullmatch(normalise_identity(text)):
            return "an address"
        return f"text with an address ({len(text)} characters)"
    if _NUMBER.fullmatch(text):
        return "a number"
    if _DATE_LIKE.fullmatch(text):
        return f"a date-like text ({len(text)} characters)"
    return f"text of {len(text)} characters"


def suppress_small_groups(table: pa.Table, size_column: str, min_size: int, also: pa.Array | None = None) -> pa.Table:
    """Blank every measure of rows whose group has fewer than ``min_size`` members (and of the rows ``also``
    marks: those complementary suppression hides, :mod:`orgsphere.disclosure`).

    The row stays (so the reader sees that a group exists and why it shows no figures) with
    ``suppressed = true``; identifying columns (those named in ``table.schema.metadata[b"keys"]``,
    comma-separated) are kept, all other columns, the size among them, become null.
    """
    meta = table.schema.metadata or {}
    if meta.get(b"min_group_size") == str(min_size).encode() and "suppressed" in table.column_names:
        return table  # already applied with this size: nothing to do twice
    keys = set(meta.get(b"keys", b"").decode().split(","))
    sizes = table.column(size_column)
    small = pc.fill_null(pc.less(sizes, min_size), True)
    if also is not None:
        small = pc.or_(small, also)
    columns, names = [], []
    for name in table.column_names:
        column = table.column(name)
        if name not in keys and name != "suppressed":
            column = pc.if_else(small, pa.scalar(None, column.type), column)
        columns.append(column)
        names.append(name)
    if "suppressed" in names:
        idx = names.index("suppressed")
        columns[idx] = pc.or_(table.column("suppressed"), small)
    else:
        columns.append(small)
        names.append("suppressed")
    out = pa.table(columns, names=names)
    return out.replace_schema_metadata({**(table.schema.metadata or {}), b"min_group_size": str(min_size).encode()})
