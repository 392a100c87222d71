"""The vectorised edge ingest (issue 26) leaves the store exactly as the row-by-row one did: the same pseudonyms,
rows, parties and rejects with the same reasons, whatever the size of the blocks and chunks it reads."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import orgsphere
from orgsphere.ingest import tabular
from orgsphere.ingest.resolve import Resolver

from .messy_edges import KEY, PERSONS, SETTINGS, TABLES, ingest_all, organisation, read_expected

EXPECTED = Path(__file__).parent / "data" / "messy_edges_expected.json.gz"


@pytest.mark.parametrize("blocks", ["default", "small"])
def test_a_messy_edge_list_leaves_the_tables_main_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        blocks: str) -> None:  # fmt: skip
    """Written by main's row-by-row ingest (tests/messy_edges.py says how): every table, row for row."""
    if blocks == "small":  # many blocks of lines and chunks of records: the values met before are looked up
        monkeypatch.setattr(tabular, "BLOCK_BYTES", 2048)
        monkeypatch.setattr(tabular, "RECORDS_PER_CHUNK", 97)
    found, expected = ingest_all(tmp_path), read_expected(EXPECTED)
    assert set(found) == set(TABLES)
    for table in TABLES:
        rows = [list(r) for r in found[table]]
        assert len(rows) == len(expected[table]), table
        differ = [(a, b) for a, b in zip(rows, expected[table], strict=True) if a != b]
        assert not differ, f"{table}: {len(differ)} rows differ, the first: {differ[0]}"


def test_the_arrow_lookup_answers_as_each_value_alone(tmp_path: Path) -> None:
    """Resolver.array against Resolver.one value by value, over calls that share values, dictionary arrays with
    nulls, and a value declared a party between two calls (which the lookup must not answer from before)."""
    key = tmp_path / "key"
    key.write_text(KEY + "\n")
    key.chmod(0o600)
    with orgsphere.open(tmp_path / "s.duckdb", key_file=key, **SETTINGS) as ws:
        ws.ingest_orgchart(organisation(tmp_path))
        resolver = Resolver(ws.store, ws.settings)
        reference = Resolver(ws.store, ws.settings)
        first = PERSONS[:6] + ["info@klant.example", "", "stranger", "a@random.example"]
        second = [*first[3:], "new@klant.example", "p30", None, "crm-account-7"]
        for values in (pa.array(first), pa.array(second, pa.string()).dictionary_encode(), pa.array(second)):
            ids, kinds, problems = resolver.array(values)
            for i, raw in enumerate(values.to_pylist()):
                hit = reference.one(raw or "")
                want = (None, None, hit) if isinstance(hit, str) else (hit[0], hit[1], None)
                assert (ids[i].as_py(), kinds[i].as_py(), problems[i].as_py()) == want, raw
            resolver.declare("crm-account-7", "customer", "CRM test")
            reference.declare("crm-account-7", "customer", "CRM test")
        assert resolver.array(pa.array(["crm-account-7"]))[1].to_pylist() == ["party"]
