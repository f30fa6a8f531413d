"""The pandoc + Typst fallback honours the Quarto features the paper uses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from analysis import render
from analysis.fonts import font_dirs

QUARTO_YML = """\
project:
  type: default
bibliography: refs.bib
number-sections: true
toc: true
format:
  html:
    embed-resources: true
  typst:
    papersize: a4
"""
BIB = "@book{knuth, author = {Knuth, Donald}, title = {The TeXbook}, year = {1984}}\n"


def make_project(tmp_path: Path, body: str, lang: str = "zh-CN", extra: str = "") -> Path:
    paper = tmp_path / "paper"
    (paper / "parts").mkdir(parents=True)
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "box.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>\n')
    (paper / "_quarto.yml").write_text(QUARTO_YML)
    (paper / "refs.bib").write_text(BIB)
    (paper / "_variables.yml").write_text("zh:\n  gmv: 1.41万亿元\nen:\n  gmv: RMB 1.41 trillion\n",
                                          encoding="utf-8")
    (paper / "parts" / "table.md").write_text("| a | b |\n|---|---|\n| 1 | 2 |\n\n: 表格 {#tbl-one}\n",
                                              encoding="utf-8")
    doc = paper / "doc.qmd"
    doc.write_text(f"---\ntitle: 测试\nlang: {lang}\n{extra}---\n\n{body}", encoding="utf-8")
    return doc


def settings(tmp_path: Path) -> render.RenderSettings:
    return render.RenderSettings(root=tmp_path, font_dirs=font_dirs(["Noto Serif CJK SC"]),
                                 mainfont="Noto Serif CJK SC", timestamp=1_700_000_000,
                                 engine="fallback")


BODY = """\
::: {.content-visible when-format="html"}
仅网页可见
:::

::: {.content-hidden when-format="html"}
仅PDF可见
:::

# 引言

数值为{{< var zh.gmv >}}，见 @fig-box 与 @tbl-one [@knuth]。

![方框](../figures/box.svg){#fig-box fig-alt="一个黑色方框"}

{{< include parts/table.md >}}

# 参考文献 {.unnumbered}

::: {#refs}
:::
"""


def test_html_honours_quarto_features(tmp_path):
    doc = make_project(tmp_path, BODY)
    out = tmp_path / "out.html"
    render.render(doc, "html", out, settings(tmp_path))
    html = re.sub(r"[ \t\r\n]+", " ", out.read_text(encoding="utf-8"))
    assert "1.41万亿元" in html                                   # {{< var >}}
    assert '<table id="tbl-one"' in html                          # {{< include >}}
    assert re.search(r'<a href="#fig-box">图(\xa0|&nbsp;)1</a>', html)   # @fig numbered per language
    assert re.search(r'<a href="#tbl-one">表(\xa0|&nbsp;)1</a>', html)
    assert re.search(r"<figcaption>图(\xa0|&nbsp;)1：方框</figcaption>", html)
    assert 'alt="一个黑色方框"' in html                            # fig-alt
    assert "data:image/svg+xml" in html                           # SVG, embedded
    assert "仅网页可见" in html and "仅PDF可见" not in html          # content-visible/hidden
    assert 'class="csl-entry"' in html and "TeXbook" in html       # citeproc bibliography
    assert 'id="TOC"' in html and "目录" in html                    # table of contents, in Chinese
    assert 'class="header-section-number">1<' in html              # number-sections


def test_english_words_for_crossrefs(tmp_path):
    body = BODY.replace("{{< var zh.gmv >}}", "{{< var en.gmv >}}")
    doc = make_project(tmp_path, body, lang="en-GB")
    out = tmp_path / "out.html"
    render.render(doc, "html", out, settings(tmp_path))
    html = out.read_text(encoding="utf-8")
    assert re.search(r'>Figure(\xa0|&nbsp;)1</a>', html) and re.search(r'>Table(\xa0|&nbsp;)1</a>', html)


def test_pdf_is_a4_cjk_and_reproducible(tmp_path):
    from pypdf import PdfReader

    doc = make_project(tmp_path, BODY)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render.render(doc, "pdf", a, settings(tmp_path))
    render.render(doc, "pdf", b, settings(tmp_path))
    assert a.read_bytes() == b.read_bytes()
    reader = PdfReader(a)
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)             # A4 in points
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert "仅PDF可见" in text and "仅网页可见" not in text
    assert "图1" in text and "1.41万亿元" in text
    assert not list(doc.parent.glob(".*.typ"))                    # no leftovers beside the sources


@pytest.mark.parametrize("body,message", [
    ("{{< var zh.nope >}}", "unknown variable 'zh.nope'"),
    ("{{< include parts/missing.md >}}", "included file not found"),
    ("见 @fig-missing。", "unknown cross-reference @fig-missing"),
    ("见 [@nobody]。", "nobody"),
])
def test_errors_stop_the_render(tmp_path, body, message):
    doc = make_project(tmp_path, body)
    out = tmp_path / "out.html"
    with pytest.raises(render.RenderError, match=re.escape(message)):
        render.render(doc, "html", out, settings(tmp_path))
    assert not out.exists()


def test_option_merge_follows_quarto():
    project = {"toc": True, "format": {"html": {"css": "a.css"}, "typst": {"papersize": "a4"}}}
    front = {"title": "T", "toc": False, "format": {"typst": {"papersize": "us-letter"}}}
    assert render.document_options(project, front, "typst") == {"toc": False, "title": "T",
                                                                 "papersize": "us-letter"}
    assert render.document_options(project, front, "html")["css"] == "a.css"


def test_engine_choice(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert render.choose_engine("auto") == "fallback"
    with pytest.raises(render.RenderError, match="no quarto is on PATH"):
        render.choose_engine("quarto")
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/quarto")
    assert render.choose_engine("auto") == "quarto"


def test_nested_includes_resolve_like_quarto(tmp_path):
    """Inside an included file, paths are relative to the main document (or /project-root)."""
    doc = make_project(tmp_path, "{{< include parts/outer.md >}}\n")
    (doc.parent / "parts" / "outer.md").write_text(
        "{{< include parts/table.md >}}\n\n{{< include /parts/note.md >}}\n", encoding="utf-8")
    (doc.parent / "parts" / "note.md").write_text("注释段落\n", encoding="utf-8")
    out = tmp_path / "out.html"
    render.render(doc, "html", out, settings(tmp_path))
    html = out.read_text(encoding="utf-8")
    assert '<table id="tbl-one"' in html and "注释段落" in html
    # a path relative to the included file's own folder is not what Quarto does
    (doc.parent / "parts" / "outer.md").write_text("{{< include table.md >}}\n", encoding="utf-8")
    with pytest.raises(render.RenderError, match="included file not found"):
        render.render(doc, "html", out, settings(tmp_path))
