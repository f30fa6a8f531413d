"""Read what a verbatim quote prints, so that a row's typed fields can be
checked against its own quote.

Every raw row that states a number keeps the sentence it was read from
(``quote_zh`` of ``cited_statistics.csv``, ``source_quote`` of
``public_series.csv`` and ``reference_facts.csv``). This module reads the
quote with the same cleaning code that reads the typed cells (``analysis.units``:
numbers, units, qualifiers, periods) and reports a row whose typed value, unit
or qualifier is not what its quote prints. A typo (``亿元`` for ``万亿元``, 8
for 88, a dropped ``超过``) then stops the build instead of being printed.

Quotes come in simplified and traditional Chinese, Japanese and English, so a
quote is normalised before it is read: full-width characters become ASCII
(NFKC), the traditional forms of the unit and qualifier characters become
simplified, thousands separators go, and Japanese ``兆`` (10¹²) is written out.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import units
from analysis.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# Traditional forms of the characters units and qualifiers are made of.
_TRADITIONAL = str.maketrans({"億": "亿", "萬": "万", "達": "达", "為": "为", "約": "约", "過": "过",
                              "幣": "币", "兩": "两", "於": "于", "內": "内", "餘": "余", "屆": "届",
                              "個": "个", "點": "点", "圓": "元"})

# Magnitude words without a unit of their own: "6.88亿" (persons, in context),
# "59.8万亿", "600 million". They scale a number but say nothing of its unit.
SCALES: dict[str, float] = {"万": 1e4, "亿": 1e8, "十亿": 1e9, "百万": 1e6, "千万": 1e7, "万亿": 1e12,
                            "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Currency words before a number: "RMB 10 billion", "人民币9,012亿元", "¥15.52 trillion".
CURRENCY_BEFORE: dict[str, str] = {"RMB": "CNY", "人民币": "CNY", "¥": "CNY", "CNY": "CNY",
                                   "US$": "USD", "USD": "USD", "$": "USD"}
# A currency word after an English scale: "381.2 billion yuan".
CURRENCY_AFTER: dict[str, str] = {"yuan": "CNY", "renminbi": "CNY", "dollars": "USD",
                                  "US dollars": "USD"}
# Qualifier words a quote may print besides those typed in the tables
# (units.QUALIFIERS): the short Chinese forms and the English ones.
QUOTE_QUALIFIERS: dict[str, str] = {
    "近": "nearly", "逾": "over", "approximately": "about", "around": "about", "about": "about",
    "roughly": "about", "some": "about", "more than": "over", "over": "over", "nearly": "nearly",
    "almost": "nearly", "up to": "up_to", "less than": "below", "under": "below", "below": "below",
}
# Qualifiers printed after the number ("500元以内", "16亿多元"); the rest come before it.
AFTER_NUMBER = ("以上", "以内", "多", "余")
# Words that end like a qualifier but are none: "通过7x24小时" (by means of).
NOT_QUALIFIERS = ("通过", "经过", "不过")
# Words that state a number in letters: "未发生…风险事件" (none occurred).
ZERO_WORDS = ("未发生",)

_ARABIC = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:[x×]\d+)?", re.ASCII)
_CHINESE = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
_ENGLISH_SCALE = re.compile(r"\s*(thousand|million|billion|trillion)\b(?:\s+(\d+(?:\.\d+)?)\s*"
                            r"(thousand|million)\b)?", re.ASCII)


@dataclass(frozen=True)
class Reading:
    """A number as a quote prints it, with the unit and qualifier around it."""

    text: str                # the words read, e.g. '1.41万亿元', 'RMB 10 billion'
    value: float             # the number as printed (before its unit)
    unit: str | None         # the unit or scale word printed after it, if any
    factor: float            # value × factor is the amount in base units (1 if no unit)
    unit_std: str | None     # the standard unit, when the quote prints one (not for 亿, billion)
    qualifier: str           # standard qualifier: exact if none is printed
    qualifier_text: str      # the qualifier as printed ('' if none)

    @property
    def amount(self) -> float:
        return self.value * self.factor

    def describe(self) -> str:
        std = f" {self.unit_std}" if self.unit_std else ""
        scaled = f" (= {_g(self.amount)}{std})" if self.factor != 1 else ""
        qualifier = f", qualifier {self.qualifier}" if self.qualifier != "exact" else ""
        return f"'{self.text}'{scaled}{qualifier}"


def _g(x: float) -> str:
    return f"{x:.6g}"


def normalise(text: str) -> str:
    """A quote in the form the readers below expect (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 11,844 → 11844
    # Japanese 3兆8773億 (3 × 10¹² + 8773 × 10⁸) → 38773亿; a bare 兆 is 万亿.
    text = re.sub(r"(\d+)兆(\d{1,4})亿", lambda m: f"{int(m[1]) * 10000 + int(m[2])}亿", text)
    return re.sub(r"(\d)兆", r"\1万亿", text)


def _longest(text: str, pos: int, words) -> str | None:
    hits = [w for w in words if text.startswith(w, pos)]
    return max(hits, key=len) if hits else None


def _unit_after(text: str, pos: int) -> tuple[str | None, float, str | None, int]:
    """The unit printed at ``pos`` (after optional spaces): (word, factor, unit_std, end)."""
    start = pos + len(text[pos:]) - len(text[pos:].lstrip(" "))
    word = _longest(text, start, list(units.UNITS) + [s for s in SCALES if not s.isascii()])
    if word is None:
        return None, 1.0, None, pos
    if word in SCALES:  # 亿, 万, 万亿: a magnitude, not a unit
        return word, SCALES[word], None, start + len(word)
    factor, std = units.UNITS[word]
    return word, factor, std, start + len(word)


def _english_scale(text: str, pos: int) -> tuple[str | None, float, float, str | None, int]:
    """'billion yuan', 'billion 80 million yuan' after a number: (word, factor, extra, std, end)."""
    m = _ENGLISH_SCALE.match(text, pos)
    if not m:
        return None, 1.0, 0.0, None, pos
    factor = SCALES[m[1]]
    extra = float(m[2]) * SCALES[m[3]] if m[2] else 0.0  # "81 billion 80 million yuan"
    end = m.end()
    std = None
    after = re.match(r"\s+(" + "|".join(map(re.escape, CURRENCY_AFTER)) + r")\b", text[end:])
    if after:
        std = CURRENCY_AFTER[after[1]]
        end += after.end()
    return m[1], factor, extra, std, end


def _currency_before(text: str, start: int) -> tuple[str | None, int]:
    """The currency word right before ``start`` (spaces allowed): (unit_std, its start)."""
    before = text[:start].rstrip(" ")
    for word in sorted(CURRENCY_BEFORE, key=len, reverse=True):
        if before.endswith(word):
            return CURRENCY_BEFORE[word], len(before) - len(word)
    return None, start


def _qualifier(text: str, start: int, end: int, number: str) -> tuple[str, str]:
    """The qualifier around the number at ``start:end``: (standard, as printed)."""
    # one that contains the number itself: 以亿为单位计算
    for word, std in units.QUALIFIERS.items():
        if word and number in word:
            at = text.find(word, max(0, start - len(word)))
            if at != -1 and at <= start and end <= at + len(word):
                return std, word
    after = _longest(text, end, AFTER_NUMBER)
    if after:
        return units.QUALIFIERS[after], after
    before = text[:start].rstrip(" ")
    before = before[:-1] if before.endswith("了") else before  # 达到了, 多了
    if any(before.endswith(w) for w in NOT_QUALIFIERS):
        return "exact", ""
    words = {w: s for w, s in {**units.QUALIFIERS, **QUOTE_QUALIFIERS}.items()
             if w and w not in AFTER_NUMBER}
    # English words in any case: a sentence may begin with its qualifier ("Approximately 77.5 percent")
    lower = before.lower()
    hits = [w for w in words if (lower.endswith(w) if w.isascii() else before.endswith(w))
            and (not w.isascii() or not before[:-len(w)] or not before[-len(w) - 1].isalpha())]
    if not hits:
        return "exact", ""
    word = max(hits, key=len)
    return words[word], word


RANGE_WORDS = {"to", "至", "到", "-", "–", "—", "~", "～", "and"}


def readings(quote: str) -> list[Reading]:
    """Every number the quote prints, left to right, with its unit and qualifier."""
    text = normalise(quote)
    out: list[Reading] = []
    pos = 0
    prev_end = None
    while pos < len(text):
        zero = _longest(text, pos, ZERO_WORDS)
        m_ar = _ARABIC.match(text, pos)
        m_zh = None if m_ar else _CHINESE.match(text, pos)
        if zero:
            out.append(Reading(zero, 0.0, None, 1.0, None, "exact", ""))
            pos += len(zero)
            continue
        if not (m_ar or m_zh):
            pos += 1
            continue
        m = m_ar or m_zh
        number = m.group(0)
        try:
            value = units.parse_number(number).value
        except ValueError:  # a run such as 万万 is no numeral
            pos = m.end()
            continue
        start, end = m.start(), m.end()
        currency, text_start = _currency_before(text, start)
        word, factor, std, unit_end = _unit_after(text, end)
        extra = 0.0
        if m_ar and word is None:
            word, factor, extra, std, unit_end = _english_scale(text, end)
            std = std or (currency if word else None)
        elif std is None and currency and word in SCALES:
            std = currency  # 人民币9012亿 → CNY
        value += extra / factor if extra else 0.0
        qualifier, printed = _qualifier(text, text_start, unit_end if word else end, number)
        # the second end of a range ("approximately 170 to 180 billion", "约170至180亿")
        # carries the range's qualifier
        if (out and qualifier == "exact" and prev_end is not None
                and text[prev_end:text_start].strip().lower() in RANGE_WORDS):
            qualifier, printed = out[-1].qualifier, out[-1].qualifier_text
        out.append(Reading(text[text_start:unit_end if word else end].strip(), value, word,
                           factor, std, qualifier, printed))
        pos = unit_end if word else end
        prev_end = pos
    return out


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def value_problem(quote: str, value_printed: str, unit_printed: str,
                  qualifier_printed: str | None = None) -> tuple[str, str] | None:
    """Why the typed value, unit (and qualifier) disagree with the quote: ``(field, message)``
    where field is ``value``, ``unit`` or ``qualifier``, and the message gives both
    readings; ``None`` when the quote prints them (``qualifier_printed=None``: not checked).

    The typed amount (value × unit) must be one the quote prints, in the same
    standard unit when the quote names one; where the quote prints no unit or
    only a magnitude (亿, billion), the number or the amount must agree.
    """
    number = units.parse_number(value_printed).value
    factor, unit_std = units.parse_unit(unit_printed)
    typed_amount = number * factor
    found = readings(quote)

    def same_amount(r: Reading) -> bool:
        if r.unit is None:
            return _close(r.value, number) or _close(r.value, typed_amount)
        return _close(r.amount, typed_amount) and r.unit_std in (None, unit_std)

    matches = [r for r in found if same_amount(r)]
    if not matches:
        same_number = [r for r in found if _close(r.value, number)]
        listed = "; ".join(r.describe() for r in (same_number or found)) or "no number"
        typed = f"{value_printed} {unit_printed} (= {_g(typed_amount)} {unit_std})"
        return ("unit" if any(r.unit for r in same_number) else "value",
                f"the typed value reads {typed}, but the quote {quote!r} prints {listed}. "
                "Copy the value and unit as the quote prints them")
    if qualifier_printed is None:
        return None
    qualifier = units.parse_qualifier(qualifier_printed)
    if any(r.qualifier == qualifier for r in matches):
        return None
    r = matches[0]
    said = f"'{r.qualifier_text}' ({r.qualifier})" if r.qualifier_text else "no qualifier (exact)"
    return "qualifier", (
        f"the typed qualifier is '{qualifier_printed}' ({qualifier}), but the quote {quote!r} prints "
        f"{said} with '{r.text}'. Copy the qualifier as the quote prints it")


def check_values(df: "pd.DataFrame", path: str | Path, *, quote: str, value: str, unit: str,
                 qualifier: str | None = None) -> None:
    """Every row's typed ``value``/``unit`` (and ``qualifier``) must be what its ``quote``
    prints. Rows without a value are skipped. The first disagreement is raised as an
    ``InputError`` (file, row, column, both readings); the others are listed."""
    columns = {"value": value, "unit": unit, "qualifier": qualifier}
    problems = []
    for row, rec in df.iterrows():
        if not rec[value]:
            continue
        problem = value_problem(rec[quote], rec[value], rec[unit],
                                rec[qualifier] if qualifier else None)
        if problem:
            problems.append((int(row), columns[problem[0]], problem[1]))
    if problems:
        row, column, message = problems[0]
        others = [f"row {r}, column '{c}'" for r, c, _ in problems[1:]]
        if others:
            message += ". Also disagreeing with their quotes: " + "; ".join(others)
        raise InputError(path, message, row=row, column=column)


def periods(quote: str) -> list[str]:
    """The ISO periods a Chinese quote states, left to right (``2018年、2019年`` → 2018, 2019)."""
    return units.zh_periods(normalise(quote))
