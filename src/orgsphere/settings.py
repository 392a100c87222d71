"""Resolved settings: :class:`Settings`, a frozen dataclass with one typed field per declared setting, and
:func:`load_settings`, which resolves them.

The settings are declared once, in :data:`orgsphere.settings_list.SETTINGS`; their fields are generated from that
list into :mod:`orgsphere.settings_fields` (so that mypy sees them: ``settings.min_grup_size`` is an error) by
``python -m orgsphere.settings --generate``. Precedence, highest first: command line (``--setting NAME=VALUE``
or code), environment variable, config file, default.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .settings_fields import SettingsFields
from .settings_list import BY_NAME, DEFAULT_CONFIG_FILE, ENV_PREFIX, SETTINGS, Setting
from .settings_values import EDGE_FIELDS, ByteSize

__all__ = ["Setting", "SETTINGS", "Settings", "load_settings", "lookup", "close_names", "generate_fields_source",
           "ENV_PREFIX", "DEFAULT_CONFIG_FILE", "EDGE_FIELDS", "ByteSize"]

FIELDS_MODULE = Path(__file__).with_name("settings_fields.py")
GENERATE_COMMAND = "python -m orgsphere.settings --generate"


@dataclass(frozen=True)
class Settings(SettingsFields):
    """Effective settings, one typed field per setting, with where each value came from (for the processing
    statement)."""

    _sources: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def source(self, name: str) -> str:
        """Where the value of setting ``name`` came from: default, file ..., env ..., command line or code."""
        return self._sources.get(name, "default")

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (setting = value, parsed and checked as any value is) from code."""
        values, sources = {}, dict(self._sources)
        for name, value in changes.items():
            setting = lookup(name, "Settings.replace")
            values[name] = setting.convert(value, "Settings.replace")
            sources[name] = "code"
        return dataclasses.replace(self, _sources=sources, **values)

    def as_dict(self) -> dict[str, Any]:
        """Every setting's value by name."""
        return {s.name: getattr(self, s.name) for s in SETTINGS}


def close_names(name: str, n: int = 3) -> list[str]:
    """The names of settings closest to ``name`` (for a "did you mean")."""
    return difflib.get_close_matches(name, list(BY_NAME), n=n)


def lookup(name: str, where: str) -> Setting:
    """The setting called ``name``; an unknown name is a ConfigError that names the closest one."""
    if name in BY_NAME:
        return BY_NAME[name]
    close = close_names(name, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ConfigError(f"{where}: unknown setting {name!r}.{hint} Known settings: {', '.join(BY_NAME)}.")


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file or pass another --config.") from None
    nested = data.pop("orgsphere", None)
    if isinstance(nested, dict):
        data.update(nested)
    return data


def load_settings(
    config: str | os.PathLike[str] | None = None,
    cli: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting from defaults, ``orgsphere.toml``, ``ORGSPHERE_*`` variables and command-line values
    (``cli``: setting name to value as written).

    ``config`` names the TOML file; without it ``./orgsphere.toml`` is read when it exists.
    """
    env = os.environ if env is None else env
    values = {s.name: s.default for s in SETTINGS}
    sources = {s.name: "default" for s in SETTINGS}
    path = Path(config) if config is not None else Path(DEFAULT_CONFIG_FILE)
    if config is not None and not path.is_file():
        raise ConfigError(f"{path}: config file not found; create it or leave out --config.")
    if path.is_file():
        for name, raw in _read_config(path).items():
            setting = lookup(name, str(path))
            values[name] = setting.convert(raw, f"{path}")
            sources[name] = f"file {path}"
            if setting.kind == "path" and values[name] is not None and not values[name].is_absolute():
                values[name] = (path.parent / values[name]).resolve()
    for setting in SETTINGS:
        if setting.env in env:
            values[setting.name] = setting.convert(env[setting.env], f"environment variable {setting.env}")
            sources[setting.name] = f"env {setting.env}"
    for name, raw in (cli or {}).items():
        if raw is None or raw == ():
            continue
        setting = lookup(name, "command line")
        values[name] = setting.convert(raw, f"option {setting.option}")
        sources[name] = "command line"
    return Settings(_sources=sources, **values)


def _type_of(setting: Setting) -> str:
    """The type of a setting's value, as written in source: its parser's return annotation."""
    annotation = setting.parse.__annotations__.get("return")
    if not isinstance(annotation, str) or not annotation:
        raise TypeError(f"setting {setting.name!r}: its parser {setting.parse!r} has no return annotation")
    return annotation


def generate_fields_source() -> str:
    """The source of :mod:`orgsphere.settings_fields`: one typed field per setting of :data:`SETTINGS`."""
    lines = [
        f'"""Generated by `{GENERATE_COMMAND}` from SETTINGS in orgsphere/settings_list.py: do not edit.',
        "",
        "The typed fields of :class:`orgsphere.settings.Settings`, one per declared setting, so that mypy knows",
        'them; a test fails when SETTINGS changes and this file was not generated again."""',
        "",
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass, field",
        "from functools import partial",
        "from pathlib import Path",
        "",
        "from .settings_list import default_of",
        "from .settings_values import ByteSize",
        "",
        '__all__ = ["SettingsFields"]',
        "",
        "",
        "@dataclass(frozen=True)",
        "class SettingsFields:",
        '    """One field per setting: its value, of the type its parser returns, defaulting to its default."""',
        "",
    ]
    for setting in SETTINGS:
        lines.append(f'    {setting.name}: {_type_of(setting)} = field(default_factory=partial(default_of, '
                     f'"{setting.name}"))')  # fmt: skip
    lines.append("")
    return "\n".join(lines)


def _main(argv: list[str]) -> int:
    """``--generate``: write settings_fields.py; ``--check``: exit 1 when it is not the generated one."""
    source = generate_fields_source()
    if argv == ["--generate"]:
        FIELDS_MODULE.write_text(source, encoding="utf-8")
        print(f"wrote {FIELDS_MODULE}")
        return 0
    if argv == ["--check"]:
        current = FIELDS_MODULE.read_text(encoding="utf-8") if FIELDS_MODULE.exists() else ""
        print("up to date" if current == source else f"out of date: run {GENERATE_COMMAND}")
        return 0 if current == source else 1
    print(f"usage: {GENERATE_COMMAND} | --check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
