"""What the figure modules share: names, number formats, year axes, colours,
source lines and the drawing of forecast fans and Douyin's scopes.

Private to :mod:`analysis.figures`; editing it redraws every figure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.formatting import format_estimate, format_quantity, format_together

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

# Axis scale per language: 亿元 / RMB bn for money, 亿人 / million people.
MONEY_SCALE = {"zh": (1e8, "亿元"), "en": (1e9, "RMB bn")}
# Amounts in the trillions read better in 万亿元 / RMB tn (15.4, not 154000亿元).
TRILLION_SCALE = {"zh": (1e12, "万亿元"), "en": (1e12, "RMB tn")}


def money_scale(largest: float, lang: str) -> tuple[float, str]:
    """The unit of a money axis whose data reach ``largest`` (CNY): 万亿元 / RMB tn
    from a trillion up, else 亿元 / RMB bn."""
    return TRILLION_SCALE[lang] if abs(float(largest)) >= 1e12 else MONEY_SCALE[lang]


PERSONS_SCALE = {"zh": (1e8, "亿人"), "en": (1e6, "million people")}


# Okabe–Ito colours (the style's cycle) by role.
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")


GREY = "#777777"


# The colours as captions name them (a caption that names a colour takes it from here).
COLOUR_NAMES = {BLUE: ("蓝色", "blue"), ORANGE: ("橙色", "orange"), GREEN: ("绿色", "green"),
                VERMILLION: ("朱红色", "vermilion"), PURPLE: ("紫红色", "reddish purple"), SKY: ("天蓝色", "sky blue"),
                BLACK: ("黑色", "black"), GREY: ("灰色", "grey")}


def colour_name(colour: str, lang: str) -> str:
    return COLOUR_NAMES[colour][0 if lang == "zh" else 1]


SERIES_COLOURS = {"kuaishou_ecommerce_gmv_annual": ORANGE, "kuaishou_ecommerce_gmv_quarterly": ORANGE}


# Douyin's GMV estimates, one series per scope: a marker each, never one line across them.
SCOPE_MARKERS = ["o", "s", "D", "v", "P", "X"]


# Short names for legends; the full names are in analysis/paper_tables.py.
SERIES_NAMES = {
    "zh": {"kuaishou_ecommerce_gmv_annual": "快手电商GMV（年度）",
           "kuaishou_ecommerce_gmv_quarterly": "快手电商GMV（季度）",
           "douyin_ecommerce_gmv_36kr": "抖音：36氪（含商品卡）",
           "douyin_ecommerce_gmv_caixin": "抖音：财新",
           "douyin_ecommerce_gmv_ebrun": "抖音：亿邦动力（含跳转成交）",
           "douyin_ecommerce_gmv_information": "抖音：The Information",
           "douyin_ecommerce_gmv_latepost": "抖音：晚点（不含商品卡）",
           "douyin_livestream_gmv_annual": "抖音：仅直播电商"},
    "en": {"kuaishou_ecommerce_gmv_annual": "Kuaishou e-commerce GMV (annual)",
           "kuaishou_ecommerce_gmv_quarterly": "Kuaishou e-commerce GMV (quarterly)",
           "douyin_ecommerce_gmv_36kr": "Douyin: 36Kr (incl. product cards)",
           "douyin_ecommerce_gmv_caixin": "Douyin: Caixin",
           "douyin_ecommerce_gmv_ebrun": "Douyin: Ebrun (incl. redirected sales)",
           "douyin_ecommerce_gmv_information": "Douyin: The Information",
           "douyin_ecommerce_gmv_latepost": "Douyin: LatePost (excl. product cards)",
           "douyin_livestream_gmv_annual": "Douyin: livestream sales only"},
}


def entity_name(entity: str, lang: str) -> str:
    """An entity of the data (its English name as the tables record it, e.g. "Kuaishou",
    or its Chinese name) in ``lang``, from the glossary (data/raw/glossary.csv)."""
    from analysis import glossary

    for term in glossary.terms().values():
        if entity in (term.en, term.en_short, term.zh, term.term_id):
            return term.name(lang, short=True)
    raise KeyError(f"entity '{entity}' has no entry in data/raw/glossary.csv")


# Research firms behind the market-share estimates, by the prefix of their source key
# (glossary terms).
RESEARCH_FIRMS = {"analysys": "analysys", "iresearch": "iresearch"}


def research_firm(source_key: str, lang: str) -> str:
    from analysis import glossary

    term = next((t for k, t in RESEARCH_FIRMS.items() if str(source_key).startswith(k)), None)
    if term is None:
        raise KeyError(f"source '{source_key}': no research firm in RESEARCH_FIRMS (analysis/figures/_common.py)")
    return glossary.name(term, lang)


@dataclass(frozen=True)
class FigureText:
    caption: str
    alt: str


def model_name(model: str, lang: str) -> str:
    """A model's or scenario rule's name as the registry (analysis/models/) declares it."""
    from analysis.values import model_name as registered

    return registered(model, lang)


def series_name(series_id: str, lang: str) -> str:
    """Short names for the GMV series drawn here; the full list is in analysis/paper_tables.py."""
    from analysis.paper_tables import SERIES_NAMES as FULL

    return SERIES_NAMES[lang].get(series_id) or FULL[series_id][0 if lang == "zh" else 1]


def money(value: float, lang: str, digits: int = 3) -> str:
    """An amount of CNY to ``digits`` significant digits (1.74万亿元, RMB 1.74 trillion)."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return format_quantity(value, "CNY", lang)
    res = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return format_quantity(value, "CNY", lang, resolution=res)


