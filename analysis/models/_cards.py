"""Model cards: what was fitted, on what, with which result, how it did in the
backtest and under which software (one JSON file per series and method)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from analysis.models._core import Fitted, Series
    from analysis.models._registry import ModelInfo


def rounded(x: Any, digits: int = 10) -> Any:
    """Floats to ``digits`` significant digits (recursively), so that cards are the same on
    machines whose BLAS kernels differ in the last bits (a GMV of 1.4e11 carries such noise
    in its 5th decimal place); NaN/inf → None."""
    if isinstance(x, float):
        return float(f"{x:.{digits}g}") if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: rounded(v, digits) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [rounded(v, digits) for v in x]
    return x


def package_versions() -> dict[str, str]:
    import numpy
    import pandas
    import scipy
    import statsmodels

    return {"statsmodels": statsmodels.__version__, "numpy": numpy.__version__,
            "pandas": pandas.__version__, "scipy": scipy.__version__}


def model_card(info: "ModelInfo", *, series: "Series", vintage: str, fit: "Fitted | None" = None,
               fit_error: str | None = None, backtest: Mapping[str, Any] | None = None,
               extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One card: the registry's declaration, the full-sample fit (or why there is none), the
    backtest and whatever the step adds (selection, calibration, imputation)."""
    card: dict[str, Any] = {
        "series_id": series.series_id,
        "model": info.name,
        "name": {"zh": info.zh, "en": info.en},
        "kind": info.kind,
        "scale": info.scale,
        "specification": info.spec,
        "sample": {"first": series.periods[0], "last": series.periods[-1], "n": len(series),
                   "imputed_periods": list(series.imputed)},
        "data_vintage": vintage,
        "packages": package_versions(),
    }
    if fit is not None:
        card["parameters"] = rounded(fit.params)
        card["diagnostics"] = rounded({**fit.diagnostics, "aicc": fit.aicc, "log_likelihood_log_scale": fit.llf_log,
                                       "k": fit.k, "aicc_scale": "log(y), k counts every estimated parameter "
                                                                 "including the error variance"})
    elif fit_error is not None:
        card["fit_error"] = fit_error
    if backtest is not None:
        card["backtest"] = rounded(dict(backtest))
    if extra:
        card.update(rounded(dict(extra)))
    return card
