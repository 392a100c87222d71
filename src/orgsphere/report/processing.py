"""The processing statement in the report's language: the pseudonymisation paragraph, why rows were rejected,
how each class of outside party was classified, the kind of each source and where each setting came from.

The store keeps these as the ingest wrote them, in English (a reject's ``reason``, a party's ``declared_by``,
a setting's source): they are put in words here, when the report is made, from the catalogue. A reason is
matched against the forms the readers write (:data:`REASONS`); one that matches none is shown as stored."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..ingest.parties import UNDECLARED
from ..ingest.timestamps import TS_PROBLEM
from ..privacy import PSEUDONYM_HEX_CHARS
from ..results import ProcessingStatement
from .i18n import Words

__all__ = ["REASONS", "reason_words", "declared_by_words", "source_kind_words", "setting_source_words",
           "setting_value_words", "pseudonymisation_words", "statement_context"]  # fmt: skip

# The reasons the readers store, as patterns: the named groups are the values the sentence names (a column's
# name, a domain, a unit's name), kept as they are.
REASONS: dict[str, re.Pattern[str]] = {key: re.compile(pattern) for key, pattern in {
    "internal_not_in_chart": r"(?P<field>\w+) is an address in the internal domain (?P<domain>\S+) that is not in "
                             r"the org chart \(add the person, or their email column, to the org chart"
                             r"(?:; a shared mailbox or list address: give it to its unit, under addresses in the "
                             r"units YAML)?\)",
    "not_a_time": re.escape(TS_PROBLEM) + r"(?: \((?P<order>day-first|month-first), as this file\))?",
    "empty": r"(?P<field>\w+) is empty",
    "several_addresses": r"(?P<field>\w+) holds several addresses, or text around an address; give one address "
                         r"per row \(split 'a@x\.example; b@y\.example' into two rows\)",
    "nobody_known": r"(?P<field>\w+) is neither a person of the org chart nor a declared outside party",
    "same_ends": r"src and dst are the same person or party",
    "no_person": r"person is empty; every row needs the person's id or email",
    "no_unit": r"unit is empty; every person needs a unit",
    "email_taken": r"email address belongs to another person of the org chart",
    "no_requester": r"requester is empty; every ticket needs the person who asked for it",
    "no_group": r"assignment group is empty: an unassigned ticket goes to no unit",
    "no_ticket_id": r"ticket has no id",
    "bot": r"bot message; not a contact between people",
    "alone": r"nobody else is in this conversation",
}.items()}  # fmt: skip


def _reason_messages(t: Words) -> dict[str, Callable[[dict[str, str]], str]]:
    """Per form of :data:`REASONS` its sentence in ``t``'s language, filled with the pattern's groups."""
    order = {"day-first": t.gettext("day first"), "month-first": t.gettext("month first")}
    return {
        "internal_not_in_chart": lambda g: t.gettext(
            "%(field)s is an address in the internal domain %(domain)s that the org chart does not have (add the "
            "person, or the column with their email address; a shared mailbox or list address: under addresses "
            "of its unit)", **g),
        "not_a_time": lambda g: t.gettext(
            "the time is not readable; expected ISO 8601 (2024-03-01T09:30:00), seconds since 1970 or a date such "
            "as 31-01-2024 09:30", **g) + (t.gettext(" (%(order)s, as in this file)", order=order[g["order"]])
                                            if g.get("order") else ""),  # fmt: skip
        "empty": lambda g: t.gettext("%(field)s is empty", **g),
        "several_addresses": lambda g: t.gettext(
            "%(field)s holds several addresses, or text around an address; give one address per row", **g),
        "nobody_known": lambda g: t.gettext(
            "%(field)s is neither a person of the org chart nor a declared outside party", **g),
        "same_ends": lambda g: t.gettext("sender and receiver are the same person or party"),
        "no_person": lambda g: t.gettext("the person is missing; every row needs the person's id or email address"),
        "no_unit": lambda g: t.gettext("the unit is missing; every person needs a unit"),
        "email_taken": lambda g: t.gettext("the email address belongs to another person of the org chart"),
        "no_requester": lambda g: t.gettext("the requester is missing; every ticket needs the person who asked"),
        "no_group": lambda g: t.gettext("no unit is assigned: a ticket without one goes to no unit"),
        "no_ticket_id": lambda g: t.gettext("the ticket has no number"),
        "bot": lambda g: t.gettext("a message of a bot, not a contact between people"),
        "alone": lambda g: t.gettext("nobody else takes part in this conversation"),
    }


def reason_words(reason: str, t: Words) -> str:
    """Why a row was rejected, in ``t``'s language; a reason of no known form as stored."""
    messages = _reason_messages(t)
    for key, pattern in REASONS.items():
        m = pattern.fullmatch(reason)
        if m:
            return messages[key]({k: v for k, v in m.groupdict().items() if v is not None})
    return reason


