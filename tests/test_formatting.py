"""Numbers and dates as each edition prints them (analysis/formatting.py).

Every expected string was worked out by hand from the printed source figure:
the resolution carries the digits the source printed (10.79亿人 is known to
the million, so English shows 1.079 billion), never more.
"""

from __future__ import annotations

import pytest

from analysis.formatting import format_period, format_quantity
from analysis.units import parse_zh_period

# (value in base units, unit, resolution in base units, qualifier, zh, en)
QUANTITIES = [
    # CNY: 万亿元/亿元/万元 in Chinese; trillion/billion/million in English.
    (1.41e12, "CNY", 1e10, "about", "约1.41万亿元", "about RMB 1.41 trillion"),
    (1.54e13, "CNY", 1e11, "exact", "15.4万亿元", "RMB 15.4 trillion"),
    (1.30e13, "CNY", 1e11, "exact", "13.0万亿元", "RMB 13.0 trillion"),
    (1.6e9, "CNY", 1e8, "over", "超过16亿元", "over RMB 1.6 billion"),
    (6e8, "CNY", 1e8, "exact", "6亿元", "RMB 600 million"),
    (1e8, "CNY", 1e8, "nearly", "接近1亿元", "nearly RMB 100 million"),
    (5.26e8, "CNY", 1e6, "exact", "5.26亿元", "RMB 526 million"),
    (1e9, "CNY", 1e8, "over", "超过10亿元", "over RMB 1.0 billion"),
    (1e6, "CNY", 1e6, "exact", "100万元", "RMB 1 million"),
    (88, "CNY", 1, "exact", "88元", "RMB 88"),
    (200, "CNY", 100, "below", "低于200元", "below RMB 200"),
    (500, "CNY", 100, "up_to", "至多500元", "up to RMB 500"),  # 以内: a limit, not 多达 (as many as)
    # A derived 4.26亿 known only to the 亿: the digits below are not shown.
    (4.26e8, "CNY", 1e8, "over", "超过4亿元", "over RMB 400 million"),
    # USD
    (2.08e11, "USD", 1e9, "exact", "2080亿美元", "US$208 billion"),
    (2.08e11, "USD", 1e9, "about", "约2080亿美元", "about US$208 billion"),
    (1.5e12, "USD", 1e11, "exact", "1.5万亿美元", "US$1.5 trillion"),
    # persons
    (6e8, "persons", 1e8, "exact", "6亿人", "600 million"),
    (1.079e9, "persons", 1e6, "exact", "10.79亿人", "1.079 billion"),
    (1e8, "persons", 1e8, "over", "超过1亿人", "over 100 million"),
    (24, "persons", 1, "exact", "24人", "24"),
    (35000, "persons", 1e3, "exact", "3.5万人", "35,000"),
    # percent: the printed trailing zero stays
    (11.0, "percent", 0.1, "exact", "11.0%", "11.0%"),
    (76.4, "percent", 0.1, "exact", "76.4%", "76.4%"),
    (8.4, "percent", 0.1, "exact", "8.4%", "8.4%"),
    (100, "percent", 100, "exact", "100%", "100%"),
    (1.4, "percentage_points", 0.1, "exact", "1.4个百分点", "1.4 percentage points"),
    # counts: English has thousands separators
    (46098, "count", 1, "exact", None, "46,098"),
    (1e4, "count", 1e4, "over", "超过1万", "over 10,000"),
    (24, "count", 1, "exact", "24", "24"),
    (0, "count", 1, "exact", "0", "0"),
    (8, "count", 1, "up_to", "至多8", "up to 8"),
    # hours
    (168, "hours", 1, "exact", "168小时", "168 hours"),
    # ordinals and ranks
    (52, "ordinal", 1, "exact", "第52", "52nd"),
    (13, "ordinal", 1, "exact", "第13", "13th"),
    (30, "ordinal", 1, "exact", "第30", "30th"),
    (3, "rank", 1, "exact", "第3", "3rd"),
]


@pytest.mark.parametrize(("value", "unit", "res", "qual", "zh", "en"), QUANTITIES)
def test_format_quantity(value, unit, res, qual, zh, en):
    if zh is not None:
        assert format_quantity(value, unit, "zh", resolution=res, qualifier=qual) == zh
    assert format_quantity(value, unit, "en", resolution=res, qualifier=qual) == en


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
     (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (52, "52nd"), (100, "100th"),
     (101, "101st"), (111, "111th"), (112, "112th"), (113, "113th"), (122, "122nd")],
)
def test_english_ordinals(n, expected):
    assert format_quantity(n, "ordinal", "en", resolution=1) == expected
    assert format_quantity(n, "rank", "en", resolution=1) == expected
    assert format_quantity(n, "ordinal", "zh", resolution=1) == f"第{n}"


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        # Without a resolution: at most two decimals, trailing zeros trimmed.
        (1.5e9, "CNY", "en", "RMB 1.5 billion"),
        (1.0e9, "CNY", "en", "RMB 1 billion"),
        (1.5e9, "CNY", "zh", "15亿元"),
        (1.4096e9, "persons", "en", "1.41 billion"),
        (1234.5678, "count", "en", "1,234.57"),
        (11.0, "percent", "en", "11%"),
    ],
)
def test_format_quantity_without_resolution(value, unit, lang, expected):
    assert format_quantity(value, unit, lang) == expected


