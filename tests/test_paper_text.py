"""The prose types no number about data, and both languages carry the same
values, figures, tables, sections and citations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.render.markdown import expand_includes, partition_front_matter

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "paper"
SHORTCODE = re.compile(r"\{\{<\s*(\w+)\s+([^>]*?)\s*>\}\}")

# What may contain digits without being a number about data: names, a bare
# year (a four-digit 19xx/20xx standing alone, as in "自2016年起"), and
# numbers that measure nothing, written as the language writes them
# (7×24小时, "round the clock").
ALLOWED_WORDS = re.compile(r"(?<![A-Za-z0-9.])(5G|P2P|36Kr|36氪|GB/T\s*7714|7×24(?=小时)|(19|20)\d\d)(?![A-Za-z0-9.%])")
STRIP = [
    re.compile(r"<!--.*?-->", re.S),                 # comments
    re.compile(r"\{\{<.*?>\}\}", re.S),               # shortcodes (var, include)
    re.compile(r"\{[#.][^}]*\}"),                      # attributes {#fig-x fig-alt="…"} {.unnumbered}
    re.compile(r"\]\([^)]*\)"),                       # link and image targets
    re.compile(r"@[\w:.#$%&\-+?<>~/]+"),              # citations and cross-references
]


def expanded(path: Path) -> str:
    """A file with its {{< include >}} files spliced in, as Quarto does
    (relative to the main document's folder, paper/). Generated tables and
    figures come in through {{< tbl >}} and {{< fig >}}: pipeline output,
    not prose."""
    return expand_includes(path, PAPER, main_dir=PAPER).text


def split_front_matter(text: str) -> tuple[dict, str]:
    front, n_lines = partition_front_matter(text, PAPER / "paper.qmd")
    return front, "\n".join(text.split("\n")[n_lines:])


def body(lang: str) -> str:
    """The main document's body (its sections come from the workflow's list of
    sections/<lang>/*.qmd, read here straight from the folder)."""
    main = split_front_matter(expanded_main(lang))[1]
    sections = sorted((PAPER / "sections" / lang).glob("*.qmd"), key=lambda p: p.name)
    return main + "\n".join(expanded(p) for p in sections)


def expanded_main(lang: str) -> str:
    """paper-<lang>.qmd without its generated include of the section list."""
    text = (PAPER / f"paper-{lang}.qmd").read_text(encoding="utf-8")
    return re.sub(r"\{\{<\s*include\s+_generated/sections\.\w+\.qmd\s*>\}\}", "", text)


def prose_digits(text: str) -> list[str]:
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    text = ALLOWED_WORDS.sub(" ", text)
    return [line.strip() for line in text.splitlines() if re.search(r"\d", line)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_typed_numbers(lang):
    """Any digit left in the prose is a number typed by hand: it must come from the data."""
    offenders = prose_digits(body(lang))
    assert offenders == [], "\n".join(offenders[:20])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_typed_numbers_in_front_matter(lang):
    front, _ = split_front_matter(expanded_main(lang))
    for key in ("title", "subtitle", "abstract", "date", "author"):
        assert not prose_digits(str(front.get(key, ""))), key


def test_numeral_scan_catches_a_typed_number():
    assert prose_digits("抖音日活跃用户已达6亿人。") != []
    assert prose_digits("见 @fig-gmv-2024 与 {{< var zh.cite.x >}} [@kuaishou2021annualreport]。") == []
    assert prose_digits("随着5G技术普及") == [] and prose_digits("36氪的估计（36Kr）") == []
    assert prose_digits("自2016年起") == [] and prose_digits("通过7×24小时不间断的客服") == []
    assert prose_digits("每周168小时") != [] and prose_digits("7×24个") != []
    assert prose_digits("2021年1月中旬") != [] and prose_digits("置信区间为95%") != []


def inventory(lang: str) -> dict[str, set[str]]:
    text = body(lang) + str(split_front_matter(expanded_main(lang))[0])
    no_shortcodes = SHORTCODE.sub(" ", text)
    return {
        "values": {m.group(2) for m in SHORTCODE.finditer(text) if m.group(1) == "value"}
        | {m.group(2).split(".", 1)[1] for m in SHORTCODE.finditer(text) if m.group(1) == "var"},
        "figures": {"fig-" + m.group(2).replace("_", "-") for m in SHORTCODE.finditer(text)
                    if m.group(1) == "fig"},
        "tables": {m.group(2) for m in SHORTCODE.finditer(text) if m.group(1) == "tbl"},
        "sections": set(re.findall(r"\{#(sec-[\w-]+)", text)),
        "references": set(re.findall(r"(?<![\w@])@((?:fig|tbl|sec)-[\w-]+)", no_shortcodes)),
        "citations": set(re.findall(r"(?<![\w@])@([A-Za-z_][\w:.#$%&+?<>~/-]*\w)", no_shortcodes))
        - set(re.findall(r"(?<![\w@])@((?:fig|tbl|sec)-[\w-]+)", no_shortcodes)),
    }


@pytest.mark.parametrize("kind", ["values", "figures", "tables", "sections", "references", "citations"])
def test_languages_are_in_parity(kind):
    zh, en = inventory("zh")[kind], inventory("en")[kind]
    assert zh == en, f"only zh: {sorted(zh - en)}; only en: {sorted(en - zh)}"


@pytest.mark.e2e
def test_values_are_declared(builds):
    """Every {{< value key >}} the prose prints is a key the registry writes
    (analysis/values.py), or the strict build would stop on it."""
    import yaml

    declared = yaml.safe_load((builds["a"] / "paper/_variables.yml").read_text(encoding="utf-8"))

    def has(key, node):
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return isinstance(node, str)

    for lang in ("zh", "en"):
        missing = sorted(k for k in inventory(lang)["values"] if not has(k, declared[lang]))
        assert missing == [], missing


def test_every_value_key_uses_its_own_language():
    for lang, other in (("zh", "en"), ("en", "zh")):
        text = expanded_main(lang) + body(lang)
        assert not re.search(rf"\{{\{{<\s*var\s+{other}\.", text), f"{lang} uses {other} values"


def generated_table_labels() -> set[str]:
    """The {#tbl-…} labels the table generator writes."""
    source = (ROOT / "analysis/paper_tables.py").read_text(encoding="utf-8")
    return set(re.findall(r'"(tbl-[\w-]+)"', source))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_and_table_is_referenced(lang):
    inv = inventory(lang)
    labels = generated_table_labels()
    assert len(labels) >= 4 and inv["figures"]
    assert inv["figures"] | labels <= inv["references"], sorted((inv["figures"] | labels) - inv["references"])
    assert inv["tables"] >= {"cited_statistics", "audit", "models", "data_sources"}


ZH_PREFIX = {"fig": ("图", ""), "tbl": ("表", ""), "sec": ("第", "节")}


def zh_reference_problems(text: str) -> list[str]:
    """Cross-references in Chinese prose not set as Chinese sets them: 见图[-@fig-x]
    (见图2), 表[-@tbl-x], 第[-@sec-x]节 (第2.4节), with no space on either side."""
    problems = [m.group(0) for m in re.finditer(r"(?<!\[-)@(?:fig|tbl|sec)-[\w-]+", text)]
    for m in re.finditer(r"(.)\[-@(fig|tbl|sec)-[\w-]+\](.?)", text):
        before, after = ZH_PREFIX[m.group(2)]
        if m.group(1) != before or (after and m.group(3) != after):
            problems.append(m.group(0))
    return problems


def test_chinese_cross_references_are_set_without_spaces():
    assert zh_reference_problems(body("zh")) == []


def test_the_chinese_reference_check_can_fail():
    assert zh_reference_problems("见图[-@fig-a]，第[-@sec-b]节所述，附录表[-@tbl-c]。") == []
    assert zh_reference_problems("见 @fig-a。") == ["@fig-a"]
    assert zh_reference_problems("第 [-@sec-b] 节") == [" [-@sec-b] "]


# Numbers the original paper writes as words or idioms, not as data: restored as it wrote them.
PROSE_NUMBERS = {
    "zh": ["第十三届全国人大常委会第三十次会议", "7×24小时", "都以亿为单位计算", "多达八部"],
    "en": ["Standing Committee of the Thirteenth National People's Congress", "at its thirtieth session",
           "round-the-clock", "counted in the hundreds of millions", "as many as eight"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_numbers_that_measure_nothing_are_words(lang):
    text = re.sub(r"\s+", " ", body(lang))
    for words in PROSE_NUMBERS[lang]:
        assert words in text, words
    for wrong in ("168 hours", "每周168", "up to 8 ", "第13届", "over 100 million active users"):
        assert wrong not in text


def test_no_value_prints_a_number_that_measures_nothing():
    """The seed's ordinals and idioms have no row of cited_statistics.csv, so no value prints them."""
    raw = (ROOT / "data/raw/cited_statistics.csv").read_text(encoding="utf-8")
    for quote in ("7x24", "以亿为单位", "多达八部", "第十三届"):
        assert quote not in raw, quote


def test_the_statistics_table_numbers_sections_as_this_edition_does():
    """Table 1 gives each statistic's section in this edition's numbering (a cross-reference
    to the section the original paper's section became), not the original paper's numbers."""
    import csv

    from analysis.paper_tables import SEED_SECTIONS, edition_section

    for lang in ("zh", "en"):
        assert set(SEED_SECTIONS.values()) <= inventory(lang)["sections"], lang
    for name in ("cited_statistics.csv", "derived_statistics.csv"):
        with open(ROOT / "data/raw" / name, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if "section" in row:
                    assert edition_section(row["section"], "en"), row["stat_id"]
    assert edition_section("2.1.4", "en") == "[-@sec-cost]"  # the original's 2.1.4 is this edition's 3.1.4
    assert edition_section("abstract", "zh") == "摘要"
    with pytest.raises(KeyError, match="SEED_SECTIONS"):
        edition_section("9.9", "en")
