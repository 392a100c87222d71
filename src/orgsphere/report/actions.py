"""The report's opening section, "What to do first": each finding of :mod:`orgsphere.action_rules` in four parts,
all from the catalogue: what we see (with its figures), why it matters (in the seeds' terms: the internal
customer, supplier or partner, distance to the one real customer, the role of a staff department), what to do,
and a link to its evidence further down. Also what the data could not judge, and what was found in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..action_rules import SHOWN_UNITS, Action, Actions, actions_of
from ..results import Results
from .changes import change_value, measure_words
from .i18n import Words, labels
from .roles import flag_words

__all__ = ["actions_context"]

Number = Callable[..., str]


def _listed(units: list[dict[str, Any]], t: Words, value: Callable[[dict[str, Any]], str]) -> str:
    """The first units with their figure, "and N more" after them."""
    shown = [f"{u['name']} ({value(u)})" for u in units[:SHOWN_UNITS]]
    more = len(units) - SHOWN_UNITS
    if more > 0:
        shown.append(t.ngettext("and %(n)s more", "and %(n)s more", more, n=more))
    return ", ".join(shown)


def _pct(n: Number) -> Callable[[float], str]:
    return lambda v: n(100 * v) + "%"


def _suppliers(a: Action, t: Words, n: Number) -> dict[str, str]:
    f, pct = a.figures, _pct(n)
    see = t.ngettext(
        "%(n)s of the %(staff)s staff units in contact with the line works with it mainly as a supplier (the share "
        "of its contact with the line that runs as supplier in brackets): %(units)s.",
        "%(n)s of the %(staff)s staff units in contact with the line work with it mainly as a supplier (the share "
        "of their contact with the line that runs as supplier in brackets): %(units)s.", f["suppliers"],
        n=f["suppliers"], staff=f["staff_units"], units=_listed(a.units, t, lambda u: pct(u["value"])),
    ) + " " + t.ngettext(
        "%(partners)s of the %(relations)s relations between line and staff works as a partnership.",
        "%(partners)s of the %(relations)s relations between line and staff work as a partnership.",
        f["partners"], partners=f["partners"], relations=f["relations"],
    )  # fmt: skip
    return {
        "title": t.gettext("Staff units work as suppliers to an internal customer"),
        "see": see,
        "why": t.gettext("A staff unit that treats the line as its internal customer serves that customer's wishes "
                         "(\"you ask, we deliver\") instead of working with the line for the one real customer "
                         "outside; tickets and service levels then measure the service, not what the customer "
                         "gets."),
        "do": t.gettext("Make these units partners of the line: give each line unit a named contact who joins its "
                        "work for customers, leave only routine requests to the ticket queue, and judge the unit by "
                        "what the end customer gets, not by the internal customer's satisfaction."),
    }  # fmt: skip


def _out_of_sight(a: Action, t: Words, n: Number) -> dict[str, str]:
    f, pct = a.figures, _pct(n)
    return {
        "title": t.gettext("Units out of sight of the customer"),
        "see": t.ngettext(
            "In %(n)s of the %(units)s units fewer than %(threshold)s of the people are within one hop of a customer "
            "in a typical month: %(list)s.",
            "In %(n)s of the %(units)s units fewer than %(threshold)s of the people are within one hop of a customer "
            "in a typical month: %(list)s.", f["out_of_sight"], n=f["out_of_sight"], units=f["units"],
            threshold=pct(f["threshold"]), list=_listed(a.units, t, lambda u: pct(u["value"]))),
        "why": t.gettext("The further a unit works from the one real customer, the more its work is steered by "
                         "internal wishes; the sphere model predicts this drift inward as an organisation grows."),
        "do": t.gettext("Bring these units within one hop of the customer: let their people join the line's customer "
                        "meetings, seat them with a team that serves customers, or let them work at the front line "
                        "for a few weeks a year."),
    }  # fmt: skip


def _roles(a: Action, t: Words, n: Number, names: dict[str, str]) -> dict[str, str]:
    flagged = "; ".join(f"{u['name']}: " + ", ".join(flag_words(f, t, n, names) for f in u["flags"])
                        for u in a.units[:SHOWN_UNITS])  # fmt: skip
    return {
        "title": t.gettext("Staff units unclear about their role"),
        "see": t.ngettext("%(n)s of the %(staff)s staff units with work items does work that does not fit its "
                          "role: %(list)s.",
                          "%(n)s of the %(staff)s staff units with work items do work that does not fit their "
                          "role: %(list)s.",
                          a.figures["flagged"], n=a.figures["flagged"], staff=a.figures["staff_units"],
                          list=flagged),  # fmt: skip
        "why": t.gettext("A staff department should be clear about its role: supporting, regulating, executing or "
                         "advisory. A unit meant to advise that mostly serves, or one that only checks, is no partner "
                         "of the line and leaves the line guessing what to expect of it."),
        "do": t.gettext("Agree with each of these units and the line which role it plays for the customer, write it "
                        "down, and steer its work and its people on that role."),
    }  # fmt: skip


def _internal_customer(a: Action, t: Words, n: Number) -> dict[str, str]:
    f = a.figures
    parts = []
    if f["interactions"]:
        parts.append(t.ngettext(
            "%(n)s interaction is about service level reports, satisfaction surveys or requirements packages.",
            "%(n)s interactions are about service level reports, satisfaction surveys or requirements packages.",
            f["interactions"], n=n(f["interactions"])))  # fmt: skip
    if f["document_hits"]:
        parts.append(t.ngettext("The words of the internal customer occur %(hits)s time in %(documents)s of the "
                                "documents read.",
                                "The words of the internal customer occur %(hits)s times in %(documents)s of the "
                                "documents read.", f["document_hits"], hits=n(f["document_hits"]),
                                documents=n(f["documents"])))  # fmt: skip
    if f["ticket_hits"]:
        parts.append(t.ngettext("The staff units' tickets use them %(hits)s time.",
                                "The staff units' tickets use them %(hits)s times.", f["ticket_hits"],
                                hits=n(f["ticket_hits"])))  # fmt: skip
    parts.append(t.gettext("Most in: %(list)s.", list=", ".join(u["name"] for u in a.units[:SHOWN_UNITS])))
    return {
        "title": t.gettext("The internal customer is alive in mail and documents"),
        "see": " ".join(parts),
        "why": t.gettext("Service level agreements, satisfaction surveys and requirements packages are the machinery "
                         "of the internal customer: they make colleagues into customer and supplier, and take the "
                         "attention away from the one real customer."),
        "do": t.gettext("Stop the internal service level reports and satisfaction surveys; give line and staff one "
                        "shared goal for the end customer instead, and rewrite the documents in those terms."),
    }  # fmt: skip


def _change(c: dict[str, Any], t: Words, n: Number, what: dict[str, str]) -> str:
    m = c["measure"]
    return t.gettext("%(measure)s of %(series)s: %(level)s from %(before)s before (95%% interval %(low)s to "
                     "%(high)s; placebo weeks %(plow)s to %(phigh)s)", measure=what[m], series=c["name"],
                     level=change_value(m, c["level"], n, True), before=change_value(m, c["before"], n),
                     low=change_value(m, c["level_low"], n), high=change_value(m, c["level_high"], n),
                     plow=change_value(m, c["placebo_low"], n),
                     phigh=change_value(m, c["placebo_high"], n))  # fmt: skip


def _changes(a: Action, t: Words, n: Number) -> dict[str, str]:
    what = measure_words(t)
    parts, still = [], []
    for e in a.figures["events"]:
        if e["moved"]:
            parts.append(t.ngettext(
                "The change of %(day)s (%(label)s) worked: %(n)s weekly series moved beyond the swings of the placebo "
                "weeks, the strongest %(changes)s.",
                "The change of %(day)s (%(label)s) worked: %(n)s weekly series moved beyond the swings of the placebo "
                "weeks, the strongest %(changes)s.", e["moved"], day=e["day"], label=e["label"], n=n(e["moved"]),
                changes="; ".join(_change(c, t, n, what) for c in e["shown"])))  # fmt: skip
            still += e["still"]
        else:
            parts.append(t.ngettext(
                "The change of %(day)s (%(label)s) shows no effect: none of its %(n)s weekly series moved beyond the "
                "swings of the placebo weeks.",
                "The change of %(day)s (%(label)s) shows no effect: none of its %(n)s weekly series moved beyond the "
                "swings of the placebo weeks.", e["series"], day=e["day"], label=e["label"], n=n(e["series"])))
    worked = a.figures["worked"]
    if worked:
        do = t.gettext("Keep the change.")
        if still:
            do += " " + t.gettext("Extend it to the units that still work the way the changed ones did before: "
                                  "%(units)s.", units=", ".join(dict.fromkeys(still)))  # fmt: skip
    else:
        do = t.gettext("Look again at what was changed: the way of working the data show did not follow it. Where the "
                       "change is recent, analyse again when more weeks have passed.")  # fmt: skip
    return {
        "title": t.gettext("What the changes did") if worked else t.gettext("A change without an effect"),
        "see": " ".join(parts),
        "why": t.gettext("A change is told here only where its 95%% interval excludes 0 and it stands out from the "
                         "same estimate at weeks without an event, and it is held against the units it did not "
                         "name: a season or chance is unlikely to pass for it."),
        "do": do,
    }  # fmt: skip


def _data(a: Action, t: Words) -> dict[str, str]:
    f = a.figures
    if f["errors"]:
        see = t.ngettext("The data check found %(n)s error: the figures in this report may mislead.",
                         "The data check found %(n)s errors: the figures in this report may mislead.",
                         f["errors"], n=f["errors"])  # fmt: skip
    else:
        see = t.ngettext("The data check has %(n)s warning: read the figures with that in mind.",
                         "The data check has %(n)s warnings: read the figures with those in mind.",
                         f["warnings"], n=f["warnings"])  # fmt: skip
    return {
        "title": t.gettext("Check the data first") if f["errors"] else t.gettext("A note on the data"),
        "see": see,
        "why": t.gettext("A finding is only as good as the data behind it."),
        "do": t.gettext("Read the data check and fix what it names (each item says how), then analyse again."),
    }


def _untold(code: str, t: Words) -> str:
    return {
        "suppliers": t.gettext("partners or suppliers: no relation between a line and a staff unit has enough "
                               "contact to judge"),
        "out_of_sight": t.gettext("line of sight: no one in the data meets a customer"),
        "roles": t.gettext("staff roles: there are no work items of staff units"),
        "internal_customer": t.gettext("the internal customer's machinery: nothing read shows it (no SLA reports, "
                                       "surveys or requirements packages of a staff unit in subjects or tickets, no "
                                       "internal-customer words in documents)"),
        "changes": t.gettext("what the changes did: too few weeks around the events"),
    }[code]  # fmt: skip


def actions_context(results: Results, t: Words, n: Number, found: Actions | None = None) -> dict[str, Any]:
    """The findings as the template shows them (``found``: :func:`~orgsphere.action_rules.actions_of` of
    ``results``, computed here when not given)."""
    found = found or actions_of(results)
    names = results.unit_names()
    words = {"suppliers": lambda a: _suppliers(a, t, n), "out_of_sight": lambda a: _out_of_sight(a, t, n),
             "roles": lambda a: _roles(a, t, n, names), "internal_customer": lambda a: _internal_customer(a, t, n),
             "changes": lambda a: _changes(a, t, n), "data": lambda a: _data(a, t)}  # fmt: skip
    sections = labels(t)["section"]
    findings = [{**words[a.code](a), "code": a.code, "evidence": a.evidence, "link": sections[a.evidence]}
                for a in found.found]  # fmt: skip
    return {"findings": findings, "untold": [_untold(c, t) for c in found.untold]}
