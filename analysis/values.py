"""Every number the paper states, formatted per language, for Quarto's
``{{< var lang.key >}}`` shortcode (``paper/_variables.yml``).

Keys: ``<lang>.cite.<stat_id>`` (value with its qualifier, as the paper's
reader should see it), ``<lang>.cite.<stat_id>_period``,
``<lang>.event.<event_id>`` (its date), ``<lang>.model.<series>.<name>``, ``<lang>.fig.<figure>.{caption,alt}`` and
``<lang>.meta.*``. Both languages always carry the same keys.
"""

from __future__ import annotations

import datetime as dt
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


def trend_values(card: dict[str, Any], forecast: "pd.DataFrame", lang: str) -> dict[str, str]:
    """Growth with its 95% interval, sample window and the last forecast with intervals."""
    g = card["growth"]
    pct = lambda x: f"{x * 100:.0f}%"  # noqa: E731
    end = forecast.iloc[-1]
    money = lambda x: format_quantity(float(x), "CNY", lang, resolution=1e10)  # noqa: E731
    return {
        "growth": pct(g["estimate"]),
        "growth_lo95": pct(g["lo95"]),
        "growth_hi95": pct(g["hi95"]),
        "sample_first": format_period(card["sample"]["first"], lang),
        "sample_last": format_period(card["sample"]["last"], lang),
        "n": str(card["sample"]["n"]),
        "forecast_period": format_period(str(end["period"]), lang),
        "forecast": money(end["yhat"]),
        "forecast_lo95": money(end["lo95"]),
        "forecast_hi95": money(end["hi95"]),
        "forecast_lo80": money(end["lo80"]),
        "forecast_hi80": money(end["hi80"]),
    }


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
