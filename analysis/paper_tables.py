"""The paper's generated tables (appendix), as Markdown pipe tables per
language, included from the ``.qmd`` with ``{{< include >}}``.

Tables are built from the processed data only; their captions carry a
``{#tbl-…}`` label so both render paths number them (表 1 / Table 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re

from analysis import glossary
from analysis.formatting import format_period, format_quantity

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

STATUS_WORDS = {
    "zh": {"consistent": "一致", "inconsistent": "**不一致**", "unverifiable": "无法核实"},
    "en": {"consistent": "consistent", "inconsistent": "**inconsistent**", "unverifiable": "unverifiable"},
}

# Names of the supplementary series in each language. An unknown series
# stops the build: a new series needs its name here.
SERIES_NAMES = {
    "kuaishou_ecommerce_gmv_annual": ("快手电商GMV（年度）", "Kuaishou e-commerce GMV (annual)"),
    "kuaishou_ecommerce_gmv_quarterly": ("快手电商GMV（季度）", "Kuaishou e-commerce GMV (quarterly)"),
    # Douyin: media estimates of different scope, one series per scope (never joined into one path)
    "douyin_livestream_gmv_annual": ("抖音直播电商GMV（媒体估计）", "Douyin livestream-commerce GMV (media estimate)"),
    "douyin_ecommerce_gmv_ebrun": ("抖音电商GMV（含跳转第三方平台成交，亿邦动力口径，媒体估计）",
                                   "Douyin e-commerce GMV incl. redirected sales (Ebrun's scope, media estimate)"),
    "douyin_ecommerce_gmv_caixin": ("抖音电商GMV（财新口径，媒体估计）", "Douyin e-commerce GMV (Caixin's scope, media estimates)"),
    "douyin_ecommerce_gmv_information": ("抖音电商GMV（The Information口径，媒体估计）",
                                         "Douyin e-commerce GMV (The Information's scope, media estimate)"),
    "douyin_ecommerce_gmv_latepost": ("抖音电商GMV（晚点LatePost口径，不含商品卡，媒体估计）",
                                      "Douyin e-commerce GMV (LatePost's scope, excl. product cards, media estimate)"),
    "douyin_ecommerce_gmv_36kr": ("抖音电商GMV（36氪口径，含商品卡，媒体估计）",
                                  "Douyin e-commerce GMV (36Kr's scope, incl. product cards, media estimates)"),
    "nbs_online_retail_sales": ("全国网上零售额", "Online retail sales"),
    "nbs_online_retail_sales_growth": ("全国网上零售额同比增速", "Online retail sales, growth"),
    "nbs_physical_online_retail_sales": ("实物商品网上零售额", "Physical goods sold online"),
    "nbs_physical_share_of_retail_sales": ("实物商品网上零售额占社零比重", "Physical goods online, share of retail sales"),
    "nbs_total_retail_sales": ("社会消费品零售总额", "Total retail sales of consumer goods"),
    "nbs_population_year_end": ("年末总人口", "Population at year end"),
    "nbs_usd_cny_annual_average": ("人民币对美元年平均汇率", "Average USD/CNY rate"),
    "cnnic_internet_users": ("网民规模", "Internet users"),
    "cnnic_internet_penetration": ("互联网普及率", "Internet penetration"),
    "payment_market_share_mobile": ("第三方移动支付市场份额", "Third-party mobile payment market shares"),
}
STATUS_NAMES = {"zh": {"official": "官方", "media_estimate": "估计"},
                "en": {"official": "official", "media_estimate": "estimate"}}


def cell(text: object) -> str:
    """A value safe inside a pipe-table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


PROVENANCE_WORDS = {"zh": ("数据", "代码", "规则"), "en": ("Data", "Code", "Rule")}


def repository_link(path: str, repository: dict | None = None) -> str:
    """Where a repository file is, seen from the served page.

    With ``repository["url"]`` (the config's ``paper.repository_url``, a
    template with ``{path}`` and optionally ``{commit}``) an absolute address
    at the commit that was built (``HEAD`` when none is known); without it,
    the path relative to the repository from ``paper/_output/``.
    """
    if repository and repository.get("url"):
        return repository["url"].format(path=path, commit=repository.get("commit") or "HEAD")
    return "../../" + path


