"""The one declared list of settings.

:data:`SETTINGS` drives everything: validation, the ``orgsphere.toml`` file, ``ORGSPHERE_*`` environment
variables, the CLI options and the settings table in the README. Precedence, highest first: CLI option,
environment variable, config file, default.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["Setting", "SETTINGS", "Settings", "load_settings", "ENV_PREFIX", "DEFAULT_CONFIG_FILE", "ByteSize"]

ENV_PREFIX = "ORGSPHERE_"
DEFAULT_CONFIG_FILE = "orgsphere.toml"
EDGE_FIELDS = ("src", "dst", "ts", "channel", "weight", "thread", "subject")  # the fields an edge list can map


def _as_str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__} {value!r}")
    return value


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, found {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(f"expected a whole number, found {value!r}")


class ByteSize(int):
    """A number of bytes that shows itself in the largest binary unit it fills whole: 536870912 is 512 MiB."""

    UNITS = (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10))

    def __str__(self) -> str:
        for unit, size in self.UNITS:
            if self >= size and self % size == 0:
                return f"{self // size:,} {unit}"
        return f"{int(self):,} bytes"

    __repr__ = __str__


_BYTE_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3,
               "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}  # fmt: skip


def _as_bytes(value: Any) -> ByteSize:
    """A size in bytes: a whole number, or one with a unit (512MiB, 4 GiB, 1MB; KiB, MiB, GiB are 1024-based)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return ByteSize(value)
    text = str(value).strip().lower().replace(",", "").replace("_", "")
    number = text.rstrip("kmgib ")
    unit = text[len(number):].strip()
    if not number.isdigit() or unit not in _BYTE_UNITS:
        raise ValueError(f"expected a size in bytes such as 1048576, 512MiB or 4GiB, found {value!r}")
    return ByteSize(int(number) * _BYTE_UNITS[unit])


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, found {value!r}")


