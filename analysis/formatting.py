"""Numbers and dates as each edition prints them: 亿/万亿 and 2023年6月 in
Chinese, billion/trillion and June 2023 in English.

Precision travels with the value as a *resolution* in base units (10.79亿人 is
known to 10⁶ persons), so a rescaled figure keeps exactly the digits its source
printed: 10.79亿人 → 1.079 billion, 11.0% → 11.0%, 2080亿美元 → US$208 billion.
"""

from __future__ import annotations

import math

QUALIFIER_WORDS = {
    "zh": {"exact": "", "over": "超过", "nearly": "接近", "about": "约", "up_to": "至多",
           "below": "低于"},
    "en": {"exact": "", "over": "over ", "nearly": "nearly ", "about": "about ",
           "up_to": "up to ", "below": "below "},
}

# (threshold, template) from largest to smallest; {} is the scaled number.
SCALES = {
    "zh": {
        "CNY": [(1e12, "{}万亿元"), (1e8, "{}亿元"), (1e4, "{}万元"), (1, "{}元")],
        "USD": [(1e12, "{}万亿美元"), (1e8, "{}亿美元"), (1e4, "{}万美元"), (1, "{}美元")],
        "persons": [(1e8, "{}亿人"), (1e4, "{}万人"), (1, "{}人")],
        "count": [(1e8, "{}亿"), (1e4, "{}万"), (1, "{}")],
        "percent": [(1, "{}%")],
        "percentage_points": [(1, "{}个百分点")],
        "hours": [(1, "{}小时")],
        "CNY_per_USD": [(1, "{}")],
        "ordinal": [(1, "第{}")],
        "rank": [(1, "第{}")],
    },
    "en": {
        "CNY": [(1e12, "RMB {} trillion"), (1e9, "RMB {} billion"), (1e6, "RMB {} million"),
                (1, "RMB {}")],
        "USD": [(1e12, "US${} trillion"), (1e9, "US${} billion"), (1e6, "US${} million"),
                (1, "US${}")],
        "persons": [(1e9, "{} billion"), (1e6, "{} million"), (1, "{}")],
        "count": [(1e9, "{} billion"), (1e6, "{} million"), (1, "{}")],
        "percent": [(1, "{}%")],
        "percentage_points": [(1, "{} percentage points")],
        "hours": [(1, "{} hours")],
        "CNY_per_USD": [(1, "{}")],
        "ordinal": [(1, "{}")],
        "rank": [(1, "{}")],
    },
}

_EN_ORDINAL = {1: "st", 2: "nd", 3: "rd"}


def decimals_for(scale: float, resolution: float | None, default: int) -> int:
    """Digits after the point that show ``resolution`` at ``scale``."""
    if not resolution or resolution <= 0:
        return default
    return max(0, round(math.log10(scale / resolution)))


def _number(x: float, decimals: int, lang: str, trim: bool) -> str:
    text = f"{x:,.{decimals}f}" if lang == "en" else f"{x:.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _scales(unit: str, lang: str) -> list[tuple[float, str]]:
    try:
        return SCALES[lang][unit]
    except KeyError as exc:
        raise ValueError(f"no {lang} format for unit '{unit}'") from exc


def scale_of(value: float, unit: str, lang: str) -> float:
    """The scale ``value`` is written in (1.63e12 CNY: 1e12, 万亿元 / trillion)."""
    scales = _scales(unit, lang)
    return next((s for s, _ in scales if abs(value) >= s), scales[-1][0])


def format_quantity(value: float, unit: str, lang: str, *, resolution: float | None = None,
                    qualifier: str = "exact", max_decimals: int = 2, scale: float | None = None) -> str:
    """Format ``value`` (in base units of ``unit``) for ``lang``.

    With a ``resolution`` the digits follow the source; without one the number
    is shown with at most ``max_decimals`` decimals, trailing zeros trimmed.
    ``scale`` (one of the unit's, e.g. 1e12) writes the number in that unit whatever its
    size (0.71万亿元), so that numbers printed together share one unit.
    """
    scales = _scales(unit, lang)
    if qualifier not in QUALIFIER_WORDS[lang]:
        raise ValueError(f"unknown qualifier '{qualifier}'")
    if scale is None:
        scale, template = next(((s, t) for s, t in scales if abs(value) >= s), scales[-1])
    else:
        template = dict(scales).get(scale)
        if template is None:
            raise ValueError(f"no {lang} scale {scale:g} for unit '{unit}'")
    if (lang == "zh" and unit == "count" and scale == 1e4 and template == "{}万"
            and not (resolution and resolution >= 1e4)):
        scale, template = scales[-1]  # counts are written out (46098件) unless known only to the 万
    if unit in ("ordinal", "rank") and lang == "en":
        n = int(round(value))
        suffix = "th" if 10 <= n % 100 <= 20 else _EN_ORDINAL.get(n % 10, "th")
        return QUALIFIER_WORDS[lang][qualifier] + f"{n}{suffix}"
    if resolution and resolution > scale:
        # Digits below the resolution are not known: drop them, rounding a
        # lower bound down and an upper bound up so the claim stays true.
        steps = value / resolution
        steps = (math.floor(steps) if qualifier == "over"
                 else math.ceil(steps) if qualifier in ("below", "up_to") else round(steps))
        value = steps * resolution
    decimals = decimals_for(scale, resolution, max_decimals)
    number = _number(value / scale, decimals, lang, trim=resolution is None)
    return QUALIFIER_WORDS[lang][qualifier] + template.format(number)


