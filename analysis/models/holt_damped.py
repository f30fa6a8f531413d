"""Damped Holt linear trend, ETS(A,Ad,N) on log(y) (statsmodels ETSModel).

With few points its parameters run to their bounds (alpha, beta near zero,
phi at 0.98) and it becomes a deterministic curve whose analytic intervals
barely widen; the card says so when it happens.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

from analysis.joblog import GLOBAL_STATE_LOCK
from analysis.models._core import Fitted, gaussian_llf, recorded_warnings
from analysis.models._registry import model


@dataclass
class HoltDamped(Fitted):
    result: Any = None

    def _log_forecast(self, hs):
        import numpy as np

        from analysis.models._core import LEVELS

        n = len(self.series)
        pred = self.result.get_prediction(start=n, end=n + int(hs.max()) - 1)
        mean = np.asarray(pred.predicted_mean)[hs - 1]
        bands = {}
        for lv in LEVELS:
            sf = pred.summary_frame(alpha=1 - lv)
            bands[lv] = (sf["pi_lower"].to_numpy()[hs - 1], sf["pi_upper"].to_numpy()[hs - 1])
        return mean, bands

    def simulate_log(self, periods, draws, rng):
        """statsmodels' own simulation from the end of the sample."""
        import numpy as np

        hs = self.horizons([str(p) for p in periods])
        sims = self.result.simulate(int(hs.max()), anchor="end", repetitions=draws, rng=rng)
        return np.asarray(sims).reshape(int(hs.max()), draws).T[:, hs - 1]


@model("holt_damped", zh="阻尼Holt线性趋势模型", en="damped Holt linear trend", kind="model", freqs=("A", "Q"),
       scale="log", params=("alpha", "beta", "phi", "l0", "b0", "sigma"), min_points=3,
       spec="ETS(A,Ad,N) on log(y): l_t = l_{t-1} + phi*b_{t-1} + alpha*e_t, b_t = phi*b_{t-1} + beta*e_t, "
            "log(y_t) = l_{t-1} + phi*b_{t-1} + e_t; statsmodels ETSModel, maximum likelihood incl. initial "
            "level and trend (default bounds: phi in [0.8, 0.98]); analytic prediction intervals on the log scale")
def fit(series, seed):
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = pd.Series(series.logs(), index=pd.RangeIndex(len(series)))
    with GLOBAL_STATE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ETSModel(y, error="add", trend="add", damped_trend=True,
                       initialization_method="estimated").fit(disp=False, maxiter=2000)
    if not np.all(np.isfinite(res.params)):
        raise RuntimeError("holt_damped: non-finite parameters")
    params = {k: float(v) for k, v in zip(["alpha", "beta", "phi", "l0", "b0"], np.asarray(res.params))}
    ssr = float(np.sum(np.asarray(res.resid) ** 2))
    params["sigma"] = float(math.sqrt(ssr / len(series)))
    bounds = {k: v for k, v in params.items() if k in ("alpha", "beta", "phi")
              and (v <= 1e-3 or v >= 0.999 or (k == "phi" and (v <= 0.8001 or v >= 0.9799)))}
    diagnostics: dict[str, Any] = {}
    if params["alpha"] < 1e-3 and params["beta"] < 1e-3:
        diagnostics["caveat"] = ("alpha and beta are near zero: damped Holt on logs has become the deterministic "
                                 "curve log(y) = l - b*phi^t; its analytic intervals barely widen with the "
                                 "horizon and are overconfident on few points")
    return HoltDamped(
        model="holt_damped", series=series, params=params, llf=gaussian_llf(ssr, len(series)), result=res,
        diagnostics=diagnostics | {
            "converged": bool(res.mle_retvals.get("converged", True)) if isinstance(res.mle_retvals, dict) else None,
            "parameters_at_bounds": sorted(bounds), "warnings": recorded_warnings(caught),
            "residuals_log": [float(v) for v in np.asarray(res.resid)]})
