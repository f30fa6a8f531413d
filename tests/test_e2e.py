"""End to end: build the whole workflow in two clean copies of the repository,
at different paths, with the network cut off, and check what a reader gets."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import _snakemake

pytestmark = pytest.mark.e2e

OUTPUTS = [f"paper/_output/paper-{lang}.{ext}" for lang in ("zh", "en") for ext in ("html", "pdf")]


def _generated(repo: Path) -> list[str]:
    files = []
    for top in ("data/processed", "figures", "paper/_output"):
        files += [str(p.relative_to(repo)) for p in (repo / top).rglob("*") if p.is_file()]
    files.append("paper/_variables.yml")
    return sorted(f for f in files if not f.endswith("README.md"))


def test_builds_without_network(builds):
    if not builds["offline"]:
        pytest.skip("unshare -rn is not available here: the build could not be cut off from the network")
    assert builds["offline"]


def test_four_documents(builds):
    for rel in OUTPUTS:
        path = builds["a"] / rel
        assert path.is_file() and path.stat().st_size > 10_000, rel


def test_two_builds_are_byte_identical(builds):
    files_a, files_b = _generated(builds["a"]), _generated(builds["b"])
    assert files_a == files_b
    assert set(OUTPUTS) <= set(files_a)
    different = [f for f in files_a if not filecmp.cmp(builds["a"] / f, builds["b"] / f, shallow=False)]
    assert different == []


def test_no_absolute_paths_in_outputs(builds):
    for rel in _generated(builds["a"]):
        data = (builds["a"] / rel).read_bytes()
        assert str(builds["a"]).encode() not in data, rel
        assert b"/tmp/" not in data, rel


def _variables(repo: Path) -> dict:
    return yaml.safe_load((repo / "paper/_variables.yml").read_text(encoding="utf-8"))


def test_zh_pdf_text_and_fonts(builds):
    from pypdf import PdfReader

    reader = PdfReader(builds["a"] / "paper/_output/paper-zh.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    compact = re.sub(r"\s+", "", text)
    assert "抖音支付整合营销分析" in compact  # title
    assert "摘要" in compact and "研究背景" in compact  # body
    values = _variables(builds["a"])["zh"]
    assert values["model"]["ks_annual"]["total"] in compact
    fonts, embedded = set(), set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            fonts.add(name)
            for desc in font.get("/DescendantFonts", []):
                fd = desc.get_object()["/FontDescriptor"].get_object()
                if any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(name)
    cjk = {f for f in fonts if "CJK" in f}
    assert cjk, fonts
    assert cjk <= embedded, f"not embedded: {cjk - embedded}"
    assert all("SC" in f or "sc" in f for f in cjk), cjk


@pytest.mark.parametrize("lang,word", [("zh", "图"), ("en", "Figure")])
def test_html_numbered_crossrefs_and_values(builds, lang, word):
    html = (builds["a"] / f"paper/_output/paper-{lang}.html").read_text(encoding="utf-8")
    # the reference in the text links to the figure and carries its number; Chinese sets it
    # 见图1 (the word typed before the reference, no space), English "Figure 1" (Quarto's prefix)
    link = (rf'图<a href="#fig-douyin-pay-timeline"[^>]*>1</a>' if lang == "zh"
            else rf'<a href="#fig-douyin-pay-timeline"[^>]*>{word}(\xa0|&nbsp;)1</a>')
    assert re.search(link, html)
    assert re.search(rf"<figcaption[^>]*>\s*{word}(\xa0|&nbsp;)1[:：]", html)  # Quarto's figure markup
    values = _variables(builds["a"])[lang]
    flat = re.sub(r"[ \t\r\n]+", " ", html)  # pandoc wraps long lines (NBSP kept)
    assert values["model"]["ks_annual"]["total"] in flat
    assert values["cite"]["douyin_ecommerce_gmv_cny_last_year_bare"] in flat
    # figures are SVG, embedded, with their alt text
    assert "data:image/svg+xml" in html
    texts = yaml.safe_load((builds["a"] / "figures/market_context_retail.text.yml").read_text(encoding="utf-8"))
    assert f'alt="{texts[lang]["alt"]}"' in flat
    # a link to the other language, a table of contents, a bibliography
    other = "en" if lang == "zh" else "zh"
    assert f'href="paper-{other}.html"' in html
    assert 'id="TOC"' in html and 'class="csl-entry"' in html


def test_second_run_has_nothing_to_do(builds):
    proc = _snakemake(builds["a"], "--dry-run")
    assert proc.returncode == 0
    assert "Nothing to be done" in proc.stdout + proc.stderr


def _planned_jobs(repo: Path) -> set[str]:
    proc = _snakemake(repo, "--dry-run", quiet=False)  # --quiet would hide the job list
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    jobs = set()
    for m in re.finditer(r"^(?:local)?rule (\w+):\n((?:    .*\n)*)", out, flags=re.M):
        wc = re.search(r"wildcards: (.*)", m.group(2))
        jobs.add(m.group(1) + (f"[{wc.group(1)}]" if wc else ""))
    return jobs


def test_incremental_rebuilds(builds, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(builds["a"], repo, symlinks=True)
    # one language's prose: only that language's documents
    section = next(sorted((repo / "paper/sections/zh").glob("*.qmd")).__iter__())
    section.write_text(section.read_text(encoding="utf-8") + "\n新增一句。\n", encoding="utf-8")
    assert _planned_jobs(repo) == {"paper[lang=zh, ext=html]", "paper[lang=zh, ext=pdf]", "all"}
    # a raw data file: its processing step and what depends on it, not the models
    _snakemake(repo)
    raw = repo / "data/raw/timeline_events.csv"
    text = raw.read_text(encoding="utf-8")
    edited = text.replace(",抖音支付在抖音APP内上线,Douyin Pay", ",抖音支付在抖音APP内正式上线,Douyin Pay", 1)
    assert edited != text
    raw.write_text(edited, encoding="utf-8")
    planned = _planned_jobs(repo)
    assert {"timeline", "figure[figure=douyin_pay_timeline]", "paper_variables"} <= planned
    untouched = ("cited_statistics", "public_series", "reference_facts", "gmv_models", "payment_fees")
    assert not any(job.split("[")[0] in untouched for job in planned), planned
    assert [job for job in planned if job.startswith("figure[")] == ["figure[figure=douyin_pay_timeline]"]
    # one figure's module: that figure only
    _snakemake(repo)
    module = repo / "analysis/figures/payment_fees.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    planned = _planned_jobs(repo)
    assert [job for job in planned if job.startswith("figure[")] == ["figure[figure=payment_fees]"], planned
    assert not any(job.split("[")[0] in untouched + ("timeline",) for job in planned), planned


def _pdf_fonts(path: Path) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_english_pdf_sets_latin_text_in_a_latin_font(builds):
    fonts = _pdf_fonts(builds["a"] / "paper/_output/paper-en.pdf")
    assert any("Libertinus" in f for f in fonts), fonts     # body text
    assert any("CJKsc" in f for f in fonts), fonts          # Chinese names and sources


def test_snakemake_report_carries_figure_captions(builds, tmp_path):
    report = tmp_path / "report.html"
    proc = _snakemake(builds["a"], "--report", str(report))
    assert proc.returncode == 0, proc.stderr[-3000:]
    html = report.read_text(encoding="utf-8")
    flat = " ".join(html.replace("\\n", " ").split())  # captions sit in JSON strings
    from analysis import figures

    for name in figures.names():
        # each figure's caption is its module's docstring; the report stores captions as
        # escaped HTML in JSON: compare a plain run of words
        words = " ".join(figures.declaration(name)["doc"].split())
        plain = max(re.findall(r"[A-Za-z][A-Za-z ,]{15,}", words), key=len)[:40]
        assert plain in flat, name
        assert f"analysis/figures/{name}.py" in flat


def test_rendered_paper_matches_its_snapshot(builds):
    """The paper as the vendored Quarto pieces render it: each PDF's text and
    page count, each HTML's figure, table and section numbers. After an
    intended change to the prose or the data, refresh with
    ``python -m analysis.render.snapshot paper/_output --write tests/snapshots``;
    with Quarto installed, ``--check`` compares ``quarto render``'s output."""
    from analysis.render.snapshot import compare

    problems = compare(builds["a"] / "paper/_output", Path(__file__).parent / "snapshots")
    assert not problems, "\n\n".join(problems)


