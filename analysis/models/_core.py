"""What every model shares: periods, the series type, the fitted-model interface
and the scale contract.

**Scale contract.** Every model forecasts on the log scale: ``_log_forecast``
returns the log-scale point forecast (its exp is the median forecast) and
log-scale interval bounds, and ``simulate_log`` returns log-scale sample paths.
A model fitted on levels (``scale="level"`` in its registration) reports its
level log-likelihood and the base class adds the Jacobian ``sum(log y)``, so
every AICc in the cards is on log(y) and comparable across models.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from analysis.models._registry import ModelInfo

LEVELS = (0.80, 0.95)  # the interval levels of every output (columns lo80, hi80, lo95, hi95)
FORECAST_COLUMNS = ["period", "yhat", "lo80", "hi80", "lo95", "hi95"]
BASE_SEED = 20240101


class InsufficientData(ValueError):
    """A model cannot be fitted on this few points (reported, not raised, by the backtest)."""


# --------------------------------------------------------------------------- periods

_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


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


def steps_between(first: str, later: str) -> int:
    """How many periods ``later`` lies after ``first`` (same frequency)."""
    f1, k1 = period_ordinal(first)
    f2, k2 = period_ordinal(later)
    if f1 != f2:
        raise ValueError(f"'{first}' and '{later}' have different frequencies")
    return k2 - k1


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
    def season_length(self) -> int:
        """Periods per year: 1 (annual) or 4 (quarterly)."""
        return 1 if self.freq == "A" else 4

    def __len__(self) -> int:
        return len(self.values)

    def head(self, n: int) -> "Series":
        """The first ``n`` points only (what a forecaster standing at period n-1 knew)."""
        return Series(self.series_id, self.periods[:n], self.values[:n],
                      tuple(p for p in self.imputed if p in self.periods[:n]))

    def upto(self, period: str) -> "Series":
        """The points up to and including ``period``."""
        return self.head(self.periods.index(period) + 1)

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
    """A stable seed per (series, model, …): CRC32 of the names, mixed with the base seed."""
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


def gaussian_llf_at(resid: "np.ndarray", sigma: float) -> float:
    """Gaussian log-likelihood of residuals with a given sigma."""
    import numpy as np

    r = np.asarray(resid, dtype=float)
    return float(-0.5 * np.sum(np.log(2 * np.pi * sigma ** 2) + (r / sigma) ** 2)) if sigma > 0 else math.inf


def z_of(level: float) -> float:
    """Two-sided standard-normal quantile of a central interval (0.95 → 1.96)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)


def order_intervals(df: "pd.DataFrame") -> tuple["pd.DataFrame", int]:
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


def forecast_frame(periods: Sequence[str], yhat, bands: Mapping[float, tuple[Any, Any]] | None) -> "pd.DataFrame":
    """period, yhat, lo80, hi80, lo95, hi95 (levels in CNY; NaN bands when ``bands`` is None)."""
    import numpy as np
    import pandas as pd

    out = pd.DataFrame({"period": list(periods), "yhat": np.asarray(yhat, dtype=float)})
    for level in LEVELS:
        tag = round(level * 100)
        lo, hi = bands[level] if bands else (np.nan, np.nan)
        out[f"lo{tag}"] = np.asarray(lo, dtype=float) if bands else np.nan
        out[f"hi{tag}"] = np.asarray(hi, dtype=float) if bands else np.nan
    return out[FORECAST_COLUMNS]


def normal_bands(mean: "np.ndarray", sd: "np.ndarray") -> dict[float, tuple["np.ndarray", "np.ndarray"]]:
    """Central Gaussian intervals at every level, on the log scale."""
    return {lv: (mean - z_of(lv) * sd, mean + z_of(lv) * sd) for lv in LEVELS}


# Where a fit's own warnings come from. Warnings are recorded process-wide, so
# while a fit runs, another thread (Snakemake's scheduler, a figure) may warn
# too; only warnings raised in the fitting libraries belong on the card.
FIT_LIBRARIES = ("statsmodels", "scipy", "numpy")


def recorded_warnings(caught) -> list[str]:
    """Warnings a fit raised, for its card (first 120 characters, sorted, unique)."""
    import os

    own = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the analysis package

    def from_fit(w) -> bool:
        path = os.path.abspath(str(w.filename))
        return path.startswith(own + os.sep) or any(
            f"{os.sep}{lib}{os.sep}" in path for lib in FIT_LIBRARIES)

    return sorted({f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught if from_fit(w)})


# --------------------------------------------------------------------------- fitted models

@dataclass
class Fitted:
    """Common interface of every fitted model (subclasses fill in ``_log_forecast``)."""

    model: str
    series: Series
    params: dict[str, float]
    llf: float  # on the scale the model was fitted on (see the scale contract above)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    info: "ModelInfo | None" = None  # set by the registry when it fits the model

    @property
    def n(self) -> int:
        return len(self.series)

    @property
    def k(self) -> int:
        """Estimated parameters, the error variance included (as the model registers them)."""
        return len(self.info.params) if self.info else len(self.params)

    @property
    def llf_log(self) -> float:
        """Log-likelihood of log(y): a level-scale fit gains the Jacobian sum(log y)."""
        if self.info is not None and self.info.scale == "level":
            return self.llf + float(self.series.logs().sum())
        return self.llf

    @property
    def aicc(self) -> float | None:
        return aicc_from_llf(self.llf_log, self.n, self.k)

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

    def log_forecast(self, periods: Sequence[str]):
        """(log-scale point forecasts, {level: (lo, hi)} on the log scale) for ``periods``."""
        return self._log_forecast(self.horizons([str(p) for p in periods]))

    def forecast(self, periods: Sequence[str], intervals: bool = True) -> "pd.DataFrame":
        """Median forecasts with 80% and 95% prediction intervals (NaN if ``intervals=False``)."""
        import numpy as np

        periods = [str(p) for p in periods]
        mean, bands = self.log_forecast(periods)
        ebands = {lv: (np.exp(lo), np.exp(hi)) for lv, (lo, hi) in bands.items()} if intervals else None
        out = forecast_frame(periods, np.exp(mean), ebands)
        if intervals:
            out, widened = order_intervals(out)
            if widened:
                self.diagnostics["intervals_widened_to_contain_yhat"] = widened
        return out

    def simulate_log(self, periods: Sequence[str], draws: int, rng: "np.random.Generator") -> "np.ndarray":
        """Sample paths on the log scale, shape (draws, len(periods)).

        Default: independent Gaussian draws matching each horizon's 95% interval,
        right for models whose errors are independent over time (trend
        regressions); models whose errors accumulate override it.
        """
        mean, bands = self.log_forecast(periods)
        lo, hi = bands[0.95]
        sd = (hi - lo) / (2 * z_of(0.95))
        return mean[None, :] + sd[None, :] * rng.standard_normal((draws, len(mean)))

    def _log_forecast(self, hs: "np.ndarray"):  # pragma: no cover - abstract
        raise NotImplementedError
