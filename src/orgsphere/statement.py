"""The processing statement: sources read, rows kept and rejected, settings, and what was pseudonymised."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from .analysis.lookups import sorted_rows, unit_column
from .engine import TableSource
from .ingest.orgchart import DEFINITIONS_META
from .privacy import PSEUDONYM_HEX_CHARS
from .results import ProcessingStatement
from .settings import SETTINGS, Settings
from .store import orgsphere_version

__all__ = ["build_statement", "organisation_summary", "settings_shown"]


def _sources(store: TableSource) -> list[dict[str, Any]]:
    log = store.table("ingest_log").select("source", "kind", "rows", "kept", "rejects", "sha256", "finished")
    rows = sorted_rows(log, ["finished"])
    for r in rows:
        r["finished"] = None if r["finished"] is None else r["finished"].strftime("%Y-%m-%d %H:%M")
    return rows


def _reject_reasons(store: TableSource) -> list[dict[str, Any]]:
    r = store.table("rejects")
    counts = r.group_by(["source", "reason"]).aggregate(n=r.count()).to_pyarrow()
    counts = counts.sort_by([("n", "descending"), ("source", "ascending"), ("reason", "ascending")])
    return counts.slice(0, 50).to_pylist()


def _counted(t: Any, column: str) -> dict[str, int]:
    """value -> rows (of interactions: the interactions they stand for), most first."""
    n = t.group_by(column).aggregate(n=t.n.sum() if "n" in t.columns else t.count()).to_pyarrow()
    n = n.sort_by([("n", "descending"), (column, "ascending")])
    return dict(zip(n[column].to_pylist(), n["n"].to_pylist(), strict=True))


def settings_shown(settings: Settings) -> list[dict[str, str]]:
    """Every setting as the statement lists it: name, value (of a file: its name alone) and where it came from."""
    shown = []
    for s in SETTINGS:
        value = getattr(settings, s.name)
        if isinstance(value, tuple):
            value = ", ".join(value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, PurePath):  # a file's name: the folders it lies in may name someone
            value = value.name
        shown.append({"name": s.name, "value": "" if value is None else str(value), "from": settings.source(s.name)})
    return shown


def build_statement(store: TableSource, settings: Settings, tallies: dict[str, int]) -> ProcessingStatement:
    return ProcessingStatement(
        orgsphere_version=orgsphere_version(),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        store=PurePath(store.path).name,  # the file's name (of a warehouse: its folder's): the folders above it
        # may name someone
        sources=_sources(store),
        reject_reasons=_reject_reasons(store),
        settings=settings_shown(settings),
        interactions=tallies.get("interactions", 0),
        unplaced=tallies.get("unplaced", 0),
        min_group_size=settings.min_group_size,
        suppressed_groups=0,
        pseudonymisation=(
            f"Persons and individually declared outside parties are stored as HMAC-SHA256 pseudonyms "
            f"({PSEUDONYM_HEX_CHARS} hex characters) under a key kept outside the store. Undeclared external "
            + ("addresses are kept as pseudonyms." if settings.keep_external_addresses
               else "addresses are reduced to their domain.")  # fmt: skip
            + " Message-IDs, threads, ticket numbers, event and chat ids and the paths of the sources are stored "
            "as keyed digests under the same key; sources are named by their file name alone, rejected rows "
            "by the kind of value they held, never the value"
            + ("; job titles are kept (keep_titles)." if settings.keep_titles else "; job titles are not kept.")
            + " Only metadata is stored: who, whom, when, channel and weight; no message content."
        ),
        key_fingerprint=store.meta("key_fingerprint"),
        counts=store.counts(),
    )


def organisation_summary(store: TableSource) -> dict[str, Any]:
    """Size and shape of the organisation as the store holds it; ``definitions``: for an org chart derived from
    a corpus of many organisations (``orgsphere organisations``), who counted as staff and which organisations
    were fitted (:class:`~orgsphere.science.organisations.Definitions`), else None."""
    units, people, i = store.table("units"), store.table("people"), store.table("interactions")
    kinds = unit_column(store, "kind")
    roots = sorted_rows(units.filter(units.parent_id.isnull()).select("unit_id", "name"), ["unit_id"])
    span = i.aggregate(n=i.n.sum(), first=i.ts.min(), last=i.ts.max()).to_pyarrow().to_pylist()[0]
    return {
        "units": len(kinds),
        "line_units": sum(k == "line" for k in kinds.values()),
        "staff_units": sum(k == "staff" for k in kinds.values()),
        "persons": int(people.person_id.nunique().to_pyarrow().as_py()),
        "interactions": span["n"] or 0,
        "first_day": None if span["first"] is None else span["first"].strftime("%Y-%m-%d"),
        "last_day": None if span["last"] is None else span["last"].strftime("%Y-%m-%d"),
        "root": roots[0]["name"] if roots else None,
        "roots": len(roots),
        "parties": _counted(store.table("parties"), "kind"),
        "channels": _counted(i, "channel"),
        "definitions": json.loads(defined) if (defined := store.meta(DEFINITIONS_META)) else None,
    }
