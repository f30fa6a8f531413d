"""The paper's figures: pure functions from processed tables to a matplotlib
``Figure`` plus its caption and alt text, in either language.

Figures draw, they never fit: model results come from
``data/processed/forecasts.csv`` and the model cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.formatting import format_quantity
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# Axis scale per language for money: 亿元 in Chinese, RMB billion in English.
MONEY_SCALE = {"zh": (1e8, "亿元"), "en": (1e9, "RMB bn")}


@dataclass(frozen=True)
class FigureText:
    caption: str
    alt: str


def kuaishou_gmv_trend(history: "pd.DataFrame", forecast: "pd.DataFrame", growth: float,
                       lang: str) -> tuple["Figure", FigureText]:
    """Kuaishou's official annual e-commerce GMV with the log-linear trend's forecast fan.

    ``history``: period, value_std (CNY); ``forecast``: period, yhat, lo80, hi80, lo95, hi95.
    """
    scale, unit = MONEY_SCALE[lang]
    years = [int(p) for p in history["period"]]
    fyears = [years[-1]] + [int(p) for p in forecast["period"]]
    last = float(history["value_std"].iloc[-1])

    def joined(col: str) -> list[float]:
        return [last / scale] + list(forecast[col] / scale)

    t = {
        "zh": dict(title="快手电商GMV：官方年度数据与对数线性趋势预测", ylabel=f"GMV（{unit}）",
                   hist="官方数据", fc="趋势预测（中位数）", b80="80%预测区间", b95="95%预测区间",
                   source="数据来源：快手科技业绩公告；模型：对数线性趋势（OLS）。"),
        "en": dict(title="Kuaishou e-commerce GMV: official annual figures and log-linear trend",
                   ylabel=f"GMV ({unit})", hist="Official figures", fc="Trend forecast (median)",
                   b80="80% prediction interval", b95="95% prediction interval",
                   source="Source: Kuaishou results announcements; model: log-linear trend (OLS)."),
    }[lang]
    fig = new_figure()
    ax = fig.add_subplot()
    ax.fill_between(fyears, joined("lo95"), joined("hi95"), color="#0072B2", alpha=0.12,
                    linewidth=0, label=t["b95"])
    ax.fill_between(fyears, joined("lo80"), joined("hi80"), color="#0072B2", alpha=0.25,
                    linewidth=0, label=t["b80"])
    ax.plot(fyears, joined("yhat"), linestyle="--", color="#0072B2", label=t["fc"])
    ax.plot(years, history["value_std"] / scale, marker="o", color="#000000", label=t["hist"],
            gid="history")
    ax.set_title(t["title"])
    ax.set_ylabel(t["ylabel"])
    ax.set_xticks(years + fyears[1:])
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    source_line(fig, t["source"])

    first, lastp = history["period"].iloc[0], history["period"].iloc[-1]
    g = f"{growth * 100:.0f}%"
    end = forecast.iloc[-1]
    span = (format_quantity(end["lo95"], "CNY", lang, resolution=1e10),
            format_quantity(end["hi95"], "CNY", lang, resolution=1e10))
    if lang == "zh":
        text = FigureText(
            caption=f"快手电商GMV（{first}—{lastp}年官方数据）与对数线性趋势预测。趋势对应年均增长{g}；"
                    f"阴影为80%与95%预测区间，{end['period']}年95%区间为{span[0]}至{span[1]}。",
            alt=f"折线图：快手电商GMV自{first}年至{lastp}年逐年上升，虚线为趋势预测，向{end['period']}年延伸并带有逐渐变宽的预测区间。")
    else:
        text = FigureText(
            caption=f"Kuaishou e-commerce GMV (official figures, {first}–{lastp}) and a log-linear trend "
                    f"forecast. The trend implies {g} growth a year; shaded bands are 80% and 95% "
                    f"prediction intervals, for {end['period']} {span[0]} to {span[1]} (95%).",
            alt=f"Line chart: Kuaishou's e-commerce GMV rises every year from {first} to {lastp}; a dashed "
                f"trend line continues to {end['period']} inside widening prediction bands.")
    return fig, text
