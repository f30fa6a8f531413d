"""The paper's figures: pure functions from processed tables to a matplotlib
``Figure`` plus its caption and alt text, in either language.

Figures draw, they never fit: model results come from
``data/processed/forecasts.csv``, ``backtest.csv``, ``model_selection.csv``,
the fee tables and the model cards. Every number in a caption or alt text is
read from the tables passed in and formatted with :mod:`analysis.formatting`.

Each function is called inside :func:`analysis.plotting.figure_context`
(style, fonts, missing glyphs as errors); artists that carry data have a
``gid`` (``history:<series>``, ``forecast:<series>``, …) so tests can check the
plotted numbers against the tables.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.formatting import format_period, format_quantity
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Axis scale per language: 亿元 / RMB bn for money, 亿人 / million people.
MONEY_SCALE = {"zh": (1e8, "亿元"), "en": (1e9, "RMB bn")}
PERSONS_SCALE = {"zh": (1e8, "亿人"), "en": (1e6, "million people")}

# Okabe–Ito colours (the style's cycle) by role.
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
GREY = "#777777"
SERIES_COLOURS = {"kuaishou_ecommerce_gmv_annual": ORANGE, "kuaishou_ecommerce_gmv_quarterly": ORANGE}
# Douyin's GMV estimates, one series per scope: a marker each, never one line across them.
SCOPE_MARKERS = ["o", "s", "D", "v", "P", "X"]

# Short names for legends; the full names are in analysis/paper_tables.py.
SERIES_NAMES = {
    "zh": {"kuaishou_ecommerce_gmv_annual": "快手电商GMV（年度）",
           "kuaishou_ecommerce_gmv_quarterly": "快手电商GMV（季度）",
           "douyin_ecommerce_gmv_36kr": "抖音：36氪（含商品卡）",
           "douyin_ecommerce_gmv_caixin": "抖音：财新",
           "douyin_ecommerce_gmv_ebrun": "抖音：亿邦动力（含跳转成交）",
           "douyin_ecommerce_gmv_information": "抖音：The Information",
           "douyin_ecommerce_gmv_latepost": "抖音：晚点（不含商品卡）",
           "douyin_livestream_gmv_annual": "抖音：仅直播电商"},
    "en": {"kuaishou_ecommerce_gmv_annual": "Kuaishou e-commerce GMV (annual)",
           "kuaishou_ecommerce_gmv_quarterly": "Kuaishou e-commerce GMV (quarterly)",
           "douyin_ecommerce_gmv_36kr": "Douyin: 36Kr (incl. product cards)",
           "douyin_ecommerce_gmv_caixin": "Douyin: Caixin",
           "douyin_ecommerce_gmv_ebrun": "Douyin: Ebrun (incl. redirected sales)",
           "douyin_ecommerce_gmv_information": "Douyin: The Information",
           "douyin_ecommerce_gmv_latepost": "Douyin: LatePost (excl. product cards)",
           "douyin_livestream_gmv_annual": "Douyin: livestream sales only"},
}
ENTITY_NAMES = {"zh": {"Kuaishou": "快手", "Douyin": "抖音", "Alipay": "支付宝", "Tenpay": "财付通"},
                "en": {"Kuaishou": "Kuaishou", "Douyin": "Douyin", "Alipay": "Alipay",
                       "Tenpay": "Tenpay"}}
# Research firms behind the market-share estimates, by the prefix of their source key.
RESEARCH_FIRMS = {"analysys": {"zh": "易观", "en": "Analysys"},
                  "iresearch": {"zh": "艾瑞咨询", "en": "iResearch"}}


@dataclass(frozen=True)
class FigureText:
    caption: str
    alt: str


# --------------------------------------------------------------------------- helpers

def model_name(model: str, lang: str) -> str:
    """A model's or scenario rule's name as the registry (analysis/models/) declares it."""
    from analysis.values import model_name as registered

    return registered(model, lang)


def series_name(series_id: str, lang: str) -> str:
    """Short names for the GMV series drawn here; the full list is in analysis/paper_tables.py."""
    from analysis.paper_tables import SERIES_NAMES as FULL

    return SERIES_NAMES[lang].get(series_id) or FULL[series_id][0 if lang == "zh" else 1]


def money(value: float, lang: str, digits: int = 3) -> str:
    """An amount of CNY to ``digits`` significant digits (1.74万亿元, RMB 1.74 trillion)."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return format_quantity(value, "CNY", lang)
    res = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return format_quantity(value, "CNY", lang, resolution=res)


def pct(value: float, lang: str, decimals: int = 1) -> str:
    """A percentage number (27.6 → 27.6%)."""
    return format_quantity(float(value), "percent", lang, resolution=10.0 ** -decimals)


def rate_pct(rate: float, lang: str) -> str:
    """A fee rate given as a fraction (0.00235 → 0.235%)."""
    return pct(rate * 100, lang, decimals=3)


def period_x(period: str) -> float:
    """The centre of an ISO period on a year axis (2021 → 2021.5, 2021Q3 → 2021.625,
    2023-06 → 2023.458); month-end stock figures use :func:`month_end_x`."""
    period = str(period)
    if "Q" in period:
        year, q = period.split("Q")
        return int(year) + (int(q) - 0.5) / 4
    parts = period.split("-")
    if len(parts) == 1:
        return int(parts[0]) + 0.5
    year, month = int(parts[0]), int(parts[1])
    if len(parts) == 2:
        return year + (month - 0.5) / 12
    return year + (month - 1) / 12 + (int(parts[2]) - 0.5) / 365


def month_end_x(period: str) -> float:
    """A stock measured at the end of a month (截至2023年6月) → its position on a year axis."""
    year, month = str(period).split("-")[:2]
    return int(year) + int(month) / 12


def period_end_x(period: str) -> float:
    """The end of an ISO period on a year axis."""
    period = str(period)
    if "Q" in period:
        year, q = period.split("Q")
        return int(year) + int(q) / 4
    parts = period.split("-")
    if len(parts) == 1:
        return int(parts[0]) + 1.0
    if len(parts) == 2:
        return month_end_x(period)
    return period_x(period) + 0.5 / 365


def period_start_x(period: str) -> float:
    return 2 * period_x(period) - period_end_x(period)


def year_axis(ax: "Axes", first: int, last: int, step: int = 1) -> None:
    """Years as labels centred in their span, with ticks at the year boundaries."""
    from matplotlib.ticker import FixedLocator, NullFormatter

    ax.set_xlim(first, last + 1)
    ax.xaxis.set_major_locator(FixedLocator(list(range(first, last + 2))))
    ax.xaxis.set_major_formatter(NullFormatter())
    centres = [y + 0.5 for y in range(first, last + 1) if (y - first) % step == 0]
    ax.xaxis.set_minor_locator(FixedLocator(centres))
    ax.set_xticks(centres, [str(int(c)) for c in centres], minor=True)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.tick_params(axis="x", which="major", length=3)


def number_formatter(lang: str):
    """Tick labels as plain numbers (12,000 in English, 12000 in Chinese)."""
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos=None) -> str:
        if x == 0:
            return "0"
        decimals = 0 if abs(x) >= 10 or float(x).is_integer() else (1 if abs(x) >= 1 else 2)
        text = f"{x:,.{decimals}f}" if lang == "en" else f"{x:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    return FuncFormatter(fmt)


