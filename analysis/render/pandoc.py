"""One pandoc run the way ``quarto render`` makes it: Quarto's qmd reader, its
Lua filter chain (``main.lua``) and data dir, its templates, and the filter
parameters its TypeScript would pass (``QUARTO_FILTER_PARAMS``).

Upstream: ``command/render/pandoc.ts`` (runPandoc: defaults file, metadata
file, dates, authors, the environment), ``command/render/filters.ts``
(filterParamsJson and what goes into it), ``command/render/defaults.ts``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.render import resources
from analysis.render.config import Metadata, format_date, merge_configs
from analysis.render.errors import RenderError
from analysis.render.markdown import SourceText

log = logging.getLogger(__name__)

QUARTO_FILTER_PARAMS = "QUARTO_FILTER_PARAMS"
INCLUDE_KEYS = {"include-in-header": "header-includes", "include-before-body": "include-before",
                "include-after-body": "include-after"}
STRICT_FILTER = Path(__file__).with_name("strict.lua")


@dataclass
class PandocRun:
    """Everything one pandoc invocation needs, and what it produced."""

    source: Path                    # the .qmd
    project_dir: Path
    output_dir_rel: str | None      # project output-dir, relative to the project
    to: str                         # html | typst
    fmt: Metadata                   # resolved format (buckets)
    body: SourceText                # markdown pandoc reads, mapped to its files
    scratch: Path                   # private temp folder of this render
    shortcodes: list[str] = field(default_factory=list)   # extension shortcode files
    filters: list[Any] = field(default_factory=list)      # user filters (Quarto entry points)
    extra_pandoc: dict[str, Any] = field(default_factory=dict)
    strict: bool = False
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- parameters

def _smart_includes(container: dict[str, Any], key: str) -> list[str]:
    """``extractSmartIncludeInternal``: pull ``{key: ...}`` items out of the
    include options of ``container`` (mutating it)."""
    found: list[str] = []
    for option in INCLUDE_KEYS:
        value = container.get(option)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        hits = [v for v in items if isinstance(v, dict) and isinstance(v.get(key), str)]
        rest = [v for v in items if v not in hits]
        if isinstance(value, list):
            container[option] = rest
        elif hits:
            del container[option]
        found += [f"{option}\0{h[key]}" for h in hits]
    return found


def include_params(fmt: Metadata, input_dir: Path) -> dict[str, list[str]]:
    """``extractIncludeParams``: text includes and file includes as filter params."""
    meta, pandoc = fmt["metadata"], fmt["pandoc"]
    texts = _smart_includes(meta, "text") + _smart_includes(pandoc, "text")
    files = _smart_includes(meta, "file") + _smart_includes(pandoc, "file")
    out: dict[str, list[str]] = {v: [] for v in INCLUDE_KEYS.values()} | {k: [] for k in INCLUDE_KEYS}
    for key in INCLUDE_KEYS.values():  # header-includes, include-before/after in metadata
        value = meta.pop(key, None)
        out[key] += [] if not value else value if isinstance(value, list) else [value]
    for item in texts:
        option, text = item.split("\0", 1)
        out[INCLUDE_KEYS[option]].append(text)
    for option in INCLUDE_KEYS:
        plain = pandoc.pop(option, None) or []
        out[option] += [str(input_dir / p) for p in (plain if isinstance(plain, list) else [plain])
                        if isinstance(p, str)]
    for item in files:
        option, file = item.split("\0", 1)
        out[option].append(str(input_dir / file))
    for option in INCLUDE_KEYS:
        for file in out[option]:
            if not Path(file).is_file():
                raise RenderError(f"{option}: file not found: {file}")
    return out


def mediabag_dir(source: Path) -> Path:
    """``filesDirMediabagDir``: ``<stem>_files/mediabag`` beside the document
    (``command/render/render-paths.ts``). The filters write there what they
    take out of the document (data: URIs, fetched images), and the output
    refers to it relative to the document, so Typst finds it inside the project."""
    return source.parent / f"{source.stem}_files" / "mediabag"


@contextlib.contextmanager
def mediabag(source: Path, keep: bool) -> Iterator[Path]:
    """The mediabag for one render, deleted afterwards unless the render keeps
    its intermediates (``keep-typ``, ``keep-md``) or its supporting files (HTML
    that is not self-contained), then removed with ``<stem>_files`` if empty
    (``command/render/cleanup.ts``, ``renderCleanup``). Quarto's filters make
    the folder when they first write to it (``_quarto.file.write``), so a
    document that extracts nothing leaves nothing beside itself."""
    folder = mediabag_dir(source)
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
        for empty in (folder, folder.parent):
            with contextlib.suppress(OSError):
                empty.rmdir()


DEFAULT_HIGHLIGHT_STYLE = "arrow"   # command/render/constants.ts kDefaultHighlightStyle


def typst_highlighting(pandoc: Metadata, input_dir: Path) -> str:
    """``resolveTextHighlightStyle`` for a format without an HTML highlighting
    mode (Typst): ``none`` and ``idiomatic`` as they are; a theme name becomes
    Quarto's theme file (``textHighlightThemePath``: ``<name>-light.theme``,
    ``<name>.theme``, else a file relative to the document), default ``arrow``."""
    theme = pandoc.get("syntax-highlighting") or pandoc.get("highlight-style") or DEFAULT_HIGHLIGHT_STYLE
    if theme in ("none", "idiomatic"):
        return theme
    if isinstance(theme, dict):
        theme = theme.get("light") or next(iter(theme.values()))
    for name in (f"{theme}-light", theme):
        path = resources.resource("pandoc", "highlight-styles", f"{name}.theme")
        if path.exists():
            return str(path)
    return str(input_dir / theme) if (input_dir / theme).exists() else theme


def cite_method(fmt: Metadata) -> str | None:
    pandoc, meta = fmt["pandoc"], fmt["metadata"]
    if pandoc.get("citeproc"):
        return "citeproc"
    if not meta.get("bibliography") and not meta.get("references"):
        return None
    return None if pandoc.get("citeproc") is False else "citeproc"


def language_params(language: Metadata) -> dict[str, Any]:
    """``languageFilterParams``."""
    params: dict[str, Any] = {"toc-title-document": language.get("toc-title-document")}
    for kind in ("fig", "tbl", "lst", "thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr"):
        params[f"crossref-{kind}-prefix"] = language.get(f"crossref-{kind}-title")
    params.update({k: v for k, v in language.items()
                   if k.startswith(("callout-", "crossref-", "environment-"))})
    return params


def filter_params(run: PandocRun, includes: dict[str, list[str]], quarto_filters: dict[str, Any],
                  language: Metadata) -> dict[str, Any]:
    """``filterParamsJson`` for html and typst documents."""
    fmt, render, meta = run.fmt, run.fmt["render"], run.fmt["metadata"]
    params: dict[str, Any] = dict(includes)
    if run.output_dir_rel:
        params["project-output-dir"] = run.output_dir_rel
    params["project-offset"] = os.path.relpath(run.project_dir, run.source.parent).replace(os.sep, "/")
    if meta.get("citation-location"):
        params["citation-location"] = meta["citation-location"]
    # quartoFilterParams
    params["output-divs"] = render.get("output-divs")
    params["mediabag-dir"] = mediabag_dir(run.source).relative_to(run.source.parent).as_posix()
    for key in ("fig-align", "fig-pos", "fig-env", "code-fold", "html-table-processing",
                "use-rsvg-convert", "code-line-numbers", "clear-cell-options"):
        if render.get(key) not in (None, False, ""):
            params[key] = render[key]
    if render.get("tbl-colwidths") is not None:
        params["tbl-colwidths"] = render["tbl-colwidths"]
    shortcodes = list(render.get("shortcodes") or []) + run.shortcodes
    if render.get("shortcodes") is not None or run.shortcodes:
        params["shortcodes"] = shortcodes
    params["html-math-method"] = fmt["pandoc"].get("html-math-method")
    if meta.get("fig-responsive") is True:
        params["fig-responsive"] = True
    for key in ("output-location", "remove-hidden", "clear-hidden-classes", "unroll-markdown-cells"):
        if meta.get(key):
            params[key] = meta[key]
    if render.get("keep-hidden"):
        params["keep-hidden"] = "keep-hidden"
    params["cite-method"] = cite_method(fmt)
    params["pdf-engine"] = fmt["pandoc"].get("pdf-engine") or "pdflatex"
    params["has-bootstrap"] = bool(run.extra_pandoc.get("has-bootstrap", False))
    params["has-resource-path"] = "resource-path" in fmt["pandoc"]
    params["quarto-source"] = os.path.relpath(run.source, run.project_dir).replace(os.sep, "/")
    params["quarto_profile"] = []
    params["quarto-version"] = resources.QUARTO_VERSION
    params["quarto-cli-path"] = None
    params["code-annotations"] = meta.get("code-annotations")
    # crossrefFilterParams (the index goes to this render's scratch, never .quarto/)
    for key in ("listings", "number-sections", "number-offset"):
        if fmt["pandoc"].get(key):
            params[key] = fmt["pandoc"][key]
    params["number-depth"] = meta.get("number-depth")
    params["crossref-index-file"] = str(run.scratch / "xref.json")
    params["crossref-input-type"] = "qmd"
    if render.get("page-width"):
        params["page-width"] = render["page-width"]
    params.update(language_params(language))
    params["language"] = language
    if run.to == "typst":
        for key in ("toc-indent", "logo", "css-property-processing", "brand-mode",
                    "html-pre-tag-processing"):
            params[key] = meta.get(key)
    params.update(run.extra_pandoc.get("filter-params", {}))
    params.update({
        "results-file": str(run.scratch / "results.json"),
        "quarto-filters": quarto_filters,
        "active-filters": {"normalization": meta.get("quarto-meta-normalization") is not False,
                           "crossref": meta.get("crossref") is not False, "jats_subarticle": None},
        "format-identifier": {**fmt["identifier"], "base-format": run.to},
        "is-shiny-python": False,
        "execution-engine": "markdown",
        "quarto-environment": {"paths": {}},
    })
    return params


def resolve_filters(fmt: Metadata, run: PandocRun) -> tuple[list[Any], dict[str, Any]]:
    """``resolveFilters``: the defaults' filter list and the filter spec param."""
    user = list(fmt["pandoc"].get("filters") or []) + run.filters
    quarto_loc = next((i for i, f in enumerate(user) if f == "quarto"), None)
    entry_points = []
    for i, filt in enumerate(f for f in user if f not in ("quarto", "citeproc")):
        if isinstance(filt, dict) and "at" in filt:
            entry_points.append(filt)
            continue
        at = "pre-quarto" if quarto_loc is None or quarto_loc > i else "post-render"
        if isinstance(filt, str):
            entry_points.append({"at": at, "type": "lua" if filt.endswith(".lua") else "json",
                                 "path": filt})
        else:
            entry_points.append({"at": at, **filt})
    quarto_filters: list[Any] = [str(resources.resource("filters", "main.lua"))]
    if cite_method(fmt) == "citeproc":
        fmt["pandoc"].pop("citeproc", None)
        quarto_filters.append("citeproc")
    return quarto_filters, {"quartoFilters": quarto_filters, "beforeQuartoFilters": [],
                            "afterQuartoFilters": [], "entryPoints": entry_points}


