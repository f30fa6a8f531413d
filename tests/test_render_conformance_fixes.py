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
