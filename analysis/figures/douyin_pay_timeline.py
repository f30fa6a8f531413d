"""The dated events of the paper as a timeline: points for dated events, bars for
years and ranges; where the consistency audit or an independent source corrects
the original paper, the corrected event, outlined and marked. Cited in § 3 (status)."""

from __future__ import annotations

import math
import textwrap

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.figures._common import (
    BLACK, BLUE, FigureText, GREEN, VERMILLION, colour_name, join_list, period_end_x, period_start_x, period_x, pick,
    sources,
)
from analysis.formatting import format_period
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "timeline": "data/processed/timeline.csv",
    "facts": "data/processed/reference_facts.csv",
    "audit": "data/processed/audit.csv",
}

# Who acted, by the event's entity (timeline.csv), in three colours the caption names.
CATEGORIES = [
    ("provider", VERMILLION, ("抖音支付及其提供方合众易宝", "Douyin Pay and its provider, Hezhong Yibao"),
     {"Douyin Pay", "合众易宝", "hezhong_yibao", "douyin_pay"}),
    ("regulator", BLUE, ("监管与立法机构", "regulators and legislators"),
     {"PBOC", "NPC", "NRTA", "CAC", "pboc", "state_council", "npc_standing_committee", "nrta", "cac"}),
    ("industry", GREEN, ("抖音与行业", "Douyin and the industry"), {"Douyin", "Kuaishou"}),
]

# The original paper's events that the audit or an independent source contradicts, and what
# the figure shows instead: each replacement takes its date from a reference fact (or keeps
# the event's own date when the correction is of its wording), and its label names entities
# by their glossary ids ({pboc}). A correction applies while its evidence still contradicts
# the original paper: the audit check is inconsistent, or the fact's verdict is not 'confirms'.
CORRECTIONS: dict[str, dict[str, Any]] = {
    "nonbank_payment_regulation": {
        "evidence": ("audit", "nonbank_regulation_date"),
        "events": [
            {"fact": "nbpi_reg_draft_2021", "entity": "pboc",
             "zh": "{pboc}发布《非银行支付机构条例（征求意见稿）》",
             "en": "{pboc} released draft Regulations on Non-bank Payment Institutions for comment"},
            {"fact": "nbpi_reg_effective", "entity": "state_council",
             "zh": "{state_council}《非银行支付机构监督管理条例》施行",
             "en": "{state_council} Regulations on the Supervision and Administration of Non-bank Payment "
                   "Institutions took effect"},
        ]},
    "payment_licence_issued": {
        "evidence": ("audit", "licence_holder"),
        "events": [{"fact": "hzyb_licence_issue", "entity": "pboc",
                    "zh": "{pboc}向{hezhong_yibao}颁发《支付业务许可证》（互联网支付）",
                    "en": "{pboc} issued {hezhong_yibao} a Payment Business Licence for internet payment"}]},
    "cac_qinglang_livestream_short_video_campaign": {
        "evidence": ("fact", "qinglang_2022_livestream"),
        "events": [{"fact": None, "entity": "cac",
                    "zh": "{cac}开展“{qinglang_livestream_2022}”专项行动",
                    "en": "{cac} launched the campaign '{qinglang_livestream_2022}'"}]},
}


def load(paths: Mapping[str, Any]) -> dict[str, Any]:
    """The tables :func:`draw` takes, read from ``paths`` (keys of ``INPUTS``)."""
    import pandas as pd

    read = lambda key: pd.read_csv(paths[key], dtype=str, keep_default_na=False)  # noqa: E731
    return {"events": read("timeline"), "facts": read("facts"), "audit": read("audit")}


def _names(lang: str) -> dict[str, str]:
    from analysis import glossary

    return {tid: term.name(lang, short=tid != "qinglang_livestream_2022")
            for tid, term in glossary.terms().items()}