def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def _body_before_references(pages: list[str], heading: str) -> str:
    """The text of a PDF up to its reference list (the last line that is only ``heading``)."""
    text = "\n".join(pages)
    starts = [m.start() for m in re.finditer(rf"^\s*{heading}\s*$", text, flags=re.M)]
    assert starts, f"no reference list ('{heading}')"
    return text[:starts[-1]]


def chinese_outside_glossary_names(text: str) -> list[str]:
    """Runs of Chinese in English text that are not a glossary name in parentheses."""
    from analysis import glossary

    names = {t.zh for t in glossary.terms().values()}
    flat = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef·])\s+(?=[\u3000-\u9fff\uff00-\uffef·])", "", text)
    found = []
    for m in re.finditer(r"\(([^()]*)\)|[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+", flat):
        inner = m.group(1)
        if inner is not None:  # a parenthesis: a glossary name alone is allowed
            if glossary.chinese_runs(inner) and inner.strip() not in names:
                found.append(inner.strip())
        else:
            found.append(m.group(0))
    return found


def test_english_pdf_is_english(builds):
    """Outside its reference list, the English PDF has no Chinese but the glossary's names, each
    once, in parentheses (Hezhong Yibao (合众易宝))."""
    body = _body_before_references(_pdf_text(builds["a"] / "paper/_output/paper-en.pdf"), "References")
    assert chinese_outside_glossary_names(body) == []
    from analysis import glossary

    flat = re.sub(r"\s+", "", body)
    for term in glossary.terms().values():
        assert flat.count(f"({term.zh})") <= 1, term.zh


