"""Log-linear trend with quarter effects: constant growth and a fixed seasonal
pattern, OLS on log(y)."""

from __future__ import annotations

from analysis.models._ols import fit_log_trend
from analysis.models._registry import model


@model("seasonal_trend", zh="含季节项的对数线性趋势模型", en="log-linear trend with quarterly seasonality",
       kind="model", freqs=("Q",), scale="log", params=("a", "b", "d_q2", "d_q3", "d_q4", "sigma"),
       min_points=8,
       spec="log(y_t) = a + b*t + d2*Q2_t + d3*Q3_t + d4*Q4_t + e_t, e_t ~ N(0, sigma^2), t in quarters; OLS; "
            "median forecast exp(fitted log) with t-based prediction intervals on the log scale")
def fit(series, seed):
    return fit_log_trend("seasonal_trend", series, ("a", "b", "d_q2", "d_q3", "d_q4"), seasonal=True)
