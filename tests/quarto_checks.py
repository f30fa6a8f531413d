"""Quarto 1.10.18's own test checks, in Python, for its own test documents.

Upstream (vendored unmodified in ``vendor/quarto-1.10.18/tests/``):

* ``tests/verify.ts``, ``tests/verify-pdf-metadata.ts``: what each check means;
* ``tests/smoke/smoke-all.test.ts``: how a document's front matter
  (``_quarto: tests: <format>: <check>: <arguments>``) becomes checks, with
  ``noErrorsOrWarnings`` added unless the document names ``noErrors``,
  ``noErrorsOrWarnings`` or ``shouldError``;
* ``tests/smoke/render/render.ts`` (``testRender``): the checks every
  TypeScript-written render test adds (``outputCreated`` and
  ``hasSupportingFiles``/``noSupportingFiles``);
* ``tests/test.ts``: a check sees the render's log records with their level;
* ``tests/utils.ts`` (``outputForInput``, ``findProjectDir``): where the output is.

Checks return the list of what failed (empty: it holds), one entry per
failing assertion, worded as upstream words it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

Failures = list[str]
RENDERED_FORMATS = ("html", "typst")     # what ``python -m analysis.render --to`` makes
OUTPUT_EXT = {"html": "html", "typst": "pdf"}   # utils.ts outputForInput


class SpecError(Exception):
    """A test specification upstream's harness would refuse too."""


# --------------------------------------------------------------------------- the render's log

@dataclass(frozen=True)
class Message:
    level: str      # DEBUG | INFO | WARN | ERROR, as Quarto's logger names them
    msg: str
    relayed: bool = False   # a message of pandoc, a Lua filter or Typst


def render_messages(returncode: int, stdout: str, stderr: str) -> list[Message]:
    """The log records Quarto's test harness would have seen for this render.

    ``python -m analysis.render`` prints ``Output created: FILE`` on stdout
    (Quarto logs it at INFO) and, on stderr, ``warning: ...`` for every message
    of pandoc, the Lua filters and Typst, and ``error: ...`` when the render
    fails. Quarto relays its children's stderr with ``info()``
    (``src/core/process.ts``, ``processOutput``), so those warnings are INFO
    records there too: ``noErrorsOrWarnings`` does not see them upstream either
    (its comment says so). A failed render is an ERROR record
    (``tests/test.ts``: ``logError``). Anything else on stderr did not come
    from pandoc or Typst, so it counts as a WARN record, like a warning of
    Quarto's own TypeScript.
    """
    messages = [Message("INFO", line) for line in stdout.splitlines() if line.strip()]
    records = re.split(r"^(?=(?:warning|error): )", stderr, flags=re.M)
    for record in records:
        text = record.rstrip("\n")
        if not text.strip():
            continue
        if text.startswith("warning: "):
            messages.append(Message("INFO", text[len("warning: "):], relayed=True))
        elif text.startswith("error: "):
            messages.append(Message("ERROR", text[len("error: "):]))
        else:
            messages.append(Message("WARN", text))
    if returncode != 0 and not any(m.level == "ERROR" for m in messages):
        messages.append(Message("ERROR", f"render exited with status {returncode}"))
    return messages


@dataclass
class RenderRun:
    """One ``quarto render INPUT --to FORMAT``, and where its files are."""

    input: Path              # the document, in the folder it was rendered in
    to: str
    output: Path             # outputForInput(...).outputPath
    support: Path            # outputForInput(...).supportPath
    returncode: int
    messages: list[Message]
    seconds: float = 0.0


# --------------------------------------------------------------------------- regular expressions

JS_LETTER_ESCAPES = set("dDwWsSbBnrtfvxuck")


