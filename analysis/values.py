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


RECENT_QUARTERS = 6  # the quarters whose year-on-year growth the results quote as "recent"
WORDS = {
    "zh": {"pp": "{}个百分点", "and": "、", "last_and": "和", "model": "本文", "beats": "优于", "none": "—",
           "verdict_model": "低于最佳基准，因而入选",
           "verdict_benchmark": "没有候选模型优于最佳基准，因此以基准方法的预测为准",
           "interval_model": "与名义水平相差不超过{tol}，因此保留模型自身的区间",
           "interval_empirical": "与名义水平相差超过{tol}，因此按各预测步长的回测误差对区间做了重新标定"},
    "en": {"pp": "{} percentage points", "and": ", ", "last_and": " and ", "model": "model", "beats": "beats",
           "none": "—", "verdict_model": "below the best benchmark's, so it is selected",
           "verdict_benchmark": "no candidate beats the best benchmark, so the benchmark's forecast is used",
           "interval_model": "within {tol} of the nominal levels, so the model's own intervals are kept",
           "interval_empirical": "more than {tol} away from the nominal levels, so the intervals were rescaled "
                                 "horizon by horizon from the backtest errors"},
}


def model_name(model: str, lang: str) -> str:
    """A registered model's name in ``lang`` (analysis/models/<model>.py), or a scenario rule's."""
    from analysis import models
    from analysis.models._scenarios import SCENARIOS

    if model in SCENARIOS:
        return SCENARIOS[model][0 if lang == "zh" else 1]
    return models.get(model).label(lang)


def three_figures(x: float) -> float:
    """A resolution that shows ``x`` to three significant figures (forecasts are not precise)."""
    return 10.0 ** (math.floor(math.log10(abs(x))) - 2) if x else 1.0


def _money(x: float, lang: str) -> str:
    return format_quantity(float(x), "CNY", lang, resolution=three_figures(float(x)))


def _pct(fraction: float, decimals: int = 1) -> str:
    return f"{fraction * 100:.{decimals}f}%"


def _signed_pct(fraction: float, lang: str, decimals: int = 0) -> str:
    """A growth rate: +15% in English; in Chinese the prose says 增长, so no plus sign."""
    sign = "−" if fraction < 0 else ("+" if lang == "en" else "")
    return f"{sign}{abs(fraction) * 100:.{decimals}f}%"


