"""Seasonal naive benchmark: every quarter is forecast by the same quarter a
year earlier ("same quarter last year", M4's seasonal naive)."""

from __future__ import annotations

from analysis.models._core import gaussian_llf_at
from analysis.models._random_walk import RandomWalk, rms
from analysis.models._registry import model


@model("seasonal_naive", zh="季节朴素法（沿用上年同季）", en="seasonal naive (same quarter last year)",
       kind="benchmark", freqs=("Q",), scale="log", params=("sigma",), min_points=5,
       spec="log(y_{T+h}) = log(y_{T+h-4(k+1)}), k = floor((h-1)/4); forecast sd sigma*sqrt(k+1), "
            "sigma = RMS of the year-on-year log changes")
def fit(series, seed):
    logs = series.logs()
    d = logs[4:] - logs[:-4]
    sigma = rms(d)
    return RandomWalk(model="seasonal_naive", series=series, params={"sigma": sigma},
                      llf=gaussian_llf_at(d, sigma), m=4, sigma=sigma)
