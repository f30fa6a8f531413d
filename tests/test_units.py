"""Parsing printed numbers, units, qualifiers and periods (analysis/units.py)."""

from __future__ import annotations

import math

import pytest

from analysis import units
from analysis.units import (
    Number,
    parse_chinese_numeral,
    parse_number,
    parse_qualifier,
    parse_unit,
    parse_zh_period,
    period_kind,
)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


# --------------------------------------------------------------------------- numbers

@pytest.mark.parametrize(
    ("text", "value", "resolution"),
    [
        # Decimals are significant, trailing zeros included.
        ("15.4", 15.4, 0.1),
        ("11.0", 11.0, 0.1),
        ("13.0", 13.0, 0.1),
        ("10.79", 10.79, 0.01),
        ("5.26", 5.26, 0.01),
        ("1.41", 1.41, 0.01),
        ("0.5", 0.5, 0.1),
        # Whole numbers: known to the last non-zero digit.
        ("46098", 46098.0, 1.0),
        ("24", 24.0, 1.0),
        ("7", 7.0, 1.0),
        ("2080", 2080.0, 10.0),
        ("200", 200.0, 100.0),
        ("100", 100.0, 100.0),
        ("0", 0.0, 1.0),
        ("-16", -16.0, 1.0),
        (" 16 ", 16.0, 1.0),
        # Products of whole numbers ("7x24" hours).
        ("7x24", 168.0, 1.0),
        ("7×24", 168.0, 1.0),
        # Chinese numerals: digits are exact, a bare multiplier is a magnitude.
        ("一", 1.0, 1.0),
        ("两", 2.0, 1.0),
        ("八", 8.0, 1.0),
        ("十三", 13.0, 1.0),
        ("三十", 30.0, 1.0),
        ("百万", 1e6, 1e6),
        ("万", 1e4, 1e4),
        ("亿", 1e8, 1e8),
    ],
)
def test_parse_number(text, value, resolution):
    n = parse_number(text)
    assert isinstance(n, Number)
    assert close(n.value, value), (text, n)
    assert close(n.resolution, resolution), (text, n)


@pytest.mark.parametrize("text", ["abc", "", "   ", "1,000", "12.", ".5", "1e5", "十a",
                                  "7x", "x24", "7x24x2", "15.4万", "--3", "六亿人"])
def test_parse_number_rejects_garbage(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1), ("两", 2), ("二", 2), ("八", 8), ("零", 0),
        ("十", 10), ("十三", 13), ("三十", 30), ("二十三", 23), ("一百零五", 105),
        ("百万", 1_000_000), ("万", 10_000), ("十万", 100_000), ("亿", 100_000_000),
        ("三千五百万", 35_000_000),
        ("一万亿", 1_000_000_000_000),
        # 万 after 亿 multiplies only its own group: 1亿 + 2000万.
        ("一亿两千万", 120_000_000),
        ("二十三亿四千五百六十七万八千九百", 2_345_678_900),
    ],
)
def test_parse_chinese_numeral(text, value):
    assert parse_chinese_numeral(text) == value


@pytest.mark.parametrize("text", ["", "abc", "十a", "3", "一.五", "万元"])
def test_parse_chinese_numeral_rejects(text):
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        parse_chinese_numeral(text)


# --------------------------------------------------------------------------- units, qualifiers

@pytest.mark.parametrize(
    ("text", "factor", "std"),
    [
        ("元", 1, "CNY"), ("万元", 1e4, "CNY"), ("亿元", 1e8, "CNY"), ("个亿", 1e8, "CNY"),
        ("万亿元", 1e12, "CNY"), ("美元", 1, "USD"), ("亿美元", 1e8, "USD"),
        ("人", 1, "persons"), ("名", 1, "persons"), ("万人", 1e4, "persons"),
        ("亿人", 1e8, "persons"), ("%", 1, "percent"), ("百万元", 1e6, "CNY"),
        ("个百分点", 1, "percentage_points"), ("件", 1, "count"), ("万", 1e4, "count"),
        ("小时", 1, "hours"), ("次", 1, "ordinal"), ("届", 1, "ordinal"),
    ],
)
def test_parse_unit_known(text, factor, std):
    assert parse_unit(text) == (factor, std)


