"""A messy organisation and its edge lists, made the same every time, and the store tables they leave, as plain
rows: what tests/test_ingest_identical.py holds the edge ingest to (the expected rows were written by the ingest
of main before it was vectorised, issue 26: ``PYTHONPATH=<main's src> python -m tests.messy_edges FILE``; the
reason for an internal address not in the org chart was later extended with the unit's addresses, in the file
as in the code)."""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

import orgsphere

KEY = "0123456789abcdef" * 4  # a fixed key: the pseudonyms are the same every run
SETTINGS = {"internal_domains": "acme.example", "customer_domains": "klant.example", "supplier_domains": "lev.example",
            "max_reject_share": 1.0}  # fmt: skip
TABLES = {  # what is compared of each table (a reject's source_key, the keyed digest of its full path: left out)
    "interactions": "SELECT * FROM interactions",
    "people": "SELECT * FROM people",
    "aliases": "SELECT * FROM aliases",
    "parties": "SELECT * FROM parties",
    "rejects": "SELECT source, locator, reason, value_kind FROM rejects",
    "ingest_log": "SELECT source, kind, rows, kept, rejects FROM ingest_log",
}

PEOPLE = 40
PERSONS = ["p3", "P4", " p5 ", "p6@acme.example", "P7@ACME.EXAMPLE", "Piet Jansen <p8@acme.example>",
           "mailto:p9@acme.example", "Zoë Ångström <p10@acme.example>", "<p11@acme.example>"] + [
    f"p{i}" for i in range(12, PEOPLE)]  # fmt: skip
OUTSIDE = ["info@klant.example", "Jan <jan@sub.klant.example>", "x@lev.example", "someone@gmail.com",
           "a@random.example", "B@Random.Example", "noreply@other.example"]  # fmt: skip
BAD_ENDS = ["", "stranger", "ghost@acme.example", "a@x.example; b@y.example", "   ", "@", "Émile"]
TIMES = ["31-01-2025 09:30", "05-02-2025", "2025-03-01T10:00:00", "1735812000", "1735812000000", "2025-13-45",
         "", "28.02.2025 17:45", "2025-04-01 08:00", "soon", "2025-02-03T09:00:00Z"]  # fmt: skip
CHANNELS = ["Email", "chat", "", "MEETING", " teams "]
WEIGHTS = ["1", "2,5", "-1", "abc", "", "0", "1e3"]
THREADS = ["", "t-1", "Re: Ärger", "t-2"]


def organisation(folder: Path) -> Path:
    rows = "".join(f"p{i},p{i}@acme.example,{'Sales' if i < 20 else 'ICT'},Acme\n" for i in range(PEOPLE))
    path = folder / "org.csv"
    path.write_text("person,email,unit,parent\n" + rows)
    return path


def messy_csv(folder: Path, rows: int = 1500, seed: int = 26) -> Path:
    """A Windows-1252 CSV with semicolons and Dutch column names: day-first dates, display names and mailto:,
    rows with the wrong number of fields, bad ends, times and weights, a blank line, and from two thirds on
    quoted fields over two lines (read record by record from there)."""
    rng = random.Random(seed)
    lines = ["van;aan;datum;kanaal;gewicht;thread"]
    for i in range(rows):
        pool = rng.random()
        src = rng.choice(PERSONS if pool < 0.8 else OUTSIDE if pool < 0.93 else BAD_ENDS)
        dst = rng.choice(PERSONS if rng.random() < 0.6 else OUTSIDE if rng.random() < 0.8 else BAD_ENDS)
        fields = [src, dst, rng.choice(TIMES), rng.choice(CHANNELS), rng.choice(WEIGHTS), rng.choice(THREADS)]
        if i > rows * 2 // 3 and rng.random() < 0.1:
            fields[5] = '"onderwerp\nover twee regels"'
        if rng.random() < 0.02:
            fields = fields[:4]
        if rng.random() < 0.01:
            lines.append("")
        lines.append(";".join(fields))
    path = folder / "messy.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def messy_parquet(folder: Path, rows: int = 800, seed: int = 62) -> Path:
    """A Parquet edge list with dictionary columns holding nulls, Arrow timestamps (some null) and a weight."""
    rng = random.Random(seed)
    ends = PERSONS + OUTSIDE + BAD_ENDS

    def end() -> str | None:
        return None if rng.random() < 0.03 else rng.choice(ends)

    table = pa.table({
        "source": pa.array([end() for _ in range(rows)], pa.string()).dictionary_encode(),
        "target": pa.array([end() for _ in range(rows)], pa.string()).dictionary_encode(),
        "timestamp": pa.array([None if rng.random() < 0.05 else 1_735_689_600_000_000 + rng.randrange(10**13)
                               for _ in range(rows)], pa.timestamp("us")),
        "minutes": pa.array([rng.choice([0.5, 30.0, 60.0, -5.0, None]) for _ in range(rows)], pa.float64()),
    })  # fmt: skip
    path = folder / "messy.parquet"
    pq.write_table(table, path, row_group_size=300)
    return path


def ingest_all(folder: Path) -> dict[str, list[list[Any]]]:
    """Ingest the organisation and both edge lists into a new store in ``folder``; the tables, rows sorted."""
    key = folder / "key"
    key.write_text(KEY + "\n")
    key.chmod(0o600)
    with orgsphere.open(folder / "store.duckdb", key_file=key, **SETTINGS) as ws:
        ws.ingest_orgchart(organisation(folder))
        ws.ingest_edges(messy_csv(folder))
        ws.ingest_edges(messy_parquet(folder))
        return {name: sorted((_plain(row) for row in ws.store.raw.execute(sql).fetchall()), key=_order)
                for name, sql in TABLES.items()}  # fmt: skip


def _plain(row: tuple[Any, ...]) -> list[Any]:
    return [v.isoformat() if hasattr(v, "isoformat") else v for v in row]


def _order(row: list[Any]) -> list[tuple[bool, str]]:
    return [(v is None, str(v)) for v in row]


def write_expected(path: Path, folder: Path) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(ingest_all(folder), fh, ensure_ascii=False, separators=(",", ":"))


def read_expected(path: Path) -> dict[str, list[list[Any]]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return dict(json.load(fh))


if __name__ == "__main__":  # python -m tests.messy_edges tests/data/messy_edges_expected.json.gz
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        write_expected(Path(sys.argv[1]), Path(work))
