"""The processing statement: sources read, rows kept and rejected, settings, and what was pseudonymised."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .privacy import PSEUDONYM_HEX_CHARS
from .results import ProcessingStatement
from .settings import SETTINGS, Settings
from .store import Store, orgsphere_version

__all__ = ["build_statement", "organisation_summary"]


def _rows(store: Store, sql: str) -> list[dict[str, Any]]:
    return store.query(sql).to_pylist()


def build_statement(store: Store, settings: Settings, tallies: dict[str, int]) -> ProcessingStatement:
    shown = []
    for s in SETTINGS:
        value = getattr(settings, s.name)
        if isinstance(value, tuple):
            value = ", ".join(value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        shown.append({"name": s.name, "value": "" if value is None else str(value), "from": settings.source(s.name)})
    return ProcessingStatement(
        orgsphere_version=orgsphere_version(),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        store=str(store.path),
        sources=_rows(
            store,
            "SELECT source, kind, rows, kept, rejects, sha256, strftime(finished, '%Y-%m-%d %H:%M') AS finished "
            "FROM ingest_log ORDER BY finished",
        ),
        reject_reasons=_rows(
            store, "SELECT source, reason, count(*) AS n FROM rejects GROUP BY ALL ORDER BY n DESC LIMIT 50"
        ),
        settings=shown,
        interactions=tallies.get("interactions", 0),
        unplaced=tallies.get("unplaced", 0),
        min_group_size=settings.min_group_size,
        suppressed_groups=0,
        pseudonymisation=(
            f"Persons and individually declared outside parties are stored as HMAC-SHA256 pseudonyms "
            f"({PSEUDONYM_HEX_CHARS} hex characters) under a key kept outside the store. Undeclared external "
            + ("addresses are kept as pseudonyms." if settings.keep_external_addresses
               else "addresses are reduced to their domain.")  # fmt: skip
            + " Only metadata is stored: who, whom, when, channel and weight; no message content."
        ),
        key_fingerprint=store.meta("key_fingerprint"),
        counts=store.counts(),
    )


def organisation_summary(store: Store) -> dict[str, Any]:
    """Size and shape of the organisation as the store holds it."""
    one = store.query(
        """
        SELECT
          (SELECT count(*) FROM units) AS units,
          (SELECT count(*) FROM units WHERE kind = 'line') AS line_units,
          (SELECT count(*) FROM units WHERE kind = 'staff') AS staff_units,
          (SELECT count(DISTINCT person_id) FROM people) AS persons,
          (SELECT count(*) FROM interactions) AS interactions,
          (SELECT strftime(min(ts), '%Y-%m-%d') FROM interactions) AS first_day,
          (SELECT strftime(max(ts), '%Y-%m-%d') FROM interactions) AS last_day,
          (SELECT name FROM units WHERE parent_id IS NULL ORDER BY unit_id LIMIT 1) AS root,
          (SELECT count(*) FROM units WHERE parent_id IS NULL) AS roots
        """
    ).to_pylist()[0]
    one["parties"] = {r["kind"]: r["n"] for r in _rows(store, "SELECT kind, count(*) AS n FROM parties GROUP BY kind")}
    one["channels"] = {
        r["channel"]: r["n"]
        for r in _rows(store, "SELECT channel, count(*) AS n FROM interactions GROUP BY channel ORDER BY n DESC")
    }
    return one
