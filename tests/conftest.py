"""Shared fixtures. Real third-party data lives in ../shared/data/real beside the repository: without it a
test that needs it is skipped with the reason shown, except under CI (CI=true), where that is a failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import orgsphere

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


def real_data(name: str) -> Path:
    folder = REAL / name
    if not folder.is_dir():
        message = f"real data {folder} is not here (it sits in ../shared beside a checkout of the workplace)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; under CI it must be present")
        pytest.skip(message)
    return folder


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[orgsphere.Workspace]:
    """A fresh store in a temporary folder, with its own key, and no config file or environment leaking in."""
    with orgsphere.open(tmp_path / "store.duckdb", key_file=str(tmp_path / "keys" / "test.key"),
                        bootstrap_samples=300) as workspace:  # fmt: skip
        yield workspace


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's orgsphere.toml, ORGSPHERE_* variables or home folder."""
    for name in list(os.environ):
        if name.startswith("ORGSPHERE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
