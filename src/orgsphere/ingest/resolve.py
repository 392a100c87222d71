"""Who is at each end of an interaction: a person of the org chart, a declared party, or an outside domain.

Every reader of interactions resolves its raw identifiers (ids, addresses) here, so the boundary between
inside and outside is drawn in one place:

1. an identifier (or email alias) of a person of the org chart -> that person (pseudonym); an address the org
   chart gives a unit (a shared mailbox, a team or list address) -> that unit;
2. an id or address declared as a party -> that party;
3. an address in one of the internal domains but not in the org chart -> rejected (it would silently turn
   a colleague into an outsider);
4. an address whose domain is declared (parties file or ``*_domains`` settings) -> the domain's party;
5. any other address -> outside, kind ``other``, reduced to its domain (or kept as a pseudonym when
   ``keep_external_addresses`` is set, and always at a free mail service, which is no organisation);
6. anything else -> rejected: neither a person of the org chart nor a declared outside party.
"""

from __future__ import annotations

from collections.abc import Container

import pyarrow as pa
import pyarrow.compute as pc

from ..privacy import domain_of, normalise_identity
from ..schema import PARTY, PERSON, UNIT
from ..settings import Settings
from ..store import Store
from .parties import UNDECLARED, domain_party_id

__all__ = ["Resolver", "Resolved", "UNDECLARED", "matching_domain"]

Resolved = tuple[str, str] | str  # (id, kind person|party), or the reason it cannot be resolved


def matching_domain(domain: str, domains: Container[str]) -> str | None:
    """The entry of ``domains`` that ``domain`` is, or is a subdomain of."""
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        candidate = ".".join(parts[i:])
        if candidate in domains:
            return candidate
    return None


