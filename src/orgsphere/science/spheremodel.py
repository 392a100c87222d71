"""Iske's sphere model as a simulator: people in a d-dimensional ball, contacts by proximity, customers outside.

N people are scattered uniformly (density 1) in a ball of dimension d; two people work together when they
are closer than a contact radius ρ (chosen so that someone in the middle has ``contacts`` colleagues); the
world outside the ball is full of customers at the same density, and whoever is within ρ of a customer
serves them. Internal contacts then grow with the volume, external ones with the surface, and
external / internal falls as N^(−1/d): −1/3 for Iske's ball in three dimensions. The contact radius is
finite, so the skin of a small ball is relatively thick and its slope a little steeper; over 2,000 to
64,000 people the fitted slope lies within 0.04 of −1/d for d = 2, 3 and 4 (tests/test_spheremodel.py).

Alternatives, to hold against the ball:
- ``tree``: a hierarchy of teams (``branching`` reports per manager, team-mates work together, each
  manager with their reports); the front line (the leaves) serves customers. R does not fall with size.
- ``network``: everyone works with ``contacts`` random colleagues; a fixed share serves customers. Flat too.

Interventions (what-if): ``rotate`` moves a share of the people without customer contact to the front
(the outer shell of the ball); ``embed`` places a share of them in customer teams (each gains two
colleagues with customer contact, and keeps their place); ``flatten`` removes one management level of
the tree (its managers join their teams, the teams report one level up). Each returns the organisation
before and after: R, the share with direct customer contact and the share within one hop of it (line of
sight), computed with a multi-source breadth-first search over the contact graph.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pyarrow as pa
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from ..analysis.fit import fit_power
from ..errors import InputError
from ..fits import ScalingFit

__all__ = ["Snapshot", "ball", "tree", "network", "simulate", "exponent", "grow", "what_if", "SHAPES",
           "INTERVENTIONS", "dimension_from_slope", "what_if_table"]  # fmt: skip

SHAPES = ("ball", "tree", "network")
INTERVENTIONS = ("rotate", "embed", "flatten")


@dataclass(frozen=True)
class Snapshot:
    """One simulated organisation."""

    shape: str
    persons: int
    internal: int  # contacts between colleagues
    external: int  # contacts with customers
    customer_facing: float  # share of people with a customer contact (distance 0)
    line_of_sight: float  # share within one hop of someone with a customer contact

    @property
    def R(self) -> float:  # noqa: N802 - the product's name for external / internal
        return self.external / self.internal if self.internal else float("nan")

    def as_dict(self) -> dict[str, float | int | str]:
        return {**asdict(self), "R": self.R}


def dimension_from_slope(slope: float | None) -> float | None:
    """The ball dimension whose exponent is ``slope`` (−1/d), or None when the slope is not negative."""
    return None if slope is None or slope >= 0 else -1.0 / slope


def _unit_ball_volume(d: int) -> float:
    return math.pi ** (d / 2) / math.gamma(d / 2 + 1)


def _in_ball(rng: np.random.Generator, n: int, d: int, r_low: float, r_high: float) -> np.ndarray:
    """n points uniform in the shell r_low <= |x| < r_high of dimension d."""
    direction = rng.standard_normal((n, d))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    u = rng.random(n)
    radius = (r_low**d + u * (r_high**d - r_low**d)) ** (1.0 / d)
    return direction * radius[:, None]


def _snapshot(shape: str, n: int, edges: np.ndarray, external: np.ndarray) -> Snapshot:
    """Contacts (pairs of people) and customer contacts per person -> the snapshot with line of sight."""
    facing = external > 0
    if n and facing.any():
        graph = sparse.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)).tocsr()
        distance = dijkstra(graph, directed=False, indices=np.flatnonzero(facing), unweighted=True, min_only=True)
        sight = float(np.mean(distance <= 1))
    else:
        sight = 0.0
    return Snapshot(shape, n, int(len(edges)), int(external.sum()), float(facing.mean()) if n else 0.0, sight)


def _radii(n: int, d: int, contacts: float) -> tuple[float, float]:
    """Radius of a ball holding n people at density 1, and the contact radius giving ``contacts`` in the bulk."""
    volume = _unit_ball_volume(d)
    return (n / volume) ** (1.0 / d), (contacts / volume) ** (1.0 / d)


def _ball_contacts(points: np.ndarray, r: float, rho: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    d = points.shape[1]
    edges = cKDTree(points).query_pairs(rho, output_type="ndarray")
    shell = r + rho
    outside = rng.poisson(_unit_ball_volume(d) * (shell**d - r**d))
    customers = _in_ball(rng, outside, d, r, shell)
    external = np.asarray(cKDTree(customers).query_ball_point(points, rho, return_length=True), dtype=np.int64) \
        if outside else np.zeros(len(points), dtype=np.int64)  # fmt: skip
    return edges.reshape(-1, 2), external


def ball(n: int, d: int = 3, contacts: float = 8.0, seed: int = 0) -> Snapshot:
    """N people in a d-dimensional ball; see the module text."""
    rng = np.random.default_rng(seed)
    r, rho = _radii(n, d, contacts)
    points = _in_ball(rng, n, d, 0.0, r)
    return _snapshot("ball", n, *_ball_contacts(points, r, rho, rng))


def _tree_edges(parent: np.ndarray) -> np.ndarray:
    """Manager-report pairs and every pair of team-mates (people with the same manager)."""
    n = len(parent)
    pairs = [np.column_stack([np.flatnonzero(parent >= 0), parent[parent >= 0]])]
    order = np.argsort(parent, kind="stable")
    teams = np.split(order, np.flatnonzero(np.diff(parent[order])) + 1)
    for team in teams:
        if parent[team[0]] >= 0 and len(team) > 1:
            i, j = np.triu_indices(len(team), 1)
            pairs.append(np.column_stack([team[i], team[j]]))
    return np.concatenate(pairs).astype(np.int64) if n else np.zeros((0, 2), np.int64)


def _tree_parents(n: int, branching: int) -> np.ndarray:
    return np.array([-1] + [(i - 1) // branching for i in range(1, n)], dtype=np.int64)


def tree(
    n: int, branching: int = 6, customers_per_leaf: int = 3, seed: int = 0, flatten: int | None = None
) -> Snapshot:
    """A hierarchy of n people; ``flatten`` removes that management level (1 = just below the top)."""
    parent = _tree_parents(n, branching)
    if flatten is not None:
        parent = _flattened(parent, flatten)
    has_reports = np.zeros(n, dtype=bool)
    has_reports[parent[parent >= 0]] = True
    external = np.where(has_reports, 0, customers_per_leaf).astype(np.int64)
    return _snapshot("tree", n, _tree_edges(parent), external)


def _depths(parent: np.ndarray) -> np.ndarray:
    depth = np.zeros(len(parent), dtype=np.int64)
    for i in range(1, len(parent)):  # parents come before their reports
        depth[i] = depth[parent[i]] + 1 if parent[i] >= 0 else 0
    return depth


def _flattened(parent: np.ndarray, level: int) -> np.ndarray:
    """Managers at ``level`` join their own team (reporting where they did); their reports move up to it."""
    depth = _depths(parent)
    if level < 1 or level >= depth.max():
        raise InputError(f"flatten level {level} is not a management level of this tree (1 to {depth.max() - 1}).")
    out = parent.copy()
    for i in np.flatnonzero((depth == level + 1) & (parent >= 0)):
        out[i] = parent[parent[i]]
    return out


def network(n: int, contacts: float = 8.0, customer_share: float = 0.2, seed: int = 0) -> Snapshot:
    """Everyone works with ``contacts`` random colleagues on average; a random share serves customers."""
    rng = np.random.default_rng(seed)
    m = int(round(n * contacts / 2))
    edges = rng.integers(0, n, size=(m, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    external = (rng.random(n) < customer_share).astype(np.int64) * 3
    return _snapshot("network", n, edges, external)


def simulate(shape: str, n: int, seed: int = 0, d: int = 3, contacts: float = 8.0) -> Snapshot:
    if shape == "ball":
        return ball(n, d=d, contacts=contacts, seed=seed)
    if shape == "tree":
        return tree(n, seed=seed)
    if shape == "network":
        return network(n, contacts=contacts, seed=seed)
    raise InputError(f"unknown shape {shape!r}; choose one of {', '.join(SHAPES)}.")


def exponent(shape: str = "ball", sizes: tuple[int, ...] = (500, 1000, 2000, 4000, 8000, 16000),
             seeds: tuple[int, ...] = (0, 1, 2), d: int = 3, contacts: float = 8.0,
             bootstrap_samples: int = 2000) -> tuple[ScalingFit, list[Snapshot]]:  # fmt: skip
    """Simulate every size with every seed and fit log R against log N over the organisations."""
    shots = [simulate(shape, n, seed=s, d=d, contacts=contacts) for n in sizes for s in seeds]
    fit = fit_power(np.array([s.persons for s in shots]), np.array([s.R for s in shots]), samples=bootstrap_samples,
                    seed=0, measure="R", scope=f"{shape} model organisations")  # fmt: skip
    return fit, shots


def grow(start: int, end: int, steps: int, shape: str = "ball", d: int = 3, seed: int = 0) -> list[Snapshot]:
    """An organisation growing from ``start`` to ``end`` people in ``steps`` equal ratios."""
    sizes = np.unique(np.round(np.geomspace(start, end, steps)).astype(int))
    return [simulate(shape, int(n), seed=seed + i, d=d) for i, n in enumerate(sizes)]


def what_if(intervention: str, n: int = 2000, share: float = 0.2, d: int = 3, seed: int = 0,
            level: int = 1) -> tuple[Snapshot, Snapshot]:  # fmt: skip
    """The organisation before and after an intervention (see the module text)."""
    if not 0.0 <= share <= 1.0:
        raise InputError(f"share {share} must lie between 0 and 1.")
    if intervention == "flatten":
        return tree(n, seed=seed), tree(n, seed=seed, flatten=level)
    if intervention not in INTERVENTIONS:
        raise InputError(f"unknown intervention {intervention!r}; choose one of {', '.join(INTERVENTIONS)}.")
    rng = np.random.default_rng(seed)
    r, rho = _radii(n, d, 8.0)
    points = _in_ball(rng, n, d, 0.0, r)
    edges, external = _ball_contacts(points, r, rho, np.random.default_rng(seed + 1))
    before = _snapshot("ball", n, edges, external)
    inside = np.flatnonzero(external == 0)
    chosen = rng.choice(inside, size=int(round(share * len(inside))), replace=False) if len(inside) else inside
    if intervention == "rotate":
        points = points.copy()
        points[chosen] = _in_ball(rng, len(chosen), d, max(r - rho, 0.0), r)
        edges, external = _ball_contacts(points, r, rho, np.random.default_rng(seed + 1))
    else:  # embed: two customer-facing colleagues each
        facing = np.flatnonzero(external > 0)
        if len(facing) and len(chosen):
            partners = rng.choice(facing, size=(len(chosen), 2))
            extra = np.column_stack([np.repeat(chosen, 2), partners.ravel()])
            edges = np.concatenate([edges, extra])
    return before, _snapshot("ball", n, edges, external)


WHAT_IF_MEASURES = ("R", "customer_facing", "line_of_sight")


def what_if_table(n: int, share: float = 0.2, d: int = 3, seeds: tuple[int, ...] = (0, 1, 2, 3, 4)) -> pa.Table:
    """Every intervention on a model organisation of ``n`` people, repeated over seeds: per intervention and
    measure the mean before and after, and the lowest and highest after over the seeds."""
    n = max(50, min(int(n), 20000))  # the model's answer hardly changes above 20,000 people; keep it quick
    rows = []
    for intervention in INTERVENTIONS:
        runs = [what_if(intervention, n=n, share=share, d=d, seed=s) for s in seeds]
        for measure in WHAT_IF_MEASURES:
            before = [float(getattr(b, measure)) for b, _ in runs]
            after = [float(getattr(a, measure)) for _, a in runs]
            rows.append({"intervention": intervention, "shape": runs[0][0].shape, "persons": n, "share": share,
                         "measure": measure, "before": float(np.mean(before)), "after": float(np.mean(after)),
                         "after_low": min(after), "after_high": max(after)})  # fmt: skip
    return pa.Table.from_pylist(rows)
