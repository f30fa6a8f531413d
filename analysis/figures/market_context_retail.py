"""NBS online retail sales (total and physical goods) and the physical-goods share
of total retail sales of consumer goods. Cited in the economic environment (§ 3.2.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.figures._common import (
    BLUE, FigureText, GREEN, SKY, SRC_NBS, join_list, money, number_formatter, pct,
    money_scale, period_x, pick, sources, year_axis, period_years,
)
from analysis.formatting import format_period
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "series": "data/processed/public_series.csv",
}



def _annual_gaps(periods: list[str], values: list[float]) -> tuple[list[float], list[float]]:
    """Annual points with NaN inserted for missing years, so lines break at gaps."""
    by_year = dict(zip(period_years(periods), values))
    years = range(min(by_year), max(by_year) + 1)
    return [y + 0.5 for y in years], [by_year.get(y, float("nan")) for y in years]


def draw(series: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """NBS online retail sales (total and physical goods) and the physical-goods share of
    total retail sales of consumer goods."""
    def rows(sid: str) -> "pd.DataFrame":
        return series[(series["series_id"] == sid) & series["use_in_model"]].sort_values("period")

    total, phys = rows("nbs_online_retail_sales"), rows("nbs_physical_online_retail_sales")
    share = rows("nbs_physical_share_of_retail_sales")
    scale, unit = money_scale(total["value_std"].max(), lang)
    fig = new_figure()
    gs = fig.add_gridspec(1, 2, wspace=0.3)
    ax, axs = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    ax.bar([period_x(p) for p in total["period"]], total["value_std"] / scale, width=0.75, color=SKY,
           label=pick(lang, "网上零售额", "Online retail sales"), gid="total")
    ax.bar([period_x(p) for p in phys["period"]], phys["value_std"] / scale, width=0.45, color=BLUE,
           label=pick(lang, "其中：实物商品", "of which physical goods"), gid="physical")
    first = min(period_years(list(total["period"]) + list(share["period"])))
    last = max(period_years(list(total["period"]) + list(share["period"])))
    year_axis(ax, first, last)
    ax.tick_params(axis="x", which="minor", labelsize=7, rotation=90)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(pick(lang, f"金额（{unit}）", f"Sales ({unit})"))
    ax.set_title(pick(lang, "（a）全国网上零售额", "(a) Online retail sales"), fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    sx, sy = _annual_gaps(list(share["period"]), list(share["value_std"]))
    axs.plot(sx, sy, color=GREEN, marker="o", gid="share")
    year_axis(axs, first, last)
    axs.tick_params(axis="x", which="minor", labelsize=7, rotation=90)
    axs.set_ylim(0, max(sy_ for sy_ in sy if sy_ == sy_) * 1.2)
    axs.yaxis.set_major_formatter(number_formatter(lang, suffix="%"))
    axs.set_ylabel(pick(lang, "占社会消费品零售总额（%）", "Share of total retail sales (%)"))
    axs.set_title(pick(lang, "（b）实物商品网上零售额占比", "(b) Physical goods online, share"), fontsize=9)
    src = sources(lang, SRC_NBS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    t0, t1 = total.iloc[0], total.iloc[-1]
    s0, s1 = share.iloc[0], share.iloc[-1]
    smax = share.loc[share["value_std"].idxmax()]
    missing = sorted(set(range(first, last + 1)) - set(period_years(total["period"])))
    miss = [fp(str(y)) for y in missing]
    if lang == "zh":
        gap = f"{join_list(miss, lang)}数据缺失。" if miss else ""
        caption = (f"中国网上零售额与实物商品网上零售额占社会消费品零售总额的比重。全国网上零售额由{fp(t0['period'])}的"
                   f"{money(t0['value_std'], lang)}增至{fp(t1['period'])}的{money(t1['value_std'], lang)}；实物商品网上零售额"
                   f"占比由{fp(s0['period'])}的{pct(s0['value_std'], lang)}升至{fp(smax['period'])}的"
                   f"{pct(smax['value_std'], lang)}，{fp(s1['period'])}为{pct(s1['value_std'], lang)}。{gap}{src}")
        alt = (f"两幅图。左图柱状图：网上零售额逐年增长，自{money(t0['value_std'], lang)}至{money(t1['value_std'], lang)}，"
               f"实物商品占其大部分。右图折线：实物商品网上零售额占比自{pct(s0['value_std'], lang)}升至"
               f"{pct(smax['value_std'], lang)}后趋平。")
    else:
        gap = f"No figure for {join_list(miss, lang)}. " if miss else ""
        caption = (f"China's online retail sales and the share of physical goods sold online in total retail sales of "
                   f"consumer goods. Online retail sales grew from {money(t0['value_std'], lang)} in {fp(t0['period'])} "
                   f"to {money(t1['value_std'], lang)} in {fp(t1['period'])}; the physical-goods share rose from "
                   f"{pct(s0['value_std'], lang)} in {fp(s0['period'])} to {pct(smax['value_std'], lang)} in "
                   f"{fp(smax['period'])} and was {pct(s1['value_std'], lang)} in {fp(s1['period'])}. {gap}{src}")
        alt = (f"Two panels. Left, bars: online retail sales grow every year, from {money(t0['value_std'], lang)} to "
               f"{money(t1['value_std'], lang)}, most of it physical goods. Right, line: the physical-goods share "
               f"rises from {pct(s0['value_std'], lang)} to {pct(smax['value_std'], lang)} and then levels off.")
    return fig, FigureText(caption, alt)
