"""Quarto's own YAML validator (vendored JS, run by node) in the build.

The bad cases are linted together in one node run (as a render does); each
expected line is looked up in the text written, independently of the code
under test. Messages are Quarto's wording.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import render
from analysis.render import validate

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "paper"

pytestmark = pytest.mark.skipif(not (shutil.which("node") or shutil.which("nodejs")),
                                reason="Node.js is not installed (tools/setup-env installs it)")

MAINFONT_NULL = 'Field "mainfont" has value null, which must instead be a string'

DOC = """\
---
title: Bad
format:
  typst:
    mainfont: null
---

Text.
"""

# name -> (file name, text, the line with the error, the part it points at, Quarto's message)
CASES = {
    "mainfont-null": ("doc.qmd", DOC, "    mainfont: null", "null", MAINFONT_NULL),
    "project-closed": ("_quarto.yml", "project:\n  type: default\n  outputdir: _output\n",
                       "  outputdir: _output", "outputdir",
                       "property name outputdir is invalid (Did you mean output-dir?)"),
    "document-closed": ("doc.qmd", "---\ntitle: T\ngrid:\n  content-mod: full\n---\n\nText.\n",
                        "  content-mod: full", "content-mod",
                        "property name content-mod is invalid (Did you mean content-mode?)"),
    "toc-type": ("_quarto.yml", 'project:\n  type: default\ntoc: "yes please"\n', 'toc: "yes please"',
                 '"yes please"', 'Field "toc" has value "yes please", which must instead be `true` or `false`'),
    "number-sections-type": ("doc.qmd", "---\ntitle: T\nnumber-sections: 3\n---\n\nText.\n",
                             "number-sections: 3", "3",
                             'Field "number-sections" has value 3, which must instead be `true` or `false`'),
    "cell-option": ("doc.qmd", "---\ntitle: T\n---\n\n```{python}\n#| echo: maybe\n1\n```\n",
                    "#| echo: maybe", "maybe",
                    'Field "echo" has value maybe, which must instead be `true` or `false`'),
}


def line_of(text: str, needle: str) -> int:
    return text.split("\n").index(needle) + 1


@pytest.fixture(scope="module")
def linted(tmp_path_factory):
    """Every bad case and a broken copy of each paper document, in one node run."""
    base = tmp_path_factory.mktemp("validate")
    files = {}
    for name, (file_name, text, *_) in CASES.items():
        (base / name).mkdir()
        files[name] = base / name / file_name
        files[name].write_text(text, encoding="utf-8")
    for lang in ("zh", "en"):  # the real documents, shortcodes and all, with one bad value
        text = (PAPER / f"paper-{lang}.qmd").read_text(encoding="utf-8")
        text = text.replace("\ntitle:", "\nnumber-sections: 3\ntitle:", 1)
        files[f"paper-{lang}"] = base / f"paper-{lang}.qmd"
        files[f"paper-{lang}"].write_text(text, encoding="utf-8")
    diagnostics = validate.lint(list(files.values()))
    return {name: [d for d in diagnostics if d.file == path.resolve()] for name, path in files.items()}


def test_the_paper_validates_with_zero_errors():
    assert validate.lint([PAPER / "_quarto.yml", PAPER / "paper-zh.qmd", PAPER / "paper-en.qmd"]) == []


@pytest.mark.parametrize("name", CASES)
def test_quartos_message_at_the_file_and_line(linted, name):
    file_name, text, needle, target, message = CASES[name]
    (found,) = linted[name]
    assert found.message == message
    assert found.file.name == file_name
    assert (found.line, found.column) == (line_of(text, needle), needle.rindex(target) + 1)
    assert str(found) == f"{found.file}:{found.line}:{found.column}: {message}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_paper_documents_are_really_checked(linted, lang):
    """The IDE linter gives up on a document with block shortcodes; these have many."""
    text = (PAPER / f"paper-{lang}.qmd").read_text(encoding="utf-8")
    assert "{{< include" in text
    bad_line = text.replace("\ntitle:", "\nnumber-sections: 3\ntitle:", 1) \
        .split("\n").index("number-sections: 3") + 1
    assert [(d.line, d.message) for d in linted[f"paper-{lang}"]] == [
        (bad_line, 'Field "number-sections" has value 3, which must instead be `true` or `false`')]


def test_mainfont_null_message(linted):
    (diag,) = linted["mainfont-null"]
    assert str(diag) == f"{diag.file}:5:15: {MAINFONT_NULL}"
    with pytest.raises(render.RenderError) as err:
        validate.raise_for([diag])
    assert str(err.value) == f"Validation of YAML front matter failed.\n  {diag.file}:5:15: {MAINFONT_NULL}"


def make_project(tmp_path: Path, quarto_yml: str, front: str) -> Path:
    (tmp_path / "_quarto.yml").write_text(quarto_yml, encoding="utf-8")
    doc = tmp_path / "doc.qmd"
    doc.write_text(f"---\ntitle: T\n{front}---\n\nText.\n", encoding="utf-8")
    return doc


def test_render_stops_on_a_bad_key_and_writes_nothing(tmp_path):
    doc = make_project(tmp_path, "project:\n  type: default\n  output-dir: _output\n  outputdir: x\n", "")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(render.RenderError) as err:
        render.render(doc, "html", engine="vendored")
    assert str(err.value) == (f"Project {tmp_path / '_quarto.yml'} validation failed.\n"
                              f"  {tmp_path / '_quarto.yml'}:4:3: property name outputdir is invalid "
                              "(Did you mean output-dir?)")
    assert sorted(tmp_path.rglob("*")) == before                     # no _output, no file


def test_render_stops_on_bad_front_matter(tmp_path):
    doc = make_project(tmp_path, "project:\n  type: default\n", "format:\n  typst:\n    mainfont: null\n")
    out = tmp_path / "out.pdf"
    with pytest.raises(render.RenderError, match=rf"doc\.qmd:5:15: {MAINFONT_NULL}"):
        render.render(doc, "typst", out, engine="vendored")
    assert not out.exists()


def test_validate_yaml_false_is_honoured(tmp_path, monkeypatch):
    """As in Quarto: ``validate-yaml: false`` at the top of ``_quarto.yml`` skips
    it; in the document's merged options (any layer, or under its format) it
    skips the document."""
    from analysis.render.project import find_project

    doc = make_project(tmp_path, "project:\n  type: default\n", "")
    checked = []
    monkeypatch.setattr(validate, "lint", lambda files: checked.append([f.name for f in files]) or [])
    project = find_project(doc)
    off, on = {"validate-yaml": False}, {"validate-yaml": True}
    for layers, to in [([{}], "html"), ([off], "html"), ([off, on], "html"),
                       ([{"format": {"html": off}}], "html"), ([{"format": {"html": off}}], "typst"),
                       ([on, {"format": {"typst": off}}], "typst")]:
        validate.check_render(project, doc, layers, to)
    assert checked == [["_quarto.yml", "doc.qmd"], ["_quarto.yml"], ["_quarto.yml", "doc.qmd"],
                       ["_quarto.yml"], ["_quarto.yml", "doc.qmd"], ["_quarto.yml"]]
    project.config["validate-yaml"] = False
    validate.check_render(project, doc, [{}], "html")
    assert checked[-1] == ["doc.qmd"]


def test_syntax_errors_are_not_passed_over(tmp_path):
    """The linter cannot parse broken YAML and says nothing; the check must not pass."""
    doc = tmp_path / "doc.qmd"
    doc.write_text("---\ntitle: T\ntoc: [unclosed\n---\n\nText.\n", encoding="utf-8")
    with pytest.raises(render.RenderError, match=r"doc\.qmd:\d+:\d+: invalid YAML"):
        validate.validate_document(doc)


def test_validate_functions(tmp_path):
    doc = make_project(tmp_path, "project:\n  type: default\ntoc: 1\n", "toc: 2\n")
    assert [d.line for d in validate.validate_project(tmp_path)] == [3]
    assert [d.line for d in validate.validate_document(doc)] == [3]
    assert validate.validate_project(tmp_path / "nowhere") == []


def test_without_node_the_message_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(validate.shutil, "which", lambda name: None)
    with pytest.raises(render.RenderError, match=r"install Node\.js ≥ 18 \(Debian: apt-get install nodejs\)"):
        validate.lint([tmp_path / "_quarto.yml"])


def test_a_validator_failure_stops_the_build(tmp_path):
    with pytest.raises(render.RenderError, match="Quarto's YAML validator failed: .*missing.qmd"):
        validate.lint([tmp_path / "missing.qmd"])


def test_a_node_that_cannot_run_it_gives_a_reason_not_a_stack(monkeypatch, tmp_path):
    old_node = tmp_path / "node"
    old_node.write_text("#!/bin/sh\necho 'file:///x/validate-yaml.mjs:1' >&2\n"
                        "echo '    at Loader.moduleStrategy (internal/modules/esm/translators.js:133:18)' >&2\n"
                        "echo 'SyntaxError: Unexpected reserved word' >&2\nexit 1\n")
    old_node.chmod(0o755)
    monkeypatch.setattr(validate.shutil, "which", lambda name: str(old_node))
    with pytest.raises(render.RenderError) as err:
        validate.lint([tmp_path / "doc.qmd"])
    assert str(err.value) == (f"Quarto's YAML validator did not run under {old_node}: SyntaxError: "
                              f"Unexpected reserved word\n(it needs Node.js 18 or newer: {validate.NODE_HELP})")


@pytest.mark.parametrize("worker,reason", [
    ("throw new Error('no wasm here');", "its worker stopped: no wasm here"),
    ("process.exit(3);", "its worker exited (status 3)"),
    # what web-worker.js's getLint does when linting throws: logs, then answers null
    ("onmessage = (e) => { console.log('Error found during linting', new TypeError('bad')); "
     "postMessage({result: null, id: e.data.id}); };",
     "Error found during linting TypeError: bad"),
])
def test_a_failing_validator_never_passes_a_file(tmp_path, monkeypatch, worker, reason):
    """The adapter's Worker: a crash, an exit or getLint's null answer (which
    the IDE protocol leaves unsettled) stop the build with the reason."""
    tools = Path("vendor", "quarto-1.10.18", "src", "resources", "editor", "tools", "yaml")
    yaml_tools, fake = ROOT / tools, tmp_path / tools
    fake.mkdir(parents=True)
    shutil.copy(yaml_tools / "yaml-intelligence.js", fake)
    (fake / "web-worker.js").write_text(worker)
    adapter = tmp_path / "analysis" / "render" / "validate-yaml.mjs"
    adapter.parent.mkdir(parents=True)
    shutil.copy(validate.ADAPTER, adapter)
    monkeypatch.setattr(validate, "ADAPTER", adapter)
    (tmp_path / "doc.qmd").write_text("---\ntitle: T\n---\n")
    with pytest.raises(render.RenderError) as err:
        validate.lint([tmp_path / "doc.qmd"])
    assert str(err.value).startswith("Quarto's YAML validator failed: ")
    assert reason in str(err.value)


def test_a_file_validated_as_it_is_is_not_validated_again(tmp_path, monkeypatch):
    """tools/preview re-renders on every edit; the YAML rarely changes."""
    doc = tmp_path / "doc.qmd"
    doc.write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
    calls = []
    real = validate._lint
    monkeypatch.setattr(validate, "_lint", lambda paths: calls.append(paths) or real(paths))
    assert validate.lint([doc]) == [] and validate.lint([doc]) == []
    assert len(calls) == 1
    doc.write_text("---\ntitle: T\ntoc: 3\n---\n\nText.\n", encoding="utf-8")   # changed: checked again
    assert [d.line for d in validate.lint([doc])] == [3] and len(calls) == 2
