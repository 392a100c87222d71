"""The null models on real third-party networks (../shared/data/real): what chance explains and what it does not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import orgsphere

from .conftest import department_orgchart, hospital_ward


def departments(tmp_path: Path, name: str, columns: dict[str, str] | None = None) -> orgsphere.Results:
    folder, _ = department_orgchart(tmp_path, name)
    with orgsphere.open(tmp_path / "s.duckdb", key_file=tmp_path / "k", bootstrap_samples=1000,
                        null_samples=500) as ws:  # fmt: skip
        ws.ingest_orgchart(tmp_path / "org.csv")
        ws.ingest_edges(folder / "edges.csv", columns)
        return ws.analyse()


def shown(results: orgsphere.Results) -> pd.DataFrame:
    nulls = results["nulls"].to_pandas()
    return nulls[(nulls.channel == "all") & ~nulls.suppressed]


def test_email_eu_core_departments_are_inward_but_their_scaling_is_no_sphere(tmp_path: Path) -> None:
    results = departments(tmp_path, "email-eu-core")
    nulls = shown(results)
    # departments write among themselves far more than chance: almost all beyond every rewiring
    assert len(nulls) >= 30
    assert (nulls.inward_p < 0.05).mean() >= 0.9 and nulls.excess_inwardness.median() > 5
    # B falls with department size about as steeply as random mixing makes it fall, not as -1/3
    fit = results.fit("B")
    assert fit.ci_high < -1 / 3 and fit.slope < -0.9 and fit.verdict != "sphere"
    assert -1.3 < fit.null_slope < -0.7


def test_workfrance_departments_scale_like_a_sphere_not_like_chance(tmp_path: Path) -> None:
    results = departments(tmp_path, "workfrance", {"src": "from", "dst": "to"})
    nulls = shown(results)
    assert len(nulls) == 10 and (nulls.inward_p < 0.05).all() and (nulls.excess_inwardness > 2).all()
    fit = results.fit("B")
    assert fit.ci_low <= -1 / 3 <= fit.ci_high and fit.null_slope < -1.2 and fit.differs_from_null


def test_hospital_ward_nurses_meet_patients_more_than_chance(tmp_path: Path) -> None:
    ward = hospital_ward(tmp_path, bootstrap_samples=200, null_samples=1000)
    with ward.ws as ws:
        nulls = shown(ws.analyse()).set_index("unit")
    nurses, admin = nulls.loc["NUR"], nulls.loc["ADM"]
    assert nurses.R_customer > max(nurses.R_customer_mixing, nurses.R_customer_rewired_high)
    assert admin.R_customer < min(admin.R_customer_mixing, admin.R_customer_rewired_low)
    assert np.all(nulls.excess_inwardness > 1) and np.all(nulls.inward_p < 0.01)
