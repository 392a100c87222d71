"""The command line stays readable: short help for the root group and every command, settings given with
--setting NAME=VALUE (an unknown name suggests the closest), the command tree as modules without cycles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from orgsphere.cli import cli, main

ROOT_LIMIT = 40  # lines of `orgsphere --help`
COMMAND_LIMIT = 60  # lines of the help of any command or group


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def _help_lines(args: list[str]) -> int:
    result = CliRunner().invoke(cli, [*args, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return len(result.output.splitlines())


def test_root_help_is_short() -> None:
    assert _help_lines([]) <= ROOT_LIMIT


@pytest.mark.parametrize("path", list(_commands(cli)), ids=" ".join)
def test_every_command_help_is_short(path: tuple[str, ...]) -> None:
    assert _help_lines(list(path)) <= COMMAND_LIMIT, f"orgsphere {' '.join(path)} --help is too long"


def test_the_walk_sees_every_command() -> None:
    paths = {" ".join(p) for p in _commands(cli)}
    assert {"analyse", "report", "ingest", "ingest mail", "ingest documents", "roles evaluate", "settings"} <= paths


def test_setting_takes_name_equals_value(capsys: pytest.CaptureFixture[str]) -> None:
    main(["settings", "--setting", "min_group_size=9", "--setting", "internal-domains=a.example,b.example"])
    out = capsys.readouterr().out
    assert any(line.startswith("min_group_size ") and "9" in line and "(command line)" in line
               for line in out.splitlines())  # fmt: skip
    assert "('a.example', 'b.example')" in out


def test_command_setting_wins_over_root_setting(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--setting", "seed=1", "--setting", "lang=nl", "settings", "--setting", "seed=2"])
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["seed"].split()[1] == "2" and lines["lang"].split()[1] == "nl"


def test_unknown_setting_is_a_usage_error_naming_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["settings", "--setting", "min_grup_size=3"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "unknown setting 'min_grup_size'" in err and "min_group_size" in err


def test_setting_without_a_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["settings", "--setting", "min_group_size"])
    assert info.value.code == 2 and "NAME=VALUE" in capsys.readouterr().err


def test_environment_and_config_still_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    config = tmp_path / "o.toml"
    config.write_text("min_group_size = 7\nseed = 3\n", encoding="utf-8")
    monkeypatch.setenv("ORGSPHERE_SEED", "4")
    main(["--config", str(config), "settings", "--setting", "min_group_size=8"])
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "8" in lines["min_group_size"] and "(command line)" in lines["min_group_size"]
    assert lines["seed"].split()[1] == "4" and "ORGSPHERE_SEED" in lines["seed"]
