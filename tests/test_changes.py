"""Did the change work? A small generated organisation in which one staff unit (ICT) changes its behaviour at an
event (its tickets from the line stop, joint customer meetings with the line start) and another (HR) does not:
the effect is found for the first and not for the second, and the difference-in-differences says the same."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import orgsphere
from orgsphere.changes import analyse_changes
from orgsphere.errors import IngestFailedError

from .conftest import run_cli, write

START = date(2025, 1, 6)  # a Monday: ISO week 2025-W02
WEEKS = 48
EVENT_WEEK = 24
UNITS = {"Sales": "line", "Ops": "line", "ICT": "staff", "HR": "staff", "Finance": "staff"}
SIZE = 5


def person(unit: str, i: int) -> str:
    return f"{unit.lower()}{i}"


def build(tmp_path: Path, quiet_week: int | None = None) -> orgsphere.Workspace:
    """The organisation's org chart, mail, meetings and tickets over WEEKS weeks (``quiet_week``: a week in which
    only two of Finance's people write anything)."""
    rng = np.random.default_rng(7)
    org = "person,unit,parent,kind\n" + "".join(f"{person(u, i)},{u},Co,{k}\n" for u, k in UNITS.items()
                                                 for i in range(SIZE))  # fmt: skip
    edges, tickets = ["src,dst,ts,channel,thread"], ["number,caller,assignment_group,opened_at,category"]
    n = 0
    for week in range(WEEKS):
        after = week >= EVENT_WEEK
        for day in range(5):
            when = START + timedelta(weeks=week, days=day)

            def at(hour: int, when: date = when) -> str:
                return f"{when.isoformat()}T{9 + hour % 8:02d}:{(hour * 7) % 60:02d}:00"

            for unit in UNITS:
                writers = 2 if unit == "Finance" and week == quiet_week else SIZE
                for i in range(writers):  # everyone writes to a colleague every day
                    n += 1
                    edges.append(f"{person(unit, i)},{person(unit, (i + 1) % SIZE)},{at(i)},email,t{n}")
            for i in range(SIZE):  # the line talks to its customers
                for _ in range(rng.poisson(2)):
                    n += 1
                    who = "sales" if i % 2 else "ops"
                    edges.append(f"{who}{i},buyer{rng.integers(20)}@client.example,{at(i + 1)},email,t{n}")
            for staff in ("ICT", "HR", "Finance"):  # every staff unit meets a customer now and then
                for _ in range(rng.poisson(0.6)):
                    if staff == "Finance" and week == quiet_week:
                        continue
                    n += 1
                    edges.append(f"{person(staff, rng.integers(SIZE))},buyer{rng.integers(20)}@client.example,"
                                 f"{at(3)},email,t{n}")  # fmt: skip
            for _ in range(rng.poisson(3)):  # HR answers the line's tickets all along
                n += 1
                # half of them payroll (supporting work), half audits (regulating), before and after alike
                tickets.append(f"INC{n},sales{rng.integers(SIZE)},HR,{at(2)},{('payroll', 'audit')[n % 2]}")
            if not after:  # ICT answers the line's tickets, until the event
                for _ in range(rng.poisson(4)):
                    n += 1
                    tickets.append(f"INC{n},sales{rng.integers(SIZE)},ICT,{at(4)},incident")
            else:  # from the event on, ICT meets customers with the line
                for _ in range(rng.poisson(3)):
                    n += 1
                    i, buyer = rng.integers(SIZE), rng.integers(20)
                    for src, dst in ((f"sales{i}", f"ict{i}"), (f"sales{i}", f"buyer{buyer}@client.example"),
                                     (f"ict{i}", f"buyer{buyer}@client.example")):  # fmt: skip
                        edges.append(f"{src},{dst},{at(5)},meeting,m{n}")
    ws = orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", customer_domains="client.example",
                        min_group_size=3, bootstrap_samples=200, relation_min_interactions=10)  # fmt: skip
    ws.ingest_orgchart(write(tmp_path / "org.csv", org))
    ws.ingest_edges(write(tmp_path / "e.csv", "\n".join(edges) + "\n"))
    ws.ingest_tickets(write(tmp_path / "t.csv", "\n".join(tickets) + "\n"))
    day = START + timedelta(weeks=EVENT_WEEK)
    ws.ingest_events(write(tmp_path / "events.csv", f"date,label,units\n{day:%d-%m-%Y},ICT works with the line,ICT\n"
                           f"{START + timedelta(weeks=30):%d-%m-%Y},Nothing happened here,HR\n"
                           f"{START + timedelta(weeks=30):%d-%m-%Y},Nor here,Finance\n"))  # fmt: skip
    return ws


