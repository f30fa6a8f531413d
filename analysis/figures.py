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
SERIES_COLOURS = {"kuaishou_ecommerce_gmv_annual": ORANGE, "douyin_ecommerce_gmv_annual": BLUE,
                  "kuaishou_ecommerce_gmv_quarterly": ORANGE}

SERIES_NAMES = {
    "zh": {"kuaishou_ecommerce_gmv_annual": "快手电商GMV（年度）",
           "kuaishou_ecommerce_gmv_quarterly": "快手电商GMV（季度）",
           "douyin_ecommerce_gmv_annual": "抖音电商GMV（年度）"},
    "en": {"kuaishou_ecommerce_gmv_annual": "Kuaishou e-commerce GMV (annual)",
           "kuaishou_ecommerce_gmv_quarterly": "Kuaishou e-commerce GMV (quarterly)",
           "douyin_ecommerce_gmv_annual": "Douyin e-commerce GMV (annual)"},
}
ENTITY_NAMES = {"zh": {"Kuaishou": "快手", "Douyin": "抖音", "Alipay": "支付宝", "Tenpay": "财付通"},
                "en": {"Kuaishou": "Kuaishou", "Douyin": "Douyin", "Alipay": "Alipay",
                       "Tenpay": "Tenpay"}}
MODEL_NAMES = {
    "zh": {"loglinear_trend": "对数线性趋势", "holt_damped": "阻尼Holt趋势", "gompertz": "Gompertz曲线",
           "seasonal_trend": "季节趋势模型", "gmv_x_rate": "GMV×费率"},
    "en": {"loglinear_trend": "log-linear trend", "holt_damped": "damped Holt trend",
           "gompertz": "Gompertz curve", "seasonal_trend": "seasonal trend",
           "gmv_x_rate": "GMV × fee rate"},
}
# Research firms behind the market-share estimates, by the prefix of their source key.
RESEARCH_FIRMS = {"analysys": {"zh": "易观", "en": "Analysys"},
                  "iresearch": {"zh": "艾瑞咨询", "en": "iResearch"}}


@dataclass(frozen=True)
class FigureText:
    caption: str
    alt: str


# --------------------------------------------------------------------------- helpers

def model_name(model: str, lang: str) -> str:
    return MODEL_NAMES[lang].get(model, model)


def series_name(series_id: str, lang: str) -> str:
    return SERIES_NAMES[lang].get(series_id, series_id)


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

