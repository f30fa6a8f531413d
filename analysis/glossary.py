"""One name per entity in each language: ``data/raw/glossary.csv``.

The figures (:mod:`analysis.figures._common`), the tables
(:mod:`analysis.paper_tables`) and the checks of the English prose read their
names of companies, regulators, products, campaigns and the documents the
original paper names from this one file. Each row has the Chinese name, the
one English name this edition uses (``en``; ``en_short`` an abbreviation such
as PBOC, where the text uses one), and English spellings found elsewhere that
this edition does not use (``en_variants``, e.g. "Hezhong Pay"): tests fail
if any of them reaches the English edition.

Chinese names in the English edition stand in parentheses, once, after the
English name (``Hezhong Yibao ([合众易宝]{lang="zh-Hans"})``); anything else
Chinese in English text is a translation still to be made (:func:`english`,
:func:`chinese_runs`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import InputError

PATH = Path(__file__).resolve().parents[1] / "data" / "raw" / "glossary.csv"
COLUMNS = ["term_id", "kind", "zh", "en", "en_short", "en_variants", "note"]
KINDS = ("organisation", "product", "person", "campaign", "document", "term")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Term:
    term_id: str
    kind: str
    zh: str
    en: str
    en_short: str
    en_variants: tuple[str, ...]
    note: str

    def name(self, lang: str, short: bool = False) -> str:
        if lang == "zh":
            return self.zh
        return self.en_short if short and self.en_short else self.en


def load(path: str | Path = PATH) -> dict[str, Term]:
    """The glossary, checked: unique ids and names, a Chinese name with Chinese
    characters, English names without them, variants that are no one's name."""
    from analysis.tables import read_csv

    df = read_csv(path, COLUMNS)
    terms: dict[str, Term] = {}
    seen: dict[tuple[str, str], str] = {}
    for row, rec in df.iterrows():
        def fail(column: str, message: str) -> None:
            raise InputError(path, message, row=int(row), column=column)

        if not ID.match(rec["term_id"]):
            fail("term_id", f"term_id must be snake_case ASCII (found {rec['term_id']!r})")
        if rec["term_id"] in terms:
            fail("term_id", f"term_id '{rec['term_id']}' is already defined")
        if rec["kind"] not in KINDS:
            fail("kind", f"kind must be one of {', '.join(KINDS)} (found {rec['kind']!r})")
        if not CJK.search(rec["zh"]):
            fail("zh", f"the Chinese name has no Chinese characters (found {rec['zh']!r})")
        for column in ("en", "en_short", "en_variants"):
            if CJK.search(rec[column]):
                fail(column, f"English names must not contain Chinese characters (found {rec[column]!r})")
        if not rec["en"]:
            fail("en", "every term needs its English name")
        variants = tuple(v.strip() for v in rec["en_variants"].split(";") if v.strip())
        for column, name in [("zh", rec["zh"]), ("en", rec["en"])] + (
                [("en_short", rec["en_short"])] if rec["en_short"] else []):
            key = ("zh" if column == "zh" else "en", name)
            if key in seen:
                fail(column, f"'{name}' is already the name of '{seen[key]}': one name, one entity")
            seen[key] = rec["term_id"]
        terms[rec["term_id"]] = Term(rec["term_id"], rec["kind"], rec["zh"], rec["en"], rec["en_short"],
                                     variants, rec["note"])
    names = {t.en for t in terms.values()} | {t.en_short for t in terms.values() if t.en_short}
    for row, term in enumerate(terms.values(), start=1):
        clash = [v for v in term.en_variants if v in names]
        if clash:
            raise InputError(path, f"'{clash[0]}' is listed as a variant not to use, but it is a "
                                   "term's English name", row=row, column="en_variants")
    return terms


@functools.cache
def terms() -> dict[str, Term]:
    """The glossary of this repository (read once per process)."""
    return load(PATH)


def name(term_id: str, lang: str, short: bool = False) -> str:
    """A term's name in ``lang`` (``short``: its abbreviation, where it has one)."""
    try:
        return terms()[term_id].name(lang, short)
    except KeyError:
        raise KeyError(f"'{term_id}' is not in {PATH.name} (data/raw/glossary.csv)") from None


def by_chinese(zh: str) -> Term:
    """The term whose Chinese name is ``zh`` (a KeyError names the file to extend)."""
    for term in terms().values():
        if term.zh == zh:
            return term
    raise KeyError(f"'{zh}' has no English name in data/raw/glossary.csv: add a row for it")


def english(text: str) -> str:
    """``text`` (English, from the data) with every Chinese name of the glossary
    replaced by its English name: "合众易宝 (Hezhong Yibao)" and "合众易宝" both
    become "Hezhong Yibao"; English variants become the glossary's name."""
    for term in sorted(terms().values(), key=lambda t: len(t.zh), reverse=True):
        text = re.sub(re.escape(term.zh) + r"\s*\(" + re.escape(term.en) + r"\)", term.en, text)
        text = text.replace(term.zh, term.en)
        for variant in term.en_variants:
            text = re.sub(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", term.en, text)
    return text


def chinese_runs(text: str) -> list[str]:
    """The runs of Chinese characters in ``text`` (full-width punctuation included)."""
    return re.findall(CJK.pattern + "+", text)
