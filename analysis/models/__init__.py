"""Forecast models for the GMV series: a registry of models, time-series
cross-validation against benchmarks, calibrated intervals and scenarios.

Every model is one module ``analysis/models/<name>.py`` registered with
:func:`model`; :func:`registry` finds them all. Which models compete for
which series is configuration (``models.series`` in ``config/config.yaml``).
Private modules (``_core``, ``_evaluate``, …) hold what models share.
"""

from __future__ import annotations

from analysis.models._core import (BASE_SEED, FORECAST_COLUMNS, LEVELS, Fitted, InsufficientData, Series,
                                   fill_missing_quarters, period_ordinal, periods_after, quarter_sum_check,
                                   seed_for, steps_between)
from analysis.models._registry import KINDS, ModelInfo, model

__all__ = ["BASE_SEED", "FORECAST_COLUMNS", "KINDS", "LEVELS", "Fitted", "InsufficientData", "ModelInfo",
           "Series", "fill_missing_quarters", "get", "model", "period_ordinal", "periods_after",
           "quarter_sum_check", "registry", "seed_for", "steps_between"]


def registry() -> dict[str, ModelInfo]:
    """Every registered model by name (importing each public module of this package once)."""
    import importlib
    import pkgutil

    from analysis.models import _registry

    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if not mod.startswith("_"):
            importlib.import_module(f"{__name__}.{mod}")
    return dict(sorted(_registry._REGISTRY.items()))


def get(name: str) -> ModelInfo:
    """One model's registration; an unknown name lists the known ones."""
    known = registry()
    if name not in known:
        raise KeyError(f"unknown model '{name}' (registered: {', '.join(known)})")
    return known[name]
