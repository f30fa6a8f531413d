"""Every number the paper states, formatted per language, for Quarto's
``{{< var lang.key >}}`` shortcode (``paper/_variables.yml``).

Keys: ``<lang>.cite.<stat_id>`` (value with its qualifier, as the paper's
reader should see it), ``<lang>.cite.<stat_id>_period``,
``<lang>.event.<event_id>`` (its date), ``<lang>.model.<series>.<name>``, ``<lang>.fig.<figure>.{caption,alt}`` and
``<lang>.meta.*``. Both languages always carry the same keys.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from analysis.formatting import format_period, format_quantity

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LANGS = ("zh", "en")


def cited_values(df: "pd.DataFrame", lang: str) -> dict[str, str]:
    """``stat_id`` → formatted value (with qualifier) and ``stat_id_period`` → period."""
    out: dict[str, str] = {}
    for rec in df.itertuples(index=False):
        res = rec.resolution_std if rec.resolution_std == rec.resolution_std else None
        out[rec.stat_id] = format_quantity(rec.value_std, rec.unit_std, lang, resolution=res,
                                           qualifier=rec.qualifier)
        out[f"{rec.stat_id}_bare"] = format_quantity(rec.value_std, rec.unit_std, lang,
                                                     resolution=res)
        if rec.period:
            out[f"{rec.stat_id}_period"] = format_period(rec.period, lang)
    return out


def event_values(events: "pd.DataFrame", lang: str) -> dict[str, str]:
    """``event_id`` → its date as printed prose (2021年8月20日 / 20 August 2021)."""
    out: dict[str, str] = {}
    for rec in events.itertuples(index=False):
        out[rec.event_id] = format_period(rec.date, lang)
        if rec.date_end:
            out[f"{rec.event_id}_end"] = format_period(rec.date_end, lang)
    return out


def fact_values(facts: "pd.DataFrame", lang: str) -> dict[str, str]:
    """``fact_id`` → the date an independent source gives (for corrections in the prose)."""
    return {rec.fact_id: format_period(rec.date, lang)
            for rec in facts.itertuples(index=False) if rec.date}


def audit_values(audit: "pd.DataFrame", lang: str) -> dict[str, str]:
    """How many checks the audit ran and how they came out."""
    counts = audit["status"].value_counts()
    return {"checks": str(len(audit)),
            **{status: str(int(counts.get(status, 0)))
               for status in ("consistent", "inconsistent", "unverifiable")}}


def meta_values(vintage: dt.date, author: dict[str, str], lang: str) -> dict[str, str]:
    """Front matter: the date is the data vintage, never the build time."""
    date = (f"{vintage.year}年{vintage.month}月{vintage.day}日" if lang == "zh"
            else f"{vintage.day} {vintage.strftime('%B')} {vintage.year}")
    return {"date": date, "vintage_iso": vintage.isoformat(), "author": author[lang]}


def count_values(counts: dict[str, int], lang: str) -> dict[str, str]:
    """Sizes of the pipeline's own tables (statistics, events, …) as prose numbers."""
    return {k: str(v) for k, v in counts.items()}


