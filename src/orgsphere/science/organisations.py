"""Many organisations: the sphere exponent across organisations rather than across units of one.

Two ways in:

- **One corpus that holds many organisations** (a mailing list, a consortium, a supply chain): every address
  belongs to the organisation of its email domain. :func:`derive_orgchart` reads the addresses of the corpus
  (mbox files, Maildir folders, folders of .eml files and edge lists, as the ingest reads them) and writes an
  org chart with one unit per organisation (a domain-to-organisation map merges domains such as
  ``mail.acme.example`` and ``acme.example``; free mail services and excluded domains such as mailing-list
  hosts belong to no organisation, so their addresses stay outside parties). Mail that the mail ingest
  rejects as no contact between people (automated senders, Auto-Submitted, bulk mail while
  ``reject_bulk_mail`` is on, no From or no recipient, binary header blocks) adds no address, by the same
  rules. Who is staff of an organisation and which organisations are fitted are :class:`Definitions` (the
  settings ``org_staff``, ``org_self_copies`` and ``org_min_size``), applied here, where membership is decided:
  the analysis sizes a unit by its members at an end of an interaction, so the org chart is the one place that
  decides both who is inside and how big each organisation is. The definitions travel in the org chart's
  ``orgsphere_definitions`` column into the store (its meta ``organisations``), for the report to state.
  Ingest that org chart and the corpus as usual: each organisation's own interactions are then internal
  (``intra``) and everything else crosses its boundary, so the units fit of B is the cross-organisation
  exponent, and the headline.
- **Several organisations analysed apart** (each its own store, sharing only its exported results):
  :func:`compare` reads each export's organisation row (or each store) and fits R against active persons
  across the organisations, the bootstrap resampling organisations.
"""

from __future__ import annotations

import gzip
import json
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..analysis.fit import fit_power
from ..errors import InputError
from ..fits import ScalingFit
from ..ingest.columns import find_columns
from ..ingest.edges import EDGE_FIELDS
from ..ingest.limits import ReadLimits
from ..ingest.mail import mail_files, messages, not_a_contact
from ..ingest.mailheaders import has_binary_bytes, parse_headers
from ..ingest.orgchart import DEFINITIONS
from ..ingest.resolve import matching_domain
from ..ingest.tabular import Progress, open_tabular
from ..markers import ALL, CORPUS_ROOT
from ..privacy import Pseudonymiser, domain_of
from ..rows import rows_where
from ..settings import Settings

__all__ = ["derive_orgchart", "write_orgchart", "read_domain_map", "compare", "CORPUS_ROOT", "Definitions",
           "Derivation", "DEFINITIONS_COLUMN", "NOT_STAFF", "SMALL", "definitions_of"]

DEFINITIONS_COLUMN = DEFINITIONS  # the definitions used, as JSON, on every row of a derived org chart
EDGE_SUFFIXES = {".csv", ".tsv", ".txt", ".gz", ".xlsx", ".xlsm", ".parquet", ".pq"}  # an edge list, not mail
NO_CONTACT = "only in mail that is no contact between people: automated, bulk, without From or recipient"
NOT_STAFF = "of an organisation's domain, not staff (org_staff, org_self_copies)"
SMALL = "of an organisation with fewer staff than org_min_size"
SENT, RECEIVED, SELF = 1, 2, 4  # what an address did in the kept mail (bits)


@dataclass(frozen=True)
class Definitions:
    """Who is staff of an organisation, and which organisations are units of the fit.

    ``staff``: ``active`` (every address of the organisation's domains that sent or received kept mail: received
    mail counts toward activity) or ``senders`` (only those that sent). ``self_copies``: whether a self-addressed
    copy (the sender's own address among a message's recipients; an edge from an address to itself) counts as
    activity, as sending and receiving; it is never an interaction (the ingest rejects src = dst).
    ``min_size``: organisations with fewer staff stay outside (their addresses become outside parties, as free
    mail does) and are counted in ``small_organisations``. An address of an organisation's domain that is not
    staff stays an outside party too: mail with it crosses the organisation's boundary."""

    staff: str
    self_copies: bool
    min_size: int
    small_organisations: int = 0  # organisations left out for having fewer staff than min_size (after a derivation)

    @classmethod
    def of(cls, settings: Settings) -> Definitions:
        return cls(settings.org_staff, settings.org_self_copies, settings.org_min_size)

    def is_staff(self, did: int) -> bool:
        """Whether an address that did ``did`` (SENT, RECEIVED, SELF bits) is staff."""
        if self.self_copies and did & SELF:
            return True
        return bool(did & SENT) if self.staff == "senders" else bool(did & (SENT | RECEIVED))

    def to_dict(self) -> dict[str, object]:
        """The definitions as the settings that make them, and the organisations left out."""
        return {"org_staff": self.staff, "org_self_copies": self.self_copies, "org_min_size": self.min_size,
                "small_organisations": self.small_organisations}  # fmt: skip


