"""Gompertz saturating curve on the log scale: log(y) = a - b·exp(-c·s), s in
years. Three curve parameters: on few points the saturation level exp(a) is
poorly determined (its standard error is in the card)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from analysis.joblog import GLOBAL_STATE_LOCK
from analysis.models._core import Fitted, gaussian_llf, recorded_warnings
from analysis.models._registry import model

C_BOUNDS_PER_YEAR = (0.02, 5.0)
BOOTSTRAP_DRAWS = 1000


def curve(s, a, b, c):
    import numpy as np

    return a - b * np.exp(-c * s)


def profile_grid(s, Y, grid):
    """For each c in ``grid`` solve (a, b) by least squares for every column of Y.

    Returns the index of the best c per column and the (a, b) at every grid point.
    """
    import numpy as np

    ssr = np.empty((len(grid), Y.shape[1]))
    coef = np.empty((len(grid), 2, Y.shape[1]))
    for i, c in enumerate(grid):
        X = np.column_stack([np.ones_like(s), -np.exp(-c * s)])
        beta = np.linalg.pinv(X) @ Y
        coef[i] = beta
        ssr[i] = np.sum((Y - X @ beta) ** 2, axis=0)
    return np.argmin(ssr, axis=0), coef


@dataclass
class Gompertz(Fitted):
    seed: int = 0

    def _s(self, hs):
        import numpy as np

        return (len(self.series) - 1.0 + np.asarray(hs, dtype=float)) / self.series.season_length

    def _bootstrap(self, s_new, rng, draws):
        """Residual bootstrap: refit by profiling c, plus a resampled residual per forecast."""
        import numpy as np

        p = self.params
        s = self.series.t() / self.series.season_length
        fitted = curve(s, p["a"], p["b"], p["c"])
        resid = self.series.logs() - fitted
        n = len(resid)
        e = (resid - resid.mean()) * math.sqrt(n / (n - 3))
        Y = fitted[:, None] + e[rng.integers(0, n, size=(n, draws))]
        grid = np.geomspace(*C_BOUNDS_PER_YEAR, 400)
        best, coef = profile_grid(s, Y, grid)
        cols = np.arange(draws)
        a_b, b_b, c_b = coef[best, 0, cols], coef[best, 1, cols], grid[best]
        paths = a_b[:, None] - b_b[:, None] * np.exp(-c_b[:, None] * s_new[None, :])
        return paths + e[rng.integers(0, n, size=(draws, len(s_new)))]

    def _log_forecast(self, hs):
        import numpy as np

        from analysis.models._core import LEVELS

        p = self.params
        s_new = self._s(hs)
        sims = self._bootstrap(s_new, np.random.default_rng(self.seed), BOOTSTRAP_DRAWS)
        bands = {lv: (np.quantile(sims, (1 - lv) / 2, axis=0), np.quantile(sims, (1 + lv) / 2, axis=0))
                 for lv in LEVELS}
        return curve(s_new, p["a"], p["b"], p["c"]), bands

    def simulate_log(self, periods, draws, rng):
        return self._bootstrap(self._s(self.horizons([str(p) for p in periods])), rng, draws)


@model("gompertz", zh="Gompertz饱和曲线", en="Gompertz saturating curve", kind="model", freqs=("A",),
       scale="log", params=("a", "b", "c", "sigma"), min_points=5,
       spec="log(y_t) = a - b*exp(-c*s_t), s_t in years since the first period; saturation level exp(a); least "
            f"squares on the log scale (c profiled on a grid over {list(C_BOUNDS_PER_YEAR)} per year, refined by "
            "scipy.optimize.curve_fit); intervals from a seeded residual bootstrap")
def fit(series, seed):
    import numpy as np
    from scipy.optimize import curve_fit

    n = len(series)
    s = series.t() / series.season_length
    y = series.logs()
    grid = np.geomspace(*C_BOUNDS_PER_YEAR, 400)
    best, coef = profile_grid(s, y[:, None], grid)
    p0 = [float(coef[best[0], 0, 0]), float(coef[best[0], 1, 0]), float(grid[best[0]])]
    lo, hi = C_BOUNDS_PER_YEAR
    with GLOBAL_STATE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            popt, pcov = curve_fit(curve, s, y, p0=p0, bounds=([-np.inf, -np.inf, lo], [np.inf, np.inf, hi]),
                                   max_nfev=2000)
        except RuntimeError:
            popt, pcov = np.asarray(p0), np.full((3, 3), np.nan)
    ssr0 = float(np.sum((y - curve(s, *p0)) ** 2))
    ssr = float(np.sum((y - curve(s, *popt)) ** 2))
    if ssr0 < ssr:  # keep whichever is better (the grid optimum is always available)
        popt, ssr, pcov = np.asarray(p0), ssr0, np.full((3, 3), np.nan)
    a, b, c = (float(v) for v in popt)
    se = np.sqrt(np.clip(np.diag(pcov), 0, None)) if np.all(np.isfinite(pcov)) else [math.nan] * 3
    at_bound = "lower (no curvature: the curve is close to the log-linear trend)" if c <= lo * 1.001 else \
        "upper (already saturated)" if c >= hi * 0.999 else ""
    return Gompertz(
        model="gompertz", series=series, seed=seed,
        params={"a": a, "b": b, "c": c, "a_se": float(se[0]), "b_se": float(se[1]), "c_se": float(se[2]),
                "sigma": math.sqrt(ssr / n)},
        llf=gaussian_llf(ssr, n),
        diagnostics={"c_at_bound": at_bound, "df_resid": n - 3, "warnings": recorded_warnings(caught),
                     "bootstrap": {"draws": BOOTSTRAP_DRAWS, "seed": seed},
                     "residuals_log": [float(v) for v in (y - curve(s, a, b, c))]})