def test_format_quantity_without_qualifier_is_exact():
    assert format_quantity(1.6e9, "CNY", "zh", resolution=1e8) == "16亿元"
    assert format_quantity(1.6e9, "CNY", "en", resolution=1e8) == "RMB 1.6 billion"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"value": 1, "unit": "EUR", "lang": "en"}, "no en format for unit 'EUR'"),
        ({"value": 1, "unit": "CNY", "lang": "fr"}, "no fr format"),
        ({"value": 1, "unit": "CNY", "lang": "zh", "qualifier": "roughly"},
         "unknown qualifier 'roughly'"),
    ],
)
def test_format_quantity_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        format_quantity(**kwargs)


PERIODS = [
    ("2022", "2022年", "2022"),
    ("2022Q3", "2022年第三季度", "Q3 2022"),
    ("2022Q1", "2022年第一季度", "Q1 2022"),
    ("2021Q4", "2021年第四季度", "Q4 2021"),
    ("2022H1", "2022年上半年", "first half of 2022"),
    ("2022H2", "2022年下半年", "second half of 2022"),
    ("2023-06", "2023年6月", "June 2023"),
    ("2012-11", "2012年11月", "November 2012"),
    ("2021-08-20", "2021年8月20日", "20 August 2021"),
    ("2020-12-01", "2020年12月1日", "1 December 2020"),
    ("2004/2023", "2004年至2023年", "2004–2023"),
    ("2021Q3/2022Q3", "2021年第三季度至2022年第三季度", "Q3 2021–Q3 2022"),
    ("2023-01/2023-06", "2023年1月至2023年6月", "January 2023–June 2023"),
]


@pytest.mark.parametrize(("period", "zh", "en"), PERIODS)
def test_format_period(period, zh, en):
    assert format_period(period, "zh") == zh
    assert format_period(period, "en") == en


@pytest.mark.parametrize("period", ["2022", "2022Q3", "2022H1", "2022H2", "2023-06",
                                    "2021-08-20", "2004/2023"])
def test_chinese_period_round_trips(period):
    """What the Chinese edition prints, parse_zh_period reads back."""
    assert parse_zh_period(format_period(period, "zh")) == period


# A value and its interval in one unit, that of the largest, to one resolution (three
# significant digits of the largest): 7090亿元（3070亿元至1.63万亿元）is 0.71万亿元（0.31至1.63万亿元）.
ESTIMATES = [
    (7.09e11, [(3.07e11, 1.63e12)], ("0.71万亿元", ["0.31至1.63万亿元"]),
     ("RMB 0.71 trillion", ["RMB 0.31–1.63 trillion"])),
    (5.33e11, [(4.76e11, 5.97e11)], ("5330亿元", ["4760至5970亿元"]), ("RMB 533 billion", ["RMB 476–597 billion"])),
    (5.36e9, [(3.41e9, 8.7e9), (2.7e9, 1.13e10)], ("54亿元", ["34至87亿元", "27至113亿元"]),
     ("RMB 5.4 billion", ["RMB 3.4–8.7 billion", "RMB 2.7–11.3 billion"])),
]


@pytest.mark.parametrize("value,ranges,zh,en", ESTIMATES)
def test_format_estimate_prints_a_value_and_its_intervals_in_one_unit(value, ranges, zh, en):
    from analysis.formatting import format_estimate

    assert format_estimate(value, ranges, "CNY", "zh") == zh
    assert format_estimate(value, ranges, "CNY", "en") == en


def test_format_together_and_a_chosen_scale():
    from analysis.formatting import format_together

    assert format_together([7.09e11, 1.63e12], "CNY", "zh") == ["0.71万亿元", "1.63万亿元"]
    assert format_together([8.67e9, 1.89e10], "CNY", "en") == ["RMB 8.7 billion", "RMB 18.9 billion"]
    # two scenarios' ends: one unit, each its own three digits
    assert format_together([7.09e11, 1.63e12], "CNY", "zh", own_digits=True) == ["0.709万亿元", "1.63万亿元"]
    assert format_together([8.67e9, 1.89e10], "CNY", "en", own_digits=True) == ["RMB 8.67 billion", "RMB 18.9 billion"]
    assert format_quantity(7.09e11, "CNY", "zh", resolution=1e10, scale=1e12) == "0.71万亿元"
    # a bound far below the largest still shows a digit, not 0
    assert format_together([3e9, 1.63e12], "CNY", "en") == ["RMB 0.003 trillion", "RMB 1.630 trillion"]
    with pytest.raises(ValueError, match="scale"):
        format_quantity(1e9, "CNY", "en", scale=1e8)
