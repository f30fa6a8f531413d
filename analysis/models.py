"""Trend and forecast models for the GMV series (statsmodels, scipy).

Models are deliberately simple: five or six annual points, or nineteen
quarterly ones, cannot support more. Every model is fitted on the log scale
(so AICc values are comparable across models fitted to the same points) and
returns a fitted object with one interface:

* ``.forecast(periods)`` → DataFrame(period, yhat, lo80, hi80, lo95, hi95),
  yhat being the median forecast (exp of the log-scale point forecast);
* ``.aicc`` (None when the sample is too small for it), ``.params``, ``.spec``.

:func:`backtest` evaluates all models the same way (rolling origin, expanding
window, no look-ahead) and :func:`select_model` applies one stated rule.
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.joblog import GLOBAL_STATE_LOCK

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

INTERVALS = (0.80, 0.95)
FORECAST_COLUMNS = ["period", "yhat", "lo80", "hi80", "lo95", "hi95"]
BASE_SEED = 20240101
BOOTSTRAP_DRAWS = 2000
HORIZONS = (1, 2)
MAPE_TIE_PP = 1.0  # percentage points
RELIABLE_MAPE = 20.0  # a selected model above this backtest mean MAPE (%) is flagged "illustrative"
SELECTION_RULE = (
    "Eligible models: those that produced a forecast for every backtest target "
    "(rolling origin, expanding window, horizons 1 and 2). Among them, the model with the "
    "lowest mean MAPE over horizons 1-2 (mean of the per-horizon MAPEs) is selected; if other "
    f"eligible models lie within {MAPE_TIE_PP:g} percentage point of that lowest mean MAPE, the "
    "one with the lowest full-sample AICc among them wins (models without a finite AICc cannot "
    "win a tie-break). All AICc values are for Gaussian errors on log(GMV) with k counting "
    "every estimated parameter including the error variance."
)


class InsufficientData(ValueError):
    """A model cannot be fitted on this few points (reported, not raised, by the backtest)."""


# --------------------------------------------------------------------------- periods

_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


def year_of(period: str) -> int:
    """``2022`` → 2022 (annual periods only)."""
    if not period.isdigit() or len(period) != 4:
        raise ValueError(f"expected an annual period like 2022, got '{period}'")
    return int(period)


def period_ordinal(period: str) -> tuple[str, int]:
    """``2022`` → ("A", 2022); ``2022Q3`` → ("Q", 2022*4 + 2)."""
    m = _PERIOD.match(str(period))
    if not m:
        raise ValueError(f"expected a period like 2022 or 2022Q3, got '{period}'")
    year, q = int(m.group(1)), m.group(2)
    return ("A", year) if q is None else ("Q", year * 4 + int(q) - 1)


def ordinal_label(freq: str, k: int) -> str:
    return str(k) if freq == "A" else f"{k // 4}Q{k % 4 + 1}"


def periods_after(last: str, end: str) -> list[str]:
    """Periods after ``last`` up to and including ``end`` (same frequency)."""
    f1, k1 = period_ordinal(last)
    f2, k2 = period_ordinal(end)
    if f1 != f2:
        raise ValueError(f"'{last}' and '{end}' have different frequencies")
    return [ordinal_label(f1, k) for k in range(k1 + 1, k2 + 1)]


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class Series:
    """One contiguous series in base units (CNY), oldest first."""

    series_id: str
    periods: tuple[str, ...]
    values: tuple[float, ...]
    imputed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.periods) != len(self.values):
            raise ValueError("periods and values differ in length")
        if not self.periods:
            raise ValueError(f"{self.series_id}: empty series")
        kinds = {period_ordinal(p)[0] for p in self.periods}
        if len(kinds) != 1:
            raise ValueError(f"{self.series_id}: mixed annual and quarterly periods")
        ords = [period_ordinal(p)[1] for p in self.periods]
        gaps = [ordinal_label(self.freq, k) for k in range(ords[0], ords[-1] + 1) if k not in ords]
        if gaps or any(b <= a for a, b in itertools.pairwise(ords)):
            raise ValueError(f"{self.series_id}: periods must be contiguous and increasing "
                             f"(missing: {', '.join(gaps) or 'none'})")
        if any(not (v > 0) for v in self.values):
            raise ValueError(f"{self.series_id}: models on the log scale need positive values")

    @classmethod
    def from_frame(cls, df: "pd.DataFrame", series_id: str, imputed: Sequence[str] = ()) -> "Series":
        """From rows with ``period`` and ``value_std`` (e.g. :func:`analysis.series.model_series`)."""
        rows = df.sort_values("period")
        return cls(series_id, tuple(str(p) for p in rows["period"]),
                   tuple(float(v) for v in rows["value_std"]), tuple(imputed))

    @property
    def freq(self) -> str:
        return period_ordinal(self.periods[0])[0]

    @property
    def steps_per_year(self) -> int:
        return 1 if self.freq == "A" else 4

    def __len__(self) -> int:
        return len(self.values)

    def head(self, n: int) -> "Series":
        """The first ``n`` points only (what a forecaster standing at period n-1 knew)."""
        return Series(self.series_id, self.periods[:n], self.values[:n],
                      tuple(p for p in self.imputed if p in self.periods[:n]))

    def t(self) -> "np.ndarray":
        """Time index in steps since the first period (0, 1, 2, …)."""
        import numpy as np

        return np.arange(len(self), dtype=float)

    def logs(self) -> "np.ndarray":
        import numpy as np

        return np.log(np.asarray(self.values, dtype=float))

    def quarter(self) -> "np.ndarray":
        import numpy as np

        return np.array([period_ordinal(p)[1] % 4 for p in self.periods])


def fill_missing_quarters(quarterly: "pd.DataFrame", annual: "pd.DataFrame") -> tuple["pd.DataFrame", list[dict[str, Any]]]:
    """Fill a missing quarter from the annual total minus the year's other three quarters.

    Only a year with exactly one missing quarter and an annual total is filled;
    each fill is returned as a record (period, value, formula) for the card.
    Returns the completed ``period``/``value_std`` frame, oldest first.
    """
    import pandas as pd

    q = quarterly[["period", "value_std"]].copy()
    have = dict(zip(q["period"], q["value_std"]))
    totals = dict(zip(annual["period"].astype(str), annual["value_std"]))
    ords = sorted(period_ordinal(p)[1] for p in have)
    filled = []
    for k in range(ords[0], ords[-1] + 1):
        label = ordinal_label("Q", k)
        if label in have:
            continue
        year = k // 4
        others = [f"{year}Q{i}" for i in range(1, 5) if f"{year}Q{i}" != label]
        if str(year) not in totals or not all(o in have for o in others):
            continue  # cannot be filled by identity: left as a gap (Series will refuse it)
        value = float(totals[str(year)]) - sum(float(have[o]) for o in others)
        filled.append({"period": label, "value_std": value,
                       "formula": f"annual {year} total - ({' + '.join(others)})",
                       "inputs": {str(year): float(totals[str(year)]),
                                  **{o: float(have[o]) for o in others}}})
    if filled:
        q = pd.concat([q, pd.DataFrame([{k: f[k] for k in ("period", "value_std")} for f in filled])],
                      ignore_index=True)
    return q.sort_values("period").reset_index(drop=True), filled


def quarter_sum_check(quarterly: Series, annual: Series) -> dict[str, dict[str, float]]:
    """Sum of the four quarters vs the annual total, for every complete year (card diagnostic)."""
    q = dict(zip(quarterly.periods, quarterly.values))
    out = {}
    for year, total in zip(annual.periods, annual.values):
        quarters = [q.get(f"{year}Q{i}") for i in range(1, 5)]
        if all(v is not None for v in quarters):
            out[year] = {"annual": total, "sum_of_quarters": float(sum(quarters)),
                         "relative_difference": round(float(sum(quarters)) / total - 1, 10)}
    return out


# --------------------------------------------------------------------------- helpers

def seed_for(*keys: str, base: int = BASE_SEED) -> int:
    """A stable seed per (series, model): CRC32 of the names, mixed with the base seed."""
    return (zlib.crc32("|".join(keys).encode("utf-8")) ^ base) & 0x7FFFFFFF


def aicc_from_llf(llf: float, n: int, k: int) -> float | None:
    """AICc = -2 llf + 2k + 2k(k+1)/(n-k-1); None when n - k - 1 <= 0."""
    if n - k - 1 <= 0 or not math.isfinite(llf):
        return None
    return float(-2 * llf + 2 * k + 2 * k * (k + 1) / (n - k - 1))


def gaussian_llf(ssr: float, n: int) -> float:
    """Concentrated Gaussian log-likelihood (sigma² = SSR/n)."""
    if ssr <= 0:
        return math.inf
    return -n / 2 * (math.log(2 * math.pi * ssr / n) + 1)


def _order_intervals(df: "pd.DataFrame") -> tuple["pd.DataFrame", int]:
    """Widen bands that fail to contain the point forecast (skewed bootstrap); count them."""
    import numpy as np

    out = df.copy()
    before = out[["lo95", "lo80", "hi80", "hi95"]].to_numpy().copy()
    out["lo80"] = np.minimum(out["lo80"], out["yhat"])
    out["hi80"] = np.maximum(out["hi80"], out["yhat"])
    out["lo95"] = np.minimum(out["lo95"], out["lo80"])
    out["hi95"] = np.maximum(out["hi95"], out["hi80"])
    changed = int((out[["lo95", "lo80", "hi80", "hi95"]].to_numpy() != before).any(axis=1).sum())
    return out, changed


def _frame(periods: Sequence[str], yhat, bands: Mapping[float, tuple[Any, Any]] | None) -> "pd.DataFrame":
    import numpy as np
    import pandas as pd

    out = pd.DataFrame({"period": list(periods), "yhat": np.asarray(yhat, dtype=float)})
    for level in INTERVALS:
        tag = round(level * 100)
        lo, hi = bands[level] if bands else (np.nan, np.nan)
        out[f"lo{tag}"] = np.asarray(lo, dtype=float) if bands else np.nan
        out[f"hi{tag}"] = np.asarray(hi, dtype=float) if bands else np.nan
    return out[FORECAST_COLUMNS]


# --------------------------------------------------------------------------- fitted models

@dataclass
class Fitted:
    """Common interface of every fitted model (subclasses fill in ``_log_forecast``)."""

    model: str
    spec: str
    series: Series
    params: dict[str, float]
    k: int  # estimated parameters incl. the error variance
    llf: float
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.series)

    @property
    def aicc(self) -> float | None:
        return aicc_from_llf(self.llf, self.n, self.k)

    def horizons(self, periods: Sequence[str]) -> "np.ndarray":
        """Steps ahead of the last training period; refuses in-sample periods."""
        import numpy as np

        freq, last = period_ordinal(self.series.periods[-1])
        hs = []
        for p in periods:
            f, k = period_ordinal(p)
            if f != freq or k <= last:
                raise ValueError(f"{p} is not a future period of {self.series.series_id} "
                                 f"(last observed {self.series.periods[-1]})")
            hs.append(k - last)
        return np.asarray(hs, dtype=int)

    def forecast(self, periods: Sequence[str], intervals: bool = True) -> "pd.DataFrame":
        """Median forecasts with 80% and 95% prediction intervals (NaN if ``intervals=False``)."""
        import numpy as np

        periods = [str(p) for p in periods]
        hs = self.horizons(periods)
        mean, bands = self._log_forecast(hs, intervals)
        ebands = ({lv: (np.exp(lo), np.exp(hi)) for lv, (lo, hi) in bands.items()}
                  if intervals else None)
        out = _frame(periods, np.exp(mean), ebands)
        if intervals:
            out, widened = _order_intervals(out)
            if widened:
                self.diagnostics["intervals_widened_to_contain_yhat"] = widened
        return out

    def _log_forecast(self, hs: "np.ndarray", intervals: bool):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def annual_growth(self) -> dict[str, float] | None:
        return None


@dataclass
class LoglinearTrend(Fitted):
    """Constant growth: log(y_t) = a + b·t + e_t, OLS."""

    slope: float = 0.0
    slope_se: float = 0.0
    df_resid: int = 0

    @property
    def growth(self) -> float:
        """Annual growth rate implied by the slope (0.31 = 31% a year)."""
        return math.expm1(self.slope * self.series.steps_per_year)

    def growth_interval(self, level: float = 0.95) -> tuple[float, float]:
        from scipy import stats

        q = stats.t.ppf(0.5 + level / 2, self.df_resid)
        s = self.series.steps_per_year
        return (math.expm1(s * (self.slope - q * self.slope_se)),
                math.expm1(s * (self.slope + q * self.slope_se)))

    @property
    def annual_growth(self) -> dict[str, float]:
        lo, hi = self.growth_interval(0.95)
        return {"estimate": self.growth, "lo95": lo, "hi95": hi}

    def _design(self, t: "np.ndarray") -> "np.ndarray":
        import numpy as np

        return np.column_stack([np.ones_like(t), t])

    def _log_forecast(self, hs, intervals):
        return _ols_log_forecast(self, self._design(self.series.t()), self._design(len(self.series) - 1.0 + hs),
                                 intervals)


@dataclass
class SeasonalTrend(LoglinearTrend):
    """Quarterly: log(y_t) = a + b·t + s_Q2 + s_Q3 + s_Q4 + e_t, OLS."""

    def _design(self, t: "np.ndarray") -> "np.ndarray":
        import numpy as np

        q0 = int(self.series.quarter()[0])
        q = (q0 + t.astype(int)) % 4
        return np.column_stack([np.ones_like(t), t] + [(q == j).astype(float) for j in (1, 2, 3)])


def _ols_log_forecast(fit: LoglinearTrend, X, Xn, intervals):
    import statsmodels.api as sm

    res = sm.OLS(fit.series.logs(), X).fit()
    pred = res.get_prediction(Xn)
    bands = {}
    if intervals:
        for level in INTERVALS:
            lo, hi = pred.conf_int(obs=True, alpha=1 - level).T
            bands[level] = (lo, hi)
    return pred.predicted_mean, bands


def _fit_ols(cls, model: str, spec: str, series: Series, min_n: int, names: Sequence[str]) -> LoglinearTrend:
    import numpy as np
    import statsmodels.api as sm

    if len(series) < min_n:
        raise InsufficientData(f"{model} needs at least {min_n} points, got {len(series)}")
    proto = cls(model=model, spec=spec, series=series, params={}, k=len(names) + 1, llf=0.0)
    X = proto._design(series.t())
    res = sm.OLS(series.logs(), X).fit()
    if res.df_resid < 1:
        raise InsufficientData(f"{model}: no residual degrees of freedom")
    params = {name: float(v) for name, v in zip(names, res.params)}
    params |= {f"{name}_se": float(v) for name, v in zip(names, res.bse)}
    params["sigma"] = float(np.sqrt(res.scale))
    ssr = float(np.sum(res.resid ** 2))
    proto.params, proto.llf = params, gaussian_llf(ssr, len(series))
    proto.slope, proto.slope_se, proto.df_resid = float(res.params[1]), float(res.bse[1]), int(res.df_resid)
    proto.diagnostics = {"r_squared": float(res.rsquared), "df_resid": int(res.df_resid),
                         "residuals_log": [float(v) for v in res.resid]}
    return proto


def fit_loglinear(series: Series, seed: int | None = None) -> LoglinearTrend:
    """OLS of log(value) on time (t = 0 at the first period)."""
    step = "year" if series.freq == "A" else "quarter"
    return _fit_ols(LoglinearTrend, "loglinear_trend",
                    f"log(y_t) = a + b*t + e_t, e_t ~ N(0, sigma^2), t in {step}s since the first period; "
                    "OLS; forecast median = exp(a + b*t) with t-based prediction intervals on the log scale",
                    series, 3, ("a", "b"))


def fit_seasonal(series: Series, seed: int | None = None) -> SeasonalTrend:
    """Quarterly trend + quarter dummies on the log scale (OLS)."""
    if series.freq != "Q":
        raise InsufficientData("the seasonal model needs a quarterly series")
    return _fit_ols(SeasonalTrend, "seasonal_trend",
                    "log(y_t) = a + b*t + d2*Q2_t + d3*Q3_t + d4*Q4_t + e_t, e_t ~ N(0, sigma^2), t in quarters; "
                    "OLS; forecast median = exp(fitted log) with t-based prediction intervals on the log scale",
                    series, 8, ("a", "b", "d_q2", "d_q3", "d_q4"))


@dataclass
class HoltDamped(Fitted):
    """ETS(A,Ad,N) on log(y): Holt's linear trend with damping, statsmodels ETSModel."""

    result: Any = None

    def _log_forecast(self, hs, intervals):
        import numpy as np

        n, hmax = len(self.series), int(hs.max())
        pred = self.result.get_prediction(start=n, end=n + hmax - 1)
        mean = np.asarray(pred.predicted_mean)[hs - 1]
        bands = {}
        if intervals:
            for level in INTERVALS:
                sf = pred.summary_frame(alpha=1 - level)
                bands[level] = (sf["pi_lower"].to_numpy()[hs - 1], sf["pi_upper"].to_numpy()[hs - 1])
            self.diagnostics["interval_method"] = pred.method
        return mean, bands

    @property
    def annual_growth(self) -> dict[str, float]:
        """Growth implied by the last smoothed trend (before damping), annualised."""
        b = float(self.result.states.iloc[-1]["trend"]) if hasattr(self.result.states, "iloc") \
            else float(self.result.states[-1, 1])
        return {"last_trend": math.expm1(b * self.series.steps_per_year)}


