"""Time-series cross-validation, the scores, the selection rule and interval
calibration (Hyndman & Athanasopoulos, *FPP* 3rd ed., §5.8–5.10; the M4
competition's benchmarks-first practice).

* :func:`backtest`: expanding window, every origin the data allow; each fit
  sees only the data up to its origin. One row per scored forecast.
* :func:`summarise`: MASE, MAPE and empirical interval coverage per model and
  horizon; :func:`overall` per model.
* :func:`select`: a model is selected only if it beats the best benchmark on
  mean MASE; otherwise the best benchmark is the forecast.
* :func:`calibrate`: where a selected method's empirical coverage is off by
  more than the tolerance, its intervals are rescaled per horizon from the
  backtest errors (empirical: their RMS in units of the model's own forecast
  standard deviation), and the coverage of the rescaled intervals is
  estimated leaving each origin out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.models._core import LEVELS

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from analysis.models._core import Series

BACKTEST_COLUMNS = ["series_id", "model", "origin", "horizon", "period", "actual", "yhat",
                    "lo80", "hi80", "lo95", "hi95"]
SUMMARY_COLUMNS = ["series_id", "model", "kind", "horizon", "n_scored", "n_failed", "mase", "mape",
                   "coverage80", "coverage95"]
Forecaster = Callable[["Series", list[str]], "pd.DataFrame"]


def fit_errors() -> tuple[type[BaseException], ...]:
    """What a failed fit raises; anything else is a bug and propagates."""
    import numpy as np

    return (ValueError, RuntimeError, ArithmeticError, np.linalg.LinAlgError)


def mase_scale(train: "Series") -> float:
    """In-sample mean absolute error of the (seasonal) naive method: the MASE denominator."""
    import numpy as np

    m = train.season_length
    v = np.asarray(train.values, dtype=float)
    return float(np.mean(np.abs(v[m:] - v[:-m]))) if len(v) > m else math.nan


def backtest(series: "Series", forecasters: Mapping[str, Forecaster], *, min_train: int,
             max_horizon: int) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Expanding-window cross-validation with origins after ``min_train`` points.

    Returns (scored, failed): one row per scored forecast (the columns of
    ``backtest.csv`` plus ``scale``, the MASE denominator at that origin), and
    one row per forecast a model could not make (series_id, model, origin,
    horizon, period, reason).
    """
    import numpy as np
    import pandas as pd

    errors = fit_errors()
    rows, failed = [], []
    for i in range(min_train, len(series)):
        train = series.head(i)
        targets = [(h, i - 1 + h) for h in range(1, max_horizon + 1) if i - 1 + h < len(series)]
        periods = [series.periods[j] for _, j in targets]
        scale = mase_scale(train)
        for name, forecast in forecasters.items():
            try:
                fc = forecast(train, periods)
                if not np.all(np.isfinite(fc["yhat"])):
                    raise RuntimeError("non-finite forecast")
            except errors as exc:
                failed += [{"series_id": series.series_id, "model": name, "origin": train.periods[-1],
                            "horizon": h, "period": p, "reason": f"{type(exc).__name__}: {exc}"}
                           for (h, _), p in zip(targets, periods)]
                continue
            for (h, j), r in zip(targets, fc.itertuples(index=False)):
                rows.append({"series_id": series.series_id, "model": name, "origin": train.periods[-1],
                             "horizon": h, "period": series.periods[j], "actual": series.values[j],
                             "yhat": r.yhat, "lo80": r.lo80, "hi80": r.hi80, "lo95": r.lo95, "hi95": r.hi95,
                             "scale": scale})
    return (pd.DataFrame(rows, columns=BACKTEST_COLUMNS + ["scale"]),
            pd.DataFrame(failed, columns=["series_id", "model", "origin", "horizon", "period", "reason"]))


def _hits(bt: "pd.DataFrame", level: float) -> "pd.Series":
    """Whether each actual lies inside its interval at ``level`` (NaN where there is no interval)."""
    tag = round(level * 100)
    has = bt[f"lo{tag}"].notna() & bt[f"hi{tag}"].notna()
    return ((bt["actual"] >= bt[f"lo{tag}"]) & (bt["actual"] <= bt[f"hi{tag}"])).where(has)


def _scores(bt: "pd.DataFrame") -> "pd.DataFrame":
    """Per scored forecast: absolute scaled error, absolute percentage error, interval hits."""
    out = bt.copy()
    err = (out["actual"] - out["yhat"]).abs()
    out["ase"] = err / out["scale"]
    out["ape"] = err / out["actual"].abs() * 100
    for lv in LEVELS:
        out[f"hit{round(lv * 100)}"] = _hits(out, lv)
    return out


