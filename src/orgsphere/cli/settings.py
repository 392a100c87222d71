"""The ``orgsphere settings`` command: every setting, its value and where the value came from, or the settings
table of the README (``--markdown``)."""

from __future__ import annotations

import click

from ..settings import SETTINGS, Setting, Settings
from .common import OWN_OPTIONS, command

__all__ = ["COMMANDS", "markdown_table"]


def _how_given(setting: Setting) -> str:
    """How a setting is given on the command line: its own option, else --setting NAME=…."""
    own = OWN_OPTIONS.get(setting.name)
    return own[0] if own else f"--setting {setting.name}=…"


def markdown_table() -> str:
    """The settings table of the README: setting, option, environment variable, default, meaning."""
    lines = ["| setting | option | environment | default | meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        default = ", ".join(s.default) if isinstance(s.default, tuple) else s.default
        shown = f"`{default}`" if default not in ("", (), {}, None) else ""
        lines.append(f"| `{s.name}` | `{_how_given(s)}` | `{s.env}` | {shown} | {s.help} |")
    return "\n".join(lines)


@command("settings")
@click.option("--markdown", is_flag=True, help="Print the settings table for the docs.")
def settings_cmd(settings: Settings, markdown: bool) -> None:
    """Show every setting, its value and where the value came from. Give one to any command with
    --setting NAME=VALUE, in orgsphere.toml (NAME = VALUE) or as environment variable ORGSPHERE_NAME."""
    if markdown:
        click.echo(markdown_table())
        return
    for s in SETTINGS:
        click.echo(f"{s.name:<24} {getattr(settings, s.name)!s:<40} ({settings.source(s.name)})")


COMMANDS = [settings_cmd]
