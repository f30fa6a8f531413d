"""Consistency audit: the paper's figures checked against each other and
against independent sources.

Each check is declared once, with its inputs and formula in words, and
returns a verdict as data (``consistent``, ``inconsistent`` or
``unverifiable``) with the numbers it compared. Independent figures are rows of
``data/raw/reference_facts.csv`` or ``data/raw/public_series.csv``, each with
its own source, never constants in this file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import quotes, units
from analysis.errors import InputError
from analysis.fileio import format_float
from analysis.tables import period_check, validate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa

FACT_COLUMNS = ["fact_id", "topic", "claim_in_paper", "fact", "date", "value", "unit", "source_key",
                "source_url", "source_quote", "primary", "verdict_hint", "note"]
VERDICT_HINTS = ("confirms", "contradicts", "partly", "not_found")
STATUSES = ("consistent", "inconsistent", "unverifiable")
AUDIT_COLUMNS = ["check_id", "description_zh", "description_en", "evidence_zh", "evidence_en", "inputs",
                 "formula", "sources", "expected", "observed", "tolerance", "status", "note"]


# ------------------------------------------------------------------ reference facts

def facts_schema(keys: set[str]) -> "pa.DataFrameSchema":
    """pandera schema of ``data/raw/reference_facts.csv``."""
    import pandera.pandas as pa


    nonempty = pa.Check.str_length(min_value=1, error="must not be empty")
    return pa.DataFrameSchema(
        {
            "fact_id": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$", error="id must be snake_case ASCII"), unique=True, report_duplicates="all"),
            "topic": pa.Column(str, nonempty),
            "claim_in_paper": pa.Column(str, nonempty),
            "fact": pa.Column(str, nonempty),
            "date": pa.Column(str, period_check("date must be empty or ISO (2021, 2021-08, 2021-08-20) and real", allow_empty=True)),
            "value": pa.Column(str, pa.Check.str_matches(r"^(-?[0-9]+(\.[0-9]+)?)?$", error="value must be empty or a plain number")),
            "unit": pa.Column(str, pa.Check.isin([""] + sorted(units.UNITS), error="unknown unit")),
            "source_key": pa.Column(str, pa.Check.isin([""] + sorted(keys), error="source_key has no entry in paper/references.bib")),
            "source_url": pa.Column(str, pa.Check.str_matches(r"^(https?://.*)?$", error="source_url must be empty or an http(s) address")),
            "source_quote": pa.Column(str),
            "primary": pa.Column(str, pa.Check.isin(["yes", "no"], error="primary must be yes or no")),
            "verdict_hint": pa.Column(str, pa.Check.isin(VERDICT_HINTS, error="verdict_hint must be confirms, contradicts, partly or not_found")),
            "note": pa.Column(str),
        },
        checks=[
            pa.Check(lambda d: (d["verdict_hint"] == "not_found") | (d["source_key"] != ""),
                     error="a fact that was found needs a source_key"),
            pa.Check(lambda d: (d["value"] == "") | (d["unit"] != ""),
                     error="a value needs a unit"),
        ],
        strict=True, ordered=True, name="reference_facts (raw)",
    )


def clean_facts(raw: "pd.DataFrame", keys: set[str], path: str | Path) -> "pd.DataFrame":
    """Validate the facts and add ``value_std``/``unit_std`` where a value is given."""
    import numpy as np

    from analysis.cited import range_problem

    df = validate(raw, facts_schema(keys), path).copy()
    vals, stds = [], []
    for row, rec in df.iterrows():
        if rec["value"]:
            factor, unit_std = units.parse_unit(rec["unit"])
            problem = range_problem(float(rec["value"]) * factor, unit_std)
            if problem:
                raise InputError(path, problem, row=int(row), column="value")
            vals.append(float(rec["value"]) * factor)
            stds.append(unit_std)
        else:
            vals.append(np.nan)
            stds.append("")
    quotes.check_values(df, path, quote="source_quote", value="value", unit="unit")
    df["value_std"] = vals
    df["unit_std"] = stds
    return df.reset_index(drop=True)


# ------------------------------------------------------------------ evidence

# Where the audit's inputs come from, for messages: a check input is a stat_id
# (cited_statistics.csv or derived_statistics.csv) or series:/fact:/event:<id>.
SOURCE_OF = {"stat": "data/raw/cited_statistics.csv", "series": "data/raw/public_series.csv",
             "fact": "data/raw/reference_facts.csv", "event": "data/raw/timeline_events.csv"}


def input_kind(name: str) -> tuple[str, str]:
    """``series:x`` → ('series', 'x'); a plain stat_id → ('stat', id)."""
    kind, _, ident = name.partition(":")
    return (kind, ident) if ident else ("stat", name)


class MissingEvidence(KeyError):
    """An input a check needs is not in the processed tables."""

    def __init__(self, kind: str, name: str, detail: str = ""):
        super().__init__(f"{kind} '{name}'")
        self.kind, self.name = kind, name
        self.message = (f"the audit needs {kind} '{name}'{detail}, which is not in "
                        f"{SOURCE_OF[kind]} (was its row deleted or its id changed?)")


@dataclass
class Evidence:
    """Look-ups over the processed tables that the checks compare. Every independent
    row a check reads (a series row or a reference fact) is recorded in ``used``
    with its source and the source's kind, so the audit says what evidence each
    check rests on."""

    cited: "pd.DataFrame"
    events: "pd.DataFrame"
    series: "pd.DataFrame"
    facts: "pd.DataFrame"
    used: dict = field(default_factory=dict)  # source_key → kind, for the check that runs

    def _use(self, rec) -> None:
        key = str(rec.get("source_key", "") or "")
        if key:
            kind = rec.get("source_kind", "")
            self.used[key] = "" if kind != kind else str(kind or "")  # NaN → ""

    def stat(self, stat_id: str) -> float:
        row = self.cited.loc[self.cited["stat_id"] == stat_id]
        if row.empty:
            raise MissingEvidence("stat", stat_id)
        return float(row["value_std"].iloc[0])

    def stat_row(self, stat_id: str):
        self.stat(stat_id)
        return self.cited.loc[self.cited["stat_id"] == stat_id].iloc[0]

    def resolution(self, stat_id: str) -> float:
        """The place value of the last digit the paper printed (base units)."""
        res = self.stat_row(stat_id)["resolution_std"]
        return float(res) if res == res else 0.0

    def event(self, event_id: str):
        row = self.events.loc[self.events["event_id"] == event_id]
        if row.empty:
            raise MissingEvidence("event", event_id)
        return row.iloc[0]

    def series_row(self, series_id: str, period: str, entity: str | None = None, required: bool = True):
        """The model row (use_in_model) of a series and period; ``None`` if absent and not ``required``."""
        sel = self.series[(self.series["series_id"] == series_id) & (self.series["period"] == period)
                          & self.series["use_in_model"]]
        if entity is not None:
            sel = sel[sel["entity"] == entity]
        if sel.empty:
            if required:
                raise MissingEvidence("series", series_id, f" for {period} (a row with use_in_model=yes)")
            return None
        rec = sel.iloc[0]
        self._use(rec)
        return rec

    def series_value(self, series_id: str, period: str, entity: str | None = None,
                     required: bool = True) -> float | None:
        """The model row's value in base units; ``None`` if absent and not ``required``."""
        rec = self.series_row(series_id, period, entity, required)
        return None if rec is None else float(rec["value_std"])

    def fact(self, fact_id: str):
        row = self.facts.loc[self.facts["fact_id"] == fact_id]
        if row.empty:
            raise MissingEvidence("fact", fact_id)
        rec = row.iloc[0]
        if rec["verdict_hint"] == "not_found":
            return None
        self._use(rec)
        return rec

    def zero_inputs(self, names: tuple[str, ...]) -> list[str]:
        """The statistics and series among ``names`` that have a value of 0."""
        zeros = []
        for name in names:
            kind, ident = input_kind(name)
            if kind == "stat":
                values = self.cited.loc[self.cited["stat_id"] == ident, "value_std"]
            elif kind == "series":
                values = self.series.loc[self.series["series_id"] == ident, "value_std"]
            else:
                continue
            if (values == 0).any():
                zeros.append(name)
        return zeros


