"""Breadth-first search as a loop of joins in the engine: the form customer distance takes where the graph
does not come to one machine (Spark, or a graph larger than memory).

Every search key (a month and channel, say) is searched at once: the frontier carries its keys and joins the
edges of the same graph. Each level is one join of the frontier with the edges, an anti-join with what was
reached before, and one small action to see whether anything new was found; organisations are a few hops
deep, so the loop is short. The answers equal :func:`orgsphere.analysis.distance.hop_distances` and
:func:`~orgsphere.analysis.distance.route_labels`: a node's label is that of its predecessor (one hop
closer) with the smallest id.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import ibis

from ..engine import materialise, release, spark_conf

__all__ = ["frontier_search"]

def frontier_search(edges: ibis.Table, sources: ibis.Table, graph_keys: Sequence[str],
                    search_keys: Sequence[str] = (), max_levels: int = 1000) -> ibis.Table:  # fmt: skip
    """Hop distances from the nearest source, with the source's label, for every node a source reaches.

    ``edges``: ``graph_keys`` + ``a``, ``b`` (undirected; each pair once or both ways). ``sources``:
    ``graph_keys`` + ``search_keys`` + ``node``, ``label`` (one row per node and keys). Returns the keys +
    ``node``, ``distance`` (0 for the sources), ``label``; a node no source reaches has no row. The engine
    holds the answer as a table: :func:`release` it when done.
    """
    keys = [*graph_keys, *search_keys]
    both = materialise(ibis.union(edges.select(*graph_keys, node=edges.a, nb=edges.b),
                                  edges.select(*graph_keys, node=edges.b, nb=edges.a), distinct=False))  # fmt: skip
    frontier = materialise(sources.select(*keys, "node", "label", distance=ibis.literal(0, "int64")))
    levels, previous = [frontier], None
    for level in range(1, max_levels + 1):
        f, e = frontier.view(), both.view()
        step = f.join(e, [f[k] == e[k] for k in graph_keys] + [f.node == e.node])
        new = step.select(*[f[k] for k in keys], node=e.nb, pred=f.node, label=f.label)
        # the graph is undirected: a neighbour of a node at level-1 lies at level-2 or further, so only the
        # last two levels need to be excluded, not everything reached so far
        for done in (frontier, previous):
            if done is not None:
                seen = done.view()
                new = new.anti_join(seen, [new[k] == seen[k] for k in keys] + [new.node == seen.node])
        # (the smallest label among the nearest sources, as route_labels: the same whatever the numbering)
        first = ibis.window(group_by=[new[k] for k in keys] + [new.node], order_by=[new.label, new.pred])
        new = new.mutate(rank=ibis.row_number().over(first)).filter(ibis._.rank == 0)
        new = materialise(new.select(*keys, "node", "label", distance=ibis.literal(level, "int64")))
        if new.count().to_pyarrow().as_py() == 0:
            release(new)
            break
        levels.append(new)
        previous, frontier = frontier, new
    with _plain_union(both):
        reached = materialise(ibis.union(*levels, distinct=False)) if len(levels) > 1 else levels[0]
    for t in [both, *levels]:
        if t is not reached:
            release(t)
    return reached


def _plain_union(t: ibis.Table) -> contextlib.AbstractContextManager[None]:
    """Spark (4.0) fails to carry the constraints of checkpointed tables through a union ("key not found");
    the union is done with constraint propagation off, which only forgoes an optimisation."""
    return spark_conf(t, "spark.sql.constraintPropagation.enabled", "false")
