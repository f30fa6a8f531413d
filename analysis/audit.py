"""Consistency audit: the paper's figures checked against each other and
against independent sources.

Each check is declared once, with its inputs and formula in words, and
returns a verdict as data (``consistent``, ``inconsistent`` or
``unverifiable``) with the numbers it compared. Independent figures are rows of
``data/raw/reference_facts.csv`` or ``data/raw/public_series.csv``, each with
its own source, never constants in this file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
AUDIT_COLUMNS = ["check_id", "description_zh", "description_en", "inputs", "formula", "expected",
                 "observed", "tolerance", "status", "note"]


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
    """Look-ups over the processed tables that the checks compare."""

    cited: "pd.DataFrame"
    events: "pd.DataFrame"
    series: "pd.DataFrame"
    facts: "pd.DataFrame"

    def stat(self, stat_id: str) -> float:
        row = self.cited.loc[self.cited["stat_id"] == stat_id]
        if row.empty:
            raise MissingEvidence("stat", stat_id)
        return float(row["value_std"].iloc[0])

    def stat_row(self, stat_id: str):
        self.stat(stat_id)
        return self.cited.loc[self.cited["stat_id"] == stat_id].iloc[0]

    def event(self, event_id: str):
        row = self.events.loc[self.events["event_id"] == event_id]
        if row.empty:
            raise MissingEvidence("event", event_id)
        return row.iloc[0]

    def series_value(self, series_id: str, period: str, entity: str | None = None,
                     required: bool = True) -> float | None:
        """The model row's value in base units; ``None`` if absent and not ``required``."""
        sel = self.series[(self.series["series_id"] == series_id) & (self.series["period"] == period)
                          & self.series["use_in_model"]]
        if entity is not None:
            sel = sel[sel["entity"] == entity]
        if sel.empty and required:
            raise MissingEvidence("series", series_id, f" for {period} (a row with use_in_model=yes)")
        return None if sel.empty else float(sel["value_std"].iloc[0])

    def fact(self, fact_id: str):
        row = self.facts.loc[self.facts["fact_id"] == fact_id]
        if row.empty:
            raise MissingEvidence("fact", fact_id)
        rec = row.iloc[0]
        return None if rec["verdict_hint"] == "not_found" else rec

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


CHECKS: list[Check] = []


def check(check_id: str, zh: str, en: str, inputs: tuple[str, ...], formula: str):
    """Register a check (in the order the audit table lists them)."""
    def register(fn: Callable[[Evidence], Result]) -> Callable[[Evidence], Result]:
        CHECKS.append(Check(check_id, zh, en, inputs, formula, fn))
        return fn
    return register


def num(x: float, sig: int = 4) -> str:
    """A number for the audit table: ``sig`` significant digits, no exponent."""
    return format_float(float(f"{x:.{sig}g}"))


def within(observed: float, expected: float, rel_tol: float) -> str:
    return "consistent" if abs(observed - expected) <= rel_tol * abs(expected) else "inconsistent"


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


@check("last_year_gmv_year", "摘要中“去年”GMV所指年份", "Year of the abstract's 'last year' GMV",
       ("douyin_ecommerce_gmv_cny_last_year", f"series:{DOUYIN_GMV_ESTIMATES}*"),
       "year whose media-reported Douyin GMV equals the paper's 1.41万亿元")
def _last_year(ev: Evidence) -> Result:
    paper = ev.stat("douyin_ecommerce_gmv_cny_last_year")
    res = ev.stat_row("douyin_ecommerce_gmv_cny_last_year")
    s = douyin_estimates(ev)
    matches = sorted(set(s.loc[(s["value_std"] - paper).abs() <= 0.005 * paper, "period"]))
    if not matches:
        return unverifiable(res["period"], "no media estimate matches the figure")
    status = "consistent" if matches == [res["period"]] else "inconsistent"
    return Result(", ".join(matches), res["period"], "±0.5%", status,
                  "去年 is resolved to the year of the matching media report (period_resolutions.csv)")