@pytest.fixture(scope="module")
def changes(tmp_path_factory: pytest.TempPathFactory) -> orgsphere.changes.Changes:
    with build(tmp_path_factory.mktemp("changes"), quiet_week=5) as ws:
        return ws.changes()


def effect(changes: orgsphere.changes.Changes, event: str, group: str, measure: str) -> dict:
    rows = [r for r in changes["effects"].to_pylist() if r["event"] == event and r["group_id"] == group
            and r["measure"] == measure]  # fmt: skip
    assert len(rows) == 1, (event, group, measure)
    return rows[0]


def test_the_change_is_found_where_it_happened_and_not_where_it_did_not(changes: orgsphere.changes.Changes) -> None:
    events = {r["label"]: r["event"] for r in changes["events"].to_pylist()}
    ict = effect(changes, events["ICT works with the line"], "ICT", "R_customer")
    assert ict["verdict"] == "effect" and ict["level_low"] > 0  # customer contact rose at the event
    assert ict["did_verdict"] == "effect" and ict["did_level_low"] > 0 and ict["comparison"] == 2  # HR, Finance
    tickets = effect(changes, events["ICT works with the line"], "Sales|ICT", "ticket_share")
    assert tickets["verdict"] == "effect" and tickets["level_high"] < 0  # the tickets stopped
    joint = effect(changes, events["ICT works with the line"], "Sales|ICT", "joint_work")
    assert joint["level_low"] > 0
    supplier = effect(changes, events["ICT works with the line"], "Sales|ICT", "supplier")
    assert supplier["before"] == 1.0 and supplier["level"] == pytest.approx(-1.0)  # supplier every week, then not
    hr = effect(changes, events["Nothing happened here"], "HR", "R_customer")
    assert hr["verdict"] != "effect" and hr["did_verdict"] != "effect"
    hr_tickets = effect(changes, events["Nothing happened here"], "Sales|HR", "ticket_share")
    assert hr_tickets["verdict"] != "effect"
    assert {r["event"] for r in changes.moved()} == {events["ICT works with the line"]}


def test_a_small_week_is_suppressed_and_missing_from_the_series(changes: orgsphere.changes.Changes) -> None:
    weekly = [r for r in changes["weekly"].to_pylist() if r["group_id"] == "Finance"]
    assert len(weekly) == WEEKS
    quiet = [r for r in weekly if r["period"] == "2025-W07"]  # week 5 of the series
    assert quiet[0]["suppressed"] and quiet[0]["R"] is None and quiet[0]["contributors"] is None
    # the complementary rule across the weeks: Finance's whole period minus its other weeks would give the
    # quiet week away, so another of its weeks is hidden too; and across the units of the quiet week
    assert [r["complementary"] for r in weekly if r["suppressed"]].count(True) >= 1
    week = [r for r in changes["weekly"].to_pylist() if r["scope"] == "unit" and r["period"] == "2025-W07"]
    assert any(r["complementary"] for r in week if r["group_id"] != "Finance")
    finance = [r for r in changes["effects"].to_pylist() if r["group_id"] == "Finance" and r["measure"] == "R"]
    assert [r["weeks_before"] + r["weeks_after"] for r in finance] == [WEEKS - 2]  # hidden weeks have no value


