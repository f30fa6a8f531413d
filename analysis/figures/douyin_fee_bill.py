"""What Douyin would pay a third-party payment channel at Kuaishou's fee rate, and
how that bill depends on the rate. Cited in the results (§ Douyin's saving)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.figures._common import (
    BLUE, FigureText, GREY, SRC_MEDIA, SRC_MODELS, SRC_PAPER, join_list,
    model_name, money, money_estimate, money_scale, money_together, number_formatter, period_x, pick, rate_pct,
    scope_series, scope_styles, series_name, sources, year_axis,
)
from analysis.figures._read import read_series, read_table
from analysis.formatting import format_period
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "sensitivity": "data/processed/fee_sensitivity.csv",
    "series": "data/processed/public_series.csv",
    "forecasts": "data/processed/forecasts.csv",
}


def load(paths: Mapping[str, Any]) -> dict[str, Any]:
    """The tables :func:`draw` takes, read from ``paths`` (keys of ``INPUTS``)."""
    sens = read_table(paths["sensitivity"])
    sens = sens[sens["series_id"].str.startswith("douyin_")]
    fc = read_table(paths["forecasts"])
    series = read_series(paths["series"])
    entities = series.loc[series["series_id"].isin(sens["series_id"]), "entity"].unique()
    return {"sensitivity": sens, "scopes": [s for e in sorted(entities) for s in scope_series(series, e)],
            "forecast": fc[(fc["series_id"] == "douyin_thirdparty_fee_annual") & (fc["role"] == "scenario")]}


def draw(sensitivity: "pd.DataFrame", forecast: "pd.DataFrame", scopes: list[str],
         lang: str) -> tuple["Figure", FigureText]:
    """What Douyin would pay a third-party payment channel at Kuaishou's fee rate.

    ``sensitivity``: fee_sensitivity rows of Douyin's GMV estimates (one series per scope;
    series_id, period, gmv_basis, gmv, scenario, rate, fee); ``forecast``: the scenario rows of
    ``douyin_thirdparty_fee_annual`` (one path per scenario rule, no interval); ``scopes``: every
    scope series of Douyin's GMV estimates (public_series), drawn or not, so the caption can say
    which of them the bill leaves out (the livestream-only estimate is not all of e-commerce GMV).
    """
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from analysis.paper_tables import SERIES_NAMES as FULL_NAMES

    hist = sensitivity.copy()
    scale, unit = money_scale(hist["fee"].max(), lang)
    hist["period"] = hist["period"].astype(str)
    all_scopes = sorted(set(scopes))
    scopes = sorted(hist["series_id"].unique())
    left_out = [s for s in all_scopes if s not in scopes]
    fig = new_figure(figsize=(6.3, 4.4))
    gs = fig.add_gridspec(1, 2, width_ratios=[3, 2], wspace=0.3, bottom=0.3)
    ax, axs = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    latest = hist["period"].max()
    base = hist[(hist["period"] == latest) & (hist["scenario"] == "central")]
    base_sid = str(base["series_id"].iloc[0])
    handles = []
    for k, (sid, (colour, marker)) in enumerate(scope_styles(scopes, base_sid).items()):
        g = hist[hist["series_id"] == sid]
        wide = g.pivot_table(index=["period", "gmv"], columns="scenario", values="fee").reset_index()
        wide = wide.groupby("period").agg({"central": ["min", "max"], "rate_lo95": "min", "rate_hi95": "max"})
        x = np.array([period_x(p) for p in wide.index]) + (k - (len(scopes) - 1) / 2) * 0.08
        mid = (wide[("central", "min")] + wide[("central", "max")]) / 2
        lo, hi = wide[("rate_lo95", "min")], wide[("rate_hi95", "max")]
        ax.errorbar(x, mid / scale, yerr=[(mid - lo) / scale, (hi - mid) / scale], fmt=marker, color=colour,
                    ecolor=GREY, markerfacecolor="white", markersize=5, elinewidth=1, capsize=2, gid=f"bill:{sid}")
        handles.append(Line2D([], [], color=colour, marker=marker, markerfacecolor="white", linestyle="none",
                              label=series_name(sid, lang)))
    forecast = forecast.sort_values("period")
    wide_fc = forecast.pivot_table(index="period", columns="model", values="yhat").sort_index()
    y0 = float(base["fee"].iloc[0])
    xs = [period_x(latest)] + [period_x(str(p)) for p in wide_fc.index]
    ax.fill_between(xs, [y0 / scale] + list(wide_fc.min(axis=1) / scale), [y0 / scale] + list(wide_fc.max(axis=1) / scale),
                    facecolor="none", edgecolor=BLUE, hatch="///", linewidth=0.0, alpha=0.6, gid="scenario")
    handles.append(Patch(facecolor="none", edgecolor=BLUE, hatch="///",
                         label=pick(lang, "情景区间（非预测区间）", "Scenario range (not a prediction interval)")))
    handles.append(Line2D([], [], color=GREY, marker="|", markersize=8, markeredgewidth=1, linestyle="none",
                          label=pick(lang, "误差线：费率95%范围", "Error bars: the rate's 95% range")))
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    first, last = int(hist["period"].min()[:4]), int(str(wide_fc.index[-1])[:4])
    year_axis(ax, first, last)
    ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.set_ylabel(pick(lang, f"估计手续费（{unit}）", f"Estimated fees ({unit})"))
    ax.set_title(pick(lang, "（a）各口径GMV估计×中心费率", "(a) Each GMV estimate × central rate"), fontsize=9)
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
    axs.set_xlabel(pick(lang, "手续费率（占GMV）", "Fee rate (% of GMV)"))
    axs.set_ylabel(pick(lang, f"{format_period(latest, lang)}手续费（{unit}）",
                         f"Fees in {format_period(latest, lang)} ({unit})"))
    axs.set_title(pick(lang, f"（b）{format_period(latest, lang)}：随费率变化",
                        f"(b) {format_period(latest, lang)}: by fee rate"), fontsize=9)
    axs.text(r_hi * 100, float(sens["fee"].max()) / scale * 1.02, pick(lang, " 费率95%范围", " rate's 95% range"),
             fontsize=7, color=GREY, ha="left", va="bottom")
    src = sources(lang, SRC_MEDIA, SRC_PAPER, SRC_MODELS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    central = sens[sens["scenario"] == "central"].iloc[0]
    lo_row = sens[sens["scenario"] == "rate_lo95"].iloc[0]
    hi_row = sens[sens["scenario"] == "rate_hi95"].iloc[0]
    illus = sens[sens["scenario"].str.startswith("illustrative")]
    end = wide_fc.index[-1]
    rules = [model_name(r, lang) for r in wide_fc.columns]
    # a value beside its range, and a range's ends, each in one unit
    bill, [bill_range] = money_estimate(central["fee"], [(lo_row["fee"], hi_row["fee"])], lang)
    s_lo, s_hi = money_together([wide_fc.loc[end].min(), wide_fc.loc[end].max()], lang)
    out_names = join_list([FULL_NAMES[s][0 if lang == "zh" else 1] for s in left_out], lang)
    if lang == "zh":
        ill = "，".join(f"费率为{rate_pct(float(r.rate), lang)}时为{money(r.fee, lang)}" for r in illus.itertuples())
        counted = (f"{len(all_scopes)}种口径中的{len(scopes)}种，标记各异；{out_names}只计部分电商交易，未计入"
                   if left_out else f"{len(scopes)}种口径，标记各异")
        caption = (f"抖音若通过第三方支付通道结算的估计手续费（假设情景）：抖音电商GMV的各口径媒体估计（{counted}）"
                   f"乘以快手的中心手续费率{rate_pct(float(central['rate']), lang)}，误差线为费率95%范围"
                   f"（{rate_pct(float(lo_row['rate']), lang)}至{rate_pct(float(hi_row['rate']), lang)}）。"
                   f"{fp(latest)}（{series_name(base_sid, lang)}）约为{bill}（{bill_range}）。"
                   f"右图为{fp(latest)}手续费随费率的变化（示意费率：{ill}）。"
                   f"斜线区域为情景区间而非预测：{fp(end)}介于{s_lo}与{s_hi}之间"
                   f"（{join_list(rules, lang)}）。{src}")
        alt = (f"两幅图。左图：抖音各口径GMV估计对应的手续费，{fp(latest)}约{money(central['fee'], lang)}，"
               f"其后为至{fp(end)}的情景区间（{s_lo}至{s_hi}）。右图：{fp(latest)}手续费随费率"
               f"线性上升。")
    else:
        ill = ", ".join(f"{money(r.fee, lang)} at {rate_pct(float(r.rate), lang)}" for r in illus.itertuples())
        counted = (f"{len(scopes)} of its {len(all_scopes)} different scopes (each its own marker; left out, as "
                   f"{'it counts' if len(left_out) == 1 else 'they count'} only part of e-commerce: {out_names})"
                   if left_out else f"{len(scopes)} different scopes (each its own marker)")
        caption = (f"Douyin's estimated fee bill if it settled through a third-party payment channel (a hypothetical): "
                   f"Douyin's e-commerce GMV, as media estimates of {counted}, "
                   f"times Kuaishou's central fee rate of {rate_pct(float(central['rate']), lang)}; error "
                   f"bars span the rate's 95% range ({rate_pct(float(lo_row['rate']), lang)} to "
                   f"{rate_pct(float(hi_row['rate']), lang)}). For {fp(latest)} ({series_name(base_sid, lang)}) it "
                   f"is about {bill} ({bill_range}). The right panel varies the rate for {fp(latest)} (illustrative "
                   f"rates: {ill}). The hatched area is a scenario range, not a forecast: for {fp(end)} between "
                   f"{s_lo} and {s_hi} ({join_list(rules, lang)}). {src}")
        alt = (f"Two panels. Left: Douyin's fee bill for each GMV estimate, about "
               f"{money(central['fee'], lang)} in {fp(latest)}, then a scenario range to {fp(end)} "
               f"({s_lo} to {s_hi}). Right: the {fp(latest)} bill grows linearly with "
               f"the fee rate.")
    return fig, FigureText(caption, alt)
