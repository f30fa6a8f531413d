"""Parse numbers, units, qualifiers and periods as the paper prints them.

Every vocabulary here is closed: a unit, qualifier or period shape that is not
listed is an error for the caller to report with its file, row and column,
never a silent guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Printed unit -> (factor to base units, standard unit). The paper's "6个亿" and
# "一个亿" are colloquial for 亿元 (it only uses them of money).
UNITS: dict[str, tuple[float, str]] = {
    "元": (1, "CNY"),
    "万元": (1e4, "CNY"),
    "百万元": (1e6, "CNY"),   # filings' "RMB million" (人民币百万元)
    "亿元": (1e8, "CNY"),
    "个亿": (1e8, "CNY"),
    "十亿元": (1e9, "CNY"),
    "万亿元": (1e12, "CNY"),
    "美元": (1, "USD"),
    "亿美元": (1e8, "USD"),
    "人": (1, "persons"),
    "名": (1, "persons"),
    "万人": (1e4, "persons"),
    "亿人": (1e8, "persons"),
    "%": (1, "percent"),
    "个百分点": (1, "percentage_points"),
    "percentage_points": (1, "percentage_points"),
    "件": (1, "count"),
    "起": (1, "count"),
    "个": (1, "count"),
    "部": (1, "count"),
    "万": (1e4, "count"),
    "亿": (1e8, "count"),
    "小时": (1, "hours"),
    "元/美元": (1, "CNY_per_USD"),
    "次": (1, "ordinal"),
    "届": (1, "ordinal"),
    "大巨头": (1, "count"),
}

UNIT_STD = ("CNY", "USD", "persons", "percent", "percentage_points", "count", "hours",
            "CNY_per_USD", "ordinal", "rank")

QUALIFIERS: dict[str, str] = {
    "": "exact",
    "达": "exact",
    "达到": "exact",
    "已达": "exact",
    "约": "about",
    "约合": "about",
    "超过": "over",
    "多": "over",
    "过": "over",
    "以上": "over",
    "接近": "nearly",
    "多达": "up_to",
    "以内": "up_to",
    "低于": "below",
    "以亿为单位计算": "over",  # "counted in hundreds of millions": at least 1亿
}

QUALIFIER_STD = ("exact", "over", "nearly", "about", "up_to", "below")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10_000, "亿": 100_000_000}
_ARABIC = re.compile(r"^-?\d+(\.\d+)?$", re.ASCII)
_PRODUCT = re.compile(r"^\d+[x×]\d+$", re.ASCII)


@dataclass(frozen=True)
class Number:
    """A printed number: its value and the place value of its last significant digit."""

    value: float
    resolution: float


def parse_chinese_numeral(text: str) -> int:
    """一 → 1, 十三 → 13, 三十 → 30, 百万 → 1000000, 两 → 2, 八 → 8."""
    if not text or any(ch not in _DIGITS and ch not in _SMALL and ch not in _LARGE
                       for ch in text):
        raise ValueError(f"not a Chinese numeral: '{text}'")
    # total: the 亿 groups; wan: the 万 group below them; section: below 万.
    total, wan, section, digit = 0, 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[ch]
            digit = None
        elif ch == "万":  # multiplies the section before it (一亿两千万: only 两千)
            section += digit or 0
            wan += (section or 1) * _LARGE[ch]
            section, digit = 0, None
        else:  # 亿 multiplies everything before it
            section += digit or 0
            total = (total + ((wan + section) or 1)) * _LARGE[ch]
            wan, section, digit = 0, 0, None
    return total + wan + section + (digit or 0)


def parse_number(text: str) -> Number:
    """Parse ``15.4``, ``46098``, ``2080`` or a Chinese numeral, keeping its precision.

    Trailing zeros of a whole number are not taken as significant (2080 is
    known to the ten), decimals are (11.0 is known to the tenth).
    """
    text = text.strip()
    if _PRODUCT.match(text):  # "7x24" (hours): the product of whole numbers
        a, b = re.split(r"[x×]", text)
        return Number(float(int(a) * int(b)), 1.0)
    if _ARABIC.match(text):
        value = float(text)
        if "." in text:
            resolution = 10.0 ** -len(text.split(".")[1])
        else:
            digits = text.lstrip("-")
            zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
            resolution = 10.0 ** zeros
        return Number(value, resolution)
    value = parse_chinese_numeral(text)
    # A bare multiplier such as 百万 or 万 states an order of magnitude, not digits.
    magnitude_only = not any(ch in _DIGITS for ch in text)
    return Number(float(value), float(value) if magnitude_only else 1.0)


def parse_unit(text: str) -> tuple[float, str]:
    """Printed unit → (factor, standard unit); ``KeyError`` names the closed set."""
    try:
        return UNITS[text]
    except KeyError:
        raise KeyError(f"unknown unit '{text}' (known: {', '.join(sorted(UNITS))})") from None


def parse_qualifier(text: str) -> str:
    """Printed qualifier → over / nearly / about / up_to / below / exact."""
    try:
        return QUALIFIERS[text]
    except KeyError:
        known = ", ".join(sorted(q for q in QUALIFIERS if q))
        raise KeyError(f"unknown qualifier '{text}' (known: {known}, or empty)") from None


_PERIOD_PATTERNS = [
    (re.compile(r"^\d{4}$", re.ASCII), "year"),
    (re.compile(r"^\d{4}Q[1-4]$", re.ASCII), "quarter"),
    (re.compile(r"^\d{4}H[12]$", re.ASCII), "half"),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$", re.ASCII), "month"),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", re.ASCII), "day"),
]


def _first_day(period: str):
    """First day of a single (non-range) ISO period already known to be valid."""
    import datetime

    year = int(period[:4])
    if "Q" in period:
        return datetime.date(year, 3 * int(period[5]) - 2, 1)
    if "H" in period:
        return datetime.date(year, 6 * int(period[5]) - 5, 1)
    parts = period.split("-")
    return datetime.date(year, int(parts[1]) if len(parts) > 1 else 1,
                         int(parts[2]) if len(parts) > 2 else 1)


def _last_day(period: str):
    """Last day of a single (non-range) ISO period already known to be valid."""
    import datetime

    year = int(period[:4])
    if "Q" in period:
        month = 3 * int(period[5])
    elif "H" in period:
        month = 6 * int(period[5])
    else:
        parts = period.split("-")
        if len(parts) == 3:
            return _first_day(period)
        month = int(parts[1]) if len(parts) == 2 else 12
    nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def first_days(period: str) -> list:
    """The first day of an ISO period, or of each end of a range (2004/2023 → 2004-01-01,
    2023-01-01); the period must be valid (:func:`period_kind`)."""
    return [_first_day(part) for part in period.split("/")]


def period_kind(period: str) -> str:
    """Classify an ISO period; raise ``ValueError`` for anything else or an impossible date."""
    import datetime

    for pattern, kind in _PERIOD_PATTERNS:
        if pattern.match(period):
            if kind == "day":
                datetime.date.fromisoformat(period)  # rejects 2023-02-30
            return kind
    if "/" in period:
        start, end = period.split("/", 1)
        if "/" in end:
            raise ValueError(f"not an ISO period: '{period}'")
        period_kind(start)
        period_kind(end)
        # Compare days, not strings: '2022Q1' sorts after '2022-06' as text.
        if _last_day(end) < _first_day(start):
            raise ValueError(f"period ends before it starts: '{period}'")
        return "range"
    raise ValueError(f"not an ISO period: '{period}' (expected 2022, 2022Q3, 2022H1, "
                     "2023-06, 2021-08-20 or start/end)")


def is_period(text: str, *, allow_empty: bool = False, kinds: tuple[str, ...] | None = None) -> bool:
    """Whether ``text`` is a real ISO period (optionally only of the given ``kinds``)."""
    if text == "":
        return allow_empty
    try:
        kind = period_kind(text)
    except ValueError:
        return False
    return kinds is None or kind in kinds


_ZH_PERIOD = [
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日", re.ASCII),
     lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"),
    (re.compile(r"(\d{4})年第([一二三四])季度", re.ASCII), lambda m: f"{m[1]}Q{_DIGITS[m[2]]}"),
    (re.compile(r"(\d{4})年第([1-4])季度", re.ASCII), lambda m: f"{m[1]}Q{m[2]}"),
    (re.compile(r"(\d{4})年([上下])半年", re.ASCII), lambda m: f"{m[1]}H{1 if m[2] == '上' else 2}"),
    (re.compile(r"(\d{4})年(\d{1,2})月", re.ASCII), lambda m: f"{m[1]}-{int(m[2]):02d}"),
    (re.compile(r"(\d{4})年?至(\d{4})年", re.ASCII), lambda m: f"{m[1]}/{m[2]}"),
    (re.compile(r"(\d{4})年", re.ASCII), lambda m: m[1]),
]


def parse_zh_period(text: str) -> str | None:
    """The ISO period a Chinese phrase names (截至2023年6月 → 2023-06); None if relative."""
    for pattern, build in _ZH_PERIOD:
        m = pattern.search(text)
        if m:
            return build(m)
    return None


def zh_periods(text: str) -> list[str]:
    """Every ISO period a Chinese text states, left to right, each read as
    :func:`parse_zh_period` reads it (过去三年(2018年、2019年和2020年) → 2018, 2019, 2020)."""
    out, pos = [], 0
    while pos < len(text):
        starts_number = text[pos].isdigit() and not (pos and text[pos - 1].isdigit())
        hits = [(m, build) for pattern, build in _ZH_PERIOD if (m := pattern.match(text, pos))]
        if starts_number and hits:
            m, build = hits[0]
            out.append(build(m))
            pos = m.end()
        else:
            pos += 1
    return out
