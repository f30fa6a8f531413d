"""Annual figures as sums of a quarterly model: the quarters already reported
plus the quarterly model's forecasts of the remaining ones, so annual and
quarterly forecasts agree. Intervals come from simulated quarterly paths
(calibrated as the quarterly forecasts are), summed by year."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from analysis.models._core import LEVELS, forecast_frame, order_intervals, periods_after
from analysis.models._registry import model

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from analysis.models._core import Fitted


@model("sum_of_quarters", zh="季度预测加总", en="sum of quarterly forecasts", kind="aggregate", freqs=("A",),
       scale="log", params=(), min_points=1,
       spec="annual_Y = reported quarters of Y + median forecasts of Y's remaining quarters by the model "
            "selected for the quarterly series; intervals: quantiles of the annual sums of simulated "
            "quarterly paths")
def annual_forecast(quarterly: "Fitted", years: Sequence[str], *, draws: int, rng: "np.random.Generator",
                    adjust: Callable[["np.ndarray", "np.ndarray", dict, "np.ndarray"], tuple] | None = None
                    ) -> "pd.DataFrame":
    """Annual forecasts for ``years`` from a fitted quarterly model.

    ``adjust(mean, bands, hs)`` → (bands, path_map) rescales the quarterly
    intervals (calibration); ``path_map(paths)`` does the same to simulated
    paths. Returns period, yhat, lo80, hi80, lo95, hi95, reported (the sum of
    the year's reported quarters), n_reported.
    """
    import numpy as np

    s = quarterly.series
    last = s.periods[-1]
    future = periods_after(last, f"{max(years)}Q4")
    mean, bands = quarterly.log_forecast(future)
    hs = quarterly.horizons(future)
    paths = quarterly.simulate_log(future, draws, rng)
    if adjust is not None:
        bands, path_map = adjust(mean, bands, hs)
        paths = path_map(paths)
    level_paths = np.exp(paths)
    yhat, sims, reported, n_rep = [], [], [], []
    for year in years:
        done = [v for p, v in zip(s.periods, s.values) if p.startswith(f"{year}Q")]
        cols = [j for j, p in enumerate(future) if p.startswith(f"{year}Q")]
        if len(done) + len(cols) != 4:
            raise ValueError(f"{year}: {len(done)} reported and {len(cols)} forecast quarters, not four")
        reported.append(float(sum(done)))
        n_rep.append(len(done))
        yhat.append(reported[-1] + float(np.exp(mean[cols]).sum()))
        sims.append(reported[-1] + level_paths[:, cols].sum(axis=1))
    q = {lv: (np.array([np.quantile(x, (1 - lv) / 2) for x in sims]),
              np.array([np.quantile(x, (1 + lv) / 2) for x in sims])) for lv in LEVELS}
    out, _ = order_intervals(forecast_frame([str(y) for y in years], yhat, q))
    out["reported"] = reported
    out["n_reported"] = n_rep
    return out