def assemble(sections: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """``{section: {lang: values}}`` → ``{lang: {section: values}}``, checking key parity."""
    out: dict[str, dict[str, Any]] = {lang: {} for lang in LANGS}
    for name, per_lang in sections.items():
        keys = {lang: _flat_keys(per_lang[lang]) for lang in LANGS}
        if keys["zh"] != keys["en"]:
            diff = sorted(keys["zh"] ^ keys["en"])
            raise ValueError(f"values '{name}' differ between languages: {diff[:10]}")
        for lang in LANGS:
            out[lang][name] = per_lang[lang]
    return out


def _flat_keys(d: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for k, v in d.items():
        if isinstance(v, dict):
            keys |= _flat_keys(v, f"{prefix}{k}.")
        else:
            keys.add(f"{prefix}{k}")
    return keys


MODEL_NAMES = {
    "loglinear_trend": ("对数线性趋势模型", "log-linear trend"),
    "holt_damped": ("阻尼Holt线性趋势模型", "damped Holt linear trend"),
    "gompertz": ("Gompertz饱和曲线", "Gompertz saturating curve"),
    "seasonal_trend": ("含季节项的对数线性趋势模型", "log-linear trend with quarterly seasonality"),
}
SERIES_KEYS = {"kuaishou_ecommerce_gmv_annual": "ks_annual",
               "kuaishou_ecommerce_gmv_quarterly": "ks_quarterly",
               "douyin_ecommerce_gmv_annual": "dy_annual"}


def three_figures(x: float) -> float:
    """A resolution that shows ``x`` to three significant figures (forecasts are not precise)."""
    return 10.0 ** (math.floor(math.log10(abs(x))) - 2) if x else 1.0


def _money(x: float, lang: str) -> str:
    return format_quantity(float(x), "CNY", lang, resolution=three_figures(float(x)))


def _pct(fraction: float, decimals: int = 1) -> str:
    return f"{fraction * 100:.{decimals}f}%"


def _interval(prefix: str, fc: dict[str, float], lang: str, period: str | None = None) -> dict[str, str]:
    extra = {f"{prefix}_period": format_period(period, lang)} if period else {}
    return {**extra, prefix: _money(fc["yhat"], lang), f"{prefix}_lo95": _money(fc["lo95"], lang),
            f"{prefix}_hi95": _money(fc["hi95"], lang), f"{prefix}_lo80": _money(fc["lo80"], lang),
            f"{prefix}_hi80": _money(fc["hi80"], lang)}


def model_values(mv: dict[str, Any], lang: str, *, levels: tuple[float, ...], tie_pp: float,
                 unreliable_mape: float) -> dict[str, Any]:
    """Selected models, backtest errors, forecasts, fee rates and Douyin's fee bill."""
    i = 0 if lang == "zh" else 1
    out: dict[str, Any] = {
        "level_lo": f"{levels[0] * 100:.0f}%", "level_hi": f"{levels[-1] * 100:.0f}%",
        "rule_tie": f"{tie_pp:g}个百分点" if lang == "zh" else f"{tie_pp:g} percentage point",
        "rule_unreliable": f"{unreliable_mape:g}%",
    }
    for series_id, key in SERIES_KEYS.items():
        g = mv["gmv"][series_id]
        v: dict[str, str] = {
            "selected": MODEL_NAMES[g["selected_model"]][i],
            "mape": f"{g['backtest_mean_mape_pct'][g['selected_model']]:.1f}%",
            "reliability": (("可作参考" if lang == "zh" else "usable") if g["reliable"]
                            else ("不可靠，仅作示意" if lang == "zh" else "unreliable, illustrative only")),
            "n": str(g["sample"]["n"]),
            "first": format_period(g["sample"]["first"], lang),
            "last": format_period(g["sample"]["last"], lang),
            "growth": _pct(g["growth_loglinear"]["estimate"], 0),
            "growth_lo95": _pct(g["growth_loglinear"]["lo95"], 0),
            "growth_hi95": _pct(g["growth_loglinear"]["hi95"], 0),
        }
        for model, mape in g["backtest_mean_mape_pct"].items():
            v[f"mape_{model}"] = "—" if mape is None else f"{mape:.1f}%"
        for period, fc in g["forecast"].items():
            v.update(_interval(f"f{period.lower()}", fc, lang, period))
        out[key] = v
    q = mv["kuaishou_gmv_from_quarters"]
    out["ks_from_quarters"] = {"year": format_period(q["year"], lang),
                               "reported": _money(q["reported_sum"], lang),
                               **_interval("total", q["annual"], lang)}
    rate = mv["fee_rate"]
    bill = mv["douyin_fee_bill"]["latest"]
    out["fee"] = {
        "rate_min": _pct(rate["min"], 3), "rate_max": _pct(rate["max"], 3),
        "rate_mean": _pct(rate["mean"], 3), "n": str(rate["n"]),
        "n_lower_bounds": str(rate["n_lower_bounds"]),
        "bill_period": format_period(bill["period"], lang),
        "bill_gmv": format_quantity(float(bill["gmv"]), "CNY", lang),  # as the estimate printed it
        "bill": _money(bill["estimate"], lang), "bill_lo": _money(bill["lo"], lang),
        "bill_hi": _money(bill["hi"], lang),
    }
    for series_id, key in (("kuaishou_payment_fee_annual", "ks"), ("douyin_thirdparty_fee_annual", "dy")):
        for period, fc in mv["fees"][series_id]["forecast"].items():
            out["fee"].update(_interval(f"{key}_f{period.lower()}", fc, lang, period))
    return out


def sensitivity_values(sens: "pd.DataFrame", series_id: str, period: str, lang: str) -> dict[str, str]:
    """Fee bill under each rate scenario for one series and period (``0.1pct`` → ``0_1pct``)."""
    rows = sens[(sens["series_id"] == series_id) & (sens["period"].astype(str) == period)]
    if rows.empty:
        raise KeyError(f"no fee sensitivity rows for {series_id} {period}")
    out = {}
    for rec in rows.itertuples(index=False):
        key = rec.scenario.replace(".", "_")
        out[f"{key}_rate"] = _pct(float(rec.rate), 3 if key.startswith("observed") else 1)
        out[f"{key}_fee"] = _money(float(rec.fee), lang)
    return out
