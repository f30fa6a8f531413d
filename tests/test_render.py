"""The renderer: Quarto's vendored filters and templates, driven as Quarto does."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import render
from analysis.render import config, markdown, resources

QUARTO_YML = """\
project:
  type: default
  output-dir: _output
bibliography: refs.bib
number-sections: true
toc: true
format:
  html:
    embed-resources: true
  typst:
    papersize: a4
    mainfont: "Noto Serif CJK SC"
"""
BIB = "@book{knuth, author = {Knuth, Donald}, title = {The {TeX}book}, year = {1984}}\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>\n'
BODY = """\
::: {.content-visible when-format="html"}
仅网页可见
:::

::: {.content-hidden when-format="html"}
仅PDF可见
:::

# 引言 {#sec-intro}

数值为{{< var zh.gmv >}}，见 @fig-box 与 @tbl-one，如 @sec-intro 所述。参见文献[@knuth]。

![方框](figs/box.svg){#fig-box fig-alt="一个黑色方框"}

{{< include parts/table.md >}}

# 参考文献 {.unnumbered}

::: {#refs}
:::
"""


def make_project(tmp_path: Path, body: str = BODY, lang: str = "zh-Hans", extra: str = "") -> Path:
    paper = tmp_path / "paper"
    (paper / "parts").mkdir(parents=True)
    (paper / "figs").mkdir()
    (paper / "figs" / "box.svg").write_text(SVG)
    (paper / "_quarto.yml").write_text(QUARTO_YML)
    (paper / "refs.bib").write_text(BIB)
    (paper / "_variables.yml").write_text("zh:\n  gmv: 1.41万亿元\nen:\n  gmv: RMB 1.41 trillion\n",
                                          encoding="utf-8")
    (paper / "parts" / "table.md").write_text("| a | b |\n|---|---|\n| 1 | 2 |\n\n: 表格 {#tbl-one}\n",
                                              encoding="utf-8")
    doc = paper / "doc.qmd"
    doc.write_text(f"---\ntitle: 测试\nlang: {lang}\ndate: 2024-05-01\n{extra}---\n\n{body}",
                   encoding="utf-8")
    return doc


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def flat(path: Path) -> str:
    return re.sub(r"[ \t\r\n]+", " ", path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- HTML and PDF

def test_html_through_quartos_filters(tmp_path):
    doc = make_project(tmp_path)
    before = tree(doc.parent)
    result = render.render(doc, "html", engine="vendored", strict=True)
    assert result.output == doc.parent / "_output" / "doc.html"      # Quarto's output-dir
    html = flat(result.output)
    assert "1.41万亿元" in html                                        # {{< var >}}
    assert 'id="tbl-one"' in html                                      # {{< include >}}
    assert '<a href="#fig-box" class="quarto-xref">图\xa01</a>' in html  # Quarto's crossref, zh words
    assert '<a href="#tbl-one" class="quarto-xref">表\xa01</a>' in html
    assert '<a href="#sec-intro" class="quarto-xref">小节\xa01</a>' in html
    assert 'class="quarto-float quarto-figure' in html                 # Quarto's figure markup
    assert 'alt="一个黑色方框"' in html                                  # fig-alt
    assert "data:image/svg+xml" in html                                # embed-resources
    assert "仅网页可见" in html and "仅PDF可见" not in html               # conditional content
    assert 'class="csl-entry"' in html and "Knuth, Donald" in html      # citeproc
    assert 'id="TOC"' in html and "目录" in html                         # toc, Quarto's zh title
    assert 'class="header-section-number">1<' in html                  # numbered by crossref
    assert '<p class="date">2024年5月1日</p>' in html                    # date: Bootstrap's long default
    assert 'id="quarto-bootstrap"' in html and "quarto-html-after-body" in html  # Quarto's Bootstrap HTML
    assert 'lang="zh-Hans"' in html
    assert tree(doc.parent) - before == {"_output", "_output/doc.html"}  # nothing else written


def test_pdf_typst_rooted_at_the_project(tmp_path):
    from pypdf import PdfReader

    doc = make_project(tmp_path)
    before = tree(doc.parent)
    a = render.render(doc, "typst", tmp_path / "a.pdf", engine="vendored", strict=True,
                      source_date_epoch=1_700_000_000).output
    b = render.render(doc, "typst", tmp_path / "b.pdf", engine="vendored", strict=True,
                      source_date_epoch=1_700_000_000).output
    assert a.read_bytes() == b.read_bytes()                           # reproducible
    reader = PdfReader(a)
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)                 # A4
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert "仅PDF可见" in text and "仅网页可见" not in text
    assert "图1" in text and "1.41万亿元" in text and "Knuth" in text
    fonts = {f["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("NotoSerifCJKsc" in str(f) for f in fonts)               # mainfont, the SC face
    assert not any("JP" in str(f) for f in fonts)
    assert tree(doc.parent) == before                                  # no .typ or temp left


def test_typst_cannot_reach_outside_the_project(tmp_path):
    doc = make_project(tmp_path, body="![x](../outside.svg)\n")
    (tmp_path / "outside.svg").write_text(SVG)
    with pytest.raises(render.RenderError, match="escape the project root"):
        render.render(doc, "typst", tmp_path / "x.pdf", engine="vendored")


def test_english_words_and_keep_options(tmp_path):
    body = BODY.replace("{{< var zh.gmv >}}", "{{< var en.gmv >}}")
    doc = make_project(tmp_path, body, lang="en-GB", extra="keep-md: true\nkeep-typ: true\n")
    html = flat(render.render(doc, "html", engine="vendored", strict=True).output)
    assert all(f">{word}\xa01</a>" in html for word in ("Figure", "Table", "Section"))
    assert (doc.parent / "doc.html.md").exists()                       # keep-md, Quarto's name
    render.render(doc, "typst", tmp_path / "x.pdf", engine="vendored", strict=True)
    assert "#ref(<fig-box>" in (doc.parent / "doc.typ").read_text(encoding="utf-8")  # keep-typ


def test_metadata_files_and_cli_metadata(tmp_path):
    doc = make_project(tmp_path, body="正文\n", extra="metadata-files: [meta.yml]\ndate-format: \"YYYY年M月D日\"\n")
    (doc.parent / "meta.yml").write_text("author: 某人\ndate: 2026-11-25\n", encoding="utf-8")
    out = render.render(doc, "html", engine="vendored", metadata={"subtitle": "副标题"}).output
    html = flat(out)
    assert "2026年11月25日" in html and "某人" in html and "副标题" in html


def test_project_extension_shortcode(tmp_path):
    doc = make_project(tmp_path, body="结果：{{< shout 你好 >}}\n")
    ext = doc.parent / "_extensions" / "shout"
    ext.mkdir(parents=True)
    (ext / "_extension.yml").write_text("title: Shout\ncontributes:\n  shortcodes: [shout.lua]\n")
    (ext / "shout.lua").write_text(
        "return { shout = function(args) return pandoc.Str(pandoc.utils.stringify(args[1]) .. '!') end }\n",
        encoding="utf-8")
    assert "结果：你好!" in flat(render.render(doc, "html", engine="vendored", strict=True).output)


# --------------------------------------------------------------------------- strict mode

@pytest.mark.parametrize("body,message,line", [
    ("{{< var zh.nope >}}\n", "Unknown var zh.nope", 1),
    ("正文\n\n{{< vars zh.gmv >}}\n", "Shortcode 'vars' not found", 3),
    ("见 @fig-missing。\n", "@fig-missing", 1),
    ("见@fig-box。\n\n![方框](figs/box.svg){#fig-box}\n", "glued", 1),
    ("段落\n\n:::\n", "stray fence", 3),
    ("见 [@nobody]。\n", "nobody", 1),
])
def test_strict_render_names_the_section_file_and_line(tmp_path, body, message, line):
    doc = make_project(tmp_path, "前言\n\n{{< include parts/section.md >}}\n")
    (doc.parent / "parts" / "section.md").write_text(body, encoding="utf-8")
    out = tmp_path / "out.html"
    with pytest.raises(render.RenderError) as err:
        render.render(doc, "html", out, engine="vendored", strict=True)
    assert message in str(err.value)
    assert f"parts/section.md:{line}" in str(err.value)
    assert not out.exists()


def test_yaml_errors_name_the_file_and_line(tmp_path):
    doc = make_project(tmp_path, extra="toc: [unclosed\n")
    with pytest.raises(render.RenderError, match=r"doc\.qmd:5:\d+: invalid YAML"):
        render.render(doc, "html", tmp_path / "x.html", engine="vendored")
    doc = make_project(tmp_path / "dup", extra="toc: true\ntoc: false\n")
    with pytest.raises(render.RenderError, match="duplicate key 'toc'"):
        render.render(doc, "html", tmp_path / "x.html", engine="vendored")


# --------------------------------------------------------------------------- Quarto's rules

def test_option_buckets_come_from_quartos_constants():
    pandoc_keys = resources.key_list("kPandocDefaultsKeys")
    assert {"toc", "number-sections", "include-in-header", "css", "template"} <= set(pandoc_keys)
    assert "keep-typ" in resources.key_list("kRenderDefaultsKeys")
    fmt = config.metadata_as_format({"toc": True, "keep-typ": True, "title": "T", "fig-width": 4})
    assert fmt["pandoc"] == {"toc": True} and fmt["render"] == {"keep-typ": True}
    assert fmt["metadata"] == {"title": "T"} and fmt["execute"] == {"fig-width": 4}


def test_merge_follows_quarto(tmp_path):
    merged = config.merge_configs({"a": [1, 2], "b": {"x": 1}, "c": 1},
                                  {"a": [2, 3], "b": {"y": 2}, "c": None})
    assert merged == {"a": [1, 2, 3], "b": {"x": 1, "y": 2}, "c": None}  # arrays concatenated, uniq
    project = {"toc": True, "format": {"html": {"css": "a.css"}, "typst": {"papersize": "a4"}}}
    front = {"title": "T", "toc": False, "format": {"typst": {"papersize": "us-letter"}}}
    typst = config.resolve_format([project, front], "typst", tmp_path)
    assert typst["pandoc"]["toc"] is False and typst["metadata"]["papersize"] == "us-letter"
    assert typst["pandoc"]["default-image-extension"] == "svg"         # format-typst.ts defaults
    html = config.resolve_format([project, front], "html", tmp_path)
    assert html["pandoc"]["css"] == "a.css" and "papersize" not in html["metadata"]


def test_language_strings_are_quartos():
    zh = config.format_language({"metadata": {"lang": "zh-Hans"}, "language": {}})
    assert (zh["crossref-fig-title"], zh["crossref-sec-prefix"]) == ("图", "小节")
    mine = config.format_language({"metadata": {"lang": "zh-Hans"},
                                   "language": {"crossref-sec-prefix": "节"}})
    assert mine["crossref-sec-prefix"] == "节" and mine["crossref-tbl-title"] == "表"


@pytest.mark.parametrize("fmt,expected", [(None, "2026-11-05"), ("YYYY年M月D日", "2026年11月5日"),
                                          ("D MMMM YYYY", "5 November 2026"),
                                          ("[Updated] MMM D, YYYY", "Updated Nov 5, 2026")])
def test_dates_as_dayjs_formats_them(fmt, expected):
    assert config.format_date("2026-11-05", fmt, Path("x.qmd")) == expected


def test_dates_that_depend_on_the_build_are_refused():
    with pytest.raises(render.RenderError, match="reproducible"):
        config.format_date("today", None, Path("x.qmd"))


def test_includes_map_every_line_to_its_file(tmp_path):
    doc = make_project(tmp_path, "{{< include parts/outer.md >}}\n")
    (doc.parent / "parts" / "outer.md").write_text(
        "外\n\n{{< include parts/table.md >}}\n\n{{< include /parts/note.md >}}\n", encoding="utf-8")
    (doc.parent / "parts" / "note.md").write_text("注释段落\n", encoding="utf-8")
    source = markdown.expand_includes(doc, doc.parent)
    line = source.lines.index("注释段落")
    assert source.origin(line + 1) == (doc.parent / "parts" / "note.md", 1)
    # a path relative to the included file's own folder is not what Quarto does
    (doc.parent / "parts" / "outer.md").write_text("{{< include table.md >}}\n", encoding="utf-8")
    with pytest.raises(render.RenderError, match=r"outer\.md:1: include not found"):
        markdown.expand_includes(doc, doc.parent)


def test_engine_choice(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert render.choose_engine("auto") == "vendored"
    with pytest.raises(render.RenderError, match="no quarto is on PATH"):
        render.choose_engine("quarto")
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/quarto")
    assert render.choose_engine("auto") == "quarto"


def test_command_line(tmp_path):
    doc = make_project(tmp_path, body="正文 {{< var zh.gmv >}}\n")
    out = tmp_path / "cli.html"
    ok = subprocess.run([sys.executable, "-m", "analysis.render", str(doc), "--to", "html", "-o", str(out),
                         "-M", "subtitle:来自命令行", "--engine", "vendored"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "来自命令行" in flat(out) and "1.41万亿元" in flat(out)
    bad = subprocess.run([sys.executable, "-m", "analysis.render", str(doc.with_name("none.qmd")),
                          "--to", "html"], capture_output=True, text=True)
    assert bad.returncode == 1 and "no such document" in bad.stderr and "Traceback" not in bad.stderr


# --------------------------------------------------------------------------- with Quarto

FAKE_QUARTO = """#!/usr/bin/env python3
# Stands in for `quarto render FILE --to FMT --output NAME [-M k:v]`: it does
# what real Quarto does to a project folder (.quarto/, a .gitignore, the
# output in the project's output-dir) and records how it was called.
import json, os, pathlib, sys
args = sys.argv[1:]
cwd = pathlib.Path.cwd()
(cwd / ".quarto").mkdir(exist_ok=True)
(cwd / ".gitignore").write_text("/.quarto/\\n")
out = cwd / "_output" / args[args.index("--output") + 1]
out.parent.mkdir(exist_ok=True)
out.write_text("rendered " + args[1])
log = pathlib.Path(os.environ["FAKE_QUARTO_LOG"])
with log.open("a") as f:
    f.write(json.dumps({"cwd": str(cwd), "args": args,
                        "epoch": os.environ.get("SOURCE_DATE_EPOCH")}) + "\\n")
if os.environ.get("FAKE_QUARTO_WARN"):
    print("WARNING (filters/crossref.lua:12) Unable to resolve crossref @fig-x", file=sys.stderr)
"""


@pytest.fixture
def fake_quarto(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "quarto"
    exe.write_text(FAKE_QUARTO)
    exe.chmod(0o755)
    log = tmp_path / "quarto-calls.jsonl"
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(log))
    return log


def test_quarto_renders_side_by_side_in_private_copies(tmp_path, fake_quarto):
    from concurrent.futures import ThreadPoolExecutor
    import json

    doc = make_project(tmp_path)
    before = tree(doc.parent)
    jobs = [("html", tmp_path / "out" / "doc.html"), ("typst", tmp_path / "out" / "doc.pdf")]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda job: render.render(doc, job[0], job[1], metadata={"mainfont": "X"},
                                                          source_date_epoch=123), jobs))
    assert [r.engine for r in results] == ["quarto", "quarto"]
    assert all(r.output.read_text().startswith("rendered doc.qmd") for r in results)
    calls = [json.loads(line) for line in fake_quarto.read_text().splitlines()]
    cwds = {c["cwd"] for c in calls}
    assert len(cwds) == 2 and str(doc.parent) not in cwds           # never the sources themselves
    assert all(c["epoch"] == "123" and ["-M", "mainfont:X"] == c["args"][-2:] for c in calls)
    assert tree(doc.parent) == before                                # no .quarto/, no .gitignore


def test_quarto_warnings_fail_a_strict_build(tmp_path, fake_quarto, monkeypatch):
    monkeypatch.setenv("FAKE_QUARTO_WARN", "1")
    doc = make_project(tmp_path)
    out = tmp_path / "doc.html"
    with pytest.raises(render.RenderError, match="Unable to resolve crossref @fig-x"):
        render.render(doc, "html", out, strict=True)
    assert not out.exists()


@pytest.mark.parametrize("body,message,line", [
    ("Text.\n\n![x](missing.svg)\n", "file not found", 3),
    ("Text.\n\n```{=typst}\n#let x = (\n```\n", "unclosed delimiter", 4),
])
def test_typst_errors_name_the_section_file_and_line(tmp_path, body, message, line):
    doc = make_project(tmp_path, "前言\n\n{{< include parts/section.md >}}\n")
    (doc.parent / "parts" / "section.md").write_text(body, encoding="utf-8")
    out = tmp_path / "out.pdf"
    with pytest.raises(render.RenderError) as err:
        render.render(doc, "typst", out, engine="vendored", strict=True)
    assert message in str(err.value) and f"parts/section.md:{line}:" in str(err.value)
    assert not out.exists()
