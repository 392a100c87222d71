"""The one declared list of settings, :data:`SETTINGS`.

Each :class:`Setting` names a setting, how its value is parsed (the parser's return annotation is the setting's
type, see :mod:`orgsphere.settings_values`), its default and its help. Everything else is made from this list:
the typed fields of :mod:`orgsphere.settings_fields` (generated), validation, the ``orgsphere.toml`` file,
``ORGSPHERE_*`` environment variables, the CLI's ``--setting NAME=VALUE`` and the settings table in the README.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .settings_values import (
    ByteSize,
    as_bool,
    as_bytes,
    as_conf,
    as_int,
    as_list,
    as_mapping,
    as_path,
    as_required_path,
    as_share,
    as_str,
    choice,
    not_negative,
    positive,
)

__all__ = ["Setting", "SETTINGS", "BY_NAME", "ENV_PREFIX", "DEFAULT_CONFIG_FILE", "default_of"]

ENV_PREFIX = "ORGSPHERE_"
DEFAULT_CONFIG_FILE = "orgsphere.toml"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, parser, default, help and how its value is written (``kind``)."""

    name: str
    parse: Callable[[Any], Any]
    default: Any
    help: str
    kind: str  # how the value is written: text, number, share, list, path, table, true/false, choice
    check: Callable[[Any], Any] | None = None
    # whether the analysis (or what it keeps: the processing statement, the data check) may read it: a kept
    # analysis is reused only with the same values of these (and the same contents of the files they name).
    # False only where the value cannot change a result: where the store lies, the key's file (the store records
    # the key's fingerprint), the report's language, the engine's memory and Spark's session.
    analysis: bool = True

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    @property
    def option(self) -> str:
        """How to give the setting on the command line."""
        return f"--setting {self.name}=VALUE"

    def convert(self, value: Any, where: str) -> Any:
        try:
            parsed = self.parse(value)
            return self.check(parsed) if self.check else parsed
        except ValueError as exc:
            raise ConfigError(f"{where}: setting {self.name!r}: {exc}. {self.help}") from None