@dataclass(frozen=True)
class Result:
    expected: str
    observed: str
    tolerance: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class Check:
    check_id: str
    description_zh: str
    description_en: str
    inputs: tuple[str, ...]
    formula: str
    run: Callable[[Evidence], Result]
    evidence_zh: str = ""
    evidence_en: str = ""


CHECKS: list[Check] = []

# What a check compares the paper with, in words (the audit table's evidence column).
INTERNAL = ("原文自身的数字（无独立来源）", "the paper's own figures (no independent source)")
NOT_FOUND = ("未找到独立来源", "no independent source was found")


def check(check_id: str, zh: str, en: str, inputs: tuple[str, ...], formula: str,
          evidence: tuple[str, str]):
    """Register a check (in the order the audit table lists them) with the independent
    evidence it uses, in both languages."""
    def register(fn: Callable[[Evidence], Result]) -> Callable[[Evidence], Result]:
        CHECKS.append(Check(check_id, zh, en, inputs, formula, fn, evidence[0], evidence[1]))
        return fn
    return register


def num(x: float, sig: int = 4) -> str:
    """A number for the audit table: ``sig`` significant digits, no exponent."""
    return format_float(float(f"{x:.{sig}g}"))


def pct(fraction: float, sig: int = 2) -> str:
    return f"{num(fraction * 100, sig)}%"


def within(observed: float, expected: float, rel_tol: float) -> str:
    return "consistent" if abs(observed - expected) <= rel_tol * abs(expected) else "inconsistent"


def within_abs(observed: float, expected: float, tol: float) -> str:
    # a hair of float slack: a gap exactly at the rounding limit is still within it
    return "consistent" if abs(observed - expected) <= tol * (1 + 1e-9) else "inconsistent"


def unverifiable(observed: str, note: str, tolerance: str = "") -> Result:
    return Result("", observed, tolerance, "unverifiable", note)


def date_status(paper_start: str, paper_end: str, fact_date: str, by: bool = False) -> str:
    """A stated date agrees with a source date at the coarser of the two precisions;
    a stated range must contain the source date; "截至 …" (by …) must not precede it."""
    if by:
        n = min(len(paper_start), len(fact_date))
        return "consistent" if fact_date[:n] <= paper_start[:n] else "inconsistent"
    if paper_end:
        return "consistent" if paper_start <= fact_date[:len(paper_start)] <= paper_end else "inconsistent"
    n = min(len(paper_start), len(fact_date))
    return "consistent" if paper_start[:n] == fact_date[:n] else "inconsistent"


def date_check(ev: Evidence, event_id: str, fact_id: str, note: str = "") -> Result:
    event = ev.event(event_id)
    observed = event["date"] + (f"/{event['date_end']}" if event["date_end"] else "")
    fact = ev.fact(fact_id)
    if fact is None or not fact["date"]:
        return unverifiable(observed, note or "no independent source with this date was found")
    by = event["date_printed"].startswith("截至")
    status = date_status(event["date"], event["date_end"], fact["date"], by=by)
    tolerance = "on or before the stated date (截至)" if by else "same date at the coarser precision"
    return Result(fact["date"], observed, tolerance, status,
                  note or f"source: {fact['source_key']}")


# ------------------------------------------------------------------ the checks

DOUYIN_GMV_ESTIMATES = "douyin_ecommerce_gmv_"  # prefix of the Douyin GMV series, one per scope


def douyin_estimates(ev: Evidence) -> "pd.DataFrame":
    """Every media estimate of Douyin's e-commerce GMV, whatever its scope."""
    return ev.series[ev.series["series_id"].str.startswith(DOUYIN_GMV_ESTIMATES)]


