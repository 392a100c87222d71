"""The parsers of setting values: text, whole numbers, sizes in bytes, true/false, lists, paths, tables, shares
and choices. Each turns a value as written (in orgsphere.toml, an environment variable or ``--setting``) into
its Python value, or raises ValueError saying what was expected; its return annotation is the setting's type."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["ByteSize", "EDGE_FIELDS", "as_str", "as_int", "as_bytes", "as_bool", "as_list", "as_path",
           "as_required_path", "as_mapping", "as_conf", "as_share", "positive", "not_negative", "choice"]

EDGE_FIELDS = ("src", "dst", "ts", "channel", "weight", "thread", "subject")  # the fields an edge list can map


def as_str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__} {value!r}")
    return value


def as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, found {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(f"expected a whole number, found {value!r}")


class ByteSize(int):
    """A number of bytes that shows itself in the largest binary unit it fills whole: 536870912 is 512 MiB."""

    UNITS = (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10))

    def __str__(self) -> str:
        for unit, size in self.UNITS:
            if self >= size and self % size == 0:
                return f"{self // size:,} {unit}"
        return f"{int(self):,} bytes"

    __repr__ = __str__


_BYTE_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3,
               "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}  # fmt: skip


def as_bytes(value: Any) -> ByteSize:
    """A size in bytes: a whole number, or one with a unit (512MiB, 4 GiB, 1MB; KiB, MiB, GiB are 1024-based)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return ByteSize(value)
    text = str(value).strip().lower().replace(",", "").replace("_", "")
    number = text.rstrip("kmgib ")
    unit = text[len(number):].strip()
    if not number.isdigit() or unit not in _BYTE_UNITS:
        raise ValueError(f"expected a size in bytes such as 1048576, 512MiB or 4GiB, found {value!r}")
    return ByteSize(int(number) * _BYTE_UNITS[unit])


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, found {value!r}")


def as_list(value: Any) -> tuple[str, ...]:
    """A list of domains or names: a TOML array, or text separated by commas."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, (list, tuple)):
        items = [as_str(v).strip() for v in value]
    else:
        raise ValueError(f"expected a list of text, found {value!r}")
    return tuple(v.lower() for v in items if v)


def as_path(value: Any) -> Path | None:
    if value is None or value == "":
        return None
    return Path(os.path.expanduser(as_str(value)))


def as_required_path(value: Any) -> Path:
    """A path that must be given (the store, the key): empty is an error, not "none"."""
    path = as_path(value)
    if path is None:
        raise ValueError("expected a path, found nothing")
    return path


def as_mapping(value: Any) -> dict[str, str]:
    """A column mapping: a TOML table ``{src = "from"}`` or text ``src=from,dst=to``."""
    if isinstance(value, str):
        pairs: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            if "=" not in part:
                raise ValueError(f"expected field=column pairs separated by commas, found {part!r}")
            key, _, column = part.partition("=")
            pairs[key.strip()] = column.strip()
        value = pairs
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of field = column, found {value!r}")
    out = {}
    for key, column in value.items():
        if key not in EDGE_FIELDS:
            raise ValueError(f"unknown field {key!r}; the fields are {', '.join(EDGE_FIELDS)}")
        out[key] = as_str(column)
    return out


def as_conf(value: Any) -> dict[str, str]:
    """Engine configuration: a TOML table ``{"spark.executor.memory" = "8g"}`` or text ``key=value,key=value``."""
    if isinstance(value, str):
        pairs: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            key, _, item = part.partition("=")
            pairs[key] = item
        value = pairs
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of key = value, found {value!r}")
    out = {}
    for key, item in value.items():
        if item is None or str(item).strip() == "":
            raise ValueError(f"expected key=value pairs separated by commas, found {key!r} without a value")
        out[str(key).strip()] = str(item).strip().lower() if isinstance(item, bool) else str(item).strip()
    return out


def as_share(value: Any) -> float:
    """A share between 0 and 1, written as 0.25 or 25%."""
    if isinstance(value, bool):
        raise ValueError(f"expected a share between 0 and 1, found {value!r}")
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"expected a share between 0 and 1 (0.25 or 25%), found {value!r}") from None
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"expected a share between 0 and 1 (0.25 or 25%), found {value!r}")
    return share


def positive(value: int) -> int:
    if value < 1:
        raise ValueError(f"expected a number of at least 1, found {value}")
    return value


def not_negative(value: int) -> int:
    if value < 0:
        raise ValueError(f"expected a number of at least 0, found {value}")
    return value


def choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = as_str(value).strip().lower()
        if text not in options:
            raise ValueError(f"expected one of {', '.join(options)}, found {value!r}")
        return text

    parse.__name__ = "one of " + "|".join(options)
    return parse
