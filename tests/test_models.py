"""The model registry and every registered model: declarations, the log-scale
contract, forecasts and simulated paths, and the benchmarks' closed forms.

Tests over "every model" are parametrised over the registry, so a new model
is tested without touching this file.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import models
from analysis.models import _registry
from analysis.models._core import Fitted, normal_bands

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = models.registry()
FITTED = {name: info for name, info in REGISTRY.items() if info.kind != "aggregate"}


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


def series_for(info, n=None, seed=3):
    """A synthetic series of a frequency the model handles, long enough for it."""
    quarterly = "A" not in info.freqs
    n = n or max(info.min_points + 3, 16 if quarterly else 9)
    return synthetic(f"s_{info.name}", n=n, quarterly=quarterly, seed=seed, noise=0.03)


# --------------------------------------------------------------------------- the registry

def test_registry_finds_every_model_module():
    modules = {p.stem for p in (ROOT / "analysis/models").glob("*.py") if not p.stem.startswith("_")}
    assert set(REGISTRY) == modules


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_model_declares_itself(name):
    info = REGISTRY[name]
    assert info.name == name and info.kind in _registry.KINDS and info.scale in _registry.SCALES
    assert info.zh and info.en and info.zh != info.en and any("\u4e00" <= c <= "\u9fff" for c in info.zh)
    assert set(info.freqs) <= {"A", "Q"} and info.freqs and info.min_points >= 1 and info.spec
    assert info.label("zh") == info.zh and info.label("en") == info.en


def test_names_are_unique_in_each_language():
    for lang in ("zh", "en"):
        labels = [info.label(lang) for info in REGISTRY.values()]
        assert len(labels) == len(set(labels)), lang


def test_a_model_must_live_in_its_own_module():
    with pytest.raises(ValueError, match="analysis/models/<name>.py"):
        @models.model("not_this_module", zh="甲", en="a", kind="model", freqs=("A",), scale="log",
                      params=("sigma",), min_points=2, spec="x")
        def fit(series, seed):  # pragma: no cover - never registered
            raise AssertionError
    assert "not_this_module" not in models.registry()


def test_unknown_model_names_the_registered_ones():
    with pytest.raises(KeyError, match="registered: .*naive"):
        models.get("no_such_model")


def test_the_configured_models_are_registered_and_of_the_right_kind():
    cfg = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))["models"]
    for sid, s in cfg["series"].items():
        for name in s["benchmarks"]:
            assert REGISTRY[name].kind == "benchmark", (sid, name)
        for name in s["candidates"]:
            assert REGISTRY[name].kind in ("model", "aggregate"), (sid, name)


# --------------------------------------------------------------------------- every fitted model

@pytest.mark.parametrize("name", sorted(FITTED))
def test_fit_reports_its_declared_parameters_and_a_log_scale_aicc(name):
    info = FITTED[name]
    s = series_for(info)
    fit = info.fit(s, models.seed_for(s.series_id, name))
    assert set(info.params) <= set(fit.params) and fit.info is info and fit.k == len(info.params)
    expected = fit.llf + (float(s.logs().sum()) if info.scale == "level" else 0.0)
    assert fit.llf_log == pytest.approx(expected)


@pytest.mark.parametrize("name", sorted(FITTED))
def test_forecasts_are_ordered_and_widen_with_the_horizon(name):
    info = FITTED[name]
    s = series_for(info)
    future = models.periods_after(s.periods[-1], str(int(s.periods[-1][:4]) + 2) + ("Q4" if s.freq == "Q" else ""))
    fc = info.fit(s, 7).forecast(future)
    assert list(fc.columns) == models.FORECAST_COLUMNS and list(fc["period"]) == future
    v = fc[["lo95", "lo80", "yhat", "hi80", "hi95"]].to_numpy()
    assert np.all(np.isfinite(v)) and np.all(v > 0)
    assert np.all(np.diff(v, axis=1) >= 0)
    width = np.log(fc["hi95"] / fc["lo95"]).to_numpy()
    assert width[-1] > width[0]


@pytest.mark.parametrize("name", sorted(FITTED))
def test_simulated_paths_match_the_forecast(name):
    """Paths are on the log scale, centred on the point forecast, as wide as the 95% interval."""
    info = FITTED[name]
    s = series_for(info)
    future = models.periods_after(s.periods[-1], str(int(s.periods[-1][:4]) + 1) + ("Q4" if s.freq == "Q" else ""))
    fit = info.fit(s, 11)
    mean, bands = fit.log_forecast(future)
    paths = fit.simulate_log(future, 4000, np.random.default_rng(5))
    assert paths.shape == (4000, len(future))
    np.testing.assert_allclose(np.median(paths, axis=0), mean, atol=0.05)
    lo, hi = np.quantile(paths, [0.025, 0.975], axis=0)
    np.testing.assert_allclose(hi - lo, bands[0.95][1] - bands[0.95][0], rtol=0.25)


@pytest.mark.parametrize("name", sorted(FITTED))
def test_a_model_refuses_too_few_points_or_the_wrong_frequency(name):
    info = FITTED[name]
    if info.min_points > 2:
        short = series_for(info, n=info.min_points - 1)
        with pytest.raises(models.InsufficientData):
            info.fit(short, 1)
    other = "Q" if "Q" not in info.freqs else ("A" if "A" not in info.freqs else None)
    if other:
        with pytest.raises(models.InsufficientData, match="frequency"):
            info.fit(synthetic(quarterly=other == "Q", n=20), 1)


def test_forecast_refuses_in_sample_periods():
    fit = models.get("loglinear_trend").fit(synthetic(n=5), 1)
    with pytest.raises(ValueError, match="not a future period"):
        fit.forecast(["2013"])


def test_a_level_scale_model_gains_the_jacobian():
    """The scale contract: AICc on log(y) whatever scale a model was fitted on."""
    s = synthetic(n=6)
    info = _registry.ModelInfo("toy", "玩具", "toy", "model", ("A",), "level", ("sigma",), 2, "y = c", None)
    fit = Fitted(model="toy", series=s, params={"sigma": 1.0}, llf=-10.0, info=info)
    assert fit.llf_log == pytest.approx(-10.0 + float(np.log(s.values).sum()))
    assert fit.aicc == pytest.approx(models._core.aicc_from_llf(fit.llf_log, 6, 1))


# --------------------------------------------------------------------------- the benchmarks

def test_naive_repeats_the_last_value_with_sqrt_h_intervals():
    s = synthetic(n=8, seed=2)
    fit = models.get("naive").fit(s, 1)
    fc = fit.forecast(models.periods_after(s.periods[-1], "2021"))
    assert np.allclose(fc["yhat"], s.values[-1])
    half = np.log(fc["hi95"] / fc["yhat"]).to_numpy()
    np.testing.assert_allclose(half / half[0], np.sqrt(np.arange(1, len(half) + 1)))
    d = np.diff(s.logs())
    assert fit.params["sigma"] == pytest.approx(math.sqrt(np.mean(d ** 2)))


def test_seasonal_naive_repeats_the_same_quarter_last_year():
    s = synthetic("q", n=10, quarterly=True, seed=4)
    fc = models.get("seasonal_naive").fit(s, 1).forecast(models.periods_after(s.periods[-1], "2013Q4"))
    by_period = dict(zip(s.periods, s.values))
    for p, y in zip(fc["period"], fc["yhat"]):
        year, q = int(p[:4]), p[4:]
        back = next(f"{yy}{q}" for yy in range(year - 1, 2000, -1) if f"{yy}{q}" in by_period)
        assert y == pytest.approx(by_period[back])


def test_drift_holds_the_average_growth_of_the_sample():
    s = synthetic(n=7, seed=6)
    fc = models.get("drift").fit(s, 1).forecast([str(int(s.periods[-1]) + 2)])
    g = (s.logs()[-1] - s.logs()[0]) / (len(s) - 1)
    assert fc["yhat"].iloc[0] == pytest.approx(s.values[-1] * math.exp(2 * g))


def test_log_linear_trend_recovers_a_known_growth_rate():
    fit = models.get("loglinear_trend").fit(synthetic(n=10, growth=0.20, noise=0.02, seed=7), 1)
    assert fit.growth == pytest.approx(0.20, abs=0.015)
    lo, hi = fit.growth_interval(0.95)
    assert lo < 0.20 < hi


def test_seasonal_trend_recovers_the_quarter_effects():
    s = synthetic("q", n=20, growth=0.20, noise=0.01, quarterly=True, seed=2)
    fit = models.get("seasonal_trend").fit(s, 1)
    assert fit.growth == pytest.approx(0.20, abs=0.02)
    assert fit.params["d_q4"] == pytest.approx(0.40, abs=0.03)


def test_seasonal_arima_follows_a_change_in_growth():
    """Year-on-year growth drops from 30% to 15%: the forecast follows the recent rate."""
    logs = [math.log(100.0) + s for s in (0.0, 0.1, 0.2, 0.5)]
    for year in range(1, 5):
        g = math.log(1.30) if year < 3 else math.log(1.15)
        logs += [v + g for v in logs[-4:]]
    periods = [f"{2010 + i // 4}Q{i % 4 + 1}" for i in range(len(logs))]
    s = models.Series("q", tuple(periods), tuple(math.exp(v) for v in logs))
    fc = models.get("seasonal_arima").fit(s, 1).forecast(models.periods_after(s.periods[-1], "2015Q4"))
    yoy = fc["yhat"].to_numpy() / np.array(s.values[-4:]) - 1
    assert np.all(np.abs(yoy - 0.15) < 0.03)


# Kuaishou's first eight quarters (RMB 100 million, 2021Q1–2022Q4): a short origin of the
# backtest, where the likelihood of θ is flat and peaks at the non-invertible boundary.
KUAISHOU_FIRST_EIGHT = (1186, 1454, 1758, 2403, 1750.756, 1912, 2225, 3124)


def test_seasonal_arima_estimate_does_not_depend_on_rounding_noise():
    """Noise in the last bits of the data (as different BLAS kernels make in the likelihood)
    must not move θ: SARIMAX's own fit stopped at 0.95 on one CPU and 0.93 on another here,
    and the paper's backtest numbers moved with it."""
    periods = tuple(f"{2021 + i // 4}Q{i % 4 + 1}" for i in range(8))
    clean = models.Series("q", periods, tuple(v * 1e8 for v in KUAISHOU_FIRST_EIGHT))
    noisy = models.Series("q", periods, tuple(v * 1e8 * (1 + (-1) ** i * 3e-15)
                                              for i, v in enumerate(KUAISHOU_FIRST_EIGHT)))
    thetas = [models.get("seasonal_arima").fit(s, 1).params["ma_l1"] for s in (clean, noisy)]
    assert thetas[0] == pytest.approx(0.99, abs=1e-6)  # at the invertibility bound, not wherever a fit stops
    assert thetas[0] == pytest.approx(thetas[1], abs=1e-8)


