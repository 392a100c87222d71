"""Outside parties declared by the user: a file of ids, addresses or domains with their kind.

Patients of a hospital ward, the accounts of a CRM, a regulator's domain. A row declares its address and its
domain, whatever other columns it has (an id or a name beside them only names the party); a row with
neither declares its id. A party declared by id or address is stored under a pseudonym (it may be a person);
one declared by domain keeps its domain (an organisation). A later declaration of the same party with
another kind is a reject.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from ..errors import InputError
from ..privacy import Pseudonymiser, domain_of
from ..schema import PARTY_KINDS
from ..store import Store
from .columns import find_columns
from .limits import ReadLimits
from .session import IngestReport, IngestSession, run_ingest
from .tabular import Progress, open_tabular

__all__ = ["ingest_parties", "read_parties", "domain_party_id", "UNDECLARED"]

UNDECLARED = "undeclared (outside the internal domains)"  # how an ingest files an outside party nobody declared

PARTY_FIELDS = {
    "id": ("party_id", "party", "customer_id", "account_id", "client_id", "klantnummer"),
    "address": ("email", "mail", "e_mail", "email_address"),
    "domain": ("email_domain", "web_domain"),
    "kind": ("party_kind", "type", "category", "soort"),
    "name": ("party_name", "account_name", "company", "naam"),
}
KIND_WORDS = {
    **{k: k for k in PARTY_KINDS},
    "klant": "customer", "client": "customer", "leverancier": "supplier", "vendor": "supplier",
    "toezichthouder": "regulator", "partner": "partner", "overig": "other", "patient": "customer",
}  # fmt: skip


def domain_party_id(domain: str) -> str:
    return "@" + domain


def read_parties(store: Store, session: IngestSession, path: Path, default_kind: str | None,
                 progress: Progress | None = None, mapping: Mapping[str, str] | None = None) -> None:  # fmt: skip
    """Read a parties file into the store's ``parties`` table within ``session``."""
    pseudo = store.pseudonymiser()
    table_file = open_tabular(path, "parties file", ReadLimits.of(store.settings))
    cols = find_columns(path, table_file.columns, PARTY_FIELDS, required=(), mapping=mapping, what="parties file")
    if not {"id", "address", "domain"} & set(cols):
        raise InputError(
            f"{path}: line 1: the parties file needs a column id, address or domain (and kind); "
            f"it has: {', '.join(table_file.columns)}."
        )
    if "kind" not in cols and default_kind is None:
        raise InputError(
            f"{path}: line 1: no kind column; expected kind with one of {', '.join(PARTY_KINDS)} per row."
        )
    persons = {r[0] for r in store.raw.execute("SELECT alias FROM aliases").fetchall()}
    # a party an ingest met before anyone declared it (kind other, UNDECLARED) takes the kind declared now, and
    # so do its stored interactions (they hold the party's id, its kind is looked up at analysis)
    undeclared = store.raw.execute("SELECT party_id FROM parties WHERE declared_by = ?", [UNDECLARED]).fetchall()
    met = {r[0] for r in undeclared}
    known = {p: k for p, k in store.raw.execute("SELECT party_id, kind FROM parties").fetchall() if p not in met}
    new: dict[str, tuple[str, str | None, str | None]] = {}
    for chunk in table_file.chunks(progress):
        for line, reason in chunk.invalid:
            session.report.rows += 1
            session.reject(f"line {line}", reason)
        # (as text: a Parquet or XLSX column of numbers is a column of ids too)
        data = {f: [None if v is None else str(v) for v in chunk.table.column(c).to_pylist()] for f, c in cols.items()}
        for i in range(chunk.table.num_rows):
            session.report.rows += 1
            where = chunk.locator(i)
            raw_kind = (data["kind"][i] or "").strip().lower() if "kind" in data else ""
            kind = KIND_WORDS.get(raw_kind) if raw_kind else default_kind
            if kind is None:
                session.reject(where, f"kind must be one of {', '.join(PARTY_KINDS)}", raw_kind)
                continue
            declared, problem = _declarations(data, i, pseudo)
            if problem is None and any(party_id in persons for party_id, _, _ in declared):
                problem = "this id or address is a person of the org chart, not an outside party"
            for party_id, _, _ in declared:
                earlier = new.get(party_id, (known.get(party_id),))[0]
                if problem is None and earlier is not None and earlier != kind:
                    problem = f"party was declared {earlier} before, here {kind}; declare it once"
            if problem is not None:
                session.reject(where, problem)
                continue
            for party_id, domain, name in declared:
                new[party_id] = (kind, domain, name)
            session.report.kept += 1
    if met & set(new):
        session.report.notes.append(f"{len(met & set(new)):,} parties the interactions met before they were declared "
                                    "are declared now; their stored interactions count with the kind declared here")
    if new:
        session.on_commit(lambda: _write_parties(store, new, f"parties file {path.name}"))


def _declarations(data: dict[str, list[str | None]], i: int, pseudo: Pseudonymiser
                  ) -> tuple[list[tuple[str, str | None, str | None]], str | None]:  # fmt: skip
    """The parties one row declares, (party id, domain, name) each, or the problem of the row.

    An address declares the address and a domain the domain, whatever other columns the row has (an id and
    a name beside them name the party, they do not replace it); an id declares a party by id only where the
    row has neither. An id that is an address is an address."""
    def cell(field: str) -> str:
        return (data[field][i] or "").strip() if field in data else ""

    ident, address, name = cell("id"), cell("address"), cell("name")
    domain = cell("domain").lower().lstrip("@")
    if not address and "@" in ident:
        address, ident = ident, ""
    declared: list[tuple[str, str | None, str | None]] = []
    if address:
        if "@" not in address:
            return [], "address must look like name@example.com"
        declared.append((pseudo.one(address), domain_of(address), None))
    if domain:
        if "." not in domain or "@" in domain or " " in domain:
            return [], "domain must look like example.com"
        declared.append((domain_party_id(domain), domain, name or ident or domain))
    if not declared and ident:
        declared.append((pseudo.one(ident), None, None))
    if not declared:
        return [], "row has no id, address or domain"
    return declared, None


def _write_parties(store: Store, new: dict[str, tuple[str, str | None, str | None]], declared_by: str) -> None:
    if new:
        ids = list(new)
        store.raw.execute("DELETE FROM parties WHERE party_id IN (SELECT unnest(?))", [ids])
        store.append(
            "parties",
            pa.table(
                {
                    "party_id": ids,
                    "kind": [new[i][0] for i in ids],
                    "domain": [new[i][1] for i in ids],
                    "name": [new[i][2] for i in ids],
                    "declared_by": [declared_by] * len(ids),
                },
                schema=pa.schema([(n, pa.string()) for n in ("party_id", "kind", "domain", "name", "declared_by")]),
            ),
        )


def ingest_parties(store: Store, path: Path, default_kind: str | None = None,
                   progress: Progress | None = None,
                   mapping: Mapping[str, str] | None = None) -> IngestReport:  # fmt: skip
    """Declare outside parties from ``path`` (CSV / XLSX / Parquet: id, address or domain, and kind)."""
    if default_kind is not None and default_kind not in PARTY_KINDS:
        raise InputError(f"kind {default_kind!r} is not one of {', '.join(PARTY_KINDS)}.")
    return run_ingest(store, Path(path), "parties",
                      lambda session: read_parties(store, session, Path(path), default_kind, progress,
                                                   mapping))  # fmt: skip
