"""GMV models: no look-ahead in the backtest, recovery of a known growth rate,
the selection rule, ordered intervals and byte-identical outputs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import models
from analysis.pipeline import models as step


def synthetic(series_id="synthetic_annual", n=10, growth=0.20, noise=0.02, seed=1, start=2010,
              quarterly=False, seasonal=(0.0, 0.05, 0.10, 0.40)):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    if quarterly:
        logs = math.log(100e9) + t * math.log1p(growth) / 4 + np.array([seasonal[i % 4] for i in t])
        periods = [f"{start + i // 4}Q{i % 4 + 1}" for i in t]
    else:
        logs = math.log(100e9) + t * math.log1p(growth)
        periods = [str(start + i) for i in t]
    values = np.exp(logs + rng.normal(0, noise, n))
    return models.Series(series_id, tuple(periods), tuple(float(v) for v in values))


# --------------------------------------------------------------------------- look-ahead

@dataclass
class Spy:
    """A model spec that records the data it is given and forecasts the last value."""

    seen: list

    @property
    def name(self):
        return "spy"

    def fit(self, series, seed=None):
        self.seen.append(series)
        return FlatFit(model="spy", spec="last value", series=series, params={}, k=2, llf=0.0)


@dataclass
class FlatFit(models.Fitted):
    """Forecasts the mean of the logs: a deliberately wrong model for a growing series."""

    def _log_forecast(self, hs, intervals):
        m = float(np.mean(self.series.logs()))
        s = float(np.std(self.series.logs())) or 0.01
        mean = np.full(len(hs), m)
        return mean, {lv: (mean - 2 * s, mean + 2 * s) for lv in models.INTERVALS}


def fit_flat(series, seed=None):
    y = series.logs()
    ssr = float(np.sum((y - y.mean()) ** 2))
    return FlatFit(model="flat", spec="mean of logs", series=series, params={"m": float(y.mean())}, k=2,
                   llf=models.gaussian_llf(ssr, len(series)))


def test_backtest_fits_on_data_up_to_the_origin_only():
    s = synthetic(n=8)
    spy = Spy(seen=[])
    bt = models.backtest(s, {"spy": spy}, min_train=3)
    assert len(spy.seen) == len(s) - 3
    for train, origin in zip(spy.seen, bt.drop_duplicates("origin")["origin"]):
        assert train.periods[-1] == origin
        assert train.periods == s.periods[: len(train)]
        assert train.values == s.values[: len(train)]
    # every target lies strictly after its origin, at the stated horizon
    for r in bt.itertuples():
        assert int(r.period) - int(r.origin) == r.horizon >= 1


@pytest.mark.parametrize("model", ["loglinear_trend", "holt_damped", "gompertz"])
def test_a_jump_after_the_origin_does_not_change_earlier_forecasts(model):
    base = synthetic(n=9, seed=3)
    jumped = models.Series(base.series_id, base.periods,
                           base.values[:6] + tuple(v * 100 for v in base.values[6:]))
    spec = {model: models.MODELS[model]}
    a = models.backtest(base, spec, min_train=3)
    b = models.backtest(jumped, spec, min_train=3)
    before = a["origin"].astype(int) < int(base.periods[6])
    assert before.sum() > 0
    pd.testing.assert_series_equal(a.loc[before, "yhat"], b.loc[before, "yhat"])
    # and the targets after the jump are scored against the jumped values
    assert (b.loc[before & (b["period"].astype(int) >= int(base.periods[6])), "actual"]
            > 50 * a.loc[before & (a["period"].astype(int) >= int(base.periods[6])), "actual"]).all()


def test_fit_failures_are_reported_not_raised():
    s = synthetic(n=6)
    bt = models.backtest(s, {"gompertz": models.MODELS["gompertz"]}, min_train=3)
    failed = bt[bt["status"] != "ok"]
    assert set(failed["origin"]) == {"2012", "2013"}  # 3 and 4 points: fewer than 5
    assert failed["status"].str.contains("InsufficientData").all()
    met = models.backtest_metrics(bt)
    assert met.query("metric == 'n_failed' and horizon == 1")["value"].iloc[0] == 2


# --------------------------------------------------------------------------- growth and selection

def test_loglinear_recovers_a_known_growth_rate():
    fit = models.fit_loglinear(synthetic(n=10, growth=0.20, noise=0.02, seed=7))
    assert fit.growth == pytest.approx(0.20, abs=0.015)
    lo, hi = fit.growth_interval(0.95)
    assert lo < 0.20 < hi


def test_quarterly_growth_is_annualised():
    s = synthetic("synthetic_quarterly", n=20, growth=0.20, noise=0.01, quarterly=True, seed=2)
    fit = models.fit_seasonal(s)
    assert fit.growth == pytest.approx(0.20, abs=0.02)
    assert fit.params["d_q4"] == pytest.approx(0.40, abs=0.03)


def test_selection_picks_loglinear_over_a_wrong_model():
    s = synthetic(n=10, growth=0.20, noise=0.02, seed=11)
    specs = {"loglinear_trend": models.MODELS["loglinear_trend"], "flat": models.ModelSpec("flat", fit_flat)}
    met = models.backtest_metrics(models.backtest(s, specs, min_train=3))
    aicc = {k: spec.fit(s).aicc for k, spec in specs.items()}
    sel = models.select_model(met, aicc)
    assert sel["selected_model"] == "loglinear_trend"
    assert sel["candidates"]["flat"]["mean_mape"] > sel["candidates"]["loglinear_trend"]["mean_mape"]
    assert "AICc" in sel["rule"] and "MAPE" in sel["rule"]


def test_aicc_breaks_ties_within_one_point():
    met = pd.DataFrame([
        {"series_id": "x", "model": m, "horizon": h, "metric": k, "value": v}
        for m, mape in (("a", 10.0), ("b", 10.6), ("c", 30.0))
        for h in (1, 2) for k, v in (("MAPE", mape), ("RMSE", 1.0), ("n", 3.0), ("n_failed", 0.0))])
    sel = models.select_model(met, {"a": 5.0, "b": 1.0, "c": -100.0})
    assert sel["selected_model"] == "b" and sel["tie_band_models"] == ["a", "b"]
    # without a finite AICc the tie-break cannot win
    assert models.select_model(met, {"a": 5.0, "b": None, "c": None})["selected_model"] == "a"


def test_incomplete_backtest_is_not_eligible():
    met = pd.DataFrame([
        {"series_id": "x", "model": m, "horizon": h, "metric": k, "value": v}
        for m, mape, failed in (("a", 20.0, 0.0), ("b", 1.0, 1.0))
        for h in (1, 2) for k, v in (("MAPE", mape), ("RMSE", 1.0), ("n", 3.0), ("n_failed", failed))])
    sel = models.select_model(met, {})
    assert sel["selected_model"] == "a" and not sel["candidates"]["b"]["eligible"]


# --------------------------------------------------------------------------- intervals

CASES = [synthetic(n=6, seed=5), synthetic("q", n=19, quarterly=True, seed=4, noise=0.05),
         synthetic("flat", n=7, growth=0.0, noise=0.1, seed=9)]


@pytest.mark.parametrize("case", CASES, ids=lambda s: s.series_id)
def test_intervals_are_ordered_for_every_model(case):
    end = "2020" if case.freq == "A" else "2017Q4"
    future = models.periods_after(case.periods[-1], end)
    for name, spec in models.models_for(case).items():
        fc = spec.fit(case, models.seed_for(case.series_id, name)).forecast(future)
        assert list(fc.columns) == models.FORECAST_COLUMNS
        assert list(fc["period"]) == future
        v = fc[["lo95", "lo80", "yhat", "hi80", "hi95"]].to_numpy()
        assert np.all(np.isfinite(v)) and np.all(v > 0), name
        assert np.all(np.diff(v, axis=1) >= 0), name


def test_forecast_refuses_in_sample_periods():
    fit = models.fit_loglinear(synthetic(n=5))
    with pytest.raises(ValueError):
        fit.forecast(["2013"])


def test_missing_quarter_is_filled_by_identity_only():
    q = pd.DataFrame({"period": ["2021Q1", "2021Q2", "2021Q3", "2021Q4", "2022Q2", "2022Q3", "2022Q4"],
                      "value_std": [1.0, 2.0, 3.0, 4.0, 2.0, 3.0, 5.0]})
    a = pd.DataFrame({"period": ["2021", "2022"], "value_std": [10.0, 11.5]})
    full, filled = models.fill_missing_quarters(q, a)
    assert filled[0]["period"] == "2022Q1" and filled[0]["value_std"] == pytest.approx(1.5)
    assert list(full["period"])[4] == "2022Q1"
    with pytest.raises(ValueError, match="contiguous"):
        models.Series.from_frame(q, "gappy")


# --------------------------------------------------------------------------- the pipeline step

def write_inputs(root: Path) -> dict:
    """Small synthetic processed inputs shaped like the real ones."""
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, v in enumerate([381.2, 680.0, 901.2, 1184.4, 1389.6]):
        rows.append(("kuaishou_ecommerce_gmv_annual", str(2020 + i), v * 1e9, "official", "exact"))
    quarters = [118.6, 145.4, 175.8, 240.3, None, 191.2, 222.5, 312.4, 224.8, 265.5, 290.2, 403.9,
                288.1, 305.3, 334.2, 462.1, 332.3, 358.9, 385.0]
    for i, v in enumerate(quarters):
        if v is not None:
            rows.append(("kuaishou_ecommerce_gmv_quarterly", f"{2021 + i // 4}Q{i % 4 + 1}", v * 1e9,
                         "official", "exact"))
    for i, v in enumerate([10, 170, 800, 1410, 2200, 3500]):
        rows.append(("douyin_ecommerce_gmv_annual", str(2019 + i), v * 1e9, "media_estimate", "about"))
    df = pd.DataFrame(rows, columns=["series_id", "period", "value_std", "status", "qualifier"])
    df["use_in_model"] = True
    df.to_csv(root / "public_series.csv", index=False)
    cited = pd.DataFrame([
        ("kuaishou_payment_fees_2020", "Kuaishou", "payment_channel_fees", "2020", 1.0e9, "over", True, "a - b"),
        ("kuaishou_payment_fees_2021", "Kuaishou", "payment_channel_fees", "2021", 1.6e9, "over", False, ""),
        ("kuaishou_payment_fees_2021q3", "Kuaishou", "payment_channel_fees", "2021Q3", 4.26e8, "over", True, "c - d"),
        ("kuaishou_payment_fees_2022q3", "Kuaishou", "payment_channel_fees", "2022Q3", 5.26e8, "exact", False, ""),
        ("kuaishou_payment_fees_increase_2021_vs_2020", "Kuaishou", "payment_channel_fees_increase", "2021",
         6e8, "exact", False, ""),
    ], columns=["stat_id", "entity", "metric", "period", "value_std", "qualifier", "derived", "formula"])
    cited["resolution_std"] = 1e8
    cited.to_csv(root / "cited_statistics.csv", index=False)
    (root / "sources.yaml").write_text("a:\n  retrieved: 2026-11-25\n", encoding="utf-8")
    return {"series": str(root / "public_series.csv"), "cited": str(root / "cited_statistics.csv"),
            "sources": str(root / "sources.yaml")}


CONFIG = {
    "kuaishou_ecommerce_gmv_annual": {"min_train": 3, "horizon_end": "2027"},
    "kuaishou_ecommerce_gmv_quarterly": {"min_train": 8, "horizon_end": "2027Q4",
                                         "fill_gaps_from": "kuaishou_ecommerce_gmv_annual"},
    "douyin_ecommerce_gmv_annual": {"min_train": 3, "horizon_end": "2027"},
}


def run_all(root: Path) -> Path:
    inp = write_inputs(root)
    out = root / "out"
    cards = [str(out / "cards" / f"{sid}.{m}.json") for sid in CONFIG
             for m in ["loglinear_trend", "holt_damped", "gompertz"] + (["seasonal_trend"] if "quarterly" in sid else [])]
    fee_cards = [str(out / "cards" / f"{sid}.gmv_x_rate.json")
                 for sid in ("kuaishou_payment_fee_annual", "douyin_thirdparty_fee_annual")]
    gmv_out = {"forecasts": str(out / "gmv_forecasts.csv"), "backtest": str(out / "backtest.csv"),
               "selection": str(out / "model_selection.csv"), "cards": cards}
    step.gmv_models(inp, gmv_out, CONFIG)
    fee_out = {"rates": str(out / "fee_rates.csv"), "sensitivity": str(out / "fee_sensitivity.csv"),
               "forecasts": str(out / "fee_forecasts.csv"), "cards": fee_cards}
    step.payment_fees(inp | {"gmv_forecasts": gmv_out["forecasts"], "selection": gmv_out["selection"]},
                      fee_out, 500)
    step.forecasts_and_values(
        {"gmv_forecasts": gmv_out["forecasts"], "fee_forecasts": fee_out["forecasts"],
         "selection": gmv_out["selection"], "rates": fee_out["rates"], "series": inp["series"],
         "cards": cards + fee_cards, "sources": inp["sources"]},
        {"forecasts": str(out / "forecasts.csv"), "values": str(out / "model_values.json")})
    return out


def test_outputs_are_byte_identical_across_runs(tmp_path):
    a, b = run_all(tmp_path / "a"), run_all(tmp_path / "b")
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) == 8 + 12  # 8 tables/values + 10 GMV and 2 fee cards
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    fc = pd.read_csv(a / "forecasts.csv", dtype={"period": str, "origin": str})
    assert list(fc.columns) == step.FORECAST_COLUMNS
    assert set(fc["series_id"]) == set(CONFIG) | {"kuaishou_payment_fee_annual", "douyin_thirdparty_fee_annual"}
    v = fc[["lo95", "lo80", "yhat", "hi80", "hi95"]].to_numpy()
    assert np.all(np.diff(v, axis=1) >= 0)
    ll = fc[(fc["series_id"] == "kuaishou_ecommerce_gmv_annual") & (fc["model"] == "loglinear_trend")]
    assert list(ll["period"]) == ["2025", "2026", "2027"]  # what the figure and the paper read
    bt = pd.read_csv(a / "backtest.csv")
    assert list(bt.columns) == ["series_id", "model", "horizon", "metric", "value"]
    assert set(bt["horizon"]) == {1, 2}


def test_fits_wait_for_the_global_state_lock():
    """Fits record their warnings into the model card, and figure jobs in other threads change the
    (process-wide) warning filters: the fit must not run while another thread holds the lock."""
    import threading
    import time

    from analysis import models
    from analysis.joblog import GLOBAL_STATE_LOCK

    s = models.Series("synthetic_gmv", tuple(str(y) for y in range(2015, 2023)),
                      tuple(100.0 * 1.2 ** i for i in range(8)))
    released = threading.Event()

    models.fit_holt_damped(s)  # warm: imports and caches, so the timed fit below is quick

    def hold():
        with GLOBAL_STATE_LOCK:
            time.sleep(1.5)  # far longer than a warm fit takes
            released.set()

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    models.fit_holt_damped(s)
    assert released.is_set(), "the fit ran while another thread held the global-state lock"
    holder.join()
