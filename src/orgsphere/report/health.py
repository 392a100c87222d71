"""The report's data check: the findings of orgsphere check (errors and warnings, and the undeclared domains),
as sentences of the catalogue with their figures, and what to do about each."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

from ..results import Results
from .i18n import Words, labels

__all__ = ["health_context", "finding_sentences", "finding_fixes"]

SHOWN_LEVELS = ("error", "warning")


def finding_sentences(t: Words, figures: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, Callable[[], str]]:
    """Per finding code its sentence with ``values`` filled in, on call (so only the finding's own code is
    asked for its values), in the plural form that its count in ``figures`` takes."""
    def count(name: str) -> int:
        value = figures.get(name)
        return int(value) if isinstance(value, (int, float)) else 0

    return {
        "failed-ingest": lambda: t.ngettext(
            "The last ingest of %(source)s failed: %(rejected)s row rejected, nothing kept.",
            "The last ingest of %(source)s failed: %(rejected)s rows rejected, nothing kept.",
            count("rejected"), **values),
        "many-rejects": lambda: t.ngettext("%(source)s: %(rejected)s of %(rows)s rows was rejected.",
                                           "%(source)s: %(rejected)s of %(rows)s rows were rejected.",
                                           count("rejected"), **values),
        "no-orgchart": lambda: t.gettext("There is no org chart.", **values),
        "no-interactions": lambda: t.gettext("There are no interactions: nothing to analyse.", **values),
        "no-outside-contact": lambda: t.gettext(
            "None of the %(interactions)s interactions reaches the outside world: every unit's outwardness is 0.",
            **values),
        "no-customer-contact": lambda: t.ngettext(
            "Not one interaction is with a customer (%(declared_customers)s customer declared): every distance to "
            "the customer and every customer share is empty.",
            "Not one interaction is with a customer (%(declared_customers)s customers declared): every distance to "
            "the customer and every customer share is empty.", count("declared_customers"), **values),
        "declared-never-seen": lambda: t.ngettext(
            "%(parties)s declared outside party never occurs in the interactions.",
            "%(parties)s declared outside parties never occur in the interactions.", count("parties"), **values),
        "domain-never-seen": lambda: t.gettext("Declared domains that never occur: %(domains)s.", **values),
        "undeclared-domains": lambda: t.gettext(
            "Outside domains with most traffic that nobody declared: %(domains)s.", **values),
        "persons-never-seen": lambda: t.ngettext(
            "%(never_seen)s of the %(people)s persons of the org chart occurs in no interaction.",
            "%(never_seen)s of the %(people)s persons of the org chart occur in no interaction.",
            count("never_seen"), **values),
        "extreme-volume": lambda: t.ngettext(
            "%(persons)s person has more than ten times the usual volume (%(share)s of all contacts): a shared "
            "mailbox or a bot?",
            "%(persons)s persons have more than ten times the usual volume (%(share)s of all contacts): shared "
            "mailboxes or bots?", count("persons"), **values),
        "broadcast-share": lambda: t.gettext("%(share)s of the interactions are broadcasts or list mail.", **values),
        "undated": lambda: t.gettext(
            "%(share)s of the interactions have no date: they count in the whole period, in no month.", **values),
        "implausible-dates": lambda: t.ngettext(
            "%(interactions)s interaction is dated before 1990 or in the future: times counted from the start of a "
            "recording, or the wrong date column?",
            "%(interactions)s interactions are dated before 1990 or in the future: times counted from the start of "
            "a recording, or the wrong date column?", count("interactions"), **values),
        "thin-months": lambda: t.gettext("Months with (almost) no data: %(months)s.", **values),
    }


def finding_fixes(t: Words) -> dict[str, str]:
    """Per finding code what to do about it."""
    _ = t.gettext
    return {
        "failed-ingest": _("See the reasons (orgsphere rejects), fix the cause and ingest the file again."),
        "many-rejects": _("See the reasons (orgsphere rejects)."),
        "no-orgchart": _("Ingest the org chart: orgsphere ingest orgchart units.yaml people.csv."),
        "no-interactions": _("Ingest mail, meetings, chat, tickets or an edge list."),
        "no-outside-contact": _("Ingest sources with mail to and from outside, set internal_domains, and declare "
                                "the customers."),
        "no-customer-contact": _("Declare the customers (orgsphere ingest parties, or customer_domains); the "
                                 "busiest undeclared domains are candidates."),
        "declared-never-seen": _("Check the spelling of their domains and addresses, and that their mail was "
                                 "exported."),
        "domain-never-seen": _("Check their spelling in the settings."),
        "undeclared-domains": _("Declare the customers and suppliers among them."),
        "persons-never-seen": _("Check that every mailbox and calendar was exported and that the ids match."),
        "extreme-volume": _("A shared mailbox or a bot is no person: add it to automated_senders, or leave it out "
                            "of the org chart."),
        "broadcast-share": _("Read the figures per channel."),
        "undated": _("Map the time column, or set date_format."),
        "implausible-dates": _("Map the right time column, or set date_format."),
        "thin-months": _("A missing export? Ingest it, or read those months as missing."),
    }


def health_context(results: Results, t: Words, n: Callable[..., str]) -> dict[str, Any] | None:
    health = getattr(results, "health", None)
    if health is None:
        return None
    levels, fixes = labels(t)["level"], finding_fixes(t)
    items = []
    for f in health.findings:
        if f.level not in SHOWN_LEVELS and f.code != "undeclared-domains":
            continue
        fig = dict(f.figures)
        values = {k: n(v) for k, v in fig.items() if isinstance(v, (int, float))}
        if "source" in fig:
            values["source"] = PurePath(fig["source"]).name  # the file's name, not where it lies
        if "domains" in fig:
            values["domains"] = ", ".join(d["domain"] if isinstance(d, dict) else d for d in fig["domains"])
        if "months" in fig:
            values["months"] = ", ".join(m["month"] for m in fig["months"])
        if "share_of_ends" in fig:
            values["share"] = n(100 * fig["share_of_ends"], 0) + "%"
        elif "interactions" in fig and fig["interactions"]:
            part = fig.get("broadcast", fig.get("undated"))
            if part is not None:
                values["share"] = n(100 * part / fig["interactions"], 0) + "%"
        items.append({"level": f.level, "label": levels[f.level],
                      "text": finding_sentences(t, fig, values)[f.code](), "fix": fixes[f.code]})  # fmt: skip
    return {"items": items, "errors": len(health.errors), "warnings": len(health.warnings)}
