"""The README's own-organisation quickstart, run line by line against the templates in examples/own-organisation.

The commands are read from the README (the block between the quickstart markers), so a template, a command or
a column name that breaks fails here. `orgsphere` lines run through the command line in this process; `cp -r`
and `cd` are done here; anything else in the block is a failure until this test learns to run it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from pathlib import Path

import pytest

from .conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TEMPLATES = ROOT / "examples" / "own-organisation"
START = "<!-- quickstart: tests/test_quickstart.py runs every line of this block against the templates -->"
END = "<!-- /quickstart -->"


def quickstart_lines() -> list[str]:
    """The README's quickstart commands, without their comments."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index(START) + len(START) : text.index(END)]
    assert block.strip().startswith("```sh") and block.strip().endswith("```"), "the quickstart is one sh block"
    lines = []
    for line in block.strip().splitlines()[1:-1]:
        command = line.split("  #", 1)[0].strip()
        if command:
            lines.append(command)
    return lines


def test_the_quickstart_is_ten_lines_at_most() -> None:
    assert 4 <= len(quickstart_lines()) <= 10


def test_the_readme_starts_with_the_two_commands_and_stays_short() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.startswith(
        "# orgsphere\n\n```sh\n"
        "make demo     # fresh machine: installs everything from the lock file, then runs the demo to "
        "demo/report.html\n"
        "make test     # the checks (layers, ruff, mypy, the docs), then the test suite\n```\n"
    ), "CI and newcomers start from these two commands"
    assert len(text.encode("utf-8")) <= 14 * 1024, "the README links into docs/; put the detail there"


def test_the_quickstart_runs_against_the_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    # the key would otherwise go to the home folder resolved when orgsphere was imported
    monkeypatch.setenv("ORGSPHERE_KEY_FILE", str(tmp_path / "keys" / "pseudonym.key"))
    here = tmp_path
    monkeypatch.chdir(here)
    outputs: dict[str, str] = {}
    for line in quickstart_lines():
        for step in (part.strip() for part in line.split("&&")):
            words = shlex.split(step)
            if words[:2] == ["cp", "-r"] and len(words) == 4:
                assert words[2] == "examples/own-organisation", f"the quickstart copies {words[2]}"
                shutil.copytree(TEMPLATES, here / words[3])
            elif words[0] == "cd" and len(words) == 2:
                here = here / words[1]
                monkeypatch.chdir(here)
            elif words[0] == "orgsphere":
                args, redirect = words[1:], None
                if ">" in args:
                    args, redirect = args[: args.index(">")], args[args.index(">") + 1]
                code, out, err = run_cli(args, capsys)
                assert code == 0, f"{step!r} exited with {code}:\n{out}\n{err}"
                if redirect is not None:
                    (here / redirect).write_text(out, encoding="utf-8")
                outputs[" ".join(args)] = out + err
            else:
                pytest.fail(f"the quickstart runs {step!r}, which this test does not know how to run")

    # every template row is kept: a renamed column or a misspelt unit shows up as a reject here
    ingests = {k: v for k, v in outputs.items() if k.startswith("ingest ")}
    assert {k.split()[1] for k in ingests} == {"orgchart", "parties", "edges"}
    for name, out in ingests.items():
        assert " 0 rejected" in out, f"{name}: {out}"
    analysis = json.loads((here / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["data_check"]["errors"] == 0 and analysis["data_check"]["warnings"] == 0
    assert analysis["organisation"]["persons"] == 32 and analysis["organisation"]["root"] == "Acme"
    assert analysis["organisation"]["parties"]["customer"] == 2
    # every team is large enough to show its figures, so the template shows what a report holds
    assert analysis["suppressed_groups"] == 0
    assert {u["name"] for u in analysis["units"] if u["R"] is not None} == {
        "Sales North", "Sales South", "Customer Service", "ICT", "HR"
    }  # fmt: skip
    assert (here / "report.html").stat().st_size > 0
    assert (here / "results" / "sphere.csv").is_file()
    assert not os.path.exists(TEMPLATES / "acme.duckdb"), "the quickstart must not write into the templates"