def money_estimate(value: float | None, ranges, lang: str, digits: int = 3) -> tuple[str | None, list[str]]:
    """An amount of CNY and its intervals [(lo, hi), …] in one unit, that of the largest
    (0.71万亿元 and 0.31至1.63万亿元; RMB 0.71 trillion and RMB 0.31–1.63 trillion)."""
    return format_estimate(value, ranges, "CNY", lang, digits=digits)


def money_together(values, lang: str, digits: int = 3) -> list[str]:
    """Amounts of CNY printed side by side (two scenarios' ends) in one unit, that of the largest,
    each to ``digits`` significant digits."""
    return format_together(values, "CNY", lang, digits=digits, own_digits=True)


def pct(value: float, lang: str, decimals: int = 1) -> str:
    """A percentage number (27.6 → 27.6%)."""
    return format_quantity(float(value), "percent", lang, resolution=10.0 ** -decimals)


def rate_pct(rate: float, lang: str) -> str:
    """A fee rate given as a fraction (0.00235 → 0.235%)."""
    return pct(rate * 100, lang, decimals=3)


def period_x(period: str) -> float:
    """The centre of an ISO period on a year axis (2021 → 2021.5, 2021Q3 → 2021.625,
    2023-06 → 2023.458); month-end stock figures use :func:`month_end_x`."""
    period = str(period)
    if "Q" in period:
        year, q = period.split("Q")
        return int(year) + (int(q) - 0.5) / 4
    parts = period.split("-")
    if len(parts) == 1:
        return int(parts[0]) + 0.5
    year, month = int(parts[0]), int(parts[1])
    if len(parts) == 2:
        return year + (month - 0.5) / 12
    return year + (month - 1) / 12 + (int(parts[2]) - 0.5) / 365


def month_end_x(period: str) -> float:
    """A stock measured at the end of a month (截至2023年6月) → its position on a year axis."""
    year, month = str(period).split("-")[:2]
    return int(year) + int(month) / 12


def period_end_x(period: str) -> float:
    """The end of an ISO period on a year axis."""
    period = str(period)
    if "Q" in period:
        year, q = period.split("Q")
        return int(year) + int(q) / 4
    parts = period.split("-")
    if len(parts) == 1:
        return int(parts[0]) + 1.0
    if len(parts) == 2:
        return month_end_x(period)
    return period_x(period) + 0.5 / 365