def same_amount(ev: Evidence, stat_id: str, rows: "pd.DataFrame") -> "pd.DataFrame":
    """The rows that print the paper's figure, at the coarser of the two printed precisions."""
    paper, res = ev.stat(stat_id), ev.resolution(stat_id)
    half = (rows["resolution_std"].clip(lower=res)) / 2
    return rows[(rows["value_std"] - paper).abs() <= half * (1 + 1e-9)]


MEDIA_GMV = ("抖音电商GMV的媒体估计，各按其报道的年份（PingWest援引The Information等）",
             "media estimates of Douyin's GMV, each for the year its report gives (PingWest citing The Information, …)")


@check("last_year_gmv_year", "摘要中“去年”GMV所指年份", "Year of the abstract's 'last year' GMV",
       ("douyin_ecommerce_gmv_cny_last_year", f"series:{DOUYIN_GMV_ESTIMATES}*"),
       "the year of the media estimate that prints the paper's 1.41万亿元, against the year 去年 is resolved to",
       MEDIA_GMV)
def _last_year(ev: Evidence) -> Result:
    res = ev.stat_row("douyin_ecommerce_gmv_cny_last_year")
    matching = same_amount(ev, "douyin_ecommerce_gmv_cny_last_year", douyin_estimates(ev))
    for _, rec in matching.iterrows():
        ev._use(rec)
    years = sorted(set(matching["period"]))
    if not years:
        return unverifiable(res["period"], "no media estimate prints the figure")
    status = "consistent" if years == [res["period"]] else "inconsistent"
    return Result(", ".join(years), res["period"], "the same year (exact)", status,
                  "a year is compared exactly; the figure is matched at its printed precision "
                  f"(±{num(ev.resolution('douyin_ecommerce_gmv_cny_last_year') / 2 / 1e12)} tn CNY). The seed cites "
                  "full-year 2023 data elsewhere, so its own 去年 would be 2023 or later: 去年 is the year of its "
                  "source (period_resolutions.csv)")


@check("gmv_usd_cny_rate", "2080亿美元与1.41万亿元隐含的汇率", "Exchange rate implied by US$208 bn ≈ RMB 1.41 tn",
       ("douyin_ecommerce_gmv_cny_last_year", "douyin_ecommerce_gmv_usd_last_year", "series:nbs_usd_cny_annual_average"),
       "CNY / USD, against the official annual average of the same year",
       ("官方公布的当年人民币对美元年平均汇率", "the official USD/CNY annual average of that year"))
def _fx(ev: Evidence) -> Result:
    cny, usd = ev.stat("douyin_ecommerce_gmv_cny_last_year"), ev.stat("douyin_ecommerce_gmv_usd_last_year")
    rate = cny / usd
    # the rate is known only as precisely as the two rounded figures it divides
    tol = (ev.resolution("douyin_ecommerce_gmv_cny_last_year") / 2 / cny
           + ev.resolution("douyin_ecommerce_gmv_usd_last_year") / 2 / usd)
    tolerance = f"±{pct(tol)} (the printed precision of both figures)"
    year = ev.stat_row("douyin_ecommerce_gmv_cny_last_year")["period"]
    official = ev.series_value("nbs_usd_cny_annual_average", year, required=False)
    if official is None:
        return unverifiable(f"{num(rate)} CNY/USD",
                            f"implied rate {num(rate, 3)}; the official {year} annual average was not "
                            "found in a stored source, so the conversion cannot be checked", tolerance)
    return Result(f"{num(official)} CNY/USD", f"{num(rate)} CNY/USD", tolerance, within(rate, official, tol))


@check("kuaishou_fee_q3_growth", "快手2022年第三季度手续费同比增幅与电商GMV增幅",
       "Kuaishou Q3 2022 fee growth vs its GMV growth",
       ("kuaishou_payment_fees_2022q3", "kuaishou_payment_fees_2021q3", "series:kuaishou_ecommerce_gmv_quarterly"),
       "fees_2022Q3 / fees_2021Q3 − 1 against GMV_2022Q3 / GMV_2021Q3 − 1",
       ("快手官方公布的2021、2022年第三季度电商GMV（手续费本身无独立来源：合理性检查）",
        "Kuaishou's official Q3 2021 and Q3 2022 GMV (the fees themselves have no independent source: "
        "a plausibility check)"))
def _q3(ev: Evidence) -> Result:
    fee_growth = ev.stat("kuaishou_payment_fees_2022q3") / ev.stat("kuaishou_payment_fees_2021q3") - 1
    g = (ev.series_value("kuaishou_ecommerce_gmv_quarterly", "2022Q3")
         / ev.series_value("kuaishou_ecommerce_gmv_quarterly", "2021Q3") - 1)
    status = "consistent" if abs(fee_growth - g) <= 0.10 else "inconsistent"
    return Result(f"{num(g * 100, 3)}%", f"{num(fee_growth * 100, 3)}%", "±10 percentage points", status,
                  "fees need not move one for one with GMV (payment mix, rates), so only a gap beyond 10 points "
                  "flags an input error; the increase is 'nearly' 1亿元, so the fee growth is an upper bound")


NBS_RETAIL = ("国家统计局公布的网上零售额及其增速", "the NBS online retail sales and their growth rates")


@check("online_retail_2022_implied", "2023年网上零售额÷1.110与国家统计局2022年数据",
       "2023 online retail ÷ 1.110 against the NBS 2022 figure",
       ("nbs_online_retail_2023", "nbs_online_retail_growth_2023", "series:nbs_online_retail_sales",
        "series:nbs_online_retail_sales_growth"),
       "sales_2023 / (1 + growth_2023 / 100)", NBS_RETAIL)
