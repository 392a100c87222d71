"""The periods the analyses count in: calendar months ("2025-07") and ISO weeks ("2025-W27").

Every analysis that counts per period takes its period from here, as an integer code in the engine (``year *
100 + month``, or the ISO year ``* 100 +`` the ISO week) or as its label, so months and weeks are one
machinery. The ISO week and its year are plain arithmetic on the engine's week of the year (ISO on DuckDB and
Spark alike): the days of late December in week 1 belong to the next year, those of early January in week 52
or 53 to the year before.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import ibis

__all__ = ["Period", "PERIODS", "period_code", "period_label", "code_label", "week_of", "week_start", "label_days"]

Period = Literal["month", "week"]
PERIODS: tuple[Period, ...] = ("month", "week")


def _iso(ts: ibis.Value) -> tuple[ibis.Value, ibis.Value]:
    """(ISO year, ISO week) of a timestamp expression."""
    week = ts.week_of_year()
    month = ts.month()
    year = ts.year() + ibis.ifelse((week == 1) & (month == 12), 1, 0) - ibis.ifelse((week >= 52) & (month == 1), 1, 0)
    return year, week


def period_code(ts: ibis.Value, period: Period = "month") -> ibis.Value:
    """The period of a timestamp as an integer: ``year * 100 + month``, or ISO ``year * 100 + week``."""
    if period == "week":
        year, week = _iso(ts)
        return year * 100 + week
    return ts.year() * 100 + ts.month()


def period_label(ts: ibis.Value, period: Period = "month") -> ibis.Value:
    """The period of a timestamp as its label: "2025-07", or "2025-W27"."""
    if period == "week":
        year, week = _iso(ts)
        return year.cast("string") + "-W" + week.cast("string").lpad(2, "0")
    return ts.strftime("%Y-%m")


def code_label(code: int, period: Period = "month") -> str:
    """The label of an integer period code (:func:`period_code`)."""
    return f"{code // 100}-W{code % 100:02d}" if period == "week" else f"{code // 100}-{code % 100:02d}"


def week_of(day: date) -> str:
    """The ISO week a day falls in, as its label."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(label: str) -> date:
    """The Monday of an ISO week label."""
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def label_days(label: str) -> tuple[date, date]:
    """The first and the last day of a period label: a month ("2025-07") or an ISO week ("2025-W27")."""
    if "-W" in label:
        first = week_start(label)
        return first, first + timedelta(days=6)
    year, month = (int(x) for x in label.split("-"))
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), following - timedelta(days=1)
