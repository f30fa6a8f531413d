"""Backtest MASE of every method by horizon, one panel per series with scored
forecasts; benchmarks are marked and the selected method is in bold. Cited in the
results (§ GMV) and the appendix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.figures._common import (
    BLUE, FigureText, GREEN, GREY, PURPLE, VERMILLION, join_list, model_name, number_formatter,
    pick, series_name, sources,
)
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "summary": "data/processed/backtest_summary.csv",
    "selection": "data/processed/model_selection.csv",
}



def draw(summary: "pd.DataFrame", selection: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
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
        labels = [model_name(m, lang) + (pick(lang, "（基准）", " (benchmark)") if kinds[m] == "benchmark" else "")
                  + (pick(lang, "（入选）", " (selected)") if m == chosen else "") for m in methods]
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
        ax.set_title(series_name(sid, lang) + pick(lang, f"（{n_or}个起点）", f" ({n_or} origins)"), fontsize=8.5)
        facts.append(dict(sid=sid, chosen=chosen, n_origins=n_or, mase=float(sel.loc[sid, "selected_mase"]),
                          bench=str(sel.loc[sid, "best_benchmark"]), bench_mase=float(sel.loc[sid, "best_benchmark_mase"])))
    axes[-1].set_xlabel(pick(lang, "回测MASE（平均绝对比例误差；1 = 样本内（季节）朴素法的误差）",
                              "Backtest MASE (mean absolute scaled error; 1 = the in-sample (seasonal) naive error)"))
    handles = [Line2D([], [], linestyle="none", marker=markers[k % 4], color=colours[k % 4],
                      label=pick(lang, f"提前{h}期", f"{h} step{'s' if h > 1 else ''} ahead"))
               for k, h in enumerate(horizons)]
    axes[0].legend(handles=handles, loc="lower right", fontsize=7, ncol=len(horizons),
                   bbox_to_anchor=(1.0, 1.12), borderaxespad=0.2)
    src = sources(lang, ("本版方法的时间序列交叉验证（基于快手业绩公告的数据）",
                          "time-series cross-validation of this edition's methods (data: Kuaishou results "
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
                   f"({join_list([str(h) for h in horizons], lang)} steps ahead); expanding-window time-series "
                   f"cross-validation, each origin fitted only on earlier data. MASE is in units of the in-sample "
                   f"(seasonal) naive error; the dotted line is 1. The selected methods are in bold, benchmarks in "
                   f"grey: " + "; ".join(per) + ". " + src)
        alt = (f"Dot plot of each method's backtest MASE by horizon for {len(facts)} series; " + "; ".join(per) + ".")
    return fig, FigureText(caption, alt)