def _retail(ev: Evidence) -> Result:
    sales, growth = ev.stat("nbs_online_retail_2023"), ev.stat("nbs_online_retail_growth_2023")
    implied = sales / (1 + growth / 100)
    nbs22 = ev.series_value("nbs_online_retail_sales", "2022")
    # NBS growth rates are on a comparable basis: the gap they leave between two
    # published levels, measured on NBS's own 2023 figures, plus the paper's rounding
    nbs23 = ev.series_value("nbs_online_retail_sales", "2023")
    g23 = ev.series_value("nbs_online_retail_sales_growth", "2023")
    basis = abs(nbs23 / (1 + g23 / 100) - nbs22) / nbs22
    rounding = (ev.resolution("nbs_online_retail_2023") / 2 / sales
                + ev.resolution("nbs_online_retail_growth_2023") / 2 / (100 + growth))
    tol = basis + rounding
    return Result(f"{num(nbs22 / 1e12)} tn CNY", f"{num(implied / 1e12)} tn CNY",
                  f"±{pct(tol)} (rounding {pct(rounding)} + comparable basis {pct(basis)})",
                  within(implied, nbs22, tol),
                  "the comparable-basis gap is that of NBS's own 2023 level and growth against its 2022 level")


@check("online_retail_2023_level", "网上零售额与国家统计局公报", "Online retail 2023 against the NBS release",
       ("nbs_online_retail_2023", "series:nbs_online_retail_sales"), "paper value vs NBS value, at the paper's rounding",
       NBS_RETAIL)
def _retail_level(ev: Evidence) -> Result:
    row = ev.stat_row("nbs_online_retail_2023")
    nbs = ev.series_value("nbs_online_retail_sales", "2023")
    ok = within_abs(row["value_std"], nbs, row["resolution_std"] / 2)
    return Result(f"{num(nbs / 1e12, 6)} tn CNY", f"{num(row['value_std'] / 1e12)} tn CNY", "half the printed precision",
                  ok)


@check("physical_share_2023", "实物商品网上零售额占社会消费品零售总额比重",
       "Physical-goods share of total retail sales, 2023",
       ("nbs_physical_goods_online_retail_2023", "nbs_physical_goods_share_of_retail_sales_2023", "series:nbs_total_retail_sales"),
       "physical online retail / total retail sales × 100",
       ("国家统计局公布的2023年社会消费品零售总额", "the NBS 2023 total retail sales of consumer goods"))
def _share(ev: Evidence) -> Result:
    rec = ev.series_row("nbs_total_retail_sales", "2023")
    total, total_res = float(rec["value_std"]), float(rec["resolution_std"])
    phys = ev.stat("nbs_physical_goods_online_retail_2023")
    share = phys / total * 100
    stated = ev.stat("nbs_physical_goods_share_of_retail_sales_2023")
    # the precision of the three printed figures, carried through the ratio
    tol = (ev.resolution("nbs_physical_goods_online_retail_2023") / 2 / total * 100
           + share * total_res / 2 / total + ev.resolution("nbs_physical_goods_share_of_retail_sales_2023") / 2)
    # the evidence is the share the NBS total gives the paper's physical-goods figure;
    # the paper's own printed share is what it is checked against
    return Result(f"{num(share, 4)}%", f"{num(stated, 3)}%",
                  f"±{num(tol, 2)} percentage points (the printed precision of the three figures)",
                  within_abs(share, stated, tol))


@check("cnnic_population", "网民规模÷互联网普及率与全国人口", "CNNIC users ÷ penetration against the population",
       ("cnnic_internet_users_2023_06", "cnnic_internet_penetration_2023_06", "series:nbs_population_year_end"),
       "users / (penetration / 100), against the mean of end-2022 and end-2023 population",
       ("国家统计局公布的2022年末、2023年末人口", "the NBS population at the end of 2022 and of 2023"))
def _pop(ev: Evidence) -> Result:
    users, pen = ev.stat("cnnic_internet_users_2023_06"), ev.stat("cnnic_internet_penetration_2023_06")
    implied = users / (pen / 100)
    pops = [ev.series_value("nbs_population_year_end", y, required=False) for y in ("2022", "2023")]
    if None in pops:
        return unverifiable(f"{num(implied / 1e8)} 亿人", "population figures missing")
    mid = sum(pops) / 2
    # rounding of the two printed figures, plus half the change between the year ends (mid-year)
    tol = (ev.resolution("cnnic_internet_users_2023_06") / 2 / users
           + ev.resolution("cnnic_internet_penetration_2023_06") / 2 / pen + abs(pops[1] - pops[0]) / 2 / mid)
    return Result(f"{num(mid / 1e8)} 亿人", f"{num(implied / 1e8)} 亿人",
                  f"±{pct(tol)} (rounding + half a year's change)", within(implied, mid, tol))


@check("cnnic_users_2023_06", "网民规模与第52次CNNIC报告", "Internet users against the 52nd CNNIC report",
       ("cnnic_internet_users_2023_06", "series:cnnic_internet_users"), "paper value vs report value",
       ("第52次CNNIC报告（新华社稿，国务院英文网）", "the 52nd CNNIC report (Xinhua, State Council English portal)"))
def _cnnic(ev: Evidence) -> Result:
    paper = ev.stat("cnnic_internet_users_2023_06")
    rep = ev.series_value("cnnic_internet_users", "2023-06")
    return Result(f"{num(rep / 1e8)} 亿人", f"{num(paper / 1e8)} 亿人", "exact", within(paper, rep, 1e-9))


@check("risk_events_2023", "2023年风险事件各项计数是否自洽", "2023 risk-event counts against each other",
       ("douyin_pay_fund_loss_risk_events_2023", "douyin_pay_customers_affected_2023",
        "douyin_pay_payment_accounts_affected_2023", "douyin_pay_bank_accounts_affected_2023"),
       "customers = events = payment accounts, bank accounts ≤ events", INTERNAL)
