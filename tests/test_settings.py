from pathlib import Path

import pytest

import orgsphere
from orgsphere.errors import ConfigError
from orgsphere.settings import SETTINGS, load_settings

from .conftest import write

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults() -> None:
    s = load_settings(env={})
    assert s.min_group_size == 5
    assert s.lang == "en"
    assert s.internal_domains == ()
    assert s.source("min_group_size") == "default"


def test_precedence_file_env_cli(tmp_path: Path) -> None:
    config = write(tmp_path / "o.toml", 'min_group_size = 7\ninternal_domains = ["A.example", "b.example"]\n'
                   'lang = "nl"\nkey_file = "keys/k.key"\n')  # fmt: skip
    s = load_settings(config, env={"ORGSPHERE_MIN_GROUP_SIZE": "9"}, cli={"lang": "en"})
    assert s.min_group_size == 9 and s.source("min_group_size") == "env ORGSPHERE_MIN_GROUP_SIZE"
    assert s.lang == "en" and s.source("lang") == "command line"
    assert s.internal_domains == ("a.example", "b.example")
    # a relative path in the file is relative to the file, not to where the command runs
    assert s.key_file == (tmp_path / "keys" / "k.key").resolve()


def test_default_config_file_is_read_from_cwd(tmp_path: Path) -> None:
    write(tmp_path / "orgsphere.toml", "[orgsphere]\nmin_group_size = 11\n")
    assert load_settings(env={}).min_group_size == 11


def test_unknown_setting_suggests_the_right_one(tmp_path: Path) -> None:
    config = write(tmp_path / "o.toml", "min_groupsize = 3\n")
    with pytest.raises(ConfigError, match=r"unknown setting 'min_groupsize'.*Did you mean 'min_group_size'"):
        load_settings(config, env={})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("min_group_size", "0", "at least 1"),
        ("min_group_size", "five", "whole number"),
        ("lang", "de", "one of en, nl"),
        ("edge_columns", "source:from", "field=column"),
        ("edge_columns", "sender=from", "unknown field 'sender'"),
        ("keep_external_addresses", "maybe", "true or false"),
    ],
)
def test_bad_values_name_the_setting_and_where(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(env={f"ORGSPHERE_{name.upper()}": value})
    assert f"ORGSPHERE_{name.upper()}" in str(info.value) and name in str(info.value)


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_mapping_from_text_and_table(tmp_path: Path) -> None:
    assert load_settings(env={"ORGSPHERE_EDGE_COLUMNS": "src=from, dst=to"}).edge_columns == {"src": "from", "dst": "to"}
    config = write(tmp_path / "o.toml", 'edge_columns = {src = "a", ts = "Time"}\n')
    assert load_settings(config, env={}).edge_columns == {"src": "a", "ts": "Time"}


def test_open_takes_settings_as_keywords(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", internal_domains=["x.example"]) as ws:
        assert ws.settings.internal_domains == ("x.example",)


def test_every_setting_and_command_is_documented() -> None:
    from orgsphere.cli import cli

    text = README.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text, f"setting {setting.name} is not in the README"
        assert setting.env in text
    commands = [name for name in cli.commands if name != "ingest"] + [f"ingest {n}" for n in cli.commands["ingest"].commands]  # type: ignore[attr-defined]
    for name in commands:
        assert f"orgsphere {name}" in text, f"command 'orgsphere {name}' is not in the README"
