"""The model registry: every model registers itself, once, with ``@model``.

A model is one module ``analysis/models/<name>.py`` whose ``fit(series, seed)``
is decorated with ``@model("<name>", …)``: its names in both languages, what
kind of method it is, the frequencies it handles, the scale it is fitted on,
its parameters and the fewest points it needs. Config, cards, tables,
figures, prose and tests read these declarations; none keeps its own list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.models._core import InsufficientData

if TYPE_CHECKING:  # pragma: no cover
    from analysis.models._core import Fitted, Series

KINDS = ("benchmark", "model", "aggregate")
SCALES = ("log", "level")


@dataclass(frozen=True)
class ModelInfo:
    """What a model is, declared where it is defined."""

    name: str
    zh: str
    en: str
    kind: str  # benchmark: a naive method every model must beat; model: a candidate; aggregate: see sum_of_quarters
    freqs: tuple[str, ...]  # "A" annual, "Q" quarterly
    scale: str  # the scale it is fitted on; forecasts are always on the log scale (see _core)
    params: tuple[str, ...]  # estimated parameters, the error variance included (k of the AICc)
    min_points: int
    spec: str  # the equation, for the model card
    fn: Callable[..., "Fitted"]  # fit(series, seed) for benchmarks and models; the aggregator for aggregates

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def fit(self, series: "Series", seed: int) -> "Fitted":
        """Fit on ``series``; refuses a frequency it does not handle or too few points."""
        if self.kind == "aggregate":
            raise TypeError(f"{self.name} is not fitted on one series (kind {self.kind})")
        if series.freq not in self.freqs:
            raise InsufficientData(f"{self.name} does not handle frequency {series.freq}")
        if len(series) < self.min_points:
            raise InsufficientData(f"{self.name} needs at least {self.min_points} points, got {len(series)}")
        fitted = self.fn(series, seed)
        fitted.info = self
        missing = [p for p in self.params if p not in fitted.params]
        if missing:
            raise ValueError(f"{self.name}: the fit did not report its declared parameters {missing}")
        return fitted


_REGISTRY: dict[str, ModelInfo] = {}


def model(name: str, *, zh: str, en: str, kind: str, freqs: tuple[str, ...], scale: str,
          params: tuple[str, ...], min_points: int, spec: str):
    """Register ``fit`` as model ``name``; the module must be named ``<name>.py``."""
    if kind not in KINDS:
        raise ValueError(f"model {name}: kind must be one of {KINDS}, got '{kind}'")
    if scale not in SCALES:
        raise ValueError(f"model {name}: scale must be one of {SCALES}, got '{scale}'")

    def register(fn):
        module = fn.__module__.rsplit(".", 1)[-1]
        if module != name:
            raise ValueError(f"model '{name}' is registered in module '{module}': "
                             "a model lives in analysis/models/<name>.py")
        if name in _REGISTRY and _REGISTRY[name].fn is not fn:
            raise ValueError(f"model '{name}' is registered twice")
        _REGISTRY[name] = ModelInfo(name, zh, en, kind, tuple(freqs), scale, tuple(params), min_points,
                                    spec, fn)
        return fn
    return register
