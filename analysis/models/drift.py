"""Drift benchmark: the line from the first to the last observation, extended
(on the log scale: the average growth rate of the whole sample, held)."""

from __future__ import annotations

from analysis.models._core import gaussian_llf_at
from analysis.models._random_walk import RandomWalk, rms
from analysis.models._registry import model


@model("drift", zh="漂移法（保持样本平均增速）", en="drift (average growth held)", kind="benchmark",
       freqs=("A", "Q"), scale="log", params=("drift", "sigma"), min_points=3,
       spec="log(y_{T+h}) = log(y_T) + h*g, g = (log y_T - log y_1)/(T-1); "
            "forecast sd sigma*sqrt(h*(1+h/(T-1))), sigma = residual sd of the log changes about g")
def fit(series, seed):
    import numpy as np

    d = np.diff(series.logs())
    g = float(d.mean())
    sigma = rms(d - g, dof=1)
    return RandomWalk(model="drift", series=series, params={"drift": g, "sigma": sigma},
                      llf=gaussian_llf_at(d - g, sigma), m=1, drift=g, sigma=sigma, n_drift=len(d))