SETTINGS: tuple[Setting, ...] = (
    Setting("store", as_required_path, Path("orgsphere.duckdb"), "The store: an embedded DuckDB file.", "path",
            analysis=False),
    Setting(
        "key_file",
        as_required_path,
        Path("~/.config/orgsphere/pseudonym.key").expanduser(),
        "The pseudonymisation key (kept outside the store; created on first use, never replaced).",
        "path",
        analysis=False,
    ),
    Setting(
        "internal_domains",
        as_list,
        (),
        "Email domains of the organisation itself, e.g. example.com,example.nl; "
        "every other domain is outside.",
        "list",
    ),
    Setting("customer_domains", as_list, (), "Email domains whose addresses are customers.", "list"),
    Setting("supplier_domains", as_list, (), "Email domains whose addresses are suppliers.", "list"),
    Setting("regulator_domains", as_list, (), "Email domains whose addresses are regulators.", "list"),
    Setting("partner_domains", as_list, (), "Email domains whose addresses are partners.", "list"),
    Setting(
        "freemail_domains",
        as_list,
        ("gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "msn.com", "yahoo.com", "aol.com",
         "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "ziggo.nl",
         "kpnmail.nl", "planet.nl", "hetnet.nl", "home.nl", "xs4all.nl", "telenet.be", "skynet.be"),
        "Domains of free mail services: not one organisation, so each address there is its own (pseudonymised) "
        "outside party instead of the domain.",
        "list",
    ),
    Setting(
        "customer_list",
        as_path,
        None,
        "A file of customers (CSV or XLSX with a column id, address or domain), declared as customers "
        "with every interaction ingest.",
        "path",
    ),
    Setting(
        "keep_external_addresses",
        as_bool,
        False,
        "Keep undeclared external addresses (pseudonymised) instead of reducing them to their domain.",
        "true/false",
    ),
    Setting(
        "min_group_size",
        as_int,
        5,
        "Smallest group shown or exported; smaller groups are suppressed, visibly.",
        "number",
        positive,
    ),
    Setting("lang", choice("en", "nl"), "en", "Report language: en or nl.", "choice", analysis=False),
    Setting(
        "edge_columns",
        as_mapping,
        {},
        "Column mapping of edge lists, e.g. src=from,dst=to,ts=Time (fields src, dst, ts, channel, "
        "weight, thread); unmapped fields are looked up under their usual names.",
        "table",
    ),
    Setting(
        "automated_senders",
        as_list,
        ("noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "postmaster", "bounce",
         "notification", "notifications"),
        "Local parts of addresses that send automated mail (a message from them is not a contact between "
        "people and is rejected with that reason); matched as a word of the local part.",
        "list",
    ),
    Setting(
        "reject_bulk_mail", as_bool, False,
        "Reject mail marked Precedence: bulk or junk (newsletters, mass mailings) as not a contact between people. "
        "Off by default: many mailing lists mark every message bulk, and list mail from a person is a contact.",
        "true/false",
    ),
    Setting(
        "broadcast_size",
        as_int,
        25,
        "Meetings with more participants than this are broadcasts: kept apart (channel meeting-broadcast, "
        "organiser to each attendee only), not counted as collaboration between every pair.",
        "number",
        positive,
    ),
    Setting(
        "max_occurrences", as_int, 5000,
        "Occurrences one recurring meeting may have in the period a calendar is read for; a meeting with more "
        "is rejected with this reason (5000 holds a daily meeting for 13 years). Rules that repeat by the second "
        "or minute (FREQ=SECONDLY or MINUTELY, several BYSECOND values) are rejected whatever this is.",
        "number", positive,
    ),
    Setting(
        "read_subjects", as_bool, False,
        "Read mail subjects, meeting titles and ticket categories and titles, only to recognise the machinery "
        "of the internal customer (satisfaction surveys, SLA reports, requirements packages); only that kind "
        "is stored with the interaction, never the text. Off by default: metadata only.", "true/false",
    ),
    Setting(
        "keep_texts",
        as_bool,
        False,
        "Keep the titles and descriptions of work items (tickets) in the store; needed later for the role "
        "and language analyses. Off by default: metadata only.",
        "true/false",
    ),
    Setting(
        "keep_titles", as_bool, False,
        "Keep the job titles of the org chart's people in the store (people.title). Off by default: a title "
        "can single a person out, and no analysis needs it.", "true/false",
    ),
    Setting(
        "count_overlaps_once", as_bool, True,
        "An interaction the store already holds from another file (the same ends, time, channel and thread: "
        "overlapping monthly exports, the same log as CSV and as XLSX) is recognised and counted once. Turn off "
        "for logs whose identical rows are real repeats.", "true/false",
    ),
    Setting(
        "max_reject_share", as_share, 0.5,
        "An ingest that rejects more than this share of its rows (or keeps none) fails: exit code 3, nothing "
        "but its rejects written, not recorded as ingested, so the file can be ingested again once the cause "
        "is fixed.", "share 0-1",
    ),
    Setting(
        "date_format", choice("", "auto", "iso", "epoch", "day-first", "month-first"), "",
        "How dates in tabular files are written, where the file does not tell: iso, epoch, day-first "
        "(31-01-2025, 31/01/2025 or 31.01.2025) or month-first (01/31/2025); empty or auto: detected per file.",
        "choice",
    ),
    Setting("default_channel", as_str, "other", "Channel of edge-list rows that have no channel column.", "text"),
    Setting(
        "bootstrap_samples", as_int, 2000, "Bootstrap resamples for confidence intervals.", "number", positive
    ),
    Setting(
        "customer_facing_units", as_list, (),
        "Units whose people count as having direct customer contact for customer distance, even where the data "
        "shows none (a counter, a shop floor).", "list",
    ),
    Setting(
        "min_contacts", as_int, 2,
        "Interactions two people need in a period to count as a working contact for customer distance.", "number",
        positive,
    ),
    Setting(
        "distance_search", choice("auto", "scipy", "frontier"), "auto",
        "How customer distance is searched: scipy (the graph in memory, fastest on one machine), frontier (a "
        "loop of joins in the engine, for Spark or a graph larger than memory) or auto (scipy on DuckDB, "
        "frontier elsewhere). Both give the same answer.", "choice",
    ),
    Setting(
        "relation_min_interactions", as_int, 30,
        "Interactions a pair of units needs in a period before orgsphere calls it partner or supplier.", "number",
        positive,
    ),
    Setting(
        "effect_min_weeks", as_int, 26,
        "Weeks with a figure a weekly series needs before orgsphere changes estimates what an event changed in "
        "it; a shorter series gets the verdict too_few_weeks.", "number", positive,
    ),
    Setting(
        "effect_min_segment", as_int, 6,
        "Weeks with a figure an event needs before it and from it on (and a placebo date's distance from the "
        "event and the ends of the series).", "number", positive,
    ),
    Setting(
        "effect_min_role_items", as_int, 5,
        "Work items of known role a staff unit needs in a week for its weekly role mix (the shares of "
        "supporting, regulating, executing and advisory work) to have a value that week.", "number", positive,
    ),
    Setting(
        "relation_ticket_share", as_share, 0.25,
        "Share of a relation's contact running through tickets that makes it a supplier relation (without joint "
        "customer work).", "share",
    ),
    Setting(
        "relation_one_sided", as_share, 0.8,
        "Share of the threads, meetings and tickets one side starts that makes a relation one-way.", "share",
    ),
    Setting(
        "relation_reciprocity", as_share, 0.5,
        "Smaller direction over the larger below which a one-way relation counts as unanswered.", "share",
    ),
    Setting(
        "relation_joint_work", as_int, 3,
        "Threads or meetings with a customer that both units took part in, plus customers both met, that make "
        "a partnership.", "number", not_negative,
    ),
    Setting(
        "lexicon", as_path, None,
        "A TOML file of your own internal-customer terms for the language audit, added to the built-in lexicon "
        "(same format as orgsphere/text/lexicon.toml).", "path",
    ),
    Setting(
        "role_lexicon", as_path, None,
        "A TOML file of words and ticket categories per staff role, used instead of the built-in one "
        "(orgsphere/text/role_lexicon.toml).", "path",
    ),
    Setting(
        "role_training", as_path, None,
        "Your own labelled work items (CSV/TSV: role, title, category): the lexicon, a model trained on them and "
        "the two together are scored on them against always answering the most common role, and the best that "
        "beats it classifies; without it the lexicon does, of unknown accuracy. See orgsphere roles evaluate "
        "FILE; orgsphere roles label proposes items to label.", "path",
    ),
    Setting(
        "role_mismatch_share", as_share, 0.8,
        "Flag a staff unit whose work is at least this share one role other than its intended role.", "share",
    ),
    Setting(
        "role_regulating_share", as_share, 0.5,
        "Flag a staff unit with at least this share of regulating work ...", "share",
    ),
    Setting(
        "role_min_advice", as_share, 0.05,
        "... and less than this share of advice.", "share",
    ),
    Setting(
        "role_requester_share", as_share, 0.6,
        "Flag a staff unit that gets at least this share of its work from one unit.", "share",
    ),
    Setting(
        "role_min_sight", as_share, 0.3,
        "Flag a staff unit with only supplier relations to the line when fewer than this share of its "
        "person-months are within one hop of a customer.", "share",
    ),
    Setting(
        "role_min_items", as_int, 20,
        "Work items a staff unit needs in the period before orgsphere flags its position.", "number", positive,
    ),
    Setting(
        "null_samples", as_int, 500,
        "Degree-preserving rewirings drawn per channel for the null model (0: random mixing only).", "number",
        not_negative,
    ),
    Setting(
        "memory_limit",
        as_str,
        "",
        "Memory the store's engine may use, e.g. 2GB; beyond it, work spills to disk. Empty: DuckDB's default "
        "(80% of the machine's memory).",
        "text",
        analysis=False,
    ),
    Setting(
        "engine", choice("duckdb", "spark"), "duckdb",
        "Where the analysis runs: duckdb (the store file on this machine) or spark (the warehouse's Parquet on a "
        "Spark session; needs pip install 'orgsphere[spark]' and Java 17 or newer).", "choice",
    ),
    Setting(
        "warehouse", as_str, "",
        "Where orgsphere publish writes the store's tables as Parquet and the spark engine reads them: a folder, "
        "or a URI (hdfs://, s3://, s3a://, gs://). Empty: a folder named after the store, beside it.", "text",
    ),
    Setting(
        "spark_master", as_str, "local[*]",
        "The Spark master of the spark engine: local[*] (this machine), yarn, spark://host:7077, k8s://... "
        "Ignored inside spark-submit (the session it made is used) and when spark_remote is set.", "text",
        analysis=False,
    ),
    Setting(
        "spark_remote", as_str, "",
        "A Spark Connect URL (sc://host:15002) for the spark engine; empty: a classic session on spark_master.",
        "text", analysis=False,
    ),
    Setting(
        "spark_conf", as_conf, {},
        "Extra Spark configuration for the session orgsphere makes, e.g. spark.executor.memory=8g, "
        "spark.sql.shuffle.partitions=400.", "table", analysis=False,
    ),
    Setting("seed", as_int, 0, "Seed of every random choice orgsphere makes (bootstrap, demo).", "number"),
    Setting(
        "max_line_bytes", as_bytes, ByteSize(1 << 20),
        "Longest line a CSV file or an mbox header may have (e.g. 1MiB); a longer line is rejected alone with its "
        "line number and never read into memory whole, and reading goes on.", "size", positive,
    ),
    Setting(
        "max_header_bytes", as_bytes, ByteSize(1 << 20),
        "Largest header block of one mail message; a larger one (hundreds of thousands of addresses) is rejected "
        "as a whole, read no further than this.", "size", positive,
    ),
    Setting(
        "max_recipients", as_int, 2000,
        "Most To, Cc and Bcc addresses of one mail message, and most attendees of one meeting; a message or "
        "meeting occurrence with more is rejected as a whole. 2,000 is the most Google Workspace sends one message "
        "to (Exchange Online: 1,000); a list address counts as one.", "number", positive,
    ),
    Setting(
        "org_staff", choice("active", "senders"), "active",
        "Many organisations (orgsphere organisations): who is staff of an organisation. active: every address of "
        "its domains that sent or received kept mail (received mail counts); senders: only those that sent; the "
        "others stay outside parties.", "choice",
    ),
    Setting(
        "org_self_copies", as_bool, False,
        "Many organisations: whether a self-addressed copy (the sender's own address among the recipients, or an "
        "edge from an address to itself) makes the address active. Never an interaction.", "true/false",
    ),
    Setting(
        "org_min_size", as_int, 5,
        "Many organisations: fewest staff an organisation needs to be a unit of the fit; the addresses of smaller "
        "ones stay outside parties, counted.", "number", positive,
    ),
    Setting(
        "zip_max_member_bytes", as_bytes, ByteSize(512 << 20),
        "Largest file inside a zip (a Slack export, an XLSX or DOCX), unpacked; a larger one is rejected, or "
        "refuses the archive where it is needed.", "size", positive,
    ),
    Setting(
        "zip_max_total_bytes", as_bytes, ByteSize(4 << 30),
        "Most bytes all the files of one zip may unpack to; a zip that declares more is refused before any is "
        "unpacked.", "size", positive,
    ),
    Setting(
        "zip_max_ratio", as_int, 100,
        "Most a file of more than 1 MiB inside a zip may have been compressed (unpacked size over packed "
        "size); more is a zip bomb, and the file is rejected as one.", "number", positive,
    ),
    Setting(
        "zip_max_members", as_int, 500_000,
        "Most files one zip may hold (each costs about 0.5 KB of memory to list); a zip with more is refused "
        "before its directory is read.", "number", positive,
    ),
)


BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def default_of(name: str) -> Any:
    """A fresh copy of the default of setting ``name`` (a dataclass field's default factory)."""
    return copy.deepcopy(BY_NAME[name].default)