def gmv_history_forecast(series: "pd.DataFrame", forecasts: "pd.DataFrame",
                         selection: "pd.DataFrame", lang: str,
                         series_ids: tuple[str, ...] = ("kuaishou_ecommerce_gmv_annual",
                                                        "douyin_ecommerce_gmv_annual")
                         ) -> tuple["Figure", FigureText]:
    """Annual e-commerce GMV of Kuaishou (official) and Douyin (media estimates), with the
    forecast fan of each series' selected model.

    ``series``: public_series rows (all rows; ``use_in_model`` False marks conflicting
    estimates); ``forecasts``: forecasts.csv rows; ``selection``: model_selection.csv.
    """
    from matplotlib.lines import Line2D

    scale, unit = MONEY_SCALE[lang]
    sel = selection.set_index("series_id")
    fig = new_figure()
    ax = fig.add_subplot()
    handles = []
    facts = {}
    for sid in series_ids:
        colour = SERIES_COLOURS.get(sid, BLUE)
        rows = series[series["series_id"] == sid]
        used = rows[rows["use_in_model"]].sort_values("period")
        other = rows[~rows["use_in_model"]].sort_values("period")
        entity = ENTITY_NAMES[lang].get(str(used["entity"].iloc[0]), str(used["entity"].iloc[0]))
        official = used["status"].eq("official")
        x = [int(p) for p in used["period"]]
        y = list(used["value_std"] / scale)
        all_official = bool(official.all())
        kind = _pick(lang, "官方数据", "official") if all_official else _pick(lang, "媒体估计", "media estimates")
        ax.plot(x, y, color=colour, linestyle="-" if all_official else "--", gid=f"history:{sid}")
        for is_off, group in ((True, used[official]), (False, used[~official])):
            if len(group):
                ax.plot([int(p) for p in group["period"]], group["value_std"] / scale, linestyle="none",
                        marker="o", markersize=5, color=colour,
                        markerfacecolor=colour if is_off else "white", markeredgewidth=1.3)
        handles.append(Line2D([], [], color=colour, linestyle="-" if all_official else "--", marker="o",
                              markerfacecolor=colour if all_official else "white",
                              label=f"{entity}（{kind}）" if lang == "zh" else f"{entity} ({kind})"))
        if len(other):
            ax.plot([int(p) for p in other["period"]], other["value_std"] / scale, linestyle="none",
                    marker="x", markersize=5, color=colour, gid=f"unused:{sid}")
        model = str(sel.loc[sid, "selected_model"])
        fc = forecasts[(forecasts["series_id"] == sid) & (forecasts["model"] == model)].sort_values("period")
        _fan(ax, [int(p) for p in fc["period"]], fc, (x[-1], float(used["value_std"].iloc[-1])),
             scale, colour, sid)
        handles.append(Line2D([], [], color=colour, linestyle=":", linewidth=1.8,
                              label=_pick(lang, f"{entity}预测中位数（{model_name(model, lang)}）",
                                          f"{entity} forecast median ({model_name(model, lang)})")))
        end = fc.iloc[-1]
        facts[sid] = dict(entity=entity, model=model, first=str(used["period"].iloc[0]),
                          last=str(used["period"].iloc[-1]), v_first=float(used["value_std"].iloc[0]),
                          v_last=float(used["value_std"].iloc[-1]), end=str(end["period"]),
                          yhat=float(end["yhat"]), lo95=float(end["lo95"]), hi95=float(end["hi95"]),
                          official=all_official, n_other=len(other),
                          reliable=bool(sel.loc[sid, "reliable"]) if "reliable" in sel.columns else True,
                          mape=float(sel.loc[sid, "mean_mape"]) if "mean_mape" in sel.columns else float("nan"))
    handles.append(Line2D([], [], color=GREY, marker="x", linestyle="none",
                          label=_pick(lang, "相互冲突、未用于模型的估计", "conflicting estimates, not modelled")))
    handles += _band_proxies(lang)
    log_y(ax, lang)
    first_year = min(_years(series[series["series_id"].isin(series_ids)]["period"]))
    last_year = max(int(f["end"]) for f in facts.values())
    ax.set_xticks(range(first_year, last_year + 1))
    ax.set_xlim(first_year - 0.3, last_year + 0.3)
    ax.set_ylabel(_pick(lang, f"GMV（{unit}，对数刻度）", f"GMV ({unit}, log scale)"))
    ax.set_title(_pick(lang, "抖音与快手电商GMV：历史数据与所选模型的预测",
                       "Douyin and Kuaishou e-commerce GMV: history and forecasts"))
    ax.legend(handles=handles, loc="upper left", ncol=2, fontsize=7)
    ax.grid(True, which="major", axis="y")
    ax.set_ylim(top=ax.get_ylim()[1] * 8)  # room for the legend above the fans
    src = _sources(lang, SRC_KUAISHOU, SRC_MEDIA, SRC_MODELS)
    source_line(fig, src)

    parts_zh, parts_en, hist_zh, hist_en, warn_zh, warn_en = [], [], [], [], [], []
    for f in facts.values():
        span = (money(f["lo95"], lang), money(f["hi95"], lang))
        parts_zh.append(f"{f['entity']}{money(f['yhat'], lang)}（{model_name(f['model'], lang)}，"
                        f"95%区间{span[0]}至{span[1]}）")
        parts_en.append(f"{f['entity']} {money(f['yhat'], lang)} ({model_name(f['model'], lang)}; "
                        f"95% interval {span[0]} to {span[1]})")
        kind_zh = "官方数据，实心点、实线" if f["official"] else "媒体估计，空心点、虚线"
        kind_en = "official figures, filled markers, solid line" if f["official"] else \
            "media estimates, hollow markers, dashed line"
        hist_zh.append(f"{f['entity']}{format_period(f['first'], lang)}至{format_period(f['last'], lang)}"
                       f"由{money(f['v_first'], lang)}增至{money(f['v_last'], lang)}（{kind_zh}）")
        hist_en.append(f"{f['entity']}'s GMV rose from {money(f['v_first'], lang)} in {f['first']} to "
                       f"{money(f['v_last'], lang)} in {f['last']} ({kind_en})")
        if not f["reliable"]:
            warn_zh.append(f"{f['entity']}所选模型的回测平均MAPE为{pct(f['mape'], lang, 0)}，"
                           "其预测不可靠，仅作示意。")
            warn_en.append(f"The model selected for {f['entity']} has a backtest mean MAPE of "
                           f"{pct(f['mape'], lang, 0)}, so its forecast is unreliable and only indicative. ")
    end = max(f["end"] for f in facts.values())
    widths = {f["entity"]: f["hi95"] / f["lo95"] for f in facts.values()}
    widest = max(widths, key=widths.get)
    if lang == "zh":
        caption = ("抖音与快手电商GMV的历史数据与预测：" + "；".join(hist_zh) + "。点线为各序列按回测选出的模型的"
                   f"中位预测，阴影为80%与95%预测区间；{format_period(end, lang)}的中位预测为"
                   + "，".join(parts_zh) + "。叉号为与所用数据相冲突、未用于模型的媒体估计。"
                   + "".join(warn_zh) + "纵轴为对数刻度。" + src)
        alt = ("折线图（对数纵轴）：" + "；".join(hist_zh) + f"。两条点线预测向{format_period(end, lang)}延伸，"
               f"{widest}的预测区间最宽。")
    else:
        caption = ("Douyin and Kuaishou e-commerce GMV, history and forecasts: " + "; ".join(hist_en)
                   + ". Dotted lines are the median forecasts of the model selected for each series by "
                   f"backtest, shaded bands their 80% and 95% prediction intervals; for {end} the medians are "
                   + " and ".join(parts_en) + ". Crosses mark media estimates that conflict with the ones "
                   "used and are not modelled. " + "".join(warn_en) + "Log scale. " + src)
        alt = ("Line chart (log scale): " + "; ".join(hist_en) + f". Dotted forecasts continue to {end}; "
               f"{widest}'s prediction band is the widest.")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 2 quarterly

