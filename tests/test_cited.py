"""The data layer on the REAL raw files: cited statistics, timeline, public series.

Each step runs once per module on a copy of data/raw (the real files are only
read), and the tests check what the processed tables promise downstream.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import cited, series, units
from analysis.pipeline import data as step
from analysis.tables import read_csv

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
BIB = ROOT / "paper" / "references.bib"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_processed(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("data")
    shutil.copytree(RAW, root / "raw")
    (root / "paper").mkdir()
    shutil.copy(BIB, root / "paper" / "references.bib")
    return root


@pytest.fixture(scope="module")
def cited_out(workdir) -> Path:
    raw = workdir / "raw"
    out = workdir / "processed" / "cited_statistics.csv"
    step.cited_statistics({"raw": str(raw / "cited_statistics.csv"),
                           "resolutions": str(raw / "period_resolutions.csv"),
                           "derived": str(raw / "derived_statistics.csv"),
                           "seed": str(raw / "seed_paper.zh.txt")}, str(out))
    return out


@pytest.fixture(scope="module")
def stats(cited_out) -> pd.DataFrame:
    return read_processed(cited_out).set_index("stat_id", drop=False)


@pytest.fixture(scope="module")
def events(workdir) -> pd.DataFrame:
    out = workdir / "processed" / "timeline.csv"
    step.timeline({"raw": str(workdir / "raw" / "timeline_events.csv"),
                   "seed": str(workdir / "raw" / "seed_paper.zh.txt")}, str(out))
    return read_processed(out)


@pytest.fixture(scope="module")
def public(workdir) -> pd.DataFrame:
    out = workdir / "processed" / "public_series.csv"
    step.public_series({"raw": str(workdir / "raw" / "public_series.csv"),
                        "bib": str(workdir / "paper" / "references.bib")}, str(out))
    return read_processed(out)


def num(x: str) -> float:
    return float(x)


# --------------------------------------------------------------------------- cited statistics

def test_raw_stat_ids_are_unique_and_snake_case():
    ids = [r["stat_id"] for r in read_rows(RAW / "cited_statistics.csv")]
    ids += [r["stat_id"] for r in read_rows(RAW / "derived_statistics.csv")]
    assert len(ids) == len(set(ids))
    assert all(re.match(cited.ID_PATTERN, i) for i in ids)


def test_processed_has_every_raw_and_derived_row_once(stats):
    raw = [r["stat_id"] for r in read_rows(RAW / "cited_statistics.csv")]
    derived = [r["stat_id"] for r in read_rows(RAW / "derived_statistics.csv")]
    assert stats["stat_id"].is_unique
    assert list(stats["stat_id"]) == raw + derived
    assert list(stats.columns) == cited.PROCESSED_COLUMNS
    assert set(stats.loc[derived, "derived"]) == {"True"}
    assert set(stats.loc[raw, "derived"]) == {"False"}


def test_every_quote_stands_in_the_seed(stats):
    seed = cited.normalise_quote_text((RAW / "seed_paper.zh.txt").read_text(encoding="utf-8"))
    rows = read_rows(RAW / "cited_statistics.csv")
    assert rows
    for r in rows:
        assert r["quote_zh"] and r["quote_zh"] in seed, r["stat_id"]
    for sid, rec in stats[stats["derived"] == "True"].iterrows():
        for part in rec["quote_zh"].split(" … "):
            assert part in seed, sid


@pytest.mark.parametrize(
    ("stat_id", "value_std", "unit_std", "qualifier", "resolution_std"),
    [
        ("douyin_ecommerce_gmv_cny_last_year", 1.41e12, "CNY", "about", 1e10),
        ("douyin_ecommerce_gmv_usd_last_year", 2.08e11, "USD", "exact", 1e9),
        ("douyin_dau", 6e8, "persons", "exact", 1e8),
        ("nbs_online_retail_growth_2023", 11.0, "percent", "exact", 0.1),
        ("nbs_online_retail_2023", 1.54e13, "CNY", "exact", 1e11),
        ("hezhong_yibao_complaints_total", 46098, "count", "exact", 1),
        ("kuaishou_payment_fees_2021", 1.6e9, "CNY", "over", 1e8),
        ("kuaishou_payment_fees_increase_2022q3_yoy", 1e8, "CNY", "nearly", 1e8),
        ("cnnic_internet_users_2023_06", 1.079e9, "persons", "exact", 1e6),
        ("cnnic_report_number", 52, "ordinal", "exact", 1),
        ("hezhong_yibao_institutions_with_more_complaints", 2, "count", "exact", 1),  # 两大巨头
        ("douyin_pay_fast_pay_order_limit", 500, "CNY", "up_to", 100),  # 以内
        ("douyin_pay_insurance_coverage", 1e6, "CNY", "exact", 1e6),
        ("hezhong_yibao_transaction_complaints_over_10k", 1e4, "count", "over", 1e4),
        ("douyin_pay_account_leak_risk_events_2023", 0, "count", "exact", 1),
    ],
)
def test_value_std(stats, stat_id, value_std, unit_std, qualifier, resolution_std):
    rec = stats.loc[stat_id]
    assert math.isclose(num(rec["value_std"]), value_std, rel_tol=1e-9), rec["value_std"]
    assert rec["unit_std"] == unit_std
    assert rec["qualifier"] == qualifier
    assert math.isclose(num(rec["resolution_std"]), resolution_std, rel_tol=1e-9)


def test_printed_value_and_unit_are_kept(stats):
    rec = stats.loc["nbs_online_retail_growth_2023"]
    assert (rec["value"], rec["unit"]) == ("11", "%")  # 11.0 as a float; precision in resolution
    rec = stats.loc["douyin_ecommerce_gmv_cny_last_year"]
    assert (num(rec["value"]), rec["unit"]) == (1.41, "万亿元")


def test_closed_vocabularies_and_ranges(stats):
    assert set(stats["unit_std"]) <= set(units.UNIT_STD)
    assert set(stats["qualifier"]) <= set(units.QUALIFIER_STD)
    assert (stats["resolution_std"].map(num) > 0).all()
    values = stats["value_std"].map(num)
    assert (values >= 0).all()
    pct = stats["unit_std"] == "percent"
    assert values[pct].between(0, 100).all()
    for p in stats["period"]:
        if p:
            units.period_kind(p)
    assert (stats["source"] != "").all()


def test_derived_payment_fees_2020(stats):
    rec = stats.loc["kuaishou_payment_fees_2020"]
    # over 16亿元 in 2021, and 6亿元 more than 2020 -> 2020 over 10亿元
    assert math.isclose(num(rec["value_std"]), 1.0e9, rel_tol=1e-12)
    assert rec["unit_std"] == "CNY"
    assert rec["qualifier"] == "over"
    assert rec["period"] == "2020"
    assert rec["period_basis"] == "derived"
    assert rec["formula"] == ("kuaishou_payment_fees_2021 - "
                              "kuaishou_payment_fees_increase_2021_vs_2020")
    assert rec["source"] == ("derived from kuaishou_payment_fees_2021, "
                             "kuaishou_payment_fees_increase_2021_vs_2020")
    assert rec["section"] == "2.1.4"
    assert math.isclose(num(rec["resolution_std"]), 1e8)


def test_derived_payment_fees_2021q3(stats):
    rec = stats.loc["kuaishou_payment_fees_2021q3"]
    assert math.isclose(num(rec["value_std"]), 4.26e8, rel_tol=1e-9)
    assert rec["qualifier"] == "over"
    assert rec["period"] == "2021Q3"
    assert "kuaishou_payment_fees_2022q3" in rec["formula"]
    assert "kuaishou_payment_fees_increase_2022q3_yoy" in rec["formula"]


def test_derived_rank(stats):
    rec = stats.loc["hezhong_yibao_complaints_rank"]
    assert num(rec["value_std"]) == 3
    assert rec["unit_std"] == "rank"
    assert rec["formula"] == "hezhong_yibao_institutions_with_more_complaints + 1"


def test_relative_periods_are_resolved(stats):
    rec = stats.loc["douyin_ecommerce_gmv_usd_last_year"]
    assert rec["period"] == "2022"
    assert rec["period_printed"] == "去年"
    assert rec["period_basis"].startswith("resolved")
    assert "pingwest2023bytedanceecommerce" in rec["period_basis"]
    assert stats.loc["douyin_ecommerce_gmv_cny_last_year", "period"] == "2022"
    assert stats.loc["kuaishou_payment_fees_2021", "period"] == "2021"
    # Every printed relative period ends up with a resolved ISO period.
    for sid, rec in stats.iterrows():
        if any(w in rec["period_printed"] for w in cited.RELATIVE_PERIODS):
            assert rec["period"], sid
            assert rec["period_basis"].startswith("resolved: "), sid


def test_period_basis(stats):
    raw = {r["stat_id"]: r for r in read_rows(RAW / "cited_statistics.csv")}
    resolved = {r["stat_id"] for r in read_rows(RAW / "period_resolutions.csv")}
    for sid, r in raw.items():
        basis = stats.loc[sid, "period_basis"]
        if sid in resolved:
            assert basis.startswith("resolved: ")
        elif r["period"]:
            assert basis == "stated"
            assert stats.loc[sid, "period"] == r["period"]
        else:
            assert basis == "none"
            assert stats.loc[sid, "period"] == ""
    assert stats.loc["cnnic_report_number", "period_basis"] == "none"
    assert stats.loc["nbs_online_retail_2023", "period_basis"] == "stated"


def test_stated_periods_agree_with_the_printed_ones():
    for r in read_rows(RAW / "cited_statistics.csv"):
        parsed = units.parse_zh_period(r["period_printed"])
        if parsed and r["period"]:
            assert parsed == r["period"], r["stat_id"]


def test_sources(stats):
    assert stats.loc["douyin_dau", "source"] == "paper (no source named)"
    assert stats.loc["nbs_online_retail_2023", "source"] == "paper, citing 国家统计局2023年数据"


def test_output_is_deterministic(cited_out, workdir, tmp_path):
    raw = workdir / "raw"
    again = tmp_path / "again.csv"
    step.cited_statistics({"raw": str(raw / "cited_statistics.csv"),
                           "resolutions": str(raw / "period_resolutions.csv"),
                           "derived": str(raw / "derived_statistics.csv"),
                           "seed": str(raw / "seed_paper.zh.txt")}, str(again))
    assert again.read_bytes() == cited_out.read_bytes()
    assert b"\r\n" not in again.read_bytes()
    assert not list(tmp_path.glob("*.part"))


# --------------------------------------------------------------------------- timeline

def test_timeline_is_sorted_with_valid_precisions(events):
    raw = read_rows(RAW / "timeline_events.csv")
    assert len(events) == len(raw)
    assert events["event_id"].is_unique
    assert list(events["date"]) == sorted(events["date"])
    for _, e in events.iterrows():
        assert e["precision"] in ("day", "month", "year")
        assert units.period_kind(e["date"]) == e["precision"], e["event_id"]
        if e["date_end"]:
            assert e["date_end"] >= e["date"]
        start = units.parse_zh_period(e["date_printed"])
        if start:
            assert start.split("/")[0] == e["date"], e["event_id"]
    first = events.iloc[0]
    assert (first["event_id"], first["date"]) == ("hezhong_yibao_founded", "2012-11")
    launch = events.set_index("event_id").loc["douyin_pay_launch"]
    assert (launch["date"], launch["precision"]) == ("2021-01", "month")


def test_timeline_quotes_stand_in_the_seed(events):
    seed = cited.normalise_quote_text((RAW / "seed_paper.zh.txt").read_text(encoding="utf-8"))
    for _, e in events.iterrows():
        assert e["quote_zh"] in seed, e["event_id"]


# --------------------------------------------------------------------------- public series

def test_bib_keys():
    text = "@online{a2021x,\n title={x}}\n  @Report{ b_2 ,\n}\n% @misc{commented,\n"
    assert series.bib_keys(text) == {"a2021x", "b_2"}


def test_every_source_key_is_in_the_bib(public):
    keys = series.bib_keys(BIB.read_text(encoding="utf-8"))
    assert "cnnic2023report52" in keys
    assert set(public["source_key"]) <= keys
    assert all(u.startswith(("http://", "https://")) for u in public["source_url"])
    assert set(public["status"]) <= set(series.STATUSES)


def test_one_model_row_per_series_entity_period(public):
    used = public[public["use_in_model"] == "True"]
    assert not used.duplicated(["series_id", "entity", "period"]).any()
    # A period with no model row at all must say why it was left out.
    keys = ["series_id", "entity", "period"]
    used_keys = set(map(tuple, used[keys].values))
    unused = public[[tuple(k) not in used_keys for k in public[keys].values]]
    assert unused["note"].str.contains("Not used in the models").all(), unused[keys]
    # a range printed by one source keeps both ends, neither feeding a model
    assert ("douyin_ecommerce_gmv_caixin", "Douyin", "2020") in set(map(tuple, unused[keys].values))


def test_public_series_values(public):
    raw = read_rows(RAW / "public_series.csv")
    assert len(public) == len(raw)
    idx = public.set_index(["series_id", "entity", "period", "source_key"])
    rec = idx.loc[("cnnic_internet_users", "CNNIC", "2023-06", "cnnic2023report52")]
    assert math.isclose(num(rec["value_std"]), 1.079e9)
    assert rec["unit_std"] == "persons"
    assert math.isclose(num(rec["resolution_std"]), 1e6)
    rec = idx.loc[("nbs_total_retail_sales", "NBS", "2023", "nbs2024retail2023")]
    assert math.isclose(num(rec["value_std"]), 4.715e13)
    assert math.isclose(num(rec["resolution_std"]), 1e10)  # 47.15 trillion: known to 0.01 trillion
    assert rec["unit_std"] == "CNY"
    for _, r in public.iterrows():
        units.period_kind(r["period"])
        assert num(r["value_std"]) >= 0
    assert list(public[["series_id", "period"]].itertuples(index=False)) == sorted(
        public[["series_id", "period"]].itertuples(index=False))


def test_model_series(public):
    path = RAW / "public_series.csv"
    df = series.clean(read_csv(path, series.RAW_COLUMNS),
                      series.bib_keys(BIB.read_text(encoding="utf-8")), path)
    ms = series.model_series(df, "cnnic_internet_penetration")
    assert ms["use_in_model"].all()
    assert list(ms["period"]) == sorted(ms["period"])
    assert ms["period"].is_unique
    with pytest.raises(KeyError, match="no model rows"):
        series.model_series(df, "no_such_series")