def js_regex(source: str, multiline: bool = False) -> re.Pattern[str]:
    """``new RegExp(source, multiline ? "m" : "")`` as a Python pattern.

    Where the two dialects differ for these patterns: outside ``m`` mode a JS
    ``$`` is only the end of the text (``\\Z``; Python's ``$`` also matches
    before a final newline); ``\\X`` for a letter JS has no escape for is the
    letter itself (Python reads ``\\A``, ``\\Z`` as anchors and refuses the rest);
    ``(?<name>`` is Python's ``(?P<name>``; ``[`` inside a class is literal.
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            out.append(nxt if nxt.isalpha() and nxt not in JS_LETTER_ESCAPES else ch + nxt)
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            elif ch in "[&|~":
                ch = "\\" + ch
        elif ch == "[":
            in_class = True
        elif ch == "$" and not multiline:
            ch = r"\Z"
        elif source.startswith("(?<", i) and source[i + 3:i + 4] not in ("=", "!"):
            ch, i = "(?P<", i + 2
        out.append(ch)
        i += 1
    try:
        return re.compile("".join(out), re.M if multiline else 0)
    except re.error as exc:
        raise SpecError(f"regular expression {source!r}: {exc}") from None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def regex_failures(text: str, where: str, matches: list[str], no_matches: list[str] | None,
                   multiline: bool) -> Failures:
    """``regexChecker``: every ``matches`` pattern found, no ``noMatches`` one."""
    failures = [f"Required match /{m}/ is missing from {where}."
                for m in matches if not js_regex(m, multiline).search(text)]
    failures += [f"Illegal match /{m}/ was found in {where}."
                 for m in no_matches or [] if js_regex(m, multiline).search(text)]
    return failures


# --------------------------------------------------------------------------- HTML

def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _exists(path: Path) -> Failures:
    return [] if path.exists() else [f"Path {path} doesn't exist"]


def ensure_html_elements(run: RenderRun, selectors: list[str],
                         no_match_selectors: list[str] | None = None) -> Failures:
    if not run.output.exists():
        return _exists(run.output)
    doc = _soup(run.output)
    failures = [f"Required DOM Element {s} is missing in {run.output.name}."
                for s in _as_list(selectors) if doc.select_one(s) is None]
    failures += [f"Illegal DOM Element {s} is present in {run.output.name}."
                 for s in _as_list(no_match_selectors) if doc.select_one(s) is not None]
    return failures


def ensure_html_element_contents(run: RenderRun, options: dict[str, Any]) -> Failures:
    if not run.output.exists():
        return _exists(run.output)
    doc = _soup(run.output)
    failures: Failures = []
    for sel in _as_list(options.get("selectors")):
        el = doc.select_one(sel)
        if el is None:
            failures.append(f"Selector {sel} matched no element in {run.output.name}.")
            continue
        contents = el.get_text()  # deno-dom's innerText is the text content
        failures += [f"Required match /{m}/ is missing from selector {sel} content: {contents}."
                     for m in _as_list(options.get("matches")) if not js_regex(m).search(contents)]
        failures += [f"Unexpected match /{m}/ is present from selector {sel} content: {contents}."
                     for m in _as_list(options.get("noMatches")) if js_regex(m).search(contents)]
    return failures


def ensure_html_element_count(run: RenderRun, options: dict[str, Any]) -> Failures:
    if not run.output.exists():
        return _exists(run.output)
    selectors, counts = _as_list(options.get("selectors")), _as_list(options.get("counts"))
    if len(selectors) != len(counts):
        raise SpecError("Selectors and counts arrays must have the same length")
    doc = _soup(run.output)
    return [f"Selector '{s}' matched {len(doc.select(s))} elements, expected {n}."
            for s, n in zip(selectors, counts) if len(doc.select(s)) != n]


# --------------------------------------------------------------------------- files

def ensure_file_regex_matches(run: RenderRun, matches: list[str],
                              no_matches: list[str] | None = None) -> Failures:
    """Regexes (``m`` flag) on the output file."""
    if not run.output.exists():
        return _exists(run.output)
    return regex_failures(run.output.read_text(encoding="utf-8"), f"file {run.output.name}",
                          _as_list(matches), _as_list(no_matches), multiline=True)


def kept_typ(run: RenderRun) -> Path:
    """``verifyKeepFileRegexMatches("pdf", "typ")`` with the input file given:
    ``keep-typ`` puts the ``.typ`` beside the document."""
    return run.input.parent / run.output.name.replace(".pdf", ".typ")


def ensure_typst_file_regex_matches(run: RenderRun, matches: list[str],
                                    no_matches: list[str] | None = None) -> Failures:
    typ = kept_typ(run)
    if not typ.exists():
        return _exists(typ)
    return regex_failures(typ.read_text(encoding="utf-8"), f"file {typ.name}",
                          _as_list(matches), _as_list(no_matches), multiline=True)


# --------------------------------------------------------------------------- PDF

def pdf_text(path: Path) -> str:
    """The PDF's text, page after page. Upstream runs ``pdftotext FILE -``
    (poppler), which writes a no-break space as a space; pypdf keeps U+00A0
    (Typst sets one in "Figure 1" and "p. 42"), so it becomes a space here too."""
    from pypdf import PdfReader

    return "\f".join(page.extract_text() for page in PdfReader(path).pages).replace("\u00a0", " ")


def ensure_pdf_regex_matches(run: RenderRun, matches: list[str],
                             no_matches: list[str] | None = None) -> Failures:
    """Regexes (no flags: ``asRegexp``) on the PDF's text."""
    if not run.output.exists():
        return _exists(run.output)
    return regex_failures(pdf_text(run.output), f"the text of {run.output.name}",
                          _as_list(matches), _as_list(no_matches), multiline=False)


