"""Annual e-commerce GMV of Kuaishou (official) and Douyin (media estimates, one
marker per scope, never joined), with Kuaishou's forecast, its best benchmark and
Douyin's scenario range. Cited in the results (§ GMV)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.figures._common import (
    BLUE, FigureText, GREY, ORANGE, SERIES_COLOURS, SRC_KUAISHOU,
    SRC_MEDIA, SRC_MODELS, band_proxies, draw_scope, entity_name, fan, log_y, model_name, money, money_estimate, money_scale, money_together, pick,
    scope_series, scope_styles, series_name, sources, period_years,
)
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
}



def draw(series: "pd.DataFrame", forecasts: "pd.DataFrame",
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

    sel = selection.set_index("series_id")
    annual = [sid for sid in sel.index if str(sel.loc[sid, "last"]).isdigit()]
    fc_ids = [s for s in annual if sel.loc[s, "forecast_kind"] == "forecast"]
    sc_ids = [s for s in annual if sel.loc[s, "forecast_kind"] == "scenario"]
    gmv = series[series["series_id"].isin(fc_ids) | (series["series_id"].str.contains("_gmv")
                                                      & series["period"].astype(str).str.fullmatch(r"\d{4}"))]
    scale, unit = money_scale(gmv["value_std"].max(), lang)
    fig = new_figure(figsize=(6.3, 4.6))
    fig.subplots_adjust(bottom=0.27)
    ax = fig.add_subplot()
    handles, facts = [], {}
    for sid in fc_ids:
        colour = SERIES_COLOURS.get(sid, ORANGE)
        rows = series[(series["series_id"] == sid) & series["use_in_model"]].sort_values("period")
        entity = entity_name(str(rows["entity"].iloc[0]), lang)
        x = [int(p) for p in rows["period"]]
        ax.plot(x, rows["value_std"] / scale, color=colour, marker="o", markersize=5, gid=f"history:{sid}")
        mine = forecasts[forecasts["series_id"] == sid]
        fc = mine[mine["role"] == "selected"].sort_values("period")
        fan(ax, [int(p) for p in fc["period"]], fc, (x[-1], float(rows["value_std"].iloc[-1])), scale, colour, sid)
        bench = str(sel.loc[sid, "best_benchmark"])
        bfc = mine[mine["model"] == bench].sort_values("period")
        ax.plot([x[-1]] + [int(p) for p in bfc["period"]], [float(rows["value_std"].iloc[-1]) / scale]
                + list(bfc["yhat"] / scale), color=GREY, linestyle="-.", linewidth=1.1, gid=f"benchmark:{sid}")
        model = str(sel.loc[sid, "selected_model"])
        handles += [Line2D([], [], color=colour, marker="o", label=pick(lang, f"{entity}（官方数据）", f"{entity} (official)")),
                    Line2D([], [], color=colour, linestyle=":", linewidth=1.8,
                           label=pick(lang, f"{entity}预测中位数（{model_name(model, lang)}）",
                                       f"{entity} forecast median ({model_name(model, lang)})")),
                    Line2D([], [], color=GREY, linestyle="-.", linewidth=1.1,
                           label=pick(lang, f"{entity}基准（{model_name(bench, lang)}）",
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
        scopes = scope_series(series, entity_code)
        entity = entity_name(entity_code, lang)
        for scope, (colour, marker) in scope_styles(scopes, sid).items():
            draw_scope(ax, series[series["series_id"] == scope], colour, marker, scale, scope)
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
                             label=pick(lang, f"{entity}情景区间（非预测区间）", f"{entity} scenario range (not a prediction interval)")))
        end = wide.index[-1]
        facts[sid] = dict(entity=entity, scenario=True, last=str(rows["period"].iloc[-1]), v_last=y0, end=str(end),
                          lo=float(wide.loc[end].min()), hi=float(wide.loc[end].max()),
                          rules=[model_name(r, lang) for r in wide.columns], n_scopes=len(scopes))
    if fc_ids:
        handles += band_proxies(lang, SERIES_COLOURS.get(fc_ids[0], ORANGE))
    log_y(ax, lang)
    drawn = series[series["series_id"].isin(fc_ids + scopes)]
    first_year = min(period_years(drawn["period"]))
    last_year = max(int(f["end"]) for f in facts.values())
    ax.set_xticks(range(first_year, last_year + 1))
    ax.set_xlim(first_year - 0.3, last_year + 0.3)
    ax.set_ylabel(pick(lang, f"GMV（{unit}，对数刻度）", f"GMV ({unit}, log scale)"))
    ax.set_title(pick(lang, "抖音与快手电商GMV：历史数据、预测与情景",
                       "Douyin and Kuaishou e-commerce GMV: history, forecast and scenario"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=3, fontsize=6.2,
              frameon=False)
    ax.grid(True, which="major", axis="y")
    src = sources(lang, SRC_KUAISHOU, SRC_MEDIA, SRC_MODELS)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    zh, en = [], []
    for f in facts.values():
        if f.get("scenario"):
            s_lo, s_hi = money_together([f["lo"], f["hi"]], lang)  # a range's ends in one unit
            zh.append(f"{f['entity']}电商GMV只有口径各异的媒体估计（{f['n_scopes']}种口径，以不同标记分开表示，不连成一条"
                      f"增长路径）；斜线区域为情景区间而非预测区间：{fp(f['end'])}介于{s_lo}"
                      f"（{f['rules'][0]}）与{s_hi}（{f['rules'][-1]}）之间")
            en.append(f"{f['entity']}'s GMV exists only as media estimates of {f['n_scopes']} different scopes, drawn "
                      f"with different markers and never joined into one growth path; the hatched area is a scenario "
                      f"range, not a prediction interval: for {f['end']} between {s_lo} "
                      f"({f['rules'][0]}) and {s_hi} ({f['rules'][-1]})")
        else:
            # the median and both intervals in one unit (that of the 95% interval's top)
            med, (i80, i95) = money_estimate(f["yhat"], [(f["lo80"], f["hi80"]), (f["lo95"], f["hi95"])], lang)
            zh.append(f"{f['entity']}{fp(f['first'])}至{fp(f['last'])}由{money(f['v_first'], lang)}增至"
                      f"{money(f['v_last'], lang)}（官方数据）；点线为所选方法（{model_name(f['model'], lang)}）的中位预测，"
                      f"{fp(f['end'])}为{med}（80%区间{i80}，95%区间{i95}），"
                      f"点划线为基准方法（{model_name(f['bench'], lang)}）")
            en.append(f"{f['entity']}'s GMV rose from {money(f['v_first'], lang)} in {f['first']} to "
                      f"{money(f['v_last'], lang)} in {f['last']} (official); the dotted line is the median forecast "
                      f"of the selected method ({model_name(f['model'], lang)}), {med} in "
                      f"{f['end']} (80% interval {i80}, 95% interval {i95}); the dash-dotted line is the benchmark "
                      f"({model_name(f['bench'], lang)})")
    if lang == "zh":
        caption = "抖音与快手电商GMV：" + "；".join(zh) + "。阴影为经回测校准的80%与95%预测区间。纵轴为对数刻度。" + src
        alt = ("折线图（对数纵轴）：" + "；".join(zh) + "。")
    else:
        caption = ("Douyin and Kuaishou e-commerce GMV. " + "; ".join(en) + ". Shaded bands are 80% and 95% "
                   "prediction intervals, calibrated in the backtest. Log scale. " + src)
        alt = "Line chart (log scale): " + "; ".join(en) + "."
    return fig, FigureText(caption, alt)