@check("gmv_usd_cny_rate", "2080亿美元与1.41万亿元隐含的汇率", "Exchange rate implied by US$208 bn ≈ RMB 1.41 tn",
       ("douyin_ecommerce_gmv_cny_last_year", "douyin_ecommerce_gmv_usd_last_year", "series:nbs_usd_cny_annual_average"),
       "CNY / USD, against the official annual average of the same year")
def _fx(ev: Evidence) -> Result:
    rate = ev.stat("douyin_ecommerce_gmv_cny_last_year") / ev.stat("douyin_ecommerce_gmv_usd_last_year")
    year = ev.stat_row("douyin_ecommerce_gmv_cny_last_year")["period"]
    official = ev.series_value("nbs_usd_cny_annual_average", year, required=False)
    if official is None:
        return unverifiable(f"{num(rate)} CNY/USD",
                            f"implied rate {num(rate, 3)}; the official {year} annual average was not "
                            "found in a stored source, so the conversion cannot be checked", "±2%")
    return Result(f"{num(official)} CNY/USD", f"{num(rate)} CNY/USD", "±2%", within(rate, official, 0.02))


@check("kuaishou_fee_rate_2020_2021", "快手2020与2021年支付渠道手续费率是否一致",
       "Kuaishou fee rate 2020 vs 2021", ("kuaishou_payment_fees_2021", "kuaishou_payment_fees_2020",
                                          "series:kuaishou_ecommerce_gmv_annual"),
       "(fees_2020 / GMV_2020) / (fees_2021 / GMV_2021), fees_2020 = fees_2021 − increase")
def _fee_rates(ev: Evidence) -> Result:
    g20 = ev.series_value("kuaishou_ecommerce_gmv_annual", "2020")
    g21 = ev.series_value("kuaishou_ecommerce_gmv_annual", "2021")
    r20 = ev.stat("kuaishou_payment_fees_2020") / g20
    r21 = ev.stat("kuaishou_payment_fees_2021") / g21
    ratio = r20 / r21
    return Result("1", num(ratio, 3), "±25%", within(ratio, 1.0, 0.25),
                  f"fee rates {num(r20 * 100, 3)}% (2020) and {num(r21 * 100, 3)}% (2021) of GMV; both "
                  "fee figures are lower bounds (超过)")


@check("kuaishou_fee_q3_growth", "快手2022年第三季度手续费同比增幅与电商GMV增幅",
       "Kuaishou Q3 2022 fee growth vs its GMV growth",
       ("kuaishou_payment_fees_2022q3", "kuaishou_payment_fees_2021q3", "series:kuaishou_ecommerce_gmv_quarterly"),
       "fees_2022Q3 / fees_2021Q3 − 1 against GMV_2022Q3 / GMV_2021Q3 − 1")
def _q3(ev: Evidence) -> Result:
    fee_growth = ev.stat("kuaishou_payment_fees_2022q3") / ev.stat("kuaishou_payment_fees_2021q3") - 1
    g = (ev.series_value("kuaishou_ecommerce_gmv_quarterly", "2022Q3")
         / ev.series_value("kuaishou_ecommerce_gmv_quarterly", "2021Q3") - 1)
    status = "consistent" if abs(fee_growth - g) <= 0.10 else "inconsistent"
    return Result(f"{num(g * 100, 3)}%", f"{num(fee_growth * 100, 3)}%", "±10 percentage points", status,
                  "the increase is 'nearly' 1亿元, so the fee growth is an upper bound")


@check("online_retail_2022_implied", "2023年网上零售额÷1.110与国家统计局2022年数据",
       "2023 online retail ÷ 1.110 against the NBS 2022 figure",
       ("nbs_online_retail_2023", "nbs_online_retail_growth_2023", "series:nbs_online_retail_sales"),
       "sales_2023 / (1 + growth_2023 / 100)")
def _retail(ev: Evidence) -> Result:
    implied = ev.stat("nbs_online_retail_2023") / (1 + ev.stat("nbs_online_retail_growth_2023") / 100)
    nbs = ev.series_value("nbs_online_retail_sales", "2022")
    return Result(f"{num(nbs / 1e12)} tn CNY", f"{num(implied / 1e12)} tn CNY", "±1.5%", within(implied, nbs, 0.015),
                  "NBS growth rates are on a comparable basis, so a small gap to the published level is normal")