PDF_INFO = {"title": "/Title", "author": "/Author", "subject": "/Subject", "keywords": "/Keywords",
            "creator": "/Creator", "producer": "/Producer", "creationDate": "/CreationDate",
            "modDate": "/ModDate"}


def ensure_pdf_metadata(run: RenderRun, assertions: dict[str, Any]) -> Failures:
    """``verify-pdf-metadata.ts``: each given field of the document information
    contains the value (case-insensitive), or every item of a list."""
    from pypdf import PdfReader

    if not run.output.exists():
        return _exists(run.output)
    unknown = set(assertions) - set(PDF_INFO)
    if unknown:
        raise SpecError(f"ensurePdfMetadata: unknown fields {sorted(unknown)}")
    info = PdfReader(run.output).metadata or {}
    failures = []
    for name, expected in assertions.items():
        actual = str(info.get(PDF_INFO[name]) or "")
        for item in _as_list(expected):
            if str(item).lower() not in actual.lower():
                failures.append(f'{name}: expected to contain "{item}", got "{actual}"')
                break
    return failures


def ensure_pdf_text_positions(run: RenderRun, assertions: list[Any],
                              no_match_assertions: list[Any] | None = None) -> Failures:
    """``verify-pdf-text-position.ts`` compares bounding boxes of text that
    pdfjs-dist groups into text items and ties to the PDF's structure tree
    (marked-content ids); this harness has no such reader, so the check
    cannot pass here. It is reported, never skipped."""
    return ["ensurePdfTextPositions is not implemented by this harness (it needs pdfjs-dist's "
            f"text items and structure tree): {len(_as_list(assertions))} assertion(s) unchecked"]


# --------------------------------------------------------------------------- log checks

def no_errors(run: RenderRun) -> Failures:
    errors = [m.msg for m in run.messages if m.level == "ERROR"]
    return [f"Errors During Execution\n|{chr(10).join(errors)}|"] if errors else []


def should_error(run: RenderRun) -> Failures:
    if any(m.level == "ERROR" for m in run.messages):
        return []
    return ["No errors during execution while rendering was expected to fail."]


def no_errors_or_warnings(run: RenderRun) -> Failures:
    found = [m.msg for m in run.messages if m.level in ("WARN", "ERROR")]
    return [f"Error or Warnings During Execution\n|{chr(10).join(found)}|"] if found else []


def prints_message(run: RenderRun, options: dict[str, Any]) -> Failures:
    level, negate = options["level"], bool(options.get("negate", False))
    regex = js_regex(options["regex"])
    printed = any(m.level == level and regex.search(m.msg) for m in run.messages)
    if printed != negate:
        return []
    return [f"{'Found' if negate else 'Missing'} {level} /{options['regex']}/"]


def output_created(run: RenderRun) -> Failures:
    failures = [] if any(m.msg.startswith("Output created:") for m in run.messages) \
        else ["No output created message"]
    return failures + _exists(run.output)


def has_supporting_files(run: RenderRun) -> Failures:
    return _exists(run.support)


def no_supporting_files(run: RenderRun) -> Failures:
    return [f"Unexpected path: {run.support}"] if run.support.exists() else []


CHECKS: dict[str, Callable[..., Failures]] = {
    "ensureHtmlElements": ensure_html_elements,
    "ensureHtmlElementContents": ensure_html_element_contents,
    "ensureHtmlElementCount": ensure_html_element_count,
    "ensureFileRegexMatches": ensure_file_regex_matches,
    "ensureTypstFileRegexMatches": ensure_typst_file_regex_matches,
    "ensurePdfRegexMatches": ensure_pdf_regex_matches,
    "ensurePdfMetadata": ensure_pdf_metadata,
    "ensurePdfTextPositions": ensure_pdf_text_positions,
    "printsMessage": prints_message,
    "noErrors": no_errors,
    "noErrorsOrWarnings": no_errors_or_warnings,
    "shouldError": should_error,
    "outputCreated": output_created,
    "hasSupportingFiles": has_supporting_files,
    "noSupportingFiles": no_supporting_files,
}