def _risk(ev: Evidence) -> Result:
    e = ev.stat("douyin_pay_fund_loss_risk_events_2023")
    c = ev.stat("douyin_pay_customers_affected_2023")
    p = ev.stat("douyin_pay_payment_accounts_affected_2023")
    b = ev.stat("douyin_pay_bank_accounts_affected_2023")
    ok = c == e == p and b <= e
    return Result(f"{num(e)} = customers = payment accounts ≥ bank accounts",
                  f"events {num(e)}, customers {num(c)}, payment accounts {num(p)}, bank accounts {num(b)}",
                  "exact", "consistent" if ok else "inconsistent",
                  "one customer and one payment account per event; the disclosure itself was not found")


@check("complaints_over_10k_total", "两类投诉“均过万”与合计46098件", "'Both complaint types over 10,000' against the total of 46,098",
       ("hezhong_yibao_transaction_complaints_over_10k", "hezhong_yibao_service_complaints_over_10k", "hezhong_yibao_complaints_total"),
       "total ≥ sum of the two lower bounds", INTERNAL)
def _complaints(ev: Evidence) -> Result:
    lower = ev.stat("hezhong_yibao_transaction_complaints_over_10k") + ev.stat("hezhong_yibao_service_complaints_over_10k")
    total = ev.stat("hezhong_yibao_complaints_total")
    return Result(f"> {num(lower, 6)}", num(total, 6), "inequality",
                  "consistent" if total > lower else "inconsistent",
                  "the split between the two types is not given; the annual disclosure was not found")


COMPLAINT_TYPES = ("transaction", "service")
SURGE_BASE_YEAR = "2020"  # the last full year before Douyin Pay's launch (January 2021)


def complaints_surge(cited: "pd.DataFrame") -> dict[str, float | str]:
    """The one base of the paper's "突飞猛进" comparison (its §3.3.1): the 2021 total of
    Hezhong Yibao's complaints against the total of both types in 2020, the last full
    year before Douyin Pay launched. Shared by the audit and the figure caption, so
    the paper states one factor: ``{"total", "base", "base_year", "factor"}``."""
    value = cited.set_index("stat_id")["value_std"].astype(float)
    base = sum(float(value[f"hezhong_yibao_{kind}_complaints_{SURGE_BASE_YEAR}"]) for kind in COMPLAINT_TYPES)
    total = float(value["hezhong_yibao_complaints_total"])
    return {"total": total, "base": base, "base_year": SURGE_BASE_YEAR, "factor": total / base}


@check("complaints_surge_2021", "2021年投诉量与2020年对比", "2021 complaints against 2020",
       ("hezhong_yibao_complaints_total", "hezhong_yibao_transaction_complaints_2020", "hezhong_yibao_service_complaints_2020"),
       "total_2021 / (transaction_2020 + service_2020) (the paper calls it 突飞猛进)", INTERNAL)
def _surge(ev: Evidence) -> Result:
    for name in ("hezhong_yibao_complaints_total", "hezhong_yibao_transaction_complaints_2020",
                 "hezhong_yibao_service_complaints_2020"):
        ev.stat(name)
    s = complaints_surge(ev.cited)
    return Result("> 1 (a surge)", f"× {num(s['factor'], 3)}", "direction", "consistent" if s["factor"] > 1 else "inconsistent",
                  f"one base for the comparison: the {s['base_year']} total of both types ({num(s['base'])} "
                  "complaints), the last full year before Douyin Pay's launch")


KUAISHOU_RESULTS = ("快手公布的季度与年度电商GMV", "Kuaishou's reported quarterly and annual e-commerce GMV")


def _half_res(rec) -> float:
    return float(rec["resolution_std"]) / 2


@check("kuaishou_quarters_sum", "快手季度GMV之和与年度GMV", "Kuaishou quarterly GMV sums to the annual totals",
       ("series:kuaishou_ecommerce_gmv_quarterly", "series:kuaishou_ecommerce_gmv_annual"),
       "Q1 + Q2 + Q3 + Q4 vs annual, for every year with four quarters", KUAISHOU_RESULTS)
def _quarters(ev: Evidence) -> Result:
    q = ev.series[(ev.series["series_id"] == "kuaishou_ecommerce_gmv_quarterly") & ev.series["use_in_model"]]
    years, worst, missing, ok = [], 0.0, [], True
    for year in sorted({p[:4] for p in q["period"]}):
        annual = ev.series_row("kuaishou_ecommerce_gmv_annual", year, required=False)
        qs = q[q["period"].str.startswith(year)]
        if annual is None:
            continue
        if len(qs) != 4:
            missing.append(year)
            continue
        for _, rec in qs.iterrows():
            ev._use(rec)
        gap = abs(qs["value_std"].sum() - float(annual["value_std"]))
        tol = _half_res(annual) + sum(_half_res(r) for _, r in qs.iterrows())  # the rounding of five figures
        ok = ok and gap <= tol * (1 + 1e-9)
        worst = max(worst, gap / float(annual["value_std"]))
        years.append(year)
    status = ("consistent" if ok else "inconsistent") if years else "unverifiable"
    note = f"years checked: {', '.join(years)}"
    if missing:
        note += f"; not checkable (a quarter missing): {', '.join(missing)}"
    return Result("0", f"largest gap {num(worst * 100, 2)}%", "the rounding of the five printed figures", status, note)


@check("kuaishou_2022q1_disclosed", "快手2022年第一季度GMV：全年减其余三季与季度公告",
       "Kuaishou's Q1 2022 GMV: the year less three quarters against the Q1 filing",
       ("series:kuaishou_ecommerce_gmv_annual", "series:kuaishou_ecommerce_gmv_quarterly", "fact:kuaishou_gmv_2022q1"),
       "annual_2022 − (Q2 + Q3 + Q4 of 2022) against the Q1 2022 results",
       ("快手2022年第一季度业绩（港交所公告的摘要）", "Kuaishou's Q1 2022 results (a summary of the HKEX filing)"))
