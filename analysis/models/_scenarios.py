"""Scenario ranges for series too short to score: not forecasts, and without
probabilities. Each rule extrapolates the series' own observed growth in a
stated way; the range is the span between the configured rules' paths."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from analysis.models._core import Series

MEAN_GROWTH_YEARS = 3

# rule → (Chinese, English) description; the config names the rules a series uses.
SCENARIOS = {
    "hold_level": ("维持最新水平（不再增长）", "level held (no further growth)"),
    "last_growth": ("保持最近一年的增速", "growth held at the last observed rate"),
    "mean_growth": (f"保持近{MEAN_GROWTH_YEARS}年的平均增速",
                    f"growth held at the average of the last {MEAN_GROWTH_YEARS} years"),
}


def growth_rates(series: "Series") -> list[float]:
    """Period-on-period growth rates of an annual series (0.30 = +30%)."""
    v = series.values
    return [b / a - 1 for a, b in zip(v[:-1], v[1:])]


def rule_growth(series: "Series", rule: str) -> float:
    """The growth rate a rule holds for every future year."""
    if series.freq != "A":
        raise ValueError(f"{series.series_id}: scenarios are for annual series")
    g = growth_rates(series)
    if rule == "hold_level":
        return 0.0
    if not g:
        raise ValueError(f"{series.series_id}: rule '{rule}' needs at least two observations")
    if rule == "last_growth":
        return g[-1]
    if rule == "mean_growth":
        recent = g[-MEAN_GROWTH_YEARS:]
        return sum(recent) / len(recent)
    raise KeyError(f"unknown scenario rule '{rule}' (known: {', '.join(SCENARIOS)})")


def scenario_path(series: "Series", rule: str, horizons: list[int]) -> list[float]:
    """Values ``h`` years after the last observation under ``rule``."""
    g = rule_growth(series, rule)
    return [series.values[-1] * (1 + g) ** h for h in horizons]
