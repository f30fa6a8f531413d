"""Kuaishou's payment-channel fees: the original paper's points, the implied fee
rate and the projection from the fee model. Cited in the results (§ fee rate)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.fees import printed_fees
from analysis.figures._common import (
    BLACK, BLUE, FigureText, GREY, MONEY_SCALE, SRC_KUAISHOU, SRC_MODELS, SRC_PAPER, VERMILLION,
    band_proxies, fan, money, money_estimate, number_formatter, period_x, pick, rate_pct, sources, year_axis,
    period_years,
)
from analysis.figures._read import read_table
from analysis.formatting import format_period
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "rates": "data/processed/fee_rates.csv",
    "sensitivity": "data/processed/fee_sensitivity.csv",
    "forecasts": "data/processed/forecasts.csv",
}


def load(paths: Mapping[str, Any]) -> dict[str, Any]:
    """The tables :func:`draw` takes, read from ``paths`` (keys of ``INPUTS``)."""
    fc = read_table(paths["forecasts"])
    sens = read_table(paths["sensitivity"])
    implied = sens[(sens["series_id"] == "kuaishou_ecommerce_gmv_annual")
                   & sens["gmv_basis"].astype(str).str.startswith("official")]
    return {"rates": read_table(paths["rates"]),
            "forecast": fc[fc["series_id"] == "kuaishou_payment_fee_annual"], "implied": implied}


def draw(rates: "pd.DataFrame", forecast: "pd.DataFrame", implied: "pd.DataFrame",
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
    fan(ax, fx, forecast, None, scale, BLUE, "kuaishou_payment_fee_annual")
    first = min(period_years(points["period"]))
    last = max(period_years(forecast["period"]))
    year_axis(ax, first, last, step=1)
    ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(pick(lang, f"支付渠道手续费（{unit}）", f"Payment-channel fees ({unit})"))
    ax.set_title(pick(lang, "（a）手续费与推算", "(a) Fees and projection"), fontsize=9)
    axr.axhspan(rlo * 100, rhi * 100, color=GREY, alpha=0.18, linewidth=0, gid="rate_band")
    axr.axhline(rc * 100, color=GREY, linestyle=":", linewidth=1.2, gid="rate_central")
    year_axis(axr, first, max(period_years(points["period"])))
    pad = (rhi - rlo) * 0.5
    axr.set_ylim((min(rlo, rmin) - pad) * 100, (max(rhi, rmax) + pad) * 100)
    axr.yaxis.set_major_formatter(number_formatter(lang, suffix="%"))
    axr.set_ylabel(pick(lang, "手续费率（占GMV，%）", "Fee rate (% of GMV)"))
    axr.set_title(pick(lang, "（b）手续费率", "(b) Fee rate"), fontsize=9)
    handles = [Line2D([], [], color=BLUE, marker="s", linestyle="none", label=pick(lang, "全年", "Full year")),
               Line2D([], [], color=VERMILLION, marker="s", linestyle="none",
                      label=pick(lang, "单季度", "Single quarter")),
               Line2D([], [], color=BLACK, marker="^", linestyle="none",
                      label=pick(lang, "下限（原文“超过”）", "Lower bound (\"over\")")),
               Line2D([], [], color=BLACK, marker="o", linestyle="none", label=pick(lang, "确切值", "Exact")),
               Patch(facecolor=GREY, alpha=0.25, linewidth=0,
                     label=pick(lang, "费率95%范围×官方GMV", "Rate's 95% range × official GMV")),
               Line2D([], [], color=BLUE, linestyle=":", linewidth=1.8,
                      label=pick(lang, "推算中位数", "Projection median"))] + band_proxies(lang, BLUE)
    ax.legend(handles=handles, loc="upper left", fontsize=6.5, ncol=1)
    src = sources(lang, SRC_PAPER, SRC_KUAISHOU, SRC_MODELS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    n_lb = int((points["rate_bound"] == "lower_bound").sum())
    end = forecast.iloc[-1]
    # the original paper's points as it printed them (16亿元, not 16.0亿元)
    pts_zh = "、".join(f"{fp(r.period)}{printed_fees(r.fees, r.fees_printed_precision, lang)}"
                       for r in points.itertuples())
    pts_en = ", ".join(f"{printed_fees(r.fees, r.fees_printed_precision, lang)} in {fp(r.period)}"
                       for r in points.itertuples())
    f_first, f_last = fp(forecast["period"].iloc[0]), fp(end["period"])
    end_v, [end_95] = money_estimate(end["yhat"], [(end["lo95"], end["hi95"])], lang)
    if lang == "zh":
        caption = (f"快手支付渠道手续费：原论文给出的数据点（{pts_zh}；三角形为下限，原文称“超过”，"
                   f"{len(points)}个点中有{n_lb}个）及其对应的手续费率（右图），介于{rate_pct(rmin, lang)}与"
                   f"{rate_pct(rmax, lang)}之间。费率分布以观测费率的对数均值与标准差为参数、在最低观测值处截断"
                   f"（下限只会被超过），其中位数{rate_pct(rc, lang)}（点线）为本版所用的中心费率，95%范围为"
                   f"{rate_pct(rlo, lang)}至{rate_pct(rhi, lang)}（浅灰带）。左图灰色带为该范围乘以官方GMV；"
                   f"{f_first}至{f_last}为由快手年度GMV预测（季度预测加总）推算的全年手续费，{f_last}中位数为"
                   f"{end_v}（95%区间{end_95}），"
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
                   f"of its quarterly forecasts), with a median of {end_v} for {f_last} (95% "
                   f"interval {end_95}); shaded bands are 80% and "
                   f"95% intervals. {src}")
        alt = (f"Two panels. Left: Kuaishou's payment-channel fees, the original paper's points ({pts_en}) and a projection "
               f"rising to about {money(end['yhat'], lang)} in {f_last}. Right: the implied fee rates, between "
               f"{rate_pct(rmin, lang)} and {rate_pct(rmax, lang)}, with a central rate of {rate_pct(rc, lang)}.")
    return fig, FigureText(caption, alt)
