"""Seasonal ARIMA(0,1,1)(0,1,0)₄ on log(y): next year's quarter is this year's
times a year-on-year growth rate that is smoothed as it changes (the growth
rate follows a random walk observed with noise; simple exponential smoothing
of the year-on-year log change). Fitted with statsmodels' SARIMAX.

The one coefficient is estimated on its profile likelihood (the variance
concentrated out): a grid over the invertible range, then a bounded scalar
search around the best grid point. On a short series the likelihood is flat
and peaks at the non-invertible boundary, and SARIMAX's own quasi-Newton fit
stops wherever its tolerance lets it, which differs with the CPU's BLAS kernels
(θ 0.95 on one machine, 0.93 on another, and the paper's numbers with it); the
profile search gives the same θ to eight decimals everywhere."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from analysis.joblog import GLOBAL_STATE_LOCK
from analysis.models._core import Fitted, recorded_warnings
from analysis.models._registry import model

ORDER, SEASONAL_ORDER = (0, 1, 1), (0, 1, 0, 4)
THETA_BOUND = 0.99  # |θ| ≤ 0.99: invertible, as forecasting software bounds an MA coefficient
GRID_POINTS = 199


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
            "likelihood, theta by profile likelihood on [-0.99, 0.99] (grid, then bounded search); analytic "
            "prediction intervals on the log scale")
def fit(series, seed):
    import numpy as np
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with GLOBAL_STATE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        theta, converged = profile_theta(series.logs())
        sigma2 = SARIMAX(series.logs(), order=ORDER, seasonal_order=SEASONAL_ORDER,
                         concentrate_scale=True).filter([theta]).scale
        res = SARIMAX(series.logs(), order=ORDER, seasonal_order=SEASONAL_ORDER).filter([theta, sigma2])
    if not np.all(np.isfinite(res.params)):
        raise RuntimeError("seasonal_arima: non-finite parameters")
    params = {"ma_l1": float(res.params[0]), "sigma2": float(res.params[1])}
    burn = ORDER[1] + SEASONAL_ORDER[1] * SEASONAL_ORDER[3]  # first residuals are only the diffuse start
    resid = np.asarray(res.resid)[burn:]
    return SeasonalArima(
        model="seasonal_arima", series=series, params=params, llf=float(res.llf), result=res,
        diagnostics={"converged": converged, "theta_at_bound": abs(theta) >= THETA_BOUND - 1e-6,
                     "warnings": recorded_warnings(caught),
                     "fitted": [{"period": p, "yhat": float(v)} for p, v in
                                zip(series.periods[burn:], np.exp(series.logs()[burn:] - resid))],
                     "residuals_log": [float(v) for v in resid]})


def profile_theta(logs) -> tuple[float, bool]:
    """The MA coefficient that maximises the profile log-likelihood on [-0.99, 0.99]:
    the best of a grid, refined by a bounded scalar search between its neighbours.
    Returns θ (rounded to 10 decimals, below any kernel's rounding noise) and whether
    the search converged."""
    import numpy as np
    from scipy.optimize import minimize_scalar
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    mod = SARIMAX(logs, order=ORDER, seasonal_order=SEASONAL_ORDER, concentrate_scale=True)
    grid = np.linspace(-THETA_BOUND, THETA_BOUND, GRID_POINTS)
    ll = np.array([mod.loglike(np.array([t])) for t in grid])
    if not np.all(np.isfinite(ll)):
        raise RuntimeError("seasonal_arima: non-finite likelihood on the grid")
    i = int(np.argmax(ll))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, GRID_POINTS - 1)]
    opt = minimize_scalar(lambda t: -mod.loglike(np.array([t])), bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-10})
    theta = float(opt.x) if -opt.fun >= ll[i] else float(grid[i])
    return round(theta, 10), bool(opt.success)
