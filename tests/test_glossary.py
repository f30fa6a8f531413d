"""One name per entity: the glossary (data/raw/glossary.csv) is sound, and the English
edition's prose, tables and figures use its names and no other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import glossary
from analysis.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
HEADER = "term_id,kind,zh,en,en_short,en_variants,note\n"


def english_prose() -> str:
    """The English edition as typed: its abstract and its sections."""
    files = [ROOT / "paper/abstract-en.md"] + sorted((ROOT / "paper/sections/en").glob("*.qmd"))
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_the_glossary_loads_and_has_the_names_the_edition_needs():
    terms = glossary.load()
    assert terms["hezhong_yibao"].en == "Hezhong Yibao" and terms["hezhong_yibao"].zh == "合众易宝"
    assert "Hezhong Pay" in terms["hezhong_yibao"].en_variants
    assert glossary.name("pboc", "en", short=True) == "PBOC"
    assert glossary.name("pboc", "zh") == "中国人民银行"
    with pytest.raises(KeyError, match="glossary.csv"):
        glossary.name("no_such_term", "en")


@pytest.mark.parametrize(("rows", "message"), [
    ("a,organisation,合众易宝,Hezhong Yibao,,,\nb,organisation,合众支付,Hezhong Yibao,,,\n",
     "'Hezhong Yibao' is already the name of 'a'"),
    ("a,organisation,合众易宝,Hezhong Yibao,,,\nb,organisation,合众易宝,UIPay,,,\n", "already the name of 'a'"),
    ("a,organisation,合众易宝,合众 Yibao,,,\n", "must not contain Chinese"),
    ("a,organisation,Hezhong,Hezhong Yibao,,,\n", "has no Chinese characters"),
    ("a,organisation,合众易宝,Hezhong Yibao,,,\nb,product,抖音支付,Douyin Pay,,Hezhong Yibao,\n",
     "is listed as a variant not to use, but it is a term's English name"),
    ("a,company,合众易宝,Hezhong Yibao,,,\n", "kind must be one of"),
])
def test_a_second_name_for_an_entity_stops_the_build(tmp_path, rows, message):
    path = tmp_path / "glossary.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        glossary.load(path)


def test_english_gives_the_glossary_names():
    assert glossary.english("合众易宝 (Hezhong Yibao)") == "Hezhong Yibao"
    assert glossary.english("合众易宝 was founded") == "Hezhong Yibao was founded"
    assert glossary.english("An independent source for Hezhong Pay's complaint counts") == \
        "An independent source for Hezhong Yibao's complaint counts"
    assert glossary.by_chinese("快手2021年报").en == "Kuaishou's 2021 annual report"
    with pytest.raises(KeyError, match="add a row"):
        glossary.by_chinese("某某年报")


@pytest.mark.parametrize("term_id", sorted(glossary.terms()))
def test_the_english_edition_uses_one_name_per_entity(term_id):
    """No English variant of a glossary name (e.g. "Hezhong Pay" for Hezhong Yibao) in the
    English prose, nor in the code that writes its tables and figures."""
    term = glossary.terms()[term_id]
    code = "\n".join(p.read_text(encoding="utf-8") for p in
                     [ROOT / "analysis/paper_tables.py", *sorted((ROOT / "analysis/figures").glob("*.py"))])
    for variant in term.en_variants:
        pattern = rf"(?<![\w-]){re.escape(variant)}(?![\w-])"
        assert not re.search(pattern, english_prose()), (term_id, variant)
        assert not re.search(pattern, code), (term_id, variant)


LANG_SPAN = re.compile(r'\[([^\[\]]+)\]\{lang="zh-Hans"\}')


def test_chinese_in_the_english_prose_is_a_glossary_name_in_parentheses_once():
    """Chinese in the English edition is a name from the glossary, once, in parentheses after
    its English name and marked as Chinese ([合众易宝]{lang="zh-Hans"}); nothing else is Chinese."""
    text = english_prose()
    names = {t.zh: t for t in glossary.terms().values()}
    marked = LANG_SPAN.findall(text)
    assert marked, "no Chinese name is given at all"
    for zh in marked:
        assert zh in names, f"'{zh}' is not a glossary name"
        assert marked.count(zh) == 1, f"'{zh}' is given {marked.count(zh)} times"
        term = names[zh]
        assert re.search(rf"{re.escape(term.en)}[^(]{{0,80}}\(\[{re.escape(zh)}\]\{{lang=\"zh-Hans\"\}}\)", text), \
            f"'{zh}' does not stand in parentheses after '{term.en}'"
    rest = LANG_SPAN.sub("", text)
    assert glossary.chinese_runs(rest) == [], glossary.chinese_runs(rest)[:5]


def test_the_english_prose_check_can_fail():
    bare = LANG_SPAN.sub("", 'Hezhong Yibao ([合众易宝]{lang="zh-Hans"}) and 14.11 亿人')
    assert glossary.chinese_runs(bare) == ["亿人"]


def test_figures_and_tables_take_their_names_from_the_glossary():
    from analysis.figures import _common as common
    from analysis import paper_tables as pt

    for entity, zh in (("Kuaishou", "快手"), ("Alipay", "支付宝"), ("Tenpay", "财付通")):
        assert common.entity_name(entity, "zh") == zh and common.entity_name(entity, "en") == entity
    assert common.research_firm("iresearch2020x", "zh") == glossary.name("iresearch", "zh")
    assert pt.audit_text("合众易宝 (Hezhong Yibao)", "en") == "Hezhong Yibao"
    assert pt.audit_text("14.11 亿人", "en") == "1.411 billion"
    assert pt.audit_text("6 亿人 (2020-08)", "en") == "600 million (2020-08)"
    assert pt.audit_text("on or before the stated date (截至)", "en") == "on or before the stated date"
    with pytest.raises(ValueError, match="no English"):
        pt.audit_text("同比 11.0%", "en")