@check("online_retail_2023_level", "网上零售额与国家统计局公报", "Online retail 2023 against the NBS release",
       ("nbs_online_retail_2023", "series:nbs_online_retail_sales"), "paper value vs NBS value, at the paper's rounding")
def _retail_level(ev: Evidence) -> Result:
    row = ev.stat_row("nbs_online_retail_2023")
    nbs = ev.series_value("nbs_online_retail_sales", "2023")
    ok = abs(row["value_std"] - nbs) <= row["resolution_std"] / 2
    return Result(f"{num(nbs / 1e12, 6)} tn CNY", f"{num(row['value_std'] / 1e12)} tn CNY", "half the printed precision",
                  "consistent" if ok else "inconsistent")


@check("physical_share_2023", "实物商品网上零售额占社会消费品零售总额比重",
       "Physical-goods share of total retail sales, 2023",
       ("nbs_physical_goods_online_retail_2023", "nbs_physical_goods_share_of_retail_sales_2023", "series:nbs_total_retail_sales"),
       "physical online retail / total retail sales × 100")
def _share(ev: Evidence) -> Result:
    total = ev.series_value("nbs_total_retail_sales", "2023")
    share = ev.stat("nbs_physical_goods_online_retail_2023") / total * 100
    stated = ev.stat("nbs_physical_goods_share_of_retail_sales_2023")
    ok = abs(share - stated) <= 0.25
    return Result(f"{num(stated, 3)}%", f"{num(share, 4)}%", "±0.25 percentage points (13.0 is rounded)",
                  "consistent" if ok else "inconsistent")


@check("cnnic_population", "网民规模÷互联网普及率与全国人口", "CNNIC users ÷ penetration against the population",
       ("cnnic_internet_users_2023_06", "cnnic_internet_penetration_2023_06", "series:nbs_population_year_end"),
       "users / (penetration / 100), against the mean of end-2022 and end-2023 population")
def _pop(ev: Evidence) -> Result:
    implied = ev.stat("cnnic_internet_users_2023_06") / (ev.stat("cnnic_internet_penetration_2023_06") / 100)
    pops = [ev.series_value("nbs_population_year_end", y, required=False) for y in ("2022", "2023")]
    if None in pops:
        return unverifiable(f"{num(implied / 1e8)} 亿人", "population figures missing")
    mid = sum(pops) / 2
    return Result(f"{num(mid / 1e8)} 亿人", f"{num(implied / 1e8)} 亿人", "±0.5%", within(implied, mid, 0.005))


@check("cnnic_users_2023_06", "网民规模与第52次CNNIC报告", "Internet users against the 52nd CNNIC report",
       ("cnnic_internet_users_2023_06", "series:cnnic_internet_users"), "paper value vs report value")
def _cnnic(ev: Evidence) -> Result:
    paper = ev.stat("cnnic_internet_users_2023_06")
    rep = ev.series_value("cnnic_internet_users", "2023-06")
    return Result(f"{num(rep / 1e8)} 亿人", f"{num(paper / 1e8)} 亿人", "exact", within(paper, rep, 1e-9))


@check("risk_events_2023", "2023年风险事件各项计数是否自洽", "2023 risk-event counts against each other",
       ("douyin_pay_fund_loss_risk_events_2023", "douyin_pay_customers_affected_2023",
        "douyin_pay_payment_accounts_affected_2023", "douyin_pay_bank_accounts_affected_2023"),
       "customers = events = payment accounts, bank accounts ≤ events")
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
       "total ≥ sum of the two lower bounds")
def _complaints(ev: Evidence) -> Result:
    lower = ev.stat("hezhong_yibao_transaction_complaints_over_10k") + ev.stat("hezhong_yibao_service_complaints_over_10k")
    total = ev.stat("hezhong_yibao_complaints_total")
    return Result(f"> {num(lower, 6)}", num(total, 6), "inequality",
                  "consistent" if total > lower else "inconsistent",
                  "the split between the two types is not given; the annual disclosure was not found")


@check("complaints_surge_2021", "2021年投诉量与2018—2020年对比", "2021 complaints against 2018–2020",
       ("hezhong_yibao_complaints_total", "hezhong_yibao_transaction_complaints_2020", "hezhong_yibao_service_complaints_2020"),
       "total_2021 / total_2020 (the paper calls it 突飞猛进)")
