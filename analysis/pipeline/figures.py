"""Processed tables → figures in both languages, with captions and alt text."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

from analysis import fileio
from analysis.pipeline.common import data_vintage, vintage_timestamp  # noqa: F401

log = logging.getLogger(__name__)


def figure_kuaishou_gmv_trend(inp: Mapping[str, str], out: Mapping[str, str], cjk_font: str) -> None:
    import pandas as pd

    from analysis import figures, plotting, series

    df = pd.read_csv(inp["series"], dtype={"period": str})
    history = series.model_series(df, "kuaishou_ecommerce_gmv_annual")
    fc = pd.read_csv(inp["forecasts"], dtype={"period": str, "origin": str})
    fc = fc[(fc["series_id"] == "kuaishou_ecommerce_gmv_annual") & (fc["model"] == "loglinear_trend")]
    card = json.loads(Path(inp["card"]).read_text(encoding="utf-8"))
    texts = {}
    for lang in ("zh", "en"):
        with plotting.figure_context(lang, cjk_font):
            fig, text = figures.kuaishou_gmv_trend(history, fc, card["growth"]["estimate"], lang)
            plotting.save(fig, out[lang])
        texts[lang] = {"caption": text.caption, "alt": text.alt}
    fileio.write_yaml(out["text"], texts)