def kuaishou_quarterly_gmv(history: "pd.DataFrame", fitted: "pd.DataFrame", forecast: "pd.DataFrame",
                           model: str, lang: str) -> tuple["Figure", FigureText]:
    """Kuaishou's quarterly GMV with the selected model's fitted values and forecast.

    ``history``: period, value_std, imputed (bool: filled by identity, not reported);
    ``fitted``: period, yhat (in-sample); ``forecast``: period, yhat, lo80, hi80, lo95, hi95.
    """
    from matplotlib.lines import Line2D

    scale, unit = MONEY_SCALE[lang]
    history = history.sort_values("period")
    forecast = forecast.sort_values("period")
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
    ax.plot([period_x(p) for p in fitted["period"]], fitted["yhat"] / scale, color=BLACK, linewidth=1.0,
            linestyle="--", gid="fitted")
    fx = [period_x(p) for p in forecast["period"]]
    _fan(ax, fx, forecast, (hx[-1], float(history["value_std"].iloc[-1])), scale, BLUE,
         "kuaishou_ecommerce_gmv_quarterly")
    first, last = int(str(history["period"].iloc[0])[:4]), int(str(forecast["period"].iloc[-1])[:4])
    year_axis(ax, first, last)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(_pick(lang, f"季度GMV（{unit}）", f"Quarterly GMV ({unit})"))
    ax.set_title(_pick(lang, "快手电商季度GMV：官方数据、模型拟合与预测",
                       "Kuaishou quarterly e-commerce GMV: official figures, fit and forecast"))
    mname = model_name(model, lang)
    handles = [Line2D([], [], color=ORANGE, marker="o", label=_pick(lang, "官方季度数据", "Official quarterly figures")),
               Line2D([], [], color=ORANGE, marker="o", markerfacecolor="white", linestyle="none",
                      label=_pick(lang, "由年度合计推得的季度", "Quarter implied by the annual total")),
               Line2D([], [], color=BLACK, linestyle="--", linewidth=1.0,
                      label=_pick(lang, f"拟合值（{mname}）", f"Fitted ({mname})")),
               Line2D([], [], color=BLUE, linestyle=":", linewidth=1.8,
                      label=_pick(lang, "预测中位数", "Forecast median"))] + _band_proxies(lang)
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
    if lang == "zh":
        imp_text = (f"{_list(imputed, lang)}未单独披露，由全年合计减去其余三个季度推得（空心点）。" if imputed else "")
        caption = (f"快手电商季度GMV（{fp(p0)}至{fp(p1)}，官方数据）与所选模型（{mname}）的拟合值和预测。"
                   f"{imp_text}{fp(nxt['period'])}的中位预测为{money(nxt['yhat'], lang)}（95%区间"
                   f"{money(nxt['lo95'], lang)}至{money(nxt['hi95'], lang)}），{fp(end['period'])}为"
                   f"{money(end['yhat'], lang)}（95%区间{money(end['lo95'], lang)}至{money(end['hi95'], lang)}）。"
                   f"阴影为80%与95%预测区间。{src}")
        alt = (f"折线图：快手电商季度GMV自{fp(p0)}的{money(history['value_std'].iloc[0], lang)}起逐年上升，"
               f"每年第四季度最高（{fp(peak['period'])}为{money(peak['value_std'], lang)}）；虚线拟合值贴近数据，"
               f"点线预测向{fp(end['period'])}延伸并保持季节起伏。")
    else:
        imp_text = (f"{_list(imputed, lang)} was not reported separately and is the annual total minus the "
                    "other three quarters (hollow marker). " if imputed else "")
        caption = (f"Kuaishou quarterly e-commerce GMV (official figures, {fp(p0)} to {fp(p1)}) with the fitted "
                   f"values and forecast of the selected model ({mname}). {imp_text}The median forecast for "
                   f"{fp(nxt['period'])} is {money(nxt['yhat'], lang)} (95% interval {money(nxt['lo95'], lang)} "
                   f"to {money(nxt['hi95'], lang)}), for {fp(end['period'])} {money(end['yhat'], lang)} "
                   f"(95% interval {money(end['lo95'], lang)} to {money(end['hi95'], lang)}). Shaded bands are "
                   f"80% and 95% prediction intervals. {src}")
        alt = (f"Line chart: Kuaishou's quarterly GMV rises from {money(history['value_std'].iloc[0], lang)} in "
               f"{fp(p0)}, peaking each fourth quarter ({money(peak['value_std'], lang)} in {fp(peak['period'])}); "
               f"the dashed fit follows the data and the dotted forecast continues the seasonal pattern to "
               f"{fp(end['period'])}.")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 3 fees

