"""The Slack reader, on an export written here with the json and zipfile modules."""

import json
import zipfile
from pathlib import Path

import pytest

import orgsphere
from orgsphere.errors import InputError

from .conftest import write

ORG = "person,email,unit\nann,ann@acme.example,Sales\nbob,bob@acme.example,Sales\ncid,cid@acme.example,ICT\n"


def export(folder: Path) -> Path:
    files = {
        "users.json": [
            {"id": "U1", "name": "ann", "profile": {"email": "ann@acme.example"}},
            {"id": "U2", "name": "bob", "profile": {"email": "bob@acme.example"}},
            {"id": "U3", "name": "cid", "profile": {"email": "cid@acme.example"}},
            {"id": "UB", "name": "deploybot", "is_bot": True, "profile": {}},
        ],
        "channels.json": [{"id": "C1", "name": "general", "members": ["U1", "U2", "U3"]}],
        "dms.json": [{"id": "D1", "members": ["U1", "U3"]}],
        "general/2025-01-06.json": [
            {"type": "message", "user": "U1", "text": "secret plan", "ts": "1736150400.000100"},
            {"type": "message", "user": "U2", "text": "reply", "ts": "1736150460.000200",
             "thread_ts": "1736150400.000100"},
            {"type": "message", "subtype": "channel_join", "user": "U3", "ts": "1736150500.000300"},
            {"type": "message", "user": "UB", "text": "deployed", "ts": "1736150600.000400"},
        ],
        "D1/2025-01-07.json": [{"type": "message", "user": "U3", "text": "hi", "ts": "1736236800.000100"}],
    }
    for name, content in files.items():
        write(folder / name, json.dumps(content))
    return folder


def test_slack_folder_and_zip(tmp_path: Path) -> None:
    folder = export(tmp_path / "acme-export")
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        report = ws.ingest_slack(folder)
        rows = ws.store.query("SELECT src, dst, weight, channel, thread_id, strftime(ts, '%Y-%m-%d') AS day "
                              "FROM interactions ORDER BY ts, dst").to_pylist()  # fmt: skip
        pseudo = ws.store.pseudonymiser()
        ann, bob, cid = (pseudo.one(p) for p in ("ann", "bob", "cid"))
        # general: active members are ann and bob (cid only joined): each message goes to the other one
        assert [(r["src"], r["dst"], r["weight"], r["day"]) for r in rows] == [
            (ann, bob, 1.0, "2025-01-06"), (bob, ann, 1.0, "2025-01-06"), (cid, ann, 1.0, "2025-01-07"),
        ]  # fmt: skip
        assert rows[0]["thread_id"] == rows[1]["thread_id"] != rows[2]["thread_id"]
        assert report.rejected == 1 and ws.rejects()[0]["reason"].startswith("bot message")
        assert any("1 joins" in n for n in report.notes)
        assert "secret" not in str(ws.store.query("SELECT * FROM interactions").to_pylist())
        # the same export zipped (with its top folder, as Slack names it) adds nothing new
        with zipfile.ZipFile(tmp_path / "export.zip", "w") as zf:
            for p in folder.rglob("*.json"):
                zf.write(p, f"acme-export/{p.relative_to(folder).as_posix()}")
        again = ws.ingest_slack(tmp_path / "export.zip")
        assert again.kept == 0 and any("already in the store" in n for n in again.notes)


def test_not_a_slack_export(tmp_path: Path) -> None:
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k") as ws:
        ws.ingest_orgchart(write(tmp_path / "org.csv", ORG))
        with pytest.raises(InputError, match="no users.json"):
            (tmp_path / "empty").mkdir()
            ws.ingest_slack(tmp_path / "empty")
        with pytest.raises(InputError, match="not a zip file"):
            ws.ingest_slack(write(tmp_path / "x.zip", "nope"))
        bad = export(tmp_path / "bad")
        write(bad / "general" / "2025-01-08.json", "{broken")
        with pytest.raises(InputError, match="2025-01-08.json is not valid JSON"):
            ws.ingest_slack(bad)
        assert ws.store.counts()["interactions"] == 0