def fit_holt_damped(series: Series, seed: int | None = None) -> HoltDamped:
    """Damped additive trend, additive errors, on log(y); initial level and trend estimated by ML."""
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    if len(series) < 3:
        raise InsufficientData(f"holt_damped needs at least 3 points, got {len(series)}")
    y = pd.Series(series.logs(), index=pd.RangeIndex(len(series)))
    with GLOBAL_STATE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ETSModel(y, error="add", trend="add", damped_trend=True,
                       initialization_method="estimated").fit(disp=False, maxiter=2000)
    if not np.all(np.isfinite(res.params)):
        raise RuntimeError("holt_damped: non-finite parameters")
    names = ["alpha", "beta", "phi", "l0", "b0"]
    params = {k: float(v) for k, v in zip(names, np.asarray(res.params))}
    ssr = float(np.sum(np.asarray(res.resid) ** 2))
    params["sigma"] = float(math.sqrt(ssr / len(series)))
    bounds = {k: v for k, v in params.items() if k in ("alpha", "beta", "phi")
              and (v <= 1e-3 or v >= 0.999 or (k == "phi" and (v <= 0.8001 or v >= 0.9799)))}
    diagnostics: dict[str, Any] = {}
    if params["alpha"] < 1e-3 and params["beta"] < 1e-3:
        diagnostics["caveat"] = ("alpha and beta are near zero: damped Holt on logs has become the deterministic "
                                 "curve log(y) = l - b*phi^t (a Gompertz curve with exp(-c) = phi); its analytic "
                                 "intervals barely widen with the horizon and are overconfident on few points")
    return HoltDamped(
        model="holt_damped",
        spec="ETS(A,Ad,N) on log(y): l_t = l_{t-1} + phi*b_{t-1} + alpha*e_t, "
             "b_t = phi*b_{t-1} + beta*e_t, log(y_t) = l_{t-1} + phi*b_{t-1} + e_t; "
             "statsmodels ETSModel, maximum likelihood incl. initial level and trend "
             "(default bounds: phi in [0.8, 0.98]); analytic prediction intervals on the log scale",
        series=series, params=params, k=6, llf=gaussian_llf(ssr, len(series)), result=res,
        diagnostics=diagnostics | {"converged": bool(res.mle_retvals.get("converged", True))
                     if isinstance(res.mle_retvals, dict) else None,
                     "parameters_at_bounds": sorted(bounds),
                     "warnings": sorted({f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught}),
                     "residuals_log": [float(v) for v in np.asarray(res.resid)]},
    )


