"""Third-party mobile payment market shares of Alipay and Tenpay by period and
research firm (estimates, not official statistics). Cited in § 4.1."""

from __future__ import annotations

import math

from typing import TYPE_CHECKING

from analysis.figures._common import (
    BLUE, FigureText, GREEN, GREY, ORANGE, entity_name, join_list, research_firm,
    number_formatter, pct, pick, sources,
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



def draw(series: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
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
        return research_firm(str(key), lang)

    for i, ent in enumerate(entities):
        for j, p in enumerate(periods):
            r = rows[(rows["entity"] == ent) & (rows["period"].astype(str) == p)]
            xpos = j + (i - (len(entities) - 1) / 2) * width
            if r.empty:
                ax.text(xpos, 2, pick(lang, "未披露", "n/a"), ha="center", va="bottom", fontsize=7, color=GREY,
                        rotation=90)
                continue
            rec = r.iloc[0]
            ax.bar([xpos], [rec["value_std"]], width=width * 0.92, color=colours.get(ent, ORANGE),
                   gid=f"share:{ent}:{p}")
            ax.text(xpos, rec["value_std"] + 1, pct(rec["value_std"], lang,
                                                    max(0, -round(math.log10(rec["resolution_std"])))),
                    ha="center", va="bottom", fontsize=7)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=colours.get(e, ORANGE), label=entity_name(e, lang)) for e in entities],
              loc="upper right", fontsize=8)
    labels = []
    for p in periods:
        keys = rows[rows["period"].astype(str) == p]["source_key"].unique()
        labels.append(format_period(p, lang) + "\n" + pick(lang, "来源：", "est. by ") + "、".join(firm(k) for k in keys)
                      if lang == "zh" else format_period(p, lang) + "\n" + "est. by " + ", ".join(firm(k) for k in keys))
    ax.set_xticks(range(len(periods)), labels)
    ax.set_ylim(0, 75)
    ax.yaxis.set_major_formatter(number_formatter(lang, suffix="%"))
    ax.set_ylabel(pick(lang, "移动支付交易规模份额（%）", "Share of mobile payment value (%)"))
    ax.set_title(pick(lang, "第三方移动支付市场份额（研究机构估计）",
                       "Third-party mobile payment market shares (research-firm estimates)"))
    firms = sorted({firm(k) for k in rows["source_key"]})
    src = sources(lang, ("研究机构估计：" + "、".join(firms) + "（经新闻报道转引）",
                          "research-firm estimates by " + join_list(firms, "en") + " (as reported in the news)"))
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    by = {(r.entity, str(r.period)): r for r in rows.itertuples(index=False)}
    items_zh, items_en = [], []
    for p in periods:
        vals = [(entity_name(e, lang), by[(e, p)]) for e in entities if (e, p) in by]
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
