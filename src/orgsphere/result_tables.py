"""The one declaration of every table orgsphere publishes: its name, the columns that say what a row is
(``keys``), the column that counts the persons behind a row (``size``: the minimum group size reads it), how
its rows add up to other rows (``parents``: what complementary suppression follows), how small groups are
kept out (``rule``) and what it holds (``description``, for the API, the exports and the docs).

:class:`~orgsphere.results.Results` builds every table through :func:`publish`, the one place where the
minimum group size is applied; the API, the report and the exports read only what it returns. Rules:

- ``sphere``: the sphere table's cells, with complementary suppression over the org chart, months and
  channels (:func:`~orgsphere.disclosure.protect_sphere`, applied by ``analyse`` because the fits read the
  protected table);
- ``follow``: rows below the size are suppressed, and every row of a unit the sphere table hides to protect a
  smaller one (:func:`~orgsphere.disclosure.follow_sphere`);
- ``boundary``: classes of outside parties and their domains, with complementary suppression between them
  and the organisation's outside contact (:func:`~orgsphere.disclosure.protect_domains`); a hidden domain
  is left out altogether (its name alone would say that someone wrote to it);
- ``size``: rows below the size are suppressed (blanked, the row kept so the reader sees the group exists);
- ``folded``: the analysis itself folds small groups into a row of their own (routes under "(other)");
- ``none``: no group's figures (fits, the model organisation, role flags and examples of big-enough units,
  language hits per document and term).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from .privacy import suppress_small_groups

__all__ = ["TableSpec", "RESULT_TABLES", "publish", "spec_of"]

RULES = ("sphere", "follow", "boundary", "size", "folded", "none")


@dataclass(frozen=True)
class TableSpec:
    name: str
    keys: tuple[str, ...]
    size: str | None
    parents: tuple[str, ...]
    rule: str
    description: str


_UNIT_TIME = ("unit → its subtree at each level → the organisation", "month → all", "channel → all")

RESULT_TABLES: tuple[TableSpec, ...] = (
    TableSpec("sphere", ("scope", "depth", "group_id", "name", "kind", "function", "period", "channel"), "contributors",
              _UNIT_TIME, "sphere",
              "Interaction counts, active persons, contributors (who sent or took part: the minimum group size "
              "reads them) and outwardness R per unit, level and organisation, per month "
              "and per channel ('all' = rolled up; a month of one channel for the whole organisation only); "
              "'complementary' marks rows hidden so that a smaller group cannot be worked out by subtraction."),
    TableSpec("fits", ("measure", "channel", "kind", "scope", "null_model"), None, (), "none",
              "Power-law fits of log y on log N (slope = exponent): OLS with a bootstrap 95% interval over the "
              "points (units, level groups, subtrees, months), Theil-Sen, p-values against -1/3 and 0, and the "
              "null model's slope with the interval of the difference."),
    TableSpec("nulls", ("channel", "unit", "name", "kind", "function"), "persons", ("channel → all",), "size",
              "Per unit and channel: observed counts, R and B against random mixing and degree-preserving "
              "rewiring (mean and 95% band), excess inwardness and its p-value (units the sphere table shows)."),
    TableSpec("subtrees", ("group_id", "name", "kind", "depth", "parent_id"), "persons",
              ("subtree → its parent's subtree",), "size",
              "Rent's rule: every subtree of the org chart with its active persons and the contacts crossing its "
              "boundary (from the protected sphere table)."),
    TableSpec("model", ("intervention", "shape", "measure"), None, (), "none",
              "The sphere model's what-if: interventions on a model organisation of this size, before and after "
              "(mean over five seeds, and the lowest and highest after)."),
    TableSpec("distance", ("unit", "name", "kind", "period", "channel", "target"), "persons",
              ("month → all", "channel → all"), "follow",
              "Customer distance per unit, period, channel and target: active persons by hops to the nearest "
              "person with direct contact (0, 1, 2, 3, 4+, unreachable), median, line of sight (within 1 and 2 "
              "hops), FTE-weighted share within 1 hop."),
    TableSpec("routes", ("unit", "target", "via_unit"), None, (), "folded",
              "The units each unit reaches the customer (and other targets) through, in person-months over the "
              "months; routes with fewer person-months than the minimum group size are folded into '(other)'."),
    TableSpec("relations", ("period", "unit_a", "unit_b", "kind_a", "kind_b"), "persons", ("month → all",), "follow",
              "Pairs of units with at least one staff unit, per period: contact each way, reciprocity, who starts "
              "threads and tickets, the share of tickets, joint customer work, and the verdict (partner, supplier, "
              "mixed, too_little) with the figures that decided it; 'persons' is the smaller unit's active "
              "persons."),
    TableSpec("language", ("source", "name", "unit", "lang", "term"), None, (), "none",
              "Internal-customer language: hits per document and term, and per unit and term in the ticket texts "
              "(where they were kept); a document read without a hit has one row with no term."),
    TableSpec("machinery", ("period", "unit", "topic"), "persons", ("month → all",), "follow",
              "Traffic of the internal customer's machinery per staff unit and period: interactions about "
              "satisfaction surveys, SLAs and requirements packages it sent and received (recognised in subjects, "
              "meeting titles and ticket categories with read_subjects), and the units at the other end."),
    TableSpec("roles", ("period", "unit", "intended_role"), "persons", ("month → all",), "follow",
              "Role profile per staff unit and period: work items per role (supporting, regulating, executing, "
              "advisory, unknown), the main role and its share, the intended role, and who asks for the work; "
              "'persons' is the unit's headcount; 'method' says how the items were classified (lexicon, model, "
              "model + lexicon, none) and why ('method_reason'), with its cross-validated accuracy and macro-F1 "
              "on the labelled items and the majority baseline's (empty without labelled items); "
              "'method_labelled_roles' lists the roles the labelled items hold, the only ones a model answers."),
    TableSpec("role_flags", ("unit", "flag"), None, (), "none",
              "Staff units in an unhealthy position, with the figures behind each flag (mismatch with the intended "
              "role, regulating without advice, one requesting unit, only tickets and no path to the customer)."),
    TableSpec("role_examples", ("unit", "role", "title"), None, (), "none",
              "A few work items per staff unit and role with the words that decided their role (titles only "
              "where keep_texts kept them)."),
    TableSpec("signatures", ("period", "unit"), "persons", (), "follow",
              "Staff roles from the interactions alone: per staff unit its dealings with the line (tickets, "
              "meetings, reciprocity, traffic from the line, focus on its busiest eighth of the line units, "
              "burstiness, broadcasts), the score of each role's signature and the role it suggests."),
    TableSpec("events", ("event", "day", "week", "label", "units", "origin"), None, (), "none",
              "What changed when: the events file's events (orgsphere ingest events) and those the org chart's "
              "membership periods show (a unit begins or ends, a group of people moves), with the units each "
              "affected (';'-separated; empty: the whole organisation)."),
    TableSpec("weekly", ("scope", "group_id", "name", "kind", "period"), "contributors",
              ("unit → the organisation", "week → all"), "sphere",
              "Weekly series per unit and for the organisation (ISO weeks, all channels): active persons, "
              "contributors, internal, external and customer contact, R and R_customer, a unit's share of active "
              "persons within one hop of a customer (within_1), a staff unit's interactions about the "
              "internal customer's machinery and its role mix (work items of known role, role_items, and the "
              "share of each role, from effect_min_role_items items on); small weeks suppressed, and weeks that "
              "would give them away ('complementary')."),
    TableSpec("weekly_relations", ("period", "unit_a", "unit_b", "kind_a", "kind_b"), "persons", ("week → all",),
              "follow",
              "Weekly series per pair of units with a staff unit: volume, ticket share, the line unit's share of "
              "the initiatives, joint customer work, the week's verdict and 'supplier' (1 supplier, 0 partner or "
              "mixed, empty with too little contact); 'persons' is the smaller unit's."),
    TableSpec("effects", ("event", "subject", "group_id", "measure"), None, (), "none",
              "The effect of each event on each weekly series it concerns: the change in level and in slope with "
              "Newey-West 95% intervals, the spread of the same estimate at placebo weeks and the event's rank "
              "among them (placebo_p), the difference-in-differences against the unaffected units or relations "
              "(did_*), and the verdict (effect, no_effect, unclear, too_few_weeks)."),
    TableSpec("growth", ("scope", "group_id", "name", "kind"), None, (), "none",
              "Growth and inwardness: per unit and for the organisation, the fit of log R on log active persons "
              "across the weeks (the sphere law over time: slope -1/3), with its interval and verdict."),
    TableSpec("boundary", ("kind", "declared_by"), "persons", ("class → all outside contact",), "boundary",
              "Outside parties by kind and how they were classified: parties, interactions, persons in contact."),
    TableSpec("domains", ("domain", "kind", "declared_by"), "persons", ("domain → its class in boundary",),
              "boundary", "The busiest outside domains, their kind and how they were classified."),
)

_BY_NAME = {spec.name: spec for spec in RESULT_TABLES}


def spec_of(name: str) -> TableSpec:
    return _BY_NAME[name]


def _empty(spec: TableSpec) -> pa.Table:
    columns = [*spec.keys, *([spec.size] if spec.size and spec.size not in spec.keys else [])]
    return pa.table({c: pa.array([], pa.int64() if c == spec.size else pa.string()) for c in columns})


def publish(name: str, table: pa.Table | None, min_size: int) -> pa.Table:
    """The table ``name`` as it may leave orgsphere: its declared keys in its metadata (the columns the
    minimum group size keeps), and its rule applied (a table the analysis already protected is not changed:
    :func:`~orgsphere.privacy.suppress_small_groups` does not run twice with one size)."""
    spec = _BY_NAME[name]
    table = _empty(spec) if table is None else table
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"keys": ",".join(spec.keys).encode()})
    if spec.size is None or spec.rule in ("none", "folded"):
        return table
    shown = suppress_small_groups(table, spec.size, min_size)
    if name == "domains":  # a domain's name alone says that someone wrote to it
        shown = shown.filter(pc.invert(shown["suppressed"]))
    return shown
