"""Render one document of a Quarto project, as ``quarto render FILE --to FMT``.

With Quarto on PATH this runs Quarto itself (in a private copy of the project,
so that renders side by side never share ``.quarto/`` and nothing is written
into the sources). Without it, the render is Quarto 1.10.18's own pieces,
vendored in ``vendor/quarto-1.10.18``: its qmd reader, Lua filter chain,
pandoc data dir, templates, language files and Typst packages, driven through
pandoc and Typst. This package supplies only what Quarto's TypeScript
supplies around them (merged options, filter parameters, language strings,
includes, dates, authors, format defaults, the Typst compile). Where it must
differ from Quarto, the README lists it.

Command line: ``python -m analysis.render FILE.qmd --to html|typst [-o OUT]
[-M KEY:VALUE]...``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.render.errors import RenderError

log = logging.getLogger(__name__)

__all__ = ["RenderError", "RenderResult", "render", "quarto_path", "choose_engine", "OUTPUT_EXT"]

OUTPUT_EXT = {"html": "html", "typst": "pdf"}
ENGINES = ("auto", "quarto", "vendored")


@dataclass
class RenderResult:
    output: Path
    engine: str
    warnings: list[str] = field(default_factory=list)


def quarto_path() -> str | None:
    """The ``quarto`` executable, if this machine has one."""
    return shutil.which("quarto")


def choose_engine(requested: str) -> str:
    if requested not in ENGINES:
        raise RenderError(f"unknown render engine '{requested}' (one of {', '.join(ENGINES)})")
    if requested == "quarto" and not quarto_path():
        raise RenderError("render.engine is 'quarto' but no quarto is on PATH; "
                          "install Quarto or set render.engine to 'auto'")
    if requested == "auto":
        return "quarto" if quarto_path() else "vendored"
    return requested


def default_output(input_path: Path, to: str) -> Path:
    from analysis.render.project import find_project

    project = find_project(input_path)
    stem = input_path.stem + "." + OUTPUT_EXT[to]
    if project.is_single_file:
        return input_path.parent / stem
    rel = input_path.resolve().parent.relative_to(project.dir)
    return project.output_dir / rel / stem


def render(input_path: str | Path, to: str, output: str | Path | None = None,
           metadata: dict[str, Any] | None = None, engine: str = "auto",
           strict: bool = False, source_date_epoch: int | None = None) -> RenderResult:
    """Render ``input_path`` to ``to`` (``html`` or ``typst``, which makes a PDF).

    ``metadata`` is what ``-M KEY:VALUE`` gives; ``source_date_epoch`` fixes the
    PDF's timestamp (default: the ``SOURCE_DATE_EPOCH`` environment variable). ``strict`` turns every warning
    (Quarto's, pandoc's, citeproc's, Typst's) and any text that is not prose
    (an unexpanded shortcode, a stray fence, an unresolved reference) into an
    error naming the file and line.
    """
    input_path = Path(input_path).resolve()
    if not input_path.is_file():
        raise RenderError(f"{input_path}: no such document")
    if to not in OUTPUT_EXT:
        raise RenderError(f"--to {to}: only html and typst are supported")
    output = Path(output).resolve() if output else default_output(input_path, to)
    used = choose_engine(engine)
    if source_date_epoch is None and os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        source_date_epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    if used == "quarto":
        from analysis.render.quarto import render_with_quarto

        warnings = render_with_quarto(input_path, to, output, metadata or {}, source_date_epoch)
    else:
        warnings = _render_vendored(input_path, to, output, metadata or {}, strict,
                                    source_date_epoch)
    if strict and warnings:  # Quarto's own run: its warnings arrive with the output
        output.unlink(missing_ok=True)
        raise RenderError(f"{input_path.name} ({to}): warnings are errors in this build:\n"
                          + "\n".join(warnings))
    return RenderResult(output=output, engine=used, warnings=warnings)


def _render_vendored(input_path: Path, to: str, output: Path, flags_meta: dict[str, Any],
                     strict: bool, source_date_epoch: int | None) -> list[str]:
    from analysis import fileio
    from analysis.render import config, extensions, html, html_bootstrap, markdown, resources, typst, validate
    from analysis.render.pandoc import PandocRun, mediabag, run_pandoc
    from analysis.render.project import (directory_metadata_for_input, find_project,
                                         project_metadata_for_input)

    project = find_project(input_path)
    source = markdown.expand_includes(input_path, project.dir)
    front, front_lines = markdown.partition_front_matter(source.text, input_path)
    layers = [project_metadata_for_input(project, input_path),
              directory_metadata_for_input(project, input_path), front]
    validate.check_render(project, input_path, [*layers, flags_meta], to)  # as quarto render does
    fmt = config.resolve_format(layers, to, input_path.parent, flags_meta)
    fmt["language"] = config.format_language(fmt)
    exts = extensions.extensions_for(input_path, None if project.is_single_file else project.dir)
    user_filters = extensions.resolve_filters(list(fmt["pandoc"].pop("filters", None) or []), exts)
    body = markdown.body_for_pandoc(source, front_lines)

    if to == "typst":  # format-typst.ts formatExtras
        if fmt["pandoc"].get("number-sections") and not fmt["metadata"].get("section-numbering"):
            fmt["metadata"]["section-numbering"] = "1.1.a"
        if "shift-heading-level-by" not in fmt["pandoc"] and not _has_level_one_headings(body.text):
            fmt["pandoc"]["shift-heading-level-by"] = -1
        if fmt["pandoc"].get("columns"):
            fmt["metadata"]["columns"] = fmt["pandoc"].pop("columns")
        template = resources.resource("formats", "typst", "pandoc", "quarto", "template.typ")
    else:
        template = html.TEMPLATE
    bootstrap = None

    output_dir_rel = (project.config.get("project") or {}).get("output-dir")
    # renderCleanup: a self-contained output (PDF, embedded HTML) keeps no mediabag
    self_contained = to == "typst" or bool(fmt["pandoc"].get("embed-resources")
                                           or fmt["pandoc"].get("self-contained"))
    keep_media = not self_contained or bool(fmt["execute"].get("keep-md") or fmt["render"].get("keep-typ"))
    with tempfile.TemporaryDirectory(prefix="quarto-render-") as tmp, \
            mediabag(input_path, keep=keep_media):
        scratch = Path(tmp)
        if to == "html" and html_bootstrap.has_bootstrap(fmt):  # Quarto's Bootstrap HTML
            bootstrap = html_bootstrap.BootstrapPage(fmt, input_path, output, scratch, layers)
            template = bootstrap.prepare()
        run = PandocRun(source=input_path, project_dir=project.dir, output_dir_rel=output_dir_rel,
                        to=to, fmt=fmt, body=body, scratch=scratch,
                        shortcodes=extensions.shortcode_files(exts), filters=user_filters,
                        extra_pandoc={"has-bootstrap": bootstrap is not None}, strict=strict)
        converted = scratch / ("converted.typ" if to == "typst" else "converted.html")
        started = time.perf_counter()
        run_pandoc(run, converted, template)
        timings = {"pandoc": time.perf_counter() - started}
        text = converted.read_text(encoding="utf-8")
        warnings = list(run.warnings)
        if fmt["execute"].get("keep-md"):
            fileio.write_text(input_path.with_name(f"{input_path.stem}.{to}.md"), source.text)
        output.parent.mkdir(parents=True, exist_ok=True)
        if to == "typst":
            if fmt["render"].get("keep-typ"):
                fileio.write_text(input_path.with_suffix(".typ"), text)
            with fileio.atomic_path(output) as part:
                started = time.perf_counter()
                try:
                    typst_warnings = [f"typst: {w}" for w in typst.compile_pdf(
                        text, input_path.parent, project.dir, fmt["metadata"], part, source_date_epoch)]
                except typst.TypstFailure as exc:  # point at the section line the Typst came from
                    from analysis.render.pandoc import locate

                    raise RenderError(locate(body, input_path, str(exc), exc.source_line)) from None
                timings["typst"] = time.perf_counter() - started
                if strict and typst_warnings:  # before the PDF is moved into place
                    raise RenderError(f"{input_path.name} (typst): warnings are errors in this "
                                      "build:\n" + "\n".join(typst_warnings))
                warnings += typst_warnings
        else:
            embed = bool(fmt["pandoc"].get("embed-resources") or fmt["pandoc"].get("self-contained"))
            page = (html.serialize_nbsp(bootstrap.finish(text, embed)) if bootstrap
                    else html.finish_page(text))
            if embed:
                started = time.perf_counter()
                page = html.embed_resources(page, input_path.parent,
                                            bootstrap.resource_path if bootstrap else None)
                timings["embed-resources"] = time.perf_counter() - started
            elif bootstrap:  # the page's supporting files, <stem>_files/libs, beside it
                libs = scratch / "page" / f"{output.stem}_files"
                if libs.is_dir():
                    shutil.copytree(libs, output.parent / libs.name, dirs_exist_ok=True)
            fileio.write_text(output, page)
    # the benchmark reads this line: the bare pandoc (+ Typst) time of the document
    log.info("timings %s: %s", input_path.name,
             ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    return warnings


def _has_level_one_headings(markdown_text: str) -> bool:
    """Quarto's own test (``quarto-internals/leveloneanalysis.lua``)."""
    import subprocess

    from analysis.render import resources
    from analysis.render.pandoc import pandoc_binary

    proc = subprocess.run([pandoc_binary(), "-f", "markdown", "-t", "markdown", "-L",
                           str(resources.resource("filters", "quarto-internals", "leveloneanalysis.lua"))],
                          input=markdown_text, capture_output=True, text=True)
    return proc.stdout.strip() == "true"
