"""The Dutch report speaks Dutch: the text a reader sees (the page's text, titles, alt texts and labels of
charts) of the Dutch report of the demo, and of a small organisation with rejected rows and a parties file,
holds no English phrase beyond the data (unit names, domains, file and setting names) and the few loanwords
the two Dutch essays themselves use. And every message the report uses has a Dutch text of its own."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

import orgsphere
from orgsphere.report.html import render_report
from orgsphere.report.i18n import DOMAIN, catalogue_text, words
from orgsphere.report.processing import reason_words
from orgsphere.results import Results

from .conftest import write

# English words and phrases that are not Dutch (whole words, any case). Words both languages have ("in",
# "is", "was", "model", "partner", "of", "per", "door", "data") are left out: they tell nothing.
ENGLISH = (
    "the", "and", "with", "without", "within", "from", "for", "to", "by", "at", "on", "which", "where",
    "this", "that", "these", "those", "are", "has", "have", "been", "be", "would", "should", "could",
    "cannot", "not", "none", "or", "than", "then", "each", "every", "only", "more", "less", "yes", "true",
    "false", "units", "unit", "staff", "line", "customer", "customers", "interaction", "interactions",
    "default", "command line", "undeclared", "declared", "parties", "party", "file", "setting", "settings",
    "category", "rows", "row", "items", "item", "work item", "hops", "hop", "persons", "people", "share",
    "month", "months", "outside", "inside", "outwardness", "inwardness", "supplier", "suppliers", "rejected",
    "kept", "stored", "address", "addresses", "keyed", "digests", "metadata", "job titles", "who", "whom",
    "when", "weight", "message", "expected", "empty", "ticket", "tickets", "meeting", "meetings",
    "email", "fitted", "slope", "level", "levels", "subtree", "subtrees", "relation", "relations",
    "verdict", "reason", "because", "source", "sources", "orgchart", "chance",
    "random", "mixing", "rewiring", "rewirings", "sphere", "law", "boundary", "region",
)
# Loanwords the two Dutch essays (../shared/seeds) use themselves, and technical names a Dutch reader meets
# as they are: they may stand in the Dutch report.
LOANWORDS = (
    "Service Level Agreements", "Service Level Agreement", "SLA", "business", "businesspartner", "HRM", "ICT",
    "HMAC-SHA256", "ISO 8601", "Message-ID", "macro-F1", "CRM", "Slack", "Viva Insights", "orgsphere", "sha256",
    "UTC",
)
# The command lines the report names (commands, their words and the files of the example), as they are typed.
COMMANDS = r"orgsphere (?:ingest (?:orgchart units\.yaml people\.csv|parties|documents|tickets)|rejects|check|" \
           r"audit-language|roles label)"
# settings (with a value written out), addresses, files
IDENTIFIER = r"\b[a-z]+(?:_[a-z0-9]+)+(?: = (?:true|false))?_?\*?|\b[\w.-]+@[\w.-]+|\b[\w-]+(?:\.[\w-]+)+\b"


class VisibleText(HTMLParser):
    """The text a reader sees of a page: its text outside script, style and SVG metadata, and the title, alt
    and aria-label of its elements (an SVG's <title> is text, and so is read)."""

    HIDDEN = ("script", "style", "metadata")

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html.replace("<wbr>", ""))  # (a line-break hint inside a word: the reader sees one word)
    return parser.parts


def english_phrases(html: str, data: Iterable[str]) -> dict[str, list[str]]:
    """English word or phrase -> the visible texts it stands in, once the data values (longest first), the
    loanwords, command lines and identifiers are taken out."""
    values = sorted({v for v in data if v and len(v) > 1} | set(LOANWORDS), key=len, reverse=True)
    cut = re.compile("|".join([COMMANDS, IDENTIFIER, *(re.escape(v) for v in values)]))
    words = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])", re.I)
    found: dict[str, list[str]] = {}
    for text in visible_text(html):
        for hit in words.finditer(cut.sub(" · ", text)):
            found.setdefault(hit.group(1).lower(), []).append(text)
    return found


def data_values(results: Results) -> set[str]:
    """The values of the data the report shows as they are: names of units and their functions, domains,
    files, settings and their values, the labels of events, the items and words of the role examples."""
    units = results.units()
    values = set(results.unit_names().values()) | {results.organisation.get("root") or ""}
    for column in ("name", "function"):
        if column in units.column_names:
            values |= {v for v in units[column].to_pylist() if v}
    values |= {r["domain"] for r in results["domains"].arrow.to_pylist()}
    values |= {s["source"] for s in results.statement.sources}
    values |= {r["source"].split("/")[-1] for r in results.statement.reject_reasons}
    values |= {s["name"] for s in results.statement.settings}
    values |= {v for s in results.statement.settings if s["value"] not in ("True", "False") for v in
               [s["value"], *s["value"].split(", ")]}  # fmt: skip
    events = results["events"].arrow  # the events file's labels, as written
    values |= {v for v in events["label"].to_pylist() if v} if "label" in events.column_names else set()
    examples = results["role_examples"].arrow
    for column in ("title", "words"):
        if column in examples.column_names:
            values |= {v for e in examples[column].to_pylist() if e for v in [e, *e.split(", ")]}
    return values