def shared_unit(values, unit: str, lang: str, *, digits: int = 3) -> tuple[float, float]:
    """(scale, resolution) that print ``values`` together: in the unit of the largest, to the
    resolution that shows the largest to ``digits`` significant digits (finer where the
    smallest non-zero value would otherwise print as 0)."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    largest = max(finite, default=0.0)
    if not largest:
        return _scales(unit, lang)[-1][0], 1.0
    resolution = 10.0 ** (math.floor(math.log10(largest)) - digits + 1)
    smallest = min(v for v in finite if v)
    resolution = min(resolution, 10.0 ** math.floor(math.log10(smallest)))
    return scale_of(largest, unit, lang), resolution


def format_together(values, unit: str, lang: str, *, digits: int = 3, own_digits: bool = False) -> list[str]:
    """Numbers printed side by side (a value and its interval's ends) in one unit and to one
    resolution: 7090亿元 and 1.63万亿元 → 0.71万亿元, 1.63万亿元. With ``own_digits`` each keeps
    ``digits`` significant digits of its own (two scenarios' ends: 0.709万亿元, 1.63万亿元)."""
    values = [float(v) for v in values]
    scale, resolution = shared_unit(values, unit, lang, digits=digits)
    if own_digits:
        return [format_quantity(v, unit, lang, scale=scale, resolution=shared_unit([v], unit, lang, digits=digits)[1])
                for v in values]
    return [format_quantity(v, unit, lang, resolution=resolution, scale=scale) for v in values]


RANGE_WORDS = {"zh": "至", "en": "–"}


def format_estimate(value: float | None, ranges, unit: str, lang: str, *,
                    digits: int = 3) -> tuple[str | None, list[str]]:
    """A value and its intervals ``ranges`` [(lo, hi), …], all in the unit of the largest
    number and to one resolution: (0.71万亿元, [0.31至1.63万亿元]) / (RMB 0.71 trillion,
    [RMB 0.31–1.63 trillion]). Every interval a caption or the text prints goes through
    here (or :func:`format_together`), so no value sits beside an interval in another unit."""
    ranges = [(float(lo), float(hi)) for lo, hi in ranges]
    numbers = ([] if value is None else [float(value)]) + [v for r in ranges for v in r]
    scale, resolution = shared_unit(numbers, unit, lang, digits=digits)
    template = dict(_scales(unit, lang))[scale]
    text = (None if value is None
            else format_quantity(float(value), unit, lang, resolution=resolution, scale=scale))
    decimals = decimals_for(scale, resolution, 0)

    def bare(v: float) -> str:
        if resolution > scale:
            v = round(v / resolution) * resolution
        return _number(v / scale, decimals, lang, trim=False)

    return text, [template.format(f"{bare(lo)}{RANGE_WORDS[lang]}{bare(hi)}") for lo, hi in ranges]


_QUARTER_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]


def format_period(period: str, lang: str) -> str:
    """ISO period (``2022``, ``2022Q3``, ``2023-06``, ``2021-08-20``, ``2004/2023``) → prose."""
    if "/" in period:
        start, end = period.split("/", 1)
        sep = "至" if lang == "zh" else "–"
        return format_period(start, lang) + sep + format_period(end, lang)
    if "Q" in period:
        year, q = period.split("Q")
        return f"{year}年第{_QUARTER_ZH[int(q)]}季度" if lang == "zh" else f"Q{q} {year}"
    if "H" in period:
        year, h = period.split("H")
        return (f"{year}年{'上' if h == '1' else '下'}半年" if lang == "zh"
                else f"{'first' if h == '1' else 'second'} half of {year}")
    parts = period.split("-")
    if len(parts) == 1:
        return f"{parts[0]}年" if lang == "zh" else parts[0]
    year, month = parts[0], int(parts[1])
    if len(parts) == 2:
        return f"{year}年{month}月" if lang == "zh" else f"{_MONTHS_EN[month - 1]} {year}"
    day = int(parts[2])
    return f"{year}年{month}月{day}日" if lang == "zh" else f"{day} {_MONTHS_EN[month - 1]} {year}"