def declared_by_words(how: str | None, t: Words) -> str:
    """How a class of outside parties was classified (a party's ``declared_by``) in ``t``'s language."""
    if not how:
        return ""
    if how == UNDECLARED:
        return t.gettext("not declared (outside the internal domains)")
    if how.startswith("parties file "):
        return t.gettext("list of outside parties %(file)s", file=how.removeprefix("parties file "))
    if m := re.fullmatch(r"setting (\w+)", how):
        return t.gettext("setting %(setting)s", setting=m.group(1))
    if how == "crm":
        return t.gettext("CRM export")
    return how


def source_kind_words(kind: str | None, t: Words) -> str:
    """The kind of a source that was read (``ingest_log.kind``) in ``t``'s language."""
    words = {"orgchart": t.gettext("org chart"), "parties": t.gettext("outside parties"),
             "interactions": t.gettext("interactions"), "tickets": t.gettext("tickets"),
             "document": t.gettext("document"), "mail": t.gettext("email"), "calendar": t.gettext("calendar"),
             "slack": t.gettext("Slack export"), "viva": t.gettext("Viva Insights export"),
             "crm": t.gettext("CRM export")}  # fmt: skip
    return words.get(kind or "", kind or "")


def setting_source_words(source: str, t: Words) -> str:
    """Where a setting's value came from (:meth:`~orgsphere.settings.Settings.source`) in ``t``'s language:
    default, file ..., env ..., command line or code."""
    if source == "default":
        return t.gettext("default")
    if source == "command line":
        return t.gettext("command line")
    if source == "code":
        return t.gettext("set in code")
    if source.startswith("file "):
        return t.gettext("settings file %(file)s", file=source.removeprefix("file ").rsplit("/", 1)[-1])
    if source.startswith("env "):
        return t.gettext("environment variable %(name)s", name=source.removeprefix("env "))
    return source


def setting_value_words(value: str, t: Words) -> str:
    """A setting's value as the statement shows it: yes and no in ``t``'s language, anything else as set."""
    return {"True": t.gettext("yes"), "False": t.gettext("no")}.get(value, value)


def pseudonymisation_words(settings: Mapping[str, str], t: Words) -> str:
    """What was pseudonymised, in ``t``'s language, for the settings (name -> value as shown) that decide it."""
    parts = [t.gettext(
        "Persons, and outside parties declared one by one, are stored as pseudonyms (HMAC-SHA256, %(chars)s "
        "hexadecimal characters) under a key that is kept outside the store.", chars=PSEUDONYM_HEX_CHARS)]
    if settings.get("keep_external_addresses") == "True":
        parts.append(t.gettext("Outside addresses that nobody declared are kept as pseudonyms."))
    else:
        parts.append(t.gettext("Of outside addresses that nobody declared, only the domain is kept."))
    parts.append(t.gettext(
        "Message-IDs, threads, ticket numbers, meeting and chat ids and the paths of the sources are stored as "
        "digests under the same key; a source is named by its file name alone, a rejected row by the kind of "
        "value it held, never by the value."))
    if settings.get("keep_titles") == "True":
        parts.append(t.gettext("Job titles are kept (setting keep_titles)."))
    else:
        parts.append(t.gettext("Job titles are not kept."))
    parts.append(t.gettext(
        "Only who was in contact with whom, when, through which channel and how often is stored; never what a "
        "message says."))
    return " ".join(parts)


def statement_context(statement: ProcessingStatement, t: Words) -> dict[str, Any]:
    """The processing statement's rows with their words in ``t``'s language, for the template."""
    values = {s["name"]: s["value"] for s in statement.settings}
    return {
        "pseudonymisation": pseudonymisation_words(values, t),
        "sources": [{**s, "kind_words": source_kind_words(s.get("kind"), t)} for s in statement.sources],
        "reject_reasons": [{**r, "reason_words": reason_words(r["reason"], t)} for r in statement.reject_reasons],
        "settings": [{**s, "value_words": setting_value_words(s["value"], t),
                      "from_words": setting_source_words(s["from"], t)} for s in statement.settings],  # fmt: skip
    }