def provenance(lang: str, data: list[str], code: list[str], rule: str,
               repository: dict | None = None) -> str:
    """An HTML-only line under a table or figure: the data files and the code
    that made it (links into the repository, see ``repository_link``) and the
    Snakemake rule that ran it."""
    d, c, r = PROVENANCE_WORDS[lang]
    link = lambda p: f"[`{p}`]({repository_link(p, repository)})"  # noqa: E731
    return (f'::: {{.content-visible when-format="html"}}\n[{d}: {", ".join(map(link, data))} · '
            f'{c}: {", ".join(map(link, code))} · {r}: `{rule}`]{{.provenance}}\n:::\n')


def figure_block(name: str, lang: str, caption: str, alt: str, data: list[str], code: list[str],
                 repository: dict | None = None) -> str:
    """A figure as Quarto Markdown: the staged SVG (paths relative to the
    project folder), its ``fig-`` id, caption and alt text, then its
    provenance line (made by the rule ``figure`` with ``figure=<name>``)."""
    label = "fig-" + name.replace("_", "-")
    alt_attr = alt.replace("\\", "\\\\").replace('"', '\\"')
    return (f'![{caption}](_figures/{name}.{lang}.svg){{#{label} fig-alt="{alt_attr}"}}\n\n'
            + provenance(lang, data, code, f"figure (figure={name})", repository))


def pipe_table(header: list[str], rows: list[list[str]], caption: str, label: str,
               widths: list[int] | None = None) -> str:
    """A pipe table with a numbered caption. ``widths`` (relative dashes) set column widths."""
    widths = widths or [3] * len(header)
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("-" * max(3, w) for w in widths) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + f"\n\n: {caption} {{#{label}}}\n"


def _source_text(rec, lang: str) -> str:
    """The source the original paper names for a statistic, in ``lang`` (the English
    names of the documents it names are in the glossary)."""
    if rec.derived in (True, "True"):
        return "推算" if lang == "zh" else "derived"
    given = rec.source.removeprefix("paper, citing ").removeprefix("paper (no source named)")
    if not given:
        return "原文未注明" if lang == "zh" else "none named"
    return given if lang == "zh" else glossary.by_chinese(given).en


# The original paper's sections (as its statistics record them) → the ids of the same
# sections in this edition, which numbers them differently (it adds § 2 and § 5); the
# tables print this edition's numbers through cross-references ([-@sec-…]).
SEED_SECTIONS = {
    "1": "sec-introduction", "1.1": "sec-background", "1.2": "sec-aims", "1.2.1": "sec-purpose",
    "1.2.2": "sec-significance", "1.3": "sec-framework", "1.3.1": "sec-research-approach",
    "1.3.2": "sec-research-methods",
    "2": "sec-status", "2.1": "sec-purposes", "2.1.1": "sec-closed-loop", "2.1.2": "sec-user-data",
    "2.1.3": "sec-traffic", "2.1.4": "sec-cost", "2.2": "sec-pest", "2.2.1": "sec-political",
    "2.2.2": "sec-economic", "2.2.3": "sec-sociocultural", "2.2.4": "sec-technological", "2.3": "sec-swot",
    "2.3.1": "sec-strengths", "2.3.2": "sec-weaknesses", "2.3.3": "sec-opportunities", "2.3.4": "sec-threats",
    "3": "sec-problems", "3.1": "sec-market-share", "3.2": "sec-payment-habits", "3.3": "sec-risks",
    "3.3.1": "sec-complaint-risk", "3.3.2": "sec-policy-risk", "3.3.3": "sec-competition-risk",
    "4": "sec-recommendations", "4.1": "sec-rec-content", "4.2": "sec-rec-security", "4.3": "sec-rec-privacy",
    "4.4": "sec-rec-ecosystem", "4.5": "sec-rec-brand", "5": "sec-conclusion",
}


def edition_section(seed_section: str, lang: str) -> str:
    """Where a statistic of the original paper's section ``seed_section`` stands in this
    edition: a cross-reference that prints this edition's section number (3.1.4)."""
    if seed_section == "abstract":
        return "摘要" if lang == "zh" else "abstract"
    try:
        return f"[-@{SEED_SECTIONS[seed_section]}]"
    except KeyError:
        raise KeyError(f"section {seed_section} of the original paper has no section of this edition in "
                       "SEED_SECTIONS (analysis/paper_tables.py)") from None