def _mean(x: "pd.Series") -> float:
    x = x.dropna().astype(float)
    return float(x.mean()) if len(x) else math.nan


def summarise(bt: "pd.DataFrame", failed: "pd.DataFrame", kinds: Mapping[str, str]) -> "pd.DataFrame":
    """Per model and horizon: forecasts scored and failed, mean MASE and MAPE (%), coverage of the
    80% and 95% intervals (share of actuals inside; NaN when the model gave no intervals)."""
    import pandas as pd

    sc = _scores(bt)
    rows = []
    for model in kinds:
        horizons = sorted(set(sc.loc[sc["model"] == model, "horizon"]) | set(failed.loc[failed["model"] == model,
                                                                                      "horizon"]))
        for h in horizons:
            g = sc[(sc["model"] == model) & (sc["horizon"] == h)]
            nf = int(((failed["model"] == model) & (failed["horizon"] == h)).sum())
            rows.append({"series_id": None, "model": model, "kind": kinds[model], "horizon": int(h),
                         "n_scored": len(g), "n_failed": nf, "mase": _mean(g["ase"]), "mape": _mean(g["ape"]),
                         "coverage80": _mean(g["hit80"]), "coverage95": _mean(g["hit95"])})
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    sid = bt["series_id"].iloc[0] if len(bt) else (failed["series_id"].iloc[0] if len(failed) else None)
    out["series_id"] = sid
    return out