def _surge(ev: Evidence) -> Result:
    t20 = ev.stat("hezhong_yibao_transaction_complaints_2020") + ev.stat("hezhong_yibao_service_complaints_2020")
    factor = ev.stat("hezhong_yibao_complaints_total") / t20
    return Result("> 1 (a surge)", f"× {num(factor, 3)}", "direction", "consistent" if factor > 1 else "inconsistent",
                  f"2020 total {num(t20)} complaints")


@check("kuaishou_quarters_sum", "快手季度GMV之和与年度GMV", "Kuaishou quarterly GMV sums to the annual totals",
       ("series:kuaishou_ecommerce_gmv_quarterly", "series:kuaishou_ecommerce_gmv_annual"),
       "Q1 + Q2 + Q3 + Q4 vs annual, for every year with four quarters")
def _quarters(ev: Evidence) -> Result:
    q = ev.series[(ev.series["series_id"] == "kuaishou_ecommerce_gmv_quarterly") & ev.series["use_in_model"]]
    years, worst, missing = [], 0.0, []
    for year in sorted({p[:4] for p in q["period"]}):
        annual = ev.series_value("kuaishou_ecommerce_gmv_annual", year, required=False)
        qs = q[q["period"].str.startswith(year)]
        if annual is None:
            continue
        if len(qs) != 4:
            missing.append(year)
            continue
        worst = max(worst, abs(qs["value_std"].sum() - annual) / annual)
        years.append(year)
    status = "consistent" if years and worst <= 0.001 else ("inconsistent" if years else "unverifiable")
    note = f"years checked: {', '.join(years)}"
    if missing:
        note += f"; not checkable (a quarter missing): {', '.join(missing)}"
    return Result("0", f"largest gap {num(worst * 100, 2)}%", "±0.1% (rounding)", status, note)


@check("douyin_gmv_2022_media", "抖音2022年GMV与媒体报道", "Douyin 2022 GMV against media reports",
       ("douyin_ecommerce_gmv_cny_last_year", f"series:{DOUYIN_GMV_ESTIMATES}*"),
       "paper value vs the media estimates of that year (the closest)")
def _douyin(ev: Evidence) -> Result:
    row = ev.stat_row("douyin_ecommerce_gmv_cny_last_year")
    same = douyin_estimates(ev)
    same = same[same["period"] == row["period"]]
    if same.empty:
        return unverifiable(f"{num(row['value_std'] / 1e12)} tn CNY", "no media estimate for that year")
    est = float(same.loc[(same["value_std"] - row["value_std"]).abs().idxmin(), "value_std"])
    return Result(f"{num(est / 1e12)} tn CNY", f"{num(row['value_std'] / 1e12)} tn CNY", "±1%", within(row["value_std"], est, 0.01),
                  "both rest on media reports that ByteDance called inaccurate; no official figure exists")


@check("douyin_dau", "抖音日活跃用户6亿", "Douyin's 600 million daily active users",
       ("douyin_dau", "fact:douyin_dau_600m"), "paper value vs the announced figure")
def _dau(ev: Evidence) -> Result:
    fact = ev.fact("douyin_dau_600m")
    paper = ev.stat("douyin_dau")
    return Result(f"{num(fact['value_std'] / 1e8)} 亿人 ({fact['date']})", f"{num(paper / 1e8)} 亿人", "exact",
                  within(paper, fact["value_std"], 1e-9), "the paper states it without a date")


@check("insurance_coverage", "中国人保财险百万资金保障", "PICC account-security cover of one million yuan",
       ("douyin_pay_insurance_coverage", "fact:douyinpay_picc_guarantee"), "paper value vs the product page")
def _cover(ev: Evidence) -> Result:
    fact = ev.fact("douyinpay_picc_guarantee")
    paper = ev.stat("douyin_pay_insurance_coverage")
    return Result(f"{num(fact['value_std'])} CNY", f"{num(paper)} CNY", "exact", within(paper, fact["value_std"], 1e-9),
                  f"source: {fact['source_key']}")