def cited_statistics_table(cited: "pd.DataFrame", lang: str) -> str:
    """Every statistic of the paper: section, label, period, value, source."""
    rows = []
    for rec in cited.itertuples(index=False):
        res = rec.resolution_std if rec.resolution_std == rec.resolution_std else None
        value = format_quantity(rec.value_std, rec.unit_std, lang, resolution=res, qualifier=rec.qualifier)
        period = format_period(rec.period, lang) if rec.period else "—"
        label = rec.label_zh if lang == "zh" else glossary.english(rec.label_en)
        rows.append([edition_section(rec.section, lang), label, period, value, _source_text(rec, lang)])
    header = (["章节", "统计项", "时期", "数值", "原文所称来源"] if lang == "zh"
              else ["Section", "Statistic", "Period", "Value", "Source named"])
    caption = ("原文引用的全部统计数据（经清洗；推算项由原文给出的差值计算；章节为本版的编号）" if lang == "zh"
               else "Every statistic the original paper cites, cleaned (derived rows are computed from the "
                    "differences it gives; sections as numbered in this edition)")
    return pipe_table(header, rows, caption, "tbl-cited-statistics", [6, 24, 8, 10, 12])


# The audit writes its evidence in English words and codes; the Chinese table
# translates them phrase by phrase (longest first). A phrase missing here shows
# up as English in the Chinese table, which a test catches.
AUDIT_PHRASES_ZH = {
    "(the printed precision of both figures)": "（两个数字的印刷精度）",
    "(the printed precision of the three figures)": "（三个数字的印刷精度）",
    "the rounding of the five printed figures": "五个数字的印刷精度",
    "(the rounding of the four printed figures)": "（四个数字的印刷精度）",
    "(rounding + half a year's change)": "（舍入误差加半年的变化）",
    "comparable basis": "可比口径",
    "the same year (exact)": "同一年份（完全相同）",
    "year before the launch": "早于上线的年份",
    "same business types": "相同的业务类型",
    "before the launch,": "早于上线日期",
    "a figure for": "应为",
    "or earlier": "年或更早的数字",
    "±10 percentage points": "±10个百分点",
    "rounding": "舍入",
    " m CNY": "百万元",
    "on or before the stated date (截至)": "不晚于所述日期（截至）",
    "same date at the coarser precision": "按较粗精度日期相同",
    "half the printed precision": "印刷精度的一半",
    "±0.25 percentage points (13.0 is rounded)": "±0.25个百分点（13.0为四舍五入值）",
    "percentage points": "个百分点",
    "payment accounts": "支付账户",
    "bank accounts": "银行账户",
    "customers": "客户",
    "events": "事件",
    "(a surge)": "（激增）",
    "largest gap": "最大偏差",
    "(rounding)": "（舍入）",
    "inequality": "不等式",
    "direction": "方向",
    "exact": "完全相同",
    "same entity": "同一主体",
    "same date": "同一日期",
    "draft": "征求意见稿",
    "adopted": "通过",
    "effective": "施行",
    " tn CNY": "万亿元",
    " CNY/USD": "元/美元",
    " CNY": "元",
    " 亿人": "亿人",
    "(Hezhong Yibao)": "",
    "(Douyin)": "",
}


def _persons_en(m: "re.Match[str]") -> str:
    number = m.group(1)
    decimals = len(number.split(".")[1]) if "." in number else 0
    return format_quantity(float(number) * 1e8, "persons", "en", resolution=1e8 * 10.0 ** -decimals)


# The audit's machine-readable quantities: "13.79 tn CNY", "175075.6 m CNY", "1000000 CNY",
# and plain counts written without separators ("46098").
_AUDIT_SCALES = {"tn": 1e12, "m": 1e6}  # the prefixes analysis/audit.py writes
_AUDIT_CNY = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?) (?:({'|'.join(_AUDIT_SCALES)}) )?CNY\b(?!/)")
_AUDIT_COUNT = re.compile(r"(?<![\d.\-/:])(\d{5,})(?![\d.\-/:%])")


def _audit_cny(m: "re.Match[str]", lang: str) -> str:
    number, scale = m.group(1), _AUDIT_SCALES.get(m.group(2), 1.0)
    # the last digit written is the precision: 175075.6 → 0.1, 1600000000 → 100000000
    digits = number.split(".")[1] if "." in number else ""
    step = 10.0 ** -len(digits) if digits else 10.0 ** (len(number) - len(number.rstrip("0")))
    return format_quantity(float(number) * scale, "CNY", lang, resolution=scale * step)


def audit_quantities(text: str, lang: str) -> str:
    """The audit's quantities as the paper prints quantities: 13.79万亿元 / RMB 13.79 trillion,
    100万元 / RMB 1 million, 46,098 (English groups digits; Chinese writes counts out)."""
    text = _AUDIT_CNY.sub(lambda m: _audit_cny(m, lang), text)
    if lang == "en":
        text = _AUDIT_COUNT.sub(lambda m: f"{int(m.group(1)):,}", text)
    return text


