"""Kuaishou's quarterly GMV with the selected method's fit, its forecast with the
calibrated intervals and the best benchmark's forecast. Cited in the results (§ GMV)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.figures._common import (
    BLACK, BLUE, FigureText, GREY, MONEY_SCALE, ORANGE, SRC_KUAISHOU, SRC_MODELS, band_proxies,
    fan, join_list, model_name, money, money_estimate, number_formatter, pct, period_x, pick, sources, year_axis,
)
from analysis.figures._read import fitted_from_card, read_series, read_table
from analysis.formatting import format_period
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "series": "data/processed/public_series.csv",
    "forecasts": "data/processed/forecasts.csv",
    "selection": "data/processed/model_selection.csv",
    "cards": "data/processed/model_cards/kuaishou_ecommerce_gmv_quarterly.*.json",
}


def load(paths: Mapping[str, Any]) -> dict[str, Any]:
    """The tables :func:`draw` takes, read from ``paths`` (keys of ``INPUTS``)."""
    import json
    from pathlib import Path

    import pandas as pd

    sid = "kuaishou_ecommerce_gmv_quarterly"
    series = read_series(paths["series"])
    selection = read_table(paths["selection"]).set_index("series_id").loc[sid]
    model, bench = str(selection["selected_model"]), str(selection["best_benchmark"])
    card_path = next(p for p in paths["cards"] if Path(p).name == f"{sid}.{model}.json")
    card = json.loads(Path(card_path).read_text(encoding="utf-8"))
    reported = series[(series["series_id"] == sid) & series["use_in_model"]][["period", "value_std"]]
    filled = pd.DataFrame([{"period": str(f["period"]), "value_std": float(f["value_std"])}
                           for f in card.get("imputation", {}).get("filled", [])],
                          columns=["period", "value_std"])
    history = pd.concat([reported.assign(imputed=False), filled.assign(imputed=True)], ignore_index=True)
    history = history.sort_values("period").reset_index(drop=True)
    fc = read_table(paths["forecasts"])
    mine = fc[fc["series_id"] == sid]
    return {"history": history, "fitted": fitted_from_card(card),
            "forecast": mine[mine["role"] == "selected"], "benchmark": mine[mine["model"] == bench],
            "selection": selection}


def draw(history: "pd.DataFrame", fitted: "pd.DataFrame", forecast: "pd.DataFrame",
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
    fan(ax, fx, forecast, start, scale, BLUE, "kuaishou_ecommerce_gmv_quarterly")
    ax.plot([start[0]] + [period_x(p) for p in benchmark["period"]],
            [start[1] / scale] + list(benchmark["yhat"] / scale), color=GREY, linestyle="-.", linewidth=1.1,
            gid="benchmark:kuaishou_ecommerce_gmv_quarterly")
    first, last = int(str(history["period"].iloc[0])[:4]), int(str(forecast["period"].iloc[-1])[:4])
    year_axis(ax, first, last)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(pick(lang, f"季度GMV（{unit}）", f"Quarterly GMV ({unit})"))
    ax.set_title(pick(lang, "快手电商季度GMV：官方数据、预测与基准",
                       "Kuaishou quarterly e-commerce GMV: official figures, forecast and benchmark"))
    mname, bname = model_name(model, lang), model_name(bench, lang)
    handles = [Line2D([], [], color=ORANGE, marker="o", label=pick(lang, "官方季度数据", "Official quarterly figures")),
               Line2D([], [], color=ORANGE, marker="o", markerfacecolor="white", linestyle="none",
                      label=pick(lang, "由年度合计推得的季度", "Quarter implied by the annual total")),
               Line2D([], [], color=BLACK, linestyle="--", linewidth=1.0,
                      label=pick(lang, f"拟合值（{mname}）", f"Fitted ({mname})")),
               Line2D([], [], color=BLUE, linestyle=":", linewidth=1.8,
                      label=pick(lang, f"预测中位数（{mname}）", f"Forecast median ({mname})")),
               Line2D([], [], color=GREY, linestyle="-.", linewidth=1.1,
                      label=pick(lang, f"基准（{bname}）", f"Benchmark ({bname})"))] + band_proxies(lang, BLUE)
    if not len(fitted):
        handles.pop(2)
    if not len(imp):
        handles.pop(1)
    ax.legend(handles=handles, loc="upper left", fontsize=7)
    src = sources(lang, SRC_KUAISHOU, SRC_MODELS)
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
    # each median and its interval in one unit (that of the interval's top)
    (nxt_v, [nxt_95]), (end_v, [end_95]) = (money_estimate(r["yhat"], [(r["lo95"], r["hi95"])], lang)
                                            for r in (nxt, end))
    if lang == "zh":
        imp_text = (f"{join_list(imputed, lang)}不在本版收集的季度数据中，由全年合计减去同年其余三个季度推得（空心点）。"
                    if imputed else "")
        cal_text = (f"回测中模型自身的80%与95%区间分别覆盖了{cov['raw_coverage80']}与{cov['raw_coverage95']}的实际值，"
                    f"因此按回测误差重新标定（留一起点估计的覆盖率为{cov['coverage80']}与{cov['coverage95']}）"
                    if cal else f"回测中80%与95%区间分别覆盖了{cov['coverage80']}与{cov['coverage95']}的实际值")
        caption = (f"快手电商季度GMV（{fp(p0)}至{fp(p1)}，官方数据）与入选方法（{mname}，回测平均MASE {mase['selected_mase']}，"
                   f"最佳基准{bname}为{mase['best_benchmark_mase']}）的拟合与预测。{imp_text}"
                   f"{fp(nxt['period'])}的中位预测为{nxt_v}（95%区间{nxt_95}），{fp(end['period'])}为{end_v}"
                   f"（95%区间{end_95}）。阴影为80%与95%预测区间：{cal_text}。"
                   f"点划线为基准方法的预测。{src}")
        alt = (f"折线图：快手电商季度GMV自{fp(p0)}的{money(history['value_std'].iloc[0], lang)}起上升，"
               f"每年第四季度最高（{fp(peak['period'])}为{money(peak['value_std'], lang)}）；点线预测向{fp(end['period'])}"
               f"延伸并保持季节起伏，区间随预测步长变宽；点划线为基准（{bname}）。")
    else:
        imp_text = (f"{join_list(imputed, lang)}, missing from the quarterly figures collected for this edition, "
                    f"{'is' if len(imputed) == 1 else 'are'} the annual total minus the year's other three quarters "
                    "(hollow marker). " if imputed else "")
        cal_text = (f"in the backtest the model's own 80% and 95% intervals contained {cov['raw_coverage80']} and "
                    f"{cov['raw_coverage95']} of the actual values, so they were rescaled from the backtest errors "
                    f"(coverage estimated leaving each origin out: {cov['coverage80']} and {cov['coverage95']})"
                    if cal else f"in the backtest they contained {cov['coverage80']} and {cov['coverage95']} of the "
                                "actual values")
        caption = (f"Kuaishou quarterly e-commerce GMV (official figures, {fp(p0)} to {fp(p1)}) with the fit and "
                   f"forecast of the selected method ({mname}; backtest mean MASE {mase['selected_mase']}, best "
                   f"benchmark, the {bname}, {mase['best_benchmark_mase']}). {imp_text}The median forecast for "
                   f"{fp(nxt['period'])} is {nxt_v} (95% interval {nxt_95}), for {fp(end['period'])} {end_v} "
                   f"(95% interval {end_95}). Shaded bands are "
                   f"80% and 95% prediction intervals: {cal_text}. The dash-dotted line is the benchmark's "
                   f"forecast. {src}")
        alt = (f"Line chart: Kuaishou's quarterly GMV rises from {money(history['value_std'].iloc[0], lang)} in "
               f"{fp(p0)}, peaking each fourth quarter ({money(peak['value_std'], lang)} in {fp(peak['period'])}); "
               f"the dotted forecast continues the seasonal pattern to {fp(end['period'])} with bands that widen "
               f"with the horizon; the dash-dotted line is the benchmark ({bname}).")
    return fig, FigureText(caption, alt)
