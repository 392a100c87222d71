"""Ingest: one reader per format, each turning a source into rows of the canonical tables plus rejects."""

from .calendar import ingest_calendar
from .crm import ingest_crm
from .documents import ingest_documents
from .edges import ingest_edges
from .events import ingest_events
from .mail import ingest_mail
from .orgchart import ingest_orgchart
from .parties import ingest_parties
from .session import IngestReport
from .slack import ingest_slack
from .tickets import ingest_tickets
from .viva import ingest_viva

__all__ = [
    "ingest_calendar", "ingest_crm", "ingest_documents", "ingest_edges", "ingest_events", "ingest_mail",
    "ingest_orgchart", "ingest_parties", "IngestReport", "ingest_slack", "ingest_tickets", "ingest_viva",
]  # fmt: skip
