"""Quarto's Bootstrap HTML from its own pieces (analysis/render/html_bootstrap.py,
sass.py) and the provenance lines under figures and tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import paper_tables as pt
from analysis import render
from analysis.render import sass
from analysis.render.errors import RenderError


# --------------------------------------------------------------------------- provenance

def test_provenance_links_relative_by_default():
    line = pt.provenance("en", ["data/processed/audit.csv"], ["analysis/paper_tables.py"], "paper_tables")
    assert "[`data/processed/audit.csv`](../../data/processed/audit.csv)" in line
    assert "Code: [`analysis/paper_tables.py`](../../analysis/paper_tables.py)" in line
    assert "Rule: `paper_tables`" in line and 'when-format="html"' in line


def test_provenance_links_to_the_repository_at_the_commit():
    repo = {"url": "https://example.org/o/r/blob/{commit}/{path}", "commit": "abc123"}
    line = pt.provenance("zh", ["data/processed/x.csv"], ["analysis/figures.py"], "figure_x", repo)
    assert "(https://example.org/o/r/blob/abc123/data/processed/x.csv)" in line
    assert "代码: [`analysis/figures.py`](https://example.org/o/r/blob/abc123/analysis/figures.py)" in line
    assert "规则: `figure_x`" in line
    assert pt.repository_link("a/b.csv", {"url": "https://h/{commit}/{path}", "commit": None}) == "https://h/HEAD/a/b.csv"


def test_figure_block_names_its_rule():
    block = pt.figure_block("payment_fees", "en", "Caption", "Alt", ["data/processed/f.csv"], ["analysis/figures/payment_fees.py"])
    assert "{#fig-payment-fees" in block and "Rule: `figure (figure=payment_fees)`" in block


# --------------------------------------------------------------------------- SCSS

def test_sass_layers_split_and_merge_as_quarto():
    layer = sass.layer_from_text("$a: 1 !default;\n/*-- scss:rules --*/\n.x { y: $a; }\n"
                                 "/*-- scss:functions --*/\n@function f() { @return 1; }", "t.scss")
    assert layer.defaults == "$a: 1 !default;" and layer.rules == ".x { y: $a; }"
    assert "@function f()" in layer.functions
    merged = sass.merge_layers(sass.SassLayer(defaults="$first: 1;"), sass.SassLayer(defaults="$second: 2;"))
    assert merged.defaults == "$second: 2;\n$first: 1;"  # reversed: the first !default wins
    with pytest.raises(RenderError, match="layer boundary"):
        sass.layer_from_text(".x {}", "bad.scss")


def test_scss_input_orders_user_quarto_framework():
    bundle = sass.SassBundle("k", "bootstrap", quarto=sass.SassLayer(defaults="$q: 1 !default;", rules=".q{}"),
                             framework=sass.SassLayer(defaults="$f: 1 !default;", rules=".f{}"),
                             user=[sass.SassLayer(defaults="$u: 1;", rules=".u{}")])
    text = sass.scss_input([bundle])
    order = [text.index(s) for s in ("$u: 1;", "$q: 1", "$f: 1", ".f{}", ".q{}", ".u{}")]
    assert order == sorted(order)


def test_compiled_css_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO_VENDORED_CACHE_DIR", str(tmp_path / "cache"))
    scss = "$c: #123456;\n.cached-test { color: $c; }"
    css = sass.compile_scss(scss, [])
    assert css == ".cached-test{color:#123456}"
    assert len(list((tmp_path / "cache" / "sass").glob("*.css"))) == 1
    monkeypatch.setattr(sass.subprocess, "run", lambda *a, **k: pytest.fail("compiled again"))
    assert sass.compile_scss(scss, []) == css


def test_missing_node_packages_name_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(sass, "NODE_BIN", tmp_path / "node_modules" / ".bin")
    monkeypatch.delenv("QUARTO_DART_SASS", raising=False)
    with pytest.raises(RenderError, match="tools/setup-env"):
        sass.node_tool("sass", "QUARTO_DART_SASS")


# --------------------------------------------------------------------------- the page

DOC = """---
title: Ein Test
lang: en
date: 2024-05-01
toc: true
toc-location: left
title-block-style: manuscript
format:
  html:
    embed-resources: true
    format-links:
      - html
      - format: typst
        text: PDF
      - text: Deutsch
        href: doc-de.html
        icon: translate
        attr: {lang: de, hreflang: de}
  typst: default
---

# One {#sec-one}

See @sec-two.[^n]

[^n]: A note.

# Two {#sec-two}

Text.
"""


def page(tmp_path: Path, name: str = "p") -> str:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / "doc.qmd").write_text(DOC, encoding="utf-8")
    return render.render(folder / "doc.qmd", "html", folder / "doc.html", engine="vendored",
                         strict=True).output.read_text(encoding="utf-8")


def test_bootstrap_article_markup(tmp_path):
    html = page(tmp_path)
    assert '<div id="quarto-sidebar-toc-left" class="sidebar toc-left">' in html
    toc = html.index('<nav id="TOC"')
    assert html.index('id="quarto-sidebar-toc-left"') < toc < html.index('<main')  # moved into the sidebar
    assert 'class="toc-active"' in html and 'class="nav-link active"' in html
    assert '<header id="title-block-header" class="quarto-title-block default toc-left page-columns page-full">' in html
    assert html.index("title-block-header") < html.index('id="quarto-content"')     # manuscript banner
    links = re.findall(r'<a href="([^"]+)"[^>]*><i class="bi bi-([\w-]+)"></i>([^<]+)</a>', html)
    assert links == [("doc.pdf", "file-pdf", "PDF"), ("doc-de.html", "translate", "Deutsch")]
    assert 'lang="de" hreflang="de"' in html
    assert '<p class="date">May 1, 2024</p>' in html                                  # Intl's long date
    assert 'id="quarto-bootstrap"' in html and "tippy" in html and "anchor" in html
    assert 'id="quarto-appendix"' in html and 'role="doc-endnotes"' in html          # footnotes appended
    assert "<script src=\"" not in html.replace('<script src="data:', "")             # all embedded
    assert re.search(r'<body class="[^"]*quarto-light', html)


def test_same_bytes_from_any_folder(tmp_path):
    assert page(tmp_path, "a") == page(tmp_path / "deeper" / "still", "b")


def test_unported_options_stop_the_render(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "doc.qmd").write_text("---\ntitle: T\ncomments:\n  hypothesis: true\n---\n\nText.\n",
                                    encoding="utf-8")
    with pytest.raises(RenderError, match="comments: Quarto's handling"):
        render.render(folder / "doc.qmd", "html", folder / "doc.html", engine="vendored")


def test_theme_none_keeps_pandocs_plain_page(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "doc.qmd").write_text("---\ntitle: T\ntheme: none\n---\n\nText.\n", encoding="utf-8")
    html = render.render(folder / "doc.qmd", "html", folder / "doc.html", engine="vendored").output.read_text()
    assert "quarto-bootstrap" not in html and "Text." in html