def test_seasonal_arima_profile_search_finds_an_interior_maximum():
    """Where the likelihood has an interior peak, the grid-and-refine search finds it: the
    estimate maximises the likelihood better than any point of a fine grid."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    from analysis.models.seasonal_arima import ORDER, SEASONAL_ORDER, profile_theta

    logs = np.log(np.array(KUAISHOU_FIRST_EIGHT + (2248, 2655), dtype=float) * 1e8)
    theta, converged = profile_theta(logs)
    assert converged and abs(theta) < 0.9
    mod = SARIMAX(logs, order=ORDER, seasonal_order=SEASONAL_ORDER, concentrate_scale=True)
    best_on_grid = max(mod.loglike(np.array([t])) for t in np.linspace(-0.99, 0.99, 3961))
    assert mod.loglike(np.array([theta])) >= best_on_grid - 1e-9


def test_normal_bands_are_central():
    mean, sd = np.array([1.0]), np.array([0.5])
    lo, hi = normal_bands(mean, sd)[0.95]
    assert mean - lo == pytest.approx(hi - mean) and hi - mean == pytest.approx(1.959964 * 0.5, rel=1e-5)


# --------------------------------------------------------------------------- the series type

def test_missing_quarter_is_filled_by_identity_only():
    q = pd.DataFrame({"period": ["2021Q1", "2021Q2", "2021Q3", "2021Q4", "2022Q2", "2022Q3", "2022Q4"],
                      "value_std": [1.0, 2.0, 3.0, 4.0, 2.0, 3.0, 5.0]})
    a = pd.DataFrame({"period": ["2021", "2022"], "value_std": [10.0, 11.5]})
    full, filled = models.fill_missing_quarters(q, a)
    assert filled[0]["period"] == "2022Q1" and filled[0]["value_std"] == pytest.approx(1.5)
    assert list(full["period"])[4] == "2022Q1"
    with pytest.raises(ValueError, match="contiguous"):
        models.Series.from_frame(q, "gappy")


def test_head_and_upto_know_only_the_past():
    s = synthetic("q", n=12, quarterly=True)
    assert s.upto("2011Q2").periods == s.periods[:6] == s.head(6).periods
    assert models.steps_between("2011Q2", "2012Q1") == 3


def test_a_cards_warnings_are_the_fits_own():
    """Warnings are recorded process-wide; another thread's (Snakemake's
    scheduler, a figure) must not reach a model card."""
    import warnings

    from analysis.models._core import recorded_warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn_explicit("from the scheduler", DeprecationWarning, "/x/site-packages/pulp/pulp.py", 1)
        warnings.warn_explicit("from a fit", UserWarning, "/x/site-packages/statsmodels/tsa/a.py", 1)
    assert recorded_warnings(caught) == ["UserWarning: from a fit"]