def _q1_2022(ev: Evidence) -> Result:
    annual = ev.series_row("kuaishou_ecommerce_gmv_annual", "2022")
    quarters = [ev.series_row("kuaishou_ecommerce_gmv_quarterly", f"2022Q{i}") for i in (2, 3, 4)]
    implied = float(annual["value_std"]) - sum(float(r["value_std"]) for r in quarters)
    tol = _half_res(annual) + sum(_half_res(r) for r in quarters)
    fact = ev.fact("kuaishou_gmv_2022q1")
    if fact is None or fact["value_std"] != fact["value_std"]:
        return unverifiable(f"{num(implied / 1e6, 7)} m CNY", "no stored source gives the quarter")
    return Result(f"{num(fact['value_std'] / 1e6, 7)} m CNY", f"{num(implied / 1e6, 7)} m CNY",
                  f"±{num(tol / 1e6, 3)} m CNY (the rounding of the four printed figures)",
                  within_abs(implied, float(fact["value_std"]), tol),
                  "the quarter was disclosed (Q1 2022 results, 2022-05-24), so it is not 'not separately "
                  "disclosed'; the identity the models use gives the same figure within rounding")


@check("douyin_gmv_2022_media", "抖音2022年GMV与媒体报道", "Douyin 2022 GMV against media reports",
       ("douyin_ecommerce_gmv_cny_last_year", f"series:{DOUYIN_GMV_ESTIMATES}*"),
       "paper value vs the media estimates of that year (the closest)", MEDIA_GMV)
def _douyin(ev: Evidence) -> Result:
    row = ev.stat_row("douyin_ecommerce_gmv_cny_last_year")
    same = douyin_estimates(ev)
    same = same[same["period"] == row["period"]]
    if same.empty:
        return unverifiable(f"{num(row['value_std'] / 1e12)} tn CNY", "no media estimate for that year")
    best = same.loc[(same["value_std"] - row["value_std"]).abs().idxmin()]
    ev._use(best)
    tol = max(float(row["resolution_std"]), float(best["resolution_std"])) / 2
    return Result(f"{num(best['value_std'] / 1e12)} tn CNY", f"{num(row['value_std'] / 1e12)} tn CNY",
                  "half the printed precision", within_abs(row["value_std"], best["value_std"], tol),
                  "both rest on media reports that ByteDance called inaccurate; no official figure exists")


@check("gmv_background_before_launch", "作为上线背景的GMV是否早于抖音支付上线",
       "Does the GMV given as background precede Douyin Pay's launch?",
       ("douyin_ecommerce_gmv_cny_last_year", "event:douyin_pay_launch", "fact:douyinpay_launch"),
       "end of the GMV figure's year, against the launch date",
       ("媒体报道中该GMV的年份；抖音支付上线日期（法新社）", "the year the media report gives the GMV; the launch date (AFP)"))
def _background(ev: Evidence) -> Result:
    year = str(ev.stat_row("douyin_ecommerce_gmv_cny_last_year")["period"])
    _last_year(ev)  # records the media report that dates the figure
    fact = ev.fact("douyinpay_launch")
    launch = fact["date"] if fact is not None and fact["date"] else ev.event("douyin_pay_launch")["date"]
    status = "consistent" if year[:4] < launch[:4] else "inconsistent"
    return Result(f"a figure for {int(launch[:4]) - 1} or earlier (before the launch, {launch})", year,
                  "year before the launch", status,
                  "the abstract gives the GMV as the background of the January 2021 launch; it is the figure for "
                  f"{year}, reported in January 2023")


@check("douyin_dau", "抖音日活跃用户6亿", "Douyin's 600 million daily active users",
       ("douyin_dau", "fact:douyin_dau_600m"), "paper value vs the announced figure",
       ("字节跳动高管公布的数字（路透社）", "the figure a ByteDance executive announced (Reuters)"))
def _dau(ev: Evidence) -> Result:
    fact = ev.fact("douyin_dau_600m")
    paper = ev.stat("douyin_dau")
    return Result(f"{num(fact['value_std'] / 1e8)} 亿人 ({fact['date']})", f"{num(paper / 1e8)} 亿人", "exact",
                  within(paper, fact["value_std"], 1e-9), "the paper states it without a date")


@check("insurance_coverage", "中国人保财险百万资金保障", "PICC account-security cover of one million yuan",
       ("douyin_pay_insurance_coverage", "fact:douyinpay_picc_guarantee"), "paper value vs the product page",
       ("介绍该保障的网页（仅有转载页面）", "a page describing the cover (only a mirror)"))
def _cover(ev: Evidence) -> Result:
    fact = ev.fact("douyinpay_picc_guarantee")
    paper = ev.stat("douyin_pay_insurance_coverage")
    return Result(f"{num(fact['value_std'])} CNY", f"{num(paper)} CNY", "exact", within(paper, fact["value_std"], 1e-9),
                  f"source: {fact['source_key']}")


def _no_source(check_id: str, zh: str, en: str, stat_ids: tuple[str, ...], fact_id: str) -> None:
    @check(check_id, zh, en, stat_ids + (f"fact:{fact_id}",), "paper value vs an independent source", NOT_FOUND)
    def _run(ev: Evidence) -> Result:
        observed = "; ".join(f"{num(ev.stat(s), 12)} CNY" if ev.stat_row(s)["unit_std"] == "CNY"
                             else num(ev.stat(s), 12) for s in stat_ids)
        rec = ev.facts.loc[ev.facts["fact_id"] == fact_id].iloc[0]
        return unverifiable(observed, f"no independent source found ({rec['note'][:160].rstrip()})")


_no_source("kuaishou_fees_source", "快手支付渠道手续费的独立来源", "An independent source for Kuaishou's payment-channel fees",
           ("kuaishou_payment_fees_2021", "kuaishou_payment_fees_2022q3"), "kuaishou_fee_2021")
_no_source("password_free_limit", "小额免密支付200元限额", "The 200-yuan password-free limit",
           ("douyin_pay_password_free_limit",), "douyinpay_smallamount_nopwd")