def _no_source(check_id: str, zh: str, en: str, stat_ids: tuple[str, ...], fact_id: str) -> None:
    @check(check_id, zh, en, stat_ids + (f"fact:{fact_id}",), "paper value vs an independent source")
    def _run(ev: Evidence) -> Result:
        observed = "; ".join(num(ev.stat(s), 12) for s in stat_ids)
        rec = ev.facts.loc[ev.facts["fact_id"] == fact_id].iloc[0]
        return unverifiable(observed, f"no independent source found ({rec['note'][:160].rstrip()})")


_no_source("kuaishou_fees_source", "快手支付渠道手续费的独立来源", "An independent source for Kuaishou's payment-channel fees",
           ("kuaishou_payment_fees_2021", "kuaishou_payment_fees_2022q3"), "kuaishou_fee_2021")
_no_source("password_free_limit", "小额免密支付200元限额", "The 200-yuan password-free limit",
           ("douyin_pay_password_free_limit",), "douyinpay_smallamount_nopwd")
_no_source("fast_pay_limit", "极速付500元限额", "The 500-yuan fast-pay limit",
           ("douyin_pay_fast_pay_order_limit",), "douyinpay_jisufu_500")
_no_source("complaints_source", "合众支付投诉数据的独立来源", "An independent source for Hezhong Pay's complaint counts",
           ("hezhong_yibao_complaints_total",), "hzyb_complaints_2018_2021")
_no_source("risk_events_source", "2023年风险事件披露的独立来源", "An independent source for the 2023 risk-event disclosure",
           ("douyin_pay_fund_loss_risk_events_2023",), "douyinpay_risk_events_2023")


@check("nonbank_regulation_date", "《非银行支付机构条例》的日期", "Date of the non-bank payment institutions regulation",
       ("event:nonbank_payment_regulation", "fact:nbpi_reg_draft_2021", "fact:nbpi_reg_adopted", "fact:nbpi_reg_effective"),
       "stated date vs the draft, adoption and effective dates")
def _nbpi(ev: Evidence) -> Result:
    event = ev.event("nonbank_payment_regulation")
    dates = {k: ev.fact(k)["date"] for k in ("nbpi_reg_draft_2021", "nbpi_reg_adopted", "nbpi_reg_published", "nbpi_reg_effective")}
    status = "consistent" if event["date"] in dates.values() else "inconsistent"
    return Result(f"draft {dates['nbpi_reg_draft_2021']}; adopted {dates['nbpi_reg_adopted']}; effective {dates['nbpi_reg_effective']}",
                  event["date"], "same date", status,
                  "no regulation of that name took effect on 2020-12-01: the PBOC published a draft for comment in "
                  "January 2021 and the State Council's 非银行支付机构监督管理条例 took effect in May 2024")


@check("licence_holder", "2014年《支付业务许可证》的持有人", "Holder of the 2014 payment licence",
       ("event:payment_licence_issued", "fact:hzyb_licence_issue"), "licensee named by the paper vs the licence record")
def _holder(ev: Evidence) -> Result:
    fact = ev.fact("hzyb_licence_issue")
    return Result("合众易宝 (Hezhong Yibao)", "抖音 (Douyin)", "same entity", "inconsistent",
                  f"the paper says the PBOC issued the licence to 抖音; it was issued to 合众易宝, which ByteDance "
                  f"came to control in 2020 (source: {fact['source_key']})")


for _event, _fact, _zh, _en in [
    ("payment_licence_issued", "hzyb_licence_issue", "支付牌照颁发时间", "Date of the payment licence"),
    ("hezhong_yibao_founded", "hzyb_founded", "合众易宝成立时间", "Founding of Hezhong Yibao"),
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
    check(f"date_{_event}", _zh, _en, (f"event:{_event}", f"fact:{_fact}"), "stated date vs source date")(_make())


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
        r = _run_check(c, ev)
        if r.status not in STATUSES:
            raise ValueError(f"check {c.check_id} returned unknown status '{r.status}'")
        rows.append({"check_id": c.check_id, "description_zh": c.description_zh,
                     "description_en": c.description_en, "inputs": "; ".join(c.inputs),
                     "formula": c.formula, "expected": r.expected, "observed": r.observed,
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