def _as_list(value: Any) -> tuple[str, ...]:
    """A list of domains or names: a TOML array, or text separated by commas."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, (list, tuple)):
        items = [_as_str(v).strip() for v in value]
    else:
        raise ValueError(f"expected a list of text, found {value!r}")
    return tuple(v.lower() for v in items if v)


def _as_path(value: Any) -> Path | None:
    if value is None or value == "":
        return None
    return Path(os.path.expanduser(_as_str(value)))


def _as_mapping(value: Any) -> dict[str, str]:
    """A column mapping: a TOML table ``{src = "from"}`` or text ``src=from,dst=to``."""
    if isinstance(value, str):
        pairs: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            if "=" not in part:
                raise ValueError(f"expected field=column pairs separated by commas, found {part!r}")
            key, _, column = part.partition("=")
            pairs[key.strip()] = column.strip()
        value = pairs
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of field = column, found {value!r}")
    out = {}
    for key, column in value.items():
        if key not in EDGE_FIELDS:
            raise ValueError(f"unknown field {key!r}; the fields are {', '.join(EDGE_FIELDS)}")
        out[key] = _as_str(column)
    return out


def _as_conf(value: Any) -> dict[str, str]:
    """Engine configuration: a TOML table ``{"spark.executor.memory" = "8g"}`` or text ``key=value,key=value``."""
    if isinstance(value, str):
        pairs: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            key, _, item = part.partition("=")
            pairs[key] = item
        value = pairs
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table of key = value, found {value!r}")
    out = {}
    for key, item in value.items():
        if item is None or str(item).strip() == "":
            raise ValueError(f"expected key=value pairs separated by commas, found {key!r} without a value")
        out[str(key).strip()] = str(item).strip().lower() if isinstance(item, bool) else str(item).strip()
    return out


def _as_share(value: Any) -> float:
    """A share between 0 and 1, written as 0.25 or 25%."""
    if isinstance(value, bool):
        raise ValueError(f"expected a share between 0 and 1, found {value!r}")
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"expected a share between 0 and 1 (0.25 or 25%), found {value!r}") from None
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"expected a share between 0 and 1 (0.25 or 25%), found {value!r}")
    return share


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError(f"expected a number of at least 1, found {value}")
    return value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError(f"expected a number of at least 0, found {value}")
    return value


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _as_str(value).strip().lower()
        if text not in options:
            raise ValueError(f"expected one of {', '.join(options)}, found {value!r}")
        return text

    parse.__name__ = "one of " + "|".join(options)
    return parse


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[Any], Any]
    default: Any
    help: str
    kind: str  # how the value is written: text, number, share, list, path, table, true/false, choice
    check: Callable[[Any], Any] | None = None

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    def convert(self, value: Any, where: str) -> Any:
        try:
            parsed = self.parse(value)
            return self.check(parsed) if self.check else parsed
        except ValueError as exc:
            raise ConfigError(f"{where}: setting {self.name!r}: {exc}. {self.help}") from None


SETTINGS: tuple[Setting, ...] = (
    Setting("store", _as_path, Path("orgsphere.duckdb"), "The store: an embedded DuckDB file.", "path"),
    Setting(
        "key_file",
        _as_path,
        Path("~/.config/orgsphere/pseudonym.key").expanduser(),
        "The pseudonymisation key (kept outside the store; created on first use, never replaced).",
        "path",
    ),
    Setting(
        "internal_domains",
        _as_list,
        (),
        "Email domains of the organisation itself, e.g. example.com,example.nl; "
        "every other domain is outside.",
        "list",
    ),
    Setting("customer_domains", _as_list, (), "Email domains whose addresses are customers.", "list"),
    Setting("supplier_domains", _as_list, (), "Email domains whose addresses are suppliers.", "list"),
    Setting("regulator_domains", _as_list, (), "Email domains whose addresses are regulators.", "list"),
    Setting("partner_domains", _as_list, (), "Email domains whose addresses are partners.", "list"),
    Setting(
        "freemail_domains",
        _as_list,
        ("gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "msn.com", "yahoo.com", "aol.com",
         "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "ziggo.nl",
         "kpnmail.nl", "planet.nl", "hetnet.nl", "home.nl", "xs4all.nl", "telenet.be", "skynet.be"),
        "Domains of free mail services: not one organisation, so each address there is its own (pseudonymised) "
        "outside party instead of the domain.",
        "list",
    ),
    Setting(
        "customer_list",
        _as_path,
        None,
        "A file of customers (CSV or XLSX with a column id, address or domain), declared as customers "
        "with every interaction ingest.",
        "path",
    ),
    Setting(
        "keep_external_addresses",
        _as_bool,
        False,
        "Keep undeclared external addresses (pseudonymised) instead of reducing them to their domain.",
        "true/false",
    ),
    Setting(
        "min_group_size",
        _as_int,
        5,
        "Smallest group shown or exported; smaller groups are suppressed, visibly.",
        "number",
        _positive,
    ),
    Setting("lang", _choice("en", "nl"), "en", "Report language: en or nl.", "choice"),
    Setting(
        "edge_columns",
        _as_mapping,
        {},
        "Column mapping of edge lists, e.g. src=from,dst=to,ts=Time (fields src, dst, ts, channel, "
        "weight, thread); unmapped fields are looked up under their usual names.",
        "table",
    ),
    Setting(
        "automated_senders",
        _as_list,
        ("noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "postmaster", "bounce",
         "notification", "notifications"),
        "Local parts of addresses that send automated mail (a message from them is not a contact between "
        "people and is rejected with that reason); matched as a word of the local part.",
        "list",
    ),
    Setting(
        "reject_bulk_mail", _as_bool, False,
        "Reject mail marked Precedence: bulk or junk (newsletters, mass mailings) as not a contact between people. "
        "Off by default: many mailing lists mark every message bulk, and list mail from a person is a contact.",
        "true/false",
    ),
    Setting(
        "broadcast_size",
        _as_int,
        25,
        "Meetings with more participants than this are broadcasts: kept apart (channel meeting-broadcast, "
        "organiser to each attendee only), not counted as collaboration between every pair.",
        "number",
        _positive,
    ),
    Setting(
        "max_occurrences", _as_int, 5000,
        "Occurrences one recurring meeting may have in the period a calendar is read for; a meeting with more "
        "is rejected with this reason (5000 holds a daily meeting for 13 years). Rules that repeat by the second "
        "or minute (FREQ=SECONDLY or MINUTELY, several BYSECOND values) are rejected whatever this is.",
        "number", _positive,
    ),
    Setting(
        "read_subjects", _as_bool, False,
        "Read mail subjects, meeting titles and ticket categories and titles, only to recognise the machinery "
        "of the internal customer (satisfaction surveys, SLA reports, requirements packages); only that kind "
        "is stored with the interaction, never the text. Off by default: metadata only.", "true/false",
    ),
    Setting(
        "keep_texts",
        _as_bool,
        False,
        "Keep the titles and descriptions of work items (tickets) in the store; needed later for the role "
        "and language analyses. Off by default: metadata only.",
        "true/false",
    ),
    Setting(
        "keep_titles", _as_bool, False,
        "Keep the job titles of the org chart's people in the store (people.title). Off by default: a title "
        "can single a person out, and no analysis needs it.", "true/false",
    ),
    Setting(
        "count_overlaps_once", _as_bool, True,
        "An interaction the store already holds from another file (the same ends, time, channel and thread: "
        "overlapping monthly exports, the same log as CSV and as XLSX) is recognised and counted once. Turn off "
        "for logs whose identical rows are real repeats.", "true/false",
    ),
    Setting(
        "max_reject_share", _as_share, 0.5,
        "An ingest that rejects more than this share of its rows (or keeps none) fails: exit code 3, nothing "
        "but its rejects written, not recorded as ingested, so the file can be ingested again once the cause "
        "is fixed.", "share 0-1",
    ),
    Setting(
        "date_format", _choice("", "auto", "iso", "epoch", "day-first", "month-first"), "",
        "How dates in tabular files are written, where the file does not tell: iso, epoch, day-first "
        "(31-01-2025, 31/01/2025 or 31.01.2025) or month-first (01/31/2025); empty or auto: detected per file.",
        "choice",
    ),
    Setting("default_channel", _as_str, "other", "Channel of edge-list rows that have no channel column.", "text"),
    Setting(
        "bootstrap_samples", _as_int, 2000, "Bootstrap resamples for confidence intervals.", "number", _positive
    ),
    Setting(
        "customer_facing_units", _as_list, (),
        "Units whose people count as having direct customer contact for customer distance, even where the data "
        "shows none (a counter, a shop floor).", "list",
    ),
    Setting(
        "min_contacts", _as_int, 2,
        "Interactions two people need in a period to count as a working contact for customer distance.", "number",
        _positive,
    ),
    Setting(
        "distance_search", _choice("auto", "scipy", "frontier"), "auto",
        "How customer distance is searched: scipy (the graph in memory, fastest on one machine), frontier (a "
        "loop of joins in the engine, for Spark or a graph larger than memory) or auto (scipy on DuckDB, "
        "frontier elsewhere). Both give the same answer.", "choice",
    ),
    Setting(
        "relation_min_interactions", _as_int, 30,
        "Interactions a pair of units needs in a period before orgsphere calls it partner or supplier.", "number",
        _positive,
    ),
    Setting(
        "relation_ticket_share", _as_share, 0.25,
        "Share of a relation's contact running through tickets that makes it a supplier relation (without joint "
        "customer work).", "share",
    ),
    Setting(
        "relation_one_sided", _as_share, 0.8,
        "Share of the threads, meetings and tickets one side starts that makes a relation one-way.", "share",
    ),
    Setting(
        "relation_reciprocity", _as_share, 0.5,
        "Smaller direction over the larger below which a one-way relation counts as unanswered.", "share",
    ),
    Setting(
        "relation_joint_work", _as_int, 3,
        "Threads or meetings with a customer that both units took part in, plus customers both met, that make "
        "a partnership.", "number", _not_negative,
    ),
    Setting(
        "lexicon", _as_path, None,
        "A TOML file of your own internal-customer terms for the language audit, added to the built-in lexicon "
        "(same format as orgsphere/text/lexicon.toml).", "path",
    ),
    Setting(
        "role_lexicon", _as_path, None,
        "A TOML file of words and ticket categories per staff role, used instead of the built-in one "
        "(orgsphere/text/role_lexicon.toml).", "path",
    ),
    Setting(
        "role_training", _as_path, None,
        "Your own labelled work items (CSV/TSV: role, title, category) to train the role model on; without it "
        "the lexicon alone classifies. Check it first with orgsphere roles evaluate FILE.", "path",
    ),
    Setting(
        "role_mismatch_share", _as_share, 0.8,
        "Flag a staff unit whose work is at least this share one role other than its intended role.", "share",
    ),
    Setting(
        "role_regulating_share", _as_share, 0.5,
        "Flag a staff unit with at least this share of regulating work ...", "share",
    ),
    Setting(
        "role_min_advice", _as_share, 0.05,
        "... and less than this share of advice.", "share",
    ),
    Setting(
        "role_requester_share", _as_share, 0.6,
        "Flag a staff unit that gets at least this share of its work from one unit.", "share",
    ),
    Setting(
        "role_min_sight", _as_share, 0.3,
        "Flag a staff unit with only supplier relations to the line when fewer than this share of its "
        "person-months are within one hop of a customer.", "share",
    ),
    Setting(
        "role_min_items", _as_int, 20,
        "Work items a staff unit needs in the period before orgsphere flags its position.", "number", _positive,
    ),
    Setting(
        "null_samples", _as_int, 500,
        "Degree-preserving rewirings drawn per channel for the null model (0: random mixing only).", "number",
        _not_negative,
    ),
    Setting(
        "memory_limit",
        _as_str,
        "",
        "Memory the store's engine may use, e.g. 2GB; beyond it, work spills to disk. Empty: DuckDB's default "
        "(80% of the machine's memory).",
        "text",
    ),
    Setting(
        "engine", _choice("duckdb", "spark"), "duckdb",
        "Where the analysis runs: duckdb (the store file on this machine) or spark (the warehouse's Parquet on a "
        "Spark session; needs pip install 'orgsphere[spark]' and Java 17 or newer).", "choice",
    ),
    Setting(
        "warehouse", _as_str, "",
        "Where orgsphere publish writes the store's tables as Parquet and the spark engine reads them: a folder, "
        "or a URI (hdfs://, s3://, s3a://, gs://). Empty: a folder named after the store, beside it.", "text",
    ),
    Setting(
        "spark_master", _as_str, "local[*]",
        "The Spark master of the spark engine: local[*] (this machine), yarn, spark://host:7077, k8s://... "
        "Ignored inside spark-submit (the session it made is used) and when spark_remote is set.", "text",
    ),
    Setting(
        "spark_remote", _as_str, "",
        "A Spark Connect URL (sc://host:15002) for the spark engine; empty: a classic session on spark_master.",
        "text",
    ),
    Setting(
        "spark_conf", _as_conf, {},
        "Extra Spark configuration for the session orgsphere makes, e.g. spark.executor.memory=8g, "
        "spark.sql.shuffle.partitions=400.", "table",
    ),
    Setting("seed", _as_int, 0, "Seed of every random choice orgsphere makes (bootstrap, demo).", "number"),
    Setting(
        "max_line_bytes", _as_bytes, ByteSize(1 << 20),
        "Longest line a CSV file or an mbox header may have (e.g. 1MiB); a longer line is rejected alone with its "
        "line number and never read into memory whole, and reading goes on.", "size", _positive,
    ),
    Setting(
        "max_header_bytes", _as_bytes, ByteSize(1 << 20),
        "Largest header block of one mail message; a larger one (hundreds of thousands of addresses) is rejected "
        "as a whole, read no further than this.", "size", _positive,
    ),
    Setting(
        "max_recipients", _as_int, 2000,
        "Most To, Cc and Bcc addresses of one mail message, and most attendees of one meeting; a message or "
        "meeting occurrence with more is rejected as a whole. 2,000 is the most Google Workspace sends one message "
        "to (Exchange Online: 1,000); a list address counts as one.", "number", _positive,
    ),
    Setting(
        "zip_max_member_bytes", _as_bytes, ByteSize(512 << 20),
        "Largest file inside a zip (a Slack export, an XLSX or DOCX), unpacked; a larger one is rejected, or "
        "refuses the archive where it is needed.", "size", _positive,
    ),
    Setting(
        "zip_max_total_bytes", _as_bytes, ByteSize(4 << 30),
        "Most bytes all the files of one zip may unpack to; a zip that declares more is refused before any is "
        "unpacked.", "size", _positive,
    ),
    Setting(
        "zip_max_ratio", _as_int, 100,
        "Most a file of more than 1 MiB inside a zip may have been compressed (unpacked size over packed "
        "size); more is a zip bomb, and the file is rejected as one.", "number", _positive,
    ),
    Setting(
        "zip_max_members", _as_int, 500_000,
        "Most files one zip may hold (each costs about 0.5 KB of memory to list); a zip with more is refused "
        "before its directory is read.", "number", _positive,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    """Effective settings, with where each value came from (for the processing statement)."""

    def __init__(self, values: dict[str, Any], sources: dict[str, str]):
        self._values = values
        self._sources = sources

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def source(self, name: str) -> str:
        return self._sources[name]

    def replace(self, **changes: Any) -> Settings:
        values, sources = dict(self._values), dict(self._sources)
        for name, value in changes.items():
            setting = _lookup(name, "Settings.replace")
            values[name] = setting.convert(value, "Settings.replace")
            sources[name] = "code"
        return Settings(values, sources)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def __repr__(self) -> str:
        return f"Settings({self._values!r})"


def _lookup(name: str, where: str) -> Setting:
    if name in _BY_NAME:
        return _BY_NAME[name]
    close = difflib.get_close_matches(name, list(_BY_NAME), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ConfigError(f"{where}: unknown setting {name!r}.{hint} Known settings: {', '.join(_BY_NAME)}.")


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file or pass another --config.") from None
    nested = data.pop("orgsphere", None)
    if isinstance(nested, dict):
        data.update(nested)
    return data


def load_settings(
    config: str | os.PathLike[str] | None = None,
    cli: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting from defaults, ``orgsphere.toml``, ``ORGSPHERE_*`` variables and CLI values.

    ``config`` names the TOML file; without it ``./orgsphere.toml`` is read when it exists.
    """
    env = os.environ if env is None else env
    values = {s.name: s.default for s in SETTINGS}
    sources = {s.name: "default" for s in SETTINGS}
    path = Path(config) if config is not None else Path(DEFAULT_CONFIG_FILE)
    if config is not None and not path.is_file():
        raise ConfigError(f"{path}: config file not found; create it or leave out --config.")
    if path.is_file():
        for name, raw in _read_config(path).items():
            setting = _lookup(name, str(path))
            values[name] = setting.convert(raw, f"{path}")
            sources[name] = f"file {path}"
            if setting.kind == "path" and values[name] is not None and not values[name].is_absolute():
                values[name] = (path.parent / values[name]).resolve()
    for setting in SETTINGS:
        if setting.env in env:
            values[setting.name] = setting.convert(env[setting.env], f"environment variable {setting.env}")
            sources[setting.name] = f"env {setting.env}"
    for name, raw in (cli or {}).items():
        if raw is None or raw == ():
            continue
        setting = _lookup(name, "command line")
        values[name] = setting.convert(raw, f"option {setting.option}")
        sources[name] = "command line"
    return Settings(values, sources)
