"""Every tabular reader, and the Slack reader, on arbitrary bytes: rows kept or rejected, or one clear error."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orgsphere
from orgsphere.errors import IngestFailedError, InputError

from .conftest import write

HEADERS = {
    "tickets": b"Number,Caller,Assignment group,Opened\n",
    "crm": b"Owner,Account,Type,Date\n",
    "viva": b"PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate\n",
    "edges": b"src,dst,ts\n",
}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(HEADERS)), st.binary(max_size=300))
def test_tabular_readers_never_crash(tmp_path_factory: pytest.TempPathFactory, reader: str, data: bytes) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k") as ws:
        ws.ingest_orgchart(write(tmp / "org.csv", "person,unit\nann,Sales\nbob,ICT\n"))
        before = ws.store.counts()
        path = tmp / "in.csv"
        path.write_bytes(HEADERS[reader] + b"ann,bob,2025-01-01,x\n" + data)
        try:
            report = getattr(ws, f"ingest_{reader}")(path)
        except IngestFailedError as failed:  # kept too little: only its rejects are written, nothing recorded
            after = ws.store.counts()
            assert after["rejects"] == failed.report.rejected  # type: ignore[attr-defined]
            assert {**after, "rejects": 0} == {**before, "rejects": 0}
            return
        except InputError:
            assert ws.store.counts() == before  # a refused file leaves nothing behind
            return
        assert report.rows == report.kept + report.rejected


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_slack_reader_never_crashes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    tmp = tmp_path_factory.mktemp("slack")
    folder = tmp / "export"
    write(folder / "users.json", json.dumps([{"id": "U1", "profile": {"email": "ann@acme.example"}}]))
    (folder / "general").mkdir()
    (folder / "general" / "2025-01-01.json").write_bytes(data)
    with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k") as ws:
        try:
            report = ws.ingest_slack(folder)
        except InputError:
            return
        assert report.rows == report.kept + report.rejected
