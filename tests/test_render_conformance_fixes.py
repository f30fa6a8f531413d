"""Driver behaviour that Quarto's own test documents showed missing
(tests/test_quarto_conformance.py); each test names the Quarto source it follows."""

from __future__ import annotations

import base64

from analysis import render

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
DATA_URI = "data:image/svg+xml;base64," + base64.b64encode(SVG.encode()).decode()


def tree(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def test_typst_reads_data_uri_images_from_the_mediabag(tmp_path):
    """The filters write a data: image into ``<stem>_files/mediabag`` beside the
    document (render-paths.ts ``filesDirMediabagDir``), where Typst, rooted at
    the project, can read it; a self-contained render deletes it afterwards
    (cleanup.ts ``renderCleanup``)."""
    doc = tmp_path / "doc.qmd"
    doc.write_text(f"---\ntitle: t\n---\n\n![A box]({DATA_URI}){{#fig-box}}\n\nSee @fig-box.\n")
    before = tree(tmp_path)
    result = render.render(doc, "typst", engine="vendored")
    assert result.output.stat().st_size > 0
    assert tree(tmp_path) - before == {"doc.pdf"}


def test_kept_typst_source_keeps_its_mediabag(tmp_path):
    doc = tmp_path / "doc.qmd"
    doc.write_text(f"---\ntitle: t\nformat:\n  typst:\n    keep-typ: true\n---\n\n![A box]({DATA_URI})\n")
    render.render(doc, "typst", engine="vendored")
    typ = (tmp_path / "doc.typ").read_text(encoding="utf-8")
    media = sorted((tmp_path / "doc_files" / "mediabag").iterdir())
    assert len(media) == 1 and media[0].read_text() == SVG
    assert f'image("doc_files/mediabag/{media[0].name}")' in typ


def test_embedded_html_leaves_no_mediabag(tmp_path):
    doc = tmp_path / "doc.qmd"
    doc.write_text("---\ntitle: t\nformat:\n  html:\n    embed-resources: true\n---\n\nText.\n")
    before = tree(tmp_path)
    render.render(doc, "html", engine="vendored")
    assert tree(tmp_path) - before == {"doc.html"}


def test_html_writes_no_break_spaces_as_quartos_serializer_does(tmp_path):
    """Quarto writes its HTML back from a DOM (render.ts ``runHtmlPostprocessors``):
    U+00A0 becomes ``&nbsp;`` in text and attributes, never in scripts, styles
    or comments; the embedding pass (pandoc --embed-resources) reads it back."""
    from analysis.render.html import serialize_nbsp

    assert serialize_nbsp('<p title="a\xa0b">1\xa02</p><script>"\xa0"</script><!--\xa0-->'
                          '<style>p::after{content:"\xa0"}</style>') == (
        '<p title="a&nbsp;b">1&nbsp;2</p><script>"\xa0"</script><!--\xa0-->'
        '<style>p::after{content:"\xa0"}</style>')
    doc = tmp_path / "doc.qmd"
    doc.write_text(f"---\ntitle: t\n---\n\n![A box]({DATA_URI}){{#fig-box}}\n\nSee @fig-box.\n")
    page = render.render(doc, "html", engine="vendored").output.read_text(encoding="utf-8")
    assert '<a href="#fig-box" class="quarto-xref">Figure&nbsp;1</a>' in page
    assert "Figure\xa01" not in page


def test_typst_code_in_quartos_default_highlighting(tmp_path):
    """resolveTextHighlightStyle (pandoc.ts): Typst code is highlighted with
    Quarto's ``arrow`` theme file, and format-typst.ts patches pandoc's
    Skylighting function (full-width padded block, issue #14126)."""
    import json

    from analysis.render import resources

    theme = json.loads(resources.resource("pandoc", "highlight-styles", "arrow-light.theme").read_text())
    keyword = theme["text-styles"]["Keyword"]["text-color"].lower()
    doc = tmp_path / "doc.qmd"
    doc.write_text("---\ntitle: t\nformat:\n  typst:\n    keep-typ: true\n---\n\n"
                   "```sql\nSELECT * FROM Customers\n```\n")
    render.render(doc, "typst", engine="vendored")
    typ = (tmp_path / "doc.typ").read_text(encoding="utf-8")
    assert '#Skylighting(([#KeywordTok("SELECT");' in typ
    assert f'#let KeywordTok(s) = text(weight: "bold",fill: rgb("{keyword}"),raw(s))' in typ
    assert "block(fill: bgcolor, width: 100%, inset: 8pt, radius: 2pt, blocks)" in typ
    assert "block(fill: bgcolor, blocks)" not in typ


def test_typst_highlighting_none_and_idiomatic_pass_through(tmp_path):
    from analysis.render.pandoc import typst_highlighting

    assert typst_highlighting({"syntax-highlighting": "none"}, tmp_path) == "none"
    assert typst_highlighting({"highlight-style": "idiomatic"}, tmp_path) == "idiomatic"
    assert typst_highlighting({}, tmp_path).endswith("highlight-styles/arrow-light.theme")
    assert typst_highlighting({"syntax-highlighting": {"dark": "a11y", "light": "github"}},
                              tmp_path).endswith("highlight-styles/github-light.theme")
    (tmp_path / "mine.theme").write_text("{}")
    assert typst_highlighting({"syntax-highlighting": "mine.theme"}, tmp_path) == str(tmp_path / "mine.theme")