def payment_fees(rates: "pd.DataFrame", forecast: "pd.DataFrame", implied: "pd.DataFrame",
                 lang: str) -> tuple["Figure", FigureText]:
    """Kuaishou's payment-channel fees: the paper's points, the implied fee rate and the projection.

    ``rates``: fee_rates.csv (points have a ``period``; ``range_min``/``range_mean``/``range_max``
    rows carry the range); ``forecast``: forecasts rows of ``kuaishou_payment_fee_annual``;
    ``implied``: fee_sensitivity rows of Kuaishou's official GMV (scenarios observed_min/max).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    scale, unit = MONEY_SCALE[lang]
    points = rates[rates["period"].notna() & (rates["period"].astype(str) != "")].copy()
    points["period"] = points["period"].astype(str)
    rng = rates.set_index("stat_id")
    rmin, rmean, rmax = (float(rng.loc[f"range_{k}", "rate"]) for k in ("min", "mean", "max"))
    forecast = forecast.sort_values("period")
    fig = new_figure(figsize=(6.3, 3.6))
    gs = fig.add_gridspec(1, 2, width_ratios=[3, 2], wspace=0.32)
    ax, axr = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])

    def marker(bound: str) -> str:
        return "^" if bound == "lower_bound" else "o"

    colours = {"annual": BLUE, "quarterly": VERMILLION}
    # implied fees: observed rate range × official GMV
    band = implied[implied["scenario"].isin(["observed_min", "observed_max"])]
    band = band.pivot_table(index="period", columns="scenario", values="fee").sort_index()
    if len(band):
        bx = [period_x(str(p)) for p in band.index]
        ax.fill_between(bx, band["observed_min"] / scale, band["observed_max"] / scale, color=GREY,
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
    axr.axhspan(rmin * 100, rmax * 100, color=GREY, alpha=0.18, linewidth=0)
    axr.axhline(rmean * 100, color=GREY, linestyle=":", linewidth=1.2, gid="rate_mean")
    year_axis(axr, first, max(_years(points["period"])))
    lo, hi = rmin * 100, rmax * 100
    pad = (hi - lo) * 0.8
    axr.set_ylim(lo - pad, hi + pad)
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
                     label=_pick(lang, "观测费率区间×官方GMV", "Observed rate range × official GMV")),
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
                   f"{len(points)}个点中有{n_lb}个）及其对应的手续费率（右图）：费率介于{rate_pct(rmin, lang)}"
                   f"与{rate_pct(rmax, lang)}之间，均值{rate_pct(rmean, lang)}（点线）。灰色带为观测费率区间乘以"
                   f"官方GMV；{f_first}至{f_last}为按所选GMV模型推算的全年手续费，{f_last}中位数为"
                   f"{money(end['yhat'], lang)}（95%区间{money(end['lo95'], lang)}至{money(end['hi95'], lang)}），"
                   f"阴影为80%与95%区间。{src}")
        alt = (f"两幅图。左图：快手支付渠道手续费，原论文数据点为{pts_zh}，推算值向{f_last}升至约"
               f"{money(end['yhat'], lang)}。右图：各数据点的手续费率集中在{rate_pct(rmin, lang)}至"
               f"{rate_pct(rmax, lang)}之间。")
    else:
        caption = (f"Kuaishou's payment-channel fees: the original paper's figures ({pts_en}; triangles are lower "
                   f"bounds, printed as \"over\", {n_lb} of {len(points)} points) and the fee rates they imply "
                   f"(right): between {rate_pct(rmin, lang)} and {rate_pct(rmax, lang)} of GMV, "
                   f"{rate_pct(rmean, lang)} on average (dotted). The grey band is the observed rate range times "
                   f"official GMV; {f_first} to {f_last} are full-year fees projected from the selected GMV model, "
                   f"with a median of {money(end['yhat'], lang)} for {f_last} (95% interval "
                   f"{money(end['lo95'], lang)} to {money(end['hi95'], lang)}); shaded bands are 80% and 95% "
                   f"intervals. {src}")
        alt = (f"Two panels. Left: Kuaishou's payment-channel fees, the paper's points ({pts_en}) and a projection "
               f"rising to about {money(end['yhat'], lang)} in {f_last}. Right: the implied fee rates, all between "
               f"{rate_pct(rmin, lang)} and {rate_pct(rmax, lang)}.")
    return fig, FigureText(caption, alt)


# --------------------------------------------------------------------------- 4 Douyin fee bill

def douyin_fee_bill(sensitivity: "pd.DataFrame", forecast: "pd.DataFrame", reliable: bool,
                    lang: str) -> tuple["Figure", FigureText]:
    """What Douyin would pay a third-party payment channel at Kuaishou's observed fee rates.

    ``sensitivity``: fee_sensitivity rows of ``douyin_ecommerce_gmv_annual`` (period, gmv_basis,
    gmv, scenario, rate, fee); ``forecast``: forecasts rows of ``douyin_thirdparty_fee_annual``;
    ``reliable``: whether the Douyin GMV model behind the forecast passed its backtest.
    """
    import numpy as np
    from matplotlib.lines import Line2D

    scale, unit = MONEY_SCALE[lang]
    hist = sensitivity[sensitivity["gmv_basis"].astype(str).str.startswith("media_estimate")].copy()
    hist["period"] = hist["period"].astype(str)
    wide = hist.pivot_table(index="period", columns="scenario", values="fee").sort_index()
    forecast = forecast.sort_values("period")
    fig = new_figure(figsize=(6.3, 3.6))
    gs = fig.add_gridspec(1, 2, width_ratios=[3, 2], wspace=0.3)
    ax, axs = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    x = [period_x(p) for p in wide.index]
    mean, lo, hi = wide["observed_mean"], wide["observed_min"], wide["observed_max"]
    ax.bar(x, mean / scale, width=0.6, color=BLUE, alpha=0.85, gid="bill")
    ax.errorbar(x, mean / scale, yerr=[(mean - lo) / scale, (hi - mean) / scale], fmt="none",
                ecolor=BLACK, elinewidth=1, capsize=2.5)
    fx = [period_x(str(p)) for p in forecast["period"]]
    _fan(ax, fx, forecast, None, scale, VERMILLION, "douyin_thirdparty_fee_annual")
    log_y(ax, lang, subs=(1.0, 2.0, 5.0))
    first, last = int(wide.index[0][:4]), int(str(forecast["period"].iloc[-1])[:4])
    year_axis(ax, first, last)
    ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.set_ylabel(_pick(lang, f"估计手续费（{unit}，对数刻度）", f"Estimated fees ({unit}, log scale)"))
    ax.set_title(_pick(lang, "（a）按年估计与预测", "(a) By year, with forecast"), fontsize=9)
    handles = [Line2D([], [], color=BLUE, marker="s", markersize=7, linestyle="none",
                      label=_pick(lang, "媒体估计GMV×观测均值费率", "Media-estimate GMV × mean rate")),
               Line2D([], [], color=BLACK, marker="|", markersize=8, linestyle="none",
                      label=_pick(lang, "观测费率区间", "Observed rate range")),
               Line2D([], [], color=VERMILLION, linestyle=":", linewidth=1.8,
                      label=_pick(lang, "预测中位数", "Forecast median"))] + _band_proxies(lang)
    ax.legend(handles=handles, loc="upper left", fontsize=6.5)

    latest = wide.index[-1]
    sens = hist[hist["period"] == latest].sort_values("rate")
    axs.plot(sens["rate"] * 100, sens["fee"] / scale, color=BLUE, marker="o", gid="sensitivity")
    axs.axvspan(float(lo_rate := sens.loc[sens["scenario"] == "observed_min", "rate"].iloc[0]) * 100,
                float(hi_rate := sens.loc[sens["scenario"] == "observed_max", "rate"].iloc[0]) * 100,
                color=GREY, alpha=0.25, linewidth=0)
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
    axs.text(float(hi_rate) * 100, float(sens["fee"].max()) / scale * 1.02,
             _pick(lang, " 观测区间", " observed"), fontsize=7, color=GREY, ha="left", va="bottom")
    src = _sources(lang, SRC_MEDIA, SRC_PAPER, SRC_MODELS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    end = forecast.iloc[-1]
    rlo, rhi = sens.iloc[0], sens.iloc[-1]
    gmv_latest = float(sens["gmv"].iloc[0])
    warn = ("" if reliable else _pick(lang, "所依据的抖音GMV模型未通过回测检验，预测仅作示意。",
                                      "The Douyin GMV model behind it failed its backtest, so the forecast is "
                                      "only indicative. "))
    if lang == "zh":
        caption = (f"抖音若通过第三方支付通道结算的估计手续费（假设情景）：抖音电商GMV（媒体估计）乘以快手观测到的"
                   f"手续费率（{rate_pct(float(lo_rate), lang)}至{rate_pct(float(hi_rate), lang)}），即自有支付牌照可省下的费用。"
                   f"{fp(latest)}按均值费率约为{money(mean.iloc[-1], lang)}（区间{money(lo.iloc[-1], lang)}至"
                   f"{money(hi.iloc[-1], lang)}，GMV为{money(gmv_latest, lang)}）。右图为{fp(latest)}手续费随费率的变化："
                   f"费率为{rate_pct(float(rlo['rate']), lang)}时为{money(rlo['fee'], lang)}，为"
                   f"{rate_pct(float(rhi['rate']), lang)}时为{money(rhi['fee'], lang)}。{fp(forecast['period'].iloc[0])}"
                   f"至{fp(end['period'])}为预测（{fp(end['period'])}中位数{money(end['yhat'], lang)}，95%区间"
                   f"{money(end['lo95'], lang)}至{money(end['hi95'], lang)}）。{warn}左图纵轴为对数刻度。{src}")
        alt = (f"两幅图。左图（对数纵轴）：抖音估计手续费逐年上升，{fp(wide.index[0])}约{money(mean.iloc[0], lang)}，"
               f"{fp(latest)}约{money(mean.iloc[-1], lang)}，预测向{fp(end['period'])}延伸且区间很宽。右图：{fp(latest)}"
               f"手续费随费率线性上升，自{money(rlo['fee'], lang)}至{money(rhi['fee'], lang)}。")
    else:
        caption = (f"Douyin's estimated fee bill if it settled through a third-party payment channel (a hypothetical): "
                   f"Douyin e-commerce GMV (media estimates) times the fee rates observed at Kuaishou "
                   f"({rate_pct(float(lo_rate), lang)} to {rate_pct(float(hi_rate), lang)}), i.e. what owning a payment "
                   f"licence saves. For {fp(latest)} it is about {money(mean.iloc[-1], lang)} at the mean rate (range "
                   f"{money(lo.iloc[-1], lang)} to {money(hi.iloc[-1], lang)}, on GMV of {money(gmv_latest, lang)}). The "
                   f"right panel varies the rate for {fp(latest)}: {money(rlo['fee'], lang)} at "
                   f"{rate_pct(float(rlo['rate']), lang)}, {money(rhi['fee'], lang)} at {rate_pct(float(rhi['rate']), lang)}. "
                   f"{fp(forecast['period'].iloc[0])} to {fp(end['period'])} are forecasts (median for {fp(end['period'])} "
                   f"{money(end['yhat'], lang)}, 95% interval {money(end['lo95'], lang)} to {money(end['hi95'], lang)}). "
                   f"{warn}Left panel on a log scale. {src}")
        alt = (f"Two panels. Left (log scale): Douyin's estimated fees rise every year, from about "
               f"{money(mean.iloc[0], lang)} in {fp(wide.index[0])} to about {money(mean.iloc[-1], lang)} in "
               f"{fp(latest)}, with a wide forecast band to {fp(end['period'])}. Right: the {fp(latest)} bill grows "
               f"linearly with the fee rate, from {money(rlo['fee'], lang)} to {money(rhi['fee'], lang)}.")
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

def backtest_errors(backtest: "pd.DataFrame", selection: "pd.DataFrame", lang: str,
                    metric: str = "MAPE") -> tuple["Figure", FigureText]:
    """Backtest MAPE by model and horizon, one panel per series; the selected model is marked."""
    from matplotlib.lines import Line2D

    bt = backtest[backtest["metric"] == metric]
    sel = selection.set_index("series_id")
    series_ids = [s for s in sel.index if s in set(bt["series_id"])]
    horizons = sorted(int(h) for h in bt["horizon"].unique())
    markers = ["o", "s", "^", "D"]
    colours = [BLUE, VERMILLION, GREEN, PURPLE]
    nmodels = [len(bt[bt["series_id"] == s]["model"].unique()) for s in series_ids]
    fig = new_figure(figsize=(6.3, 1.2 + 0.42 * sum(nmodels)))
    gs = fig.add_gridspec(len(series_ids), 1, height_ratios=nmodels, hspace=0.55)
    axes = [fig.add_subplot(gs[i]) for i in range(len(series_ids))]
    vals = bt["value"].dropna()
    lo, hi = float(vals[vals > 0].min()), float(vals.max())
    facts = []
    for ax, sid in zip(axes, series_ids):
        d = bt[bt["series_id"] == sid]
        models = list(dict.fromkeys(d["model"]))
        chosen = str(sel.loc[sid, "selected_model"])
        failed: dict[str, list] = {}
        for k, h in enumerate(horizons):
            dh = d[d["horizon"] == h].set_index("model")
            ys = [len(models) - 1 - m + (k - (len(horizons) - 1) / 2) * 0.22 for m in range(len(models))]
            xs = [float(dh.loc[m, "value"]) if m in dh.index else float("nan") for m in models]
            ax.plot(xs, ys, linestyle="none", marker=markers[k % 4], color=colours[k % 4], markersize=5,
                    gid=f"mape:{sid}:h{h}")
            for m, (x, y) in enumerate(zip(xs, ys)):
                if x != x:
                    failed.setdefault(models[m], []).append((h, y))
        for m, fails in failed.items():
            row = len(models) - 1 - models.index(m)
            every = len(fails) == len(horizons)
            what = _pick(lang, "无预测", "no forecast") if every else _pick(
                lang, "提前" + "、".join(str(h) for h, _ in fails) + "期无预测",
                "no forecast " + ", ".join(str(h) for h, _ in fails) + " ahead")
            ax.text(lo / 1.5, row if every else fails[0][1], what, fontsize=6.5, color=GREY, va="center")
        labels = [model_name(m, lang) + (_pick(lang, "（选定）", " (selected)") if m == chosen else "")
                  for m in models]
        ax.set_yticks(range(len(models) - 1, -1, -1), labels, fontsize=7.5)
        for t, m in zip(ax.get_yticklabels(), models):
            if m == chosen:
                t.set_fontweight("bold")
        ax.set_ylim(-0.6, len(models) - 0.4)
        ax.set_xscale("log")
        ax.set_xlim(lo / 1.6, hi * 1.6)
        from matplotlib.ticker import LogLocator
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(number_formatter(lang).__class__(
            lambda v, _p=None: (f"{v:,.0f}%" if lang == "en" else f"{v:.0f}%") if v >= 1 else f"{v:g}%"))
        ax.grid(True, axis="x", which="major")
        ax.grid(False, axis="y")
        ax.set_title(series_name(sid, lang), fontsize=8.5)
        best = d[d["model"] == chosen]
        facts.append(dict(sid=sid, chosen=chosen, mape={int(r.horizon): float(r.value)
                                                       for r in best.itertuples(index=False)}))
    axes[-1].set_xlabel(_pick(lang, f"回测{metric}（对数刻度）", f"Backtest {metric} (log scale)"))
    handles = [Line2D([], [], linestyle="none", marker=markers[k % 4], color=colours[k % 4],
                      label=_pick(lang, f"提前{h}期", f"{h} step{'s' if h > 1 else ''} ahead"))
               for k, h in enumerate(horizons)]
    axes[0].legend(handles=handles, loc="lower right", fontsize=7, ncol=len(horizons),
                   bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2)
    src = _sources(lang, ("本文模型的滚动起点回测（基于快手业绩公告与媒体报道的数据）",
                          "rolling-origin backtests of this paper's models (data: Kuaishou results "
                          "announcements and media reports)"))
    source_line(fig, src)

    def fm(x: float) -> str:
        return pct(x, lang, 1) if x == x else _pick(lang, "无", "n/a")

    if lang == "zh":
        per = [f"{series_name(f['sid'], lang)}选定{model_name(f['chosen'], lang)}（"
               + "，".join(f"提前{h}期{fm(v)}" for h, v in sorted(f["mape"].items())) + "）" for f in facts]
        caption = (f"各序列候选模型的回测平均绝对百分比误差（{metric}），按预测步长（提前"
                   f"{'、'.join(str(h) for h in horizons)}期）分列；滚动起点、扩展窗口，每个起点只用此前的数据拟合。"
                   f"选定的模型以粗体标出：" + "；".join(per) + "。横轴为对数刻度。" + src)
        alt = (f"点图：{len(facts)}个序列中各候选模型在各预测步长上的回测误差，误差范围为{fm(lo)}至{fm(hi)}；"
               + "；".join(per) + "。")
    else:
        per = [f"for {series_name(f['sid'], lang)} the {model_name(f['chosen'], lang)} ("
               + ", ".join(f"{fm(v)} {h} step{'s' if h > 1 else ''} ahead" for h, v in sorted(f["mape"].items()))
               + ")" for f in facts]
        caption = (f"Backtest mean absolute percentage error ({metric}) of each candidate model, by forecast horizon "
                   f"({_list([str(h) for h in horizons], lang)} steps ahead); rolling origin, expanding window, each "
                   f"origin fitted only on earlier data. The selected models are in bold: " + "; ".join(per)
                   + ". Log scale. " + src)
        alt = (f"Dot plot of each candidate model's backtest error by horizon for {len(facts)} series, ranging from "
               f"{fm(lo)} to {fm(hi)}; " + "; ".join(per) + ".")
    return fig, FigureText(caption, alt)