def period_start_x(period: str) -> float:
    return 2 * period_x(period) - period_end_x(period)


def year_axis(ax: "Axes", first: int, last: int, step: int = 1) -> None:
    """Years as labels centred in their span, with ticks at the year boundaries."""
    from matplotlib.ticker import FixedLocator, NullFormatter

    ax.set_xlim(first, last + 1)
    ax.xaxis.set_major_locator(FixedLocator(list(range(first, last + 2))))
    ax.xaxis.set_major_formatter(NullFormatter())
    centres = [y + 0.5 for y in range(first, last + 1) if (y - first) % step == 0]
    ax.xaxis.set_minor_locator(FixedLocator(centres))
    ax.set_xticks(centres, [str(int(c)) for c in centres], minor=True)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.tick_params(axis="x", which="major", length=3)


def tick_decimals(locs) -> int:
    """The fewest decimals that write every tick of ``locs`` exactly (2.5 apart: 1; 0.25: 2)."""
    for decimals in range(7):
        if all(abs(float(x) - round(float(x), decimals)) <= 1e-9 * max(1.0, abs(float(x))) for x in locs):
            return decimals
    return 6


def number_formatter(lang: str, suffix: str = ""):
    """Tick labels as plain numbers (12,000 in English, 12000 in Chinese), ``suffix`` after
    each (``%``). A linear axis shows every tick with the decimals its step needs (0.0, 2.5,
    5.0 …, never 12 for 12.5); a log axis, whose ticks are powers of ten apart, shows each
    tick with the decimals it needs (0.1, 1, 10)."""
    from matplotlib.ticker import Formatter

    class NumberFormatter(Formatter):
        ticks: list[float] = []

        def set_locs(self, locs) -> None:  # the axis's ticks, set before their labels are asked for
            self.ticks = [float(v) for v in locs]

        def __call__(self, x: float, pos=None) -> str:
            log = self.axis is not None and self.axis.get_scale() == "log"
            x = float(x) + 0.0  # no -0
            decimals = tick_decimals([x] if log or not self.ticks else self.ticks)
            text = f"{x:,.{decimals}f}" if lang == "en" else f"{x:.{decimals}f}"
            return text + suffix

    return NumberFormatter()


def log_y(ax: "Axes", lang: str, subs: tuple[float, ...] = (1.0,)) -> None:
    """A log-scale y axis labelled with plain numbers at ``subs`` × powers of ten."""
    from matplotlib.ticker import LogLocator, NullFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(number_formatter(lang))
    minor = tuple(m for m in (2.0, 5.0) if m not in subs)
    ax.yaxis.set_minor_locator(LogLocator(base=10, subs=minor or (3.0,)))
    ax.yaxis.set_minor_formatter(NullFormatter())