_no_source("fast_pay_limit", "极速付500元限额", "The 500-yuan fast-pay limit",
           ("douyin_pay_fast_pay_order_limit",), "douyinpay_jisufu_500")
_no_source("complaints_source", "合众易宝投诉数据的独立来源", "An independent source for Hezhong Yibao's complaint counts",
           ("hezhong_yibao_complaints_total",), "hzyb_complaints_2018_2021")
_no_source("risk_events_source", "2023年风险事件披露的独立来源", "An independent source for the 2023 risk-event disclosure",
           ("douyin_pay_fund_loss_risk_events_2023",), "douyinpay_risk_events_2023")


@check("nonbank_regulation_date", "《非银行支付机构条例》的日期", "Date of the non-bank payment institutions regulation",
       ("event:nonbank_payment_regulation", "fact:nbpi_reg_draft_2021", "fact:nbpi_reg_adopted", "fact:nbpi_reg_effective"),
       "stated date vs the draft, adoption and effective dates",
       ("征求意见稿（汉坤律师事务所）、国务院令第768号（律商联讯）、公布日期（新华社）",
        "the draft (Han Kun), State Council Order No. 768 (LexisNexis China), its publication (Xinhua)"))
def _nbpi(ev: Evidence) -> Result:
    event = ev.event("nonbank_payment_regulation")
    dates = {k: ev.fact(k)["date"] for k in ("nbpi_reg_draft_2021", "nbpi_reg_adopted", "nbpi_reg_published", "nbpi_reg_effective")}
    status = "consistent" if event["date"] in dates.values() else "inconsistent"
    return Result(f"draft {dates['nbpi_reg_draft_2021']}; adopted {dates['nbpi_reg_adopted']}; effective {dates['nbpi_reg_effective']}",
                  event["date"], "same date", status,
                  "no regulation of that name took effect on 2020-12-01: the PBOC published a draft for comment in "
                  "January 2021 and the State Council's 非银行支付机构监督管理条例 took effect in May 2024")


LICENSEE_PAPER = re.compile(r"颁发给(\w+?)《支付业务许可证》")
LICENSEE_SOURCE = re.compile(r"(\w+?)(?:成立于[^,，]*[,，])?于\d{4}年\d{1,2}月获得由人民银行颁发的《支付业务许可证》")
LICENSEE_NAMES = {"合众易宝": "合众易宝 (Hezhong Yibao)", "抖音": "抖音 (Douyin)"}


@check("licence_holder", "2014年《支付业务许可证》的持有人", "Holder of the 2014 payment licence",
       ("event:payment_licence_issued", "fact:hzyb_licence_issue"), "licensee named by the paper vs the licence record",
       ("移动支付网对该许可证的记述", "Mpaypass's account of the licence (trade press)"))
def _holder(ev: Evidence) -> Result:
    paper = LICENSEE_PAPER.search(ev.event("payment_licence_issued")["quote_zh"])
    fact = ev.fact("hzyb_licence_issue")
    source = LICENSEE_SOURCE.search(fact["source_quote"]) if fact is not None else None
    if not paper or not source:
        return unverifiable(paper.group(1) if paper else "", "the licensee could not be read in the paper or the source")
    said, holder = paper.group(1), source.group(1)
    return Result(LICENSEE_NAMES.get(holder, holder), LICENSEE_NAMES.get(said, said), "same entity",
                  "consistent" if said == holder else "inconsistent",
                  f"the licence was issued to {holder}, which ByteDance came to control in 2020 "
                  f"(source: {fact['source_key']})")


LICENCE_TYPES = ("互联网支付", "移动电话支付", "固定电话支付", "数字电视支付", "银行卡收单", "预付卡发行与受理",
                 "跨境支付", "跨境外汇支付")


@check("licence_scope_crossborder", "支付业务资质是否包括跨境支付", "Does the payment licence cover cross-border payments?",
       ("fact:hzyb_no_crossborder_licence",), "business types the paper claims vs those the licence record lists",
       ("移动支付网：合众易宝的业务类型“仅有‘互联网支付’一项”", "Mpaypass: Hezhong Yibao's licence lists one business type, internet payment"))
def _licence_scope(ev: Evidence) -> Result:
    fact = ev.fact("hzyb_no_crossborder_licence")
    if fact is None:
        return unverifiable("", "no licence record found")
    claimed = [t for t in LICENCE_TYPES if t in fact["claim_in_paper"]]
    listed = [t for t in re.findall(r"[“\"]([^”\"]+)[”\"]", fact["source_quote"]) if t in LICENCE_TYPES]
    if not claimed or not listed:
        return unverifiable("、".join(claimed), "the business types could not be read in the paper or the source")
    beyond = [t for t in claimed if t not in listed]
    return Result("、".join(listed), "、".join(claimed), "same business types",
                  "inconsistent" if beyond else "consistent",
                  "the original paper says Douyin Pay holds cross-border payment qualifications; the stored "
                  "sources record an internet-payment licence only (the PBOC register is not in the stored pages)")