def _contradicted(evidence: tuple[str, str], facts: "pd.DataFrame", audit: "pd.DataFrame") -> bool:
    kind, key = evidence
    table, column, bad = ((audit, "check_id", lambda r: r["status"] == "inconsistent") if kind == "audit"
                          else (facts, "fact_id", lambda r: r["verdict_hint"] in ("contradicts", "partly")))
    rows = table[table[column] == key]
    if rows.empty:
        raise KeyError(f"timeline correction: no {kind} row '{key}' (analysis/figures/douyin_pay_timeline.py "
                       "CORRECTIONS names it)")
    return bool(bad(rows.iloc[0]))


def corrected_events(events: "pd.DataFrame", facts: "pd.DataFrame", audit: "pd.DataFrame",
                     lang: str) -> "pd.DataFrame":
    """The events to draw: the original paper's, with each one the evidence contradicts replaced by
    what the evidence records (``corrected`` True), and each one's audit ``status``."""
    import pandas as pd

    from analysis import glossary

    names = _names(lang)
    fact_rows = facts.set_index("fact_id")
    status = dict(zip(audit["check_id"], audit["status"]))
    rows = []
    for rec in events.to_dict("records"):
        fix = CORRECTIONS.get(rec["event_id"])
        if fix and _contradicted(fix["evidence"], facts, audit):
            for k, new in enumerate(fix["events"]):
                date = fact_rows.loc[new["fact"], "date"] if new["fact"] else rec["date"]
                rows.append({**rec, "event_id": f"{rec['event_id']}:{k}", "date": date,
                             "date_end": "" if new["fact"] else rec["date_end"],
                             "precision": {4: "year", 7: "month"}.get(len(date), "day"),
                             "entity": new["entity"], "label": new[lang].format(**names),
                             "corrected": True, "status": "corrected"})
            continue
        label = rec[f"label_{lang}"]
        rows.append({**rec, "label": glossary.english(label) if lang == "en" else label, "corrected": False,
                     "status": status.get(f"date_{rec['event_id']}", "unchecked")})
    return pd.DataFrame(rows)


# A dated event's diamond (points) and the white space between any mark and its label (points).
MARKER_SIZE, MARKER_EDGE, LABEL_GAP = 6.0, 1.3, 3.0


# Where a line of Chinese may break: after these marks, or before the opening ones.
_BREAK_AFTER, _BREAK_BEFORE = "：，、；》”）", "《“（"


def wrap(text: str, width: int, lang: str) -> str:
    """English wrapped at spaces; Chinese (no spaces) at a mark where one is near, so that a
    title in 《》 or a name in “” is not cut in the middle."""
    if lang != "zh":
        return textwrap.fill(text, width=width)
    lines = []
    while len(text) > width:
        cut = max([i + 1 for i, ch in enumerate(text[:width]) if ch in _BREAK_AFTER]
                  + [i for i, ch in enumerate(text[:width]) if ch in _BREAK_BEFORE and i > 0], default=0)
        cut = cut if cut >= width // 2 else width
        lines.append(text[:cut])
        text = text[cut:]
    return "\n".join(lines + [text])


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def category(entity: str) -> tuple[str, str, tuple[str, str]]:
    for name, colour, words, members in CATEGORIES:
        if entity in members:
            return name, colour, words
    raise KeyError(f"timeline: entity '{entity}' has no category (CATEGORIES in "
                   "analysis/figures/douyin_pay_timeline.py)")