class Resolver:
    def __init__(self, store: Store, settings: Settings):
        self.pseudo = store.pseudonymiser()
        self.aliases: dict[str, str] = dict(store.raw.execute("SELECT alias, person_id FROM aliases").fetchall())
        self.parties: dict[str, str] = dict(store.raw.execute("SELECT party_id, kind FROM parties").fetchall())
        self.unit_addresses: dict[str, str] = dict(
            store.raw.execute("SELECT address, unit_id FROM unit_addresses").fetchall())
        self.internal = set(settings.internal_domains)
        self.rules: dict[str, str] = {}
        for kind in ("partner", "regulator", "supplier", "customer"):  # later wins: customer rules first
            for domain in getattr(settings, f"{kind}_domains"):
                self.rules[domain.lstrip("@")] = kind
        self.keep_addresses: bool = settings.keep_external_addresses
        self.freemail = set(settings.freemail_domains)
        self.new_parties: dict[str, tuple[str, str | None, str]] = {}  # party_id -> (kind, domain, declared by)
        self._cache: dict[str, Resolved] = {}
        self._known: _Known | None = None  # the values :meth:`array` met, resolved, as Arrow arrays
        self._last: list[tuple[_Known | None, pa.Array, tuple[pa.Array, ...]]] = []  # (:meth:`_for_dictionary`)
        self.store_units = store.raw.execute("SELECT unit_id FROM units").fetchall()
        self.units: dict[str, str] = {}

    def one(self, raw: str) -> Resolved:
        hit = self._cache.get(raw)
        if hit is None:
            hit = self._cache[raw] = self._resolve(raw)
        return hit

    def _resolve(self, raw: str) -> Resolved:
        if not raw.strip():
            return "is empty"
        norm = normalise_identity(raw)
        if norm.count("@") > 1 or ("@" in norm and any(c in norm for c in " ;,<>\t")):
            return ("holds several addresses, or text around an address; give one address per row (split "
                    "'a@x.example; b@y.example' into two rows)")  # fmt: skip
        hashed = self.pseudo.one(raw)
        if hashed in self.aliases:
            return self.aliases[hashed], PERSON
        if hashed in self.unit_addresses:
            return self.unit_addresses[hashed], UNIT
        if hashed in self.parties:
            return hashed, PARTY
        unit = self.units.get(raw.strip().lower())
        if unit is not None:
            return unit, UNIT
        domain = domain_of(raw)
        if domain is None:
            return "is neither a person of the org chart nor a declared outside party"
        if matching_domain(domain, self.internal):
            return (
                f"is an address in the internal domain {domain} that is not in the org chart "
                "(add the person, or their email column, to the org chart; a shared mailbox or list address: "
                "give it to its unit, under addresses in the units YAML)"
            )
        party_id = domain_party_id(domain)
        if party_id not in self.parties:
            declared = matching_domain(domain, {d.lstrip("@") for d in self.rules})
            parent = domain_party_id(declared) if declared else None
            if parent is not None and parent in self.parties:
                return parent, PARTY
            kind = self.rules[declared] if declared else "other"
            if (kind == "other" and self.keep_addresses) or domain in self.freemail:
                party_id = hashed  # a free mail service is no organisation: each address is its own party
            elif declared:
                party_id = domain_party_id(declared)
                domain = declared
            self.parties[party_id] = kind
            how = f"setting {kind}_domains" if declared else UNDECLARED
            self.new_parties[party_id] = (kind, domain, how)
        return party_id, PARTY

    def accept_units(self) -> None:
        """Let unit names of the org chart (compared case-insensitively) stand as ends, for readers whose
        rows go to a team rather than a person (a ticket to its assignment group)."""
        self.units = {u.strip().lower(): u for (u,) in self.store_units}
        self._known = None

    def declare(self, raw: str, kind: str, how: str) -> None:
        """Make ``raw`` an outside party of ``kind`` unless it already is a person or a party (a reader that
        knows, like a CRM, declares its accounts). A domain keeps its domain; an id or address is hashed."""
        if not raw.strip() or not isinstance(self.one(raw), str):
            return
        text = raw.strip().lower().lstrip("@")
        is_domain = "@" not in text and "." in text and " " not in text
        party_id = domain_party_id(text) if is_domain else self.pseudo.one(raw)
        self.parties[party_id] = kind
        self.new_parties[party_id] = (kind, text if is_domain else domain_of(raw), how)
        self._cache[raw] = (party_id, PARTY)
        self._known = None

    def array(self, values: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
        """Resolve a string array: ids, kinds and problems (null where the value resolved). Each distinct value
        is resolved once per ingest (:meth:`one`); the values met before are looked up in Arrow."""
        if pa.types.is_dictionary(values.type):  # (a Parquet column of repeated ids: resolve its dictionary)
            dictionary = pc.fill_null(values.dictionary.cast(pa.string()), "")
            idx = values.indices
            if idx.null_count:  # a null id is an empty one: point it at an empty value after the dictionary
                dictionary = pa.concat_arrays([dictionary, pa.array([""], pa.string())])
                idx = pc.fill_null(idx.cast(pa.int64()), len(dictionary) - 1)
        else:
            encoded = pc.dictionary_encode(pc.fill_null(values.cast(pa.string()), ""))
            dictionary, idx = encoded.dictionary, encoded.indices
        ids, kinds, problems = self._for_dictionary(dictionary)
        return pc.take(ids, idx), pc.take(kinds, idx), pc.take(problems, idx)

    def _for_dictionary(self, dictionary: pa.Array) -> tuple[pa.Array, ...]:
        """The ids, kinds and problems of the values of ``dictionary``; those not met before are resolved here,
        one by one. The answers for the last two dictionaries are kept: a Parquet file's batches share theirs."""
        known = self._known
        for seen, values, answer in self._last:
            if seen is known and values.equals(dictionary):
                return answer
        if known is None:
            known = self._known = _Known.of(self, list(self._cache))
        where = pc.index_in(dictionary, value_set=known.values)
        if where.null_count:
            known = self._known = known.grown(self, pc.unique(dictionary.filter(pc.is_null(where))).to_pylist())
            where = pc.index_in(dictionary, value_set=known.values)
        answer = tuple(pc.take(column, where) for column in known.columns())
        self._last = [(known, dictionary, answer), *self._last[:1]]
        return answer

    def flush(self, store: Store) -> None:
        """Store the parties that this ingest declared or met (with how each was classified)."""
        if not self.new_parties:
            return
        ids = list(self.new_parties)
        store.append(
            "parties",
            pa.table(
                {
                    "party_id": ids,
                    "kind": [self.new_parties[i][0] for i in ids],
                    "domain": [self.new_parties[i][1] for i in ids],
                    "name": [self.new_parties[i][1] if i.startswith("@") else None for i in ids],
                    "declared_by": [self.new_parties[i][2] for i in ids],
                },
                schema=pa.schema([(n, pa.string()) for n in ("party_id", "kind", "domain", "name", "declared_by")]),
            ),
        )
        self.new_parties.clear()


class _Known:
    """Values resolved so far (:meth:`Resolver.array`), each with its id, kind and problem, as Arrow arrays so
    that a chunk's values are looked up in C, not in Python."""

    def __init__(self, values: pa.Array, ids: pa.Array, kinds: pa.Array, problems: pa.Array):
        self.values, self.ids, self.kinds, self.problems = values, ids, kinds, problems

    @classmethod
    def of(cls, resolver: Resolver, raws: list[str]) -> _Known:
        ids: list[str | None] = []
        kinds: list[str | None] = []
        problems: list[str | None] = []
        for raw in raws:
            hit = resolver.one(raw)
            if isinstance(hit, str):
                ids.append(None)
                kinds.append(None)
                problems.append(hit)
            else:
                ids.append(hit[0])
                kinds.append(hit[1])
                problems.append(None)
        return cls(*(pa.array(c, pa.string()) for c in (raws, ids, kinds, problems)))

    def grown(self, resolver: Resolver, raws: list[str]) -> _Known:
        more = _Known.of(resolver, raws)
        return _Known(*(pa.concat_arrays([a, b]) for a, b in zip(self.columns(True), more.columns(True), strict=True)))

    def columns(self, with_values: bool = False) -> tuple[pa.Array, ...]:
        return (self.values, self.ids, self.kinds, self.problems)[0 if with_values else 1 :]