def pick(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def sources(lang: str, *parts: tuple[str, str]) -> str:
    """'数据来源：A；B。' / 'Source: A; B.'"""
    if lang == "zh":
        return "数据来源：" + "；".join(p[0] for p in parts) + "。"
    return "Source: " + "; ".join(p[1] for p in parts) + "."


def join_list(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def period_years(periods) -> list[int]:
    return [int(str(p)[:4]) for p in periods]


SRC_KUAISHOU = ("快手科技业绩公告", "Kuaishou results announcements")


SRC_MEDIA = ("媒体报道（抖音GMV为媒体估计）", "media reports (Douyin GMV is a media estimate)")


SRC_MODELS = ("预测为本版模型", "forecasts: this edition's models")


SRC_PAPER = ("原论文（引快手年报）", "the original paper (citing Kuaishou's annual report)")


SRC_NBS = ("国家统计局", "National Bureau of Statistics (NBS)")


SRC_CNNIC = ("中国互联网络信息中心（CNNIC）统计报告", "CNNIC Statistical Reports on Internet Development")


SRC_DISCLOSURE = ("原论文所引披露数据", "disclosures cited in the original paper")


# Opacity of the forecast bands; the 80% band is drawn over the 95% band.
BAND_ALPHA = {"95": 0.13, "80": 0.28}


def fan(ax: "Axes", x: list[float], fc: "pd.DataFrame", start: tuple[float, float] | None,
         scale: float, colour: str, gid: str) -> None:
    """Median and 80%/95% bands of a forecast, joined to the last observation ``start``."""
    def col(name: str) -> list[float]:
        head = [start[1] / scale] if start else []
        return head + [float(v) / scale for v in fc[name]]

    xs = ([start[0]] if start else []) + list(x)
    ax.fill_between(xs, col("lo95"), col("hi95"), color=colour, alpha=BAND_ALPHA["95"], linewidth=0,
                    gid=f"band95:{gid}")
    ax.fill_between(xs, col("lo80"), col("hi80"), color=colour, alpha=BAND_ALPHA["80"], linewidth=0,
                    gid=f"band80:{gid}")
    line, = ax.plot(x, [float(v) / scale for v in fc["yhat"]], color=colour, linestyle=":",
                    linewidth=1.8, gid=f"forecast:{gid}")
    if start:  # the dotted median starts at the last observation
        ax.plot([start[0], x[0]], [start[1] / scale, float(fc["yhat"].iloc[0]) / scale],
                color=colour, linestyle=":", linewidth=1.8)


def band_proxies(lang: str, colour: str) -> list:
    """Legend swatches of the bands :func:`fan` draws in ``colour``, as they look on the
    plot: the 80% band is seen through the 95% one."""
    from matplotlib.patches import Patch

    a95 = BAND_ALPHA["95"]
    a80 = 1 - (1 - BAND_ALPHA["95"]) * (1 - BAND_ALPHA["80"])
    return [Patch(facecolor=colour, alpha=a80, linewidth=0, gid="legend:band80",
                  label=pick(lang, "80%预测区间", "80% prediction interval")),
            Patch(facecolor=colour, alpha=a95, linewidth=0, gid="legend:band95",
                  label=pick(lang, "95%预测区间", "95% prediction interval"))]


def scope_series(series: "pd.DataFrame", entity: str) -> list[str]:
    """An entity's annual GMV series, one per scope of estimate."""
    rows = series[(series["entity"] == entity) & series["series_id"].str.contains("_gmv")
                  & series["period"].astype(str).str.fullmatch(r"\d{4}")]
    return sorted(rows["series_id"].unique())


def scope_styles(scopes: list[str], highlight: str) -> dict[str, tuple[str, str]]:
    """(colour, marker) per scope series: the modelled scope in blue, the others in turn."""
    others = iter([SKY, PURPLE, GREEN, VERMILLION, BLACK] * 2)
    return {sid: (BLUE if sid == highlight else next(others), SCOPE_MARKERS[k % len(SCOPE_MARKERS)])
            for k, sid in enumerate(scopes)}


def draw_scope(ax: "Axes", rows: "pd.DataFrame", colour: str, marker: str, scale: float, sid: str) -> None:
    """One scope's estimates: a line only within the scope, a range as a bar, 'over' as ▲."""
    by_period = rows.groupby("period", sort=True)
    xs, ys = [], []
    for period, g in by_period:
        x = int(period)
        if len(g) > 1:  # a printed range, kept as its ends
            ax.plot([x, x], [g["value_std"].min() / scale, g["value_std"].max() / scale], color=colour,
                    linewidth=2.2, solid_capstyle="butt", gid=f"range:{sid}:{period}")
        xs.append(x)
        ys.append(float(g["value_std"].mean()))
        over = (g["qualifier"] == "over").any()
        ax.plot([x], [ys[-1] / scale], linestyle="none", marker="^" if over else marker, markersize=5.5,
                color=colour, markerfacecolor="white", markeredgewidth=1.3)
    ax.plot(xs, [y / scale for y in ys], color=colour, linestyle="--" if len(xs) > 1 else "none",
            linewidth=1.2, gid=f"history:{sid}")
