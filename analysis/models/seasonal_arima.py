"""Seasonal ARIMA(0,1,1)(0,1,0)₄ on log(y): next year's quarter is this year's
times a year-on-year growth rate that is smoothed as it changes (the growth
rate follows a random walk observed with noise; simple exponential smoothing
of the year-on-year log change). Fitted with statsmodels' SARIMAX."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from analysis.joblog import GLOBAL_STATE_LOCK
from analysis.models._core import Fitted, recorded_warnings
from analysis.models._registry import model

ORDER, SEASONAL_ORDER = (0, 1, 1), (0, 1, 0, 4)


@dataclass
class SeasonalArima(Fitted):
    result: Any = None

    def _log_forecast(self, hs):
        from analysis.models._core import LEVELS

        pred = self.result.get_forecast(int(hs.max()))
        mean = pred.predicted_mean[hs - 1]
        bands = {}
        for lv in LEVELS:
            ci = pred.conf_int(alpha=1 - lv)
            bands[lv] = (ci[hs - 1, 0], ci[hs - 1, 1])
        return mean, bands

    def simulate_log(self, periods, draws, rng):
        """statsmodels' own simulation from the end of the sample (errors accumulate)."""
        import numpy as np

        hs = self.horizons([str(p) for p in periods])
        sims = self.result.simulate(int(hs.max()), anchor="end", repetitions=draws, rng=rng)
        return np.asarray(sims).reshape(int(hs.max()), draws).T[:, hs - 1]


@model("seasonal_arima", zh="季节ARIMA模型（平滑同比增速）", en="seasonal ARIMA (smoothed year-on-year growth)",
       kind="model", freqs=("Q",), scale="log", params=("ma_l1", "sigma2"), min_points=7,
       spec="ARIMA(0,1,1)(0,1,0)_4 on log(y): (1-B)(1-B^4) log(y_t) = (1 + theta*B) e_t, e_t ~ N(0, sigma2), "
            "i.e. the year-on-year log growth is smoothed exponentially; statsmodels SARIMAX, exact diffuse "
            "likelihood; analytic prediction intervals on the log scale")
def fit(series, seed):
    import numpy as np
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with GLOBAL_STATE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = SARIMAX(series.logs(), order=ORDER, seasonal_order=SEASONAL_ORDER).fit(disp=False)
    if not np.all(np.isfinite(res.params)):
        raise RuntimeError("seasonal_arima: non-finite parameters")
    params = {"ma_l1": float(res.params[0]), "sigma2": float(res.params[1])}
    burn = ORDER[1] + SEASONAL_ORDER[1] * SEASONAL_ORDER[3]  # first residuals are only the diffuse start
    resid = np.asarray(res.resid)[burn:]
    return SeasonalArima(
        model="seasonal_arima", series=series, params=params, llf=float(res.llf), result=res,
        diagnostics={"converged": bool(res.mle_retvals.get("converged", True)),
                     "warnings": recorded_warnings(caught),
                     "fitted": [{"period": p, "yhat": float(v)} for p, v in
                                zip(series.periods[burn:], np.exp(series.logs()[burn:] - resid))],
                     "residuals_log": [float(v) for v in resid]})
