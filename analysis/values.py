"""Every value the prose prints: declared once, formatted per language, each
with its origin.

A value is one declaration (:func:`declare`, at the end of this module): a
function of the processed files it names (keys of :data:`INPUTS`) that returns,
for one language, ``{key: text}`` or ``{key: Value(text, origin)}``. The rule
``paper_variables`` reads what the declarations name and writes
``paper/_variables.yml`` (``{{< value family.key >}}`` in the prose; Quarto's
``{{< var <lang>.family.key >}}`` reads the same file) and, per language,
``paper/_generated/origins.<lang>.json``: where each number comes from (the
data row, its source and verbatim quote, the model and its card), which the
HTML shows when a reader points at the number. Both languages always carry the
same keys. Families: ``cite.<stat_id>`` (with its qualifier; ``_bare`` without,
``_period`` its period), ``event.<event_id>`` (a date), ``fact.<fact_id>``,
``audit.*``, ``model.*`` and ``count.*``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import glossary
from analysis.formatting import format_period, format_quantity, format_together

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
    """``fact_id`` → the date an independent source gives, and ``fact_id_value`` → the
    figure it gives, at the precision it printed (for corrections in the prose)."""
    from analysis import units

    out = {rec.fact_id: format_period(rec.date, lang) for rec in facts.itertuples(index=False) if rec.date}
    for rec in facts.itertuples(index=False):
        if rec.value:
            factor, unit_std = units.parse_unit(rec.unit)
            res = units.parse_number(rec.value).resolution * factor
            out[f"{rec.fact_id}_value"] = format_quantity(float(rec.value) * factor, unit_std, lang, resolution=res)
    return out


def audit_values(audit: "pd.DataFrame", lang: str) -> dict[str, str]:
    """How many checks the audit ran and how they came out, and the one factor by
    which Hezhong Yibao's complaints grew (2021 total over the 2020 total, the base
    of ``audit.complaints_surge``)."""
    counts = audit["status"].value_counts()
    out = {"checks": str(len(audit)),
           **{status: str(int(counts.get(status, 0)))
              for status in ("consistent", "inconsistent", "unverifiable")}}
    surge = audit.loc[audit["check_id"] == "complaints_surge_2021", "observed"]
    if len(surge):
        out["complaints_surge_factor"] = str(surge.iloc[0]).lstrip("× ").strip()
    return out


def count_values(counts: dict[str, int], lang: str) -> dict[str, str]:
    """Sizes of the pipeline's own tables (statistics, events, …) as prose numbers."""
    return {k: str(v) for k, v in counts.items()}


