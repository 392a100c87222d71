"""The line-of-sight map stays legible for an org chart of two hundred units."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

from orgsphere.report.distance_svg import (
    CHAR_WIDTH,
    LABEL_MIN_HEIGHT,
    MapUnit,
    share_colour,
    sparkline,
    unit_map,
)
from orgsphere.report.i18n import words

SVG = "{http://www.w3.org/2000/svg}"


def org_of_two_hundred() -> list[MapUnit]:
    rng = np.random.default_rng(3)
    units = [MapUnit("root", "Big Organisation", None, None)]
    for d in range(8):
        units.append(MapUnit(f"div{d}", f"Division {d}", "line" if d < 5 else "staff", "root"))
        for t in range(24):
            total = int(rng.choice([4, 12, 60, 600, 6000]))  # teams from tiny to very large
            near = int(rng.integers(0, total + 1))
            units.append(MapUnit(f"d{d}t{t}", f"Team {d}.{t} with a rather long name", units[-1 - t].kind, f"div{d}",
                                 near=near, near2=min(total, near + total // 4), total=total))  # fmt: skip
    # a team whose every month fell below the minimum group size: nothing to show, left out
    units.append(MapUnit("hidden", "Secret Team", "staff", "div7"))
    return units


def boxes(svg: str) -> list[dict[str, object]]:
    root = ET.fromstring(svg)
    out = []
    for g in root.iter(f"{SVG}g"):
        rect = g.find(f"{SVG}rect")
        out.append({"title": g.find(f"{SVG}title").text, "x": float(rect.get("x")), "y": float(rect.get("y")),
                    "w": float(rect.get("width")), "h": float(rect.get("height")), "fill": rect.get("fill"),
                    "texts": [(float(t.get("y")), t.text) for t in g.iter(f"{SVG}text")]})  # fmt: skip
    return out


def test_two_hundred_units_each_named_and_coloured_by_line_of_sight() -> None:
    units = org_of_two_hundred()
    svg = unit_map(units, words("en"), lambda v, d=0: f"{v:,.{d}f}")
    drawn = boxes(svg)
    assert len(drawn) == 1 + 8 + 8 * 24 and "Secret Team" not in svg
    teams = {u.name: u for u in units if (u.parent or "").startswith("div")}
    for box in drawn:
        name = box["title"].split(":")[0].split(" › ")[-1].split(" (")[0]
        if name in teams:  # every team labelled, its colour its own share
            u = teams[name]
            assert box["h"] >= LABEL_MIN_HEIGHT - 1 and box["texts"], name
            assert box["fill"] == share_colour(u.near / u.total)
            assert f"{100 * u.near / u.total:,.0f}% within one hop" in box["title"]
        for y, text in box["texts"]:  # labels inside their box, never wider than it
            assert box["y"] < y <= box["y"] + box["h"] + 1 and len(text) * CHAR_WIDTH <= box["w"] - 8
    # a division is coloured by everyone under it; the boxes of a column do not overlap
    div0 = next(b for b in drawn if b["title"].startswith("Division 0 "))
    mine = [u for u in units if u.parent == "div0"]
    assert div0["fill"] == share_colour(sum(u.near for u in mine) / sum(u.total for u in mine))
    for x in {b["x"] for b in drawn}:
        column = sorted((b["y"], b["h"]) for b in drawn if b["x"] == x)
        assert all(y0 + h0 <= y1 + 0.01 for (y0, h0), (y1, _) in zip(column, column[1:], strict=False))
    # taller is more person-months: the biggest team's box is the tallest of the teams
    team_boxes = [b for b in drawn if " › " in b["title"]]
    biggest = max(teams.values(), key=lambda u: u.total)
    assert max(team_boxes, key=lambda b: b["h"])["h"] == next(b["h"] for b in team_boxes if biggest.name in b["title"])


def test_colours_run_from_light_to_dark() -> None:
    def darkness(colour: str) -> int:
        return -sum(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    ramp = [darkness(share_colour(s)) for s in np.linspace(0, 1, 11)]
    assert ramp == sorted(ramp) and share_colour(0.0) == "#eef3f6" and share_colour(1.0) == "#0b3c5d"


def test_sparkline_breaks_at_missing_months() -> None:
    svg = sparkline([0.2, 0.4, None, 0.5, 0.9], "tip")
    assert svg.count("<polyline") == 2 and "<title>tip</title>" in svg
    assert sparkline([None, 0.3, None], "tip") == ""  # one month is no line
    ys = [float(y) for y in re.findall(r",([\d.]+)", re.search(r'points="([^"]+)"', svg).group(1))]
    assert ys[0] > ys[1]  # a higher share is drawn higher (smaller y)
