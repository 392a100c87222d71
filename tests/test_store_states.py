"""Every command that reads the store, on every state a store can be in short of a full one: it does its work or
says in one line what is missing, with its exit code; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_cli, write

ORG = "person,unit,parent,kind\n" + "".join(f"p{i},{'Sales' if i < 6 else 'ICT'},Acme,{'line' if i < 6 else 'staff'}\n"
                                           for i in range(12))  # fmt: skip

# state -> (the line every read command that finds no store, or the data check, prints; its exit code; what the
# report's data check says)
STATES = {
    "no store": ("no store here. Ingest an org chart first", 1, ""),
    "empty store": ("the store has no org chart", 4, "There is no org chart."),  # (its first ingest failed)
    "org chart only": ("the store holds no interactions", 4, "There are no interactions: nothing to analyse."),
    "every interaction rejected": ("its last ingest failed", 4, "failed: 2 rows rejected, nothing kept."),
}
READERS = ["status", "status --json", "check", "check --json", "analyse", "analyse --json", "report", "export",
           "rejects", "publish", "audit-language"]  # fmt: skip


def make(state: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """A store in ``state``; the options that point a command at it."""
    options = ["--store", str(folder / "store.duckdb"), "--key-file", str(folder / "key"),
               "--setting", "bootstrap_samples=50", "--setting", "null_samples=5"]  # fmt: skip
    if state == "empty store":  # a first ingest that failed: the store exists, with nothing in it
        code, _, err = run_cli(
            ["ingest", "orgchart", str(write(folder / "bad.csv", "person,unit\n,\n")), *options], capsys
        )
        assert code in (1, 3), err
    if state in ("org chart only", "every interaction rejected"):
        assert run_cli(["ingest", "orgchart", str(write(folder / "org.csv", ORG)), *options], capsys)[0] == 0
    if state == "every interaction rejected":
        stranger = write(folder / "e.csv", "src,dst\nx1,x2\nx3,x4\n")
        code, out, err = run_cli(["ingest", "edges", str(stranger), *options], capsys)
        assert code == 3 and "FAILED" in out, err
    return options


@pytest.mark.parametrize("state", list(STATES))
def test_every_read_command_on_every_store_state(
    state: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = make(state, tmp_path, capsys)
    line, code, in_report = STATES[state]
    for command in READERS:
        args = command.split() + options + (
            ["--out", str(tmp_path / "out" / command)] if command in ("report", "export") else []
        )
        got, out, err = run_cli(args, capsys)
        assert "Traceback" not in out + err, (command, err)
        if state == "no store":
            assert got == 1 and err.startswith("error: ") and line in err and err.count("\n") == 1, (command, err)
        elif command in ("status", "status --json", "rejects", "publish"):  # they list what there is
            assert got == 0, (command, err)
        elif command == "audit-language":  # no texts to audit: a usage error naming what to ingest
            assert got == 2 and "holds no documents or ticket texts" in err, (command, err)
        else:
            assert got == code and line in out + err, (command, got, out[-300:], err)
            if command in ("report", "export"):  # first which analysis the figures are (kept, or run now)
                said, _, err = err.partition("\n")
                assert said.startswith(("using the analysis of ", "no analysis kept beside the store yet")), said
            if not command.endswith("--json") and command != "check":
                assert err.startswith("data check: ") and err.count("\n") == 1, (command, err)  # the one line
    if state != "no store":
        assert (tmp_path / "out" / "report").is_file()  # the report is written, and opens with the data check
        assert in_report in (tmp_path / "out" / "report").read_text(encoding="utf-8")


def test_interactions_without_an_org_chart_are_refused_at_ingest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # fmt: skip
    code, _, err = run_cli(["ingest", "edges", str(write(tmp_path / "e.csv", "src,dst\na,b\n")), "--store",
                            str(tmp_path / "s.duckdb"), "--key-file", str(tmp_path / "key")], capsys)  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "no org chart yet" in err and "ingest orgchart" in err