def _mase(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _join(items: list[str], lang: str) -> str:
    w = WORDS[lang]
    return items[0] if len(items) == 1 else w["and"].join(items[:-1]) + w["last_and"] + items[-1]


def _interval(prefix: str, fc: dict[str, float], lang: str, period: str | None = None) -> dict[str, str]:
    extra = {f"{prefix}_period": format_period(period, lang)} if period else {}
    return {**extra, prefix: _money(fc["yhat"], lang), f"{prefix}_lo95": _money(fc["lo95"], lang),
            f"{prefix}_hi95": _money(fc["hi95"], lang), f"{prefix}_lo80": _money(fc["lo80"], lang),
            f"{prefix}_hi80": _money(fc["hi80"], lang)}


def _backtest_values(g: dict[str, Any], lang: str) -> dict[str, str]:
    """What the backtest and the selection rule found for one series."""
    w = WORDS[lang]
    methods = g["methods"]
    out = {"n": str(g["n_obs"]), "first": format_period(g["first"], lang), "last": format_period(g["last"], lang),
           "origins": str(g["n_origins"]), "max_horizon": str(g["max_horizon"] or ""),
           "candidates": _join([model_name(m, lang) for m, v in methods.items() if v["kind"] != "benchmark"]
                               or [w["none"]], lang),
           "benchmarks": _join([model_name(m, lang) for m, v in methods.items() if v["kind"] == "benchmark"]
                               or [w["none"]], lang)}
    for m, v in methods.items():
        out[f"mase_{m}"] = _mase(v["mase"])
        out[f"mape_{m}"] = "—" if v["mape"] is None else f"{v['mape']:.1f}%"
    if g["best_benchmark"]:
        out |= {"benchmark": model_name(g["best_benchmark"], lang), "benchmark_mase": _mase(g["best_benchmark_mase"])}
    if g["selected_model"]:
        sel = methods[g["selected_model"]]
        out |= {"selected": model_name(g["selected_model"], lang), "selected_mase": _mase(g["selected_mase"]),
                "n_scored": str(sel["n_scored"]),
                "verdict": w["verdict_model"] if g["selected_kind"] != "benchmark" else w["verdict_benchmark"]}
    return out


def model_values(mv: dict[str, Any], lang: str, *, levels: tuple[float, ...]) -> dict[str, Any]:
    """The forecasts' numbers for the prose: backtest, selection, coverage, forecasts, scenarios, fees."""
    w = WORDS[lang]
    rules = mv["rules"]
    tol = w["pp"].format(f"{rules['tolerance'] * 100:g}")
    low_rule, high_rule = rules["scenarios"][0], rules["scenarios"][-1]
    out: dict[str, Any] = {
        "level_lo": f"{levels[0] * 100:.0f}%", "level_hi": f"{levels[-1] * 100:.0f}%",
        "tolerance": tol, "min_points": str(rules["min_points"]), "draws": str(rules["draws"]),
        "scenario_low": model_name(low_rule, lang), "scenario_high": model_name(high_rule, lang),
    }
    # Kuaishou, quarterly: the series with enough points for a backtest worth the name
    q = mv["series"]["kuaishou_ecommerce_gmv_quarterly"]
    yoy = mv["growth"]["kuaishou_quarterly_yoy"]
    recent = [yoy[p] for p in sorted(yoy)[-RECENT_QUARTERS:]]
    vq = _backtest_values(q, lang) | {
        "yoy_n": str(len(recent)), "yoy_min": _pct(min(recent), 0), "yoy_max": _pct(max(recent), 0),
        "raw_cov80": _pct(q["raw_coverage80"], 0), "raw_cov95": _pct(q["raw_coverage95"], 0),
        "cov80": _pct(q["coverage80"], 0), "cov95": _pct(q["coverage95"], 0),
        "interval_note": w[f"interval_{q['interval_method']}"].format(tol=tol),
    }
    nxt = min(q["forecast"])
    vq |= _interval("next", q["forecast"][nxt], lang, nxt)
    prev = f"{int(nxt[:4]) - 1}{nxt[4:]}"
    prev_value = mv["history"]["kuaishou_ecommerce_gmv_quarterly"][prev]
    vq["next_yoy"] = _signed_pct(q["forecast"][nxt]["yhat"] / prev_value - 1, lang)
    out["ks_quarterly"] = vq
    # Kuaishou, annual: the sum of the quarters
    a = mv["series"]["kuaishou_ecommerce_gmv_annual"]
    fq = mv["kuaishou_gmv_from_quarters"]
    end = max(a["forecast"])
    missing = sorted(fq["forecast_quarters"])
    va = _backtest_values(a, lang) | {
        "year": format_period(fq["year"], lang), "prev_year": format_period(str(int(fq["year"]) - 1), lang),
        "reported": _money(fq["reported_sum"], lang), "n_reported": str(len(fq["reported_quarters"])),
        "missing": _join([format_period(p, lang) for p in missing], lang),
        "missing_value": _money(sum(fq["forecast_quarters"][p]["yhat"] for p in missing), lang),
        "yoy": _signed_pct(fq["yoy"], lang, 1), "reported_yoy": _signed_pct(fq["reported_yoy"], lang, 1),
    }
    va |= _interval("total", fq["annual"], lang) | _interval("end", a["forecast"][end], lang, end)
    out["ks_annual"] = va
    # Douyin: one scope with two comparable years, a scenario range only
    d = mv["series"]["douyin_ecommerce_gmv_36kr"]
    hist = mv["history"]["douyin_ecommerce_gmv_36kr"]
    d_end = max(d["scenarios"][low_rule])
    out["dy"] = {
        "n": str(d["n_obs"]), "first": format_period(d["first"], lang), "last": format_period(d["last"], lang),
        "first_value": _money(hist[d["first"]], lang), "last_value": _money(hist[d["last"]], lang),
        "growth": _signed_pct(mv["growth"]["douyin_36kr"][d["last"]], lang, 0),
        "end_period": format_period(d_end, lang), "n_scopes": str(mv["douyin_scopes"]),
        "low": _money(min(d["scenarios"][r][d_end] for r in rules["scenarios"]), lang),
        "high": _money(max(d["scenarios"][r][d_end] for r in rules["scenarios"]), lang),
    }
    # fee rate, Kuaishou's fees and Douyin's hypothetical bill
    rate = mv["fee_rate"]
    ks_fees = mv["fees"]["kuaishou"]
    dy_fees = mv["fees"]["douyin_scenarios"]
    bill = mv["douyin_fee_bill"]
    fee_end = max(ks_fees)
    out["fee"] = {
        "rate_min": _pct(rate["min"], 3), "rate_max": _pct(rate["max"], 3), "rate_central": _pct(rate["central"], 3),
        "rate_lo95": _pct(rate["q025"], 3), "rate_hi95": _pct(rate["q975"], 3), "n": str(rate["n"]),
        "n_lower_bounds": str(rate["n_lower_bounds"]), "n_derived": str(rate["n_derived"]),
        "bill_period": format_period(bill["period"], lang),
        "bill_gmv": format_quantity(float(bill["gmv"]), "CNY", lang),  # as the estimate printed it
        "bill": _money(bill["estimate"], lang), "bill_lo": _money(bill["lo"], lang), "bill_hi": _money(bill["hi"], lang),
        "dy_end_period": format_period(fee_end, lang),
        "dy_low": _money(min(dy_fees[r][fee_end] for r in dy_fees), lang),
        "dy_high": _money(max(dy_fees[r][fee_end] for r in dy_fees), lang),
    }
    out["fee"] |= _interval("ks_next", ks_fees[min(ks_fees)], lang, min(ks_fees))
    out["fee"] |= _interval("ks_end", ks_fees[fee_end], lang, fee_end)
    return out


def sensitivity_values(sens: "pd.DataFrame", series_id: str, period: str, lang: str) -> dict[str, str]:
    """Fee bill under each rate scenario for one series and period (``0.1pct`` → ``0_1pct``)."""
    rows = sens[(sens["series_id"] == series_id) & (sens["period"].astype(str) == period)]
    if rows.empty:
        raise KeyError(f"no fee sensitivity rows for {series_id} {period}")
    out = {}
    for rec in rows.itertuples(index=False):
        key = rec.scenario.replace(".", "_")
        out[f"{key}_rate"] = _pct(float(rec.rate), 1 if key.startswith("illustrative") else 3)
        out[f"{key}_fee"] = _money(float(rec.fee), lang)
    return out