def test_the_weekly_role_mix_of_a_staff_unit(changes: orgsphere.changes.Changes) -> None:
    weekly = {(r["group_id"], r["period"]): r for r in changes["weekly"].to_pylist() if r["scope"] == "unit"}
    hr = [r for (g, _), r in weekly.items() if g == "HR" and not r["suppressed"]]
    # HR's tickets: half payroll (supporting), half audits (regulating), in every week
    assert all(r["role_items"] >= 5 for r in hr)
    assert all(r["supporting_share"] + r["regulating_share"] == pytest.approx(1.0) for r in hr)
    assert 0.4 < sum(r["supporting_share"] for r in hr) / len(hr) < 0.6
    assert all(r["advisory_share"] == 0 and r["executing_share"] == 0 for r in hr)
    # ICT: only incidents until the event, then no tickets at all: no share in the weeks without work items
    ict = sorted((p, r) for (g, p), r in weekly.items() if g == "ICT" and not r["suppressed"])
    assert all(r["supporting_share"] == 1.0 for _, r in ict[:EVENT_WEEK - 1] if r["role_items"] >= 5)
    assert all(r["role_items"] == 0 and r["supporting_share"] is None for _, r in ict[EVENT_WEEK + 1:])
    # line units and hidden weeks have no role mix
    assert all(r["role_items"] is None and r["supporting_share"] is None for (g, _), r in weekly.items()
               if UNITS[g] == "line" or r["suppressed"])  # fmt: skip
    events = {r["label"]: r["event"] for r in changes["events"].to_pylist()}
    steady = effect(changes, events["Nothing happened here"], "HR", "supporting_share")
    assert steady["verdict"] != "effect" and steady["weeks_before"] > 20  # a mix that did not change
    dropped = effect(changes, events["ICT works with the line"], "ICT", "supporting_share")
    assert dropped["verdict"] == "too_few_weeks"  # no work items after the event: nothing to compare


def test_a_role_mix_needs_enough_items_in_the_week(tmp_path: Path) -> None:
    with build(tmp_path) as ws:
        ws.settings = ws.settings.replace(effect_min_role_items=1000)
        weekly = ws.changes()["weekly"].to_pylist()
    hr = [r for r in weekly if r["group_id"] == "HR" and not r["suppressed"]]
    assert hr and all(r["role_items"] > 0 and r["supporting_share"] is None for r in hr)


def test_growth_is_fitted_per_group_and_steady_headcount_says_so(changes: orgsphere.changes.Changes) -> None:
    growth = {r["group_id"]: r for r in changes["growth"].to_pylist()}
    assert set(UNITS) <= set(growth)
    assert growth["Sales"]["verdict"] == "thin"  # five people every week: no spread in size to fit


def test_cli_changes_prints_the_effects_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path).close()
    args = ["changes", "--setting", f"store={tmp_path / 's.duckdb'}", "--setting", f"key_file={tmp_path / 'k'}",
            "--setting", "min_group_size=3", "--setting", "customer_domains=client.example"]
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    assert "ICT works with the line" in out and "outwardness towards customers" in out and "beyond the placebo" in out
    code, out, err = run_cli([*args, "--json", "--out", str(tmp_path / "tables")], capsys)
    assert code == 0, err
    got = json.loads(out)
    assert {e["label"] for e in got["events"]} == {"ICT works with the line", "Nothing happened here", "Nor here"}
    assert any(r["verdict"] == "effect" for r in got["effects"])
    assert (tmp_path / "tables" / "effects.csv").is_file()


