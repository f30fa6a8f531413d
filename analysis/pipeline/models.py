"""Processed series → forecasts, backtests and model cards."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from analysis import fileio
from analysis.pipeline.common import data_vintage, vintage_timestamp  # noqa: F401

log = logging.getLogger(__name__)


def gmv_trend(inp: Mapping[str, str], out: Mapping[str, str], series_id: str,
              horizon_end: int) -> None:
    import pandas as pd

    from analysis import models, series

    df = pd.read_csv(inp["series"], dtype={"period": str})
    rows = series.model_series(df, series_id)
    years = [models.year_of(p) for p in rows["period"]]
    fit = models.fit_loglinear(years, rows["value_std"].to_numpy())
    fc = models.forecast_loglinear(fit, list(range(years[-1] + 1, horizon_end + 1)))
    fc.insert(0, "series_id", series_id)
    fc.insert(1, "model", "loglinear_trend")
    fc.insert(2, "origin", str(years[-1]))
    fc.insert(3, "horizon", [int(p) - years[-1] for p in fc["period"]])
    fileio.write_csv(fc, out["forecasts"])
    card = models.model_card(fit, series_id=series_id,
                             vintage=data_vintage(inp["sources"]).isoformat())
    fileio.write_json(out["card"], card)
    log.info("%s: growth %.3f (n=%d) -> %s", series_id, fit.growth, len(years), out["card"])