C_BOUNDS_PER_YEAR = (0.02, 5.0)


def _gompertz(s, a, b, c):
    import numpy as np

    return a - b * np.exp(-c * s)


def _profile_grid(s, Y, grid):
    """For each c in ``grid`` solve (a, b) by least squares for every column of Y.

    Returns the index of the best c per column and the (a, b) at every grid point.
    """
    import numpy as np

    G = len(grid)
    ssr = np.empty((G, Y.shape[1]))
    coef = np.empty((G, 2, Y.shape[1]))
    for i, c in enumerate(grid):
        X = np.column_stack([np.ones_like(s), -np.exp(-c * s)])
        beta = np.linalg.pinv(X) @ Y
        coef[i] = beta
        ssr[i] = np.sum((Y - X @ beta) ** 2, axis=0)
    return np.argmin(ssr, axis=0), coef


@dataclass
class Gompertz(Fitted):
    """Saturating curve on the log scale: log(y) = a - b·exp(-c·s), s in years."""

    seed: int = 0
    draws: int = BOOTSTRAP_DRAWS

    def _s(self, hs):
        import numpy as np

        return (len(self.series) - 1.0 + np.asarray(hs, dtype=float)) / self.series.steps_per_year

    def _log_forecast(self, hs, intervals):
        import numpy as np

        p = self.params
        s_new = self._s(hs)
        mean = _gompertz(s_new, p["a"], p["b"], p["c"])
        bands = {}
        if intervals:
            rng = np.random.default_rng(self.seed)
            s = self.series.t() / self.series.steps_per_year
            fitted = _gompertz(s, p["a"], p["b"], p["c"])
            resid = self.series.logs() - fitted
            n = len(resid)
            e = (resid - resid.mean()) * math.sqrt(n / (n - 3))
            Y = fitted[:, None] + e[rng.integers(0, n, size=(n, self.draws))]
            grid = np.geomspace(*self._c_bounds(), 400)
            best, coef = _profile_grid(s, Y, grid)
            cols = np.arange(self.draws)
            a_b, b_b, c_b = coef[best, 0, cols], coef[best, 1, cols], grid[best]
            curve = a_b[None, :] - b_b[None, :] * np.exp(-c_b[None, :] * s_new[:, None])
            sims = curve + e[rng.integers(0, n, size=(len(s_new), self.draws))]
            for level in INTERVALS:
                q = (1 - level) / 2
                bands[level] = (np.quantile(sims, q, axis=1), np.quantile(sims, 1 - q, axis=1))
            self.diagnostics["bootstrap"] = {"draws": self.draws, "seed": self.seed,
                                             "method": "residual bootstrap (centred, rescaled by "
                                                       "sqrt(n/(n-3))), refit by profiling c on a "
                                                       "400-point geometric grid, plus a resampled "
                                                       "residual per forecast; percentile intervals"}
        return mean, bands

    def _c_bounds(self):
        return C_BOUNDS_PER_YEAR

    @property
    def annual_growth(self) -> dict[str, float]:
        """Growth the curve implies over the last observed year (it declines over time)."""
        p = self.params
        s_last = (len(self.series) - 1.0) / self.series.steps_per_year
        d = _gompertz(s_last, p["a"], p["b"], p["c"]) - _gompertz(s_last - 1, p["a"], p["b"], p["c"])
        return {"last_year": math.expm1(float(d)), "saturation_level": math.exp(p["a"])}


