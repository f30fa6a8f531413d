"""Shared by the benchmarks: random walks on the log scale and their paths.

Forecast variances follow Hyndman & Athanasopoulos, *Forecasting: Principles
and Practice* (3rd ed.), §5.5; statsmodels has no naive forecasters, and the
closed forms are a few lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.models._core import Fitted, normal_bands

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


def rms(x: "np.ndarray", dof: int = 0) -> float:
    """Root mean square with ``dof`` degrees of freedom used (residual sd about a known mean)."""
    import numpy as np

    n = len(x) - dof
    return float(np.sqrt(np.sum(np.asarray(x) ** 2) / n)) if n > 0 else math.nan


@dataclass
class RandomWalk(Fitted):
    """log y_{T+h} = log y_{T+h-m·(k+1)} + (k+1)·m·drift + shocks, k = floor((h-1)/m).

    ``m`` = 1 is the naive method (with drift: the drift method), ``m`` = 4 the
    seasonal naive. ``var_h`` gives each horizon's forecast variance / sigma².
    """

    m: int = 1
    drift: float = 0.0
    sigma: float = 0.0
    n_drift: int = 0  # points the drift was estimated from (0: no drift)

    def _k(self, hs):
        return (hs - 1) // self.m

    def _log_forecast(self, hs):
        import numpy as np

        logs = self.series.logs()
        k = self._k(hs)
        base = logs[len(logs) - self.m + (hs - 1) % self.m]
        mean = base + (k + 1) * self.m * self.drift
        var = (k + 1).astype(float)
        if self.n_drift:  # the drift's own uncertainty (FPP §5.5: sigma·sqrt(h(1+h/T)))
            var = hs * (1 + hs / self.n_drift)
        return mean, normal_bands(mean, self.sigma * np.sqrt(var))

    def simulate_log(self, periods, draws, rng):
        """Shocks accumulate: each season's path is its own random walk (plus one drift draw per path)."""
        import numpy as np

        hs = self.horizons([str(p) for p in periods])
        full = np.arange(1, int(hs.max()) + 1)
        mean, _ = self._log_forecast(full)
        shocks = self.sigma * rng.standard_normal((draws, len(full)))
        for j in range(self.m, len(full)):  # h accumulates the shocks of h - m, h - 2m, …
            shocks[:, j] += shocks[:, j - self.m]
        if self.n_drift:
            g = rng.standard_normal(draws) * self.sigma / math.sqrt(self.n_drift)
            shocks += g[:, None] * full[None, :]
        return (mean[None, :] + shocks)[:, hs - 1]
