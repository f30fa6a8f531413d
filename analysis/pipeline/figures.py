"""Processed tables → figures in both languages, with captions and alt text.

One function per figure rule: read the processed tables, hand them to the pure
drawing function in :mod:`analysis.figures` once per language (inside
:func:`analysis.plotting.figure_context`), save both SVGs and the
``<name>.text.yml`` with the captions and alt texts.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from analysis import fileio

log = logging.getLogger(__name__)
LANGS = ("zh", "en")


def _render(name: str, inp: Mapping[str, str], out: Mapping[str, str], log_path: str,
            cjk_font: str, draw: Callable[[str], Any]) -> None:
    """Draw ``draw(lang)`` for each language, save the SVGs and the caption/alt texts,
    and record the processed files the figure was drawn from (for its provenance line)."""
    from analysis import joblog, plotting

    outputs = list(out.values()) if isinstance(out, dict) else list(out)
    with joblog.job_log(log_path, f"figure_{name}", outputs) as jlog:
        texts = {}
        for lang in LANGS:
            with plotting.figure_context(lang, cjk_font):
                fig, text = draw(lang)
                plotting.save(fig, out[lang])
            texts[lang] = {"caption": text.caption, "alt": text.alt}
            jlog.info("%s: wrote %s", name, out[lang])
        files: list[str] = []
        for key, value in inp.items():
            if key not in ("style", "code"):
                files += [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
        texts["data"] = sorted({f for f in files if f.startswith("data/")})
        fileio.write_yaml(out["text"], texts)


def read_series(path: str) -> "Any":
    import pandas as pd

    df = pd.read_csv(path, dtype={"period": str})
    df["use_in_model"] = df["use_in_model"].astype(str).str.lower().isin(["true", "yes", "1"])
    return df


def _read(path: str, **kw) -> "Any":
    import pandas as pd

    return pd.read_csv(path, dtype={"period": str, "origin": str}, **kw)


def selected_model(selection: "Any", series_id: str) -> str:
    return str(selection.set_index("series_id").loc[series_id, "selected_model"])


def fitted_from_card(card: Mapping[str, Any], history: "Any") -> "Any":
    """In-sample fitted values of a model card, without refitting: the card's own ``fitted``
    values when it has them, otherwise the observations divided by the exponentiated log
    residuals the card reports (residual = log(y) − log(ŷ))."""
    import pandas as pd

    if "fitted" in card:
        f = card["fitted"]
        rows = f if isinstance(f, list) else [{"period": k, "yhat": v} for k, v in f.items()]
        return pd.DataFrame(rows)[["period", "yhat"]].astype({"period": str})
    resid = card["diagnostics"]["residuals_log"]
    hist = history.set_index("period")["value_std"]
    periods = [p for p in hist.index if card["sample"]["first"] <= p <= card["sample"]["last"]]
    if len(periods) != len(resid):
        raise ValueError(f"model card {card.get('series_id')}.{card.get('model')}: {len(resid)} residuals "
                         f"for {len(periods)} periods {periods[0]}..{periods[-1]}")
    return pd.DataFrame({"period": periods,
                         "yhat": [float(hist[p]) * math.exp(-r) for p, r in zip(periods, resid)]})


# --------------------------------------------------------------------------- one step per figure

def gmv_history_forecast(inp: Mapping[str, str], out: Mapping[str, str], log_path: str,
                         cjk_font: str) -> None:
    from analysis import figures

    series = read_series(inp["series"])
    fc = _read(inp["forecasts"])
    selection = _read(inp["selection"])
    _render("gmv_history_forecast", inp, out, log_path, cjk_font,
            lambda lang: figures.gmv_history_forecast(series, fc, selection, lang))


def kuaishou_quarterly_gmv(inp: Mapping[str, str], out: Mapping[str, str], log_path: str,
                           cjk_font: str) -> None:
    import pandas as pd

    from analysis import figures

    sid = "kuaishou_ecommerce_gmv_quarterly"
    series = read_series(inp["series"])
    selection = _read(inp["selection"])
    model = selected_model(selection, sid)
    card_path = next(p for p in inp["cards"] if Path(p).name == f"{sid}.{model}.json")
    card = json.loads(Path(card_path).read_text(encoding="utf-8"))
    reported = series[(series["series_id"] == sid) & series["use_in_model"]][["period", "value_std"]]
    filled = pd.DataFrame([{"period": str(f["period"]), "value_std": float(f["value_std"])}
                           for f in card.get("imputation", {}).get("filled", [])],
                          columns=["period", "value_std"])
    history = pd.concat([reported.assign(imputed=False), filled.assign(imputed=True)], ignore_index=True)
    history = history.sort_values("period").reset_index(drop=True)
    fitted = fitted_from_card(card, history)
    fc = _read(inp["forecasts"])
    fc = fc[(fc["series_id"] == sid) & (fc["model"] == model)]
    _render("kuaishou_quarterly_gmv", inp, out, log_path, cjk_font,
            lambda lang: figures.kuaishou_quarterly_gmv(history, fitted, fc, model, lang))


def payment_fees(inp: Mapping[str, str], out: Mapping[str, str], log_path: str, cjk_font: str) -> None:
    from analysis import figures

    rates = _read(inp["rates"])
    fc = _read(inp["forecasts"])
    fc = fc[fc["series_id"] == "kuaishou_payment_fee_annual"]
    sens = _read(inp["sensitivity"])
    implied = sens[(sens["series_id"] == "kuaishou_ecommerce_gmv_annual")
                   & sens["gmv_basis"].astype(str).str.startswith("official")]
    _render("payment_fees", inp, out, log_path, cjk_font,
            lambda lang: figures.payment_fees(rates, fc, implied, lang))


def douyin_fee_bill(inp: Mapping[str, str], out: Mapping[str, str], log_path: str, cjk_font: str) -> None:
    from analysis import figures

    sens = _read(inp["sensitivity"])
    sens = sens[sens["series_id"] == "douyin_ecommerce_gmv_annual"]
    fc = _read(inp["forecasts"])
    fc = fc[fc["series_id"] == "douyin_thirdparty_fee_annual"]
    selection = _read(inp["selection"]).set_index("series_id")
    reliable = bool(selection.loc["douyin_ecommerce_gmv_annual"].get("reliable", True))
    _render("douyin_fee_bill", inp, out, log_path, cjk_font,
            lambda lang: figures.douyin_fee_bill(sens, fc, reliable, lang))


def market_context_retail(inp: Mapping[str, str], out: Mapping[str, str], log_path: str,
                          cjk_font: str) -> None:
    from analysis import figures

    series = read_series(inp["series"])
    _render("market_context_retail", inp, out, log_path, cjk_font,
            lambda lang: figures.market_context_retail(series, lang))


def market_context_internet(inp: Mapping[str, str], out: Mapping[str, str], log_path: str,
                            cjk_font: str) -> None:
    from analysis import figures

    series = read_series(inp["series"])
    _render("market_context_internet", inp, out, log_path, cjk_font,
            lambda lang: figures.market_context_internet(series, lang))


def payment_market_shares(inp: Mapping[str, str], out: Mapping[str, str], log_path: str,
                          cjk_font: str) -> None:
    from analysis import figures

    series = read_series(inp["series"])
    _render("payment_market_shares", inp, out, log_path, cjk_font,
            lambda lang: figures.payment_market_shares(series, lang))


def complaints_risk(inp: Mapping[str, str], out: Mapping[str, str], log_path: str, cjk_font: str) -> None:
    from analysis import figures

    cited = _read(inp["cited"], keep_default_na=False, na_values={"value_std": [""]})
    _render("complaints_risk", inp, out, log_path, cjk_font, lambda lang: figures.complaints_risk(cited, lang))


def douyin_pay_timeline(inp: Mapping[str, str], out: Mapping[str, str], log_path: str,
                        cjk_font: str) -> None:
    import pandas as pd

    from analysis import figures

    events = pd.read_csv(inp["timeline"], dtype=str, keep_default_na=False)
    _render("douyin_pay_timeline", inp, out, log_path, cjk_font,
            lambda lang: figures.douyin_pay_timeline(events, lang))


def backtest_errors(inp: Mapping[str, str], out: Mapping[str, str], log_path: str, cjk_font: str) -> None:
    from analysis import figures

    backtest = _read(inp["backtest"])
    selection = _read(inp["selection"])
    _render("backtest_errors", inp, out, log_path, cjk_font,
            lambda lang: figures.backtest_errors(backtest, selection, lang))