def fit_gompertz(series: Series, seed: int | None = None) -> Gompertz:
    """Gompertz on log(y) by least squares: profile grid over c, refined by scipy curve_fit."""
    import numpy as np
    from scipy.optimize import curve_fit

    n = len(series)
    if n < 5:
        raise InsufficientData(f"gompertz needs at least 5 points, got {n}")
    s = series.t() / series.steps_per_year
    y = series.logs()
    grid = np.geomspace(*C_BOUNDS_PER_YEAR, 400)
    best, coef = _profile_grid(s, y[:, None], grid)
    p0 = [float(coef[best[0], 0, 0]), float(coef[best[0], 1, 0]), float(grid[best[0]])]
    lo, hi = C_BOUNDS_PER_YEAR
    with GLOBAL_STATE_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            popt, pcov = curve_fit(_gompertz, s, y, p0=p0, bounds=([-np.inf, -np.inf, lo], [np.inf, np.inf, hi]),
                                   max_nfev=2000)
        except RuntimeError:
            popt, pcov = np.asarray(p0), np.full((3, 3), np.nan)
    ssr0 = float(np.sum((y - _gompertz(s, *p0)) ** 2))
    ssr = float(np.sum((y - _gompertz(s, *popt)) ** 2))
    if ssr0 < ssr:  # keep whichever is better (the grid optimum is always available)
        popt, ssr, pcov = np.asarray(p0), ssr0, np.full((3, 3), np.nan)
    a, b, c = (float(v) for v in popt)
    se = np.sqrt(np.clip(np.diag(pcov), 0, None)) if np.all(np.isfinite(pcov)) else [math.nan] * 3
    at_bound = "lower (no curvature: the curve is close to the log-linear trend)" if c <= lo * 1.001 else \
        "upper (already saturated)" if c >= hi * 0.999 else ""
    return Gompertz(
        model="gompertz",
        spec="log(y_t) = a - b*exp(-c*s_t), s_t in years since the first period; saturation level exp(a); "
             f"least squares on the log scale (c profiled on a grid over [{lo}, {hi}] per year, refined by "
             "scipy.optimize.curve_fit); intervals from a seeded residual bootstrap",
        series=series, params={"a": a, "b": b, "c": c, "a_se": float(se[0]), "b_se": float(se[1]),
                               "c_se": float(se[2]), "sigma": math.sqrt(ssr / n)},
        k=4, llf=gaussian_llf(ssr, n),
        diagnostics={"c_at_bound": at_bound, "df_resid": n - 3,
                     "caveat": "three curve parameters: with few points the saturation level exp(a) is "
                               "poorly determined (see a_se)",
                     "warnings": sorted({f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught}),
                     "residuals_log": [float(v) for v in (y - _gompertz(s, a, b, c))]},
        seed=seed if seed is not None else BASE_SEED,
    )