def _organisation(domain: str, domain_map: Mapping[str, str]) -> str:
    """The mapped organisation of ``domain`` or of its nearest mapped parent domain, else the domain itself."""
    mapped = matching_domain(domain, domain_map)
    return domain_map[mapped] if mapped else domain


def read_domain_map(path: str | Path) -> dict[str, str]:
    """A CSV/XLSX/Parquet file with columns domain and organisation."""
    table = open_tabular(path, "domain map")
    cols = find_columns(table.path, table.columns, {"domain": ("domains",), "organisation": ("organization", "org")},
                        ["domain", "organisation"], what="domain map")  # fmt: skip
    out: dict[str, str] = {}
    for chunk in table.chunks():
        for i, (domain, org) in enumerate(zip(chunk.table[cols["domain"]].to_pylist(),
                                              chunk.table[cols["organisation"]].to_pylist(), strict=True)):  # fmt: skip
            if not domain or not org:
                raise InputError(f"{table.path}: {chunk.locator(i)}: a domain and an organisation are both needed; "
                                 "fill in or remove the row.")  # fmt: skip
            out[str(domain).strip().lower().lstrip("@")] = str(org).strip()
    return out


def _source(path: Path) -> tuple[str, list[Path]]:
    """What ``path`` is, ``edges`` or what :func:`mail_files` says (mbox, maildir, eml), and its files. A folder
    is mail; a file with an edge-list suffix is an edge list, except a .txt file that starts as mail (a
    mailing-list archive such as 2024-January.txt); any other file is mail, or refused as neither."""
    suffix = path.suffix.lower()
    if path.is_dir() or suffix not in EDGE_SUFFIXES:
        try:
            return mail_files(path)
        except InputError as exc:
            if path.is_dir() or not path.exists():
                raise
            raise InputError(f"{exc} An edge list is read by its suffix: .csv, .tsv, .txt, .csv.gz, .xlsx or "
                             ".parquet.") from None  # fmt: skip
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path of the edge list.")
    if suffix == ".txt":
        try:
            return mail_files(path)
        except InputError:
            pass
    if suffix == ".gz" and path.is_file():
        with gzip.open(path, "rb") as fh:
            try:
                head = fh.read(5)
            except (OSError, EOFError):
                head = b""
        if head == b"From ":
            raise InputError(f"{path}: a compressed mbox (a mailing-list archive); decompress it first (gunzip) "
                             "and give the mbox file.")  # fmt: skip
    return "edges", [path]


def _norm(address: str | None) -> str:
    return (address or "").strip().lower()


def _edge_addresses(path: Path, mapping: Mapping[str, str] | None, limits: ReadLimits,
                    progress: Progress | None) -> Iterator[tuple[str, int]]:  # fmt: skip
    """Each end of each edge with what it did: the src sent, the dst received (an edge to itself: SELF)."""
    table = open_tabular(path, "edge list", limits)
    cols = find_columns(table.path, table.columns, EDGE_FIELDS, ["src", "dst"], mapping, what="edge list")
    for chunk in table.chunks(progress):
        src = chunk.table[cols["src"]].cast(pa.string()).to_pylist()
        dst = chunk.table[cols["dst"]].cast(pa.string()).to_pylist()
        for a, b in zip(src, dst, strict=True):
            if a and b and _norm(a) == _norm(b):
                yield a, SELF
                continue
            if a:
                yield a, SENT
            if b:
                yield b, RECEIVED


_IDS = Pseudonymiser(secrets.token_bytes(32))