def overall(bt: "pd.DataFrame", failed: "pd.DataFrame", kinds: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Per model over all horizons: mean MASE and MAPE, coverage, forecasts scored and failed, origins,
    and whether it is eligible (a forecast at every target, so scored on the same targets as the others)."""
    sc = _scores(bt)
    out = {}
    for model, kind in kinds.items():
        g = sc[sc["model"] == model]
        nf = int((failed["model"] == model).sum())
        out[model] = {"kind": kind, "n_scored": len(g), "n_failed": nf, "n_origins": int(g["origin"].nunique()),
                      "mase": _mean(g["ase"]), "mape": _mean(g["ape"]), "coverage80": _mean(g["hit80"]),
                      "coverage95": _mean(g["hit95"]),
                      "eligible": bool(len(g) > 0 and nf == 0 and math.isfinite(_mean(g["ase"])))}
    return out


def select(scores: Mapping[str, Mapping[str, Any]], *, n_obs: int, min_points: int) -> dict[str, Any]:
    """The selection rule.

    Benchmarks are always eligible to be the forecast. A fitted model may be
    selected only when the series has at least ``min_points`` observations
    (fewer: its few scored forecasts cannot rank models); an aggregate (whose
    forecast comes from a longer series) is judged like a model. A candidate
    is selected only if its mean MASE is below the best benchmark's; otherwise
    the best benchmark is the forecast. A series too short for selection and
    without an eligible aggregate gets a scenario range instead of a forecast.
    """
    def best(kinds: Sequence[str]) -> str | None:
        pool = [(v["mase"], k) for k, v in scores.items() if v["kind"] in kinds and v["eligible"]]
        return min(pool)[1] if pool else None

    bench = best(["benchmark"])
    cand_kinds = ["model", "aggregate"] if n_obs >= min_points else ["aggregate"]
    cand = best(cand_kinds)
    reported_model = best(["model", "aggregate"])
    out = {"best_benchmark": bench, "best_benchmark_mase": scores[bench]["mase"] if bench else math.nan,
           "best_model": reported_model,
           "best_model_mase": scores[reported_model]["mase"] if reported_model else math.nan}
    if cand is None and (n_obs < min_points or bench is None):
        why = (f"fewer than {min_points} observations: no model is selected and no probabilistic interval is "
               "given; the forecast is a scenario range" if n_obs < min_points
               else "no method has a complete backtest")
        return out | {"selected_model": None, "selected_kind": None, "selected_mase": math.nan, "reason": why}
    if cand is not None and (bench is None or scores[cand]["mase"] < scores[bench]["mase"]):
        chosen, why = cand, ("lowest mean MASE of the candidates, below the best benchmark's"
                             if bench else "lowest mean MASE of the candidates (no benchmark scored)")
    else:
        chosen = bench
        why = ("no candidate beats the best benchmark on mean MASE: the benchmark is the forecast"
               if cand else "only benchmarks are eligible: the best benchmark is the forecast")
    return out | {"selected_model": chosen, "selected_kind": scores[chosen]["kind"],
                  "selected_mase": scores[chosen]["mase"], "reason": why}


# --------------------------------------------------------------------------- calibration

def _half_widths(bt: "pd.DataFrame", level: float) -> "np.ndarray":
    """The model's own half-width of its interval at ``level``, on the log scale."""
    import numpy as np

    tag = round(level * 100)
    return (np.log(bt[f"hi{tag}"].to_numpy(float)) - np.log(bt[f"lo{tag}"].to_numpy(float))) / 2


def _rms(x: "np.ndarray") -> float:
    import numpy as np

    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else math.nan


def calibrate(bt: "pd.DataFrame", tolerance: float) -> dict[str, Any]:
    """Check one method's interval coverage and, if off, rescale it per horizon.

    ``bt``: the method's scored forecasts (with intervals). When every level's
    empirical coverage is within ``tolerance`` of its nominal level the model's
    own intervals stand (method ``model``). Otherwise (method ``empirical``)
    each horizon's intervals are scaled by the root-mean-square of the backtest
    errors at that horizon in units of the model's own forecast standard
    deviation (log scale; both levels alike, so the interval keeps its shape);
    beyond the longest horizon scored, by that horizon's factor. With a handful
    of errors per horizon an RMS is steadier than a 95% quantile (the largest
    error). The coverage reported for rescaled intervals is estimated leaving
    each origin out (its factor from the other origins).
    """
    import numpy as np

    from analysis.models._core import z_of

    raw = {lv: _mean(_hits(bt, lv)) for lv in LEVELS}
    out: dict[str, Any] = {"raw_coverage": raw, "tolerance": tolerance, "n_scored": len(bt),
                           "method": "model", "coverage": dict(raw), "factors": {}}
    if not any(abs(raw[lv] - lv) > tolerance for lv in LEVELS):
        return out
    top = LEVELS[-1]
    err = np.abs(np.log(bt["actual"].to_numpy(float) / bt["yhat"].to_numpy(float)))
    units = err / (_half_widths(bt, top) / z_of(top))  # errors in model standard deviations
    horizon, origin = bt["horizon"].to_numpy(), bt["origin"].to_numpy()
    k = {int(h): _rms(units[horizon == h]) for h in sorted(set(horizon))}
    loo = {}
    for lv in LEVELS:
        hw = _half_widths(bt, lv)
        hits = [err[i] <= _rms(units[(horizon == horizon[i]) & (origin != origin[i])]) * hw[i]
                for i in range(len(bt)) if ((horizon == horizon[i]) & (origin != origin[i])).any()]
        loo[lv] = float(np.mean(hits)) if hits else math.nan
    return out | {"method": "empirical", "factors": {lv: dict(k) for lv in LEVELS}, "coverage": loo}


def factor_for(calib: Mapping[str, Any], level: float, h: int) -> float:
    """The rescaling factor at horizon ``h`` (1 when the model's intervals stand)."""
    if calib["method"] == "model":
        return 1.0
    f = calib["factors"][level]
    return f[min(h, max(f))]


def calibrated_bands(mean: "np.ndarray", bands: Mapping[float, tuple], hs: "np.ndarray",
                     calib: Mapping[str, Any]) -> dict[float, tuple["np.ndarray", "np.ndarray"]]:
    """Log-scale intervals rescaled by :func:`factor_for` around the point forecast."""
    import numpy as np

    out = {}
    for lv, (lo, hi) in bands.items():
        k = np.array([factor_for(calib, lv, int(h)) for h in hs])
        half = (np.asarray(hi) - np.asarray(lo)) / 2 * k
        out[lv] = (mean - half, mean + half)
    return out


def calibrate_paths(paths: "np.ndarray", mean: "np.ndarray", bands: Mapping[float, tuple], hs: "np.ndarray",
                    calib: Mapping[str, Any]) -> "np.ndarray":
    """Rescale simulated log paths so each horizon's 80% and 95% ranges match the calibrated
    intervals: a monotone, piecewise-linear map of each deviation from the point forecast
    (ranks, hence the dependence between horizons, are kept)."""
    import numpy as np

    if calib["method"] == "model":
        return paths
    out = np.empty_like(paths)
    for j, h in enumerate(hs):
        w = [(bands[lv][1][j] - bands[lv][0][j]) / 2 for lv in LEVELS]
        k = [factor_for(calib, lv, int(h)) for lv in LEVELS]
        dev = paths[:, j] - mean[j]
        x = np.abs(dev)
        y = np.where(x <= w[0], x * k[0],
                     np.where(x <= w[1], k[0] * w[0] + (x - w[0]) * (k[1] * w[1] - k[0] * w[0]) / (w[1] - w[0]),
                              x * k[1]))
        out[:, j] = mean[j] + np.sign(dev) * y
    return out
