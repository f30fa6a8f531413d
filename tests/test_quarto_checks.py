"""The harness of the conformance tests keeps upstream's semantics (tests/verify.ts,
tests/smoke/smoke-all.test.ts), and its checks fail when they should."""

from __future__ import annotations

import pytest

from quarto_checks import (Check, Message, RenderRun, SpecError, js_regex, render_messages,
                           smoke_all_specs)


def run_for(tmp_path, html: str = "", messages=(), to: str = "html") -> RenderRun:
    doc = tmp_path / "doc.qmd"
    out = tmp_path / "doc.html"
    out.write_text(html, encoding="utf-8")
    return RenderRun(input=doc, to=to, output=out, support=tmp_path / "doc_files",
                     returncode=0, messages=list(messages))


def test_js_regex_dialect():
    assert js_regex(r"References\s*$").search("References\n\nmore") is None   # $ is the end
    assert js_regex(r"References\s*$").search("text References\n")
    assert js_regex(r"^b$", multiline=True).search("a\nb\nc")                  # m flag
    assert js_regex(r"\&nbsp\;").search("&nbsp;")                             # identity escapes
    assert js_regex(r"\Apple").search("Apple")                                # \A is 'A' in JS
    assert js_regex(r"(?<y>\d{4})").search("1951").group("y") == "1951"
    assert js_regex(r"[^)]*\)").search("(a)")


def test_render_messages_levels():
    # the driver's own output comes while it renders, its relayed messages at the end
    stderr = ("DeprecationWarning: something\n"
              "warning: doc.qmd:3: WARNING Unable to resolve crossref @fig-x\n  more\n"
              "error: typst failed:\nexpected comma\n")
    messages = render_messages(1, "Output created: doc.pdf\n", stderr)
    assert [m.level for m in messages] == ["INFO", "WARN", "INFO", "ERROR"]
    assert messages[2].relayed and messages[2].msg.endswith("@fig-x\n  more")
    assert messages[3].msg == "typst failed:\nexpected comma"
    assert render_messages(2, "", "")[-1].level == "ERROR"


def test_log_checks(tmp_path):
    quiet = run_for(tmp_path, messages=[Message("INFO", "pandoc said so", relayed=True)])
    assert Check("noErrorsOrWarnings").failures(quiet) == []       # Quarto relays it as INFO
    assert Check("shouldError").failures(quiet)
    warned = run_for(tmp_path, messages=[Message("WARN", "w")])
    assert Check("noErrorsOrWarnings").failures(warned) and not Check("noErrors").failures(warned)
    found = Check("printsMessage", ({"level": "INFO", "regex": "pandoc said"},))
    assert found.failures(quiet) == []
    assert Check("printsMessage", ({"level": "INFO", "regex": "pandoc", "negate": True},)).failures(quiet)
    assert Check("printsMessage", ({"level": "WARN", "regex": "pandoc"},)).failures(quiet)


def test_html_checks(tmp_path):
    run = run_for(tmp_path, '<div id="fig-1"><figure class="quarto-float-fig"><img src="a.png">'
                            '<figcaption>Figure&nbsp;1: A</figcaption></figure></div>')
    assert Check("ensureHtmlElements", (["div#fig-1 figure.quarto-float-fig img"], ["table"])).failures(run) == []
    assert len(Check("ensureHtmlElements", (["table"], ["img"])).failures(run)) == 2
    assert Check("ensureHtmlElementCount", ({"selectors": ["img", "p"], "counts": [1, 0]},)).failures(run) == []
    assert Check("ensureHtmlElementCount", ({"selectors": "img", "counts": 2},)).failures(run)
    contents = {"selectors": ["figcaption"], "matches": ["^Figure\u00a01"], "noMatches": ["nbsp"]}
    assert Check("ensureHtmlElementContents", (contents,)).failures(run) == []
    assert Check("ensureHtmlElementContents", ({"selectors": ["table"], "matches": []},)).failures(run)
    assert Check("ensureFileRegexMatches", (["Figure&nbsp;1"], [r"\?@fig"])).failures(run) == []
    assert Check("ensureFileRegexMatches", (["Figure 2"],)).failures(run)
    missing = run_for(tmp_path)
    missing.output = tmp_path / "none.html"
    assert Check("ensureHtmlElements", (["img"],)).failures(missing)


def test_front_matter_specs(tmp_path):
    doc = tmp_path / "doc.qmd"
    doc.write_text("---\nformat:\n  typst:\n    keep-typ: true\n_quarto:\n  tests:\n    typst:\n"
                   "      ensureTypstFileRegexMatches:\n        - ['a']\n        - ['b']\n"
                   "    latex:\n      ensureLatexFileRegexMatches: [['c']]\n---\n")
    typst, latex = smoke_all_specs(doc, "doc.qmd")
    assert [c.kind for c in typst.checks] == ["ensureTypstFileRegexMatches", "noErrorsOrWarnings"]
    assert typst.checks[0].args == (["a"], ["b"]) and latex.checks == []
    doc.write_text("---\n_quarto:\n  tests:\n    typst:\n      ensureTypstFileRegexMatches: [['a']]\n---\n")
    with pytest.raises(SpecError, match="keep-typ"):
        smoke_all_specs(doc, "doc.qmd")
    doc.write_text("---\n_quarto:\n  tests:\n    html:\n      noErrors: default\n---\n")
    assert [c.kind for c in smoke_all_specs(doc, "doc.qmd")[0].checks] == ["noErrors"]
    doc.write_text("---\nformat: typst\n---\n")
    assert [(s.format, [c.kind for c in s.checks]) for s in smoke_all_specs(doc, "doc.qmd")] == [
        ("typst", ["noErrorsOrWarnings"])]