def _mail_addresses(kind: str, files: list[Path], settings: Settings, no_contact: set[str],
                    progress: Progress | None) -> Iterator[tuple[str, int]]:  # fmt: skip
    """Sender and recipients of each message the mail ingest keeps, with what each did (the sender among its
    own recipients: SELF); the addresses of the others go to ``no_contact``."""
    automated = {a.lower() for a in settings.automated_senders}
    for _where, lines, refused in messages(kind, files, ReadLimits.of(settings), progress):
        if refused is not None or has_binary_bytes(lines):
            continue
        headers = parse_headers(lines, _IDS.digest)  # the ids are not used here: a key of the moment
        found = [a for a in (headers.sender, *headers.recipients) if a]
        if not_a_contact(headers, automated, settings.reject_bulk_mail, settings.max_recipients) is not None:
            no_contact.update(found)
            continue
        sender = _norm(headers.sender)
        others = [to for to in headers.recipients if to and _norm(to) != sender]
        if headers.sender:  # a message only to the sender's own address is a self-addressed copy, not sending
            yield headers.sender, SENT if others else 0
        if headers.sender and len(others) < len([to for to in headers.recipients if to]):
            yield headers.sender, SELF
        for to in others:
            yield to, RECEIVED


def _part(progress: Progress | None, before: int, size: int, total: int) -> Progress | None:
    """The progress of one source, as the bytes of all sources: ``size`` bytes after ``before``."""
    if progress is None:
        return None
    return lambda done, of: progress(before + size * min(done, of) // max(of, 1), total)


def derive_orgchart(paths: Iterable[str | Path], settings: Settings, domain_map: Mapping[str, str] | None = None,
                    exclude: Iterable[str] = (), columns: Mapping[str, str] | None = None,
                    progress: Progress | None = None) -> tuple[pa.Table, Counter]:  # fmt: skip
    """An org chart (person, unit, parent, kind, orgsphere_definitions) with one unit per organisation found in
    the corpus (mbox files, Maildir folders, folders of .eml files, edge lists) that has at least
    ``org_min_size`` staff by :class:`Definitions` (``settings``), and a count of the addresses left outside and
    why. ``columns`` maps the src and dst columns of the edge lists; ``progress`` gets bytes read. The table's
    schema metadata ``definitions`` holds the definitions used, with the organisations left out."""
    domain_map = {k.lower().lstrip("@"): v for k, v in (domain_map or {}).items()}
    defs = Definitions.of(settings)
    freemail = set(settings.freemail_domains)
    excluded = {d.lower().lstrip("@") for d in exclude}
    sources = [(path, *_source(Path(path))) for path in paths]
    sizes = [sum(f.stat().st_size for f in files) for _, _, files in sources]
    did: dict[str, int] = {}
    no_contact: set[str] = set()
    for i, (path, kind, files) in enumerate(sources):
        part = _part(progress, sum(sizes[:i]), sizes[i], sum(sizes))
        found = (_edge_addresses(Path(path), columns, ReadLimits.of(settings), part) if kind == "edges"
                 else _mail_addresses(kind, files, settings, no_contact, part))  # fmt: skip
        for raw, what in found:
            address = _norm(raw)
            did[address] = did.get(address, 0) | what
    outside: Counter = Counter()
    staff: dict[str, list[str]] = {}
    for address, what in did.items():
        domain = domain_of(address)
        if domain is None:
            outside["not an email address"] += 1
        elif matching_domain(domain, freemail):
            outside["free mail service"] += 1
        elif matching_domain(domain, excluded):
            outside["excluded domain"] += 1
        elif not defs.is_staff(what):
            outside[NOT_STAFF] += 1
        else:
            staff.setdefault(_organisation(domain, domain_map), []).append(address)
    if no_contact - did.keys():
        outside[NO_CONTACT] = len(no_contact - did.keys())
    small = [o for o, members in staff.items() if len(members) < defs.min_size]
    if small:
        outside[SMALL] = sum(len(staff.pop(o)) for o in small)
    defs = Definitions(defs.staff, defs.self_copies, defs.min_size, len(small))
    people = sorted((a, o) for o, members in staff.items() for a in members)
    if not people:
        raise InputError("no address in the corpus belongs to an organisation (all were free mail, excluded, not "
                         "addresses, not staff, of organisations smaller than org_min_size or only in mail that is "
                         "no contact between people); check the src and dst columns of edge lists (--map "
                         "src=COLUMN --map dst=COLUMN), and the settings org_staff and org_min_size.")  # fmt: skip
    text = json.dumps(defs.to_dict())
    table = pa.table({"person": [a for a, _ in people], "unit": [o for _, o in people],
                      "parent": [CORPUS_ROOT] * len(people), "kind": [None] * len(people),
                      DEFINITIONS_COLUMN: [text] * len(people)},
                     schema=pa.schema([("person", pa.string()), ("unit", pa.string()), ("parent", pa.string()),
                                       ("kind", pa.string()), (DEFINITIONS_COLUMN, pa.string())]))  # fmt: skip
    return table.replace_schema_metadata({b"definitions": text.encode()}), outside


def definitions_of(table: pa.Table) -> Definitions:
    """The definitions a derived org chart was made with (its schema metadata)."""
    d = json.loads((table.schema.metadata or {})[b"definitions"])
    return Definitions(d["org_staff"], d["org_self_copies"], d["org_min_size"], d["small_organisations"])


@dataclass(frozen=True)
class Derivation:
    """What :func:`derive_orgchart` found (``orgsphere organisations`` prints it, as text or JSON): addresses and
    organisations kept, the addresses left outside by reason (most first) and the definitions used."""

    addresses: int
    organisations: int
    outside: dict[str, int]
    definitions: Definitions

    @classmethod
    def of(cls, table: pa.Table, outside: Counter) -> Derivation:
        return cls(table.num_rows, len(set(table["unit"].to_pylist())), dict(outside.most_common()),
                   definitions_of(table))  # fmt: skip

    def to_dict(self) -> dict[str, object]:
        return {"addresses": self.addresses, "organisations": self.organisations, "outside": self.outside,
                "definitions": self.definitions.to_dict()}  # fmt: skip


def write_orgchart(table: pa.Table, out: str | Path) -> Path:
    """Write a derived org chart as CSV (the definitions in its ``orgsphere_definitions`` column)."""
    out = Path(out)
    pacsv.write_csv(table, out)
    return out


def _organisation_row(path: Path) -> dict[str, object]:
    """The whole-organisation row (period and channel 'all') of an export folder or file, or of a store."""
    if path.is_dir():
        found = [p for p in (path / "sphere.parquet", path / "sphere.csv") if p.exists()]
        if not found:
            raise InputError(f"{path}: no sphere.parquet or sphere.csv here; export the results first "
                             "(orgsphere export --out FOLDER).")  # fmt: skip
        path = found[0]
    if path.suffix == ".parquet":
        table = pq.read_table(path)
    elif path.suffix == ".csv":
        table = pacsv.read_csv(path)
    else:
        raise InputError(f"{path}: expected an export folder, sphere.csv or sphere.parquet.")
    need = {"scope", "period", "channel", "persons", "internal", "external", "R"}
    if not need <= set(table.column_names):
        raise InputError(f"{path}: not an orgsphere sphere table (columns {', '.join(sorted(need))} expected).")
    rows = rows_where(table, scope="organisation", period=ALL, channel=ALL).to_pylist()
    if not rows:
        raise InputError(f"{path}: has no whole-organisation row (scope organisation, period and channel 'all').")
    return rows[0]


def compare(paths: Iterable[str | Path], names: Iterable[str] | None = None, samples: int = 2000,
            seed: int = 0) -> tuple[pa.Table, ScalingFit]:  # fmt: skip
    """One row per organisation (name, persons, internal, external, R) and the fit of R against persons."""
    sources = [Path(p) for p in paths]
    labels = list(names) if names is not None else [p.name if p.is_dir() else p.parent.name for p in sources]
    if len(labels) != len(sources):
        raise InputError(f"{len(labels)} names for {len(sources)} organisations; give one name per path.")
    rows = []
    for label, path in zip(labels, sources, strict=True):
        r = _organisation_row(path)
        rows.append({"organisation": label, "source": str(path), "persons": r["persons"], "internal": r["internal"],
                     "external": r["external"], "R": r["R"]})  # fmt: skip
    table = pa.Table.from_pylist(rows)
    fit = fit_power(np.array([r["persons"] or 0 for r in rows], dtype=float),
                    np.array([np.nan if r["R"] is None else r["R"] for r in rows], dtype=float),
                    samples=samples, seed=seed, measure="R", scope="organisations")  # fmt: skip
    return table, fit
