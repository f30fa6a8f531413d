"""CNNIC's internet users and internet penetration, report by report. Cited in the
social and cultural environment (§ 3.2.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.figures._common import (
    BLUE, FigureText, GREEN, PERSONS_SCALE, SRC_CNNIC, month_end_x, number_formatter, pct, pick,
    sources, year_axis, period_years,
)
from analysis.formatting import format_period, format_quantity
from analysis.plotting import new_figure, source_line

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# What the figure reads (the workflow makes these its inputs; * matches model cards).
INPUTS = {
    "series": "data/processed/public_series.csv",
}



def draw(series: "pd.DataFrame", lang: str) -> tuple["Figure", FigureText]:
    """CNNIC internet users and internet penetration (half-yearly reports)."""
    pscale, punit = PERSONS_SCALE[lang]

    def rows(sid: str) -> "pd.DataFrame":
        return series[(series["series_id"] == sid) & series["use_in_model"]].sort_values("period")

    users, pen = rows("cnnic_internet_users"), rows("cnnic_internet_penetration")
    fig = new_figure()
    gs = fig.add_gridspec(1, 2, wspace=0.3)
    ax, axp = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    ax.plot([month_end_x(p) for p in users["period"]], users["value_std"] / pscale, color=BLUE, marker="o",
            markersize=3.5, gid="users")
    axp.plot([month_end_x(p) for p in pen["period"]], pen["value_std"], color=GREEN, marker="o", markersize=3.5,
             gid="penetration")
    first = min(period_years(users["period"]))
    last = max(period_years(users["period"]))
    for a in (ax, axp):
        year_axis(a, first, last)
        a.tick_params(axis="x", which="minor", labelsize=7, rotation=90)
    ax.set_ylim(0, float(users["value_std"].max()) / pscale * 1.15)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(pick(lang, f"网民规模（{punit}）", f"Internet users ({punit})"))
    ax.set_title(pick(lang, "（a）网民规模", "(a) Internet users"), fontsize=9)
    axp.set_ylim(0, 100)
    axp.yaxis.set_major_formatter(number_formatter(lang, suffix="%"))
    axp.set_ylabel(pick(lang, "互联网普及率（%）", "Internet penetration (%)"))
    axp.set_title(pick(lang, "（b）互联网普及率", "(b) Internet penetration"), fontsize=9)
    src = sources(lang, SRC_CNNIC)
    source_line(fig, src)

    fp = lambda p: format_period(str(p), lang)  # noqa: E731

    def persons(rec) -> str:
        return format_quantity(float(rec["value_std"]), "persons", lang, resolution=float(rec["resolution_std"]))

    u0, u1, p0, p1 = users.iloc[0], users.iloc[-1], pen.iloc[0], pen.iloc[-1]
    if lang == "zh":
        caption = (f"中国网民规模与互联网普及率（半年度，截至各报告期末）。网民规模由{fp(u0['period'])}的{persons(u0)}增至"
                   f"{fp(u1['period'])}的{persons(u1)}，互联网普及率由{pct(p0['value_std'], lang)}升至"
                   f"{pct(p1['value_std'], lang)}。{src}")
        alt = (f"两幅折线图：网民规模自{fp(u0['period'])}的{persons(u0)}稳步增至{fp(u1['period'])}的{persons(u1)}，"
               f"增速近年放缓；互联网普及率自{pct(p0['value_std'], lang)}升至{pct(p1['value_std'], lang)}。")
    else:
        caption = (f"Internet users and internet penetration in China (half-yearly, at the end of each reporting "
                   f"period). Users grew from {persons(u0)} in {fp(u0['period'])} to {persons(u1)} in "
                   f"{fp(u1['period'])}, and penetration rose from {pct(p0['value_std'], lang)} to "
                   f"{pct(p1['value_std'], lang)}. {src}")
        alt = (f"Two line charts: internet users rise steadily from {persons(u0)} in {fp(u0['period'])} to "
               f"{persons(u1)} in {fp(u1['period'])}, more slowly in recent years; penetration rises from "
               f"{pct(p0['value_std'], lang)} to {pct(p1['value_std'], lang)}.")
    return fig, FigureText(caption, alt)
