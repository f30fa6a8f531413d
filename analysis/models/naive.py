"""Naive benchmark: every forecast is the last observed value (M4's Naive 1)."""

from __future__ import annotations

from analysis.models._core import gaussian_llf_at
from analysis.models._random_walk import RandomWalk, rms
from analysis.models._registry import model


@model("naive", zh="朴素法（沿用最新值）", en="naive (last value)", kind="benchmark", freqs=("A", "Q"),
       scale="log", params=("sigma",), min_points=2,
       spec="log(y_{T+h}) = log(y_T); forecast sd sigma*sqrt(h), sigma = RMS of the one-step log changes")
def fit(series, seed):
    import numpy as np

    d = np.diff(series.logs())
    sigma = rms(d)
    return RandomWalk(model="naive", series=series, params={"sigma": sigma}, llf=gaussian_llf_at(d, sigma),
                      m=1, sigma=sigma)
