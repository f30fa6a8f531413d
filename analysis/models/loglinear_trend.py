"""Log-linear trend: constant growth, OLS on log(y)."""

from __future__ import annotations

from analysis.models._ols import fit_log_trend
from analysis.models._registry import model


@model("loglinear_trend", zh="对数线性趋势模型", en="log-linear trend", kind="model", freqs=("A", "Q"),
       scale="log", params=("a", "b", "sigma"), min_points=3,
       spec="log(y_t) = a + b*t + e_t, e_t ~ N(0, sigma^2), t in steps since the first period; OLS; "
            "median forecast exp(a + b*t) with t-based prediction intervals on the log scale")
def fit(series, seed):
    return fit_log_trend("loglinear_trend", series, ("a", "b"), seasonal=False)
