"""Quarto's own YAML validation, the check ``quarto render`` stops on.

``quarto render`` validates ``_quarto.yml`` against its project-config schema
(``project/project-context.ts``) and each document's front matter and cell
options against its front-matter schema (``core/schema/validate-document.ts``)
before anything runs. Quarto 1.10.18 ships that validator as JavaScript
(``src/resources/editor/tools/yaml/``); ``validate-yaml.mjs`` runs it under
Node, unmodified, one process for all files of a render. This module only
locates its diagnostics (file:line:column) and turns them into a RenderError.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.render.errors import RenderError

if TYPE_CHECKING:
    from analysis.render.project import Project

ADAPTER = Path(__file__).with_name("validate-yaml.mjs")
NODE_HELP = "install Node.js ≥ 18 (Debian: apt-get install nodejs)"
PROJECT_FILES = ("_quarto.yml", "_quarto.yaml")
TIMEOUT_S = 120


@dataclass(frozen=True)
class Diagnostic:
    """One of Quarto's validation errors, located in its file (1-based)."""

    file: Path
    line: int
    column: int
    message: str       # Quarto's wording
    heading: str       # Quarto's heading for the kind of YAML that failed

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


def node_binary() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        raise RenderError(f"Quarto's YAML validation runs on Node.js, which is not on PATH: {NODE_HELP}")
    return node


def _front_matter_end(text: str) -> int:
    """Lines of the front matter block (0 if none): the rest are cell options."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].rstrip() != "---":
        return 0
    return next((i + 1 for i in range(start + 1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)


def _heading(path: Path, row: int, front_matter_end: int) -> str:
    """Quarto's own headings (project-context.ts, validate-document.ts)."""
    if path.name in PROJECT_FILES:
        return f"Project {path} validation failed."
    if row < front_matter_end:
        return "Validation of YAML front matter failed."
    return "Validation of YAML cell metadata failed."


# Diagnostics of files already validated in this process, by their content: a
# warm process (tools/preview) re-renders on every edit, usually of a section,
# not of the YAML, and Quarto's validator costs about a second to start.
_SEEN: dict[tuple[str, str], list[Diagnostic]] = {}


def lint(paths: list[Path]) -> list[Diagnostic]:
    """Quarto's diagnostics for ``paths`` (``_quarto.yml`` files and documents),
    from one node process (none when every file was validated before as it is)."""
    import hashlib

    paths = [Path(p).resolve() for p in paths]
    if not all(p.is_file() for p in paths):
        return _lint(paths)  # the validator says what is missing
    keys = [(str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths]
    if keys and all(k in _SEEN for k in keys):
        return [d for k in keys for d in _SEEN[k]]
    found = _lint(paths)
    for key, path in zip(keys, paths):
        _SEEN[key] = [d for d in found if d.file == path]
    return found


def _lint(paths: list[Path]) -> list[Diagnostic]:
    if not paths:
        return []
    try:
        proc = subprocess.run([node_binary(), str(ADAPTER), *map(str, paths)],
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Quarto's YAML validator gave no answer in {TIMEOUT_S} s") from None
    if proc.returncode != 0:
        said = [line for line in proc.stderr.splitlines() if line.strip()]
        if said and said[0].startswith("Quarto's YAML validator failed"):
            raise RenderError("\n".join(said))
        # node itself failed (too old to load the module?): its last line, no stack
        raise RenderError(f"Quarto's YAML validator did not run under {node_binary()}: "
                          f"{said[-1] if said else f'exit status {proc.returncode}'}\n"
                          f"(it needs Node.js 18 or newer: {NODE_HELP})")
    try:
        results: list[dict[str, Any]] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise RenderError(f"Quarto's YAML validator answered no JSON: {proc.stdout[:200]!r}") from None
    out = []
    for path, result in zip(paths, results):
        fm_end = _front_matter_end(path.read_text(encoding="utf-8")) if result["lints"] else 0
        for item in sorted(result["lints"], key=lambda x: (x["start.row"], x["start.column"])):
            row = item["start.row"]
            out.append(Diagnostic(path, row + 1, item["start.column"] + 1, item["text"],
                                  _heading(path, row, fm_end)))
    return out


def project_config_file(project_dir: Path) -> Path | None:
    return next((Path(project_dir) / n for n in PROJECT_FILES if (Path(project_dir) / n).is_file()), None)


def validate_project(project_dir: str | Path) -> list[Diagnostic]:
    """Diagnostics for the project's ``_quarto.yml`` (none if it has none)."""
    from analysis.render.yamlio import load_yaml_file

    config = project_config_file(Path(project_dir))
    if config is None:
        return []
    load_yaml_file(config)          # a YAML syntax error is an error, located (the linter skips it)
    return lint([config])


def validate_document(path: str | Path) -> list[Diagnostic]:
    """Diagnostics for a document's front matter and cell options."""
    from analysis.render.markdown import partition_front_matter

    path = Path(path)
    partition_front_matter(path.read_text(encoding="utf-8"), path)   # syntax errors, located
    return lint([path])


def raise_for(diagnostics: list[Diagnostic]) -> None:
    """A RenderError in Quarto's words, each error at its file:line:column."""
    if not diagnostics:
        return
    lines: list[str] = []
    heading = None
    for diag in diagnostics:
        if diag.heading != heading:
            heading = diag.heading
            lines.append(heading)
        lines.append(f"  {diag}")
    raise RenderError("\n".join(lines))


def validation_off(layers: list[dict[str, Any]], to: str) -> bool:
    """``validate-yaml: false`` in the merged options of format ``to``
    (render-files.ts skips the document's validation then)."""
    value = None
    for layer in layers:
        fmt = layer.get("format")
        own = fmt.get(to) if isinstance(fmt, dict) else None
        for v in (layer.get("validate-yaml"), own.get("validate-yaml") if isinstance(own, dict) else None):
            if v is not None:
                value = v
    return value is False


def check_render(project: Project, input_path: Path, layers: list[dict[str, Any]], to: str) -> None:
    """What ``quarto render`` validates before it runs anything: the project's
    ``_quarto.yml`` (unless it says ``validate-yaml: false``) and the document
    (unless its merged options do). Raises RenderError with Quarto's messages."""
    files = []
    if project.config_file is not None and project.config.get("validate-yaml") is not False:
        files.append(project.config_file)
    if not validation_off(layers, to):
        files.append(input_path)
    raise_for(lint(files))
