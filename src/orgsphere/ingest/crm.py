"""CRM activities: calls, visits, emails and meetings of employees with accounts (CSV / XLSX / Parquet).

Every account in the file is a customer (declared by the CRM, pseudonymised like any individually declared
party; an account given as a domain keeps its domain); every row is one interaction from the employee to the
account, channel = the activity type (call, visit, email, meeting, ...), weight = the duration in minutes
when the file has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..settings import Settings
from ..store import Store
from .columns import find_columns
from .edges import EdgeReader
from .limits import ReadLimits
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress, open_tabular

__all__ = ["ingest_crm", "CRM_FIELDS"]

CRM_FIELDS = {
    "employee": ("owner", "user", "assigned_to", "employee_id", "medewerker", "activity_owner", "created_by"),
    "account": ("account_id", "customer", "client", "relation", "relatie", "klant", "company", "regarding"),
    "type": ("activity_type", "activity", "kind", "soort", "channel"),
    "time": ("date", "start", "activity_date", "datetime", "timestamp", "datum", "created_on"),
    "duration": ("minutes", "duration_minutes", "duur"),
}
TYPE_WORDS = {
    "phone call": "call", "phonecall": "call", "telefoon": "call", "telefoongesprek": "call", "bezoek": "visit",
    "appointment": "meeting", "afspraak": "meeting", "e-mail": "email", "mail": "email",
}  # fmt: skip


def ingest_crm(store: Store, path: Path, settings: Settings, mapping: Mapping[str, str] | None = None,
               progress: Progress | None = None) -> IngestReport:  # fmt: skip
    """Ingest CRM activities; ``mapping`` names the columns of employee, account, type, time, duration."""
    path = Path(path)
    table_file = open_tabular(path, "CRM activity export", ReadLimits.of(settings))
    cols = find_columns(path, table_file.columns, CRM_FIELDS, required=("employee", "account"), mapping=mapping,
                        what="CRM activity export")  # fmt: skip

    def read(session: IngestSession) -> None:
        edge_cols = {"src": "src", "dst": "dst", "ts": "ts", "channel": "channel", "weight": "weight"}
        reader = EdgeReader(store, settings, session, edge_cols)
        resolver = reader.resolver
        for chunk in table_file.chunks(progress):
            t = chunk.table
            n = t.num_rows
            accounts = t.column(cols["account"]).combine_chunks().cast(pa.string())
            for raw in pc.unique(accounts).to_pylist():  # every account is a customer, declared by the CRM
                if raw is not None:
                    resolver.declare(raw, "customer", f"CRM {path.name}")
            kinds = (pc.utf8_lower(pc.utf8_trim_whitespace(t.column(cols["type"]).combine_chunks().cast(pa.string())))
                     if "type" in cols else pa.array(["crm"] * n))  # fmt: skip
            kinds = pa.array([TYPE_WORDS.get(k, k) if k else "crm" for k in kinds.to_pylist()], pa.string())
            edges = {
                "src": t.column(cols["employee"]).combine_chunks().cast(pa.string()),
                "dst": accounts,
                "ts": t.column(cols["time"]).combine_chunks() if "time" in cols else pa.nulls(n, pa.string()),
                "channel": kinds,
                "weight": (t.column(cols["duration"]).combine_chunks() if "duration" in cols
                           else pa.nulls(n, pa.string())),  # fmt: skip
            }
            chunk.table = pa.table(edges)
            reader.chunk(chunk)
        session.on_commit(lambda: resolver.flush(store))

    return run_ingest(store, path, "crm", read)
