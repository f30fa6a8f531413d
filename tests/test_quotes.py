"""Reading numbers, units, qualifiers and periods out of verbatim quotes (analysis/quotes.py)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from analysis import quotes

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def reading(quote: str, text: str) -> quotes.Reading:
    hits = [r for r in quotes.readings(quote) if r.text == text]
    assert len(hits) == 1, (text, quotes.readings(quote))
    return hits[0]


@pytest.mark.parametrize(("quote", "text", "amount", "unit_std", "qualifier"), [
    # Chinese: the longest unit wins; 亿 alone is a magnitude without a unit
    ("约合1.41万亿元人民币", "1.41万亿元", 1.41e12, "CNY", "about"),
    ("抖音的日活跃用户已达6亿人", "6亿人", 6e8, "persons", "exact"),
    ("中国网民规模达到6.88亿,互联网普及率达到50.3%", "6.88亿", 6.88e8, None, "exact"),
    ("快手去年支付渠道手续费则超过16亿元", "16亿元", 16e8, "CNY", "over"),
    ("比2020年多了6个亿", "6个亿", 6e8, "CNY", "exact"),            # 多了: "more by", not "over"
    ("比去年同期多了接近一个亿", "一个亿", 1e8, "CNY", "nearly"),
    ("已累计出台相关法律法规多达八部", "八部", 8, "count", "up_to"),
    ("极速付支持500元以内的订单", "500元", 500, "CNY", "up_to"),     # qualifier after the number
    ("交易类客户投诉和服务类客户投诉均过万", "万", 1e4, None, "over"),
    ("都是以亿为单位计算的", "亿", 1e8, None, "over"),              # the qualifier contains it
    ("通过7x24小时无间断客服", "7x24小时", 168, "hours", "exact"),   # 通过 is not 过
    ("2023年,抖音支付未发生账户泄露类风险事件", "未发生", 0, None, "exact"),
    ("给每个用户提供价值百万的资金安全保障", "百万", 1e6, None, "exact"),
    # traditional characters, thousands separators, full-width digits, spaces
    ("電商GMV(1)為人民幣13,896億元", "人民币13896亿元", 13896e8, "CNY", "exact"),
    ("我國網民規模達１０.７９億人", "10.79亿人", 10.79e8, "persons", "exact"),
    ("截至 6 月,我国网民规模达 11.23 亿人", "11.23 亿人", 11.23e8, "persons", "exact"),
    ("实物商品网络销售交易额近4.2万亿元", "4.2万亿元", 4.2e12, "CNY", "nearly"),
    # Japanese 兆
    ("ネット通販の売上総額は前年比33.3%増の3兆8773億元だった", "38773亿元", 38773e8, "CNY", "exact"),
    # English scales, currencies before and after, qualifiers
    ("generated RMB 10 billion (~$1,4 billion) in Douyin", "RMB 10 billion", 1e10, "CNY", "exact"),
    ("a GMV of 381.2 billion yuan ($58.2 billion) last year", "381.2 billion yuan", 381.2e9, "CNY", "exact"),
    ("achieved more than RMB 800 billion GMV in 2021", "RMB 800 billion", 800e9, "CNY", "over"),
    ("GMV in 2023 was around RMB 2.2 trillion (USD 306 billion)", "USD 306 billion", 306e9, "USD", "exact"),
    ("income in 2021 was 81 billion 80 million yuan, up 38%", "81 billion 80 million yuan", 81.08e9, "CNY", "exact"),
    ("hit 600 million daily active users in August", "600 million", 6e8, None, "exact"),
    ("a turnover 500 billion yuan", "500 billion yuan", 500e9, "CNY", "exact"),  # not "over"
    ("Approximately 77.5 percent of China's citizens", "77.5", 77.5, None, "about"),  # capitalised
    ("over 1.09 billion Internet users", "1.09 billion", 1.09e9, None, "over"),
    ("| E-commerce GMV (RMB million) | 175,075.6 | 118,559.4 |", "175075.6", 175075.6, None, "exact"),
])
def test_readings(quote, text, amount, unit_std, qualifier):
    r = reading(quote, text)
    assert math.isclose(r.amount, amount, rel_tol=1e-12)
    assert r.unit_std == unit_std
    assert r.qualifier == qualifier


@pytest.mark.parametrize(("quote", "value", "unit", "qualifier", "field", "fragment"), [
    ("约合1.41万亿元人民币", "1.41", "亿元", "约合", "unit", "prints '1.41万亿元' (= 1.41e+12 CNY)"),
    ("翻卡抽88元优惠券", "8", "元", "", "value", "the typed value reads 8 元 (= 8 CNY)"),
    ("快手去年支付渠道手续费则超过16亿元", "16", "亿元", "", "qualifier", "prints '超过' (over)"),
    ("同比增长11.0%", "11.0", "个百分点", "", "unit", "prints '11.0%'"),
    ("为人民币11,844亿元,较2022年的人民币9,012亿元", "9012", "万亿元", "", "unit",
     "'人民币9012亿元' (= 9.012e+11 CNY)"),
    ("达到了2080亿美元", "2080", "亿元", "达到", "unit", "(= 2.08e+11 USD)"),
    ("未发生账户泄露类风险事件", "1", "起", "", "value", "prints '未发生'"),
])
def test_value_problem_names_the_field_and_both_readings(quote, value, unit, qualifier, field, fragment):
    problem = quotes.value_problem(quote, value, unit, qualifier)
    assert problem is not None
    assert problem[0] == field
    assert fragment in problem[1] and repr(quote) in problem[1]


def test_qualifier_not_checked_when_not_typed():
    assert quotes.value_problem("超过16亿元", "16", "亿元") is None


@pytest.mark.parametrize(("file", "quote", "value", "unit", "qualifier"), [
    ("cited_statistics.csv", "quote_zh", "value_printed", "unit_printed", "qualifier_printed"),
    ("public_series.csv", "source_quote", "value", "unit", "qualifier"),
    ("reference_facts.csv", "source_quote", "value", "unit", None),
])
def test_every_row_of_the_data_agrees_with_its_quote(file, quote, value, unit, qualifier):
    """The reader has no false alarms on the curated data (positive control for the
    bad-input cases, which change one cell of these files)."""
    with (RAW / file).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    problems = [(i, quotes.value_problem(r[quote], r[value], r[unit], r[qualifier] if qualifier else None))
                for i, r in enumerate(rows, start=1) if r[value]]
    assert [p for p in problems if p[1]] == []
    assert len(problems) >= 3


@pytest.mark.parametrize(("quote", "periods"), [
    ("过去三年(2018年、2019年和2020年),合众支付交易类客户投诉分别为59件", ["2018", "2019", "2020"]),
    ("从2004年至2023年,已累计出台相关法律法规多达八部", ["2004/2023"]),
    ("2022年第三季度,快手支付渠道手续费为5.26亿元", ["2022Q3"]),
    ("在2021年1月中旬,抖音支付在抖音APP内上线", ["2021-01"]),
    ("2021年8月20日,第十三届全国人大常委会", ["2021-08-20"]),
    ("截至２０２３年６月,我國網民規模", ["2023-06"]),
    ("翻卡抽88元优惠券", []),
    ("共12021年", []),  # five digits are no year
])
def test_periods(quote, periods):
    assert quotes.periods(quote) == periods


@pytest.mark.parametrize("quote", ["approximately 170 billion yuan to 180 billion yuan last year",
                                   "约170亿元至180亿元"])
def test_both_ends_of_a_range_carry_its_qualifier(quote):
    assert [r.qualifier for r in quotes.readings(quote)] == ["about", "about"]