# Dates: each against a source independent of the paper. The trade-press article
# the seed copies (公开资料显示…, mpaypass2023douyinpaysite) cannot confirm the
# seed's dates: the founding and the licence are checked against Reuters.
for _event, _fact, _zh, _en in [
    ("payment_licence_issued", "hzyb_licence_year_reuters", "支付牌照颁发时间", "Date of the payment licence"),
    ("hezhong_yibao_founded", "hzyb_founded_reuters", "合众易宝成立时间", "Founding of Hezhong Yibao"),
    ("hezhong_yibao_investor_change", "bytedance_hzyb_ownership", "合众易宝投资人变更时间", "Hezhong Yibao's change of investor"),
    ("douyin_pay_launch", "douyinpay_launch", "抖音支付上线时间", "Launch of Douyin Pay"),
    ("douyin_taobao_link", "douyin_taobao_link_2018", "抖音链接淘宝的时间", "Douyin's link to Taobao"),
    ("pipl_adopted", "pipl_adopted", "《个人信息保护法》通过日期", "Adoption of the Personal Information Protection Law"),
    ("pipl_effective", "pipl_effective", "《个人信息保护法》施行日期", "Entry into force of the Personal Information Protection Law"),
    ("nrta_av_14th_fyp_development_plan", "nrta_14fyp_dev_plan", "广电总局“十四五”发展规划发布时间", "Publication of the NRTA 14th five-year development plan"),
    ("nrta_av_14th_fyp_technology_plan", "nrta_14fyp_tech_plan", "广电总局“十四五”科技发展规划发布时间", "Publication of the NRTA 14th five-year technology plan"),
    ("cac_qinglang_livestream_short_video_campaign", "qinglang_2022_livestream", "“清朗”直播短视频专项行动年份", "Year of the Qinglang livestream and short-video campaign"),
]:
    def _make(event_id: str = _event, fact_id: str = _fact) -> Callable[[Evidence], Result]:
        return lambda ev: date_check(ev, event_id, fact_id)
    check(f"date_{_event}", _zh, _en, (f"event:{_event}", f"fact:{_fact}"), "stated date vs source date",
          ("独立来源所载日期", "the date an independent source gives"))(_make())


def _run_check(c: Check, ev: Evidence) -> Result:
    """Run one check; a missing or zero input becomes an ``InputError`` on its raw file."""
    where = f"audit check '{c.check_id}' ({c.formula})"
    try:
        return c.run(ev)
    except MissingEvidence as exc:
        raise InputError(SOURCE_OF[exc.kind], f"{exc.message}; {where} uses it",
                         column=exc.kind if exc.kind != "series" else "series_id") from None
    except ZeroDivisionError:
        zeros = ev.zero_inputs(c.inputs) or list(c.inputs)
        kind, _ = input_kind(zeros[0])
        raise InputError(SOURCE_OF[kind], f"{where} divides by {', '.join(zeros)}, which is 0 in the "
                                          "processed data: a value of 0 is not possible here; check "
                                          "the typed value and its unit", column="value") from None


def run_audit(ev: Evidence) -> "pd.DataFrame":
    """Run every registered check; a check that cannot run says which input and file to fix."""
    import pandas as pd

    rows = []
    for c in CHECKS:
        ev.used = {}
        r = _run_check(c, ev)
        if r.status not in STATUSES:
            raise ValueError(f"check {c.check_id} returned unknown status '{r.status}'")
        sources = "; ".join(f"{key} ({kind})" if kind else key for key, kind in sorted(ev.used.items()))
        rows.append({"check_id": c.check_id, "description_zh": c.description_zh,
                     "description_en": c.description_en, "evidence_zh": c.evidence_zh,
                     "evidence_en": c.evidence_en, "inputs": "; ".join(c.inputs),
                     "formula": c.formula, "sources": sources, "expected": r.expected, "observed": r.observed,
                     "tolerance": r.tolerance, "status": r.status, "note": r.note})
    ids = [r["check_id"] for r in rows]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate check ids")
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


# ------------------------------------------------------------------ reviewed expectations

EXPECTATION_COLUMNS = ["check_id", "status", "note"]


def expectation_schema() -> "pa.DataFrameSchema":
    """pandera schema of ``data/expected_audit.csv``: the reviewed status of every check."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "check_id": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$", error="check_id must be snake_case ASCII"),
                                  unique=True, report_duplicates="all"),
            "status": pa.Column(str, pa.Check.isin(STATUSES, error="status must be consistent, inconsistent or unverifiable")),
            "note": pa.Column(str),
        },
        strict=True, ordered=True, name="expected_audit",
    )


def _inputs_and_files(inputs: str) -> str:
    names = [n for n in inputs.split("; ") if n]
    return ", ".join(f"{input_kind(n)[1]} ({SOURCE_OF[input_kind(n)[0]].rsplit('/', 1)[-1]})"
                     for n in names)


def check_expectations(audit: "pd.DataFrame", expected: "pd.DataFrame", path: str | Path) -> None:
    """Every check must come out as its reviewed status in ``data/expected_audit.csv``.

    A check that turns ``inconsistent`` is far more often a typo in an input than
    a new finding about the paper, so it stops the build until a person has
    looked: the message names the check, what it compared and its inputs.
    """
    expected = validate(expected, expectation_schema(), path)
    reviewed = {rec["check_id"]: (int(row), rec["status"]) for row, rec in expected.iterrows()}
    for rec in audit.itertuples(index=False):
        found = (f"expected {rec.expected or '—'}, observed {rec.observed or '—'}, tolerance "
                 f"{rec.tolerance or '—'}")
        if rec.check_id not in reviewed:
            raise InputError(path, f"audit check '{rec.check_id}' has no reviewed status; it came out "
                                   f"{rec.status} ({found}). Review it and add the row "
                                   f"'{rec.check_id},{rec.status},<why>'", column="check_id")
        row, status = reviewed[rec.check_id]
        if rec.status == status:
            continue
        if rec.status == "inconsistent":
            advice = (f"This is most likely a typo in one of its inputs: "
                      f"{_inputs_and_files(rec.inputs)}. If the paper really is inconsistent here, "
                      "set the status to inconsistent once a person has reviewed the finding")
        else:
            advice = (f"If the new result is right (an input or a source was corrected or added), "
                      f"set the status to {rec.status}; its inputs: {_inputs_and_files(rec.inputs)}")
        raise InputError(path, f"audit check '{rec.check_id}' came out {rec.status} ({found}), but "
                               f"the reviewed status is {status}. {advice}", row=row, column="status")
    stale = sorted(set(reviewed) - set(audit["check_id"]))
    if stale:
        raise InputError(path, f"no audit check is named '{stale[0]}': delete its row (or restore the "
                               "check in analysis/audit.py)", row=reviewed[stale[0]][0],
                         column="check_id")