@dataclass(frozen=True)
class ModelSpec:
    name: str
    fit: Callable[[Series, int | None], Fitted]
    freqs: tuple[str, ...] = ("A", "Q")


MODELS: dict[str, ModelSpec] = {
    "loglinear_trend": ModelSpec("loglinear_trend", fit_loglinear),
    "holt_damped": ModelSpec("holt_damped", fit_holt_damped),
    "gompertz": ModelSpec("gompertz", fit_gompertz),
    "seasonal_trend": ModelSpec("seasonal_trend", fit_seasonal, ("Q",)),
}


def models_for(series: Series) -> dict[str, ModelSpec]:
    """The candidate models for a series (the seasonal one only for quarterly data)."""
    return {k: m for k, m in MODELS.items() if series.freq in m.freqs}


# --------------------------------------------------------------------------- backtest

def _fit_errors() -> tuple[type[BaseException], ...]:
    import numpy as np

    return (ValueError, RuntimeError, ArithmeticError, np.linalg.LinAlgError)


def backtest(series: Series, models: Mapping[str, ModelSpec] | None = None,
             horizons: Sequence[int] = HORIZONS, min_train: int = 3) -> "pd.DataFrame":
    """Rolling-origin, expanding-window backtest of every model on the same targets.

    At each origin the model is fitted on ``series.head(i)`` only (it never sees a
    later point) and forecasts ``horizons`` steps ahead. One row per origin, model
    and horizon with a target: origin, horizon, period, actual, yhat, status
    ("ok" or "failed: <reason>").
    """
    import numpy as np
    import pandas as pd

    models = models if models is not None else models_for(series)
    errors = _fit_errors()
    rows = []
    for i in range(min_train, len(series)):
        train = series.head(i)
        targets = [(h, i - 1 + h) for h in horizons if i - 1 + h < len(series)]
        periods = [series.periods[j] for _, j in targets]
        for name, spec in models.items():
            status, yhat = "ok", [math.nan] * len(targets)
            try:
                fitted = spec.fit(train, seed_for(series.series_id, name, train.periods[-1]))
                yhat = list(fitted.forecast(periods, intervals=False)["yhat"])
                if not np.all(np.isfinite(yhat)):
                    raise RuntimeError("non-finite forecast")
            except errors as exc:
                status, yhat = f"failed: {type(exc).__name__}: {exc}", [math.nan] * len(targets)
            for (h, j), p, f in zip(targets, periods, yhat):
                rows.append({"series_id": series.series_id, "model": name, "origin": train.periods[-1],
                             "horizon": h, "period": p, "actual": series.values[j], "yhat": f,
                             "status": status})
    return pd.DataFrame(rows, columns=["series_id", "model", "origin", "horizon", "period", "actual",
                                       "yhat", "status"])


