"""What the command modules share: the settings plumbing (``--setting NAME=VALUE``, ``--config`` and the few
settings with an option of their own), the command decorator, JSON output, progress bars, the ``--map`` and
``--replace`` options, the data check after the figures, and warnings as one line."""

from __future__ import annotations

import functools
import json
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..errors import OrgsphereWarning
from ..health import Health
from ..settings import SETTINGS, Settings, close_names, load_settings

__all__ = ["command", "root_options", "setting_option", "json_option", "replace_option", "map_option", "echo_json",
           "progress", "data_check", "warnings_as_lines", "root_settings", "OWN_OPTIONS", "STORE"]

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

# The few settings common enough for an option of their own (every other one: --setting NAME=VALUE).
OWN_OPTIONS: dict[str, tuple[str, str]] = {
    "store": ("--store", "PATH"),
    "key_file": ("--key-file", "PATH"),
    "lang": ("--lang", "en|nl"),
}
STORE = ("store", "key_file")  # the own options of a command that opens the store
_BY_NAME = {s.name: s for s in SETTINGS}


def _parse_settings(_ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """``--setting NAME=VALUE`` (repeatable) as a dict; an unknown NAME is a usage error naming the closest."""
    given: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE, e.g. min_group_size=10", param=param)
        if name not in _BY_NAME:
            close = close_names(name)
            names = ", ".join(close[:-1]) + " or " + close[-1] if len(close) > 1 else "".join(close)
            hint = f"; did you mean {names}?" if close else ""
            raise click.BadParameter(f"unknown setting {name!r}{hint} (orgsphere settings lists them all)",
                                     param=param)  # fmt: skip
        given[name] = value
    return given


setting_option = click.option(
    "--setting", "setting_values", multiple=True, metavar="NAME=VALUE", callback=_parse_settings,
    help="Any setting (orgsphere settings lists them); repeat for more. Wins over ORGSPHERE_* and the config file.",
)
_config_option = click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
                              help="Settings file (default: ./orgsphere.toml when present).")  # fmt: skip


def _own_option(name: str) -> Decorator:
    flag, metavar = OWN_OPTIONS[name]
    return click.option(flag, name, default=None, metavar=metavar, help=_BY_NAME[name].help)


def root_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The settings options of the root group: --config, --setting and the store's own options."""
    for name in reversed(STORE):
        func = _own_option(name)(func)
    return _config_option(setting_option(func))


def _given(kwargs: dict[str, Any], own: tuple[str, ...]) -> dict[str, Any]:
    """Pop this command's setting values from ``kwargs``: --setting's, then the own options' (which win)."""
    given = dict(kwargs.pop("setting_values", None) or {})
    for name in own:
        value = kwargs.pop(name, None)
        if value is not None:
            given[name] = value
    return given


def _settings_from(ctx: click.Context, kwargs: dict[str, Any], own: tuple[str, ...]) -> Settings:
    """Merge the group's and the command's setting values (the command's win) and resolve every setting."""
    obj = ctx.find_root().obj or {}
    config = kwargs.pop("config", None) or obj.get("config")
    return load_settings(config, cli={**obj.get("settings", {}), **_given(kwargs, own)})


def command(name: str, own: tuple[str, ...] = STORE, group: click.Group | None = None) -> Decorator:
    """A command (of ``group``, else to be added to one) with --config, --setting and the own options ``own``,
    handed a resolved ``settings`` argument."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        @click.pass_context
        def run(ctx: click.Context, **kwargs: Any) -> Any:
            settings = _settings_from(ctx, kwargs, own)
            return func(settings=settings, **kwargs)

        decorated: Callable[..., Any] = run
        for option in reversed(own):
            decorated = _own_option(option)(decorated)
        make = group.command(name) if group is not None else click.command(name)
        return make(_config_option(setting_option(decorated)))

    return decorate


def root_settings(debug: bool, config: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The root group's context object: --debug, --config and its setting values."""
    return {"debug": debug, "config": config, "settings": _given(kwargs, STORE)}


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long work (shown only on a terminal)."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    bar: Any = None
    last = [0]

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr, show_eta=True)
            bar.__enter__()
        bar.update(max(0, done - last[0]))
        last[0] = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _mapping(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: expected FIELD=COLUMN, e.g. src=sender", param_hint="--map")
        field, _, column = item.partition("=")
        out[field.strip()] = column.strip()
    return out


def map_option(fields: str) -> Decorator:
    """The --map FIELD=COLUMN option of a reader with these fields, handed on as a dict."""
    return click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN", callback=_mapping,
                        help=f"Column of a field: {fields}. Repeat for each field.")  # fmt: skip


json_option = click.option(
    "--json", "as_json", is_flag=True,
    help="Print the result as JSON on stdout (the same facts as the text), for scripts and notebooks.",
)
replace_option = click.option(
    "--replace", is_flag=True,
    help="Read a file whose bytes were ingested before again; its rows replace the earlier ones.",
)


def _json_value(value: Any) -> Any:
    """What :func:`json.dumps` cannot write itself: dates and times as ISO strings, paths as text."""
    if isinstance(value, date):  # (a datetime is a date)
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def echo_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout (strict: NaN is refused; the library's to_dict methods give null)."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False, default=_json_value))


def data_check(health: Health | None) -> None:
    """After the figures (analyse, report, export, changes): the data check's line on stderr when it found
    something, and exit code 4 when it found an error (the figures were written, but they should not be believed
    as they are). None: no check (an analysis of the published warehouse, without the store)."""
    if health is not None and (health.errors or health.warnings):
        click.echo(health.line(), err=True)
        if health.exit_code:
            sys.exit(health.exit_code)


@contextmanager
def warnings_as_lines() -> Iterator[None]:
    """Within this block, each of orgsphere's own warnings is one ``warning:`` line on stderr, once per command
    (the key is read more than once); other warnings as Python shows them."""
    shown: set[str] = set()
    python_show = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, OrgsphereWarning):
            python_show(message, category, *args, **kwargs)
        elif str(message) not in shown:
            shown.add(str(message))
            click.echo(f"warning: {message}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", OrgsphereWarning)
        warnings.showwarning = show
        yield