def test_the_finder_finds_english_and_passes_dutch() -> None:
    """The check below would fail on an English sentence anywhere a reader looks, and passes Dutch."""
    page = ('<html><head><title>Hoe ver staat Acme van de klant?</title><style>.the { }</style></head><body>'
            '<p>Van de 12 afdelingen werken er 3 als interne klant en leverancier.</p>'
            '<svg aria-label="Relaties tussen lijn en staf"><metadata>image with the date</metadata>'
            '<title>Branch Zwolle: 40%% binnen één stap</title></svg></body></html>')  # fmt: skip
    assert english_phrases(page, {"Branch Zwolle"}) == {}
    assert set(english_phrases(page.replace("klant?", "customer?"), {"Branch Zwolle"})) == {"customer"}
    assert set(english_phrases(page.replace("Relaties tussen", "Relations between the"), ())) == {"relations", "the"}
    assert set(english_phrases(page.replace("binnen één stap", "within one hop"), ())) == {"within", "hop"}
    assert english_phrases("<p>Zie orgsphere ingest parties en het bestand units.yaml.</p>", ()) == {}


def _assert_dutch(html: str, results: Results) -> None:
    found = english_phrases(html, data_values(results))
    assert not found, "English in the Dutch report:\n" + "\n".join(
        f"{word!r}: {texts[0]!r} (and {len(texts) - 1} more)" for word, texts in sorted(found.items()))


@pytest.fixture(scope="module")
def demo_results(demo: Path) -> Results:
    with orgsphere.open(config=demo / "orgsphere.toml", read_only=True) as ws:
        return ws.analyse()


def test_the_dutch_demo_report_holds_no_english(demo_results: Results) -> None:
    html = render_report(demo_results, "nl")
    assert '<html lang="nl">' in html and "Verwerkingsverklaring" in html
    assert demo_results.statement.reject_reasons  # (the demo's rejected rows are shown, with their reasons)
    _assert_dutch(html, demo_results)


ORG = "person,email,unit,kind\n" + "".join(
    f"p{i},p{i}@acme.example,{('Verkoop', 'Klantenservice', 'ICT', 'Financiën')[i % 4]},"
    f"{'staff' if i % 4 > 1 else 'line'}\n" for i in range(24))  # fmt: skip


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A small organisation: two line and two staff units, a parties file, a supplier by setting, undeclared
    domains, and rows rejected for eight reasons (an unknown colleague, an unreadable time, an empty sender, the
    same person at both ends, a sender nobody knows, two addresses in one cell, a person without a unit, a
    row without a person)."""
    tmp = tmp_path_factory.mktemp("small")
    rows = ["src,dst,ts,channel"]
    for month in range(1, 7):
        for k in range(80):
            rows.append(f"p{k % 24},p{(k * 7 + 1) % 24},2025-{month:02d}-{1 + k % 28:02d} 10:00,email")
        for k in range(12):
            rows.append(f"p{k},buyer{k}@bigclient.example,2025-{month:02d}-10 11:00,meeting")
            rows.append(f"p{k + 12},info@vendor.example,2025-{month:02d}-11 11:00,email")
            rows.append(f"p{k},someone{k}@elsewhere.example,2025-{month:02d}-12 11:00,email")
    rows += ["p1,nobody@acme.example,2025-02-01 10:00,email", "p1,p2,yesterday,email", ",p2,2025-02-01 10:00,email",
             "p3,p3,2025-02-01 10:00,email", "someone,p2,2025-02-01 10:00,email",
             '"a@x.example; b@y.example",p2,2025-02-01 10:00,email']  # fmt: skip
    with orgsphere.open(tmp / "s.duckdb", key_file=tmp / "k", internal_domains=["acme.example"],
                        supplier_domains=["vendor.example"], bootstrap_samples=50, null_samples=20,
                        min_group_size=2) as ws:  # fmt: skip
        ws.ingest_orgchart(write(tmp / "org.csv", ORG + ",,Verkoop,line\np99,,,line\n"))
        ws.ingest_parties(write(tmp / "klanten.csv", "domain\nbigclient.example\n"), kind="customer")
        ws.ingest_edges(write(tmp / "contacten.csv", "\n".join(rows) + "\n"))
        results = ws.analyse()
    return results


def test_the_dutch_report_of_a_small_organisation_holds_no_english(small: Results) -> None:
    html = render_report(small, "nl")
    nl = words("nl")
    reasons = {r["reason"] for r in small.statement.reject_reasons}
    assert len(reasons) == 8  # (every reason below is one a reader writes: none is left as stored)
    assert all(reason_words(r, nl) != r for r in reasons), [r for r in reasons if reason_words(r, nl) == r]
    assert "niet opgegeven (buiten de eigen domeinen)" in html and "lijst van externe partijen klanten.csv" in html
    assert "instelling supplier_domains" in html and "opdrachtregel" in html and "standaardwaarde" in html
    _assert_dutch(html, small)
    english = render_report(small, "en")  # the English report keeps its English
    assert "undeclared (outside the internal domains)" not in english  # (the stored words are not shown raw)
    assert "not declared (outside the internal domains)" in english and "command line" in english


# Messages whose Dutch is the English: symbols, names and words both languages share.
SAME_IN_DUTCH = {"R", "B", "p", "partner", "model", "chat", "document", "%(n)s document"}


def test_every_message_has_dutch_of_its_own() -> None:
    catalogue = read_po(io.StringIO(catalogue_text("nl")), locale="nl", domain=DOMAIN)
    same = []
    for m in catalogue:
        if not m.id:
            continue
        ids = list(m.id) if isinstance(m.id, tuple) else [m.id]
        forms = list(m.string) if isinstance(m.string, tuple) else [m.string]
        assert all(f and f.strip() for f in forms), f"no Dutch for {m.id!r}"
        if forms[0] == ids[0] and ids[0] not in SAME_IN_DUTCH:
            same.append(ids[0])
    assert not same, f"Dutch that is the English: {same}"