def backtest_metrics(bt: "pd.DataFrame") -> "pd.DataFrame":
    """Per series, model and horizon: MAPE (%), RMSE (CNY), n (forecasts scored), n_failed."""
    import numpy as np
    import pandas as pd

    rows = []
    for (sid, model, h), g in bt.groupby(["series_id", "model", "horizon"], sort=False):
        ok = g[g["status"] == "ok"]
        err = ok["actual"] - ok["yhat"]
        mape = float(np.mean(np.abs(err) / np.abs(ok["actual"])) * 100) if len(ok) else math.nan
        rmse = float(np.sqrt(np.mean(err ** 2))) if len(ok) else math.nan
        for metric, value in (("MAPE", mape), ("RMSE", rmse), ("n", float(len(ok))),
                              ("n_failed", float(len(g) - len(ok)))):
            rows.append({"series_id": sid, "model": model, "horizon": int(h), "metric": metric,
                         "value": value})
    return pd.DataFrame(rows, columns=["series_id", "model", "horizon", "metric", "value"])


def select_model(metrics: "pd.DataFrame", aicc: Mapping[str, float | None],
                 horizons: Sequence[int] = HORIZONS, tie_pp: float = MAPE_TIE_PP) -> dict[str, Any]:
    """Apply :data:`SELECTION_RULE` to one series' metrics; return the choice and the table."""
    m = metrics.pivot_table(index="model", columns=["metric", "horizon"], values="value", sort=False)
    table = {}
    for model in m.index:
        mapes = [m.loc[model, ("MAPE", h)] for h in horizons]
        failed = sum(m.loc[model, ("n_failed", h)] for h in horizons)
        scored = sum(m.loc[model, ("n", h)] for h in horizons)
        eligible = bool(failed == 0 and scored > 0 and not any(math.isnan(v) for v in mapes))
        table[model] = {"eligible": eligible, "mean_mape": float(sum(mapes) / len(mapes)) if eligible else None,
                        "aicc": aicc.get(model)}
    eligible = {k: v for k, v in table.items() if v["eligible"]}
    if not eligible:
        raise ValueError("no model has a complete backtest")
    best_mape = min(v["mean_mape"] for v in eligible.values())
    best = min(eligible, key=lambda k: (eligible[k]["mean_mape"], k))
    close = [k for k, v in eligible.items() if v["mean_mape"] - best_mape <= tie_pp]
    with_aicc = [k for k in close if eligible[k]["aicc"] is not None]
    reason = "lowest mean MAPE over horizons 1-2"
    if len(close) > 1 and with_aicc:
        chosen = min(with_aicc, key=lambda k: (eligible[k]["aicc"], k))
        if chosen != best:
            reason = (f"within {tie_pp:g} pp of the lowest mean MAPE ({best}); "
                      "lowest full-sample AICc among those")
        else:
            reason += " (also lowest AICc among the models within the tie band)"
        best = chosen
    return {"rule": SELECTION_RULE, "selected_model": best, "reason": reason,
            "tie_band_models": sorted(close), "candidates": table}