# --------------------------------------------------------------------------- metadata

def pandoc_metadata(fmt: Metadata, source: Path) -> Metadata:
    """The metadata file: dates formatted, ``author`` → ``authors``, zh → zh-Hans."""
    meta = json.loads(json.dumps(fmt["metadata"], default=str))
    for key in ("date", "date-modified"):
        if meta.get(key) is not None:
            meta[key] = format_date(meta[key], meta.get("date-format"), source)
    authors = meta.get("authors") or meta.get("author")
    if authors:
        as_list = authors if isinstance(authors, list) else [authors]
        meta["author"] = [a if isinstance(a, str) else (a.get("name") if isinstance(a.get("name"), str)
                          else (a.get("name") or {}).get("literal", "")) for a in as_list
                          if isinstance(a, (str, dict))]
        meta["authors"] = as_list
    if meta.get("lang") == "zh":
        meta["lang"] = "zh-Hans"
    for key in ("format", "project", "website", "about"):
        meta.pop(key, None)
    if isinstance(meta.get("_quarto"), dict):
        meta["_quarto"].pop("tests", None)
        if not meta["_quarto"]:
            del meta["_quarto"]
    return meta


# --------------------------------------------------------------------------- running

def pandoc_binary() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


ANSI = re.compile(r"\x1b\[[0-9;]*m")
FILTER_SOURCE = re.compile(r" ?\((?:[^()\s]*/)?[\w./-]+\.lua:\d+\)")
# What a message is about, and how to find it in the source.
SUBJECTS = [
    (re.compile(r"Unknown var ([\w.-]+)"), lambda m: rf"\{{\{{<\s*var\s+{re.escape(m)}\b"),
    (re.compile(r"Unknown meta ([\w.-]+)"), lambda m: rf"\{{\{{<\s*meta\s+{re.escape(m)}\b"),
    (re.compile(r"Shortcode '([\w.-]+)' not found"), lambda m: rf"\{{\{{<\s*{re.escape(m)}\b"),
    (re.compile(r"(?:crossref|cross-reference:?) '?@?([\w:-]+)"), lambda m: rf"@{re.escape(m)}\b"),
    (re.compile(r"[Cc]itation ([\w:.#$%&+?<>~/-]+) not found"), lambda m: rf"@{re.escape(m)}\b"),
    (re.compile(r"file not found \(searched at (?:[^)]*/)?([^/)]+)\)"), re.escape),
    (re.compile(r"[Cc]ould not fetch resource (?:\S*/)?([^\s/:]+)"), re.escape),
]