@dataclass(frozen=True)
class Check:
    """One ``Verify`` of upstream's harness: a check kind and its arguments."""

    kind: str
    args: tuple = ()

    def failures(self, run: RenderRun) -> Failures:
        return CHECKS[self.kind](run, *self.args)


# --------------------------------------------------------------------------- specifications

class _Loader(yaml.SafeLoader):
    """YAML as the harness needs it: dates and tags (``!expr``) stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node)
                              if isinstance(node, yaml.ScalarNode) else None)


def front_matter(path: Path) -> dict[str, Any]:
    """``readYamlFromMarkdown``: the document's YAML front matter."""
    m = re.match(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", path.read_text(encoding="utf-8"),
                 re.S)
    meta = yaml.load(m.group(1), Loader=_Loader) if m else None  # noqa: S506 - a SafeLoader
    return meta if isinstance(meta, dict) else {}


@dataclass
class Spec:
    """The checks of one document for one format."""

    format: str
    checks: list[Check] = field(default_factory=list)


def _spec_check(key: str, value: Any, metadata: dict[str, Any], source: str) -> list[Check]:
    """``resolveTestSpecs``: one front-matter entry as checks."""
    if key == "printsMessage":
        return [Check(key, (msg,)) for msg in _as_list(value)]
    if key not in CHECKS or key in ("outputCreated", "hasSupportingFiles", "noSupportingFiles"):
        raise SpecError(f"Unknown verify function used: {key} in file {source}")
    if key == "ensureTypstFileRegexMatches":
        typst = (metadata.get("format") or {}).get("typst") if isinstance(metadata.get("format"), dict) else None
        keep = (isinstance(typst, dict) and typst.get("keep-typ")) or metadata.get("keep-typ")
        if not keep:
            raise SpecError(f"Using ensureTypstFileRegexMatches requires setting 'keep-typ: true' "
                            f"in file {source}")
    if isinstance(value, list):  # [matches, noMatches?]
        return [Check(key, (value[0] if value else [], value[1] if len(value) > 1 else None))]
    return [Check(key, (value,))]


def skip_reason(metadata: dict[str, Any]) -> str | None:
    """``skipTest``: ``_quarto.tests.run`` (this harness never runs in Quarto's CI)."""
    run = (((metadata.get("_quarto") or {}).get("tests") or {}).get("run")) or {}
    if run.get("skip"):
        return run["skip"] if isinstance(run["skip"], str) else "tests.run.skip is true"
    if "linux" in _as_list(run.get("not_os")):
        return "tests.run.not_os includes linux"
    if run.get("os") is not None and "linux" not in _as_list(run.get("os")):
        return "tests.run.os does not include linux"
    return None


def guess_formats(metadata: dict[str, Any]) -> list[str]:
    """``guessFormat`` (on the front matter): the formats it names, else html."""
    fmt = metadata.get("format")
    formats = list(fmt) if isinstance(fmt, dict) else [fmt] if isinstance(fmt, str) else []
    return formats or ["html"]


def smoke_all_specs(path: Path, source: str) -> list[Spec]:
    """``resolveTestSpecs`` of ``smoke-all.test.ts`` for one document (the
    checks of formats other than html and typst are left unresolved)."""
    metadata = front_matter(path)
    tests = (metadata.get("_quarto") or {}).get("tests")
    if not tests and (metadata.get("_quarto") or {}).get("test") is not None:
        raise SpecError(f"Test is {source} is using 'test' in metadata instead of 'tests'.")
    if not isinstance(tests, dict) or not [k for k in tests if k != "run"]:
        return [Spec(f, [Check("noErrorsOrWarnings")]) for f in guess_formats(metadata)]
    specs = []
    for fmt, entries in tests.items():
        if fmt == "run":
            continue
        spec, check_warnings = Spec(fmt), True
        if fmt not in RENDERED_FORMATS:   # its checks need an output this harness cannot make
            specs.append(spec)
            continue
        for key, value in (entries or {}).items():
            if key == "postRenderCleanup":   # files to delete afterwards; the tmp copy goes anyway
                continue
            if key in ("shouldError", "noErrors", "noErrorsOrWarnings"):
                check_warnings = False
                spec.checks.append(Check(key))
                continue
            spec.checks += _spec_check(key, value, metadata, source)
        if check_warnings:
            spec.checks.append(Check("noErrorsOrWarnings"))
        specs.append(spec)
    return specs


