"""Render the Quarto project in ``paper/``.

With Quarto on PATH this is ``quarto render``. Without it, the same ``.qmd``
sources go through pandoc (with citeproc) and Typst, the engine pair Quarto
itself uses for Typst PDFs, honouring the Quarto features the paper uses:
``_quarto.yml`` and front-matter options, ``{{< var >}}`` and
``{{< include >}}`` shortcodes, numbered ``@fig-``/``@tbl-`` cross-references,
``.content-visible``/``.content-hidden`` blocks and ``fig-alt``.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.fileio import atomic_path

log = logging.getLogger(__name__)

PANDOC_DATA = Path(__file__).parent / "pandoc"  # term translations (zh), Lua filter
LUA_FILTER = PANDOC_DATA / "quarto_compat.lua"
SHORTCODE = re.compile(r"\{\{<\s*(var|include)\s+([^>]*?)\s*>\}\}")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---[ \t]*\n", re.S)


class RenderError(RuntimeError):
    """The paper could not be rendered; the message says where and why."""


@dataclass
class RenderSettings:
    """What a render needs besides the sources."""

    root: Path                      # repository root: Typst may read files below it
    font_dirs: list[Path]           # where the configured fonts live (Typst)
    mainfont: str                   # body font family of the PDF
    timestamp: int                  # fixed PDF creation time (Unix seconds)
    engine: str = "auto"            # auto | quarto | fallback
    extra_meta: dict[str, Any] = field(default_factory=dict)


def quarto_path() -> str | None:
    """The ``quarto`` executable, if this machine has one."""
    return shutil.which("quarto")


def choose_engine(requested: str) -> str:
    if requested == "quarto" and not quarto_path():
        raise RenderError("render.engine is 'quarto' but no quarto is on PATH; "
                          "install Quarto or set render.engine to 'auto'")
    if requested == "auto":
        return "quarto" if quarto_path() else "fallback"
    return requested


# --------------------------------------------------------------------------- sources

def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter and body of a ``.qmd``."""
    import yaml

    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    return yaml.safe_load(m.group(1)) or {}, text[m.end():]


def lookup_var(variables: dict[str, Any], key: str) -> Any:
    node: Any = variables
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    return node


def resolve_include(arg: str, main_dir: Path, project_dir: Path) -> Path:
    """Where Quarto looks for an included file: relative to the *main* document's
    directory (also inside included files), or to the project root for ``/…``."""
    return project_dir / arg.lstrip("/") if arg.startswith("/") else main_dir / arg


def expand_shortcodes(text: str, path: Path, variables: dict[str, Any], depth: int = 0, *,
                      main_dir: Path | None = None, project_dir: Path | None = None) -> str:
    """Resolve ``{{< include f >}}`` and ``{{< var k >}}`` as Quarto does.

    An unknown variable or a missing include is an error naming file and line,
    where Quarto would only print ``?var:k`` into the paper.
    """
    main_dir = main_dir or path.parent
    project_dir = project_dir or main_dir
    if depth > 10:
        raise RenderError(f"{path}: includes nested more than 10 deep")

    def replace(m: re.Match[str]) -> str:
        kind, arg = m.group(1), m.group(2).strip().strip('"')
        line = text.count("\n", 0, m.start()) + 1
        if kind == "include":
            target = resolve_include(arg, main_dir, project_dir)
            if not target.is_file():
                raise RenderError(f"{path}:{line}: included file not found: {arg} "
                                  f"(looked for {target}; Quarto resolves includes from the main "
                                  "document's folder, or from the project root for /paths)")
            body = target.read_text(encoding="utf-8")
            return expand_shortcodes(body, target, variables, depth + 1, main_dir=main_dir,
                                     project_dir=project_dir)
        try:
            value = lookup_var(variables, arg)
        except KeyError:
            raise RenderError(f"{path}:{line}: unknown variable '{arg}' "
                              "(not in paper/_variables.yml)") from None
        return str(value)

    return SHORTCODE.sub(replace, text)


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# Options whose values Quarto concatenates across project and document
# instead of letting the document's value replace the project's.
CONCATENATED = ("include-in-header", "include-before-body", "include-after-body")


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def document_options(project: dict[str, Any], front: dict[str, Any], fmt: str) -> dict[str, Any]:
    """Quarto's option merge: project defaults < document; shared < ``format.<fmt>``;
    ``include-*`` lists are concatenated."""
    layers = [{k: v for k, v in project.items() if k not in ("project", "format")},
              {k: v for k, v in front.items() if k != "format"},
              (project.get("format") or {}).get(fmt) or {},
              (front.get("format") or {}).get(fmt) or {}]
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = deep_merge(merged, {k: v for k, v in layer.items() if k not in CONCATENATED})
        for key in CONCATENATED:
            if key in layer:
                merged[key] = _as_list(merged.get(key)) + _as_list(layer[key])
    return merged


