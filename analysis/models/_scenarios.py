"""Scenario ranges for series too short to score: not forecasts, and without
probabilities. Each rule extrapolates the series' own observed year-on-year
growth in a stated way, season by season; the range is the span between the
configured rules' paths."""

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
    """Year-on-year growth rates (0.30 = +30%): on the previous year, or the same quarter of it."""
    v, m = series.values, series.season_length
    return [b / a - 1 for a, b in zip(v[:-m], v[m:])]


def rule_growth(series: "Series", rule: str) -> float:
    """The year-on-year growth rate a rule holds for every future year."""
    if rule not in SCENARIOS:
        raise KeyError(f"unknown scenario rule '{rule}' (known: {', '.join(SCENARIOS)})")
    if rule == "hold_level":
        return 0.0
    g = growth_rates(series)
    if not g:
        raise ValueError(f"{series.series_id}: rule '{rule}' needs a full year of history before its last "
                         "observation")
    if rule == "last_growth":
        return g[-1]
    recent = g[-MEAN_GROWTH_YEARS * series.season_length:]
    return sum(recent) / len(recent)


def scenario_path(series: "Series", rule: str, horizons: list[int]) -> list[float]:
    """Values ``h`` periods after the last observation under ``rule``: the same season of the
    last observed year, grown by the rule's rate for every year ahead."""
    g, m, v = rule_growth(series, rule), series.season_length, series.values
    return [v[len(v) - m + (h - 1) % m] * (1 + g) ** ((h - 1) // m + 1) for h in horizons]