@pytest.mark.parametrize("text", ["兆元", "", "亿元 ", "CNY", "percent", "亿 元"])
def test_parse_unit_unknown_names_the_closed_set(text):
    with pytest.raises(KeyError) as info:
        parse_unit(text)
    message = info.value.args[0]
    assert f"unknown unit '{text}'" in message
    assert "known:" in message
    for unit in ("亿元", "万亿元", "%", "亿人"):
        assert unit in message


def test_every_unit_maps_to_a_standard_unit():
    assert {std for _, std in units.UNITS.values()} <= set(units.UNIT_STD)
    assert all(factor > 0 for factor, _ in units.UNITS.values())


@pytest.mark.parametrize(
    ("text", "std"),
    [
        ("", "exact"), ("达", "exact"), ("达到", "exact"), ("已达", "exact"),
        ("约", "about"), ("约合", "about"), ("超过", "over"), ("多", "over"), ("过", "over"),
        ("以上", "over"), ("接近", "nearly"), ("多达", "up_to"), ("以内", "up_to"),
        ("低于", "below"), ("以亿为单位计算", "over"),
    ],
)
def test_parse_qualifier_known(text, std):
    assert parse_qualifier(text) == std


@pytest.mark.parametrize("text", ["大约", "over", "约 ", "不到"])
def test_parse_qualifier_unknown_names_the_closed_set(text):
    with pytest.raises(KeyError) as info:
        parse_qualifier(text)
    message = info.value.args[0]
    assert f"unknown qualifier '{text}'" in message
    assert "known:" in message
    for q in ("超过", "接近", "约合", "低于"):
        assert q in message


def test_every_qualifier_maps_to_a_standard_qualifier():
    assert set(units.QUALIFIERS.values()) <= set(units.QUALIFIER_STD)


# --------------------------------------------------------------------------- periods

@pytest.mark.parametrize(
    ("period", "kind"),
    [
        ("2022", "year"), ("2022Q1", "quarter"), ("2022Q3", "quarter"), ("2022Q4", "quarter"),
        ("2022H1", "half"), ("2022H2", "half"), ("2023-06", "month"), ("2023-12", "month"),
        ("2021-08-20", "day"), ("2024-02-29", "day"), ("2023-01-31", "day"),
        ("2004/2023", "range"), ("2021Q3/2022Q3", "range"), ("2023-01/2023-06", "range"),
        ("2021-08-20/2021-11-01", "range"), ("2022/2022-06", "range"),
        ("2022-06/2022Q3", "range"), ("2022H1/2022H2", "range"),
    ],
)
def test_period_kind(period, kind):
    assert period_kind(period) == kind


@pytest.mark.parametrize(
    "period",
    [
        # impossible dates
        "2023-02-30", "2023-02-29", "2023-04-31", "2023-13", "2023-00", "2023-06-00",
        "2023-06-32", "2022Q5", "2022Q0", "2022H3",
        # shapes that are not ISO periods
        "", "22", "20223", "2022-6", "2022-6-1", "2022年", "2022-Q3", "Q3 2022", "2022q3",
        "2022/", "/2022", "2022/2023/2024", "2022 ", "2022-06-01T00:00",
        # a range with an impossible end
        "2023-01/2023-02-30",
        # reversed ranges, also when the two ends have different shapes
        "2023/2004", "2023-06/2023-01", "2021-11-01/2021-08-20", "2022Q3/2022Q1",
        "2022-06/2022Q1", "2022H2/2022-03", "2023/2022-12",
    ],
)
def test_period_kind_rejects(period):
    with pytest.raises(ValueError):
        period_kind(period)


def test_period_kind_reversed_range_says_so():
    with pytest.raises(ValueError, match="ends before it starts"):
        period_kind("2023/2004")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("截至2023年6月", "2023-06"),
        ("2023年6月", "2023-06"),
        ("2022年第三季度", "2022Q3"),
        ("2022年第一季度", "2022Q1"),
        ("从2004年至2023年", "2004/2023"),
        ("2020年至2021年", "2020/2021"),
        ("2021年8月20日", "2021-08-20"),
        ("2020年12月1日", "2020-12-01"),
        ("2021年1月中旬", "2021-01"),
        ("2016年起", "2016"),
        ("2023年", "2023"),
        ("2022年上半年", "2022H1"),
        ("2022年下半年", "2022H2"),
        ("去年", None),
        ("今年", None),
        ("目前", None),
        ("", None),
    ],
)
def test_parse_zh_period(text, iso):
    assert parse_zh_period(text) == iso
