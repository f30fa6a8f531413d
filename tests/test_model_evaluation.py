"""Time-series cross-validation, scores, the selection rule, interval calibration,
scenarios and annual sums of quarters (analysis/models/_evaluate.py, _scenarios.py,
sum_of_quarters.py, _settings.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import models
from analysis.errors import InputError
from analysis.models import _evaluate as ev
from analysis.models import _scenarios as scen
from analysis.models import _settings
from tests.test_models import REGISTRY, synthetic


def forecaster(name):
    info = models.get(name)
    return lambda train, periods: info.fit(train, 1).forecast(periods)


# --------------------------------------------------------------------------- backtest

def test_backtest_fits_on_data_up_to_the_origin_only():
    s = synthetic(n=8)
    seen = []

    def spy(train, periods):
        seen.append((train, periods))
        return forecaster("naive")(train, periods)

    bt, failed = ev.backtest(s, {"spy": spy}, min_train=3, max_horizon=2)
    assert len(seen) == len(s) - 3 and failed.empty
    for train, periods in seen:
        assert train.periods == s.periods[: len(train)] and train.values == s.values[: len(train)]
        assert all(p > train.periods[-1] for p in periods)
    assert list(bt.columns[:len(ev.BACKTEST_COLUMNS)]) == ev.BACKTEST_COLUMNS
    for r in bt.itertuples():  # every target lies strictly after its origin, at the stated horizon
        assert int(r.period) - int(r.origin) == r.horizon >= 1
    # every origin the data allow: the last origin has one target left
    assert bt["origin"].nunique() == len(s) - 3 and len(bt) == 2 * (len(s) - 3) - 1


@pytest.mark.parametrize("name", sorted(n for n, i in REGISTRY.items() if i.kind != "aggregate"))
def test_a_jump_after_the_origin_does_not_change_earlier_forecasts(name):
    info = REGISTRY[name]
    quarterly = "A" not in info.freqs
    base = synthetic(n=14 if quarterly else 10, seed=3, quarterly=quarterly)
    cut = len(base) - 3
    jumped = models.Series(base.series_id, base.periods, base.values[:cut] + tuple(v * 100 for v in base.values[cut:]))
    kw = dict(min_train=max(info.min_points, 3), max_horizon=2)
    a, _ = ev.backtest(base, {name: forecaster(name)}, **kw)
    b, _ = ev.backtest(jumped, {name: forecaster(name)}, **kw)
    before = a["origin"].map(base.periods.index) < cut
    assert before.sum() > 0
    pd.testing.assert_series_equal(a.loc[before, "yhat"], b.loc[before, "yhat"])


def test_fit_failures_are_reported_not_raised():
    s = synthetic(n=6)
    bt, failed = ev.backtest(s, {"gompertz": forecaster("gompertz")}, min_train=3, max_horizon=2)
    assert set(failed["origin"]) == {"2012", "2013"}  # 3 and 4 points: fewer than 5
    assert failed["reason"].str.contains("InsufficientData").all()
    scores = ev.overall(bt, failed, {"gompertz": "model"})
    assert not scores["gompertz"]["eligible"] and scores["gompertz"]["n_failed"] == len(failed)


def test_mase_is_scaled_by_the_in_sample_seasonal_naive_error():
    s = models.Series("a", ("2010", "2011", "2012", "2013"), (100.0, 110.0, 130.0, 160.0))
    assert ev.mase_scale(s.head(3)) == pytest.approx(15.0)  # |110-100|, |130-110|
    bt, failed = ev.backtest(s, {"naive": forecaster("naive")}, min_train=3, max_horizon=1)
    summary = ev.summarise(bt, failed, {"naive": "benchmark"})
    assert summary["mase"].iloc[0] == pytest.approx(30.0 / 15.0)
    assert summary["mape"].iloc[0] == pytest.approx(30.0 / 160.0 * 100)
    assert list(summary.columns) == ev.SUMMARY_COLUMNS
    q = synthetic("q", n=12, quarterly=True)
    v = np.array(q.values)
    assert ev.mase_scale(q) == pytest.approx(np.mean(np.abs(v[4:] - v[:-4])))


# --------------------------------------------------------------------------- selection

def scores(**mase):
    kinds = {"naive": "benchmark", "drift": "benchmark", "agg": "aggregate"}
    return {m: {"kind": kinds.get(m, "model"), "mase": v, "eligible": v == v} for m, v in mase.items()}


def test_a_model_is_selected_only_if_it_beats_the_best_benchmark():
    sel = ev.select(scores(naive=1.0, drift=0.8, m=0.5, m2=0.6), n_obs=20, min_points=8)
    assert sel["selected_model"] == "m" and sel["best_benchmark"] == "drift"
    assert sel["selected_mase"] < sel["best_benchmark_mase"]
    sel = ev.select(scores(naive=1.0, drift=0.8, m=0.9), n_obs=20, min_points=8)
    assert sel["selected_model"] == "drift" and sel["selected_kind"] == "benchmark"
    assert "benchmark" in sel["reason"]
    # a tie goes to the benchmark; an ineligible model is never selected
    assert ev.select(scores(naive=0.5, m=0.5), n_obs=20, min_points=8)["selected_model"] == "naive"
    assert ev.select(scores(naive=1.0, m=math.nan), n_obs=20, min_points=8)["selected_model"] == "naive"


def test_a_short_series_gets_no_selection_unless_an_aggregate_beats_the_benchmark():
    sel = ev.select(scores(naive=1.0, m=0.1), n_obs=5, min_points=8)
    assert sel["selected_model"] is None and "scenario" in sel["reason"]
    assert sel["best_model"] == "m"  # reported, not selected
    assert ev.select(scores(naive=1.0, agg=0.4), n_obs=5, min_points=8)["selected_model"] == "agg"
    assert ev.select(scores(naive=1.0, agg=1.4), n_obs=5, min_points=8)["selected_model"] == "naive"
    assert ev.select({}, n_obs=2, min_points=8)["selected_model"] is None


# --------------------------------------------------------------------------- calibration

def fake_backtest(scale: float, n_origins=12, horizons=(1, 2), seed=0):
    """Forecasts whose true errors are ``scale`` times wider than their stated intervals."""
    rng = np.random.default_rng(seed)
    rows = []
    for o in range(n_origins):
        for h in horizons:
            sd = 0.05 * h
            e = rng.normal(0, sd * scale)
            row = {"origin": str(2000 + o), "horizon": h, "actual": 100 * math.exp(e), "yhat": 100.0}
            for lv in models.LEVELS:
                z = models._core.z_of(lv)
                row[f"lo{round(lv * 100)}"] = 100 * math.exp(-z * sd)
                row[f"hi{round(lv * 100)}"] = 100 * math.exp(z * sd)
            rows.append(row)
    return pd.DataFrame(rows)


def test_intervals_that_are_right_are_kept():
    bt = fake_backtest(1.0, n_origins=200)
    cal = ev.calibrate(bt, 0.10)
    assert cal["method"] == "model" and cal["coverage"] == cal["raw_coverage"]
    assert abs(cal["raw_coverage"][0.8] - 0.8) < 0.1


def test_too_narrow_intervals_are_widened_and_then_cover():
    bt = fake_backtest(2.5, n_origins=40)
    cal = ev.calibrate(bt, 0.10)
    assert cal["method"] == "empirical" and cal["raw_coverage"][0.8] < 0.6
    assert all(f > 1.5 for f in cal["factors"][0.8].values())
    assert cal["factors"][0.8] == cal["factors"][0.95]  # both levels widen alike: the shape is kept
    assert abs(cal["coverage"][0.8] - 0.8) < 0.1 and abs(cal["coverage"][0.95] - 0.95) < 0.1
    # beyond the longest horizon scored, the longest horizon's factor
    assert ev.factor_for(cal, 0.8, 7) == cal["factors"][0.8][2]
    mean = np.log(np.array([100.0, 100.0]))
    bands = {lv: (mean - 0.1, mean + 0.1) for lv in models.LEVELS}
    cb = ev.calibrated_bands(mean, bands, np.array([1, 2]), cal)
    np.testing.assert_allclose(cb[0.8][1] - mean, [0.1 * cal["factors"][0.8][1], 0.1 * cal["factors"][0.8][2]])


def test_calibrated_paths_match_the_calibrated_intervals():
    cal = ev.calibrate(fake_backtest(2.0, n_origins=40), 0.10)
    mean = np.array([0.0, 0.0])
    sd = np.array([0.05, 0.1])
    bands = normal = models._core.normal_bands(mean, sd)
    paths = np.random.default_rng(1).normal(0, 1, (20000, 2)) * sd
    out = ev.calibrate_paths(paths, mean, normal, np.array([1, 2]), cal)
    target = ev.calibrated_bands(mean, bands, np.array([1, 2]), cal)
    for lv in models.LEVELS:
        hi = np.quantile(out, (1 + lv) / 2, axis=0)
        np.testing.assert_allclose(hi, target[lv][1], rtol=0.05)
    assert np.all(np.sign(out) == np.sign(paths))  # a path above the median stays above


# --------------------------------------------------------------------------- scenarios and sums

def test_scenarios_hold_the_level_or_the_last_growth():
    s = models.Series("d", ("2023", "2024"), (2.7e12, 3.5e12))
    assert scen.scenario_path(s, "hold_level", [1, 3]) == [3.5e12, 3.5e12]
    g = 3.5 / 2.7 - 1
    assert scen.scenario_path(s, "last_growth", [2]) == [pytest.approx(3.5e12 * (1 + g) ** 2)]
    s3 = models.Series("d", ("2020", "2021", "2022", "2023"), (1.0, 2.0, 3.0, 3.3))
    assert scen.rule_growth(s3, "mean_growth") == pytest.approx((1.0 + 0.5 + 0.1) / 3)
    with pytest.raises(ValueError, match="a full year of history"):
        scen.rule_growth(models.Series("d", ("2024",), (1.0,)), "last_growth")
    # quarterly: season by season, at the last year-on-year growth
    q = synthetic("q", n=8, quarterly=True, seed=1)
    g = q.values[-1] / q.values[-5] - 1
    path = scen.scenario_path(q, "last_growth", [1, 4, 5])
    assert path == [pytest.approx(q.values[-4] * (1 + g)), pytest.approx(q.values[-1] * (1 + g)),
                    pytest.approx(q.values[-4] * (1 + g) ** 2)]
    assert scen.scenario_path(q, "hold_level", [2]) == [q.values[-3]]


def test_annual_sum_is_reported_quarters_plus_forecast_ones():
    q = synthetic("q", n=19, quarterly=True, seed=8, noise=0.02)  # 2010Q1 … 2014Q3
    fit = models.get("seasonal_trend").fit(q, 1)
    agg = models.get("sum_of_quarters").fn
    out = agg(fit, ["2014", "2015"], draws=2000, rng=np.random.default_rng(2))
    q4 = fit.forecast(["2014Q4"])["yhat"].iloc[0]
    reported = sum(v for p, v in zip(q.periods, q.values) if p.startswith("2014"))
    assert out["yhat"].iloc[0] == pytest.approx(reported + q4)
    assert list(out["n_reported"]) == [3, 0] and out["reported"].iloc[0] == pytest.approx(reported)
    full = fit.forecast(models.periods_after("2014Q4", "2015Q4"))["yhat"].sum()
    assert out["yhat"].iloc[1] == pytest.approx(full)
    v = out[["lo95", "lo80", "yhat", "hi80", "hi95"]].to_numpy()
    assert np.all(np.diff(v, axis=1) >= 0)
    # a year mostly reported is known far better than one wholly forecast
    assert (out["hi95"] / out["lo95"]).iloc[0] < (out["hi95"] / out["lo95"]).iloc[1]


# --------------------------------------------------------------------------- the config section

def cfg(**series):
    return {"scenarios": ["hold_level", "last_growth"], "series": series}


@pytest.mark.parametrize("bad,fragment", [
    (cfg(x={"candidates": ["no_such_model"], "benchmarks": [], "min_train": 3, "max_horizon": 1}),
     "models.series.x.candidates: unknown model 'no_such_model'"),
    (cfg(x={"candidates": ["naive"], "benchmarks": [], "min_train": 3, "max_horizon": 1}),
     "models.series.x.candidates: 'naive' is a benchmark"),
    (cfg(x={"candidates": [], "benchmarks": ["seasonal_trend"], "min_train": 3, "max_horizon": 1}),
     "models.series.x.benchmarks: 'seasonal_trend' is a model"),
    (cfg(x={"candidates": ["sum_of_quarters"], "benchmarks": [], "min_train": 3, "max_horizon": 1}),
     "models.series.x.sum_of: sum_of_quarters needs 'sum_of'"),
    (cfg(x={"candidates": [], "benchmarks": ["naive"]}), "needs min_train and max_horizon"),
    ({"scenarios": ["hold_level", "wishful"], "series": {}}, "unknown scenario rule 'wishful'"),
])
def test_a_bad_models_config_names_the_key(bad, fragment):
    with pytest.raises(InputError) as err:
        _settings.check(bad, REGISTRY)
    assert fragment in str(err.value) and str(err.value).startswith("config/config.yaml")


def test_a_model_for_the_wrong_frequency_is_refused():
    with pytest.raises(InputError, match="seasonal_naive' handles frequencies Q, the series is A"):
        _settings.check_frequency("x", "A", ["naive", "seasonal_naive"], REGISTRY)