# --------------------------------------------------------------------------- cards

def _r(x: Any, digits: int = 10) -> Any:
    """Round floats (recursively) so cards are stable across platforms; NaN/inf → None."""
    if isinstance(x, float):
        return round(x, digits) if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _r(v, digits) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_r(v, digits) for v in x]
    return x


def package_versions() -> dict[str, str]:
    import numpy
    import pandas
    import scipy
    import statsmodels

    return {"statsmodels": statsmodels.__version__, "numpy": numpy.__version__,
            "pandas": pandas.__version__, "scipy": scipy.__version__}


def model_card(fit: Fitted, *, series_id: str, vintage: str, backtest: Mapping[str, Any] | None = None,
               selection: Mapping[str, Any] | None = None, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What was fitted, on what, with which result and software: for the appendix."""
    card: dict[str, Any] = {
        "series_id": series_id,
        "model": fit.model,
        "specification": fit.spec,
        "sample": {"first": fit.series.periods[0], "last": fit.series.periods[-1], "n": fit.n,
                   "imputed_periods": list(fit.series.imputed)},
        "data_vintage": vintage,
        "parameters": _r(fit.params),
        "diagnostics": _r({**fit.diagnostics, "aicc": fit.aicc, "log_likelihood": fit.llf, "k": fit.k,
                           "aicc_scale": "log(GMV), Gaussian errors, k includes sigma"}),
        "packages": package_versions(),
    }
    growth = fit.annual_growth
    if growth is not None:
        card["growth"] = _r(growth)
    if backtest is not None:
        card["backtest"] = _r(dict(backtest))
    if selection is not None:
        card["selection"] = _r({"rule": selection["rule"], "selected_model": selection["selected_model"],
                                "reason": selection["reason"],
                                "this_model_selected": selection["selected_model"] == fit.model,
                                "candidates": selection["candidates"]})
    if extra:
        card.update(_r(dict(extra)))
    return card
