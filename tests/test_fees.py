"""Fee-rate arithmetic on the paper's points, the Monte Carlo and the sensitivity table."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from analysis import fees

GMV = {
    "kuaishou_ecommerce_gmv_annual": {"2020": 381.2e9, "2021": 680.0e9, "2022": 901.2e9},
    "kuaishou_ecommerce_gmv_quarterly": {"2021Q3": 175.8e9, "2022Q3": 222.5e9},
}


def paper_points() -> pd.DataFrame:
    """The paper's fee figures as the processed cited_statistics table carries them."""
    return pd.DataFrame([
        ("kuaishou_payment_fees_2021", "Kuaishou", "payment_channel_fees", "2021", 1.6e9, "over", False, ""),
        ("kuaishou_payment_fees_increase_2021_vs_2020", "Kuaishou", "payment_channel_fees_increase", "2021",
         6e8, "exact", False, ""),
        ("kuaishou_payment_fees_2022q3", "Kuaishou", "payment_channel_fees", "2022Q3", 5.26e8, "exact", False, ""),
        ("kuaishou_payment_fees_increase_2022q3_yoy", "Kuaishou", "payment_channel_fees_increase", "2022Q3",
         1e8, "nearly", False, ""),
        ("kuaishou_payment_fees_2020", "Kuaishou", "payment_channel_fees", "2020", 1.0e9, "over", True,
         "kuaishou_payment_fees_2021 - kuaishou_payment_fees_increase_2021_vs_2020"),
        ("kuaishou_payment_fees_2021q3", "Kuaishou", "payment_channel_fees", "2021Q3", 4.26e8, "over", True,
         "kuaishou_payment_fees_2022q3 - kuaishou_payment_fees_increase_2022q3_yoy"),
        ("douyin_something", "Douyin", "payment_channel_fees", "", 1.0, "exact", False, ""),
    ], columns=["stat_id", "entity", "metric", "period", "value_std", "qualifier", "derived", "formula"])


def test_rates_on_the_papers_points():
    r = fees.fee_rates(paper_points(), GMV).set_index("stat_id")
    assert list(r.index) == ["kuaishou_payment_fees_2020", "kuaishou_payment_fees_2021",
                             "kuaishou_payment_fees_2021q3", "kuaishou_payment_fees_2022q3"]
    assert r.loc["kuaishou_payment_fees_2020", "rate"] == pytest.approx(1.0e9 / 381.2e9)   # 0.262%
    assert r.loc["kuaishou_payment_fees_2021", "rate"] == pytest.approx(1.6e9 / 680e9)     # 0.235%
    assert r.loc["kuaishou_payment_fees_2021q3", "rate"] == pytest.approx(4.26e8 / 175.8e9)  # 0.242%
    assert r.loc["kuaishou_payment_fees_2022q3", "rate"] == pytest.approx(5.26e8 / 222.5e9)  # 0.236%
    # quarterly fees are divided by quarterly GMV, annual by annual
    assert r.loc["kuaishou_payment_fees_2021q3", "gmv_series_id"] == "kuaishou_ecommerce_gmv_quarterly"
    assert r.loc["kuaishou_payment_fees_2021", "gmv"] == 680e9
    # "over" figures are lower bounds on the rate; the exact one is exact
    assert (r["rate_bound"] == "lower_bound").sum() == 3
    assert r.loc["kuaishou_payment_fees_2022q3", "rate_bound"] == "exact"
    assert "at least" in r.loc["kuaishou_payment_fees_2021", "note"]
    rng_ = fees.rate_range(r.reset_index())
    assert rng_["min"] == pytest.approx(1.6e9 / 680e9) and rng_["period_min"] == "2021"
    assert rng_["max"] == pytest.approx(1.0e9 / 381.2e9) and rng_["period_max"] == "2020"
    assert rng_["n_lower_bounds"] == 3 and rng_["n_derived"] == 2
    assert 0.0023 < rng_["mean"] < 0.0027


def test_rates_table_appends_the_range():
    r = fees.fee_rates(paper_points(), GMV)
    t = fees.rates_table(r, fees.rate_range(r), fees.rate_distribution(r))
    assert list(t["stat_id"].tail(5)) == ["range_min", "range_lo95", "range_central", "range_hi95", "range_max"]
    rate = t.set_index("stat_id")["rate"]
    assert rate["range_min"] <= rate["range_lo95"] < rate["range_central"] < rate["range_hi95"]


def test_the_rate_distribution_is_truncated_below_and_centred_on_its_median():
    """Lower bounds can only be exceeded: no draw below the lowest observed rate; the
    central rate printed is the median of what the simulation draws."""
    r = fees.fee_rates(paper_points(), GMV)
    dist = fees.rate_distribution(r)
    assert dist["truncated_below"] == pytest.approx(r["rate"].min())
    draws = fees.draw_rates(dist, 20000, np.random.default_rng(3))
    assert draws.min() >= r["rate"].min()
    assert np.median(draws) == pytest.approx(dist["central"], rel=0.005)
    assert dist["q025"] < dist["central"] < dist["q975"]
    # truncation pushes the centre above the untruncated median exp(mean log rate)
    assert dist["central"] > np.exp(np.log(r["rate"]).mean())


