"""Hezhong Yibao's complaints by type before 2021 against the 2021 total, and Douyin Pay's
2023 risk events. Cited in § 4.3 (risk)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.audit import complaints_surge
from analysis.figures._common import (
    BLUE, FigureText, GREEN, GREY, ORANGE, SRC_DISCLOSURE, VERMILLION, number_formatter, pick,
    sources,
)
from analysis.figures._read import read_table
from analysis.formatting import format_period, format_quantity
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "cited": "data/processed/cited_statistics.csv",
}


def load(paths: Mapping[str, Any]) -> dict[str, Any]:
    """The tables :func:`draw` takes, read from ``paths`` (keys of ``INPUTS``)."""
    return {"cited": read_table(paths["cited"], keep_default_na=False, na_values={"value_std": [""]})}


def draw(cited: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """Hezhong Yibao's complaints by type 2018–2020 against the 2021 total (a linear axis: the
    earlier bars are slivers beside it, which is the point), and Douyin Pay's 2023 risk-event counts."""
    from analysis import glossary

    provider = glossary.name("hezhong_yibao", lang)
    c = cited.set_index("stat_id")
    label_col = f"label_{lang}"
    fig = new_figure(figsize=(6.3, 3.6))
    gs = fig.add_gridspec(1, 2, width_ratios=[3, 2], wspace=0.6)
    ax, axr = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    years = sorted({str(p) for s, p in zip(cited["stat_id"], cited["period"].astype(str))
                    if s.startswith("hezhong_yibao_transaction_complaints_20")})
    kinds = [("transaction", BLUE, pick(lang, "交易类", "Transaction")),
             ("service", GREEN, pick(lang, "服务类", "Service"))]
    w = 0.36
    top = float(c.loc["hezhong_yibao_complaints_total", "value_std"])
    for i, (kind, colour, name) in enumerate(kinds):
        vals = [float(c.loc[f"hezhong_yibao_{kind}_complaints_{y}", "value_std"]) for y in years]
        xs = [j + (i - 0.5) * w for j in range(len(years))]
        ax.bar(xs, vals, width=w * 0.95, color=colour, label=name, gid=f"complaints:{kind}")
        for xx, v in zip(xs, vals):
            ax.text(xx, v + top * 0.015, format_quantity(v, "count", lang), ha="center", va="bottom", fontsize=7)
    total = c.loc["hezhong_yibao_complaints_total"]
    tx = len(years)
    ax.bar([tx], [float(total["value_std"])], width=w * 1.6, color=VERMILLION,
           label=pick(lang, "交易类与服务类合计", "Transaction + service, total"), gid="complaints:total")
    ax.text(tx, top * 1.015, format_quantity(float(total["value_std"]), "count", lang),
            ha="center", va="bottom", fontsize=7)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylim(0, top * 1.15)
    ax.set_xticks(range(len(years) + 1), [format_period(y, lang) for y in years]
                  + [format_period(str(total["period"]), lang)])
    ax.set_ylabel(pick(lang, "客户投诉（件）", "Customer complaints"))
    ax.set_title(pick(lang, f"（a）{provider}客户投诉", f"(a) Complaints against {provider}"), fontsize=9)
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
    axr.set_xlabel(pick(lang, "数量", "Count"))
    period = str(c.loc[risk_ids[1], "period"]) if len(risk_ids) > 1 else ""
    axr.set_title(pick(lang, f"（b）抖音支付{format_period(period, lang)}风险事件",
                        f"(b) Douyin Pay risk events, {format_period(period, lang)}"), fontsize=9)
    src = sources(lang, SRC_DISCLOSURE)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    q = lambda sid: format_quantity(float(c.loc[sid, "value_std"]), str(c.loc[sid, "unit_std"]), lang)  # noqa: E731
    trans = [q(f"hezhong_yibao_transaction_complaints_{y}") for y in years]
    serv = [q(f"hezhong_yibao_service_complaints_{y}") for y in years]
    tot = q("hezhong_yibao_complaints_total")
    surge = complaints_surge(cited)  # the audit's one base: both types in the year before the launch
    ratio = surge["factor"]
    leaks = float(c.loc[risk_ids[0], "value_std"])  # the original paper: none in 2023
    risk_text = [f"{c.loc[r, label_col]}：{q(r)}" if lang == "zh" else f"{c.loc[r, label_col]}: {q(r)}"
                 for r in risk_ids]
    if lang == "zh":
        caption = (f"左图：抖音支付的提供方{provider}的客户投诉，{fp(years[0])}至{fp(years[-1])}按类型（交易类分别为"
                   f"{'、'.join(trans)}件，服务类分别为{'、'.join(serv)}件），与{fp(total['period'])}的合计{tot}件对比"
                   f"（约为{fp(str(surge['base_year']))}两类投诉合计的{ratio:,.0f}倍）。右图：抖音支付{fp(period)}的风险事件（"
                   + "；".join(risk_text) + "）。" + src)
        alt = (f"两幅柱状图。左图：{fp(years[0])}至{fp(years[-1])}每年的交易类与服务类投诉均在数十件，"
               f"{fp(total['period'])}合计跃升至{tot}件。右图：{fp(period)}账户泄露类风险事件"
               f"{'为零' if leaks == 0 else q(risk_ids[0]) + '起'}，"
               f"资金损失类事件{q(risk_ids[1])}起。")
    else:
        caption = (f"Left: customer complaints against {provider}, the provider of Douyin Pay, by type "
                   f"for {fp(years[0])}–{fp(years[-1])} (transaction-related {', '.join(trans)}; service-related "
                   f"{', '.join(serv)}) against the {fp(total['period'])} total of {tot} (about {ratio:,.0f} times "
                   f"the {fp(str(surge['base_year']))} total of both types). Right: Douyin Pay's risk events in {fp(period)} ("
                   + "; ".join(risk_text) + "). " + src)
        alt = (f"Two bar charts. Left: transaction and service complaints number in the tens each year from "
               f"{fp(years[0])} to {fp(years[-1])}, barely visible beside the {fp(total['period'])} total of {tot}. Right: in "
               f"{fp(period)} there were {'no' if leaks == 0 else q(risk_ids[0])} account-leak risk events and "
               f"{q(risk_ids[1])} fund-loss events.")
    return fig, FigureText(caption, alt)