def render_test_checks(no_supporting: bool) -> list[Check]:
    """What ``testRender`` (``tests/smoke/render/render.ts``) checks of every render."""
    return [Check("outputCreated"), Check("noSupportingFiles" if no_supporting else "hasSupportingFiles")]


@dataclass(frozen=True)
class TsSpec:
    """A render test written in TypeScript: ``testRender(input, to, noSupporting, [...])``."""

    source: str                      # the .test.ts file, under tests/
    input: str                       # under tests/docs/
    to: str
    checks: tuple[Check, ...]
    no_supporting: bool = False
    without: str | None = None       # a file the test's setup renames away first


def _regex(*patterns: str) -> list[str]:
    return list(patterns)


SHORTCODES_CORE = "smoke/shortcodes/shortcodes-core.test.ts"
SECTIONS = "smoke/crossref/sections.test.ts"
# Transcribed from the two files named; each RegExp literal /x/ is the string "x".
TS_SPECS: tuple[TsSpec, ...] = (
    TsSpec(SHORTCODES_CORE, "shortcodes/metadata.qmd", "html", (
        Check("ensureFileRegexMatches", (_regex(r"Subkey Value", r"Hello World"), _regex(r"\?meta"))),)),
    TsSpec(SHORTCODES_CORE, "shortcodes/custom.qmd", "html", (
        Check("ensureFileRegexMatches", (
            _regex(r"<strong>_bringit_<\/strong>", r"\?shorty:error_args", r"\?shorty:error message"),
            _regex(r"\?shorty:_bringit_"))),)),
    TsSpec(SHORTCODES_CORE, "shortcodes/metadata-error.qmd", "html", (
        Check("ensureFileRegexMatches", (_regex(r"\?meta:equation", r"\?invalid meta type:weird-type"),)),)),
    TsSpec(SHORTCODES_CORE, "shortcodes/vars-simple.qmd", "html", (
        Check("ensureFileRegexMatches", (_regex(r"bar", r"Variable 2 Sub Sub VALUE"), _regex(r"\?var"))),)),
    TsSpec(SHORTCODES_CORE, "shortcodes/vars-links.qmd", "html", (
        Check("ensureFileRegexMatches", (
            _regex(r"http\:\/\/www\.test\.com\/bar", r"images\/beach\.jpg\?bar"), [])),)),
    TsSpec(SHORTCODES_CORE, "shortcodes/vars-error.qmd", "html", (
        Check("ensureFileRegexMatches", (_regex(r"\?var:foobar123"),)),)),
    TsSpec(SHORTCODES_CORE, "shortcodes/vars-simple.qmd", "html", (Check("noErrorsOrWarnings"),),
           without="shortcodes/_variables.yml"),
    TsSpec(SECTIONS, "crossrefs/sections.qmd", "html", (
        Check("ensureHtmlElements", (["section#sec-introduction h2"],)),
        Check("ensureFileRegexMatches", (_regex(r"Section&nbsp;1"), _regex(r"\?@sec-"))))),
)


# --------------------------------------------------------------------------- where the output goes

def find_project_dir(input_path: Path, stop: Path | None = None) -> Path | None:
    """``findProjectDir``: the nearest folder with ``_quarto.yml``, not above ``stop``."""
    directory = input_path.parent
    while True:
        if stop is not None and directory == stop:
            return None
        if any((directory / name).exists() for name in ("_quarto.yml", "_quarto.yaml")):
            return directory
        if directory.parent == directory:
            return None
        directory = directory.parent


def output_for_input(input_path: Path, to: str, metadata: dict[str, Any],
                     stop: Path | None = None) -> tuple[Path, Path]:
    """``outputForInput`` for html and typst: (output path, supporting-files path)."""
    project = find_project_dir(input_path, stop)
    out_dir = ""
    if project is not None:
        config = yaml.load((project / "_quarto.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}
        out_dir = ((config.get("project") or {}).get("output-dir")) or ""
    fmt = (metadata.get("format") or {}) if isinstance(metadata.get("format"), dict) else {}
    stem = ((fmt.get(to) or {}) if isinstance(fmt.get(to), dict) else {}).get("output-file") \
        or input_path.stem
    base = project / out_dir / input_path.parent.relative_to(project) if project else input_path.parent
    return base / f"{stem}.{OUTPUT_EXT[to]}", base / f"{stem}_files"
