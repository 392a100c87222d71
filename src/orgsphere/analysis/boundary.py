"""Where the boundary is drawn: how the outside parties were classified, and how much traffic each class
carries. Every figure of outwardness moves with this, so the report shows it."""

from __future__ import annotations

import ibis
import pyarrow as pa

from ..engine import TableSource
from ..schema import PARTY

__all__ = ["boundary_counts", "BOUNDARY_KEYS", "DOMAIN_KEYS", "TOP_DOMAINS"]

BOUNDARY_KEYS = ("kind", "declared_by")
DOMAIN_KEYS = ("domain", "kind", "declared_by")
TOP_DOMAINS = 25


def _contacts(store: TableSource) -> ibis.Table:
    i = store.table("interactions")
    ends = ibis.union(
        i.filter(i.src_kind == PARTY).select(party=i.src, person=i.dst, n=i.n),
        i.filter(i.dst_kind == PARTY).select(party=i.dst, person=i.src, n=i.n),
    )
    parties = store.table("parties")
    return ends.join(parties, ends.party == parties.party_id)


def boundary_counts(store: TableSource) -> tuple[pa.Table, pa.Table]:
    """Per class of party (kind, how it was declared): parties, interactions, internal persons in contact;
    and every outside domain, busiest first (those of parties without a domain under a null one):
    :func:`~orgsphere.disclosure.protect_domains` keeps the ``TOP_DOMAINS`` it may show."""
    j = _contacts(store)
    classes = (
        j.group_by(list(BOUNDARY_KEYS))
        .aggregate(parties=j.party.nunique(), interactions=j.n.sum(), persons=j.person.nunique())
        .order_by([ibis.desc("interactions")])
        .to_pyarrow()
    )
    domains = (
        j.group_by(list(DOMAIN_KEYS))
        .aggregate(interactions=j.n.sum(), persons=j.person.nunique())
        .order_by([ibis.desc("interactions"), "domain"])
        .to_pyarrow()
    )
    return (
        classes.replace_schema_metadata({b"keys": ",".join(BOUNDARY_KEYS).encode()}),
        domains.replace_schema_metadata({b"keys": ",".join(DOMAIN_KEYS).encode()}),
    )