RECENT_QUARTERS = 6  # the quarters whose year-on-year growth the results quote as "recent"
WORDS = {
    "zh": {"pp": "{}个百分点", "and": "、", "last_and": "和", "model": "本文", "beats": "优于", "none": "—",
           "verdict_model": "低于最佳基准，因而入选",
           "verdict_benchmark": "没有候选模型优于最佳基准，因此以基准方法的预测为准",
           "interval_model": "与名义水平相差不超过{tol}，因此保留模型自身的区间",
           "interval_empirical": "与名义水平相差超过{tol}，因此按各预测步长的回测误差对区间做了重新标定",
           "quarters_filled": "其中{periods}不在本版收集的季度数据中，由年度总额减去同年其余三个季度推得",
           "quarters_reported": "均为快手公布的数值"},
    "en": {"pp": "{} percentage points", "and": ", ", "last_and": " and ", "model": "model", "beats": "beats",
           "none": "—", "verdict_model": "below the best benchmark's, so it is selected",
           "verdict_benchmark": "no candidate beats the best benchmark, so the benchmark's forecast is used",
           "interval_model": "within {tol} of the nominal levels, so the model's own intervals are kept",
           "interval_empirical": "more than {tol} away from the nominal levels, so the intervals were rescaled "
                                 "horizon by horizon from the backtest errors",
           "quarters_filled": "{periods}, missing from the quarterly figures collected for this edition, {verb} "
                              "the annual total minus the year's other three quarters",
           "quarters_reported": "all as reported by Kuaishou"},
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


def _together(values: list[float], lang: str, own_digits: bool = False) -> list[str]:
    """Amounts the text prints side by side (a value and its interval; with ``own_digits``, two
    scenarios' ends): in one unit, that of the largest, to three significant digits of the largest
    (of each)."""
    return format_together([float(v) for v in values], "CNY", lang, digits=3, own_digits=own_digits)


def _interval(prefix: str, fc: dict[str, float], lang: str, period: str | None = None) -> dict[str, str]:
    extra = {f"{prefix}_period": format_period(period, lang)} if period else {}
    keys = ["yhat", "lo95", "hi95", "lo80", "hi80"]
    texts = dict(zip(keys, _together([fc[k] for k in keys], lang)))
    return {**extra, prefix: texts["yhat"], **{f"{prefix}_{k}": texts[k] for k in keys[1:]}}


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
    filled = missing_quarters(list(mv["history"]["kuaishou_ecommerce_gmv_quarterly"]))
    vq["quarters_note"] = (w["quarters_filled"].format(
        periods=_join([format_period(p, lang) for p in filled], lang), verb="is" if len(filled) == 1 else "are")
        if filled else w["quarters_reported"])
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
    dy_low, dy_high = _together([min(d["scenarios"][r][d_end] for r in rules["scenarios"]),
                                 max(d["scenarios"][r][d_end] for r in rules["scenarios"])], lang, own_digits=True)
    out["dy"] = {
        "n": str(d["n_obs"]), "first": format_period(d["first"], lang), "last": format_period(d["last"], lang),
        "first_value": _money(hist[d["first"]], lang), "last_value": _money(hist[d["last"]], lang),
        "growth": _signed_pct(mv["growth"]["douyin_36kr"][d["last"]], lang, 0),
        "end_period": format_period(d_end, lang), "n_scopes": str(mv["douyin_scopes"]),
        "low": dy_low, "high": dy_high,
    }
    # fee rate, Kuaishou's fees and Douyin's hypothetical bill
    rate = mv["fee_rate"]
    ks_fees = mv["fees"]["kuaishou"]
    dy_fees = mv["fees"]["douyin_scenarios"]
    bill = mv["douyin_fee_bill"]
    fee_end = max(ks_fees)
    bill_texts = _together([bill["estimate"], bill["lo"], bill["hi"]], lang)
    fee_low, fee_high = _together([min(dy_fees[r][fee_end] for r in dy_fees),
                                   max(dy_fees[r][fee_end] for r in dy_fees)], lang, own_digits=True)
    out["fee"] = {
        "rate_min": _pct(rate["min"], 3), "rate_max": _pct(rate["max"], 3), "rate_central": _pct(rate["central"], 3),
        "rate_lo95": _pct(rate["q025"], 3), "rate_hi95": _pct(rate["q975"], 3), "n": str(rate["n"]),
        "n_lower_bounds": str(rate["n_lower_bounds"]), "n_derived": str(rate["n_derived"]),
        "bill_period": format_period(bill["period"], lang),
        "bill_gmv": format_quantity(float(bill["gmv"]), "CNY", lang),  # as the estimate printed it
        "bill": bill_texts[0], "bill_lo": bill_texts[1], "bill_hi": bill_texts[2],
        "dy_end_period": format_period(fee_end, lang),
        "dy_low": fee_low, "dy_high": fee_high,
    }
    out["fee"] |= _interval("ks_next", ks_fees[min(ks_fees)], lang, min(ks_fees))
    out["fee"] |= _interval("ks_end", ks_fees[fee_end], lang, fee_end)
    return out


def missing_quarters(periods: list[str]) -> list[str]:
    """The quarters between the first and the last of ``periods`` (2021Q1 …) that it lacks:
    those the model filled from the annual total."""
    have = sorted(periods)
    if not have:
        return []
    (y0, q0), (y1, q1) = (map(int, have[0].split("Q")), map(int, have[-1].split("Q")))
    every = [f"{y}Q{q}" for y in range(y0, y1 + 1) for q in range(1, 5)
             if (y, q) >= (y0, q0) and (y, q) <= (y1, q1)]
    return [p for p in every if p not in set(have)]


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


# --------------------------------------------------------------------------- the registry

# What declarations may read: name → file. The rule paper_variables depends on
# exactly the files the declarations name.
INPUTS = {
    "cited": "data/processed/cited_statistics.csv",
    "timeline": "data/processed/timeline.csv",
    "facts": "data/processed/reference_facts.csv",
    "audit": "data/processed/audit.csv",
    "series": "data/processed/public_series.csv",
    "model_values": "data/processed/model_values.json",
    "sensitivity": "data/processed/fee_sensitivity.csv",
    "bib": "paper/references.bib",
}


@dataclass(frozen=True)
class Origin:
    """Where a number comes from, as a reader asking "where is this from?" needs it."""

    id: str
    kind: str                     # statistic | event | fact | model | count | audit
    label: str
    source_title: str = ""
    source_url: str = ""
    quote: str = ""
    quote_lang: str = ""
    row: str = ""                 # file and row id: data/processed/x.csv#id
    model_name: str = ""
    model_card: str = ""

    def record(self, text: str, lang: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "label": self.label}
        if self.row:
            out["row"] = self.row
        if self.source_title or self.source_url:
            out["source"] = {k: v for k, v in (("title", self.source_title), ("url", self.source_url)) if v}
        if self.quote:
            out["quote"] = self.quote
            out["quote_lang"] = self.quote_lang
        if self.model_name:
            out["model"] = {"name": self.model_name, "card": self.model_card}
        where = self.source_title or self.model_name or self.row
        out["citation"] = (f"{text}（{self.label}；{where}）" if lang == "zh"
                           else f"{text} ({self.label}; {where})") if where else text
        return out


@dataclass(frozen=True)
class Value:
    text: str
    origin: Origin | None = None


@dataclass(frozen=True)
class Declaration:
    family: str
    inputs: tuple[str, ...]
    make: Callable[["Data", str], dict[str, Any]]


REGISTRY: list[Declaration] = []


def declare(family: str, *inputs: str):
    """Register ``fn(data, lang) -> {key: text | Value | nested dict}`` as the
    values ``family.*``, computed from ``inputs`` (keys of :data:`INPUTS`)."""
    unknown = set(inputs) - set(INPUTS)
    if unknown:
        raise ValueError(f"values '{family}': unknown inputs {sorted(unknown)} (see values.INPUTS)")

    def register(fn):
        if any(d.family == family for d in REGISTRY):
            raise ValueError(f"values '{family}' are declared twice")
        REGISTRY.append(Declaration(family, inputs, fn))
        return fn
    return register


def declared_inputs() -> dict[str, str]:
    """The files the declarations read (the rule's inputs)."""
    names = sorted({name for d in REGISTRY for name in d.inputs})
    return {name: INPUTS[name] for name in names}


class Data:
    """The declared inputs, each read once, when first asked for."""

    READERS = {"cited": lambda p: _csv(p, dtype={"period": str}, keep_default_na=False,
                                         na_values={"resolution_std": [""]}),
               "timeline": lambda p: _csv(p, dtype=str, keep_default_na=False),
               "facts": lambda p: _csv(p, dtype=str, keep_default_na=False),
               "audit": lambda p: _csv(p, dtype=str, keep_default_na=False),
               "series": lambda p: _csv(p, dtype={"period": str}),
               "model_values": lambda p: json.loads(Path(p).read_text(encoding="utf-8")),
               "sensitivity": lambda p: _csv(p),
               "bib": lambda p: _bibliography(p)}

    def __init__(self, paths: dict[str, str]):
        self.paths = paths
        self._cache: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in INPUTS:
            raise AttributeError(name)
        if name not in self._cache:
            self._cache[name] = self.READERS[name](self.paths[name])
        return self._cache[name]


def _csv(path: str, **kw) -> Any:
    import pandas as pd

    return pd.read_csv(path, **kw)


def _bibliography(path: str) -> dict[str, dict[str, str]]:
    """``key → {title, url, container}`` from the BibTeX file, read by pandoc (CSL JSON)."""
    import subprocess

    import pypandoc

    proc = subprocess.run([pypandoc.get_pandoc_path(), path, "--from", "bibtex", "--to", "csljson"],
                          capture_output=True, text=True, check=True)
    return {item["id"]: {"title": item.get("title", ""), "url": item.get("URL", ""),
                         "container": item.get("container-title", "") or item.get("publisher", "")}
            for item in json.loads(proc.stdout)}


def collect(paths: dict[str, str], langs: tuple[str, ...] = LANGS) -> tuple[dict, dict]:
    """Run every declaration: ``({lang: {family: values}}, {lang: origins})``,
    checking that the languages carry the same keys."""
    data = Data(paths)
    variables: dict[str, dict[str, Any]] = {lang: {} for lang in langs}
    origins: dict[str, dict[str, Any]] = {lang: {"values": {}, "origins": {}} for lang in langs}
    for decl in REGISTRY:
        per_lang = {lang: decl.make(data, lang) for lang in langs}
        keys = {lang: _flat_keys(per_lang[lang]) for lang in langs}
        if len({frozenset(k) for k in keys.values()}) > 1:
            diff = sorted(set.union(*keys.values()) - set.intersection(*keys.values()))
            raise ValueError(f"values '{decl.family}' differ between languages: {diff[:10]}")
        for lang in langs:
            variables[lang][decl.family] = _texts(per_lang[lang], decl.family, origins[lang], lang)
    return variables, origins


def _texts(values: dict[str, Any], prefix: str, origins: dict[str, Any], lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out[key] = _texts(value, f"{prefix}.{key}", origins, lang)
            continue
        text = value.text if isinstance(value, Value) else str(value)
        out[key] = text
        origin = value.origin if isinstance(value, Value) else None
        if origin is not None:
            origins["values"][f"{prefix}.{key}"] = origin.id
            origins["origins"].setdefault(origin.id, origin.record(text, lang))
    return out


def _flat_keys(d: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for k, v in d.items():
        if isinstance(v, dict):
            keys |= _flat_keys(v, f"{prefix}{k}.")
        else:
            keys.add(f"{prefix}{k}")
    return keys


VALUE_SHORTCODE = re.compile(r"\{\{<\s*(value|var)\s+([\w.-]+)\s*>\}\}")


def resolve(text: str, variables: dict[str, Any], lang: str, source: str) -> str:
    """``text`` with its ``{{< value k >}}`` / ``{{< var lang.k >}}`` replaced, for the
    one place Quarto cannot: YAML metadata (Quarto 1.10 loses the text between two
    shortcodes that no space separates, as in Chinese). An unknown key stops the
    build with the file and line."""
    def replace(m: re.Match[str]) -> str:
        key = m.group(2) if m.group(1) == "value" else m.group(2).split(".", 1)[-1]
        node: Any = variables
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, str):
            line = text.count("\n", 0, m.start()) + 1
            raise ValueError(f"{source}:{line}: unknown value '{key}' (not declared in analysis/values.py)")
        return node
    return VALUE_SHORTCODE.sub(replace, text)


def _pick(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _with(values: dict[str, Any], origin: Origin) -> dict[str, Any]:
    """Every value of a (nested) dict carries ``origin``."""
    return {k: _with(v, origin) if isinstance(v, dict) else Value(str(v), origin) for k, v in values.items()}


# --------------------------------------------------------------------------- the declarations

SEED = "data/processed/cited_statistics.csv"


def _seed_source(source: str, lang: str) -> str:
    """'paper, citing X' → 原论文（引X） / the original paper (citing X, in English)."""
    cited = source.removeprefix("paper, citing ") if source.startswith("paper, citing ") else ""
    if lang == "zh":
        return f"原论文（引{cited}）" if cited else "原论文"
    return f"the original paper (citing {glossary.by_chinese(cited).en})" if cited else "the original paper"


@declare("cite", "cited")
def _cite(d: Data, lang: str) -> dict[str, Any]:
    """The original paper's statistics: each with the seed's own sentence as its quote."""
    out: dict[str, Any] = {}
    values = cited_values(d.cited, lang)
    for rec in d.cited.itertuples(index=False):
        origin = Origin(id=f"statistic:{rec.stat_id}", kind="statistic",
                        label=rec.label_zh if lang == "zh" else glossary.english(rec.label_en),
                        source_title=_seed_source(rec.source, lang),
                        quote=rec.quote_zh, quote_lang="zh-Hans", row=f"{SEED}#{rec.stat_id}")
        for key in (rec.stat_id, f"{rec.stat_id}_bare", f"{rec.stat_id}_period"):
            if key in values:
                out[key] = Value(values[key], origin)
    return out


@declare("event", "timeline")
def _event(d: Data, lang: str) -> dict[str, Any]:
    """Dates of the paper's events, with the sentence that states each."""
    out: dict[str, Any] = {}
    values = event_values(d.timeline, lang)
    for rec in d.timeline.itertuples(index=False):
        origin = Origin(id=f"event:{rec.event_id}", kind="event",
                        label=rec.label_zh if lang == "zh" else glossary.english(rec.label_en),
                        source_title=_pick(lang, "原论文", "the original paper"), quote=rec.quote_zh,
                        quote_lang="zh-Hans", row=f"data/processed/timeline.csv#{rec.event_id}")
        for key in (rec.event_id, f"{rec.event_id}_end"):
            if key in values:
                out[key] = Value(values[key], origin)
    return out


@declare("fact", "facts", "bib")
def _fact(d: Data, lang: str) -> dict[str, Any]:
    """Dates from independent sources (the corrections), with the source's own words."""
    out: dict[str, Any] = {}
    values = fact_values(d.facts, lang)
    for rec in d.facts.itertuples(index=False):
        keys = [k for k in (rec.fact_id, f"{rec.fact_id}_value") if k in values]
        if not keys:
            continue
        source = d.bib.get(rec.source_key, {})
        kana = any("\u3040" <= ch <= "\u30ff" for ch in rec.source_quote)
        quote_lang = "ja" if kana else "zh-Hans" if any("\u4e00" <= ch <= "\u9fff" for ch in rec.source_quote) else "en"
        origin = Origin(
            id=f"fact:{rec.fact_id}", kind="fact", label=rec.fact,
            source_title=source.get("title", rec.source_key), source_url=rec.source_url or source.get("url", ""),
            quote=rec.source_quote, quote_lang=quote_lang,
            row=f"data/processed/reference_facts.csv#{rec.fact_id}")
        for key in keys:
            out[key] = Value(values[key], origin)
    return out


@declare("audit", "audit")
def _audit(d: Data, lang: str) -> dict[str, Any]:
    """How many checks the consistency audit ran and how they came out."""
    origin = Origin(id="audit", kind="audit", label=_pick(lang, "一致性审计", "the consistency audit"),
                    row="data/processed/audit.csv")
    return _with(audit_values(d.audit, lang), origin)


@declare("count", "cited", "timeline", "facts", "series")
def _count(d: Data, lang: str) -> dict[str, Any]:
    """Sizes of the pipeline's own tables, as the methods section states them."""
    import pandas as pd

    cited, series = d.cited, d.series
    derived = int((cited["derived"].astype(str) == "True").sum())
    counts = {"statistics": (len(cited), SEED), "statistics_derived": (derived, SEED),
              "statistics_stated": (len(cited) - derived, SEED),
              "events": (len(d.timeline), "data/processed/timeline.csv"),
              "series": (series["series_id"].nunique(), "data/processed/public_series.csv"),
              "series_rows": (len(series), "data/processed/public_series.csv"),
              "series_sources": (series["source_key"].nunique(), "data/processed/public_series.csv"),
              "facts": (len(d.facts), "data/processed/reference_facts.csv"),
              "periods_resolved": (int(cited["period_basis"].str.startswith("resolved").sum()), SEED)}
    # the pages the data rows were read on, by kind (data/raw/sources.yaml): distinct
    # source_keys of both tables (a source read on pages of two kinds counts under
    # each), and the rows that rest on a mirror
    both = "data/processed/public_series.csv, data/processed/reference_facts.csv"
    pages = pd.concat([series[["source_key", "source_kind"]], d.facts[["source_key", "source_kind"]]])
    pages = pages[pages["source_key"].astype(str) != ""]
    kinds = pages.drop_duplicates(["source_key", "source_kind"])["source_kind"]
    pages_label = (f"{both} 中不同来源（source_key）的个数，类别见 data/raw/sources.yaml",
                   f"distinct sources (source_key) of {both}, kinds from data/raw/sources.yaml")
    counts["sources"] = (len(kinds), both, *pages_label)
    for kind in ("official", "press", "mirror"):
        counts[f"sources_{kind}"] = (int((kinds == kind).sum()), both, *pages_label)
    counts["source_rows_mirror"] = (int((pages["source_kind"] == "mirror").sum()), both,
                                    f"{both} 中来源为转载/镜像的行数", f"rows of {both} read on a mirror")
    return {key: Value(str(n), Origin(id=f"count:{key}", kind="count", row=path,
                                      label=_pick(lang, *(rest or (f"{path} 的行数", f"rows of {path}")))))
            for key, (n, path, *rest) in counts.items()}


MODEL_GROUPS = {"ks_quarterly": "kuaishou_ecommerce_gmv_quarterly", "ks_annual": "kuaishou_ecommerce_gmv_annual",
                "dy": "douyin_ecommerce_gmv_36kr"}


@declare("model", "model_values", "sensitivity")
def _model(d: Data, lang: str) -> dict[str, Any]:
    """The forecasts' numbers (backtest, selection, coverage, forecasts, scenarios, fees),
    each pointing at the model that made it and its card."""
    from analysis import models

    mv = d.model_values
    values = model_values(mv, lang, levels=models.LEVELS)
    bill = mv["douyin_fee_bill"]
    values["douyin_sensitivity"] = sensitivity_values(d.sensitivity, bill["series_id"], bill["period"], lang)
    cards = "data/processed/model_cards"
    out: dict[str, Any] = {}
    for key, group in values.items():
        sid = MODEL_GROUPS.get(key)
        if sid:
            method = mv["series"][sid].get("selected_model") or ""
            origin = Origin(id=f"model:{sid}", kind="model", label=_model_label(sid, lang),
                            model_name=model_name(method, lang) if method
                            else _pick(lang, "情景区间（无预测模型）", "scenario range (no forecast model)"),
                            model_card=f"{cards}/{sid}.{method}.json" if method else "",
                            row="data/processed/model_values.json")
        elif key in ("fee", "douyin_sensitivity"):
            origin = Origin(id="model:fees", kind="model", label=_pick(lang, "支付渠道手续费模型", "the fee model"),
                            model_name=_pick(lang, "GMV×费率", "GMV × fee rate"),
                            model_card=f"{cards}/kuaishou_payment_fee_annual.gmv_x_rate.json",
                            row="data/processed/model_values.json")
        else:
            origin = Origin(id="model:rules", kind="model", row="config/config.yaml#models",
                            label=_pick(lang, "模型设置", "the forecasting settings"))
        out[key] = _with(group, origin) if isinstance(group, dict) else Value(str(group), origin)
    return out


def _model_label(series_id: str, lang: str) -> str:
    from analysis.paper_tables import SERIES_NAMES

    names = SERIES_NAMES.get(series_id)
    return names[0 if lang == "zh" else 1] if names else series_id