def draw(events: "pd.DataFrame", facts: "pd.DataFrame", audit: "pd.DataFrame",
         lang: str) -> tuple["Figure", FigureText]:
    """The events table as a timeline: points for dated events, bars for years and ranges,
    corrections outlined; colours by who acted (:data:`CATEGORIES`)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ev = corrected_events(events, facts, audit, lang)
    ev["date_end"] = ev["date_end"].fillna("").astype(str)
    ev["x0"] = [period_start_x(d) for d in ev["date"]]
    ev = ev.sort_values(["x0", "event_id"]).reset_index(drop=True)
    n = len(ev)
    fig = new_figure(figsize=(6.3, 1.6 + 0.4 * n))
    ax = fig.add_subplot()
    first = int(math.floor(ev["x0"].min()))
    last = int(math.ceil(max(period_end_x(e or d) for d, e in zip(ev["date"], ev["date_end"]))))
    mid = (first + last) / 2
    width = 60 if lang == "en" else 30
    mark = pick(lang, "（更正）", " (corrected)")
    for i, rec in enumerate(ev.itertuples(index=False)):
        y = n - 1 - i
        end = rec.date_end or rec.date
        x0, x1 = period_start_x(rec.date), period_end_x(end)
        _, colour, _ = category(rec.entity)
        edge = dict(edgecolor=BLACK, linewidth=1.3) if rec.corrected else dict(linewidth=0)
        if rec.precision == "year" or rec.date_end:
            ax.barh([y], [x1 - x0], left=[x0], height=0.42, color=colour, gid=f"event:{rec.event_id}", **edge)
            anchor_l, anchor_r, reach = x0, x1, 0.0
        else:
            xm = period_x(rec.date)
            ax.plot([xm], [y], marker="D", markersize=MARKER_SIZE, color=colour, linestyle="none",
                    markeredgecolor=BLACK if rec.corrected else colour,
                    markeredgewidth=MARKER_EDGE if rec.corrected else 0, gid=f"event:{rec.event_id}")
            anchor_l = anchor_r = xm
            # the diamond is a square turned 45°: it reaches half its diagonal, plus half its edge, from xm
            reach = MARKER_SIZE * math.sqrt(2) / 2 + (MARKER_EDGE / 2 if rec.corrected else 0)
        when = format_period(rec.date, lang) + (
            (pick(lang, "至", "–") + format_period(rec.date_end, lang)) if rec.date_end else "")
        text = wrap(f"{when}{'：' if lang == 'zh' else ': '}{rec.label}{mark if rec.corrected else ''}",
                    width, lang)
        style = dict(va="center", fontsize=6.8, linespacing=1.05, fontweight="bold" if rec.corrected else "normal")
        # the label sits a fixed distance in points from its mark, whatever the span of years
        if anchor_r < mid:
            ax.annotate(text, (anchor_r, y), xytext=(reach + LABEL_GAP, 0), textcoords="offset points",
                        ha="left", gid=f"label:{rec.event_id}", **style)
        else:
            ax.annotate(text, (anchor_l, y), xytext=(-reach - LABEL_GAP, 0), textcoords="offset points",
                        ha="right", gid=f"label:{rec.event_id}", **style)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlim(first, last)
    ax.set_xticks(range(first, last + 1))
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    ax.set_title(pick(lang, "抖音支付大事记", "Douyin Pay: a timeline"))
    cats = [c for c in CATEGORIES if any(category(e)[0] == c[0] for e in ev["entity"])]
    handles = [Patch(facecolor=colour, linewidth=0, label=words[0 if lang == "zh" else 1])
               for _, colour, words, _ in cats]
    handles += [Line2D([], [], marker="D", color="#888888", linestyle="none",
                       label=pick(lang, "精确到月或日", "dated to the month or day")),
                Patch(facecolor="#888888", linewidth=0, label=pick(lang, "仅知年份或跨年", "known only to the year, or a span")),
                Patch(facecolor="white", edgecolor=BLACK, linewidth=1.3,
                      label=pick(lang, "依据独立来源更正（见脚注）", "corrected from independent sources (see the notes)"))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, fontsize=7, frameon=False)
    fig.subplots_adjust(bottom=0.85 / (1.6 + 0.4 * n), top=0.95)
    src = sources(lang, ("原论文所述事件；更正依据一致性审计所引的独立来源",
                          "events as the original paper states them; corrections from the independent sources "
                          "of the consistency audit"))
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731
    # counts of the original paper's events (``events``), and of the corrections drawn in place of
    # the ones the evidence contradicts (one event may be replaced by more than one)
    n_orig = len(events)
    n_corr = int(ev["corrected"].sum())
    n_replaced = ev.loc[ev["corrected"], "event_id"].str.split(":").str[0].nunique()
    kept = ev[~ev["corrected"]]
    n_ok = int((kept["status"] == "consistent").sum())
    n_open = int(kept["status"].isin(["unverifiable", "unchecked"]).sum())
    n_bad = int((kept["status"] == "inconsistent").sum())  # contradicted, with no correction to draw
    status_zh = [f"{n_ok}项的日期与独立来源一致", f"{n_open}项没有可供核对的独立来源"]
    status_en = [f"{n_ok} {_verb(n_ok, 'agrees', 'agree')} with independent sources",
                 f"{n_open} {_verb(n_open, 'has', 'have')} no independent source to check "
                 f"{_verb(n_open, 'it', 'them')} against"]
    if n_bad:
        status_zh.append(f"{n_bad}项与独立来源不符、按原文画出")
        status_en.append(f"{n_bad} {_verb(n_bad, 'disagrees', 'disagree')} with them and "
                         f"{_verb(n_bad, 'is', 'are')} drawn as the paper states {_verb(n_bad, 'it', 'them')}")
    if n_replaced:
        status_zh.append(f"{n_replaced}项与独立来源不符，图中代之以依据独立来源更正后的{n_corr}项事件"
                         "（黑框加粗；原文的说法见正文脚注）")
        status_en.append(f"{n_replaced} {_verb(n_replaced, 'is', 'are')} contradicted by them and replaced here by "
                         f"the {n_corr} corrected {_verb(n_corr, 'event', 'events')} outlined in black, in bold "
                         "(the original paper's versions are in the footnotes)")
    colours = [(colour_name(colour, lang), words[0 if lang == "zh" else 1]) for _, colour, words, _ in cats]
    launch = ev[ev["event_id"] == "douyin_pay_launch"]
    first_ev, last_ev = ev.iloc[0], ev.iloc[-1]
    n_ranges = int(((ev["precision"] == "year") | (ev["date_end"] != "")).sum())
    span = f"{fp(first_ev['date'])}{pick(lang, '至', ' to ')}{fp(last_ev['date_end'] or last_ev['date'])}"
    if lang == "zh":
        launch_txt = f"抖音支付于{fp(launch['date'].iloc[0])}在抖音APP内上线。" if len(launch) else ""
        caption = (f"抖音支付相关事件时间线（{span}，共{n}项）。菱形为精确到月或日的事件，横条为仅知年份或跨年的事件"
                   f"（{n_ranges}项）；" + "，".join(f"{c}为{w}" for c, w in colours) + "。"
                   f"原论文所述的{n_orig}项事件中，" + "，".join(status_zh) + f"。{launch_txt}{src}")
        alt = (f"时间线：自{fp(first_ev['date'])}“{first_ev['label']}”至{fp(last_ev['date'])}“{last_ev['label']}”的"
               f"{n}项事件按时间自上而下排列，其中{n_corr}项为更正后的事件。{launch_txt}")
    else:
        launch_txt = (f"Douyin Pay launched in the Douyin app in {fp(launch['date'].iloc[0])}. " if len(launch) else "")
        caption = (f"Timeline of events around Douyin Pay ({span}, {n} events). Diamonds are events dated to the "
                   f"month or day, bars events known only to the year or spanning years ({n_ranges}); "
                   + "; ".join(f"{c}: {w}" for c, w in colours) + ". "
                   f"Of the original paper's {n_orig} events, " + join_list(status_en, lang) + f". {launch_txt}{src}")
        alt = (f"Timeline of {n} events from top to bottom, from '{first_ev['label']}' ({fp(first_ev['date'])}) to "
               f"'{last_ev['label']}' ({fp(last_ev['date'])}), {n_corr} of them corrected. {launch_txt}").strip()
    return fig, FigureText(caption, alt)