# --------------------------------------------------------------------------- pandoc

def _pandoc(args: list[str], source: str, cwd: Path) -> str:
    import pypandoc

    cmd = [pypandoc.get_pandoc_path(), "--fail-if-warnings", "--data-dir", str(PANDOC_DATA), *args]
    log.info("pandoc %s", " ".join(args))
    proc = subprocess.run(cmd, input=source, capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})
    if proc.returncode != 0:
        raise RenderError(f"pandoc failed ({proc.returncode}):\n{proc.stderr.strip()}")
    return proc.stdout


# Quarto's default table-of-contents titles (its language files), per language.
TOC_TITLES = {"zh": "目录", "en": "Table of contents"}

_PANDOC_META_DROP = ("format", "toc", "toc-depth", "number-sections", "embed-resources", "css",
                     "citeproc", "keep-typ", "font-paths", "execute", "jupyter", "include-in-header",
                     "include-before-body", "include-after-body")


def included_texts(value: Any, base: Path) -> list[str]:
    """Quarto's ``include-in-header`` forms: a path, ``{text: …}``, ``{file: …}`` or a list."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict) and "text" in item:
            out.append(str(item["text"]))
        else:
            path = base / (item["file"] if isinstance(item, dict) else str(item))
            if not path.is_file():
                raise RenderError(f"include-in-header file not found: {path}")
            out.append(path.read_text(encoding="utf-8"))
    return out


def pandoc_args(opts: dict[str, Any], fmt: str) -> tuple[list[str], dict[str, Any]]:
    """Command-line options and metadata for pandoc from merged Quarto options."""
    meta = {k: v for k, v in opts.items() if k not in _PANDOC_META_DROP}
    args = ["--from", "markdown", "--standalone", "--lua-filter", str(LUA_FILTER), "--citeproc"]
    if opts.get("toc"):
        args += ["--toc", f"--toc-depth={int(opts.get('toc-depth', 3))}"]
        meta.setdefault("toc-depth", int(opts.get("toc-depth", 3)))
        lang = str(opts.get("lang", "en")).split("-")[0]
        meta.setdefault("toc-title", TOC_TITLES.get(lang, TOC_TITLES["en"]))
    if fmt == "html":
        args += ["--to", "html5"]
        if opts.get("number-sections"):
            args.append("--number-sections")
        for css in ([opts["css"]] if isinstance(opts.get("css"), str) else opts.get("css") or []):
            args += ["--css", css]
        if opts.get("embed-resources"):
            args.append("--embed-resources")
    else:
        args += ["--to", "typst"]
        if opts.get("number-sections") and "section-numbering" not in meta:
            meta["section-numbering"] = "1.1.1"
        if opts.get("toc"):
            meta["toc"] = True
    return args, meta


# --------------------------------------------------------------------------- render

def render_fallback(qmd: Path, fmt: str, output: Path, settings: RenderSettings) -> None:
    """Render one document to ``html`` or ``pdf`` (Typst) without Quarto."""
    import typst
    import yaml

    qmd = qmd.resolve()
    project_dir = qmd.parent
    project = yaml.safe_load((project_dir / "_quarto.yml").read_text(encoding="utf-8")) or {}
    var_file = project_dir / "_variables.yml"
    variables = yaml.safe_load(var_file.read_text(encoding="utf-8")) if var_file.exists() else {}
    text = expand_shortcodes(qmd.read_text(encoding="utf-8"), qmd, variables,
                             main_dir=project_dir, project_dir=project_dir)
    front, body = split_front_matter(text)
    quarto_fmt = "html" if fmt == "html" else "typst"
    # The configuration supplies defaults (the CJK body font); a document that
    # sets an option itself (the English edition's mainfont) keeps its own.
    opts = deep_merge(settings.extra_meta, document_options(project, front, quarto_fmt))
    args, meta = pandoc_args(opts, quarto_fmt)

    with tempfile.TemporaryDirectory(prefix=".render-", dir=project_dir) as tmp:
        meta_file = Path(tmp) / "metadata.yaml"
        meta_file.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        args += ["--metadata-file", str(meta_file), "--resource-path", str(project_dir)]
        for option in CONCATENATED:  # include-in-header, -before-body, -after-body
            for i, text in enumerate(included_texts(opts.get(option) or [], project_dir)):
                part_file = Path(tmp) / f"{option}-{i}.txt"
                part_file.write_text(text, encoding="utf-8")
                args += [f"--{option}", str(part_file)]
        converted = _pandoc(args, body, cwd=project_dir)
        if fmt == "html":
            with atomic_path(output) as part:
                part.write_text(converted, encoding="utf-8", newline="\n")
            return
        # The .typ sits beside the .qmd so relative paths (../figures/…) mean
        # what they mean in the source; Typst's root is the repository.
        typ = project_dir / f".{qmd.stem}.typ"
        typ.write_text(converted, encoding="utf-8")
        try:
            with atomic_path(output) as part:
                _, warnings = typst.compile_with_warnings(
                    str(typ), output=str(part), root=str(settings.root),
                    font_paths=[str(d) for d in settings.font_dirs],
                    ignore_system_fonts=True, timestamp=settings.timestamp)
                problems = [str(w) for w in warnings]
                for w in problems:
                    log.warning("typst: %s", w)
                fatal = [w for w in problems if "font" in w.lower() or "glyph" in w.lower()]
                if fatal:
                    raise RenderError("Typst could not set some text in the configured font "
                                      f"'{settings.mainfont}' (it would show as boxes):\n"
                                      + "\n".join(fatal))
        except typst.TypstError as exc:
            raise RenderError(f"typst failed on {qmd.name}:\n{exc}") from None
        finally:
            if not opts.get("keep-typ"):
                typ.unlink(missing_ok=True)


def render_quarto(qmd: Path, fmt: str, output: Path, settings: RenderSettings) -> None:
    """``quarto render`` of one document and format, moved to ``output``."""
    to = "html" if fmt == "html" else "typst"
    import yaml

    project = yaml.safe_load((qmd.parent / "_quarto.yml").read_text(encoding="utf-8")) or {}
    front, _ = split_front_matter(qmd.read_text(encoding="utf-8"))
    cmd = [quarto_path() or "quarto", "render", qmd.name, "--to", to]
    if "mainfont" not in document_options(project, front, to):
        cmd += ["-M", f"mainfont:{settings.mainfont}"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(settings.timestamp),
           "TYPST_FONT_PATHS": os.pathsep.join(str(d) for d in settings.font_dirs)}
    proc = subprocess.run(cmd, cwd=qmd.parent, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RenderError(f"quarto render failed:\n{proc.stderr.strip()}")
    produced = qmd.parent / "_output" / f"{qmd.stem}.{fmt}"
    if produced.resolve() != output.resolve():
        shutil.move(produced, output)


def render(qmd: str | Path, fmt: str, output: str | Path, settings: RenderSettings) -> str:
    """Render ``qmd`` to ``output`` (``html`` or ``pdf``); return the engine used."""
    qmd, output = Path(qmd), Path(output)
    engine = choose_engine(settings.engine)
    log.info("rendering %s to %s with %s", qmd, fmt, engine)
    (render_quarto if engine == "quarto" else render_fallback)(qmd, fmt, output, settings)
    return engine
