"""The canonical tables: the contract between ingest and analysis, with the schema version and migrations."""

from __future__ import annotations

__all__ = [
    "SCHEMA_VERSION", "STAGING_PREFIX", "STAGING_FILE_SUFFIX", "TABLES", "MIGRATIONS", "REBUILD_BELOW", "PERSON",
    "PARTY", "UNIT", "PARTY_KINDS", "UNIT_KINDS",
]  # fmt: skip

SCHEMA_VERSION = 7
STAGING_PREFIX = "_staging_"  # tables an ingest fills while it reads, moved into place when it commits
STAGING_FILE_SUFFIX = ".staging"  # ... in a file of their own beside the store: orgsphere.duckdb.staging

PERSON, PARTY, UNIT = "person", "party", "unit"  # a unit end: e.g. a ticket to an assignment group
PARTY_KINDS = ("customer", "supplier", "regulator", "partner", "other")
UNIT_KINDS = ("line", "staff")

# name -> column definitions (DuckDB types). Persons appear only as pseudonyms.
TABLES: dict[str, str] = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "units": (
        "unit_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, parent_id VARCHAR, kind VARCHAR, "
        "function VARCHAR, intended_role VARCHAR"
    ),
    "people": (
        "person_id VARCHAR NOT NULL, unit_id VARCHAR NOT NULL, valid_from DATE, valid_to DATE, "
        "title VARCHAR, fte DOUBLE"
    ),
    # every identifier a person is known by (employee id, email addresses), hashed, pointing at the person
    "aliases": "alias VARCHAR PRIMARY KEY, person_id VARCHAR NOT NULL",
    # the addresses that stand for a unit rather than a person (a shared mailbox, a team or list address), hashed
    "unit_addresses": "address VARCHAR PRIMARY KEY, unit_id VARCHAR NOT NULL",
    "parties": (
        "party_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, domain VARCHAR, name VARCHAR, declared_by VARCHAR"
    ),
    "interactions": (
        "ts TIMESTAMP, src VARCHAR NOT NULL, dst VARCHAR NOT NULL, src_kind VARCHAR NOT NULL, "
        "dst_kind VARCHAR NOT NULL, channel VARCHAR NOT NULL, weight DOUBLE NOT NULL, thread_id VARCHAR, "
        "source_id VARCHAR NOT NULL, topic VARCHAR, n BIGINT NOT NULL DEFAULT 1"
    ),  # n: how many interactions the row stands for (1 but for a source of counts, a Viva group-to-group query)
    # the size of a unit as a source declares it (a Viva group-to-group query's *_GroupSize, the largest seen):
    # where a unit has no active persons of its own, its size for the minimum group size and the scaling fits
    "declared_sizes": "unit_id VARCHAR NOT NULL, size BIGINT NOT NULL, source_id VARCHAR NOT NULL",
    "work_items": (
        "item_id VARCHAR, opened TIMESTAMP, closed TIMESTAMP, requester VARCHAR, assignee_unit VARCHAR, "
        "category VARCHAR, priority VARCHAR, sla_due TIMESTAMP, title VARCHAR, text VARCHAR, source_id VARCHAR"
    ),
    # documents for the language audit: policies, service catalogues, SLA texts (not mail bodies)
    "documents": "doc_id VARCHAR, path VARCHAR, lang VARCHAR, text VARCHAR, unit_id VARCHAR",
    # source: the file's name (never the folders it lies in); source_key: the keyed digest of its full path,
    # to find the earlier versions of the same file; value_kind: what the rejected field held ("an address"),
    # never the value
    "rejects": (
        "source VARCHAR NOT NULL, locator VARCHAR, reason VARCHAR NOT NULL, value_kind VARCHAR, source_key VARCHAR"
    ),
    # what happened when (orgsphere ingest events): a reorganisation, a new way of working; units: the ids of
    # the units it affected, ';'-separated (null: the whole organisation)
    "events": "day DATE NOT NULL, label VARCHAR NOT NULL, units VARCHAR, source_id VARCHAR NOT NULL",
    "ingest_log": (
        "source VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, kind VARCHAR NOT NULL, rows BIGINT, kept BIGINT, "
        "rejects BIGINT, started TIMESTAMP, finished TIMESTAMP, orgsphere_version VARCHAR, source_key VARCHAR"
    ),
}

# MIGRATIONS[n] holds the statements that take a store from schema version n to n + 1.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("ALTER TABLE documents ADD COLUMN unit_id VARCHAR",),  # the unit a document belongs to
    2: ("ALTER TABLE interactions ADD COLUMN topic VARCHAR",),  # internal-customer machinery (read_subjects)
    3: (  # counts as one row with a multiplicity, and the group sizes a source declares (Viva group-to-group)
        "ALTER TABLE interactions ADD COLUMN n BIGINT DEFAULT 1",  # (DuckDB adds no column with a constraint)
        "ALTER TABLE interactions ALTER COLUMN n SET NOT NULL",
        f"CREATE TABLE declared_sizes ({TABLES['declared_sizes']})",
    ),
    4: (  # ids keyed, rejects without their values, file names without folders: see REBUILD_BELOW
        "ALTER TABLE rejects RENAME COLUMN raw_excerpt TO value_kind",
        "ALTER TABLE rejects ADD COLUMN source_key VARCHAR",
        "ALTER TABLE ingest_log ADD COLUMN source_key VARCHAR",
    ),
    5: (f"CREATE TABLE events ({TABLES['events']})",),  # events, for the effect of a change (orgsphere changes)
    6: (f"CREATE TABLE unit_addresses ({TABLES['unit_addresses']})",),  # shared mailboxes and list addresses
}

# A store of a schema below this that holds anything ingested is refused, not migrated: it holds identifiers
# hashed without the key (Message-IDs, ticket numbers, threads, event ids), which no migration can key (the
# values they came from are gone), beside raw reject values, job titles and full paths. Mixed with keyed ids,
# the same message or ticket would count twice. Such a store is rebuilt by ingesting the sources again.
REBUILD_BELOW = 5
REBUILD_WHY = (
    "it holds message, ticket, thread and event ids hashed without the pseudonymisation key (anyone with the "
    "store could confirm who mailed whom), rejected values in clear, job titles and full file paths; those "
    "cannot be converted, and new ids mixed with them would count the same message or ticket twice"
)
