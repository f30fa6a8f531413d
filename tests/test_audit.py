"""The consistency audit (analysis/audit.py): checks that cannot run say which input
to fix, and the results must match the reviewed expectations."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import audit
from analysis.errors import InputError
from analysis.pipeline import data as step
from analysis.tables import read_csv

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
EXPECTED = ROOT / "data" / "expected_audit.csv"


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("processed")
    seed = str(RAW / "seed_paper.zh.txt")
    bib = str(ROOT / "paper" / "references.bib")
    step.cited_statistics({"raw": str(RAW / "cited_statistics.csv"),
                           "resolutions": str(RAW / "period_resolutions.csv"),
                           "derived": str(RAW / "derived_statistics.csv"), "seed": seed},
                          str(out / "cited.csv"))
    step.timeline({"raw": str(RAW / "timeline_events.csv"), "seed": seed}, str(out / "timeline.csv"))
    step.public_series({"raw": str(RAW / "public_series.csv"), "bib": bib}, str(out / "series.csv"))
    step.reference_facts({"raw": str(RAW / "reference_facts.csv"), "bib": bib}, str(out / "facts.csv"))
    return {"cited": out / "cited.csv", "timeline": out / "timeline.csv", "series": out / "series.csv",
            "facts": out / "facts.csv"}


def evidence(paths) -> audit.Evidence:
    return audit.Evidence(
        cited=pd.read_csv(paths["cited"], dtype={"period": str}, keep_default_na=False,
                          na_values={"value_std": [""], "resolution_std": [""]}),
        events=pd.read_csv(paths["timeline"], dtype=str, keep_default_na=False),
        series=pd.read_csv(paths["series"], dtype={"period": str}),
        facts=pd.read_csv(paths["facts"], dtype=str, keep_default_na=False).assign(
            value_std=lambda d: pd.to_numeric(d["value_std"], errors="coerce")))


def test_shipped_data_meets_the_reviewed_expectations(processed):
    result = audit.run_audit(evidence(processed))
    audit.check_expectations(result, read_csv(EXPECTED, audit.EXPECTATION_COLUMNS), EXPECTED)
    assert set(result["status"]) == set(audit.STATUSES)


def test_every_check_has_exactly_one_expectation():
    expected = read_csv(EXPECTED, audit.EXPECTATION_COLUMNS)
    assert sorted(expected["check_id"]) == sorted(c.check_id for c in audit.CHECKS)


def _zero_usd_gmv(ev):
    ev.cited.loc[ev.cited["stat_id"] == "douyin_ecommerce_gmv_usd_last_year", "value_std"] = 0.0


def _drop_gmv_2021(ev):
    ev.series = ev.series[~((ev.series["series_id"] == "kuaishou_ecommerce_gmv_annual")
                            & (ev.series["period"] == "2021"))]


def _drop_dau(ev):
    ev.cited = ev.cited[ev.cited["stat_id"] != "douyin_dau"]


@pytest.mark.parametrize(("mutate", "file", "fragments"), [
    (_zero_usd_gmv, "cited_statistics.csv",
     ["audit check 'gmv_usd_cny_rate'", "divides by douyin_ecommerce_gmv_usd_last_year, which is 0"]),
    (_drop_gmv_2021, "public_series.csv",
     ["series 'kuaishou_ecommerce_gmv_annual' for 2021", "audit check 'kuaishou_fee_rate_2020_2021'"]),
    (_drop_dau, "cited_statistics.csv", ["stat 'douyin_dau'", "audit check 'douyin_dau'"]),
], ids=["zero_divisor", "missing_series_row", "missing_statistic"])
def test_a_check_that_cannot_run_names_the_check_the_input_and_its_file(processed, mutate, file,
                                                                       fragments):
    ev = evidence(processed)
    mutate(ev)
    with pytest.raises(InputError) as info:
        audit.run_audit(ev)
    message = str(info.value)
    assert message.startswith(f"data/raw/{file}")
    for fragment in fragments:
        assert fragment in message
