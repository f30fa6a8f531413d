"""Trend and forecast models for the GMV and fee series (statsmodels).

Models are deliberately simple: a handful of annual points cannot support
more. Each fit returns what a reader needs to judge it: the estimate, its
uncertainty, the sample it rests on, and prediction intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

INTERVALS = (0.80, 0.95)


def year_of(period: str) -> int:
    """``2022`` → 2022 (annual periods only)."""
    if not period.isdigit() or len(period) != 4:
        raise ValueError(f"expected an annual period like 2022, got '{period}'")
    return int(period)


@dataclass(frozen=True)
class LoglinearTrend:
    """Constant growth: log(y_t) = a + b·t + e_t, e_t ~ N(0, s²), fitted by OLS."""

    years: tuple[int, ...]
    values: tuple[float, ...]
    intercept: float
    slope: float
    slope_se: float
    sigma: float
    df_resid: int
    r_squared: float
    aicc: float

    @property
    def growth(self) -> float:
        """Annual growth rate implied by the slope (0.31 = 31% a year)."""
        return math.expm1(self.slope)

    def growth_interval(self, level: float = 0.95) -> tuple[float, float]:
        from scipy import stats

        q = stats.t.ppf(0.5 + level / 2, self.df_resid)
        return (math.expm1(self.slope - q * self.slope_se), math.expm1(self.slope + q * self.slope_se))


def fit_loglinear(years: "np.ndarray | list[int]", values: "np.ndarray | list[float]") -> LoglinearTrend:
    """OLS of log(value) on the year (centred on the first year for stable numbers)."""
    import numpy as np
    import statsmodels.api as sm

    t = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if len(t) < 3:
        raise ValueError(f"a log-linear trend needs at least 3 points, got {len(t)}")
    if np.any(y <= 0):
        raise ValueError("a log-linear trend needs positive values")
    X = sm.add_constant(t - t[0])
    res = sm.OLS(np.log(y), X).fit()
    n, k = len(t), 3  # intercept, slope, variance
    aicc = res.aic + (2 * k * (k + 1)) / (n - k - 1) if n - k - 1 > 0 else math.inf
    return LoglinearTrend(
        years=tuple(int(v) for v in t), values=tuple(float(v) for v in y),
        intercept=float(res.params[0]) - float(res.params[1]) * t[0], slope=float(res.params[1]),
        slope_se=float(res.bse[1]), sigma=float(np.sqrt(res.scale)), df_resid=int(res.df_resid),
        r_squared=float(res.rsquared), aicc=float(aicc),
    )


def forecast_loglinear(fit: LoglinearTrend, years: "list[int]") -> "pd.DataFrame":
    """Point forecasts (median, exp of the log mean) with 80% and 95% prediction intervals."""
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    t0 = fit.years[0]
    X = sm.add_constant(np.asarray(fit.years, dtype=float) - t0)
    res = sm.OLS(np.log(np.asarray(fit.values)), X).fit()
    Xn = sm.add_constant(np.asarray(years, dtype=float) - t0, has_constant="add")
    pred = res.get_prediction(Xn)
    out = pd.DataFrame({"period": [str(y) for y in years],
                        "yhat": np.exp(pred.predicted_mean)})
    for level in INTERVALS:
        lo, hi = pred.conf_int(obs=True, alpha=1 - level).T
        tag = int(round(level * 100))
        out[f"lo{tag}"] = np.exp(lo)
        out[f"hi{tag}"] = np.exp(hi)
    return out


def model_card(fit: LoglinearTrend, *, series_id: str, vintage: str) -> dict[str, Any]:
    """What was fitted, on what, with which result and software: for the appendix."""
    import numpy
    import pandas
    import scipy
    import statsmodels

    lo, hi = fit.growth_interval(0.95)
    return {
        "series_id": series_id,
        "model": "loglinear_trend",
        "specification": "log(y_t) = a + b*t + e_t, e_t ~ N(0, sigma^2); OLS; "
                         "forecast = exp(a + b*t) with t-based prediction intervals on the log scale",
        "sample": {"first": str(fit.years[0]), "last": str(fit.years[-1]), "n": len(fit.years)},
        "data_vintage": vintage,
        "parameters": {"a": round(fit.intercept, 10), "b": round(fit.slope, 10),
                       "b_se": round(fit.slope_se, 10), "sigma": round(fit.sigma, 10)},
        "growth": {"estimate": round(fit.growth, 10), "lo95": round(lo, 10), "hi95": round(hi, 10)},
        "diagnostics": {"r_squared": round(fit.r_squared, 10), "df_resid": fit.df_resid,
                        "aicc": round(fit.aicc, 10)},
        "packages": {"statsmodels": statsmodels.__version__, "numpy": numpy.__version__,
                     "pandas": pandas.__version__, "scipy": scipy.__version__},
    }