def log_y(ax: "Axes", lang: str, subs: tuple[float, ...] = (1.0,)) -> None:
    """A log-scale y axis labelled with plain numbers at ``subs`` × powers of ten."""
    from matplotlib.ticker import LogLocator, NullFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(number_formatter(lang))
    minor = tuple(m for m in (2.0, 5.0) if m not in subs)
    ax.yaxis.set_minor_locator(LogLocator(base=10, subs=minor or (3.0,)))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _pick(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _sources(lang: str, *parts: tuple[str, str]) -> str:
    """'数据来源：A；B。' / 'Source: A; B.'"""
    if lang == "zh":
        return "数据来源：" + "；".join(p[0] for p in parts) + "。"
    return "Source: " + "; ".join(p[1] for p in parts) + "."


def _list(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _years(periods) -> list[int]:
    return [int(str(p)[:4]) for p in periods]


SRC_KUAISHOU = ("快手科技业绩公告", "Kuaishou results announcements")
SRC_MEDIA = ("媒体报道（抖音GMV为媒体估计）", "media reports (Douyin GMV is a media estimate)")
SRC_MODELS = ("预测为本文模型", "forecasts: this paper's models")
SRC_PAPER = ("原论文（引快手年报）", "the original paper (citing Kuaishou's annual report)")
SRC_NBS = ("国家统计局", "National Bureau of Statistics (NBS)")
SRC_CNNIC = ("中国互联网络信息中心（CNNIC）统计报告", "CNNIC Statistical Reports on Internet Development")
SRC_DISCLOSURE = ("原论文所引披露数据", "disclosures cited in the original paper")


def _fan(ax: "Axes", x: list[float], fc: "pd.DataFrame", start: tuple[float, float] | None,
         scale: float, colour: str, gid: str) -> None:
    """Median and 80%/95% bands of a forecast, joined to the last observation ``start``."""
    def col(name: str) -> list[float]:
        head = [start[1] / scale] if start else []
        return head + [float(v) / scale for v in fc[name]]

    xs = ([start[0]] if start else []) + list(x)
    ax.fill_between(xs, col("lo95"), col("hi95"), color=colour, alpha=0.13, linewidth=0,
                    gid=f"band95:{gid}")
    ax.fill_between(xs, col("lo80"), col("hi80"), color=colour, alpha=0.28, linewidth=0,
                    gid=f"band80:{gid}")
    line, = ax.plot(x, [float(v) / scale for v in fc["yhat"]], color=colour, linestyle=":",
                    linewidth=1.8, gid=f"forecast:{gid}")
    if start:  # the dotted median starts at the last observation
        ax.plot([start[0], x[0]], [start[1] / scale, float(fc["yhat"].iloc[0]) / scale],
                color=colour, linestyle=":", linewidth=1.8)


def _band_proxies(lang: str) -> list:
    from matplotlib.patches import Patch

    return [Patch(facecolor=GREY, alpha=0.45, label=_pick(lang, "80%预测区间", "80% prediction interval")),
            Patch(facecolor=GREY, alpha=0.18, label=_pick(lang, "95%预测区间", "95% prediction interval"))]


# --------------------------------------------------------------------------- 1 GMV

def _scope_series(series: "pd.DataFrame", entity: str) -> list[str]:
    """An entity's annual GMV series, one per scope of estimate."""
    rows = series[(series["entity"] == entity) & series["series_id"].str.contains("_gmv")
                  & series["period"].astype(str).str.fullmatch(r"\d{4}")]
    return sorted(rows["series_id"].unique())


def _scope_styles(scopes: list[str], highlight: str) -> dict[str, tuple[str, str]]:
    """(colour, marker) per scope series: the modelled scope in blue, the others in turn."""
    others = iter([SKY, PURPLE, GREEN, VERMILLION, BLACK] * 2)
    return {sid: (BLUE if sid == highlight else next(others), SCOPE_MARKERS[k % len(SCOPE_MARKERS)])
            for k, sid in enumerate(scopes)}


def _draw_scope(ax: "Axes", rows: "pd.DataFrame", colour: str, marker: str, scale: float, sid: str) -> None:
    """One scope's estimates: a line only within the scope, a range as a bar, 'over' as ▲."""
    by_period = rows.groupby("period", sort=True)
    xs, ys = [], []
    for period, g in by_period:
        x = int(period)
        if len(g) > 1:  # a printed range, kept as its ends
            ax.plot([x, x], [g["value_std"].min() / scale, g["value_std"].max() / scale], color=colour,
                    linewidth=2.2, solid_capstyle="butt", gid=f"range:{sid}:{period}")
        xs.append(x)
        ys.append(float(g["value_std"].mean()))
        over = (g["qualifier"] == "over").any()
        ax.plot([x], [ys[-1] / scale], linestyle="none", marker="^" if over else marker, markersize=5.5,
                color=colour, markerfacecolor="white", markeredgewidth=1.3)
    ax.plot(xs, [y / scale for y in ys], color=colour, linestyle="--" if len(xs) > 1 else "none",
            linewidth=1.2, gid=f"history:{sid}")


def gmv_history_forecast(series: "pd.DataFrame", forecasts: "pd.DataFrame",
                         selection: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """Annual e-commerce GMV: Kuaishou (official) with its forecast and benchmark, Douyin
    (media estimates, one marker per scope, never joined) with a scenario range.

    ``series``: public_series rows; ``forecasts``: gmv forecasts (with ``role``);
    ``selection``: model_selection.csv. A series whose ``forecast_kind`` is
    ``forecast`` gets the selected method's fan and the best benchmark's line;
    one whose kind is ``scenario`` gets the scenario range, and no interval.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    scale, unit = MONEY_SCALE[lang]
    sel = selection.set_index("series_id")
    annual = [sid for sid in sel.index if str(sel.loc[sid, "last"]).isdigit()]
    fc_ids = [s for s in annual if sel.loc[s, "forecast_kind"] == "forecast"]
    sc_ids = [s for s in annual if sel.loc[s, "forecast_kind"] == "scenario"]
    fig = new_figure(figsize=(6.3, 4.6))
    fig.subplots_adjust(bottom=0.27)
    ax = fig.add_subplot()
    handles, facts = [], {}
    for sid in fc_ids:
        colour = SERIES_COLOURS.get(sid, ORANGE)
        rows = series[(series["series_id"] == sid) & series["use_in_model"]].sort_values("period")
        entity = ENTITY_NAMES[lang].get(str(rows["entity"].iloc[0]), str(rows["entity"].iloc[0]))
        x = [int(p) for p in rows["period"]]
        ax.plot(x, rows["value_std"] / scale, color=colour, marker="o", markersize=5, gid=f"history:{sid}")
        mine = forecasts[forecasts["series_id"] == sid]
        fc = mine[mine["role"] == "selected"].sort_values("period")
        _fan(ax, [int(p) for p in fc["period"]], fc, (x[-1], float(rows["value_std"].iloc[-1])), scale, colour, sid)
        bench = str(sel.loc[sid, "best_benchmark"])
        bfc = mine[mine["model"] == bench].sort_values("period")
        ax.plot([x[-1]] + [int(p) for p in bfc["period"]], [float(rows["value_std"].iloc[-1]) / scale]
                + list(bfc["yhat"] / scale), color=GREY, linestyle="-.", linewidth=1.1, gid=f"benchmark:{sid}")
        model = str(sel.loc[sid, "selected_model"])
        handles += [Line2D([], [], color=colour, marker="o", label=_pick(lang, f"{entity}（官方数据）", f"{entity} (official)")),
                    Line2D([], [], color=colour, linestyle=":", linewidth=1.8,
                           label=_pick(lang, f"{entity}预测中位数（{model_name(model, lang)}）",
                                       f"{entity} forecast median ({model_name(model, lang)})")),
                    Line2D([], [], color=GREY, linestyle="-.", linewidth=1.1,
                           label=_pick(lang, f"{entity}基准（{model_name(bench, lang)}）",
                                       f"{entity} benchmark ({model_name(bench, lang)})"))]
        end = fc.iloc[-1]
        facts[sid] = dict(entity=entity, model=model, bench=bench, first=str(rows["period"].iloc[0]),
                          last=str(rows["period"].iloc[-1]), v_first=float(rows["value_std"].iloc[0]),
                          v_last=float(rows["value_std"].iloc[-1]), end=str(end["period"]), yhat=float(end["yhat"]),
                          lo80=float(end["lo80"]), hi80=float(end["hi80"]), lo95=float(end["lo95"]),
                          hi95=float(end["hi95"]), bench_end=float(bfc["yhat"].iloc[-1]))
    scopes: list[str] = []
    for sid in sc_ids:
        entity_code = str(series.loc[series["series_id"] == sid, "entity"].iloc[0])
        scopes = _scope_series(series, entity_code)
        entity = ENTITY_NAMES[lang].get(entity_code, entity_code)
        for scope, (colour, marker) in _scope_styles(scopes, sid).items():
            _draw_scope(ax, series[series["series_id"] == scope], colour, marker, scale, scope)
            handles.append(Line2D([], [], color=colour, marker=marker, markerfacecolor="white",
                                  linestyle="--" if scope == sid else "none", label=series_name(scope, lang)))
        rows = series[(series["series_id"] == sid) & series["use_in_model"]].sort_values("period")
        sc = forecasts[(forecasts["series_id"] == sid) & (forecasts["role"] == "scenario")]
        wide = sc.pivot_table(index="period", columns="model", values="yhat").sort_index()
        x0, y0 = int(rows["period"].iloc[-1]), float(rows["value_std"].iloc[-1])
        xs = [x0] + [int(p) for p in wide.index]
        lo = [y0 / scale] + list(wide.min(axis=1) / scale)
        hi = [y0 / scale] + list(wide.max(axis=1) / scale)
        ax.fill_between(xs, lo, hi, facecolor="none", edgecolor=BLUE, hatch="///", linewidth=0.0, alpha=0.6,
                        gid=f"scenario:{sid}")
        for rule in wide.columns:
            ax.plot(xs, [y0 / scale] + list(wide[rule] / scale), color=BLUE, linewidth=0.8, linestyle=(0, (1, 2)))
        handles.append(Patch(facecolor="none", edgecolor=BLUE, hatch="///",
                             label=_pick(lang, f"{entity}情景区间（非预测区间）", f"{entity} scenario range (not a prediction interval)")))
        end = wide.index[-1]
        facts[sid] = dict(entity=entity, scenario=True, last=str(rows["period"].iloc[-1]), v_last=y0, end=str(end),
                          lo=float(wide.loc[end].min()), hi=float(wide.loc[end].max()),
                          rules=[model_name(r, lang) for r in wide.columns], n_scopes=len(scopes))
    handles += _band_proxies(lang)
    log_y(ax, lang)
    drawn = series[series["series_id"].isin(fc_ids + scopes)]
    first_year = min(_years(drawn["period"]))
    last_year = max(int(f["end"]) for f in facts.values())
    ax.set_xticks(range(first_year, last_year + 1))
    ax.set_xlim(first_year - 0.3, last_year + 0.3)
    ax.set_ylabel(_pick(lang, f"GMV（{unit}，对数刻度）", f"GMV ({unit}, log scale)"))
    ax.set_title(_pick(lang, "抖音与快手电商GMV：历史数据、预测与情景",
                       "Douyin and Kuaishou e-commerce GMV: history, forecast and scenario"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=3, fontsize=6.2,
              frameon=False)
    ax.grid(True, which="major", axis="y")
    src = _sources(lang, SRC_KUAISHOU, SRC_MEDIA, SRC_MODELS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    zh, en = [], []
    for f in facts.values():
        if f.get("scenario"):
            zh.append(f"{f['entity']}电商GMV只有口径各异的媒体估计（{f['n_scopes']}种口径，以不同标记分开表示，不连成一条"
                      f"增长路径）；斜线区域为情景区间而非预测区间：{fp(f['end'])}介于{money(f['lo'], lang)}"
                      f"（{f['rules'][0]}）与{money(f['hi'], lang)}（{f['rules'][-1]}）之间")
            en.append(f"{f['entity']}'s GMV exists only as media estimates of {f['n_scopes']} different scopes, drawn "
                      f"with different markers and never joined into one growth path; the hatched area is a scenario "
                      f"range, not a prediction interval: for {f['end']} between {money(f['lo'], lang)} "
                      f"({f['rules'][0]}) and {money(f['hi'], lang)} ({f['rules'][-1]})")
        else:
            zh.append(f"{f['entity']}{fp(f['first'])}至{fp(f['last'])}由{money(f['v_first'], lang)}增至"
                      f"{money(f['v_last'], lang)}（官方数据）；点线为所选方法（{model_name(f['model'], lang)}）的中位预测，"
                      f"{fp(f['end'])}为{money(f['yhat'], lang)}（80%区间{money(f['lo80'], lang)}至"
                      f"{money(f['hi80'], lang)}，95%区间{money(f['lo95'], lang)}至{money(f['hi95'], lang)}），"
                      f"点划线为基准方法（{model_name(f['bench'], lang)}）")
            en.append(f"{f['entity']}'s GMV rose from {money(f['v_first'], lang)} in {f['first']} to "
                      f"{money(f['v_last'], lang)} in {f['last']} (official); the dotted line is the median forecast "
                      f"of the selected method ({model_name(f['model'], lang)}), {money(f['yhat'], lang)} in "
                      f"{f['end']} (80% interval {money(f['lo80'], lang)} to {money(f['hi80'], lang)}, 95% interval "
                      f"{money(f['lo95'], lang)} to {money(f['hi95'], lang)}); the dash-dotted line is the benchmark "
                      f"({model_name(f['bench'], lang)})")
    if lang == "zh":
        caption = "抖音与快手电商GMV：" + "；".join(zh) + "。阴影为经回测校准的80%与95%预测区间。纵轴为对数刻度。" + src
        alt = ("折线图（对数纵轴）：" + "；".join(zh) + "。")
    else:
        caption = ("Douyin and Kuaishou e-commerce GMV. " + "; ".join(en) + ". Shaded bands are 80% and 95% "
                   "prediction intervals, calibrated in the backtest. Log scale. " + src)
        alt = "Line chart (log scale): " + "; ".join(en) + "."
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 2 quarterly

def kuaishou_quarterly_gmv(history: "pd.DataFrame", fitted: "pd.DataFrame", forecast: "pd.DataFrame",
                           benchmark: "pd.DataFrame", selection: "pd.Series", lang: str) -> tuple["Figure", FigureText]:
    """Kuaishou's quarterly GMV with the selected method's fit, its forecast with the calibrated
    intervals, and the best benchmark's forecast.

    ``history``: period, value_std, imputed (bool: filled by identity, not reported);
    ``fitted``: period, yhat (in-sample, may be empty); ``forecast`` and ``benchmark``: period,
    yhat, lo80, hi80, lo95, hi95; ``selection``: the series' model_selection.csv row.
    """
    from matplotlib.lines import Line2D

    scale, unit = MONEY_SCALE[lang]
    history = history.sort_values("period")
    forecast = forecast.sort_values("period")
    benchmark = benchmark.sort_values("period")
    model, bench = str(selection["selected_model"]), str(selection["best_benchmark"])
    fig = new_figure()
    ax = fig.add_subplot()
    hx = [period_x(p) for p in history["period"]]
    ax.plot(hx, history["value_std"] / scale, color=ORANGE, gid="history:kuaishou_ecommerce_gmv_quarterly")
    rep = history[~history["imputed"]]
    imp = history[history["imputed"]]
    ax.plot([period_x(p) for p in rep["period"]], rep["value_std"] / scale, linestyle="none", marker="o",
            color=ORANGE)
    if len(imp):
        ax.plot([period_x(p) for p in imp["period"]], imp["value_std"] / scale, linestyle="none", marker="o",
                markerfacecolor="white", markeredgewidth=1.3, color=ORANGE, gid="imputed")
    if len(fitted):
        ax.plot([period_x(p) for p in fitted["period"]], fitted["yhat"] / scale, color=BLACK, linewidth=1.0,
                linestyle="--", gid="fitted")
    fx = [period_x(p) for p in forecast["period"]]
    start = (hx[-1], float(history["value_std"].iloc[-1]))
    _fan(ax, fx, forecast, start, scale, BLUE, "kuaishou_ecommerce_gmv_quarterly")
    ax.plot([start[0]] + [period_x(p) for p in benchmark["period"]],
            [start[1] / scale] + list(benchmark["yhat"] / scale), color=GREY, linestyle="-.", linewidth=1.1,
            gid="benchmark:kuaishou_ecommerce_gmv_quarterly")
    first, last = int(str(history["period"].iloc[0])[:4]), int(str(forecast["period"].iloc[-1])[:4])
    year_axis(ax, first, last)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(_pick(lang, f"季度GMV（{unit}）", f"Quarterly GMV ({unit})"))
    ax.set_title(_pick(lang, "快手电商季度GMV：官方数据、预测与基准",
                       "Kuaishou quarterly e-commerce GMV: official figures, forecast and benchmark"))
    mname, bname = model_name(model, lang), model_name(bench, lang)
    handles = [Line2D([], [], color=ORANGE, marker="o", label=_pick(lang, "官方季度数据", "Official quarterly figures")),
               Line2D([], [], color=ORANGE, marker="o", markerfacecolor="white", linestyle="none",
                      label=_pick(lang, "由年度合计推得的季度", "Quarter implied by the annual total")),
               Line2D([], [], color=BLACK, linestyle="--", linewidth=1.0,
                      label=_pick(lang, f"拟合值（{mname}）", f"Fitted ({mname})")),
               Line2D([], [], color=BLUE, linestyle=":", linewidth=1.8,
                      label=_pick(lang, f"预测中位数（{mname}）", f"Forecast median ({mname})")),
               Line2D([], [], color=GREY, linestyle="-.", linewidth=1.1,
                      label=_pick(lang, f"基准（{bname}）", f"Benchmark ({bname})"))] + _band_proxies(lang)
    if not len(fitted):
        handles.pop(2)
    if not len(imp):
        handles.pop(1)
    ax.legend(handles=handles, loc="upper left", fontsize=7)
    src = _sources(lang, SRC_KUAISHOU, SRC_MODELS)
    source_line(fig, src)

    p0, p1 = str(history["period"].iloc[0]), str(history["period"].iloc[-1])
    nxt, end = forecast.iloc[0], forecast.iloc[-1]
    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    imputed = [fp(p) for p in imp["period"]]
    peak = history.loc[history["value_std"].idxmax()]
    cal = str(selection["interval_method"]) == "empirical"
    cov = {k: pct(float(selection[k]) * 100, lang, 0) for k in ("coverage80", "coverage95", "raw_coverage80",
                                                                "raw_coverage95")}
    mase = {k: f"{float(selection[k]):.2f}" for k in ("selected_mase", "best_benchmark_mase")}
    if lang == "zh":
        imp_text = (f"{_list(imputed, lang)}未单独披露，由全年合计减去其余三个季度推得（空心点）。" if imputed else "")
        cal_text = (f"回测中模型自身的80%与95%区间分别覆盖了{cov['raw_coverage80']}与{cov['raw_coverage95']}的实际值，"
                    f"因此按回测误差重新标定（留一起点估计的覆盖率为{cov['coverage80']}与{cov['coverage95']}）"
                    if cal else f"回测中80%与95%区间分别覆盖了{cov['coverage80']}与{cov['coverage95']}的实际值")
        caption = (f"快手电商季度GMV（{fp(p0)}至{fp(p1)}，官方数据）与入选方法（{mname}，回测平均MASE {mase['selected_mase']}，"
                   f"最佳基准{bname}为{mase['best_benchmark_mase']}）的拟合与预测。{imp_text}"
                   f"{fp(nxt['period'])}的中位预测为{money(nxt['yhat'], lang)}（95%区间{money(nxt['lo95'], lang)}至"
                   f"{money(nxt['hi95'], lang)}），{fp(end['period'])}为{money(end['yhat'], lang)}（95%区间"
                   f"{money(end['lo95'], lang)}至{money(end['hi95'], lang)}）。阴影为80%与95%预测区间：{cal_text}。"
                   f"点划线为基准方法的预测。{src}")
        alt = (f"折线图：快手电商季度GMV自{fp(p0)}的{money(history['value_std'].iloc[0], lang)}起上升，"
               f"每年第四季度最高（{fp(peak['period'])}为{money(peak['value_std'], lang)}）；点线预测向{fp(end['period'])}"
               f"延伸并保持季节起伏，区间随预测步长变宽；点划线为基准（{bname}）。")
    else:
        imp_text = (f"{_list(imputed, lang)} was not reported separately and is the annual total minus the "
                    "other three quarters (hollow marker). " if imputed else "")
        cal_text = (f"in the backtest the model's own 80% and 95% intervals contained {cov['raw_coverage80']} and "
                    f"{cov['raw_coverage95']} of the actual values, so they were rescaled from the backtest errors "
                    f"(coverage estimated leaving each origin out: {cov['coverage80']} and {cov['coverage95']})"
                    if cal else f"in the backtest they contained {cov['coverage80']} and {cov['coverage95']} of the "
                                "actual values")
        caption = (f"Kuaishou quarterly e-commerce GMV (official figures, {fp(p0)} to {fp(p1)}) with the fit and "
                   f"forecast of the selected method ({mname}; backtest mean MASE {mase['selected_mase']}, best "
                   f"benchmark, the {bname}, {mase['best_benchmark_mase']}). {imp_text}The median forecast for "
                   f"{fp(nxt['period'])} is {money(nxt['yhat'], lang)} (95% interval {money(nxt['lo95'], lang)} "
                   f"to {money(nxt['hi95'], lang)}), for {fp(end['period'])} {money(end['yhat'], lang)} "
                   f"(95% interval {money(end['lo95'], lang)} to {money(end['hi95'], lang)}). Shaded bands are "
                   f"80% and 95% prediction intervals: {cal_text}. The dash-dotted line is the benchmark's "
                   f"forecast. {src}")
        alt = (f"Line chart: Kuaishou's quarterly GMV rises from {money(history['value_std'].iloc[0], lang)} in "
               f"{fp(p0)}, peaking each fourth quarter ({money(peak['value_std'], lang)} in {fp(peak['period'])}); "
               f"the dotted forecast continues the seasonal pattern to {fp(end['period'])} with bands that widen "
               f"with the horizon; the dash-dotted line is the benchmark ({bname}).")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 3 fees

def payment_fees(rates: "pd.DataFrame", forecast: "pd.DataFrame", implied: "pd.DataFrame",
                 lang: str) -> tuple["Figure", FigureText]:
    """Kuaishou's payment-channel fees: the paper's points, the implied fee rate and the projection.

    ``rates``: fee_rates.csv (points have a ``period``; ``range_min``, ``range_lo95``,
    ``range_central``, ``range_hi95``, ``range_max`` rows carry the range and the rate
    distribution); ``forecast``: forecasts rows of ``kuaishou_payment_fee_annual``;
    ``implied``: fee_sensitivity rows of Kuaishou's official GMV (scenarios rate_lo95/rate_hi95).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    scale, unit = MONEY_SCALE[lang]
    points = rates[rates["period"].notna() & (rates["period"].astype(str) != "")].copy()
    points["period"] = points["period"].astype(str)
    rng = rates.set_index("stat_id")
    rmin, rlo, rc, rhi, rmax = (float(rng.loc[f"range_{k}", "rate"]) for k in ("min", "lo95", "central", "hi95", "max"))
    forecast = forecast.sort_values("period")
    fig = new_figure(figsize=(6.3, 3.6))
    gs = fig.add_gridspec(1, 2, width_ratios=[3, 2], wspace=0.32)
    ax, axr = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])

    def marker(bound: str) -> str:
        return "^" if bound == "lower_bound" else "o"

    colours = {"annual": BLUE, "quarterly": VERMILLION}
    # implied fees: the rate distribution's 95% range × official GMV
    band = implied[implied["scenario"].isin(["rate_lo95", "rate_hi95"])]
    band = band.pivot_table(index="period", columns="scenario", values="fee").sort_index()
    if len(band):
        bx = [period_x(str(p)) for p in band.index]
        ax.fill_between(bx, band["rate_lo95"] / scale, band["rate_hi95"] / scale, color=GREY,
                        alpha=0.25, linewidth=0, gid="implied")
    for rec in points.itertuples(index=False):
        c = colours.get(rec.resolution, BLUE)
        ax.plot([period_x(rec.period)], [rec.fees / scale], marker=marker(rec.rate_bound), markersize=7,
                linestyle="none", color=c, gid=f"fees:{rec.stat_id}")
        axr.plot([period_x(rec.period)], [rec.rate * 100], marker=marker(rec.rate_bound), markersize=7,
                 linestyle="none", color=c, gid=f"rate:{rec.stat_id}")
    fx = [period_x(str(p)) for p in forecast["period"]]
    _fan(ax, fx, forecast, None, scale, BLUE, "kuaishou_payment_fee_annual")
    first = min(_years(points["period"]))
    last = max(_years(forecast["period"]))
    year_axis(ax, first, last, step=1)
    ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(_pick(lang, f"支付渠道手续费（{unit}）", f"Payment-channel fees ({unit})"))
    ax.set_title(_pick(lang, "（a）手续费与推算", "(a) Fees and projection"), fontsize=9)
    axr.axhspan(rlo * 100, rhi * 100, color=GREY, alpha=0.18, linewidth=0, gid="rate_band")
    axr.axhline(rc * 100, color=GREY, linestyle=":", linewidth=1.2, gid="rate_central")
    year_axis(axr, first, max(_years(points["period"])))
    pad = (rhi - rlo) * 0.5
    axr.set_ylim((min(rlo, rmin) - pad) * 100, (max(rhi, rmax) + pad) * 100)
    axr.yaxis.set_major_formatter(number_formatter(lang).__class__(lambda v, _p=None: f"{v:.2f}%"))
    axr.set_ylabel(_pick(lang, "手续费率（占GMV，%）", "Fee rate (% of GMV)"))
    axr.set_title(_pick(lang, "（b）手续费率", "(b) Fee rate"), fontsize=9)
    handles = [Line2D([], [], color=BLUE, marker="s", linestyle="none", label=_pick(lang, "全年", "Full year")),
               Line2D([], [], color=VERMILLION, marker="s", linestyle="none",
                      label=_pick(lang, "单季度", "Single quarter")),
               Line2D([], [], color=BLACK, marker="^", linestyle="none",
                      label=_pick(lang, "下限（原文“超过”）", "Lower bound (\"over\")")),
               Line2D([], [], color=BLACK, marker="o", linestyle="none", label=_pick(lang, "确切值", "Exact")),
               Patch(facecolor=GREY, alpha=0.35,
                     label=_pick(lang, "费率95%范围×官方GMV", "Rate's 95% range × official GMV")),
               Line2D([], [], color=BLUE, linestyle=":", linewidth=1.8,
                      label=_pick(lang, "推算中位数", "Projection median"))] + _band_proxies(lang)
    ax.legend(handles=handles, loc="upper left", fontsize=6.5, ncol=1)
    src = _sources(lang, SRC_PAPER, SRC_KUAISHOU, SRC_MODELS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    n_lb = int((points["rate_bound"] == "lower_bound").sum())
    end = forecast.iloc[-1]
    pts_zh = "、".join(f"{fp(r.period)}{money(r.fees, lang)}" for r in points.itertuples())
    pts_en = ", ".join(f"{money(r.fees, lang)} in {fp(r.period)}" for r in points.itertuples())
    f_first, f_last = fp(forecast["period"].iloc[0]), fp(end["period"])
    if lang == "zh":
        caption = (f"快手支付渠道手续费：原论文给出的数据点（{pts_zh}；三角形为下限，原文称“超过”，"
                   f"{len(points)}个点中有{n_lb}个）及其对应的手续费率（右图），介于{rate_pct(rmin, lang)}与"
                   f"{rate_pct(rmax, lang)}之间。费率分布以观测费率的对数均值与标准差为参数、在最低观测值处截断"
                   f"（下限只会被超过），其中位数{rate_pct(rc, lang)}（点线）为本文所用的中心费率，95%范围为"
                   f"{rate_pct(rlo, lang)}至{rate_pct(rhi, lang)}（浅灰带）。左图灰色带为该范围乘以官方GMV；"
                   f"{f_first}至{f_last}为由快手年度GMV预测（季度预测加总）推算的全年手续费，{f_last}中位数为"
                   f"{money(end['yhat'], lang)}（95%区间{money(end['lo95'], lang)}至{money(end['hi95'], lang)}），"
                   f"阴影为80%与95%区间。{src}")
        alt = (f"两幅图。左图：快手支付渠道手续费，原论文数据点为{pts_zh}，推算值向{f_last}升至约"
               f"{money(end['yhat'], lang)}。右图：各数据点的手续费率介于{rate_pct(rmin, lang)}至"
               f"{rate_pct(rmax, lang)}之间，中心费率为{rate_pct(rc, lang)}。")
    else:
        caption = (f"Kuaishou's payment-channel fees: the original paper's figures ({pts_en}; triangles are lower "
                   f"bounds, printed as \"over\", {n_lb} of {len(points)} points) and the fee rates they imply "
                   f"(right), between {rate_pct(rmin, lang)} and {rate_pct(rmax, lang)} of GMV. The rate "
                   f"distribution takes the mean and standard deviation of the observed log rates and is truncated "
                   f"below at the lowest (a lower bound can only be exceeded); its median, {rate_pct(rc, lang)} "
                   f"(dotted), is the central rate used here, its 95% range {rate_pct(rlo, lang)} to "
                   f"{rate_pct(rhi, lang)} (light band). The grey band on the left is that range times official GMV; "
                   f"{f_first} to {f_last} are full-year fees projected from Kuaishou's annual GMV forecast (the sum "
                   f"of its quarterly forecasts), with a median of {money(end['yhat'], lang)} for {f_last} (95% "
                   f"interval {money(end['lo95'], lang)} to {money(end['hi95'], lang)}); shaded bands are 80% and "
                   f"95% intervals. {src}")
        alt = (f"Two panels. Left: Kuaishou's payment-channel fees, the paper's points ({pts_en}) and a projection "
               f"rising to about {money(end['yhat'], lang)} in {f_last}. Right: the implied fee rates, between "
               f"{rate_pct(rmin, lang)} and {rate_pct(rmax, lang)}, with a central rate of {rate_pct(rc, lang)}.")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 4 Douyin fee bill

def douyin_fee_bill(sensitivity: "pd.DataFrame", forecast: "pd.DataFrame",
                    lang: str) -> tuple["Figure", FigureText]:
    """What Douyin would pay a third-party payment channel at Kuaishou's fee rate.

    ``sensitivity``: fee_sensitivity rows of Douyin's GMV estimates (one series per scope;
    series_id, period, gmv_basis, gmv, scenario, rate, fee); ``forecast``: the scenario rows of
    ``douyin_thirdparty_fee_annual`` (one path per scenario rule, no interval).
    """
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    scale, unit = MONEY_SCALE[lang]
    hist = sensitivity.copy()
    hist["period"] = hist["period"].astype(str)
    scopes = sorted(hist["series_id"].unique())
    fig = new_figure(figsize=(6.3, 4.4))
    gs = fig.add_gridspec(1, 2, width_ratios=[3, 2], wspace=0.3, bottom=0.3)
    ax, axs = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    latest = hist["period"].max()
    base = hist[(hist["period"] == latest) & (hist["scenario"] == "central")]
    base_sid = str(base["series_id"].iloc[0])
    handles = []
    for k, (sid, (colour, marker)) in enumerate(_scope_styles(scopes, base_sid).items()):
        g = hist[hist["series_id"] == sid]
        wide = g.pivot_table(index=["period", "gmv"], columns="scenario", values="fee").reset_index()
        wide = wide.groupby("period").agg({"central": ["min", "max"], "rate_lo95": "min", "rate_hi95": "max"})
        x = np.array([period_x(p) for p in wide.index]) + (k - (len(scopes) - 1) / 2) * 0.08
        mid = (wide[("central", "min")] + wide[("central", "max")]) / 2
        lo, hi = wide[("rate_lo95", "min")], wide[("rate_hi95", "max")]
        ax.errorbar(x, mid / scale, yerr=[(mid - lo) / scale, (hi - mid) / scale], fmt=marker, color=colour,
                    markerfacecolor="white", markersize=5, elinewidth=1, capsize=2, gid=f"bill:{sid}")
        handles.append(Line2D([], [], color=colour, marker=marker, markerfacecolor="white", linestyle="none",
                              label=series_name(sid, lang)))
    forecast = forecast.sort_values("period")
    wide_fc = forecast.pivot_table(index="period", columns="model", values="yhat").sort_index()
    y0 = float(base["fee"].iloc[0])
    xs = [period_x(latest)] + [period_x(str(p)) for p in wide_fc.index]
    ax.fill_between(xs, [y0 / scale] + list(wide_fc.min(axis=1) / scale), [y0 / scale] + list(wide_fc.max(axis=1) / scale),
                    facecolor="none", edgecolor=BLUE, hatch="///", linewidth=0.0, alpha=0.6, gid="scenario")
    handles.append(Patch(facecolor="none", edgecolor=BLUE, hatch="///",
                         label=_pick(lang, "情景区间（非预测区间）", "Scenario range (not a prediction interval)")))
    handles.append(Line2D([], [], color=BLACK, marker="|", markersize=8, linestyle="none",
                          label=_pick(lang, "费率95%范围", "Rate's 95% range")))
    log_y(ax, lang, subs=(1.0, 2.0, 5.0))
    first, last = int(hist["period"].min()[:4]), int(str(wide_fc.index[-1])[:4])
    year_axis(ax, first, last)
    ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.set_ylabel(_pick(lang, f"估计手续费（{unit}，对数刻度）", f"Estimated fees ({unit}, log scale)"))
    ax.set_title(_pick(lang, "（a）各口径GMV估计×中心费率", "(a) Each GMV estimate × central rate"), fontsize=9)
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=6,
               frameon=False)

    sens = hist[(hist["series_id"] == base_sid) & (hist["period"] == latest)].sort_values("rate")
    axs.plot(sens["rate"] * 100, sens["fee"] / scale, color=BLUE, marker="o", gid="sensitivity")
    r_lo = float(sens.loc[sens["scenario"] == "rate_lo95", "rate"].iloc[0])
    r_hi = float(sens.loc[sens["scenario"] == "rate_hi95", "rate"].iloc[0])
    axs.axvspan(r_lo * 100, r_hi * 100, color=GREY, alpha=0.25, linewidth=0)
    axs.set_xlim(0, float(sens["rate"].max()) * 100 * 1.08)
    axs.set_ylim(0, float(sens["fee"].max()) / scale * 1.12)
    top = float(sens["rate"].max()) * 100
    step = 0.2 if top > 0.45 else 0.1
    ticks = [round(t, 1) for t in np.arange(0, top + 1e-9, step)]
    axs.set_xticks(ticks, [f"{t:.1f}%" for t in ticks])
    axs.yaxis.set_major_formatter(number_formatter(lang))
    axs.set_xlabel(_pick(lang, "手续费率（占GMV）", "Fee rate (% of GMV)"))
    axs.set_ylabel(_pick(lang, f"{format_period(latest, lang)}手续费（{unit}）",
                         f"Fees in {format_period(latest, lang)} ({unit})"))
    axs.set_title(_pick(lang, f"（b）{format_period(latest, lang)}：随费率变化",
                        f"(b) {format_period(latest, lang)}: by fee rate"), fontsize=9)
    axs.text(r_hi * 100, float(sens["fee"].max()) / scale * 1.02, _pick(lang, " 费率95%范围", " rate's 95% range"),
             fontsize=7, color=GREY, ha="left", va="bottom")
    src = _sources(lang, SRC_MEDIA, SRC_PAPER, SRC_MODELS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    central = sens[sens["scenario"] == "central"].iloc[0]
    lo_row = sens[sens["scenario"] == "rate_lo95"].iloc[0]
    hi_row = sens[sens["scenario"] == "rate_hi95"].iloc[0]
    illus = sens[sens["scenario"].str.startswith("illustrative")]
    end = wide_fc.index[-1]
    rules = [model_name(r, lang) for r in wide_fc.columns]
    s_lo, s_hi = float(wide_fc.loc[end].min()), float(wide_fc.loc[end].max())
    if lang == "zh":
        ill = "，".join(f"费率为{rate_pct(float(r.rate), lang)}时为{money(r.fee, lang)}" for r in illus.itertuples())
        caption = (f"抖音若通过第三方支付通道结算的估计手续费（假设情景）：抖音电商GMV的各口径媒体估计（{len(scopes)}种口径，"
                   f"标记各异）乘以快手的中心手续费率{rate_pct(float(central['rate']), lang)}，误差线为费率95%范围"
                   f"（{rate_pct(float(lo_row['rate']), lang)}至{rate_pct(float(hi_row['rate']), lang)}）。"
                   f"{fp(latest)}（{series_name(base_sid, lang)}）约为{money(central['fee'], lang)}（{money(lo_row['fee'], lang)}"
                   f"至{money(hi_row['fee'], lang)}）。右图为{fp(latest)}手续费随费率的变化（示意费率：{ill}）。"
                   f"斜线区域为情景区间而非预测：{fp(end)}介于{money(s_lo, lang)}与{money(s_hi, lang)}之间"
                   f"（{_list(rules, lang)}）。左图纵轴为对数刻度。{src}")
        alt = (f"两幅图。左图（对数纵轴）：抖音各口径GMV估计对应的手续费，{fp(latest)}约{money(central['fee'], lang)}，"
               f"其后为至{fp(end)}的情景区间（{money(s_lo, lang)}至{money(s_hi, lang)}）。右图：{fp(latest)}手续费随费率"
               f"线性上升。")
    else:
        ill = ", ".join(f"{money(r.fee, lang)} at {rate_pct(float(r.rate), lang)}" for r in illus.itertuples())
        caption = (f"Douyin's estimated fee bill if it settled through a third-party payment channel (a hypothetical): "
                   f"Douyin's e-commerce GMV, as media estimates of {len(scopes)} different scopes (each its own "
                   f"marker), times Kuaishou's central fee rate of {rate_pct(float(central['rate']), lang)}; error "
                   f"bars span the rate's 95% range ({rate_pct(float(lo_row['rate']), lang)} to "
                   f"{rate_pct(float(hi_row['rate']), lang)}). For {fp(latest)} ({series_name(base_sid, lang)}) it "
                   f"is about {money(central['fee'], lang)} ({money(lo_row['fee'], lang)} to "
                   f"{money(hi_row['fee'], lang)}). The right panel varies the rate for {fp(latest)} (illustrative "
                   f"rates: {ill}). The hatched area is a scenario range, not a forecast: for {fp(end)} between "
                   f"{money(s_lo, lang)} and {money(s_hi, lang)} ({_list(rules, lang)}). Left panel on a log scale. "
                   f"{src}")
        alt = (f"Two panels. Left (log scale): Douyin's fee bill for each GMV estimate, about "
               f"{money(central['fee'], lang)} in {fp(latest)}, then a scenario range to {fp(end)} "
               f"({money(s_lo, lang)} to {money(s_hi, lang)}). Right: the {fp(latest)} bill grows linearly with "
               f"the fee rate.")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 5 market context

def _annual_gaps(periods: list[str], values: list[float]) -> tuple[list[float], list[float]]:
    """Annual points with NaN inserted for missing years, so lines break at gaps."""
    by_year = dict(zip(_years(periods), values))
    years = range(min(by_year), max(by_year) + 1)
    return [y + 0.5 for y in years], [by_year.get(y, float("nan")) for y in years]


def market_context_retail(series: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """NBS online retail sales (total and physical goods) and the physical-goods share of
    total retail sales of consumer goods."""
    scale, unit = MONEY_SCALE[lang]

    def rows(sid: str) -> "pd.DataFrame":
        return series[(series["series_id"] == sid) & series["use_in_model"]].sort_values("period")

    total, phys = rows("nbs_online_retail_sales"), rows("nbs_physical_online_retail_sales")
    share = rows("nbs_physical_share_of_retail_sales")
    fig = new_figure()
    gs = fig.add_gridspec(1, 2, wspace=0.3)
    ax, axs = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    ax.bar([period_x(p) for p in total["period"]], total["value_std"] / scale, width=0.75, color=SKY,
           label=_pick(lang, "网上零售额", "Online retail sales"), gid="total")
    ax.bar([period_x(p) for p in phys["period"]], phys["value_std"] / scale, width=0.45, color=BLUE,
           label=_pick(lang, "其中：实物商品", "of which physical goods"), gid="physical")
    first = min(_years(list(total["period"]) + list(share["period"])))
    last = max(_years(list(total["period"]) + list(share["period"])))
    year_axis(ax, first, last)
    ax.tick_params(axis="x", which="minor", labelsize=7, rotation=90)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(_pick(lang, f"金额（{unit}）", f"Sales ({unit})"))
    ax.set_title(_pick(lang, "（a）全国网上零售额", "(a) Online retail sales"), fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    sx, sy = _annual_gaps(list(share["period"]), list(share["value_std"]))
    axs.plot(sx, sy, color=GREEN, marker="o", gid="share")
    year_axis(axs, first, last)
    axs.tick_params(axis="x", which="minor", labelsize=7, rotation=90)
    axs.set_ylim(0, max(sy_ for sy_ in sy if sy_ == sy_) * 1.2)
    axs.yaxis.set_major_formatter(number_formatter(lang).__class__(lambda v, _p=None: f"{v:.0f}%"))
    axs.set_ylabel(_pick(lang, "占社会消费品零售总额（%）", "Share of total retail sales (%)"))
    axs.set_title(_pick(lang, "（b）实物商品网上零售额占比", "(b) Physical goods online, share"), fontsize=9)
    src = _sources(lang, SRC_NBS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    t0, t1 = total.iloc[0], total.iloc[-1]
    s0, s1 = share.iloc[0], share.iloc[-1]
    smax = share.loc[share["value_std"].idxmax()]
    missing = sorted(set(range(first, last + 1)) - set(_years(total["period"])))
    miss = [fp(str(y)) for y in missing]
    if lang == "zh":
        gap = f"{_list(miss, lang)}数据缺失。" if miss else ""
        caption = (f"中国网上零售额与实物商品网上零售额占社会消费品零售总额的比重。全国网上零售额由{fp(t0['period'])}的"
                   f"{money(t0['value_std'], lang)}增至{fp(t1['period'])}的{money(t1['value_std'], lang)}；实物商品网上零售额"
                   f"占比由{fp(s0['period'])}的{pct(s0['value_std'], lang)}升至{fp(smax['period'])}的"
                   f"{pct(smax['value_std'], lang)}，{fp(s1['period'])}为{pct(s1['value_std'], lang)}。{gap}{src}")
        alt = (f"两幅图。左图柱状图：网上零售额逐年增长，自{money(t0['value_std'], lang)}至{money(t1['value_std'], lang)}，"
               f"实物商品占其大部分。右图折线：实物商品网上零售额占比自{pct(s0['value_std'], lang)}升至"
               f"{pct(smax['value_std'], lang)}后趋平。")
    else:
        gap = f"No figure for {_list(miss, lang)}. " if miss else ""
        caption = (f"China's online retail sales and the share of physical goods sold online in total retail sales of "
                   f"consumer goods. Online retail sales grew from {money(t0['value_std'], lang)} in {fp(t0['period'])} "
                   f"to {money(t1['value_std'], lang)} in {fp(t1['period'])}; the physical-goods share rose from "
                   f"{pct(s0['value_std'], lang)} in {fp(s0['period'])} to {pct(smax['value_std'], lang)} in "
                   f"{fp(smax['period'])} and was {pct(s1['value_std'], lang)} in {fp(s1['period'])}. {gap}{src}")
        alt = (f"Two panels. Left, bars: online retail sales grow every year, from {money(t0['value_std'], lang)} to "
               f"{money(t1['value_std'], lang)}, most of it physical goods. Right, line: the physical-goods share "
               f"rises from {pct(s0['value_std'], lang)} to {pct(smax['value_std'], lang)} and then levels off.")
    return fig, FigureText(caption, alt)


def market_context_internet(series: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """CNNIC internet users and internet penetration (half-yearly reports)."""
    pscale, punit = PERSONS_SCALE[lang]

    def rows(sid: str) -> "pd.DataFrame":
        return series[(series["series_id"] == sid) & series["use_in_model"]].sort_values("period")

    users, pen = rows("cnnic_internet_users"), rows("cnnic_internet_penetration")
    fig = new_figure()
    gs = fig.add_gridspec(1, 2, wspace=0.3)
    ax, axp = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    ax.plot([month_end_x(p) for p in users["period"]], users["value_std"] / pscale, color=BLUE, marker="o",
            markersize=3.5, gid="users")
    axp.plot([month_end_x(p) for p in pen["period"]], pen["value_std"], color=GREEN, marker="o", markersize=3.5,
             gid="penetration")
    first = min(_years(users["period"]))
    last = max(_years(users["period"]))
    for a in (ax, axp):
        year_axis(a, first, last)
        a.tick_params(axis="x", which="minor", labelsize=7, rotation=90)
    ax.set_ylim(0, float(users["value_std"].max()) / pscale * 1.15)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(_pick(lang, f"网民规模（{punit}）", f"Internet users ({punit})"))
    ax.set_title(_pick(lang, "（a）网民规模", "(a) Internet users"), fontsize=9)
    axp.set_ylim(0, 100)
    axp.yaxis.set_major_formatter(number_formatter(lang).__class__(lambda v, _p=None: f"{v:.0f}%"))
    axp.set_ylabel(_pick(lang, "互联网普及率（%）", "Internet penetration (%)"))
    axp.set_title(_pick(lang, "（b）互联网普及率", "(b) Internet penetration"), fontsize=9)
    src = _sources(lang, SRC_CNNIC)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731

    def persons(rec) -> str:
        return format_quantity(float(rec["value_std"]), "persons", lang, resolution=float(rec["resolution_std"]))

    u0, u1, p0, p1 = users.iloc[0], users.iloc[-1], pen.iloc[0], pen.iloc[-1]
    if lang == "zh":
        caption = (f"中国网民规模与互联网普及率（半年度，截至各报告期末）。网民规模由{fp(u0['period'])}的{persons(u0)}增至"
                   f"{fp(u1['period'])}的{persons(u1)}，互联网普及率由{pct(p0['value_std'], lang)}升至"
                   f"{pct(p1['value_std'], lang)}。{src}")
        alt = (f"两幅折线图：网民规模自{fp(u0['period'])}的{persons(u0)}稳步增至{fp(u1['period'])}的{persons(u1)}，"
               f"增速近年放缓；互联网普及率自{pct(p0['value_std'], lang)}升至{pct(p1['value_std'], lang)}。")
    else:
        caption = (f"Internet users and internet penetration in China (half-yearly, at the end of each reporting "
                   f"period). Users grew from {persons(u0)} in {fp(u0['period'])} to {persons(u1)} in "
                   f"{fp(u1['period'])}, and penetration rose from {pct(p0['value_std'], lang)} to "
                   f"{pct(p1['value_std'], lang)}. {src}")
        alt = (f"Two line charts: internet users rise steadily from {persons(u0)} in {fp(u0['period'])} to "
               f"{persons(u1)} in {fp(u1['period'])}, more slowly in recent years; penetration rises from "
               f"{pct(p0['value_std'], lang)} to {pct(p1['value_std'], lang)}.")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 6 market shares

def payment_market_shares(series: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """Third-party mobile payment market shares of Alipay and Tenpay by period and research firm."""
    rows = series[(series["series_id"] == "payment_market_share_mobile") & series["use_in_model"]]
    periods = sorted(rows["period"].astype(str).unique())
    entities = [e for e in ("Alipay", "Tenpay") if e in set(rows["entity"])] + \
        sorted(set(rows["entity"]) - {"Alipay", "Tenpay"})
    colours = {"Alipay": BLUE, "Tenpay": GREEN}
    fig = new_figure()
    ax = fig.add_subplot()
    width = 0.8 / len(entities)

    def firm(key: str) -> str:
        return next((v[lang] for k, v in RESEARCH_FIRMS.items() if str(key).startswith(k)), str(key))

    for i, ent in enumerate(entities):
        for j, p in enumerate(periods):
            r = rows[(rows["entity"] == ent) & (rows["period"].astype(str) == p)]
            xpos = j + (i - (len(entities) - 1) / 2) * width
            if r.empty:
                ax.text(xpos, 2, _pick(lang, "未披露", "n/a"), ha="center", va="bottom", fontsize=7, color=GREY,
                        rotation=90)
                continue
            rec = r.iloc[0]
            ax.bar([xpos], [rec["value_std"]], width=width * 0.92, color=colours.get(ent, ORANGE),
                   gid=f"share:{ent}:{p}")
            ax.text(xpos, rec["value_std"] + 1, pct(rec["value_std"], lang,
                                                    max(0, -round(math.log10(rec["resolution_std"])))),
                    ha="center", va="bottom", fontsize=7)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=colours.get(e, ORANGE), label=ENTITY_NAMES[lang].get(e, e)) for e in entities],
              loc="upper right", fontsize=8)
    labels = []
    for p in periods:
        keys = rows[rows["period"].astype(str) == p]["source_key"].unique()
        labels.append(format_period(p, lang) + "\n" + _pick(lang, "来源：", "est. by ") + "、".join(firm(k) for k in keys)
                      if lang == "zh" else format_period(p, lang) + "\n" + "est. by " + ", ".join(firm(k) for k in keys))
    ax.set_xticks(range(len(periods)), labels)
    ax.set_ylim(0, 75)
    ax.yaxis.set_major_formatter(number_formatter(lang).__class__(lambda v, _p=None: f"{v:.0f}%"))
    ax.set_ylabel(_pick(lang, "移动支付交易规模份额（%）", "Share of mobile payment value (%)"))
    ax.set_title(_pick(lang, "第三方移动支付市场份额（研究机构估计）",
                       "Third-party mobile payment market shares (research-firm estimates)"))
    firms = sorted({firm(k) for k in rows["source_key"]})
    src = _sources(lang, ("研究机构估计：" + "、".join(firms) + "（经新闻报道转引）",
                          "research-firm estimates by " + _list(firms, "en") + " (as reported in the news)"))
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    by = {(r.entity, str(r.period)): r for r in rows.itertuples(index=False)}
    items_zh, items_en = [], []
    for p in periods:
        vals = [(ENTITY_NAMES[lang].get(e, e), by[(e, p)]) for e in entities if (e, p) in by]
        txt = [f"{n}{pct(r.value_std, lang, max(0, -round(math.log10(r.resolution_std))))}" for n, r in vals]
        txt_en = [f"{n} {pct(r.value_std, lang, max(0, -round(math.log10(r.resolution_std))))}" for n, r in vals]
        items_zh.append(f"{fp(p)}（{firm(vals[0][1].source_key)}）{'、'.join(txt)}")
        items_en.append(f"{fp(p)} ({firm(vals[0][1].source_key)}): {', '.join(txt_en)}")
    if lang == "zh":
        caption = ("第三方移动支付交易规模的市场份额。这些是研究机构的估计，并非官方统计，各机构的口径不尽相同："
                   + "；".join(items_zh) + "。" + src)
        alt = ("分组柱状图，按时期比较支付宝与财付通的份额：" + "；".join(items_zh) + "。")
    else:
        caption = ("Market shares of third-party mobile payment by transaction value. These are estimates by research "
                   "firms, not official statistics, and the firms' definitions differ: " + "; ".join(items_en) + ". "
                   + src)
        alt = ("Grouped bar chart comparing Alipay's and Tenpay's shares by period: " + "; ".join(items_en) + ".")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 7 complaints and risk

def complaints_risk(cited: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """合众易宝's complaints by type 2018–2020 against the 2021 total (log scale), and Douyin
    Pay's 2023 risk-event counts."""
    c = cited.set_index("stat_id")
    label_col = f"label_{lang}"
    fig = new_figure(figsize=(6.3, 3.6))
    gs = fig.add_gridspec(1, 2, width_ratios=[3, 2], wspace=0.6)
    ax, axr = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    years = sorted({str(p) for s, p in zip(cited["stat_id"], cited["period"].astype(str))
                    if s.startswith("hezhong_yibao_transaction_complaints_20")})
    kinds = [("transaction", BLUE, _pick(lang, "交易类", "Transaction")),
             ("service", GREEN, _pick(lang, "服务类", "Service"))]
    w = 0.36
    for i, (kind, colour, name) in enumerate(kinds):
        vals = [float(c.loc[f"hezhong_yibao_{kind}_complaints_{y}", "value_std"]) for y in years]
        xs = [j + (i - 0.5) * w for j in range(len(years))]
        ax.bar(xs, vals, width=w * 0.95, color=colour, label=name, gid=f"complaints:{kind}")
        for xx, v in zip(xs, vals):
            ax.text(xx, v * 1.12, format_quantity(v, "count", lang), ha="center", va="bottom", fontsize=7)
    total = c.loc["hezhong_yibao_complaints_total"]
    tx = len(years)
    ax.bar([tx], [float(total["value_std"])], width=w * 1.6, color=VERMILLION,
           label=_pick(lang, "交易类与服务类合计", "Transaction + service, total"), gid="complaints:total")
    ax.text(tx, float(total["value_std"]) * 1.12, format_quantity(float(total["value_std"]), "count", lang),
            ha="center", va="bottom", fontsize=7)
    ax.set_yscale("log")
    from matplotlib.ticker import FixedLocator, NullFormatter

    ax.yaxis.set_major_locator(FixedLocator([1, 10, 100, 1000, 10000, 100000]))
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(1, float(total["value_std"]) * 12)
    ax.set_xticks(range(len(years) + 1), [format_period(y, lang) for y in years]
                  + [format_period(str(total["period"]), lang)])
    ax.set_ylabel(_pick(lang, "客户投诉（件，对数刻度）", "Customer complaints (log scale)"))
    ax.set_title(_pick(lang, "（a）合众易宝客户投诉", "(a) Complaints, 合众易宝"), fontsize=9)
    ax.legend(loc="upper left", fontsize=7)

    risk_ids = ["douyin_pay_account_leak_risk_events_2023", "douyin_pay_fund_loss_risk_events_2023",
                "douyin_pay_customers_affected_2023", "douyin_pay_bank_accounts_affected_2023",
                "douyin_pay_payment_accounts_affected_2023"]
    risk_ids = [r for r in risk_ids if r in c.index]
    short = {"zh": ["账户泄露类事件", "资金损失类事件", "涉及客户（人）", "涉及银行账户", "涉及支付账户"],
             "en": ["Account-leak\nevents", "Fund-loss\nevents", "Customers\naffected", "Bank accounts\naffected",
                    "Payment accounts\naffected"]}[lang]
    vals = [float(c.loc[r, "value_std"]) for r in risk_ids]
    ys = list(range(len(risk_ids)))[::-1]
    colours = [GREY, VERMILLION, ORANGE, ORANGE, ORANGE][:len(risk_ids)]
    axr.barh(ys, vals, color=colours, height=0.6, gid="risk")
    for y, v in zip(ys, vals):
        axr.text(v + max(vals) * 0.03, y, format_quantity(v, "count", lang), va="center", fontsize=7)
    axr.set_yticks(ys, short[:len(risk_ids)], fontsize=7)
    axr.set_xlim(0, max(vals) * 1.25)
    axr.grid(False)
    axr.grid(True, axis="x")
    axr.set_xlabel(_pick(lang, "数量", "Count"))
    period = str(c.loc[risk_ids[1], "period"]) if len(risk_ids) > 1 else ""
    axr.set_title(_pick(lang, f"（b）抖音支付{format_period(period, lang)}风险事件",
                        f"(b) Douyin Pay risk events, {format_period(period, lang)}"), fontsize=9)
    src = _sources(lang, SRC_DISCLOSURE)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    q = lambda sid: format_quantity(float(c.loc[sid, "value_std"]), str(c.loc[sid, "unit_std"]), lang)  # noqa: E731
    trans = [q(f"hezhong_yibao_transaction_complaints_{y}") for y in years]
    serv = [q(f"hezhong_yibao_service_complaints_{y}") for y in years]
    tot = q("hezhong_yibao_complaints_total")
    ratio = float(total["value_std"]) / max(float(c.loc[f"hezhong_yibao_{k}_complaints_{y}", "value_std"])
                                            for k, _, _ in kinds for y in years)
    risk_text = [f"{c.loc[r, label_col]}：{q(r)}" if lang == "zh" else f"{c.loc[r, label_col]}: {q(r)}"
                 for r in risk_ids]
    if lang == "zh":
        caption = (f"左图：抖音支付的提供方合众易宝的客户投诉，{fp(years[0])}至{fp(years[-1])}按类型（交易类分别为"
                   f"{'、'.join(trans)}件，服务类分别为{'、'.join(serv)}件），与{fp(total['period'])}的合计{tot}件对比"
                   f"（约为此前单项最高值的{ratio:,.0f}倍；纵轴为对数刻度）。右图：抖音支付{fp(period)}的风险事件（"
                   + "；".join(risk_text) + "）。" + src)
        alt = (f"两幅柱状图。左图（对数纵轴）：{fp(years[0])}至{fp(years[-1])}每年的交易类与服务类投诉均在数十件，"
               f"{fp(total['period'])}合计跃升至{tot}件。右图：{fp(period)}账户泄露类风险事件为零，"
               f"资金损失类事件{q(risk_ids[1])}起。")
    else:
        caption = (f"Left: customer complaints against 合众易宝 (Hezhong Yibao), the provider of Douyin Pay, by type "
                   f"for {fp(years[0])}–{fp(years[-1])} (transaction-related {', '.join(trans)}; service-related "
                   f"{', '.join(serv)}) against the {fp(total['period'])} total of {tot} (about {ratio:,.0f} times "
                   f"the highest earlier count; log scale). Right: Douyin Pay's risk events in {fp(period)} ("
                   + "; ".join(risk_text) + "). " + src)
        alt = (f"Two bar charts. Left (log scale): transaction and service complaints number in the tens each year "
               f"from {fp(years[0])} to {fp(years[-1])}, then the {fp(total['period'])} total jumps to {tot}. Right: in "
               f"{fp(period)} there were no account-leak risk events and {q(risk_ids[1])} fund-loss events.")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 8 timeline

def douyin_pay_timeline(events: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """The events table as a timeline: points for dated events, bars for years and ranges."""
    ev = events.copy()
    ev["date_end"] = ev["date_end"].fillna("").astype(str)
    ev["x0"] = [period_start_x(d) for d in ev["date"]]
    ev = ev.sort_values(["x0", "event_id"]).reset_index(drop=True)
    n = len(ev)
    fig = new_figure(figsize=(6.3, 0.8 + 0.4 * n))
    ax = fig.add_subplot()
    first = int(math.floor(ev["x0"].min()))
    last = int(math.ceil(max(period_end_x(e or d) for d, e in zip(ev["date"], ev["date_end"]))))
    mid = (first + last) / 2
    width = 64 if lang == "en" else 34
    for i, rec in enumerate(ev.itertuples(index=False)):
        y = n - 1 - i
        end = rec.date_end or rec.date
        x0, x1 = period_start_x(rec.date), period_end_x(end)
        colour = VERMILLION if "Douyin Pay" in str(rec.entity) or "合众易宝" in str(rec.entity) else BLUE
        if rec.precision == "year" or rec.date_end:
            ax.barh([y], [x1 - x0], left=[x0], height=0.42, color=colour, alpha=0.55, gid=f"event:{rec.event_id}")
            anchor_l, anchor_r = x0, x1
        else:
            xm = period_x(rec.date)
            ax.plot([xm], [y], marker="D", markersize=5.5, color=colour, linestyle="none",
                    gid=f"event:{rec.event_id}")
            anchor_l = anchor_r = xm
        when = format_period(rec.date, lang) + (
            (_pick(lang, "至", "–") + format_period(rec.date_end, lang)) if rec.date_end else "")
        label = getattr(rec, f"label_{lang}")
        text = textwrap.fill(f"{when}{'：' if lang == 'zh' else ': '}{label}", width=width)
        if anchor_r < mid:
            ax.text(anchor_r + 0.15, y, text, va="center", ha="left", fontsize=6.8, linespacing=1.05)
        else:
            ax.text(anchor_l - 0.15, y, text, va="center", ha="right", fontsize=6.8, linespacing=1.05)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlim(first, last)
    ax.set_xticks(range(first, last + 1))
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    ax.set_title(_pick(lang, "抖音支付大事记", "Douyin Pay: a timeline"))
    fig.subplots_adjust(bottom=0.05, top=0.95)
    src = _sources(lang, ("原论文所述事件，经公开资料核对（见正文脚注）",
                          "events as stated in the original paper, checked against public sources (see the notes)"))
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    launch = ev[ev["event_id"] == "douyin_pay_launch"]
    launch_txt = ""
    if len(launch):
        launch_txt = _pick(lang, f"抖音支付于{fp(launch['date'].iloc[0])}在抖音APP内上线。",
                           f"Douyin Pay launched in the Douyin app in {fp(launch['date'].iloc[0])}. ")
    first_ev, last_ev = ev.iloc[0], ev.iloc[-1]
    n_ranges = int(((ev["precision"] == "year") | (ev["date_end"] != "")).sum())
    if lang == "zh":
        caption = (f"抖音支付相关事件时间线（{fp(first_ev['date'])}至{fp(last_ev['date_end'] or last_ev['date'])}，共{n}项）。"
                   f"菱形为精确到月或日的事件，横条为仅知年份或跨年的事件（{n_ranges}项）；红色为抖音支付及其提供方合众易宝，"
                   f"蓝色为监管与行业事件。{launch_txt}{src}")
        alt = (f"时间线：自{fp(first_ev['date'])}“{first_ev['label_zh']}”至{fp(last_ev['date'])}“{last_ev['label_zh']}”的"
               f"{n}项事件按时间自上而下排列。{launch_txt}")
    else:
        caption = (f"Timeline of events around Douyin Pay ({fp(first_ev['date'])} to "
                   f"{fp(last_ev['date_end'] or last_ev['date'])}, {n} events). Diamonds are events dated to the month "
                   f"or day, bars events known only to the year or spanning years ({n_ranges}); red marks Douyin Pay and "
                   f"its provider 合众易宝 (Hezhong Yibao), blue regulation and the industry. {launch_txt}{src}")
        alt = (f"Timeline of {n} events from top to bottom, from '{first_ev['label_en']}' ({fp(first_ev['date'])}) to "
               f"'{last_ev['label_en']}' ({fp(last_ev['date'])}). {launch_txt}").strip()
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 9 backtest

def backtest_errors(summary: "pd.DataFrame", selection: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """Backtest MASE of every method by horizon, one panel per series with scored forecasts;
    benchmarks are marked as such and the selected method is in bold.

    ``summary``: backtest_summary.csv; ``selection``: model_selection.csv.
    """
    from matplotlib.lines import Line2D

    sel = selection.set_index("series_id")
    scored = summary[summary["n_scored"] > 0]
    series_ids = [s for s in sel.index if s in set(scored["series_id"])]
    horizons = sorted(int(h) for h in scored["horizon"].unique())
    markers = ["o", "s", "^", "D"]
    colours = [BLUE, VERMILLION, GREEN, PURPLE]
    nmethods = [len(summary[summary["series_id"] == s]["model"].unique()) for s in series_ids]
    fig = new_figure(figsize=(6.3, 1.3 + 0.36 * sum(nmethods)))
    gs = fig.add_gridspec(len(series_ids), 1, height_ratios=nmethods, hspace=0.6)
    axes = [fig.add_subplot(gs[i]) for i in range(len(series_ids))]
    hi = float(scored["mase"].max())
    facts = []
    for ax, sid in zip(axes, series_ids):
        d = summary[summary["series_id"] == sid]
        methods = list(dict.fromkeys(d["model"]))
        chosen = str(sel.loc[sid, "selected_model"])
        kinds = dict(zip(d["model"], d["kind"]))
        for k, h in enumerate(horizons):
            dh = d[d["horizon"] == h].set_index("model")
            ys = [len(methods) - 1 - m + (k - (len(horizons) - 1) / 2) * 0.18 for m in range(len(methods))]
            xs = [float(dh.loc[m, "mase"]) if m in dh.index and dh.loc[m, "n_scored"] > 0 else float("nan")
                  for m in methods]
            ax.plot(xs, ys, linestyle="none", marker=markers[k % 4], color=colours[k % 4], markersize=4.5,
                    gid=f"mase:{sid}:h{h}")
        ax.axvline(1.0, color=GREY, linewidth=0.8, linestyle=":")
        labels = [model_name(m, lang) + (_pick(lang, "（基准）", " (benchmark)") if kinds[m] == "benchmark" else "")
                  + (_pick(lang, "（入选）", " (selected)") if m == chosen else "") for m in methods]
        ax.set_yticks(range(len(methods) - 1, -1, -1), labels, fontsize=7)
        for t, m in zip(ax.get_yticklabels(), methods):
            if m == chosen:
                t.set_fontweight("bold")
            elif kinds[m] == "benchmark":
                t.set_color(GREY)
        ax.set_ylim(-0.6, len(methods) - 0.4)
        ax.set_xlim(0, hi * 1.08)
        ax.xaxis.set_major_formatter(number_formatter(lang))
        ax.grid(True, axis="x", which="major")
        ax.grid(False, axis="y")
        n_or = int(sel.loc[sid, "n_origins"])
        ax.set_title(series_name(sid, lang) + _pick(lang, f"（{n_or}个起点）", f" ({n_or} origins)"), fontsize=8.5)
        facts.append(dict(sid=sid, chosen=chosen, n_origins=n_or, mase=float(sel.loc[sid, "selected_mase"]),
                          bench=str(sel.loc[sid, "best_benchmark"]), bench_mase=float(sel.loc[sid, "best_benchmark_mase"])))
    axes[-1].set_xlabel(_pick(lang, "回测MASE（平均绝对比例误差；1 = 样本内（季节）朴素法的误差）",
                              "Backtest MASE (mean absolute scaled error; 1 = the in-sample (seasonal) naive error)"))
    handles = [Line2D([], [], linestyle="none", marker=markers[k % 4], color=colours[k % 4],
                      label=_pick(lang, f"提前{h}期", f"{h} step{'s' if h > 1 else ''} ahead"))
               for k, h in enumerate(horizons)]
    axes[0].legend(handles=handles, loc="lower right", fontsize=7, ncol=len(horizons),
                   bbox_to_anchor=(1.0, 1.12), borderaxespad=0.2)
    src = _sources(lang, ("本文方法的时间序列交叉验证（基于快手业绩公告的数据）",
                          "time-series cross-validation of this paper's methods (data: Kuaishou results "
                          "announcements)"))
    source_line(fig, src)

    def fm(x: float) -> str:
        return f"{x:.2f}"

    if lang == "zh":
        per = [f"{series_name(f['sid'], lang)}（{f['n_origins']}个起点）入选{model_name(f['chosen'], lang)}，平均MASE为"
               f"{fm(f['mase'])}，最佳基准{model_name(f['bench'], lang)}为{fm(f['bench_mase'])}" for f in facts]
        caption = (f"各序列候选方法与基准方法的回测平均绝对比例误差（MASE），按预测步长（提前"
                   f"{'、'.join(str(h) for h in horizons)}期）分列；扩展窗口的时间序列交叉验证，每个起点只用此前的数据。"
                   f"MASE以样本内（季节）朴素法的误差为单位，点线为1。入选方法以粗体标出，基准为灰色：" + "；".join(per)
                   + "。" + src)
        alt = f"点图：{len(facts)}个序列中各方法在各预测步长上的回测MASE；" + "；".join(per) + "。"
    else:
        per = [f"for {series_name(f['sid'], lang)} ({f['n_origins']} origins) the {model_name(f['chosen'], lang)} is "
               f"selected with a mean MASE of {fm(f['mase'])}, against {fm(f['bench_mase'])} for the best benchmark, "
               f"the {model_name(f['bench'], lang)}" for f in facts]
        caption = (f"Backtest mean absolute scaled error (MASE) of every candidate and benchmark, by forecast horizon "
                   f"({_list([str(h) for h in horizons], lang)} steps ahead); expanding-window time-series "
                   f"cross-validation, each origin fitted only on earlier data. MASE is in units of the in-sample "
                   f"(seasonal) naive error; the dotted line is 1. The selected methods are in bold, benchmarks in "
                   f"grey: " + "; ".join(per) + ". " + src)
        alt = (f"Dot plot of each method's backtest MASE by horizon for {len(facts)} series; " + "; ".join(per) + ".")
    return fig, FigureText(caption, alt)
