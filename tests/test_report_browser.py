"""The report in a real browser (Debian's chromium, through selenium): it loads without console errors, every
section renders, the tables sort, nothing runs off the side of a phone, a laptop or a wide screen, and printing
gives a clean document. The demo in English and Dutch, and a small organisation. Skips where chromium or its
driver is missing (make test installs them where it can), never under CI=true."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import orgsphere

from .test_json_output import _organisation

WIDTHS = (390, 1366, 1920)


@pytest.fixture(scope="module")
def reports(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's English report, the same store in Dutch, and a small organisation of eight units."""
    tmp = tmp_path_factory.mktemp("browser")
    with orgsphere.open(demo / "orgsphere.duckdb", key_file=demo / "demo-pseudonym.key", read_only=True,
                        config=demo / "orgsphere.toml") as ws:  # fmt: skip
        dutch = ws.report(tmp / "nl.html", lang="nl")
    org, edges = _organisation(tmp)
    with orgsphere.open(tmp / "small.duckdb", key_file=tmp / "k", customer_domains="customer.example",
                        supplier_domains="vendor.example") as ws:  # fmt: skip
        ws.ingest_orgchart(org)
        ws.ingest_edges(edges)
        small = ws.report(tmp / "small.html")
    return {"demo": demo / "report.html", "nl": dutch, "small": small}


def _open(browser: Any, page: Path, width: int = 1366) -> None:
    browser.set_window_size(width, 1000)
    browser.get(page.as_uri())
    browser.get_log("browser")  # (earlier pages' messages)
    browser.get(page.as_uri())


@pytest.mark.parametrize("which", ["demo", "nl", "small"])
def test_the_report_loads_cleanly_and_every_section_renders(browser: Any, reports: dict[str, Path],
                                                            which: str) -> None:  # fmt: skip
    _open(browser, reports[which])
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors
    sections = browser.execute_script(
        "return Array.from(document.querySelectorAll('section')).map(s => [s.id, s.getBoundingClientRect().height,"
        " s.innerText.trim().length])")  # fmt: skip
    assert len(sections) >= 8
    for name, height, text in sections:
        assert height > 40 and text > 40, (name, height, text)
    assert [s[0] for s in sections][0] == "actions"  # what to do comes first


@pytest.mark.parametrize("which", ["demo", "nl", "small"])
@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_runs_off_the_side(browser: Any, reports: dict[str, Path], which: str, width: int) -> None:
    _open(browser, reports[which], width)
    overflow = browser.execute_script("""
        const page = document.documentElement.clientWidth;
        const wide = Array.from(document.querySelectorAll('main *')).filter(e => {
          const r = e.getBoundingClientRect();
          return r.width > 0 && r.right > page + 1 && !e.closest('.table, .wide');
        }).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
        return [document.documentElement.scrollWidth, page, wide.slice(0, 5)];""")
    scroll_width, page, wide = overflow
    assert scroll_width <= page + 1 and not wide, (width, overflow)


def _column(table: Any, col: int) -> list[float]:
    return [float(v.get_attribute("data-v")) for v in
            table.find_elements("css selector", f"tbody tr:not([hidden]) td:nth-child({col + 1})[data-v]")]  # fmt: skip


def test_a_click_on_a_column_sorts_its_table(browser: Any, reports: dict[str, Path]) -> None:
    _open(browser, reports["demo"])
    boxes = browser.find_elements("css selector", "div.table")
    assert len(boxes) >= 10
    checked = 0
    for box in boxes:
        table = box.find_element("css selector", "table")
        show_all = box.find_elements("css selector", ".tools .all")
        for col, th in enumerate(table.find_elements("css selector", "thead th")):
            if len(_column(table, col)) < 3 or not th.is_displayed():
                continue
            if show_all and show_all[0].is_displayed() and box.get_attribute("data-page"):
                rows = table.find_elements("css selector", "tbody tr")
                if len(rows) > int(box.get_attribute("data-page")):
                    browser.execute_script("arguments[0].click()", show_all[0])  # every row, not one page
            browser.execute_script("arguments[0].click()", th)
            after = _column(table, col)
            assert after == sorted(after, reverse=True) and th.get_attribute("aria-sort") == "descending", th.text
            browser.execute_script("arguments[0].click()", th)
            again = _column(table, col)
            assert again == sorted(again), (th.text, again[:5])
            checked += 1
            break
    assert checked >= 5


def test_the_filter_keeps_matching_rows_and_the_csv_holds_them(browser: Any, reports: dict[str, Path]) -> None:
    _open(browser, reports["demo"])
    box = browser.find_element("css selector", '#ranking div.table')
    table = box.find_element("css selector", "table")
    total = len(table.find_elements("css selector", "tbody tr"))
    search = box.find_element("css selector", ".tools input")
    assert search.is_displayed()
    search.send_keys("branch")
    shown = [r.text for r in table.find_elements("css selector", "tbody tr") if r.is_displayed()]
    assert 0 < len(shown) < total and all("branch" in r.lower() for r in shown)
    csv = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        URL.createObjectURL = (blob) => { blob.text().then(done); return "blob:held"; };
        arguments[0].click();""", box.find_element("css selector", ".tools .csv"))  # fmt: skip
    lines = csv.lstrip("\ufeff").strip().splitlines()
    assert len(lines) == len(shown) + 1 and all("branch" in line.lower() for line in lines[1:])
    assert lines[0].startswith('"') and "R" in lines[0]


def test_printing_gives_a_clean_document(browser: Any, reports: dict[str, Path]) -> None:
    """Print media on A4 width: nothing scrolls inside a box (every row is on paper), nothing runs off the page,
    and the PDF has pages."""
    _open(browser, reports["demo"], 794)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        clipped = browser.execute_script("""
            return Array.from(document.querySelectorAll('main *')).filter(e => {
              const s = getComputedStyle(e);
              return (s.overflowY === 'auto' || s.overflowY === 'scroll') && e.scrollHeight > e.clientHeight + 1;
            }).map(e => e.tagName + '.' + e.className);""")
        assert not clipped, clipped
        width = browser.execute_script("""
            const page = document.documentElement.clientWidth;
            const wide = Array.from(document.querySelectorAll('main *')).filter(
              e => e.getBoundingClientRect().right > page + 1).map(e => e.tagName + '.' + e.className + '@'
                + (e.closest('section') || {}).id + ':' + Math.round(e.getBoundingClientRect().width));
            return [document.documentElement.scrollWidth, page, wide.slice(0, 5)];""")
        assert width[0] <= width[1] + 1, width
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = browser.print_page()
    assert len(pdf) > 10_000  # (base64 of a document with pages)