def test_missing_gmv_is_an_error():
    with pytest.raises(KeyError, match="2021Q3"):
        fees.fee_rates(paper_points(), {"kuaishou_ecommerce_gmv_annual": GMV["kuaishou_ecommerce_gmv_annual"],
                                        "kuaishou_ecommerce_gmv_quarterly": {"2022Q3": 1.0}})


@pytest.mark.e2e
def test_fee_rates_on_the_real_processed_tables(builds):
    path = builds["a"] / "data/processed/cited_statistics.csv"
    series = builds["a"] / "data/processed/public_series.csv"
    cited = pd.read_csv(path, dtype={"period": str}, keep_default_na=False)
    df = pd.read_csv(series, dtype={"period": str})
    df = df[df["use_in_model"]]
    gmv = {sid: dict(zip(g["period"], g["value_std"])) for sid, g in df.groupby("series_id")}
    r = fees.fee_rates(cited, gmv)
    assert len(r) == 4 and r["rate"].between(0.002, 0.003).all()


def test_lognormal_from_pi_round_trip():
    mu, sigma = fees.lognormal_from_pi(80.0, 125.0)
    assert np.exp(mu) == pytest.approx(100.0)
    assert np.exp(mu + fees.Z975 * sigma) == pytest.approx(125.0)


def test_monte_carlo_carries_both_uncertainties_and_is_seeded():
    gfc = pd.DataFrame({"period": ["2025", "2026"], "yhat": [100e9, 120e9], "lo80": [90e9, 100e9],
                        "hi80": [111e9, 140e9], "lo95": [85e9, 95e9], "hi95": [118e9, 150e9]})
    dist = fees.rate_distribution(fees.fee_rates(paper_points(), GMV))
    a = fees.simulate_fees(gfc, dist, seed=1, draws=4000)
    b = fees.simulate_fees(gfc, dist, seed=1, draws=4000)
    pd.testing.assert_frame_equal(a, b)
    v = a[["lo95", "lo80", "yhat", "hi80", "hi95"]].to_numpy()
    assert np.all(np.diff(v, axis=1) > 0)
    gmv_mid = np.sqrt(85e9 * 118e9)
    assert a.loc[0, "yhat"] == pytest.approx(gmv_mid * dist["central"], rel=0.02)
    # wider than GMV uncertainty alone, and than rate uncertainty alone
    fixed = dict(dist, log_sd=1e-9)
    only_gmv = fees.simulate_fees(gfc, fixed, seed=1, draws=4000)
    tight = gfc.assign(lo95=gfc["yhat"] * 0.9999, hi95=gfc["yhat"] * 1.0001)
    only_rate = fees.simulate_fees(tight, dist, seed=1, draws=4000)
    width = lambda d: (d["hi95"] - d["lo95"]).to_numpy()  # noqa: E731
    assert np.all(width(a) > width(only_gmv)) and np.all(width(a) > width(only_rate))
    assert only_rate.loc[0, "lo95"] == pytest.approx(100e9 * dist["q025"], rel=0.01)
    assert only_rate.loc[0, "hi95"] == pytest.approx(100e9 * dist["q975"], rel=0.01)


def test_sensitivity_is_gmv_times_rate():
    gmv = pd.DataFrame({"series_id": ["d", "d"], "period": ["2024", "2025"], "gmv": [3.5e12, 4e12],
                        "gmv_basis": ["media_estimate (about)", "forecast median (m)"]})
    rng_ = {"min": 0.00235, "max": 0.00262}
    dist = {"central": 0.00248, "q025": 0.00236, "q975": 0.00271}
    sc = fees.rate_scenarios(rng_, dist, [0.001, 0.005])
    assert list(sc) == ["illustrative_0.1pct", "observed_min", "rate_lo95", "central", "observed_max",
                        "rate_hi95", "illustrative_0.5pct"]
    t = fees.sensitivity(gmv, sc)
    assert len(t) == 14
    assert np.allclose(t["fee"], t["gmv"] * t["rate"])
    row = t[(t["period"] == "2024") & (t["scenario"] == "illustrative_0.5pct")].iloc[0]
    assert row["fee"] == pytest.approx(3.5e12 * 0.005)
    bill = fees.fee_bill(3.5e12, dist)
    assert bill["estimate"] == pytest.approx(3.5e12 * 0.00248)
    assert bill["lo"] == pytest.approx(3.5e12 * 0.00236) and bill["hi"] == pytest.approx(3.5e12 * 0.00271)


def test_fee_points_keep_the_precision_the_paper_printed():
    """16亿元 stays 16亿元 (the caption printed 16.0亿元); 5.26亿元 keeps its digits."""
    pts = paper_points().assign(resolution_std=[1e8, 1e8, 1e6, 1e8, 1e8, 1e6, 1.0])
    r = fees.fee_rates(pts, GMV).set_index("stat_id")
    assert r.loc["kuaishou_payment_fees_2021", "fees_printed_precision"] == 1e8
    assert fees.printed_fees(1.6e9, 1e8, "zh") == "16亿元"
    assert fees.printed_fees(1.6e9, 1e8, "en") == "RMB 1.6 billion"
    assert fees.printed_fees(1.0e9, 1e8, "zh") == "10亿元"
    assert fees.printed_fees(5.26e8, 1e6, "zh") == "5.26亿元"
    assert fees.printed_fees(1.6e9, float("nan"), "zh") == "16.0亿元"  # no printed precision: three digits
    assert "fees_printed_precision" in fees.fee_rates(paper_points(), GMV)  # absent from the input: NaN