def audit_text(text: str, lang: str) -> str:
    """An audit cell in the table's language. The audit writes English with a few Chinese
    words (names, 亿人, 截至); the English table gives the glossary's names and English
    units, and stops the build on any Chinese left, so that a new phrase gets its translation."""
    if not text:
        return text
    text = audit_quantities(text, lang)
    if lang == "en":
        out = glossary.english(text)
        out = re.sub(r"(\d+(?:\.\d+)?) ?亿人", _persons_en, out)
        out = out.replace(" (截至)", "")
        left = glossary.chinese_runs(out)
        if left:
            raise ValueError(f"audit cell {text!r}: '{left[0]}' has no English in the English table "
                             "(analysis/paper_tables.py audit_text, or data/raw/glossary.csv for a name)")
        return out
    for phrase in sorted(AUDIT_PHRASES_ZH, key=len, reverse=True):
        text = text.replace(phrase, AUDIT_PHRASES_ZH[phrase])
    return text.replace(", ", "，").replace("; ", "；").replace(" （", "（").strip()


def evidence_cell(rec, lang: str) -> str:
    """What a check compares the paper with, and the sources it read, by kind."""
    from analysis.sources import KIND_WORDS, KINDS

    text = rec.evidence_zh if lang == "zh" else audit_text(rec.evidence_en, lang)
    by_kind: dict[str, list[str]] = {}
    for item in filter(None, str(rec.sources or "").split("; ")):
        key, _, kind = item.partition(" (")
        by_kind.setdefault(kind.rstrip(")"), []).append(key)
    groups = [f"{KIND_WORDS[lang][k]} [{'; '.join(f'@{key}' for key in by_kind[k])}]" for k in KINDS if k in by_kind]
    groups += [f"[{'; '.join(f'@{key}' for key in keys)}]" for k, keys in by_kind.items() if k not in KINDS]
    if not groups:
        return text
    return text + ("：" if lang == "zh" else ": ") + ("；" if lang == "zh" else "; ").join(groups)


def audit_table(audit: "pd.DataFrame", lang: str) -> str:
    """Every consistency check: the independent evidence it uses (its sources, by kind),
    what that evidence and the original paper say, the tolerance and the verdict."""
    rows = [[rec.description_zh if lang == "zh" else audit_text(rec.description_en, lang),
             evidence_cell(rec, lang), audit_text(rec.expected, lang) or "—", audit_text(rec.observed, lang),
             audit_text(rec.tolerance, lang) or "—", STATUS_WORDS[lang][rec.status]]
            for rec in audit.itertuples(index=False)]
    header = (["检查", "独立依据（来源）", "依据所示", "原文或推算", "容差", "结论"] if lang == "zh"
              else ["Check", "Independent evidence (sources)", "Evidence says", "Original paper or derived",
                    "Tolerance", "Verdict"])
    caption = ("一致性审计：原文数据相互之间及与独立来源的核对。来源类别：官方、媒体、转载/镜像（见表[-@tbl-data-sources]的说明）"
               if lang == "zh" else
               "Consistency audit: the original paper's figures checked against each other and against independent "
               "sources. Kinds of source: official, press, mirror (see @tbl-data-sources)")
    return pipe_table(header, rows, caption, "tbl-audit", [13, 17, 10, 10, 8, 8])


def data_sources_table(series: "pd.DataFrame", lang: str) -> str:
    """The supplementary series: coverage, status and the sources of their rows."""
    rows = []
    for sid, grp in series.groupby("series_id", sort=True):
        if sid not in SERIES_NAMES:
            raise KeyError(f"series '{sid}' has no name in analysis/paper_tables.py SERIES_NAMES")
        name = SERIES_NAMES[sid][0 if lang == "zh" else 1]
        periods = sorted(grp["period"])
        span = format_period(periods[0], lang)
        if periods[-1] != periods[0]:
            span += ("至" if lang == "zh" else "–") + format_period(periods[-1], lang)
        statuses = "、".join if lang == "zh" else ", ".join
        status = statuses(STATUS_NAMES[lang][s] for s in sorted(set(grp["status"])))
        rows.append([name, span, row_count(grp, lang), status, sources_by_kind(grp, lang)])
    header = (["序列", "时期", "行数", "性质", "来源（按类别）"] if lang == "zh"
              else ["Series", "Period", "Rows", "Status", "Sources, by kind"])
    caption = ("补充公开数据序列及其来源。来源类别：官方＝发布机构自己的网站或政府门户网站；媒体＝新闻机构或专业出版者自己的页面（含知名门户转载的通讯社稿）；"
               "转载/镜像＝无关网站、聚合站、论坛、博客或文档分享站上的副本，仅在未找到更好副本时使用"
               if lang == "zh" else
               "Supplementary public series and their sources. Kinds of source: official = the issuer's own site or a government portal; "
               "press = a news organisation's or professional publisher's own page (wire copies on established "
               "portals included); mirror = a copy on an unrelated site, aggregator, forum, blog or "
               "document-sharing site, used only where no better copy was found")
    return pipe_table(header, rows, caption, "tbl-data-sources", [14, 12, 6, 5, 18])