def clean_message(message: str) -> str:
    """Quarto's warning without colour codes or the filter file it came from."""
    return FILTER_SOURCE.sub("", ANSI.sub("", message)).strip()


def locate(body: SourceText, default: Path, message: str, needle: str | None = None) -> str:
    """Prefix a pandoc, Quarto or check message with the file and line(s) it concerns."""
    message = clean_message(message)
    m = re.search(r"line (\d+),? column (\d+)", message)
    origin = body.origin(int(m.group(1))) if m else None
    if origin:
        return f"{origin[0]}:{origin[1]}: {message}"
    patterns = [re.escape(needle)] if needle else []
    for subject, pattern in SUBJECTS:
        found = subject.search(message)
        if found:
            patterns.append(pattern(found.group(1)))
    for pattern in patterns:
        rx = re.compile(pattern)
        hits = [body.origins[i] for i, line in enumerate(body.lines) if rx.search(line)]
        if hits:
            return f"{', '.join(f'{p}:{n}' for p, n in hits[:5])}: {message}"
    return f"{default}: {message}"


def run_pandoc(run: PandocRun, output: Path, template: Path | None,
               extra_args: list[str] | None = None) -> None:
    """Run pandoc on ``run.body`` into ``output``; warnings are kept on ``run``."""
    fmt = run.fmt
    language = fmt["language"]
    meta = fmt["metadata"]
    if not meta.get("toc-title"):
        meta["toc-title"] = language.get("toc-title-document")
    if meta.get("abstract") and run.to == "html":
        meta.setdefault("abstract-title", language.get("section-title-abstract"))
    includes = include_params(fmt, run.source.parent)
    quarto_filters, spec = resolve_filters(fmt, run)
    if run.strict:
        spec["entryPoints"].append({"at": "post-render", "type": "lua", "path": str(STRICT_FILTER)})
    params = filter_params(run, includes, spec, language)

    defaults = {k: v for k, v in fmt["pandoc"].items() if k not in ("filters",)}
    to = run.to + str(fmt["render"].get("variant") or "")
    defaults.update({"to": "html" + to[4:] if run.to == "html" else to,
                     "from": str(resources.resource("filters", "qmd-reader.lua")),
                     "filters": quarto_filters,
                     "variables": merge_configs(defaults.get("variables") or {},
                                                {"quarto": {"language": language}})})
    if template:
        defaults["template"] = str(template)
    if run.to == "typst":
        defaults.pop("highlight-style", None)
        defaults["syntax-highlighting"] = typst_highlighting(fmt["pandoc"], run.source.parent)
    defaults["syntax-definitions"] = sorted(
        str(p) for p in resources.resource("pandoc", "syntax-definitions").glob("*.xml"))
    for key in ("self-contained", "embed-resources", "output-file", "number-offset"):
        defaults.pop(key, None)
    if fmt["pandoc"].get("number-offset") is not None:
        offset = fmt["pandoc"]["number-offset"]
        defaults["number-offset"] = offset if isinstance(offset, list) else [offset]
    if run.to == "html" and meta.get("crossref") is not False:
        defaults.pop("number-sections", None)  # the crossref filter numbers sections

    run.scratch.mkdir(parents=True, exist_ok=True)
    (run.scratch / "dependencies.json").write_text("", encoding="utf-8")  # Quarto's temp file
    defaults_file = run.scratch / "quarto-defaults.yml"
    defaults_file.write_text("---\n" + yaml.safe_dump(defaults, allow_unicode=True, sort_keys=False),
                             encoding="utf-8")
    metadata_file = run.scratch / "quarto-metadata.yml"
    metadata_file.write_text(yaml.safe_dump(pandoc_metadata(fmt, run.source), allow_unicode=True,
                                            sort_keys=False), encoding="utf-8")
    input_file = run.scratch / "quarto-input.md"
    input_file.write_text(run.body.text, encoding="utf-8")

    env = {**os.environ,
           QUARTO_FILTER_PARAMS: base64.b64encode(json.dumps(params).encode("utf-8")).decode("ascii"),
           "QUARTO_SHARE_PATH": str(resources.RESOURCES),
           "QUARTO_FILTER_DEPENDENCY_FILE": str(run.scratch / "dependencies.json"),
           "QUARTO_STRICT_REPORT": str(run.scratch / "strict.json"),
           # Typst has its own citations; HTML without citeproc would print them as typed
           "QUARTO_STRICT_NO_CITEPROC": "1" if run.to == "html" and "citeproc" not in quarto_filters else "0",
           "LUA_CPATH": "", "LC_ALL": "C.UTF-8"}
    cmd = [pandoc_binary(), "+RTS", "-K512m", "-RTS", "--defaults", str(defaults_file),
           str(input_file), "--metadata-file", str(metadata_file),
           "--data-dir", str(resources.resource("pandoc", "datadir")), "--output", str(output),
           *(extra_args or [])]
    log.info("pandoc %s", " ".join(cmd[1:]))
    proc = subprocess.run(cmd, cwd=run.source.parent, env=env, capture_output=True, text=True)
    stderr = ANSI.sub("", proc.stderr).strip()
    messages = [m for m in re.split(r"\n(?=\[WARNING\]|WARN|ERROR)", stderr) if m.strip()]
    where = lambda m, needle=None: locate(run.body, run.source, m, needle)  # noqa: E731
    if proc.returncode != 0:
        raise RenderError(f"pandoc failed on {run.source.name} ({run.to}):\n"
                          + "\n".join(where(m) for m in messages))
    run.warnings += [where(m) for m in messages]
    if run.to == "typst":  # the format's post-processor (format-typst.ts)
        from analysis.render.typst import fix_skylighting

        output.write_text(fix_skylighting(output.read_text(encoding="utf-8")), encoding="utf-8")
    report = run.scratch / "strict.json"
    if run.strict:
        problems = json.loads(report.read_text(encoding="utf-8") or "[]") if report.exists() else []
        lines = run.warnings + [where(f"{p['kind']}: '{p['text']}'", p["text"].lstrip("?"))
                                for p in problems]
        if lines:
            raise RenderError(f"{run.source.name} ({run.to}): the build renders strictly, and "
                              "this would reach the reader:\n" + "\n".join(dict.fromkeys(lines)))
