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

# What may contain digits without being a number about data: names, and a
# bare year (a four-digit 19xx/20xx standing alone, as in "自2016年起").
ALLOWED_WORDS = re.compile(r"(?<![A-Za-z0-9.])(5G|P2P|36Kr|36氪|GB/T\s*7714|(19|20)\d\d)(?![A-Za-z0-9.%])")
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
    assert prose_digits("自2016年起") == []
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
