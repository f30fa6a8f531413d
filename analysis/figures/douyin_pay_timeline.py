"""The dated events of the paper as a timeline: points for dated events, bars for
years and ranges. Cited in § 3 (status)."""

from __future__ import annotations

import math
import textwrap

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.figures._common import (
    BLUE, FigureText, VERMILLION, period_end_x, period_start_x, period_x, pick, sources,
)
from analysis.formatting import format_period
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "timeline": "data/processed/timeline.csv",
}


def load(paths: Mapping[str, Any]) -> dict[str, Any]:
    """The tables :func:`draw` takes, read from ``paths`` (keys of ``INPUTS``)."""
    import pandas as pd

    return {"events": pd.read_csv(paths["timeline"], dtype=str, keep_default_na=False)}


def draw(events: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
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
            (pick(lang, "至", "–") + format_period(rec.date_end, lang)) if rec.date_end else "")
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
    ax.set_title(pick(lang, "抖音支付大事记", "Douyin Pay: a timeline"))
    fig.subplots_adjust(bottom=0.05, top=0.95)
    src = sources(lang, ("原论文所述事件，经公开资料核对（见正文脚注）",
                          "events as stated in the original paper, checked against public sources (see the notes)"))
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    launch = ev[ev["event_id"] == "douyin_pay_launch"]
    launch_txt = ""
    if len(launch):
        launch_txt = pick(lang, f"抖音支付于{fp(launch['date'].iloc[0])}在抖音APP内上线。",
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