def test_the_english_check_can_fail():
    assert chinese_outside_glossary_names("Hezhong Yibao (合众易宝) and Douyin (抖音)") == []
    assert chinese_outside_glossary_names("Source given: 快手 2021 年报") == ["快手", "年报"]
    assert chinese_outside_glossary_names("14.11 亿人 (合众支付)") == ["亿人", "合众支付"]


def test_no_page_is_left_more_than_a_third_empty(builds):
    """Floats go where text can fill round them (Typst placement: auto): no page but a
    document's last is more than a third empty."""
    from tests.pages import half_empty_pages

    for lang in ("zh", "en"):
        assert half_empty_pages(builds["a"] / f"paper/_output/paper-{lang}.pdf") == [], lang


def test_chinese_cross_references_are_set_as_chinese(builds):
    """见图2、第2.4节: no space after 见 and no Quarto prefix (小节) in the Chinese PDF."""
    text = "\n".join(_pdf_text(builds["a"] / "paper/_output/paper-zh.pdf"))
    assert "小节" not in text
    # a line break is a wrap, not a space (the PDF's text has one per line)
    assert not re.search(r"见[^\S\n]+[图表]|附录[^\S\n]+表", text)
    assert re.search(r"见图\s?1", text) and re.search(r"第\s?2\.4\s?节", text)


def test_statistics_table_gives_this_editions_sections(builds):
    """Table 1 cites the sections as this edition numbers them: Kuaishou's fees are in 3.1.4
    (the original paper's 2.1.4)."""
    table = (builds["a"] / "paper/_generated/tables/cited_statistics.en.md").read_text(encoding="utf-8")
    assert "| [-@sec-cost] | Kuaishou payment-channel fees" in table
    text = re.sub(r"\s+", " ", "\n".join(_pdf_text(builds["a"] / "paper/_output/paper-en.pdf")))
    assert re.search(r"3\.1\.4 Kuaishou payment-\s?channel fees", text)
