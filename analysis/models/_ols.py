"""Shared by the trend regressions: OLS on log(y) with a design of time (and
quarter dummies), forecast with statsmodels' prediction intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.models._core import Fitted, InsufficientData, gaussian_llf

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from analysis.models._core import Series


def design(series: "Series", t: "np.ndarray", seasonal: bool) -> "np.ndarray":
    """Columns 1, t and (quarterly, ``seasonal``) dummies for Q2, Q3 and Q4."""
    import numpy as np

    cols = [np.ones_like(t), t]
    if seasonal:
        q = (int(series.quarter()[0]) + t.astype(int)) % 4
        cols += [(q == j).astype(float) for j in (1, 2, 3)]
    return np.column_stack(cols)


@dataclass
class LogTrend(Fitted):
    """log(y_t) = a + b·t (+ quarter effects) + e_t, fitted by OLS."""

    seasonal: bool = False
    slope: float = 0.0
    slope_se: float = 0.0
    df_resid: int = 0

    @property
    def growth(self) -> float:
        """Annual growth rate implied by the slope (0.31 = 31% a year)."""
        return math.expm1(self.slope * self.series.season_length)

    def growth_interval(self, level: float = 0.95) -> tuple[float, float]:
        from scipy import stats

        q = stats.t.ppf(0.5 + level / 2, self.df_resid)
        s = self.series.season_length
        return (math.expm1(s * (self.slope - q * self.slope_se)),
                math.expm1(s * (self.slope + q * self.slope_se)))

    def _log_forecast(self, hs):
        import statsmodels.api as sm

        from analysis.models._core import LEVELS

        X = design(self.series, self.series.t(), self.seasonal)
        Xn = design(self.series, len(self.series) - 1.0 + hs, self.seasonal)
        pred = sm.OLS(self.series.logs(), X).fit().get_prediction(Xn)
        bands = {lv: tuple(pred.conf_int(obs=True, alpha=1 - lv).T) for lv in LEVELS}
        return pred.predicted_mean, bands


def fit_log_trend(name: str, series: "Series", names: tuple[str, ...], seasonal: bool) -> LogTrend:
    """OLS of log(y) on the design; parameters and their standard errors for the card."""
    import numpy as np
    import statsmodels.api as sm

    X = design(series, series.t(), seasonal)
    res = sm.OLS(series.logs(), X).fit()
    if res.df_resid < 1:
        raise InsufficientData(f"{name}: no residual degrees of freedom")
    params = {k: float(v) for k, v in zip(names, res.params)}
    params |= {f"{k}_se": float(v) for k, v in zip(names, res.bse)}
    params["sigma"] = float(np.sqrt(res.scale))
    out = LogTrend(model=name, series=series, params=params,
                   llf=gaussian_llf(float(np.sum(res.resid ** 2)), len(series)), seasonal=seasonal,
                   slope=float(res.params[1]), slope_se=float(res.bse[1]), df_resid=int(res.df_resid))
    lo, hi = out.growth_interval(0.95)
    out.diagnostics = {"r_squared": float(res.rsquared), "df_resid": int(res.df_resid),
                       "annual_growth": {"estimate": out.growth, "lo95": lo, "hi95": hi},
                       "residuals_log": [float(v) for v in res.resid]}
    return out