def test_cli_says_how_many_weeks_the_minimum_group_size_hid(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Where a series has too few weeks, the command counts the weeks the minimum group size hid (Finance's
    quiet week and its partners); where every week of an event's units is hidden, it says so instead of
    printing nothing."""
    build(tmp_path, quiet_week=5).close()
    args = ["changes", "--all", "--setting", f"store={tmp_path / 's.duckdb'}", "--setting",
            f"key_file={tmp_path / 'k'}", "--setting", "min_group_size=3", "--setting", "effect_min_segment=20"]
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    finance = next(line for line in out.splitlines() if line.strip().startswith("Finance, outwardness R:"))
    found = re.search(r"too few weeks to tell \((\d+) before, (\d+) from the event on; (\d+) more weeks hidden by "
                      r"the minimum group size \((\d+) before, (\d+) from the event on\)", finance)  # fmt: skip
    assert found, finance
    shown_before, shown_after, hidden, hidden_before, hidden_after = map(int, found.groups())
    assert hidden == hidden_before + hidden_after >= 2 and hidden_before >= 1  # week 5 lies before week 30
    assert shown_before + shown_after + hidden == WEEKS
    args[-3:] = ["min_group_size=6"]  # units of five: every week hidden
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    assert f"no weekly series to estimate: {WEEKS} of the {WEEKS} weeks of ICT are hidden by the minimum group " \
           "size" in out  # fmt: skip


def test_cli_changes_ends_with_the_data_check_and_its_exit_code(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Like analyse: the figures first, then the data check's line, and exit code 4 when it found an error (here
    an edge list whose every row was rejected); with --json too, where the line goes to stderr."""
    with build(tmp_path) as ws:
        with pytest.raises(IngestFailedError):
            ws.ingest_edges(write(tmp_path / "bad.csv", "src,dst\nnobody,sales1\nnoone,sales2\n"))
    args = ["changes", "--setting", f"store={tmp_path / 's.duckdb'}", "--setting", f"key_file={tmp_path / 'k'}",
            "--setting", "min_group_size=3"]
    code, out, err = run_cli(args, capsys)
    assert code == 4, err
    assert "ICT works with the line" in out  # the figures were written
    assert "data check: 1 errors" in err and "bad.csv" in err and "failed" in err
    code, out, err = run_cli([*args, "--json"], capsys)
    assert code == 4 and json.loads(out)["events"] and "data check: 1 errors" in err


def test_analyse_publishes_the_tables_of_changes_where_events_were_given(tmp_path: Path) -> None:
    with build(tmp_path) as ws:
        results = ws.analyse()
    assert results["effects"].num_rows > 0 and results["weekly"].num_rows > 0
    assert analyse_changes  # (the same tables as orgsphere changes)


DAYS = [date(2020, 12, 31), date(2021, 1, 3), date(2021, 1, 4), date(2024, 12, 29), date(2024, 12, 30),
        date(2025, 7, 2), date(2026, 12, 31), date(2027, 1, 1)]  # fmt: skip


def iso_weeks(t: Any) -> list[tuple[str, int]]:
    """Each timestamp's ISO week, as the engine labels and codes it."""
    from orgsphere.analysis.periods import period_code, period_label

    out = t.select(label=period_label(t.ts, "week"), code=period_code(t.ts, "week")).to_pyarrow()
    return list(zip(out["label"].to_pylist(), out["code"].to_pylist(), strict=True))


def test_iso_weeks_across_the_turn_of_the_year() -> None:
    import ibis

    days = pa.table({"ts": pa.array([datetime(d.year, d.month, d.day, 12) for d in DAYS], pa.timestamp("us"))})
    expected = [(f"{y}-W{w:02d}", y * 100 + w) for y, w, _ in (d.isocalendar() for d in DAYS)]
    assert iso_weeks(ibis.memtable(days)) == expected


def test_the_weekly_aggregation_is_the_same_on_spark(tmp_path: Path, spark: Any) -> None:
    from orgsphere.analysis.lookups import unit_column
    from orgsphere.analysis.machinery import machinery_table
    from orgsphere.analysis.relations import RelationRules, relation_table
    from orgsphere.analysis.sphere import sphere_counts
    from orgsphere.engine import local_table

    from .conftest import SparkTables
    from .test_engines import same

    days = pa.table({"ts": pa.array([datetime(d.year, d.month, d.day, 12) for d in DAYS], pa.timestamp("us"))})
    expected = [(f"{y}-W{w:02d}", y * 100 + w) for y, w, _ in (d.isocalendar() for d in DAYS)]
    assert iso_weeks(local_table(_any_spark_table(spark), days)) == expected
    with build(tmp_path) as ws:
        on_spark = SparkTables(spark, ws.store, ("interactions", "people", "parties", "units", "declared_sizes"),
                               "weekly")  # fmt: skip
        duck, _ = sphere_counts(ws.store, period="week")
        sparked, _ = sphere_counts(on_spark, period="week")
        assert "2025-W30" in duck["period"].to_pylist()
        same(duck, sparked, ["scope", "group_id", "period", "channel"])
        kinds = unit_column(ws.store, "kind")
        same(relation_table(ws.store, kinds, RelationRules(), per="week"),
             relation_table(on_spark, kinds, RelationRules(), per="week"), ["period", "unit_a", "unit_b"])
        duck_machinery = machinery_table(ws.store, kinds, per="week")
        assert duck_machinery.equals(machinery_table(on_spark, kinds, per="week"))


def _any_spark_table(spark: Any) -> Any:
    """A table of the Spark backend, for local_table to find its engine by."""
    from orgsphere.engine import spark_session

    spark_session(spark).createDataFrame(pa.table({"x": [1]}).to_pandas()).createOrReplaceTempView("weekly_probe")
    return spark.table("weekly_probe")