def row_count(rows: "pd.DataFrame", lang: str) -> str:
    """How many rows a series has and, where some only cross-check another source's copy of
    a period (``use_in_model`` False), how many the analysis uses: 20 rows are not 20 quarters."""
    n, used = len(rows), int(rows["use_in_model"].astype(bool).sum())
    if used == n:
        return str(n)
    return f"{n}（用于分析 {used}）" if lang == "zh" else f"{n} ({used} used)"


def sources_by_kind(rows: "pd.DataFrame", lang: str) -> str:
    """The citations of ``rows`` grouped by the kind of each source (official, press, mirror;
    ``source_kind`` of the processed table), e.g. ``official [@a]; mirror [@b; @c]``."""
    from analysis.sources import KIND_WORDS, KINDS

    if "source_kind" not in rows:
        raise KeyError("the processed public_series.csv has no source_kind column: rebuild it")
    groups = []
    for kind in KINDS:
        keys = sorted(set(rows.loc[rows["source_kind"] == kind, "source_key"]))
        if keys:
            groups.append(f"{KIND_WORDS[lang][kind]} [{'; '.join(f'@{k}' for k in keys)}]")
    unknown = sorted(set(rows["source_kind"]) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown source kind(s) {unknown} in the processed public_series.csv")
    return ("；" if lang == "zh" else "; ").join(groups)


def model_summary_table(summary: "pd.DataFrame", selection: "pd.DataFrame", lang: str) -> str:
    """Every method's backtest per series: origins and forecasts scored, mean MASE and MAPE,
    coverage of its 80% and 95% intervals, and which method the rule selected."""
    from analysis.values import model_name

    i = 0 if lang == "zh" else 1
    sel = selection.set_index("series_id")

    def pct(x: float) -> str:
        return "—" if x != x else f"{x * 100:.0f}%"

    rows = []
    for sid in sel.index:
        g = summary[summary["series_id"] == sid]
        for model, m in g.groupby("model", sort=False):
            n = m["n_scored"].astype(float)
            if n.sum() == 0:
                continue

            def mean(col: str) -> float:
                ok = m[col].notna()
                return float((m.loc[ok, col] * n[ok]).sum() / n[ok].sum()) if ok.any() else float("nan")

            kind = str(m["kind"].iloc[0])
            kind_word = {"benchmark": ("基准", "benchmark"), "model": ("模型", "model"),
                         "aggregate": ("季度加总", "sum of quarters")}[kind][i]
            mark = "✓" if model == sel.loc[sid, "selected_model"] else ""
            origins = int(m.loc[m["horizon"] == m["horizon"].min(), "n_scored"].iloc[0])
            rows.append([SERIES_NAMES[sid][i], model_name(model, lang), kind_word, str(origins), str(int(n.sum())),
                         f"{mean('mase'):.2f}", f"{mean('mape'):.1f}%", pct(mean("coverage80")),
                         pct(mean("coverage95")), mark])
    header = (["序列", "方法", "类别", "起点数", "评分预测数", "平均MASE", "平均MAPE", "80%区间覆盖率", "95%区间覆盖率", "入选"]
              if lang == "zh" else
              ["Series", "Method", "Kind", "Origins", "Forecasts scored", "Mean MASE", "Mean MAPE",
               "80% coverage", "95% coverage", "Selected"])
    caption = ("时间序列交叉验证（扩展窗口）：各方法的回测误差、区间覆盖率（方法自身的区间，未校准）与入选方法"
               if lang == "zh" else
               "Time-series cross-validation (expanding window): each method's backtest errors, the coverage of its "
               "own (uncalibrated) intervals, and the selected method")
    return pipe_table(header, rows, caption, "tbl-models", [12, 14, 6, 4, 5, 5, 5, 5, 5, 4])
